// Package gen writes deterministic synthetic data for benchmarking occ.
//
// IndividualOutcomes writes the reviews.csv and goals.csv of the
// individual-outcomes contract (specs/individual-outcomes): one review per
// person per month across the contract term 2026-04 .. 2027-03, with
// planned and delivered hours, missed visits, an optional satisfaction
// score, and on average 2.5 goals a review with their statuses and dates.
//
// The output depends only on the number of reviews and the seed: the same
// arguments give the same bytes on every machine and Go version, because
// the package uses its own small random number generator rather than
// math/rand.
package gen
