package value

import (
	"errors"
	"fmt"
	"reflect"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/cockroachdb/apd/v3"
)

// Precision is the number of significant digits a quotient that does not
// terminate (1/3, £100/12) is rounded to, half-even. It is the only
// rounding arithmetic does: sums, differences, products and quotients that
// terminate are exact.
const Precision = 34

// MaxDigits is the most significant digits an exact result may have. A sum,
// difference, product or terminating quotient that would need more is an
// *InexactError rather than a rounded value.
const MaxDigits = 1000

// ErrDivisionByZero is returned, and raised as a CEL error, when a value is
// divided by zero.
var ErrDivisionByZero = errors.New("division by zero")

// ErrOverflow is returned, and raised as a CEL error, when a decimal result
// is too large to represent.
var ErrOverflow = errors.New("decimal overflow")

// ErrInexact is matched, with errors.Is, by every *InexactError.
var ErrInexact = errors.New("the result cannot be held exactly")

// InexactError is returned, and raised as a CEL error, when the exact result
// of an operation needs more than MaxDigits significant digits: the value
// cannot be held exactly, and a rounded one would be a different amount.
type InexactError struct {
	// Op names the operation: "addition", "subtraction", "multiplication",
	// "division" or "sum".
	Op string
}

// Error says which operation could not be done exactly.
func (e *InexactError) Error() string {
	return fmt.Sprintf("the result of a %s needs more than %d significant digits and cannot be held exactly", e.Op, MaxDigits)
}

// Is reports whether target is ErrInexact.
func (e *InexactError) Is(target error) bool { return target == ErrInexact }

// ErrInvalidOperation is returned, and raised as a CEL error, when a decimal
// operation has no defined result.
var ErrInvalidOperation = errors.New("invalid decimal operation")

// decimalTraps are the conditions that turn into errors. Every one of them
// would otherwise leave a NaN, an infinity or a silently clamped value.
const decimalTraps = apd.Overflow | apd.DivisionByZero | apd.InvalidOperation |
	apd.DivisionUndefined | apd.DivisionImpossible |
	apd.SystemOverflow | apd.SystemUnderflow | apd.Underflow

// decimalContext is the context of division, which rounds a quotient that
// does not terminate to Precision digits. It is never modified; apd
// contexts are safe for concurrent use.
var decimalContext = apd.Context{
	Precision:   Precision,
	MaxExponent: apd.MaxExponent,
	MinExponent: apd.MinExponent,
	Traps:       decimalTraps,
	Rounding:    apd.RoundHalfEven,
}

// exactContext is the context of addition, subtraction and multiplication.
// It holds MaxDigits digits and traps any rounding, so a result is exact or
// an error, never rounded. It is never modified.
var exactContext = apd.Context{
	Precision:   MaxDigits,
	MaxExponent: apd.MaxExponent,
	MinExponent: apd.MinExponent,
	Traps:       decimalTraps | apd.Inexact | apd.Rounded,
	Rounding:    apd.RoundHalfEven,
}

// zeroDecimal backs the zero value of Decimal. It is only ever read.
var zeroDecimal apd.Decimal

// bigTen is used to strip trailing zeros from exact quotients. It is only
// ever read.
var bigTen = apd.NewBigInt(10)

// DecimalType is the CEL type of Decimal values; it prints as "decimal".
var DecimalType = types.NewOpaqueType("decimal")

// Decimal is an exact decimal number. It is immutable: every operation
// returns a new Decimal. The zero value is the number 0.
//
// A Decimal built by NewRatio also remembers the fraction it was computed
// from, for explanations; any arithmetic on it drops that annotation.
type Decimal struct {
	v *decimalValue
}

// decimalValue is the shared, never-mutated representation of a Decimal.
type decimalValue struct {
	d apd.Decimal
	// num and den hold the fraction set by NewRatio; den is 0 otherwise.
	num, den int64
}

