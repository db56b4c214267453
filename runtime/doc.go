// Package runtime evaluates a checked contract against review data.
//
// Load reads the data files a contract is evaluated on (CSV as exported by
// Excel and case-management systems, JSON, JSON Lines and YAML), checks
// every value against the contract's data schemas and returns a Dataset of
// typed records, or every problem found, each located by file, row and
// column. New prepares a Program from a contract, and Program.Eval turns a
// Dataset into a Statement of money lines for a settlement period.
package runtime
