package runtime_test

import (
	"context"
	"strings"
	"testing"

	"cel.dev/cel-go/common/types"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// tablesContract prices job outcomes by payment group from table params,
// with an uplift by region that has a default, and sums the month's fees
// by a table read inside an aggregate.
const tablesContract = `contract "Tables" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

param job_fee "Job outcome fee by payment group" {
  jsa_18_24   = £1,200.00
  jsa_25_plus = £1,000.00
  esa         = £3,500.00
}

param uplift "Uplift by region" {
  north   = 10%
  default = 0%
}

data outcome "A job outcome" {
  person text key
  month  date period
  group  jsa_18_24 | jsa_25_plus | esa
  region text
}

payment job "Job outcome" {
  for    outcome
  amount = job_fee[outcome.group]
}

incentive uplifted "Regional uplift" {
  for    outcome
  when   outcome.region in uplift
  amount = job_fee[outcome.group] * uplift[outcome.region]
}

let month_fees "The month's job fees" {
  per   month
  value = sum(outcome, job_fee[outcome.group])
}

incentive volume "1% of a month's fees over £4,000.00" {
  per    month
  when   month_fees > £4,000.00
  amount = month_fees * 1%
}
`

const tablesOutcomes = `person,month,group,region
P1,2026-05-03,esa,north
P2,2026-05-10,jsa_18_24,south
P3,2026-05-20,jsa_25_plus,north
P4,2026-06-01,jsa_18_24,north
`

// TestTableParams works the figures by hand. May: P1 esa £3,500.00, P2
// jsa_18_24 £1,200.00, P3 jsa_25_plus £1,000.00. The uplift lists north
// alone: P1 10% of 3,500 = £350.00 and P3 10% of 1,000 = £100.00; P2's
// region (south) is not a key, so `in` is false and no line is made,
// though uplift[south] would be the default, 0%. May's fees are 5,700.00,
// over 4,000.00: 1% is £57.00. June: P4 £1,200.00 and 10%, £120.00; its
// fees, 1,200.00, earn no volume incentive.
func TestTableParams(t *testing.T) {
	got := lineList(t, tablesContract, "2026-05..2026-06", "outcomes.csv", tablesOutcomes)
	wantAsOfLines(t, got,
		"2026-05 job P1 3500.00", "2026-05 job P2 1200.00", "2026-05 job P3 1000.00",
		"2026-05 uplifted P1 350.00", "2026-05 uplifted P3 100.00",
		"2026-05 volume 2026-05 57.00",
		"2026-06 job P4 1200.00", "2026-06 uplifted P4 120.00")
}

// TestTableParamEntryOverride: setting one entry changes the lines that
// read it and no other. esa at £3,000.00: P1's fee 3,000.00 and uplift
// 300.00; May's fees 5,200.00, 1% £52.00. Setting the default to 5% gives
// P2 no uplift line still (south is not a key), so `in` is unchanged.
func TestTableParamEntryOverride(t *testing.T) {
	c := compileText(t, "contract.occ", []byte(tablesContract))
	d, errs := data.Load(c, []data.Input{{Path: "outcomes.csv", Open: data.Bytes([]byte(tablesOutcomes))}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	esa, err := c.ParseParam("job_fee.esa", "£3,000.00")
	if err != nil {
		t.Fatal(err)
	}
	def, err := c.ParseParam("uplift.default", "5%")
	if err != nil {
		t.Fatal(err)
	}
	p, err := runtime.New(c, runtime.WithParam("job_fee.esa", esa), runtime.WithParam("uplift.default", def))
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Eval(context.Background(), d, settleOf(t, p, "2026-05"))
	if err != nil {
		t.Fatal(err)
	}
	wantRuleKeyAmounts(t, st, map[string]string{
		"job:P1": "3000.00", "job:P2": "1200.00", "job:P3": "1000.00",
		"uplifted:P1": "300.00", "uplifted:P3": "100.00", "volume:2026-05": "52.00",
	})
	var set []string
	for _, pv := range st.Params {
		if pv.Set {
			set = append(set, pv.Name+"="+pv.Value)
		}
	}
	if got, want := strings.Join(set, " "), "job_fee.esa=3000.00 uplift.default=0.05"; got != want {
		t.Errorf("set params %q, want %q", got, want)
	}
	// The contract's own value is untouched by the override.
	if v, _ := c.Param("job_fee").Table().Entry(types.String("esa")); value.Format(v, 2) != "3500.00" {
		t.Errorf("the contract's job_fee[esa] is %s after an override, want 3500.00", value.Format(v, 2))
	}
	if _, err := runtime.New(c, runtime.WithParam("job_fee", esa)); err == nil {
		t.Error("setting a whole table param was accepted")
	}
	if _, err := runtime.New(c, runtime.WithParam("job_fee.nope", esa)); err == nil {
		t.Error("setting a key the table does not have was accepted")
	}
}

// TestTableParamMissingKey: a text key the table does not list, with no
// default, fails the line with a missing-key error naming the rule, the
// record's row and the key; the other records still get their lines
// refused as a whole statement, never a zero.
func TestTableParamMissingKey(t *testing.T) {
	src := strings.Replace(tablesContract, "amount = job_fee[outcome.group] * uplift[outcome.region]",
		"amount = job_fee[outcome.region]", 1)
	src = strings.Replace(src, "when   outcome.region in uplift\n", "", 1)
	diags := evalDiagnostics(t, src, "2026-05", "outcomes.csv", tablesOutcomes)
	if len(diags) != 3 {
		t.Fatalf("%d diagnostics, want 3: %v", len(diags), diags)
	}
	d := diags[0]
	if d.Code != "missing-key" || !strings.Contains(d.Message, `incentive uplifted, P1 (outcomes.csv:2): amount: param job_fee has no entry for key "north", and no default`) {
		t.Errorf("diagnostic %s [%s]", d.Message, d.Code)
	}
}
