package runtime

import (
	"errors"
	"fmt"
	"testing"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"

	"github.com/occ-lang/occ/compiler/value"
)

// TestCodeOf checks the code each kind of evaluation error is reported
// with, as CEL hands the errors over.
func TestCodeOf(t *testing.T) {
	celErr := func(err error) error { return types.WrapErr(err).(*types.Err) }
	for _, tc := range []struct {
		err  error
		want string
	}{
		{celErr(value.ErrDivisionByZero), "division-by-zero"},
		{fmt.Errorf("amount: %w", value.ErrDivisionByZero), "division-by-zero"},
		{celErr(value.ErrOverflow), "overflow"},
		{types.NewErr("integer overflow").(*types.Err), "overflow"},
		{celErr(errors.New("date out of range: dates must fall in the years 1 to 9999")), "overflow"},
		{errors.New("review.satisfaction has no value in this record; test it with has(review.satisfaction) before using it"), "missing-value"},
		{types.NewErr("ratio has no value here").(*types.Err), "missing-value"},
		{interpreter.EvalCancelledError{Cause: interpreter.CostLimitExceeded, Message: "operation cancelled: actual cost limit exceeded"}, "cost-limit"},
		{celErr(&value.MissingKeyError{Table: "param job_fee", Key: `"esa"`}), "missing-key"},
		{types.NewErr("no such overload").(*types.Err), "eval-error"},
		{errors.New("the amount is negative (-5.00); write incentive amounts as positive sums"), "eval-error"},
	} {
		if got := codeOf(tc.err); got != tc.want {
			t.Errorf("codeOf(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}
