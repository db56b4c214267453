package diff_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
	"github.com/occ-lang/occ/runtime/diff"
)

// compile compiles contract text, failing the test on any error.
func compile(t *testing.T, name string, src []byte) *compiler.Contract {
	t.Helper()
	f, ds := lang.Parse(name, src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	c, ds := compiler.Compile([]*lang.File{f})
	if c == nil || ds.HasErrors() {
		t.Fatal(ds)
	}
	return c
}

// spec compiles specs/DIR/contract.occ.
func spec(t *testing.T, dir string) *compiler.Contract {
	t.Helper()
	path := filepath.Join("..", "..", "specs", dir, "contract.occ")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return compile(t, path, src)
}

// side evaluates c over the whole of the data the files hold, with the
// params set as given.
func side(t *testing.T, c *compiler.Contract, files []string, set map[string]string) diff.Side {
	t.Helper()
	var in []data.Input
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, data.Input{Path: filepath.Base(f), Open: data.Bytes(b)})
	}
	d, ds := data.Load(c, in)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	var opts []runtime.Option
	for name, text := range set {
		v, err := c.ParseParam(name, text)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, runtime.WithParam(name, v))
	}
	p, err := runtime.New(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Eval(context.Background(), d, compiler.Period{})
	if err != nil {
		t.Fatal(err)
	}
	return diff.Side{Contract: c, Statement: st}
}

const shadow = "../../testdata/shadow/"

// shadowDiff compares time and task (old) with individual outcomes (new)
// on testdata/shadow: the same two people in May and June 2026.
func shadowDiff(t *testing.T) *diff.Diff {
	t.Helper()
	old := side(t, spec(t, "time-and-task"), []string{shadow + "visits.csv"}, nil)
	new := side(t, spec(t, "individual-outcomes"), []string{shadow + "reviews.csv", shadow + "goals.csv"}, nil)
	d, err := diff.Compare(old, new)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// row is a change as "NAME OLD NEW DELTA".
func row(c diff.Change) string {
	return c.Name + " " + c.Old.String() + " " + c.New.String() + " " + c.Delta.String()
}

func rows(cs []diff.Change) string {
	var out []string
	for _, c := range cs {
		out = append(out, row(c))
	}
	return strings.Join(out, "\n")
}

func want(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\ngot\n%s\nwant\n%s", what, got, want)
	}
}

