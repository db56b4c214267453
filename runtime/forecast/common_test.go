package forecast

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler/value"
)

// TestVaryIsCommonRandom: every step of a sweep of a scenario var draws
// the same numbers for everything the var does not touch. The chance a
// goal is achieved changes goals' statuses, and so which goals draw a
// met_on date; it must not move the hours, visits or satisfaction of any
// review. It did: a sweep of achieved moved the mean of the hours paid,
// which do not depend on it, from £1,853,103 to £1,851,896.
func TestVaryIsCommonRandom(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	sc := parse(t, c, string(mustRead(t, "../../specs/individual-outcomes/scenario.yaml")))
	// The contract's own rules, in two forecasts with achieved far apart:
	// the kinds that do not read goals are the same, period by period.
	lo := run(t, c, sc, Options{Runs: 40, Seed: 7, Vars: map[string]value.Decimal{"achieved": value.MustParseDecimal("0.3")}})
	hi := run(t, c, sc, Options{Runs: 40, Seed: 7, Vars: map[string]value.Decimal{"achieved": value.MustParseDecimal("0.7")}})
	for i, p := range append([]PeriodResult{lo.Term}, lo.Periods...) {
		q := hi.Term
		if i > 0 {
			q = hi.Periods[i-1]
		}
		for k, ks := range p.ByKind {
			same := statsText(ks.Stats) == statsText(q.ByKind[k].Stats)
			switch ks.Kind {
			case "payment", "sanction", "share":
				if !same {
					t.Errorf("%s %s: %+v with achieved 0.3, %+v with 0.7", p.Period, ks.Kind, ks.Stats, q.ByKind[k].Stats)
				}
			case "incentive":
				if same && p.Period == lo.Term.Period {
					t.Errorf("%s incentive: the same with achieved 0.3 and 0.7", p.Period)
				}
			}
		}
	}

	// A contract whose total does not depend on goals' statuses (it only
	// flags goals that are not feasible) has the same total at every step
	// of a sweep of achieved, and the same as without the sweep.
	text := string(mustRead(t, "../../specs/individual-outcomes/contract.occ"))
	cut := func(from, to string) {
		i, j := strings.Index(text, from), strings.Index(text, to)
		if i < 0 || j < i {
			t.Fatalf("cannot cut %q .. %q from the contract", from, to)
		}
		text = text[:i] + text[j:]
	}
	cut("incentive goal_fee", "sanction missed")
	cut("cap outcome_cap", "flag feasibility")
	c2 := compileSource(t, "hours-only.occ", text)
	sc2 := parse(t, c2, string(mustRead(t, "../../specs/individual-outcomes/scenario.yaml")))
	res := run(t, c2, sc2, Options{Runs: 40, Seed: 7, Vary: &Vary{Name: "achieved", From: value.MustParseDecimal("0.2"), To: value.MustParseDecimal("0.7"), Steps: 3}})
	if res.Term.Total.Mean.Sign() <= 0 {
		t.Fatal("the forecast pays nothing")
	}
	for _, st := range res.Sensitivity.Steps {
		if statsText(st.Total) != statsText(res.Term.Total) {
			t.Errorf("achieved %s: total %+v; without the sweep %+v", st.Value, st.Total, res.Term.Total)
		}
	}
}

// statsText renders s for comparison.
func statsText(s Stats) string { return fmt.Sprintf("%+v", s) }

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
