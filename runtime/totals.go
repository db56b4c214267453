package runtime

import (
	"sort"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime/data"
)

// kindOrder is the order of the subtotals by kind.
var kindOrder = []string{"payment", "incentive", "sanction", "share", "adjustment"}

// subtotals sets the statement's total, its subtotals by kind and by rule,
// and each of its periods' totals: sums of the rounded lines.
func (ev *evaluation) subtotals(s *Statement, per period) {
	c := ev.p.c
	byKind, byRule, byPeriod, ruleNames := ev.totals(s)
	for _, k := range kindOrder {
		if st := byKind[k]; st != nil {
			s.ByKind = append(s.ByKind, *st)
		}
	}
	sort.SliceStable(ruleNames, func(i, j int) bool { return ruleIndex(c, c.Rule(ruleNames[i])) < ruleIndex(c, c.Rule(ruleNames[j])) })
	for _, n := range ruleNames {
		s.ByRule = append(s.ByRule, *byRule[n])
	}
	for p := per.first; p <= per.last; p++ {
		label := ev.cal.label(c.Settlement, p)
		t, ok := byPeriod[label]
		if !ok {
			t = ev.zero
		}
		dates := ev.cal.dates(c.Settlement, p)
		s.Periods = append(s.Periods, PeriodTotal{Period: label, Number: p + 1, From: dates.from, To: dates.to, Total: t})
	}
}

// totals adds up the statement's lines: in all, by kind, by rule and by
// period. Every total starts from zero, as a chain of Money.Add calls
// would.
func (ev *evaluation) totals(s *Statement) (byKind, byRule map[string]*Subtotal, byPeriod map[string]value.Money, ruleNames []string) {
	c := ev.p.c
	settle := c.Settlement
	zero := ev.zero.Decimal()
	kindIdx := map[string]int{}
	ruleKind := make([]int, len(c.Rules))
	var kinds []string
	for i, r := range c.Rules {
		k := lineKind(r)
		if _, ok := kindIdx[k]; !ok {
			kindIdx[k] = len(kinds)
			kinds = append(kinds, k)
		}
		ruleKind[i] = kindIdx[k]
	}
	var total value.Sum
	total.Add(zero)
	ruleSum, ruleN := make([]value.Sum, len(c.Rules)), make([]int, len(c.Rules))
	kindSum, kindN := make([]value.Sum, len(kinds)), make([]int, len(kinds))
	periodSum := map[int32]*value.Sum{}
	var periods []int32
	s.eachRef(func(l lineRef) {
		a := s.amountOf(l).Decimal()
		total.Add(a)
		if ruleN[l.rule] == 0 {
			ruleSum[l.rule].Add(zero)
		}
		ruleSum[l.rule].Add(a)
		ruleN[l.rule]++
		k := ruleKind[l.rule]
		if kindN[k] == 0 {
			kindSum[k].Add(zero)
		}
		kindSum[k].Add(a)
		kindN[k]++
		ps := periodSum[l.period]
		if ps == nil {
			ps = &value.Sum{}
			ps.Add(zero)
			periodSum[l.period] = ps
			periods = append(periods, l.period)
		}
		ps.Add(a)
	})
	failed := false
	money := func(sum *value.Sum) value.Money {
		d, err := sum.Decimal()
		if err != nil {
			failed = true
		}
		return value.MoneyOf(d)
	}
	s.Total = money(&total)
	byKind, byRule, byPeriod = map[string]*Subtotal{}, map[string]*Subtotal{}, map[string]value.Money{}
	for k, name := range kinds {
		if kindN[k] > 0 {
			byKind[name] = &Subtotal{Name: name, Amount: money(&kindSum[k]), Lines: kindN[k]}
		}
	}
	for i, r := range c.Rules {
		if ruleN[i] > 0 {
			byRule[r.Name] = &Subtotal{Name: r.Name, Amount: money(&ruleSum[i]), Lines: ruleN[i]}
			ruleNames = append(ruleNames, r.Name)
		}
	}
	for _, p := range periods {
		byPeriod[ev.cal.label(settle, int(p))] = money(periodSum[p])
	}
	if failed {
		return ev.totalsSlow(s)
	}
	return byKind, byRule, byPeriod, ruleNames
}

// totalsSlow is totals by chains of Money.Add, for sums that overflow.
func (ev *evaluation) totalsSlow(s *Statement) (byKind, byRule map[string]*Subtotal, byPeriod map[string]value.Money, ruleNames []string) {
	s.Total = ev.zero
	byKind, byRule, byPeriod = map[string]*Subtotal{}, map[string]*Subtotal{}, map[string]value.Money{}
	s.eachRef(func(l lineRef) {
		r, _ := ev.lineRule(l)
		kind, period, amount := lineKind(r), ev.cal.label(ev.p.c.Settlement, int(l.period)), s.amountOf(l)
		s.Total, _ = s.Total.Add(amount)
		if byKind[kind] == nil {
			byKind[kind] = &Subtotal{Name: kind, Amount: ev.zero}
		}
		if byRule[r.Name] == nil {
			byRule[r.Name] = &Subtotal{Name: r.Name, Amount: ev.zero}
			ruleNames = append(ruleNames, r.Name)
		}
		for _, st := range []*Subtotal{byKind[kind], byRule[r.Name]} {
			st.Amount, _ = st.Amount.Add(amount)
			st.Lines++
		}
		pt, ok := byPeriod[period]
		if !ok {
			pt = ev.zero
		}
		byPeriod[period], _ = pt.Add(amount)
	})
	return byKind, byRule, byPeriod, ruleNames
}

// counts accounts for every top-level input record.
func (ev *evaluation) counts(d *data.Set, per period, st *Statement) RecordCounts {
	var rc RecordCounts
	c := ev.p.c
	for _, s := range c.TopSchemas() {
		if s.Reference {
			continue // lookup data, read by the records counted here
		}
		rc.Input += len(d.Records[s.Name])
		for _, ri := range ev.recs[s] {
			p := ev.cal.fromMonth(int(ri.month), c.Settlement)
			switch {
			case p < per.first:
				rc.Earlier++
			case p <= per.last:
				rc.Evaluated++
			}
		}
	}
	// Top-level records excluded: those listed in this statement count as
	// excluded; those excluded in other periods count where they fall.
	for _, x := range st.Excluded {
		if s := c.Schema(x.Data); s != nil && s.Parent == nil && !ev.dueExclusion(x) {
			rc.Excluded++
		}
	}
	for _, x := range ev.excluded {
		s := c.Schema(x.Data)
		if s == nil || s.Parent != nil || x.Period == "" || ev.dueExclusion(x) {
			continue
		}
		if p, ok := ev.periodIndex(x.Period); ok {
			if p < per.first {
				rc.Earlier++
			} else if p > per.last {
				rc.Later++
			}
		}
	}
	rc.Later = rc.Input - rc.Evaluated - rc.Earlier - rc.Excluded
	return rc
}
