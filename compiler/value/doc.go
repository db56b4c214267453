// Package value defines the exact value types that occ payment rules compute
// with, and installs them into CEL.
//
// CEL has no decimal type and its only fractional number is float64, which
// must never appear on a money path. This package therefore adds four CEL
// custom types, each an immutable Go value implementing ref.Val:
//
//   - Decimal, CEL type "decimal": an exact decimal number backed by apd.
//     Sums, differences, products and quotients that terminate are exact
//     up to MaxDigits digits and an *InexactError beyond; only a quotient
//     that does not terminate is rounded, to Precision digits.
//   - Money, CEL type "money": an amount of the contract currency.
//   - Date, CEL type "date": a calendar date with no time or zone.
//   - Days, CEL type "days": a whole number of days.
//
// Library installs these types with operator overloads and helper
// functions, replaces CEL's truncating integer division with exact decimal
// division, and removes every double and uint overload from the standard
// library so that a float can never take part in a calculation. Library must
// be used with cel.NewCustomEnv, because cel.NewEnv has already installed
// the full standard library and CEL cannot take overloads away again.
//
// Rewrite turns the literals commissioners write (£1,250.50, 12.5%, 42 days,
// 2026-04-01, 1.25) into calls the CEL parser accepts, and returns a Mapping
// between byte offsets of the original and rewritten text so that errors
// can be reported against what the commissioner wrote.
//
// Format (and AppendFormat, for hot paths) renders any value as
// statements, explanations and test results show it; money takes the
// currency's minor units.
//
// Record is a data record of a contract's schema; the compiler's type
// provider reads its fields, and the runtime evaluates rules over it. A
// record holds a 4-byte code a field, and its Origin the values the codes
// stand for.
package value
