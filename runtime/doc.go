// Package runtime evaluates a checked contract against review data.
//
// New prepares a Program from a compiled contract, and Program.Eval turns a
// data.Set (read and validated by occ/runtime/data) into a Statement of
// money lines for a settlement period, or returns every rule and record
// that could not be evaluated as lang.Diagnostics. A statement's lines are
// reached one way, with the iterator Statement.Lines: they are held
// compactly and each is rendered as it is reached, so a statement of
// millions of lines needs little memory beyond the evaluation.
// Statement.WriteJSON writes the documented JSON form and Statement.Explain
// shows how a line was computed. A Program made WithoutLines makes
// summaries, statements without their lines, for runs that need only the
// money: Statement.WriteSummaryJSON writes the JSON form without "lines".
// RunTest runs a contract's test blocks, and a Coverage records what they
// exercised. Values are shown with value.Format, in the currency's minor
// units.
//
// The files, by concern:
//
//	program.go      Program and its options
//	eval.go         Eval, the period it settles, the evaluation's state
//	collect.go      placing records: the term, exclude rules, nesting, persons
//	scopes.go       scope instances, containment, reading rules across scopes
//	rules.go        evaluating a rule in every instance; standards, instalments
//	limits.go       caps and floors
//	results.go      a rule's results and their compact form
//	memo.go         remembering a rule's results by the values it read
//	diagnostics.go  evaluation errors as diagnostics, with their codes
//	lines.go        the statement's lines as compact lineRefs
//	keys.go         line and record keys
//	inputs.go       the values a line's rule read
//	totals.go       totals, subtotals and record counts
//	statement.go    Statement and its parts, assembled from the evaluation
//	person.go       the person a line is for
//	json.go         the JSON statement, written field by field
//	jsonlines.go    lines and flags rendered as JSON, in parallel
//	summary.go      statements without their lines, and their JSON
//	explain.go      how a line or flag was computed
//	tests.go        running a contract's test blocks
//	coverage.go     what the tests exercised
//	calendar.go     the term's months and settlement periods
package runtime
