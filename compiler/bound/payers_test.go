package bound_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/bound"
	"github.com/occ-lang/occ/runtime"
)

// sharedHeader is a contract two payers share 60/40, and 50/50 from June
// (testdata/payers/two-payers.occ), read once.
var sharedHeader = func() string {
	b, err := os.ReadFile("../../testdata/payers/two-payers.occ")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

func compileShared(t *testing.T, rules string) *compiler.Contract {
	t.Helper()
	src := sharedHeader + rules
	if fee, ok := strings.CutPrefix(rules, "\n// fee "); ok {
		// The contract's fee, written on the rules' first line.
		fee, _, _ = strings.Cut(fee, "\n")
		src = strings.Replace(src, "param fee = £100.01", "param fee = "+fee, 1)
	}
	_, c, ds := compiler.CompileSources([]compiler.Source{{Name: "shared.occ", Text: []byte(src)}})
	if c == nil || ds.HasErrors() {
		t.Fatalf("does not compile: %v", ds)
	}
	return c
}

func payerBound(t *testing.T, rep *bound.Report, payer string) bound.PayerBound {
	t.Helper()
	for _, pb := range rep.Payers {
		if pb.Payer.Name == payer {
			return pb
		}
	}
	t.Fatalf("no bound of payer %s", payer)
	return bound.PayerBound{}
}

// rangeText writes a bound as "least .. most".
func rangeText(rep *bound.Report, b bound.Bound) string {
	end := func(x bound.Extreme) string {
		if !x.Finite {
			return "none"
		}
		return rep.Amount(&x.Amount)
	}
	return end(b.Least) + " .. " + end(b.Most)
}

// TestPayerBoundsByHand checks the bounds by payer with figures worked by
// hand. At most 3 claims a month of 0 to 100 units at £100.01: a claim
// pays at most £10,001.00, a month £30,003.00.
//
// Council, 60% in April and May: a line's part at most 60% of £10,001.00
// = £6,000.60 exactly, so £18,001.80 a month; 50% in June, £5,000.50 a
// line, £15,001.50. Over the term 2 × £18,001.80 + £15,001.50 =
// £51,005.10. ICB: 40%, £4,000.40 a line, £12,001.20 in April and May;
// £15,001.50 in June (its most a period); over the term £39,003.90. The
// bonus of £10.00 a claim is the ICB's alone (split icb 100%): £30.00 a
// month, £90.00 the term, none of it the council's.
//
// The ICB's cap of £100.00 a month limits the ICB's parts alone: the ICB
// pays at most £100.00 a month and £300.00 over the term; the cap's
// adjustment takes at most the ICB's parts above £100.00, £15,031.50 −
// £100.00 = £14,931.50 in June, all the ICB's. The council's most is
// unchanged; the contract's most a month is the council's £18,001.80
// plus the ICB's £100.00 = £18,101.80 (April), not the £30,033.00 its
// lines could come to, and not the cap's £100.00 either.
func TestPayerBoundsByHand(t *testing.T) {
	c := compileShared(t, `
payment bonus "Health bonus" {
  for    claim
  amount = £10.00
  split  icb 100%
}

cap icb_cap "The ICB pays at most £100.00 a month" {
  per    month
  covers outcome, bonus
  payer  icb
  limit  = £100.00
}
`)
	rep, err := bound.Analyze(c, bound.Options{MaxRecords: map[string]int64{"claim": 3}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string][2]string{
		"council": {
			"outcome": {"£0.00 .. £18,001.80", "£0.00 .. £51,005.10"},
			"bonus":   {"£0.00 .. £0.00", "£0.00 .. £0.00"},
			"icb_cap": {"£0.00 .. £0.00", "£0.00 .. £0.00"},
			"total":   {"£0.00 .. £18,001.80", "£0.00 .. £51,005.10"},
		},
		"icb": {
			"outcome": {"£0.00 .. £15,001.50", "£0.00 .. £39,003.90"},
			"bonus":   {"£0.00 .. £30.00", "£0.00 .. £90.00"},
			"icb_cap": {"-£14,931.50 .. £0.00", "-£38,793.90 .. £0.00"},
			"total":   {"£0.00 .. £100.00", "£0.00 .. £300.00"},
		},
	}
	for payer, rules := range want {
		pb := payerBound(t, rep, payer)
		got := map[string][2]string{"total": {rangeText(rep, pb.PerPeriod), rangeText(rep, pb.Term)}}
		for _, rb := range pb.Rules {
			got[rb.Rule.Name] = [2]string{rangeText(rep, rb.PerPeriod), rangeText(rep, rb.Term)}
		}
		for rule, w := range rules {
			if got[rule] != w {
				t.Errorf("%s, %s: a period %s, the term %s; want %s and %s", payer, rule, got[rule][0], got[rule][1], w[0], w[1])
			}
		}
	}
	if got := rangeText(rep, rep.PerPeriod); got != "£0.00 .. £18,101.80" {
		t.Errorf("the contract a period: %s, want £0.00 .. £18,101.80", got)
	}
	if got := rep.PerPeriod.Most.Period; got != "2026-04" {
		t.Errorf("the contract's most a period is in %s, want 2026-04", got)
	}
	// The ICB's cap, whose adjustment is all the ICB's, shows the ICB's
	// figures in the contract's own rows too.
	for _, rb := range rep.Rules {
		if rb.Rule.Name == "icb_cap" && rangeText(rep, rb.PerPeriod) != "-£14,931.50 .. £0.00" {
			t.Errorf("icb_cap a period: %s, want -£14,931.50 .. £0.00", rangeText(rep, rb.PerPeriod))
		}
	}
}

// TestPayerBoundsWithoutPayers: a contract that declares no payers has no
// bounds by payer.
func TestPayerBoundsWithoutPayers(t *testing.T) {
	rep := analyze(t, `
payment hours "Hours" {
  for    review
  amount = review.hours * rate
}
`, bound.Options{})
	if rep.Payers != nil {
		t.Errorf("bounds by payer for a contract with one payer: %+v", rep.Payers)
	}
}

// payerContracts are contracts two payers share, for the soundness
// property: by-date splits, a rule's own split, caps for one payer and
// for both, a floor, a sanction and lines of a penny, whose parts round
// most: each 1p line is the council's alone at 60/40, so under a cap of
// 3p on four of them the council pays 4p less its 1p part of the 1p
// adjustment, 3p, not 60% of 3p.
var payerContracts = map[string]string{
	"payer cap": `
payment bonus "Health bonus" {
  for    claim
  when   claim.units >= 50
  amount = £10.00
  split  icb 100%
}

cap icb_cap "The ICB pays at most £2,000.00 a month" {
  per    month
  covers outcome, bonus
  payer  icb
  limit  = £2,000.00
}
`,
	"whole cap over a payer cap": `
payment pennies "A penny a unit" {
  for    claim
  amount = £0.01 * claim.units
  split  council 33.333%, icb 66.667%
}

cap icb_cap "The ICB's outcome fees at most £3,000.00 a month" {
  per    month
  covers outcome
  payer  icb
  limit  = £3,000.00
}

cap all_cap "Everything at most £9,000.00 a quarter" {
  per    quarter
  covers outcome, pennies
  limit  = £9,000.00
}
`,
	"whole cap": `
payment pennies "A penny a unit" {
  for    claim
  amount = £0.01 * claim.units
}

cap all_cap "Everything at most £1,000.00 a month" {
  per    month
  covers outcome, pennies
  limit  = £1,000.00
}

floor all_floor "At least £0.05 a quarter" {
  per    quarter
  covers pennies
  limit  = £0.05
}
`,
	"pennies capped": `
// fee £0.00
payment penny "A penny a claim" {
  for    claim
  amount = £0.01
}

cap penny_cap "Pennies at most £0.03 a month" {
  per    month
  covers penny
  limit  = £0.03
}
`,
	"sanction and floor": `
sanction late "A late claim" {
  for    claim
  when   claim.units < 10
  amount = £25.00
}

floor council_floor "The council pays at least £50.00 a month" {
  per    month
  covers outcome
  payer  council
  limit  = £50.00
}

payment monthly "A monthly fee" {
  per    month
  amount = £333.33
}
`,
}

// TestPayerBoundsSound is the soundness property by payer: on random valid
// data, each payer's parts of each rule's lines and its total, per period
// and over the term, lie within its bounds; and the contract's total
// within the contract's.
func TestPayerBoundsSound(t *testing.T) {
	const perPeriod = 4
	for name, rules := range payerContracts {
		t.Run(name, func(t *testing.T) {
			c := compileShared(t, rules)
			max := map[string]int64{"claim": perPeriod}
			periods := c.Calendar().Count(c.Settlement)
			per := make([]*bound.Report, periods)
			for p := range per {
				var err error
				if per[p], err = bound.Analyze(c, bound.Options{MaxRecords: max, Some: true, First: p, Last: p}); err != nil {
					t.Fatal(err)
				}
			}
			prog, err := runtime.New(c, runtime.WithWorkers(1), runtime.WithoutInputs())
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(11, 7))
			finite := 0
			for range 200 {
				set := randomSet(t, c, rng, perPeriod)
				st, err := prog.Eval(context.Background(), set, c.Calendar().Span(c.Settlement, 0, periods-1))
				if err != nil {
					t.Fatal(err)
				}
				finite += checkStatement(t, c, st, per)
				finite += checkPayers(t, st, per)
			}
			if finite == 0 {
				t.Error("nothing paid was held to a finite end of a bound")
			}
		})
	}
}

// checkPayers compares each payer's parts, by rule and in total, per
// period and over the term, with its bounds.
func checkPayers(t *testing.T, st *runtime.Statement, per []*bound.Report) (finite int) {
	t.Helper()
	type key struct{ payer, rule, period string }
	sums := map[key]*apd.Decimal{}
	addTo := func(k key, d *apd.Decimal) {
		if sums[k] == nil {
			sums[k] = new(apd.Decimal)
		}
		apd.BaseContext.Add(sums[k], sums[k], d)
	}
	for l := range st.Lines() {
		for _, pt := range l.Parts {
			d := pt.Amount.Decimal().Apd()
			for _, k := range []key{{pt.Payer, l.Rule, l.Period}, {pt.Payer, l.Rule, ""}, {pt.Payer, "", l.Period}, {pt.Payer, "", ""}} {
				addTo(k, d)
			}
		}
	}
	within := func(what string, got *apd.Decimal, b bound.Bound) {
		if got == nil {
			got = new(apd.Decimal)
		}
		for _, x := range []bound.Extreme{b.Least, b.Most} {
			if x.Finite {
				finite++
			}
		}
		if b.Most.Finite && got.Cmp(&b.Most.Amount) > 0 {
			t.Errorf("%s: paid %s, above the most %s", what, got.Text('f'), b.Most.Amount.Text('f'))
		}
		if b.Least.Finite && got.Cmp(&b.Least.Amount) < 0 {
			t.Errorf("%s: paid %s, below the least %s", what, got.Text('f'), b.Least.Amount.Text('f'))
		}
	}
	for p, rep := range per {
		label := rep.Periods[0]
		for _, pb := range rep.Payers {
			within(pb.Payer.Name+" in "+label, sums[key{pb.Payer.Name, "", label}], pb.PerPeriod)
			for _, rb := range pb.Rules {
				within(pb.Payer.Name+"'s "+rb.Rule.Name+" in "+label, sums[key{pb.Payer.Name, rb.Rule.Name, label}], rb.PerPeriod)
			}
			if p == 0 {
				within(pb.Payer.Name+" over the term", sums[key{pb.Payer.Name, "", ""}], pb.Term)
				for _, rb := range pb.Rules {
					within(pb.Payer.Name+"'s "+rb.Rule.Name+" over the term", sums[key{pb.Payer.Name, rb.Rule.Name, ""}], rb.Term)
				}
			}
		}
	}
	return finite
}
