// Package diff compares what two contracts pay for the same data: two
// versions of one contract, or two contracts such as time and task and
// individual outcomes run side by side on the same people.
//
// Compare takes the statements of the two evaluations and returns a Diff:
// the change of the total, and the change by settlement period, by line
// kind, by rule, by payer and by person, each list largest change first;
// the params whose values differ; and the rules added, removed or changed.
// Amounts are exact: every change is the difference of two sums of
// rounded lines, so each breakdown adds up to the change of the total to
// the penny. Rendering the Diff is the command line's.
//
// The files:
//
//	diff.go     Compare, Diff and its changes of money
//	params.go   the params and rules that differ between the contracts
package diff
