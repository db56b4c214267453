// Command occgen writes deterministic synthetic data for the
// individual-outcomes contract, for benchmarks:
//
//	go run ./cmd/occgen -reviews 1000000 -seed 1 -out DIR
//
// writes DIR/reviews.csv and DIR/goals.csv. The same flags always give the
// same bytes. Evaluate them with
//
//	occ eval specs/individual-outcomes --data DIR/reviews.csv --data DIR/goals.csv
package main
