package forecast

import (
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
)

// Totals by payer. When a contract declares two payers or more, each run's
// statement splits every line between them (runtime's largest-remainder
// split, as occ eval shows it), and a forecast adds up each payer's parts
// of the run's lines period by period. The statistics of each payer's
// total are then taken over the runs like the total's: each run's parts
// add up to that run's total exactly, and no percentile of the total is
// ever split. With Options.Payer, the forecast is one payer's instead: the
// runs' statements are that payer's (runtime.Statement.ForPayer), so every
// amount is its parts.

// PayerInfo names one of the payers a forecast reports totals for.
type PayerInfo struct {
	Payer string
	// Title is the payer's title in the contract, "" when it has none.
	Title string
}

// PayerStats are the statistics of one payer's total: the sum, in each
// run, of its parts of the run's lines.
type PayerStats struct {
	Payer string
	Title string
	Stats
}

// splitPayers returns the payers a forecast of contract c reports totals
// for: every payer when it declares two or more and the forecast is the
// whole contract's, else none.
func splitPayers(c *compiler.Contract, payer *compiler.Payer) []PayerInfo {
	if len(c.Payers) < 2 || payer != nil {
		return nil
	}
	out := make([]PayerInfo, len(c.Payers))
	for i, p := range c.Payers {
		out[i] = PayerInfo{Payer: p.Name, Title: p.Title}
	}
	return out
}

// payerOption returns the payer of a one-payer forecast, nil for the
// whole contract's, or an option error naming the contract's payers.
func payerOption(c *compiler.Contract, name string) (*compiler.Payer, error) {
	if name == "" {
		return nil, nil
	}
	p := c.PayerNamed(name)
	if p == nil {
		return nil, optionError(CodeUnknownPayer, "%s is not a payer of the contract; its payers are %s", name, strings.Join(c.PayerNames(), ", "))
	}
	return p, nil
}

// payerCaps leaves out of caps, in one payer's forecast, those that limit
// another payer alone: the payer never has a part of their adjustments.
func payerCaps(caps []*compiler.Rule, payer *compiler.Payer) []*compiler.Rule {
	if payer == nil {
		return caps
	}
	var out []*compiler.Rule
	for _, r := range caps {
		if r.Payer == nil || r.Payer == payer {
			out = append(out, r)
		}
	}
	return out
}

// tallyParts adds a line's parts to their payers' amounts in position p
// of the window. The parts of a line add up to it, so a run's payer
// amounts in a period add up to its total there.
func (w *window) tallyParts(rr *runResult, p int, parts []runtime.PayerPart) {
	if len(w.payers) == 0 {
		return
	}
	n := len(w.payers)
	for _, pt := range parts {
		i, ok := w.payerIndex[pt.Payer]
		if !ok {
			continue
		}
		rr.parts[p*n+i], _ = rr.parts[p*n+i].Add(pt.Amount)
	}
}

// payerStats returns the statistics of each payer's total in the runs,
// slot giving a run's amount of payer i.
func (w *window) payerStats(runs []*runResult, places int32, slot func(rr *runResult, i int) value.Money) []PayerStats {
	var out []PayerStats
	for i, p := range w.payers {
		xs := make([]value.Decimal, len(runs))
		for r, rr := range runs {
			xs[r] = slot(rr, i).Decimal()
		}
		out = append(out, PayerStats{Payer: p.Payer, Title: p.Title, Stats: summarize(xs, places)})
	}
	return out
}