// ParseDecimal parses a plain decimal such as "-12.50", "3" or "0.125": an
// optional sign, one or more digits, and optionally a point followed by one
// or more digits. Exponents and thousands separators are rejected. Trailing
// zeros are kept, so "19.60" prints as 19.60.
func ParseDecimal(s string) (Decimal, error) {
	if !isPlainDecimal(s) {
		return Decimal{}, fmt.Errorf("%q is not a decimal number: write digits with an optional point, like 12.50", s)
	}
	r := new(decimalValue)
	if _, _, err := r.d.SetString(s); err != nil {
		return Decimal{}, fmt.Errorf("%q is not a decimal number: %v", s, err)
	}
	normalizeZero(&r.d)
	return Decimal{r}, nil
}

// isPlainDecimal reports whether s has the form [+-]digits[.digits].
func isPlainDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == start {
		return false
	}
	if i == len(s) {
		return true
	}
	if s[i] != '.' {
		return false
	}
	i++
	start = i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i > start && i == len(s)
}

// MustParseDecimal is like ParseDecimal but panics on malformed input. It
// is meant for constants in tests and tables, never for user input.
func MustParseDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DecimalFromInt returns the decimal value of n.
func DecimalFromInt(n int64) Decimal {
	r := new(decimalValue)
	r.d.SetInt64(n)
	return Decimal{r}
}

// NewRatio returns num/den as a decimal, exact when it terminates and
// rounded half-even to Precision digits when it does not, and annotated with the fraction so
// that explanations can show "34 of 40". It fails when den is zero, which
// in a contract means the ratio was taken over zero records.
func NewRatio(num, den int64) (Decimal, error) {
	if den == 0 {
		return Decimal{}, fmt.Errorf("ratio of zero records: %d out of 0 is undefined", num)
	}
	q, err := DecimalFromInt(num).Quo(DecimalFromInt(den))
	if err != nil {
		return Decimal{}, err
	}
	q.v.num, q.v.den = num, den
	return q, nil
}

// Fraction returns the fraction this value was built from by NewRatio. ok is
// false for every other Decimal, including results of arithmetic on a ratio.
func (x Decimal) Fraction() (num, den int64, ok bool) {
	if x.v == nil || x.v.den == 0 {
		return 0, 0, false
	}
	return x.v.num, x.v.den, true
}

// ap returns the underlying apd value, which callers must not modify.
func (x Decimal) ap() *apd.Decimal {
	if x.v == nil {
		return &zeroDecimal
	}
	return &x.v.d
}

// Apd returns a copy of the value as an apd.Decimal.
func (x Decimal) Apd() *apd.Decimal {
	return new(apd.Decimal).Set(x.ap())
}

// Add returns x+y, exactly. A sum of more than MaxDigits significant digits
// is an *InexactError.
func (x Decimal) Add(y Decimal) (Decimal, error) {
	r := new(decimalValue)
	cond, err := exactContext.Add(&r.d, x.ap(), y.ap())
	return finish(r, cond, err, "addition")
}

// Sub returns x-y, exactly. A difference of more than MaxDigits
// significant digits is an *InexactError.
func (x Decimal) Sub(y Decimal) (Decimal, error) {
	r := new(decimalValue)
	cond, err := exactContext.Sub(&r.d, x.ap(), y.ap())
	return finish(r, cond, err, "subtraction")
}

// Mul returns x*y, exactly. A product of more than MaxDigits significant
// digits is an *InexactError.
func (x Decimal) Mul(y Decimal) (Decimal, error) {
	r := new(decimalValue)
	cond, err := exactContext.Mul(&r.d, x.ap(), y.ap())
	return finish(r, cond, err, "multiplication")
}

