package runtime

import (
	"fmt"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// A rule with a due clause places each record's line in the settlement
// period holding its due date rather than the record's own. The condition
// is decided for the record; the due date is then evaluated, and the
// amount is computed as of the due period: a wider let it reads sees the
// records up to the end of that period (see readAt). A statement holds
// every record from the start of the term up to its last period, so a
// line due in one of its periods from a record of an earlier one is
// there; a line due after the statement's last period is left for a later
// statement, and a line due outside the term is listed as an exclusion.

// Marks in ruleState.due for an instance with no due month.
const (
	dueNone    = -1 // not fired, or not evaluated
	dueOutside = -2 // due outside the term: listed as an exclusion
)

// codeBadDue is the code of a due date before its record's own date.
const codeBadDue = "bad-due"

// dueDate evaluates the due date of fired instance i of rule rs, which has
// a due clause, and notes its month in st. ok is false when it failed; the
// failure is recorded.
func (ev *evaluation) dueDate(rs *ruleCtx, st *ruleState, i int) (ok bool) {
	r := rs.rule
	v, err := ev.run(rs, r.Due, i)
	if err != nil {
		ev.failAt(rs, i, "due", r.Due, err)
		return false
	}
	d := v.(value.Date)
	own, field := ev.recordDate(rs.scope, i)
	if d.Before(own) {
		ev.failAt(rs, i, "due", r.Due, withCode(codeBadDue, fmt.Errorf(
			"the due date %s is before the record's %s %s: the line would fall due before the record exists (make the due date the record's date or later)",
			d, field, own)))
		return false
	}
	st.dueDates[i] = d
	m := ev.cal.monthOf(d)
	if m < 0 {
		st.due[i] = dueOutside
		return true
	}
	st.due[i] = int32(m)
	return true
}

// recordDate returns the period date of record i of record scope s, or of
// the top-level record it is nested in, and the field's name.
func (ev *evaluation) recordDate(s scopeRef, i int) (value.Date, string) {
	sc := s.schema
	for sc.PeriodField == nil && sc.Parent != nil {
		i = ev.parentOf(sc, i)
		sc = sc.Parent
	}
	if sc.PeriodField == nil {
		return value.Date{}, ""
	}
	return dateOf(ev.recs[sc][i].rec, sc.PeriodField), sc.PeriodField.Name
}

// lineMonth returns the month instance i of rule r's state st counts in as
// a line: its due month when r has a due clause or runs per person (see
// personDue), the month of its scope's instance otherwise; -1 when its line falls outside the term or after
// the last month of this evaluation.
func (ev *evaluation) lineMonth(r *compiler.Rule, st *ruleState, i int) int {
	if st.due == nil {
		return ev.monthOf(refOf(r.Scope), i)
	}
	m := int(st.due[i])
	if m < 0 || m > ev.lastMon {
		return -1
	}
	return m
}

// linePeriod returns the settlement period of instance i's line, or -1
// (see lineMonth).
func (ev *evaluation) linePeriod(r *compiler.Rule, st *ruleState, i int) int {
	m := ev.lineMonth(r, st, i)
	if m < 0 {
		return -1
	}
	return ev.cal.fromMonth(m, ev.p.c.Settlement)
}

// readerMonth returns the month instance i of rule rs reads wider rules
// as of: its due month once known, for a rule with a due clause; -1 for
// the month of the instance itself.
func (rs *ruleCtx) readerMonth(i int) int {
	if rs.self == nil || rs.self.due == nil || rs.self.due[i] < 0 {
		return -1
	}
	return int(rs.self.due[i])
}

// dueMonth returns the month instance inst of rule r falls due in, for a
// rule with a due clause whose due date is known; -1 otherwise.
func (ev *evaluation) dueMonth(r *compiler.Rule, inst int) int {
	if r.Due == nil {
		return -1
	}
	st := ev.states[r]
	if st == nil || st.due == nil || inst >= len(st.due) || st.due[inst] < 0 {
		return -1
	}
	return int(st.due[inst])
}

// noteDueOutside lists, as exclusions, the lines of rule r falling due
// outside the term.
func (ev *evaluation) noteDueOutside(rs *ruleCtx, st *ruleState) {
	r, s := rs.rule, rs.scope
	c := ev.p.c
	for i := range st.n {
		if st.due[i] != dueOutside {
			continue
		}
		d := st.dueDates[i]
		why := fmt.Sprintf("due %s, after the term ends %s", d, c.TermTo)
		if d.Before(c.TermFrom) {
			why = fmt.Sprintf("due %s, before the term starts %s", d, c.TermFrom)
		}
		ri := ev.recs[s.schema][i]
		ev.excluded = append(ev.excluded, Exclusion{Rule: r.Name, Data: s.schema.Name, Key: ev.recKey(s.schema, i), Source: source(ri.rec),
			Period: ev.cal.label(c.Settlement, ev.periodOf(s, i)), Reason: why})
	}
}

// readAt returns the value of rule t as seen from instance i of scope s
// reading as of the end of the settlement period holding month m: read,
// but a wider rule that depends on records is read from the as-of
// evaluation of that period's end while it ends before t's instance.
func (ev *evaluation) readAt(t *compiler.Rule, s scopeRef, i, m int) ref.Val {
	ts := refOf(t.Scope)
	if !wider(ts, s) || !spans(ts) {
		return ev.read(t, s, i)
	}
	st := ev.state(t)
	j := ev.contain(s, i, ts)
	if j < 0 || j >= st.n {
		return types.NewErr("%s has no value here", t.Name)
	}
	c := ev.asOfMonth(t, ts, j, m)
	if c == nil {
		return ev.value(st, j)
	}
	cst := c.state(t)
	if j >= cst.n {
		return types.NewErr("%s has no value here", t.Name)
	}
	return c.value(cst, j)
}

// dueNotes says when line l fell due, for a rule with a due clause or
// per person.
func (ev *evaluation) dueNotes(l Line) []string {
	r := l.rule
	if r != nil && dueWhenFirstHeld(r) {
		return ev.personDueNotes(l)
	}
	if r == nil || r.Due == nil || l.scope.kind != compiler.RecordScope {
		return nil
	}
	st := ev.states[r]
	if st == nil || st.dueDates == nil || st.due[l.inst] < 0 {
		return nil
	}
	own, field := ev.recordDate(l.scope, l.inst)
	return []string{fmt.Sprintf("due on %s, in %s (the record's %s is %s)", st.dueDates[l.inst], l.Period, field, own)}
}

// asOfMonth returns the evaluation rule t, of scope ts, is read from in
// its instance j by a reader as of the end of the settlement period
// holding month m: the as-of evaluation of that end when j runs past it
// and t's value depends on records; nil to read it here.
func (ev *evaluation) asOfMonth(t *compiler.Rule, ts scopeRef, j, m int) *evaluation {
	end := ev.periodEnd(m)
	if _, last := ev.span(ts, j); end >= min(last, ev.lastMon) || !ev.dep.rule(t) {
		return nil
	}
	return ev.asOf(end)
}

// readSource is asOfRead for the explanation of rule r's instance i of
// scope s reading rule t in its instance j: as of the due period, when r
// has a due clause.
func (ev *evaluation) readSource(r, t *compiler.Rule, ts scopeRef, j int, s scopeRef, i int) *evaluation {
	if st := ev.states[r]; r.Due != nil && st != nil && st.due != nil && st.due[i] >= 0 && spans(ts) && wider(ts, s) {
		return ev.asOfMonth(t, ts, j, int(st.due[i]))
	}
	return ev.asOfRead(t, ts, j, s, i)
}

// dueExclusion reports whether x lists a line due outside the term: its
// record was evaluated, and counts as such.
func (ev *evaluation) dueExclusion(x Exclusion) bool {
	r := ev.p.c.Rule(x.Rule)
	return r != nil && r.Due != nil
}

// DueLine reports whether the exclusion lists a line of rule x.Rule that
// falls due outside the term, rather than a record left out.
func (s *Statement) DueLine(x Exclusion) bool { return s.ev != nil && s.ev.dueExclusion(x) }

// hasDueLines reports whether any of the lines comes from a rule with a
// due clause: a statement with no record of its own may pay lines due from
// records of earlier periods.
func (ev *evaluation) hasDueLines(s *Statement) bool {
	due := false
	s.eachRef(func(l lineRef) { due = due || ev.p.c.Rules[l.rule].Due != nil })
	return due
}

// dueWhenFirstHeld reports whether rule r's lines (or flags) fall due when
// their condition first holds (see personDue): a rule with lines or a flag
// per person or per a group.
func dueWhenFirstHeld(r *compiler.Rule) bool {
	k := r.Scope.Kind
	return (k == compiler.PersonScope || k == compiler.GroupScope) && (r.HasLines() || r.Kind == lang.Flag)
}

// personDue places the line (or flag) of each person (or group) of per
// person (or per group) rule rs in the first settlement period, from that
// of its first record, whose as-of evaluation fires for it: the statement settling that
// period pays it, at its amount as of the period's end, and no later one
// pays it again. From the period of the person's last record on, the
// value is this evaluation's own. A person whose condition never holds
// has no line.
func (ev *evaluation) personDue(rs *ruleCtx, st *ruleState) {
	r := rs.rule
	set := ev.p.c.Settlement
	st.due, st.from = make([]int32, st.n), make([]int32, st.n)
	for i := range st.n {
		st.due[i], st.from[i] = dueNone, -1
		if ev.context().Err() != nil {
			return
		}
		first, last := ev.span(rs.scope, i)
		for p := ev.cal.fromMonth(first, set); ; p++ {
			_, end := ev.cal.monthRange(set, p)
			if end >= min(last, ev.lastMon) || !ev.dep.rule(r) {
				if st.fired[i] {
					st.due[i] = int32(ev.monthOf(rs.scope, i))
				}
				break
			}
			cst := ev.asOf(end).state(r)
			if i < cst.n && cst.isFired(i) {
				st.vals[i], st.fired[i] = cst.val(i), true
				st.due[i], st.from[i] = int32(end), int32(end)
				break
			}
		}
	}
}

// lineSource returns the as-of evaluation the line of instance inst of
// rule r was taken from (see personDue), or nil for this one.
func (ev *evaluation) lineSource(r *compiler.Rule, inst int) *evaluation {
	st := ev.states[r]
	if st == nil || st.from == nil || inst < 0 || inst >= len(st.from) || st.from[inst] < 0 {
		return nil
	}
	return ev.asOf(int(st.from[inst]))
}

// personDueNotes says when per person line l fell due: in the first
// period its condition held, as of that period's end.
func (ev *evaluation) personDueNotes(l Line) []string {
	st := ev.states[l.rule]
	if st == nil || st.due == nil || l.inst >= len(st.due) || st.due[l.inst] < 0 {
		return nil
	}
	_, last := ev.span(l.scope, l.inst)
	latest := ev.cal.label(ev.p.c.Settlement, ev.cal.fromMonth(last, ev.p.c.Settlement))
	return []string{fmt.Sprintf("due in %s, the first period whose records up to its end meet the condition; paid once, at its amount then (its latest record is in %s)", l.Period, latest)}
}
