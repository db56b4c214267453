// Package bound computes, with no data, the most and the least a contract
// can pay: per rule, per settlement period and over the term.
//
// Analyze walks each rule's checked CEL expressions with interval
// arithmetic. A data field's value lies within its declared range (a field
// with no range has no bound), a nested list holds at most its declared
// number of records, a param has its value (the default or an override),
// and the number of top-level records in a settlement period is bounded only
// when the caller says so (Options.MaxRecords): the language declares no
// such maximum, so without one a rule per record has no finite period total
// unless a cap bounds it. Interval ends are exact decimals, rounded outward
// where a quotient does not terminate. Whatever the analysis cannot follow
// is unbounded, never guessed: the bounds are sound, so no evaluation on
// valid data pays more than the upper bound or less than the lower.
//
// Each finite end carries the inputs that reach it (review.actual_hours =
// 400, hourly_rate = £19.60) and each infinite end the reason it has no
// bound. Caps and floors are applied as the evaluator applies them: a cap
// whose instances each lie in one settlement period bounds what it covers
// by its limit.
//
// Under a contract several payers share, the Report also bounds each
// payer's parts of the lines and adjustments (Report.Payers): each line's
// part at the share in force in its period, rounded outward to the minor
// unit, and a cap or floor for one payer bounding that payer's parts.
//
// Lint reports, as warnings, a cap that can never bind and a floor that
// always binds. The command line's check and the language server both call
// it.
//
// The files:
//
//	interval.go  exact decimal intervals with the inputs that reach each end
//	value.go     abstract values: numbers, truth values, text, records, lists
//	expr.go      evaluating a checked expression over abstract values
//	rules.go     rule values per scope instance, and lines in a run of months
//	limits.go    caps, floors and totals
//	analyze.go   Analyze, Options and the Report
//	payers.go    each payer's parts, under a contract several payers share
//	lint.go      the cap-never-binds and floor-always-binds warnings
package bound
