package runtime

import (
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime/data"
)

// StatementVersion is the version of the statement's JSON schema, described
// in docs/statement.md.
const StatementVersion = 1

// Statement is the result of evaluating a contract for a period: every line
// (see Lines), its subtotals, caps, standards, flags and exclusions, and the
// total. The total is always the sum of the lines.
type Statement struct {
	Contract ContractInfo
	Data     []data.FileInfo
	Period   string
	// Notes are what a reader of the statement must be told although
	// nothing is wrong with it, each a sentence in lower case without a
	// final full stop, such as "no record falls in 2026-05: the data has
	// no records". A statement with notes is complete and correct, but
	// may not be what was meant: show each note with the statement (on
	// standard error too, where a program reads the statement itself).
	// Empty for most statements. Today the one note says that no record
	// fell in the statement's periods (Records.Evaluated is 0), so that a
	// statement of £0.00 is never taken for a month of no work when the
	// data was for another month, or empty.
	Notes   []string
	Periods []PeriodTotal
	Params  []ParamValue
	ByKind  []Subtotal
	ByRule  []Subtotal
	// ByPayer is the total of each payer's parts of the lines, in the
	// order the contract declares its payers: one, the commissioner, when
	// it declares none (see ForPayer for one payer's statement).
	ByPayer   []PayerTotal
	Caps      []CapResult
	Standards []StandardResult
	Flags     []Flag
	Excluded  []Exclusion
	Records   RecordCounts
	Total     value.Money
	// Budget compares the contract header's budget with Total; nil when
	// the header has none.
	Budget *Budget
	// Payer is the payer whose statement this is (see ForPayer), or ""
	// for the whole contract's.
	Payer string

	// payer is the payer named by Payer, or nil.
	payer *compiler.Payer
	// ev is the evaluation the statement was made from, which holds its
	// lines' results; refs are the lines, in order (see Lines).
	ev   *evaluation
	refs []lineRef
	// summary is set for a statement without its lines (see
	// WithoutLines), whose lines are those eachLine finds in per.
	summary bool
	per     period
}

// Lines returns the statement's lines in statement order: by period, then
// by rule in the contract's order, then by record. A statement of millions
// of lines holds them compactly; each is rendered as a Line for its step
// of the iteration, and is the caller's to keep. A summary (see
// WithoutLines) has none.
func (s *Statement) Lines() iter.Seq[*Line] {
	return func(yield func(*Line) bool) {
		for _, r := range s.refs {
			l := s.line(r)
			if !yield(&l) {
				return
			}
		}
	}
}

// line makes a Line of a lineRef, with a payer's part of its amount in a
// payer's statement.
func (s *Statement) line(r lineRef) Line {
	l := s.ev.line(r)
	if s.payer != nil {
		l.Amount, l.Parts = s.amountOf(r), nil
	}
	return l
}

// ContractInfo identifies the contract a statement was made from.
type ContractInfo struct {
	Title        string
	Model        string
	Commissioner string
	Provider     string
	// Reference is the contract's reference, from its header; "" when
	// it has none.
	Reference  string
	Version    string
	TermFrom   value.Date
	TermTo     value.Date
	Settlement string
	Currency   string
	// MinorUnits is the number of decimal places amounts are shown with.
	MinorUnits int32
	Rounding   string
	SpecSHA256 string
}

// PeriodTotal is the total of one settlement period in the statement.
type PeriodTotal struct {
	Period string
	// Number is the period's place among the term's settlement periods,
	// from 1: in a monthly contract from April, May's statement is
	// number 2. It is the statement number finance systems file by.
	Number   int
	From, To value.Date
	Total    value.Money
}

// ParamValue is the value a param had in the evaluation.
type ParamValue struct {
	Name  string
	Value string
	Set   bool // overridden rather than the contract's default
}

// Line is one amount in the statement.
type Line struct {
	Rule   string
	Title  string
	Kind   string // payment, incentive, sanction, share, adjustment
	Period string
	Key    string
	Amount value.Money
	// Source is the file and row of the record the line is for, if any.
	Source string
	// Person is the person the line is for: the person field of its
	// record (a nested record's is its parent's), or the person of a per
	// person rule; "" for a line of no one person, such as a per period
	// rule's.
	Person string
	// Inputs are the values the rule read, in order.
	Inputs []LineInput
	// Parts are the parts of the payers who pay some of the line, in the
	// order the contract declares them, adding up to Amount exactly; nil
	// when the contract has one payer, who pays it all, and in one
	// payer's statement, where Amount is that payer's part.
	Parts []PayerPart

	rule  *compiler.Rule
	scope scopeRef
	inst  int
}

