package runtime

import (
	"fmt"
	"sort"
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// A rule with `once per FIELD, FIELD` (claim once) pays, in each instance
// of its group, the first record that qualifies: the earliest by its
// period date, and of records on the same date the first in the data.
// Every later record of the group that qualifies has no line; it is
// flagged, on itself and in its own period, naming the claim that was
// paid. Settling period by period gives the same: a period's evaluation
// holds every record from the start of the term.

// repeat is a record of a claim-once rule that qualified after its
// group's first: first is the record paid.
type repeat struct {
	inst, first int
}

// codeBlankOnce is the code of a record that qualifies for a claim-once
// rule with a blank group field.
const codeBlankOnce = "blank-once"

// claimOnce keeps, of each group's qualifying records of rule rs, the
// first's line, and notes the rest as repeats.
func (ev *evaluation) claimOnce(rs *ruleCtx, st *ruleState) {
	r, s := rs.rule, rs.scope
	var fired []int32
	for i := range st.n {
		if st.fired[i] {
			fired = append(fired, int32(i))
		}
	}
	dates := make([]value.Date, len(fired))
	for k, i := range fired {
		dates[k], _ = ev.recordDate(s, int(i))
	}
	// fired is in data order: a stable sort by date keeps it among records
	// of one date.
	sort.Stable(byDate{fired, dates})
	first := map[int]int{}
	for _, i32 := range fired {
		i := int(i32)
		g := ev.groupOf(r.Once, s.schema, i)
		if g < 0 {
			ev.failAt(rs, i, "once", nil, withCode(codeBlankOnce, fmt.Errorf(
				"the record qualifies, but its %s is blank, so it cannot be told whether the claim was paid before: give every field of once per %s a value",
				strings.Join(ev.blankFields(r.Once, s.schema, i), " and "), r.Once)))
			st.fired[i], st.vals[i] = false, ev.zero
			continue
		}
		f, seen := first[g]
		if !seen {
			first[g] = i
			continue
		}
		st.fired[i], st.vals[i] = false, ev.zero
		if st.due != nil {
			st.due[i] = dueNone
		}
		st.repeats = append(st.repeats, repeat{inst: i, first: f})
	}
	sort.Slice(st.repeats, func(a, b int) bool { return st.repeats[a].inst < st.repeats[b].inst })
}

// appendRepeats appends a flag for each repeat of claim-once rule r in the
// periods of per, in record order.
func (ev *evaluation) appendRepeats(flags []Flag, r *compiler.Rule, st *ruleState, per period) []Flag {
	s := refOf(r.Scope)
	set := ev.p.c.Settlement
	for _, rp := range st.repeats {
		p := ev.periodOf(s, rp.inst)
		if p < per.first || p > per.last {
			continue
		}
		g := ev.groupOf(r.Once, s.schema, rp.inst)
		title := fmt.Sprintf("%s: a repeat claim, not paid: %s %s was paid on %s in %s", r.Title,
			r.Once, ev.appendGroupName(nil, r.Once, g), ev.recKey(s.schema, rp.first), ev.cal.label(set, ev.periodOf(s, rp.first)))
		flags = append(flags, Flag{Rule: r.Name, Title: title, Period: ev.cal.label(set, p), Key: ev.recKey(s.schema, rp.inst),
			Source: ev.sourceOf(s, rp.inst), rule: r, inst: rp.inst})
	}
	return flags
}

// repeatNotes says, for the flag of a repeat of a claim-once rule, that
// the record qualified but was not paid, and which claim was.
func (ev *evaluation) repeatNotes(l Line) []string {
	r := l.rule
	if r == nil || r.Once == nil || l.scope.kind != compiler.RecordScope {
		return nil
	}
	st := ev.states[r]
	if st == nil {
		return nil
	}
	for _, rp := range st.repeats {
		if rp.inst != l.inst {
			continue
		}
		g := ev.groupOf(r.Once, l.scope.schema, rp.inst)
		return []string{fmt.Sprintf("a repeat claim: the record qualifies, but %s %s was paid on %s in %s, so this one is not paid (once per %s)",
			r.Once, ev.appendGroupName(nil, r.Once, g), ev.recKey(l.scope.schema, rp.first),
			ev.cal.label(ev.p.c.Settlement, ev.periodOf(l.scope, rp.first)), r.Once)}
	}
	return nil
}
