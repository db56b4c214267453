package compiler

import (
	"fmt"

	"cel.dev/cel-go/common/types"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// wantDate is the type of a due clause: the date a line falls due.
var wantDate = want{types: []*types.Type{value.DateType}, desc: "a date",
	hint: "a due date is a date field of the record, e.g. family.turned_around_on, or a date plus days, e.g. week.period + 182 days"}

// ruleDue checks a rule's due clause: it is allowed on a rule with lines,
// or a flag, that runs for each record, and its expression is a date.
func (ck *checker) ruleDue(pr *pendingRule) {
	d, r := pr.decl, pr.r
	if d.Due == nil {
		return
	}
	if r.Scope.Kind != RecordScope {
		span := d.Due.Span
		if d.Per != nil {
			span = d.Per[0].Span
		}
		ck.errorf(span, "bad-clause", "%s %s has a due date but runs per %s", r.Kind, r.Name, r.Scope.Kind).Detail =
			"a due date moves one record's line to a later period: run the rule `for DATA`, or drop `due`"
		return
	}
	pr.exprs = append(pr.exprs, &ruleExpr{src: d.Due, dst: &r.Due, want: wantDate, what: fmt.Sprintf("the due date of %s %s", r.Kind, r.Name)})
}

// dueRead reports, at span, a read of rule t, which has a due clause, from
// a rule that does not run for each record: its values fall in the periods
// of their due dates, not of their records, and some fall outside the
// term, so a sum of them per month, year or person would count them in the
// wrong period. A cap or floor covering t counts each line in its due
// period.
func (ck *checker) dueRead(pr *pendingRule, t *Rule, span lang.Span) {
	if t.Due == nil || pr.r.Scope.Kind == RecordScope || pr.r.Kind == lang.Cap || pr.r.Kind == lang.Floor {
		return
	}
	ck.errorf(span, "bad-read", "%s cannot be read %s: its lines fall in the periods of their due dates", t.Name, pr.r.Scope).Detail =
		fmt.Sprintf("to limit %s's lines, cover it with a cap or floor (`covers %s`), which counts each line in its due period", t.Name, t.Name)
}
