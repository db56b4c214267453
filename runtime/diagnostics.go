package runtime

import (
	"errors"
	"fmt"
	"strings"

	"cel.dev/cel-go/interpreter"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// An evaluation that fails returns its errors as lang.Diagnostics, one for
// each rule and record (or scope instance) that could not be evaluated,
// each with one of these codes (docs/diagnostics.md lists them).
const (
	codeDivisionByZero = "division-by-zero" // a value divided by zero
	codeMissingValue   = "missing-value"    // a blank field, or a rule with no value where it is read
	codeOverflow       = "overflow"         // a number, date or length of time out of range
	codeCostLimit      = "cost-limit"       // an expression, or the whole evaluation, that did more work than it may
	codeBadCovers      = "bad-covers"       // a cap or floor whose covered lines cannot be counted in its scope
	codeMissingKey     = "missing-key"      // a table param or reference data read at a key it does not list, with no default
	codeEvalError      = "eval-error"       // anything else
)

// fail records that rule r could not be evaluated in one instance of its
// scope: inst names the instance, rec is its record (nil for an aggregate
// such as a period), e is the expression that failed (nil when none did)
// and what the clause it is ("amount"; "" for an exclude rule's
// condition). The diagnostic is placed at the expression, or at the rule's
// name.
func (ev *evaluation) fail(r *compiler.Rule, e *compiler.Expression, what, inst string, rec *value.Record, err error) {
	where := inst
	if rec != nil {
		if src := source(rec); src != "" {
			where += " (" + src + ")"
		}
	}
	msg := err.Error()
	if what != "" {
		msg = what + ": " + msg
	}
	span := r.Span
	if e != nil && e.Source != nil {
		span = e.Source.Span
	}
	d := lang.Diagnostic{Severity: lang.Error, Code: codeOf(err), Span: span,
		Message: fmt.Sprintf("%s %s, %s: %s", r.Kind, r.Name, where, msg)}
	ev = ev.top() // an as-of evaluation's failures are the statement's
	ev.mu.Lock()
	ev.errs = append(ev.errs, d)
	ev.mu.Unlock()
}

// failAt is fail for instance i of the rule rs evaluates.
func (ev *evaluation) failAt(rs *ruleCtx, i int, what string, e *compiler.Expression, err error) {
	var rec *value.Record
	if rs.scope.kind == compiler.RecordScope {
		rec = ev.recs[rs.scope.schema][i].rec
	}
	ev.fail(rs.rule, e, what, ev.instanceName(rs.scope, i), rec, err)
}

// failed returns how many failures have been recorded.
func (ev *evaluation) failed() int {
	ev = ev.top()
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return len(ev.errs)
}

// codeOf returns the diagnostic code of an evaluation error. The value
// library's errors are told apart by identity; the messages of errors
// raised elsewhere (the compiler's field access, CEL itself) are matched.
func codeOf(err error) string {
	var cancelled interpreter.EvalCancelledError
	var coded codedError
	switch {
	case errors.As(err, &coded):
		return coded.code
	case errors.Is(err, value.ErrDivisionByZero):
		return codeDivisionByZero
	case errors.Is(err, value.ErrOverflow):
		return codeOverflow
	case errors.Is(err, value.ErrMissingKey):
		return codeMissingKey
	case errors.As(err, &cancelled) && cancelled.Cause == interpreter.CostLimitExceeded:
		return codeCostLimit
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "has no value"):
		return codeMissingValue
	case strings.Contains(msg, "division by zero"):
		return codeDivisionByZero
	case strings.Contains(msg, "overflow"), strings.Contains(msg, "out of range"):
		return codeOverflow
	case strings.Contains(msg, "cost limit exceeded"):
		return codeCostLimit
	}
	return codeEvalError
}

// codedError is an error the evaluator raises with its diagnostic code.
type codedError struct {
	code string
	err  error
}

func (e codedError) Error() string { return e.err.Error() }
func (e codedError) Unwrap() error { return e.err }

// withCode returns err reported with the diagnostic code code.
func withCode(code string, err error) error { return codedError{code: code, err: err} }