// Quo returns x/y. A quotient that terminates is exact, and keeps no more
// trailing zeros than the operands imply (19.60/2 is 9.80, 1/4 is 0.25); one
// of more than MaxDigits significant digits is an *InexactError. A quotient
// that does not terminate (1/3) is rounded half-even to Precision
// significant digits. Dividing by zero returns ErrDivisionByZero.
func (x Decimal) Quo(y Decimal) (Decimal, error) {
	if y.ap().IsZero() {
		return Decimal{}, ErrDivisionByZero
	}
	r := new(decimalValue)
	cond, err := decimalContext.Quo(&r.d, x.ap(), y.ap())
	if err == nil && cond.Inexact() {
		// Precision digits were not enough: either the quotient does not
		// terminate, as documented, or it is exact but longer.
		if exact, ok := exactQuo(x.ap(), y.ap()); ok {
			// Held to MaxDigits, and within the exponent limits, or an error.
			cond, err = exactContext.Round(&r.d, exact)
		}
	}
	if err == nil && !cond.Inexact() {
		ideal := int64(x.ap().Exponent) - int64(y.ap().Exponent)
		for int64(r.d.Exponent) < ideal && r.d.Coeff.Sign() != 0 {
			var q, m apd.BigInt
			q.QuoRem(&r.d.Coeff, bigTen, &m)
			if m.Sign() != 0 {
				break
			}
			r.d.Coeff.Set(&q)
			r.d.Exponent++
		}
	}
	return finish(r, cond, err, "division")
}

// exactQuo returns x/y exactly when it terminates, that is when y's
// coefficient over its common factor with x's is a product of 2s and 5s.
// y is not zero.
func exactQuo(x, y *apd.Decimal) (*apd.Decimal, bool) {
	var g, num, den, rem, q apd.BigInt
	g.GCD(nil, nil, &x.Coeff, &y.Coeff)
	num.Quo(&x.Coeff, &g)
	den.Quo(&y.Coeff, &g)
	// den is 2^twos × 5^fives × rest, and the quotient terminates when rest
	// is 1: num/den is then num × 2^(k-twos) × 5^(k-fives) / 10^k, with k
	// the larger of twos and fives.
	two, five := apd.NewBigInt(2), apd.NewBigInt(5)
	twos, fives := 0, 0
	for ; ; twos++ {
		if q.QuoRem(&den, two, &rem); rem.Sign() != 0 {
			break
		}
		den.Set(&q)
	}
	for ; ; fives++ {
		if q.QuoRem(&den, five, &rem); rem.Sign() != 0 {
			break
		}
		den.Set(&q)
	}
	if den.Cmp(apd.NewBigInt(1)) != 0 {
		return nil, false
	}
	k := max(twos, fives)
	var scale apd.BigInt
	scale.Exp(two, apd.NewBigInt(int64(k-twos)), nil)
	q.Exp(five, apd.NewBigInt(int64(k-fives)), nil)
	scale.Mul(&scale, &q)
	r := new(apd.Decimal)
	r.Coeff.Mul(&num, &scale)
	r.Exponent = int32(int64(x.Exponent) - int64(y.Exponent) - int64(k))
	r.Negative = x.Negative != y.Negative && r.Coeff.Sign() != 0
	return r, true
}

// Neg returns -x. The negation of zero is zero.
func (x Decimal) Neg() Decimal {
	r := new(decimalValue)
	r.d.Neg(x.ap())
	normalizeZero(&r.d)
	return Decimal{r}
}

// Abs returns |x|.
func (x Decimal) Abs() Decimal {
	if x.Sign() >= 0 {
		return x.plain()
	}
	return x.Neg()
}

// plain returns x without a fraction annotation.
func (x Decimal) plain() Decimal {
	if x.v == nil || x.v.den == 0 {
		return x
	}
	r := new(decimalValue)
	r.d.Set(&x.v.d)
	return Decimal{r}
}

// Cmp compares x and y numerically and returns -1, 0 or +1. Trailing zeros
// do not matter: 1.0 and 1.00 compare equal.
func (x Decimal) Cmp(y Decimal) int {
	return x.ap().Cmp(y.ap())
}

// Sign returns -1, 0 or +1 according to the sign of x.
func (x Decimal) Sign() int {
	return x.ap().Sign()
}

