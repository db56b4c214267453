// Package lang reads occ contract files: it splits them into tokens, parses
// the generic statement syntax every construct shares, decodes it into typed
// declarations (contract header, params, data schemas, rules and tests), and
// prints the canonical layout. It knows nothing of CEL or evaluation:
// expressions are kept as exact source text with their spans, for the
// compiler to check.
package lang
