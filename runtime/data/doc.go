// Package data reads the files a contract is evaluated on and checks them
// against the contract's data schemas. It evaluates nothing.
//
// Load takes the files as given (CSV as exported by Excel and
// case-management systems, Excel workbooks, JSON, JSON Lines and YAML),
// detects each one's format and the data it holds, reads every cell as a
// typed value (numbers, money, dates, choices), joins nested records to
// their parents by key, and returns a Set of records, or every problem
// found as diagnostics located by file, row and column. CSV, JSON and
// JSON Lines are read as streams, a row or record at a time; every file,
// row and value is bounded by Limits, so that no input can exhaust memory
// or time.
//
// The files, one a concern:
//
//	load.go     Input, Set, Load and the loader that runs a load
//	source.go   reading one file: hashing, limits, format detection
//	limits.go   Limits, the other options, and the problems of a limit
//	problem.go  a problem in the data and the diagnostic it becomes
//	schema.go   which data a file holds, from its header or first record
//	holds.go    Holds: which data a file holds, without loading it
//	cells.go    one cell's text as a typed value, with what was expected
//	keys.go     record keys: hashing, equality and descriptions
//	records.go  adding records, duplicate keys, nested lists and joins
//	csv.go      CSV: separator and line ends, header, columns and rows
//	xlsx.go     XLSX workbooks: sheets, raw cell values, date serials
//	json.go     JSON and JSON Lines: records from tokens
//	jsonscan.go the JSON tokenizer: strings, number text and structure
//	jsonpipe.go tokens read on a goroutine of their own, in batches
//	yaml.go     YAML
package data