// ID is the line's stable id: its period, rule and key, joined by colons
// (2026-05:hours:P1). No two lines of a statement have the same period,
// rule and key, and neither a rule's name nor a period's has a colon, so
// the id is unique within the statement and reads back: the key is all
// after the second colon. It stays the same when the line's amount
// changes and when other lines come or go, with one exception: a key that
// comes to repeat within its rule and period (a second review of P1 in
// May) gets its record's date, so both lines' ids change (see the Keys
// section of docs/statement.md).
func (l *Line) ID() string { return l.Period + ":" + l.Rule + ":" + l.Key }

// LineInput is one value a line's rule read.
type LineInput struct {
	Name  string
	Value string
}

// Subtotal is the sum of the lines of one kind or one rule.
type Subtotal struct {
	Name   string
	Amount value.Money
	Lines  int
}

// CapResult is one cap or floor applied in one scope instance and period.
type CapResult struct {
	Rule       string
	Kind       string // cap or floor
	Instance   string
	Period     string
	Covered    value.Money
	Limit      value.Money
	Adjustment value.Money
}

// StandardResult is one standard measured in one instance.
type StandardResult struct {
	Rule     string
	Title    string
	Instance string
	Period   string
	// Measure is the measured value; zero, and no measure, when
	// NotMeasured says there was nothing to measure.
	Measure     value.Decimal
	Numerator   *int64
	Denominator *int64
	Target      value.Decimal
	Op          string
	Met         bool
	Consequence string
	Consecutive int
	// AsPercent is set when the target is a percentage, so the measure
	// reads as one too.
	AsPercent bool
	// NotMeasured says why there was nothing to measure (a ratio over no
	// records); the status is then "not measured".
	NotMeasured string

	period int
}

// Status returns "met"; for a standard not met, "breach" when it has a
// consequence and "missed" when it has none; "not measured" when there was
// nothing to measure.
func (s StandardResult) Status() string {
	switch {
	case s.NotMeasured != "":
		return "not measured"
	case s.Met:
		return "met"
	case s.Consequence != "":
		return "breach"
	}
	return "missed"
}

// PercentIfAny returns Percent when the standard's target is a
// percentage, and "" otherwise.
func (s StandardResult) PercentIfAny() string {
	if !s.AsPercent {
		return ""
	}
	return s.Percent()
}

// Display renders the measure and target for reading: "34/40 = 85.00%"
// against ">= 85%", or "3" against "<= 2" for a standard that counts.
func (s StandardResult) Display() (measure, target string) {
	if s.NotMeasured != "" {
		_, t := StandardResult{Measure: s.Target, Target: s.Target, Op: s.Op, AsPercent: s.AsPercent}.Display()
		return "-", t
	}
	if !s.AsPercent {
		return s.Measure.String(), s.Op + " " + s.Target.String()
	}
	measure = s.Percent() + "%"
	if s.Numerator != nil {
		measure = fmt.Sprintf("%d/%d = %s", *s.Numerator, *s.Denominator, measure)
	}
	t, err := s.Target.Mul(value.DecimalFromInt(100))
	if err != nil {
		return measure, s.Op + " " + s.Target.String()
	}
	ts := t.String()
	if strings.Contains(ts, ".") {
		ts = strings.TrimRight(strings.TrimRight(ts, "0"), ".")
	}
	return measure, s.Op + " " + ts + "%"
}

// Percent renders the measure as a percentage with two places, for reading.
func (s StandardResult) Percent() string {
	d, err := s.Measure.Mul(value.DecimalFromInt(100))
	if err != nil {
		return ""
	}
	return value.Round(d, 2, value.HalfUp).StringFixed(2)
}

// Flag is a record or instance a flag rule marked for attention.
type Flag struct {
	Rule   string
	Title  string
	Period string
	Key    string
	Source string

	// rule is the flag's rule and inst the instance of its scope.
	rule *compiler.Rule
	inst int
}

