package forecast

import (
	"fmt"

	"github.com/occ-lang/occ/compiler/value"
)

// Settled is a period already settled and paid, from a settlement ledger.
// A forecast with settled periods (Options.Settled) reports each of them
// as it was paid, the same in every run, and simulates the rest.
type Settled struct {
	// Period is the period's label, as the forecast reports it (2026-04).
	Period string
	// ByKind is what was paid in the period, one amount per kind in the
	// order of Kinds: its own lines due, and the prior-period adjustments
	// paid in it, each under the kind of the rule it adjusts. Held lines
	// are not paid and are not counted.
	ByKind []value.Money
	// ByPayer is what each payer paid of it, indexed like the contract's
	// payers, adding up to the sum of ByKind: needed when the contract
	// declares two payers or more, and unused in one payer's forecast,
	// whose ByKind (and Current, Adjustments and Held) are that payer's
	// parts.
	ByPayer []value.Money
	// Current, Adjustments and Held are the settlement's own lines due,
	// its prior-period adjustments, and the lines held in dispute.
	Current, Adjustments, Held value.Money
}

// Paid is what a settled period paid, as a forecast reports it.
type Paid struct {
	Current, Adjustments, Held, Total value.Decimal
}

// settledSlots checks the settled periods against the window and returns
// them by their position in it; a settled period outside the periods
// reported is left out.
func (w *window) settledSlots(settled []Settled) (map[int]*Settled, error) {
	out := map[int]*Settled{}
	for i := range settled {
		s := &settled[i]
		if len(s.ByKind) != len(Kinds) {
			return nil, fmt.Errorf("settled period %s: %d kinds of amount, want %d", s.Period, len(s.ByKind), len(Kinds))
		}
		if len(w.payers) > 0 && len(s.ByPayer) != len(w.payers) {
			return nil, fmt.Errorf("settled period %s: %d payers' amounts, want %d", s.Period, len(s.ByPayer), len(w.payers))
		}
		known := false
		for _, l := range w.cal.labels {
			known = known || l == s.Period
		}
		if !known {
			return nil, optionError(CodeBadPeriods, "the ledger settled %s, which is not a settlement period of the contract's term", s.Period)
		}
		if p, ok := w.index[s.Period]; ok {
			out[p] = s
		}
	}
	return out, nil
}

// fix puts the settled periods' paid amounts into a run's result, in
// place of the simulated ones, and counts no cap or standard in them: what
// happened there is settled, not a chance.
func (w *window) fix(rr *runResult) {
	stride := len(Kinds) + 1
	for p, s := range w.settled {
		t := w.zero
		for k, m := range s.ByKind {
			rr.amounts[p*stride+k+1] = m
			t, _ = t.Add(m)
		}
		rr.amounts[p*stride] = t
		for i := range w.payers {
			rr.parts[p*len(w.payers)+i] = s.ByPayer[i]
		}
		for i := range rr.caps {
			rr.caps[i][p] = false
		}
		for i := range rr.stds {
			rr.stds[i][p] = false
		}
	}
}