// TestShadowRun pins the change from time and task to individual outcomes
// on testdata/shadow, worked by hand.
//
// Time and task, £24.10 an hour, billed in whole 15-minute units with a
// 30-minute minimum, each visit's line rounded half up to the penny:
//
//	May  P1 30 visits of 60 min: 30 x 24.10                       =   723.00
//	     P2 20 visits of 24 min, billed 30: 20 x 12.05             =   241.00
//	     May                                                         964.00
//	June P1 30 visits of 45 min: 45/60 x 24.10 = 18.075 -> 18.08,
//	        30 x 18.08                                            =   542.40
//	     P2 17 visits of 30 min: 17 x 12.05 (3 missed, unbilled)   =   204.85
//	     June                                                        747.25
//	total 1,711.25 in 97 lines: P1 1,265.40, P2 445.85.
//
// Individual outcomes, £19.60 an hour:
//
//	May  hours P1 30 x 19.60 = 588.00, P2 8 x 19.60 = 156.80       744.80
//	     goal_fee P1/G1, met in 35 days <= 42: 240 x 1.25          300.00
//	     satisfied P1 (5) and P2 (4): 2 x 30                        60.00
//	     reduced_package P2 (10 - 8) x 19.60 x 50%                  19.60
//	     cap: covered 379.60, limit 744.80 x 15% = 111.72         -267.88
//	     May                                                       856.52
//	June hours P1 22.5 x 19.60 = 441.00, P2 8.5 x 19.60 = 166.60   607.60
//	     goal_fee P2/G1, met in 80 days                            240.00
//	     satisfied P1 (4)                                           30.00
//	     missed P2, 3 > 2: 166.60 x 5% = 8.33                       -8.33
//	     reduced_package P1 (30 - 22.5) x 19.60 x 50% = 73.50,
//	       P2 (10 - 8.5) x 19.60 x 50% = 14.70                      88.20
//	     cap: covered 358.20, limit 607.60 x 15% = 91.14          -267.06
//	     June                                                      690.41
//	total 1,546.93 in 15 lines.
//
// By person, new: P1 588 + 441 + 300 + 30 + 30 + 73.50 = 1,462.50; P2
// 156.80 + 166.60 + 240 + 30 + 19.60 + 14.70 - 8.33 = 619.37; the two
// caps, per period, are for no one person: -534.94. May has 7 new lines:
// hours 2, goal_fee 1, satisfied 2, reduced_package 1 (P2), the cap 1.
func TestShadowRun(t *testing.T) {
	d := shadowDiff(t)
	want(t, "total", row(d.Total), "total 1711.25 1546.93 -164.32")
	if d.Total.OldLines != 97 || d.Total.NewLines != 15 {
		t.Errorf("lines %d and %d, want 97 and 15", d.Total.OldLines, d.Total.NewLines)
	}
	var ps []diff.Change
	for _, p := range d.Periods {
		ps = append(ps, p.Change)
	}
	want(t, "periods", rows(ps), "2026-05 964.00 856.52 -107.48\n2026-06 747.25 690.41 -56.84")
	if p := d.Periods[0]; p.From.String() != "2026-05-01" || p.To.String() != "2026-05-31" || p.OldLines != 50 || p.NewLines != 7 {
		t.Errorf("May: %s .. %s, %d and %d lines; want 2026-05-01 .. 2026-05-31, 50 and 7", p.From, p.To, p.OldLines, p.NewLines)
	}
	// Payments 1,711.25 -> 744.80 + 607.60 = 1,352.40; incentives
	// 300 + 60 + 240 + 30 = 630.00; shares 19.60 + 88.20 = 107.80.
	want(t, "kinds", rows(d.Kinds), strings.Join([]string{
		"incentive 0 630.00 630.00",
		"adjustment 0 -534.94 -534.94",
		"payment 1711.25 1352.40 -358.85",
		"share 0 107.80 107.80",
		"sanction 0 -8.33 -8.33",
	}, "\n"))
	want(t, "rules", rows(d.Rules), strings.Join([]string{
		"visits 1711.25 0 -1711.25",
		"hours 0 1352.40 1352.40",
		"goal_fee 0 540.00 540.00",
		"outcome_cap 0 -534.94 -534.94",
		"reduced_package 0 107.80 107.80",
		"satisfied 0 90.00 90.00",
		"missed 0 -8.33 -8.33",
	}, "\n"))
	want(t, "payers", rows(d.Payers), "Example County Council 1711.25 1546.93 -164.32")
	want(t, "persons", rows(d.Persons), strings.Join([]string{
		" 0 -534.94 -534.94",
		"P1 1265.40 1462.50 197.10",
		"P2 445.85 619.37 173.52",
	}, "\n"))

	// Params: hourly_rate moves; the billing units go; the outcome
	// params come.
	var params []string
	for _, p := range d.Params {
		params = append(params, p.Change()+" "+p.Name+" "+p.Old+" "+p.New)
	}
	want(t, "params", strings.Join(params, "\n"), strings.Join([]string{
		"changed hourly_rate 24.10 19.60",
		"removed unit_minutes 15 ",
		"removed minimum_minutes 30 ",
		"added outcome_fee  240.00",
		"added quick_bonus  0.25",
		"added quick_within  42 days",
		"added satisfaction_reward  30.00",
		"added satisfied_from  4",
		"added missed_allowance  2",
		"added missed_rate  0.05",
		"added provider_share  0.50",
		"added outcome_cap_rate  0.15",
	}, "\n"))

	// Rules: missed is a flag over visits in one and a sanction over
	// reviews in the other.
	var rs []string
	for _, r := range d.RuleChanges {
		s := r.Change + " " + r.Name
		for _, p := range r.Parts {
			s += " [" + p.Clause + ": " + p.Old + " | " + p.New + "]"
		}
		rs = append(rs, s)
	}
	want(t, "rules changed", strings.Join(rs, "\n"), strings.Join([]string{
		"removed billed_minutes",
		"removed visits",
		"changed missed [kind: flag | sanction] [title: Visit missed: not billed | Missed visits] [scope: for visit | for review]" +
			" [when: visit.actual_minutes == 0 | review.missed_visits > missed_allowance] [amount:  | hours * missed_rate]",
		"added hours",
		"added goal_fee",
		"added satisfied",
		"added reduced_package",
		"added outcome_cap",
		"added feasibility",
	}, "\n"))

	// May moved by 107.48 and June by 56.84: a limit of £60 catches May
	// alone, one of exactly £107.48 neither.
	over := func(limit string) string {
		var out []string
		for _, p := range d.PeriodsOver(value.MoneyOf(value.MustParseDecimal(limit))) {
			out = append(out, p.Name)
		}
		return strings.Join(out, " ")
	}
	want(t, "over 60", over("60"), "2026-05")
	want(t, "over 50", over("50"), "2026-05 2026-06")
	want(t, "over 107.48", over("107.48"), "")
}