// Budget is the contract header's budget beside a statement's total. The
// budget is the whole term's; the total is the statement's alone. A
// statement of one period compares the term's budget with that period's
// total: the budget is not shared out over the periods, and earlier
// statements' totals are not counted, so Headroom is what is left of the
// budget after this statement only. WholeTerm says when the statement
// covers the whole term, and Headroom is what is left of it.
type Budget struct {
	Amount    value.Money // the header's budget, for the whole term, rounded like a line
	Total     value.Money // the statement's total, Statement.Total
	Headroom  value.Money // Amount - Total: negative when the total is over the budget
	WholeTerm bool        // the statement covers every settlement period of the term
}

// Exclusion is a record left out of the evaluation, with the reason.
type Exclusion struct {
	Rule   string // the exclude rule, or "" for a record outside the term
	Data   string
	Key    string
	Source string
	Period string // "" when the record is outside the term
	Reason string
}

// RecordCounts accounts for every input record.
type RecordCounts struct {
	Input     int // top-level records in the data
	Evaluated int // in the statement's periods and evaluated
	Later     int // in the term but after the statement's periods
	Earlier   int // evaluated for earlier periods, not shown
	Excluded  int // listed under Excluded
}

// statement assembles the statement for period per.
func (ev *evaluation) statement(d *data.Set, per period) *Statement {
	c := ev.p.c
	s := &Statement{Period: per.label, Data: d.Files, ev: ev}
	s.Contract = ContractInfo{
		Title: c.Title, Model: c.Model, Commissioner: c.Commissioner, Provider: c.Provider, Reference: c.Reference, Version: c.Version,
		TermFrom: c.TermFrom, TermTo: c.TermTo, Settlement: c.Settlement.SettlementWord(),
		Currency: c.Currency, MinorUnits: c.MinorUnits, Rounding: c.Rounding.String(), SpecSHA256: c.Hash,
	}
	for _, prm := range c.Params {
		if prm.IsTable() {
			s.Params = append(s.Params, ev.tableParams(prm)...)
			continue
		}
		s.Params = append(s.Params, ParamValue{Name: prm.Name, Value: value.Format(ev.p.params[prm.Name], c.MinorUnits), Set: ev.p.set[prm.Name]})
	}
	for ri, r := range c.Rules {
		st := ev.states[r]
		if st == nil {
			continue
		}
		switch r.Kind {
		case lang.Cap, lang.Floor:
			s.Caps = ev.appendCaps(s.Caps, r, st, per)
		case lang.Standard:
			s.Standards = ev.appendStandards(s.Standards, st, per)
		case lang.Flag:
			s.Flags = ev.appendFlags(s.Flags, ri, st, per)
		}
		if r.Once != nil {
			s.Flags = ev.appendRepeats(s.Flags, r, st, per)
		}
	}
	// Lines in period order, then in the contract's rule order, then in
	// record order (see lineRefs); keys that would repeat carry a date.
	// A summary holds none: its totals visit the results themselves.
	if ev.p.noLines {
		s.summary, s.per = true, per
	} else {
		ev.prepareInputs()
		s.refs = ev.lineRefs(per)
	}
	periodIdx := map[string]int{}
	for p := per.first; p <= per.last; p++ {
		periodIdx[ev.cal.label(c.Settlement, p)] = p
	}
	sort.SliceStable(s.Flags, func(i, j int) bool { return periodIdx[s.Flags[i].Period] < periodIdx[s.Flags[j].Period] })
	sort.SliceStable(s.Standards, func(i, j int) bool { return periodIdx[s.Standards[i].Period] < periodIdx[s.Standards[j].Period] })
	ev.subtotals(s, per)
	ev.payerTotals(s)
	for _, x := range ev.excluded {
		if x.Period == "" || periodIdx[x.Period] >= per.first && periodIdx[x.Period] <= per.last && isIn(periodIdx, x.Period) {
			s.Excluded = append(s.Excluded, x)
		}
	}
	s.Records = ev.counts(d, per, s)
	if c.Budget != nil {
		s.Budget = ev.budget(*c.Budget, s.Total, per)
	}
	s.Notes = append(s.Notes, ev.groupNotes(per)...)
	if s.Records.Evaluated == 0 && !ev.hasDueLines(s) {
		s.Notes = append(s.Notes, noRecordsNote(per.label, s.Records))
	}
	return s
}

