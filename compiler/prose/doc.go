// Package prose writes a checked contract in plain English, for the
// payment schedule occ doc prints and the forecast's board paper: values as
// commissioners write them (£19.60, 25%, 1 April 2026), each expression as
// a phrase ("the actual hours × £19.60", "the smaller of … and …"), and
// each rule as a sentence with its scope ("For each review: …", "In each
// month, … together pay at most …").
//
// Expressions are read from their source as the contract wrote it (after
// the literal rewriting the compiler does), parsed by CEL's parser without
// macros, so that aggregates such as count(review, …) and has(…) are seen
// as written rather than as the loops the checker expands them into. The
// checked contract supplies what each name is: a param, a field of a data
// schema, a rule or a let. Lists, counts and plurals come from lang/words.
package prose
