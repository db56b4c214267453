// Command occ is the outcome contract compiler: it checks, formats, tests and
// evaluates outcome-based care contracts.
//
// Each command has a file of its own (check.go, fmtcmd.go, test.go,
// eval.go, explain.go, schema.go, forecast.go, version.go), with a params
// struct, the cobra command that fills it, and a run function that can be
// tested without cobra. root.go lists the commands and maps errors to exit
// codes; diagnostics.go and findings.go render every error and warning, in
// text, JSON, SARIF or GitHub form; load.go finds and reads contracts;
// progress.go draws the progress line of long work on a terminal.
package main