// budget compares the contract's budget with the total of the statement
// for per.
func (ev *evaluation) budget(amount, total value.Money, per period) *Budget {
	amount = amount.Round(ev.p.c.MinorUnits, ev.p.c.Rounding)
	// Both are far inside the decimals' range (a total is a sum of
	// lines), so the difference cannot overflow.
	headroom, _ := amount.Sub(total)
	whole := per.first == 0 && per.last == ev.cal.count(ev.p.c.Settlement)-1
	return &Budget{Amount: amount, Total: total, Headroom: headroom, WholeTerm: whole}
}

// noRecordsNote says that no record fell in the statement's period and
// where the data's records are.
func noRecordsNote(period string, rc RecordCounts) string {
	if rc.Input == 0 {
		return fmt.Sprintf("no record falls in %s: the data has no records", period)
	}
	return fmt.Sprintf("no record falls in %s: the data's %d records are %d earlier, %d later and %d excluded",
		period, rc.Input, rc.Earlier, rc.Later, rc.Excluded)
}

// appendCaps appends the adjustments of cap or floor r in the periods of
// per.
func (ev *evaluation) appendCaps(caps []CapResult, r *compiler.Rule, st *ruleState, per period) []CapResult {
	rs := refOf(r.Scope)
	for _, a := range st.adjust {
		if a.period < per.first || a.period > per.last {
			continue
		}
		caps = append(caps, CapResult{Rule: r.Name, Kind: string(r.Kind), Instance: ev.instanceName(rs, a.inst),
			Period: ev.cal.label(ev.p.c.Settlement, a.period), Covered: a.covered, Limit: a.limit, Adjustment: a.amount})
	}
	return caps
}

// appendStandards appends a standard's results in the periods of per.
func (ev *evaluation) appendStandards(out []StandardResult, st *ruleState, per period) []StandardResult {
	for _, sr := range st.standards {
		if sr.Rule != "" && sr.period >= per.first && sr.period <= per.last {
			sr.Period = ev.cal.label(ev.p.c.Settlement, sr.period)
			out = append(out, sr)
		}
	}
	return out
}

// appendFlags appends the flags of rule ri, in record order, in the
// periods of per.
func (ev *evaluation) appendFlags(flags []Flag, ri int, st *ruleState, per period) []Flag {
	r := st.rule
	rs := refOf(r.Scope)
	in := func(i int) (int, bool) {
		if !st.isFired(i) {
			return 0, false
		}
		p := ev.linePeriod(r, st, i)
		return p, p >= per.first && p <= per.last
	}
	// Counting the flags first sizes both lists once: a flag rule over
	// millions of records can flag hundreds of thousands.
	n := 0
	for i := range st.n {
		if _, ok := in(i); ok {
			n++
		}
	}
	refs := make([]lineRef, 0, n)
	for i := range st.n {
		if p, ok := in(i); ok {
			refs = append(refs, lineRef{rule: int32(ri), inst: int32(i), period: int32(p)})
		}
	}
	ev.markFlagKeys(refs)
	flags = slices.Grow(flags, n)
	var key []byte
	for _, l := range refs {
		key = ev.appendFullKey(key[:0], l)
		flags = append(flags, Flag{Rule: r.Name, Title: r.Title, Period: ev.cal.label(ev.p.c.Settlement, int(l.period)),
			Key: string(key), Source: ev.sourceOf(rs, int(l.inst)), rule: r, inst: int(l.inst)})
	}
	return flags
}

// isIn reports whether m has the key k.
func isIn(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

// ruleIndex returns the index of rule r in the contract's rules.
func ruleIndex(c *compiler.Contract, r *compiler.Rule) int {
	for i, x := range c.Rules {
		if x == r {
			return i
		}
	}
	return len(c.Rules)
}

// periodIndex returns the index of a settlement period by its label.
func (ev *evaluation) periodIndex(label string) (int, bool) {
	settle := ev.p.c.Settlement
	for i := 0; i < ev.cal.count(settle); i++ {
		if ev.cal.label(settle, i) == label {
			return i, true
		}
	}
	return 0, false
}
