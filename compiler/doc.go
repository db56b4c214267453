// Package compiler checks a parsed contract and produces the checked form the
// runtime evaluates: names resolved, data schemas typed, every expression
// type-checked by CEL against the exact decimal library in package value,
// rules put in dependency order, and expression cost bounded. Errors are
// reported as lang diagnostics whose positions point into the contract file,
// including positions inside expressions. It also owns the contract's
// Calendar: how the term is laid out in months, contract quarters and
// contract years, and how periods are named and read. The compiler reads no
// data files and produces no statements.
package compiler
