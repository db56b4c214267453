package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/forecast"
	"github.com/occ-lang/occ/runtime/ledger"
)

// ledgerSettled reads the periods a ledger has settled for occ forecast
// --ledger: what each paid, by kind. The contract forecast must be a
// version the ledger has registered, so that its periods and rules are the
// ledger's.
func ledgerSettled(ctx context.Context, arg string, c *compiler.Contract, payer string) ([]forecast.Settled, error) {
	l, s, err := ledgerState(ctx, arg)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	if len(s.Versions) > 0 && s.VersionByHash(c.Hash) == nil {
		return nil, &exitError{code: exitFindings, msg: fmt.Sprintf("the contract (sha256 %s) is no version the ledger %s has registered: it has %s; forecast with a registered version, or register this one with occ ledger vary",
			c.Hash[:12], l.Name(), s.VersionList())}
	}
	var out []forecast.Settled
	for _, e := range s.Settled {
		out = append(out, settledPaid(c, e, payer))
	}
	return out, nil
}

// settledPaid is what a settlement paid: its lines due by kind, each
// prior-period adjustment under the kind of the rule it adjusts (an
// adjustment when the contract has no such rule now), and nothing held.
// Under a contract several payers share, it is also split by payer, each
// line as the ledger's schedule splits it (settledParts); for one payer's
// forecast (payer set), every amount is that payer's parts alone.
func settledPaid(c *compiler.Contract, e *ledger.Entry, payer string) forecast.Settled {
	zero := value.MoneyOf(value.DecimalFromInt(0))
	st := forecast.Settled{Period: e.Period, ByKind: make([]value.Money, len(forecast.Kinds))}
	for k := range st.ByKind {
		st.ByKind[k] = zero
	}
	split := len(c.Payers) > 1
	if split && payer == "" {
		st.ByPayer = make([]value.Money, len(c.Payers))
		for i := range st.ByPayer {
			st.ByPayer[i] = zero
		}
	}
	lines := e.Lines
	if split && payer != "" {
		// The payer's parts, as lines of their own.
		lines = nil
		for _, ln := range e.Lines {
			for _, pt := range settledParts(c, e, ln) {
				if pt.Payer == payer {
					ln.Amount = pt.Amount
					lines = append(lines, ln)
				}
			}
		}
	}
	st.Current, st.Adjustments, st.Held, _ = ledger.Totals(lines)
	for _, ln := range lines {
		if ln.Status == ledger.StatusHeld {
			continue
		}
		kind := ln.Kind
		if kind == ledger.KindPriorPeriod {
			kind = "adjustment"
			if r := c.Rule(ln.Rule); r != nil {
				kind = string(r.Kind)
			}
		}
		k := slices.Index(forecast.Kinds, kind)
		if k < 0 {
			k = slices.Index(forecast.Kinds, "adjustment")
		}
		// Amounts of one currency always add.
		st.ByKind[k], _ = st.ByKind[k].Add(ln.Amount)
		if st.ByPayer != nil {
			for _, pt := range settledParts(c, e, ln) {
				if p := c.PayerNamed(pt.Payer); p != nil {
					st.ByPayer[p.Index], _ = st.ByPayer[p.Index].Add(pt.Amount)
				}
			}
		}
	}
	return st
}

// settledParts returns each payer's part of a settled line, as the
// schedule splits it (runtime.SplitLine): by the split of the line's own
// period, or of the settlement's when the line's period is not one of the
// contract's.
func settledParts(c *compiler.Contract, e *ledger.Entry, ln ledger.Line) []runtime.PayerPart {
	if parts := runtime.SplitLine(c, ln.Rule, ln.Period, ln.Amount); len(parts) > 0 {
		return parts
	}
	return runtime.SplitLine(c, ln.Rule, e.Period, ln.Amount)
}
