// Package forecast forecasts what an outcome contract will pay, with
// ranges: it simulates many runs of a contract's data and evaluates each
// with the same evaluator as occ eval (runtime.Program.Eval), so a
// forecast can never disagree with the statement the contract produces.
//
// A run's data come from a Source:
//
//   - A Scenario (ParseScenario) describes a cohort — people served in the
//     first month, joiners and leavers each month, a number of months — and
//     a distribution for each data field the contract reads: fixed,
//     uniform, normal with bounds, categorical with weights, Bernoulli,
//     with modifiers for optional fields (chance, when), values kept per
//     person, multiples of another field, dates as days after the record's
//     month or another date (the timing of outcomes), and counts of nested
//     records. One record of each top-level data is made per person served
//     per month; contracts whose data does not fit that are refused. Every
//     mistake is reported as a lang.Diagnostic with a stable code, its span
//     in the file and its place in the scenario in words.
//   - A Bootstrap (NewBootstrap) resamples a provider's historical data,
//     person by person with replacement.
//
// Forecast runs the runs in parallel — run i draws from PCG generators
// seeded from (seed, i) and what each draw is for (one field of one
// record, the joiners of one month), so the result does not depend on the
// number of workers, and every step of a sweep draws the same numbers
// (common random numbers) — and summarises, per settlement period and for all of them, the
// total and each kind of line as mean, P10, P50, P90, min and max; the
// chance that each cap or floor binds and each standard is not met; a
// histogram of the total; and optionally a sensitivity sweep of a contract
// param or scenario var. Amounts and statistics are exact decimals, rounded
// half-up to the penny only at the end; percentiles interpolate linearly
// between closest ranks (PercentileMethod). Under a contract several
// payers share, each payer's total gets the same statistics (payers.go),
// from each run's lines split as the statement splits them; Options.Payer
// makes the forecast one payer's.
//
// A Result is written as text (WriteText), as JSON (MarshalJSON; the schema
// is in docs/forecast.md, with its Version), or as a self-contained HTML
// board paper with SVG charts (WriteHTML: html.go lays out the page,
// html_summary.go writes its summary in words, notes and footer, and
// html_charts.go draws the charts, with the budget on them).
//
// The package reads the compiler's contract and the runtime's evaluator;
// it never depends on the command line.
package forecast
