package bound

import (
	"github.com/cockroachdb/apd/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// Bounds by payer. Under a contract several payers share, every line and
// every cap or floor adjustment is split between them by the largest
// remainder, each part a whole number of minor units: the part of an
// amount x at a share s is floor(s·x) or ceil(s·x) (for a negative x too,
// as its size is split and each part negated). So one payer's part of a
// line whose amount lies in [lo, hi] lies in [floor(s·lo), ceil(s·hi)],
// and a payer's parts of a rule's lines are bounded line by line, as the
// rule's lines are: the rule's bound times the payer's share, rounded
// outward to the minor unit a line at a time.
//
// The share is the one in force: a rule's own split for the whole term,
// or the contract's split on the first day of the line's settlement
// period. A bound per period uses that period's split. A bound over
// several periods whose splits differ (split from DATE) takes, for the
// most, each payer's largest share among those periods, and for the
// least its smallest; the term's bound is also the sum of the periods'
// bounds, and the tighter of the two is reported.
//
// A cap or floor for one payer (payer NAME) limits that payer's parts of
// what it covers, so it bounds them by its limit exactly as a cap over
// the whole contract bounds the lines it covers; its adjustment is all
// that payer's and no other payer's. A cap or floor over every payer's
// parts limits the whole lines, not any one payer's part of them: a
// payer's part of its adjustment is bounded like a line's. Where every
// line it covers, and its adjustment, are split alike in an instance, a
// payer's parts of them together are also within a minor unit a line of
// its share of what they come to once the cap or floor is applied; but
// with no bound on the number of lines this bounds nothing, as many small
// lines can each give one payer the odd penny.

// wholePayer is the payer index of an analysis of the whole contract.
const wholePayer = -1

// PayerBound is what one payer's parts of the lines and adjustments can
// come to.
type PayerBound struct {
	Payer *compiler.Payer
	// Rules are the payer's parts of each rule's lines (a cap's or
	// floor's adjustments), in the order of Report.Rules.
	Rules     []RuleBound
	PerPeriod Bound
	Term      Bound
}

// forPayer returns the analysis of payer i's parts (wholePayer for the
// whole contract), sharing a's memo of rule values, which do not depend
// on the payer.
func (a *analysis) forPayer(i int) *analysis {
	if a.payer == i {
		return a
	}
	b := *a
	b.payer = i
	return &b
}

// split reports whether the analysis is of one payer's parts.
func (a *analysis) split() bool { return a.payer != wholePayer }

// shareIn returns the interval of the payer's share of rule r's lines, or
// of a cap's or floor's adjustments, in the settlement periods that meet
// months first to last: the least and the most of the shares in force in
// them (in any period of the term for a rule whose lines fall due on a
// date of their own). A cap or floor for one payer gives that payer all
// of its adjustments and the others none.
func (a *analysis) shareIn(r *compiler.Rule, first, last int) Interval {
	if r.Payer != nil && (r.Kind == lang.Cap || r.Kind == lang.Floor) {
		if r.Payer.Index == a.payer {
			return exact(apd.New(1, 0))
		}
		return exact(new(apd.Decimal))
	}
	if r.Due != nil {
		// A line that falls due on a date of its own may fall in any
		// period of the term, under any of its splits.
		first, last = 0, a.months-1
	}
	settle := a.c.Settlement
	var lo, hi *apd.Decimal
	for p := a.cal.InstanceOf(settle, first); p <= a.cal.InstanceOf(settle, last); p++ {
		day, _ := a.cal.Dates(settle, p)
		s := a.c.SplitOn(r, day).Shares[a.payer].Apd()
		if lo == nil || s.Cmp(lo) < 0 {
			lo = s
		}
		if hi == nil || s.Cmp(hi) > 0 {
			hi = s
		}
	}
	return Interval{point(lo), point(hi)}
}

// partOf returns the interval of the payer's part of one amount in iv at
// a share in share: the product rounded outward to the minor unit.
func (a *analysis) partOf(iv, share Interval) Interval {
	places := a.c.MinorUnits
	return mapEnds(mul(iv, share), func(d *apd.Decimal, dir int) *apd.Decimal {
		mode := value.Floor
		if dir > 0 {
			mode = value.Ceiling
		}
		return new(apd.Decimal).Set(value.Round(decimalValue(d), places, mode).Apd())
	})
}

// partsOfSum returns the interval of the payer's parts of up to n amounts
// whose sum lies in iv, at a share in share: each part is within a minor
// unit of its exact share, so the parts lie within n minor units of the
// sum's share.
func (a *analysis) partsOfSum(iv, share Interval, n End) Interval {
	unit := apd.New(1, -a.c.MinorUnits)
	slack := mulEnds(point(unit), n, 1)
	return a.partOf(add(mul(iv, share), Interval{negEnd(slack), slack}), exact(apd.New(1, 0)))
}

// partsIn returns the interval of the payer's parts of line rule t's lines
// falling in months first to last, line by line (see linesIn).
func (a *analysis) partsIn(t *compiler.Rule, first, last int) Interval {
	share := a.shareIn(t, first, last)
	switch k := t.Scope.Kind; {
	case k == compiler.RecordScope:
		return scale(a.partOf(a.amount(t, atOf(t, -1)), share), a.recordsInMonths(t.Scope.Schema, first, last))
	case instanceScope(k):
		return scale(a.partOf(a.amount(t, atOf(t, -1)), share), a.instancesIn(t.Scope, first, last))
	case t.Instalments != 0:
		// Each instalment is a line: its part is within a minor unit of
		// its share.
		sum := moneyZero()
		for i := 0; i < a.cal.Count(k); i++ {
			from, to := a.cal.MonthRange(k, i)
			n := int64(0)
			for m := from; m <= to; m += a.cal.MonthsPer(t.Instalments) {
				if m >= first && m <= last {
					n++
				}
			}
			if n > 0 {
				sum = add(sum, a.partsOfSum(a.instalmentsIn(t, i, first, last), share, intEnd(n)))
			}
		}
		return sum
	default:
		sum := moneyZero()
		for i := 0; i < a.cal.Count(k); i++ {
			if _, m := a.cal.MonthRange(k, i); m >= first && m <= last {
				sum = add(sum, a.partOf(numOf(a.ruleVal(t, atOf(t, i))), share))
			}
		}
		return sum
	}
}

// limitsFor returns, of caps and floors limits, those whose adjustments
// the analysis's payer can have a part of: all of them for the whole
// contract; for one payer, those over every payer's parts and its own.
func (a *analysis) limitsFor(limits []*compiler.Rule) []*compiler.Rule {
	if !a.split() {
		return limits
	}
	var out []*compiler.Rule
	for _, c := range limits {
		if c.Payer == nil || c.Payer.Index == a.payer {
			out = append(out, c)
		}
	}
	return out
}

// bindsParts reports whether cap or floor c limits exactly the parts the
// analysis adds up, so that it bounds them by its limit: a cap over the
// whole contract in an analysis of the whole, or a cap for the payer in
// an analysis of that payer's parts.
func (a *analysis) bindsParts(c *compiler.Rule) bool {
	if c.Payer == nil {
		return !a.split()
	}
	return c.Payer.Index == a.payer
}

// limitAdjIn returns the interval of the part the analysis adds up of cap
// or floor c's adjustments in months first to last: under a cap for one
// payer, that payer's parts of what it covers are what it limits; under a
// cap over every payer, one payer's part of each adjustment is bounded as
// a line's is.
func (a *analysis) limitAdjIn(c *compiler.Rule, first, last int) Interval {
	if c.Payer != nil {
		if c.Payer.Index == a.payer || !a.split() {
			return a.forPayer(c.Payer.Index).adjIn(c, first, last)
		}
		return moneyZero()
	}
	if !a.split() {
		return a.adjIn(c, first, last)
	}
	whole := a.forPayer(wholePayer).adjIn(c, first, last)
	iv := a.partsOfSum(whole, a.shareIn(c, first, last), a.adjustmentsIn(c, first, last))
	// Each adjustment has one sign, and so has each part of it: a cap
	// takes away (over sanctions, gives back), a floor adds (over
	// sanctions, takes away).
	zero := intEnd(0)
	if (c.Kind == lang.Cap) != coversSanctions(c) {
		iv.Hi = minEnd(iv.Hi, zero)
	} else {
		iv.Lo = maxEnd(iv.Lo, zero)
	}
	return iv
}

// adjustmentsIn returns the most adjustments cap or floor c makes in
// months first to last: one per instance of a time scope that meets
// them, one per person for a cap or floor per person.
func (a *analysis) adjustmentsIn(c *compiler.Rule, first, last int) End {
	k := c.Scope.Kind
	if !k.IsTime() {
		return a.instancesIn(c.Scope, first, last)
	}
	n := int64(0)
	for i := 0; i < a.cal.Count(k); i++ {
		if f, l := a.cal.MonthRange(k, i); l >= first && f <= last {
			n++
		}
	}
	return intEnd(n)
}

// payerReport returns the bounds of each payer's parts, for a contract
// that declares two payers or more; rows computes a rule's bounds and
// totals the total's in an analysis.
func (a *analysis) payerReport(rows func(b *analysis) ([]RuleBound, Bound, Bound)) []PayerBound {
	if len(a.c.Payers) < 2 {
		return nil
	}
	var out []PayerBound
	for _, p := range a.c.Payers {
		rules, per, term := rows(a.forPayer(p.Index))
		out = append(out, PayerBound{Payer: p, Rules: rules, PerPeriod: per, Term: term})
	}
	return out
}

// personLines returns the most lines rule r has for one person over the
// term: one for a rule per person, one a record for a rule per record,
// one an instance for a rule per period.
func (a *analysis) personLines(r *compiler.Rule) End {
	switch k := r.Scope.Kind; {
	case instanceScope(k):
		return intEnd(1)
	case k == compiler.RecordScope:
		return a.recordsInMonths(r.Scope.Schema, 0, a.months-1)
	case r.Instalments != 0:
		return intEnd(int64(a.months)) // at most one instalment a month
	default:
		return intEnd(int64(a.cal.Count(k)))
	}
}

// sharedPost returns the interval of the payer's parts of what cap or
// floor c, over every payer's parts, and the lines and adjustments it
// covers come to in months first to last once it is applied, instance by
// instance: its share of the whole's amount there (postIn), within a
// minor unit for each line and adjustment. It is unbounded where they are
// not all split alike, with one share, in an instance.
func (a *analysis) sharedPost(c *compiler.Rule, first, last int) Interval {
	whole := a.forPayer(wholePayer)
	k := c.Scope.Kind
	sum := moneyZero()
	for i := 0; i < a.cal.Count(k); i++ {
		f, l := a.cal.MonthRange(k, i)
		if f < first || l > last {
			continue
		}
		share, ok := a.commonShare(c, f, l)
		if !ok {
			return unbounded(c.Name + " covers lines split unlike its adjustments")
		}
		n := addEnds(a.linesCovered(c, f, l), intEnd(1), 1)
		sum = add(sum, a.partsOfSum(whole.postIn(c, f, l), exact(share), n))
	}
	return sum
}

// commonShare returns the payer's share of cap or floor c's adjustments
// in months first to last, and whether it is its share of every line c
// covers there too: one share in every settlement period, and no cap or
// floor for one payer stacked below c.
func (a *analysis) commonShare(c *compiler.Rule, first, last int) (*apd.Decimal, bool) {
	for _, s := range a.stacked(c) {
		if s.Payer != nil {
			return nil, false
		}
	}
	for _, r := range c.Covers {
		if r.Due != nil {
			return nil, false // its lines may fall under another split
		}
	}
	settle := a.c.Settlement
	var share *apd.Decimal
	for p := a.cal.InstanceOf(settle, first); p <= a.cal.InstanceOf(settle, last); p++ {
		day, _ := a.cal.Dates(settle, p)
		for _, r := range append([]*compiler.Rule{c}, append(c.Covers, a.stacked(c)...)...) {
			s := a.c.SplitOn(r, day).Shares[a.payer].Apd()
			if share == nil {
				share = s
			} else if s.Cmp(share) != 0 {
				return nil, false
			}
		}
	}
	return share, share != nil
}

// linesCovered returns the most lines and adjustments cap or floor c
// covers in months first to last: its rules' lines and the adjustments
// of the caps and floors stacked below it.
func (a *analysis) linesCovered(c *compiler.Rule, first, last int) End {
	n := intEnd(0)
	for _, r := range c.Covers {
		n = addEnds(n, a.lineCount(r, first, last), 1)
	}
	for _, s := range a.stacked(c) {
		n = addEnds(n, a.adjustmentsIn(s, first, last), 1)
	}
	return n
}

// lineCount returns the most lines of rule t falling in months first to
// last.
func (a *analysis) lineCount(t *compiler.Rule, first, last int) End {
	switch k := t.Scope.Kind; {
	case k == compiler.RecordScope:
		return a.recordsInMonths(t.Scope.Schema, first, last)
	case instanceScope(k):
		return a.instancesIn(t.Scope, first, last)
	case t.Instalments != 0:
		n := int64(0)
		for i := 0; i < a.cal.Count(k); i++ {
			from, to := a.cal.MonthRange(k, i)
			for m := from; m <= to; m += a.cal.MonthsPer(t.Instalments) {
				if m >= first && m <= last {
					n++
				}
			}
		}
		return intEnd(n)
	default:
		n := int64(0)
		for i := 0; i < a.cal.Count(k); i++ {
			if _, m := a.cal.MonthRange(k, i); m >= first && m <= last {
				n++
			}
		}
		return intEnd(n)
	}
}
