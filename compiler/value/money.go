package value

import (
	"fmt"
	"reflect"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// MoneyType is the CEL type of Money values; it prints as "money".
var MoneyType = types.NewOpaqueType("money")

// Money is an amount of the contract's currency. The currency itself is a
// property of the contract, not of the value, so Money holds only an exact
// decimal amount. It is immutable; the zero value is an amount of 0.
type Money struct {
	amount Decimal
}

// MoneyOf returns the amount d as money.
func MoneyOf(d Decimal) Money {
	return Money{d.plain()}
}

// ParseMoney parses a plain decimal amount such as "1250.50" (no currency
// sign, no thousands separators) as money.
func ParseMoney(s string) (Money, error) {
	d, err := ParseDecimal(s)
	if err != nil {
		return Money{}, fmt.Errorf("%q is not an amount of money: write digits with an optional point, like 1250.50", s)
	}
	return Money{d}, nil
}

// Decimal returns the amount as a decimal.
func (m Money) Decimal() Decimal {
	return m.amount
}

// String returns the amount in plain notation without a currency sign,
// keeping its trailing zeros ("940.80").
func (m Money) String() string {
	return m.amount.String()
}

// Add returns m+o.
func (m Money) Add(o Money) (Money, error) {
	d, err := m.amount.Add(o.amount)
	return Money{d}, err
}

// Sub returns m-o.
func (m Money) Sub(o Money) (Money, error) {
	d, err := m.amount.Sub(o.amount)
	return Money{d}, err
}

// Mul returns m scaled by the factor f.
func (m Money) Mul(f Decimal) (Money, error) {
	d, err := m.amount.Mul(f)
	return Money{d}, err
}

// Quo returns m divided by the divisor f. Dividing by zero returns
// ErrDivisionByZero.
func (m Money) Quo(f Decimal) (Money, error) {
	d, err := m.amount.Quo(f)
	return Money{d}, err
}

// Neg returns -m.
func (m Money) Neg() Money {
	return Money{m.amount.Neg()}
}

// Abs returns |m|.
func (m Money) Abs() Money {
	return Money{m.amount.Abs()}
}

// Cmp compares the amounts of m and o and returns -1, 0 or +1.
func (m Money) Cmp(o Money) int {
	return m.amount.Cmp(o.amount)
}

// Sign returns -1, 0 or +1 according to the sign of the amount.
func (m Money) Sign() int {
	return m.amount.Sign()
}

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool {
	return m.amount.IsZero()
}

// Round returns m rounded to the given number of decimal places with mode.
func (m Money) Round(places int32, mode Rounding) Money {
	return Money{Round(m.amount, places, mode)}
}

// ConvertToNative implements ref.Val. It supports Money, Decimal and string
// targets.
func (m Money) ConvertToNative(typeDesc reflect.Type) (any, error) {
	switch typeDesc {
	case reflect.TypeFor[Money](), reflect.TypeFor[any]():
		return m, nil
	case reflect.TypeFor[Decimal]():
		return m.amount, nil
	case reflect.TypeFor[string]():
		return m.String(), nil
	}
	return nil, fmt.Errorf("type conversion error from money to %v", typeDesc)
}

// ConvertToType implements ref.Val. Money converts to its own type, to its
// type's type and to string.
func (m Money) ConvertToType(typeVal ref.Type) ref.Val {
	switch typeVal {
	case MoneyType:
		return m
	case types.TypeType:
		return MoneyType
	case types.StringType:
		return types.String(m.String())
	}
	return types.NewErr("type conversion error from money to %s", typeVal.TypeName())
}

// Equal implements ref.Val. Two amounts of money are equal when their
// amounts are numerically equal; money never equals a value of another type.
func (m Money) Equal(other ref.Val) ref.Val {
	o, ok := other.(Money)
	return types.Bool(ok && m.Cmp(o) == 0)
}

// Type implements ref.Val and returns MoneyType.
func (m Money) Type() ref.Type {
	return MoneyType
}

// Value implements ref.Val and returns the Money itself.
func (m Money) Value() any {
	return m
}

// Grouped formats the amount with the given decimal places and commas
// between thousands, as a statement shows it: -1,234.50.
func (m Money) Grouped(places int32) string {
	s := m.Decimal().StringFixed(places)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	b := make([]byte, 0, len(s)+len(whole)/3+1)
	b = append(b, sign...)
	for i := 0; i < len(whole); i++ {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, whole[i])
	}
	if frac != "" {
		b = append(b, '.')
		b = append(b, frac...)
	}
	return string(b)
}

// CurrencySymbols are the symbols money may be written with, by currency
// code.
var CurrencySymbols = map[string]string{"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥"}