// IsZero reports whether x is zero.
func (x Decimal) IsZero() bool {
	return x.ap().IsZero()
}

// IsInteger reports whether x has no fractional part.
func (x Decimal) IsInteger() bool {
	var integ, frac apd.Decimal
	x.ap().Modf(&integ, &frac)
	return frac.IsZero()
}

// String returns x in plain notation, never with an exponent, keeping the
// trailing zeros it was written or computed with ("19.60", "940.80").
func (x Decimal) String() string {
	return x.ap().Text('f')
}

// StringFixed returns x rounded half-up (ties away from zero) to the given
// number of decimal places, padded with zeros to exactly that many places.
func (x Decimal) StringFixed(places int32) string {
	return Round(x, places, HalfUp).String()
}

// Int64 returns x as an int64. It fails if x has a fractional part or does
// not fit.
func (x Decimal) Int64() (int64, error) {
	if !x.IsInteger() {
		return 0, fmt.Errorf("%s is not a whole number", x)
	}
	n, err := x.ap().Int64()
	if err != nil {
		return 0, fmt.Errorf("%s is too large for a whole number", x)
	}
	return n, nil
}

// finish checks the apd result of operation op and wraps it as a Decimal.
func finish(r *decimalValue, cond apd.Condition, err error, op string) (Decimal, error) {
	if err != nil || r.d.Form != apd.Finite {
		return Decimal{}, conditionError(cond, op)
	}
	normalizeZero(&r.d)
	return Decimal{r}, nil
}

// conditionError maps the apd conditions of operation op to this package's
// errors.
func conditionError(cond apd.Condition, op string) error {
	switch {
	case cond.DivisionByZero() || cond.DivisionUndefined():
		return ErrDivisionByZero
	case cond.Overflow() || cond.SystemOverflow():
		return ErrOverflow
	case cond.Inexact() || cond.Rounded() || cond.Underflow():
		return &InexactError{Op: op}
	default:
		return ErrInvalidOperation
	}
}

// normalizeZero removes the sign from a zero so that it never prints as -0.
func normalizeZero(d *apd.Decimal) {
	if d.IsZero() {
		d.Negative = false
	}
}

// ConvertToNative implements ref.Val. It supports Decimal, *apd.Decimal,
// apd.Decimal and string targets.
func (x Decimal) ConvertToNative(typeDesc reflect.Type) (any, error) {
	switch typeDesc {
	case reflect.TypeFor[Decimal](), reflect.TypeFor[any]():
		return x, nil
	case reflect.TypeFor[*apd.Decimal]():
		return x.Apd(), nil
	case reflect.TypeFor[apd.Decimal]():
		return *x.Apd(), nil
	case reflect.TypeFor[string]():
		return x.String(), nil
	}
	return nil, fmt.Errorf("type conversion error from decimal to %v", typeDesc)
}

// ConvertToType implements ref.Val. A decimal converts to its own type, to
// its type's type and to string.
func (x Decimal) ConvertToType(typeVal ref.Type) ref.Val {
	switch typeVal {
	case DecimalType:
		return x
	case types.TypeType:
		return DecimalType
	case types.StringType:
		return types.String(x.String())
	}
	return types.NewErr("type conversion error from decimal to %s", typeVal.TypeName())
}

// Equal implements ref.Val. Two decimals are equal when they are
// numerically equal, so 1.0 equals 1.00. Values of other types are never
// equal to a decimal.
func (x Decimal) Equal(other ref.Val) ref.Val {
	o, ok := other.(Decimal)
	return types.Bool(ok && x.Cmp(o) == 0)
}

// Type implements ref.Val and returns DecimalType.
func (x Decimal) Type() ref.Type {
	return DecimalType
}

// Value implements ref.Val and returns the Decimal itself.
func (x Decimal) Value() any {
	return x
}

func isDigit(c byte) bool {
	return '0' <= c && c <= '9'
}
