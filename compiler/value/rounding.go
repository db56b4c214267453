package value

import (
	"fmt"

	"github.com/cockroachdb/apd/v3"
)

// Rounding is a rounding mode. The zero value is HalfUp.
type Rounding int

const (
	// HalfUp rounds to the nearest value, ties away from zero: 30.125 to two
	// places is 30.13 and -30.125 is -30.13. It is the usual commercial
	// rounding and the mode of CEL's round().
	HalfUp Rounding = iota
	// HalfEven rounds to the nearest value, ties to the even neighbour
	// (banker's rounding): 30.125 to two places is 30.12.
	HalfEven
	// Down rounds toward zero, truncating: 1.99 is 1 and -1.99 is -1.
	Down
	// Up rounds away from zero: 1.01 is 2 and -1.01 is -2.
	Up
	// Ceiling rounds toward positive infinity: 1.01 is 2 and -1.99 is -1.
	Ceiling
	// Floor rounds toward negative infinity: 1.99 is 1 and -1.01 is -2.
	Floor
)

// allRoundings lists every mode, in declaration order.
func allRoundings() [6]Rounding {
	return [6]Rounding{HalfUp, HalfEven, Down, Up, Ceiling, Floor}
}

// rounder returns the apd rounder implementing m.
func (m Rounding) rounder() apd.Rounder {
	switch m {
	case HalfEven:
		return apd.RoundHalfEven
	case Down:
		return apd.RoundDown
	case Up:
		return apd.RoundUp
	case Ceiling:
		return apd.RoundCeiling
	case Floor:
		return apd.RoundFloor
	default:
		return apd.RoundHalfUp
	}
}

// ParseRounding returns the mode named by name: half_up, half_even, down,
// up, ceiling or floor.
func ParseRounding(name string) (Rounding, error) {
	for _, m := range allRoundings() {
		if m.String() == name {
			return m, nil
		}
	}
	return 0, fmt.Errorf("unknown rounding mode %q: use half_up, half_even, down, up, ceiling or floor", name)
}

// String returns the configuration name of the mode, such as "half_up".
func (m Rounding) String() string {
	switch m {
	case HalfUp:
		return "half_up"
	case HalfEven:
		return "half_even"
	case Down:
		return "down"
	case Up:
		return "up"
	case Ceiling:
		return "ceiling"
	case Floor:
		return "floor"
	}
	return fmt.Sprintf("Rounding(%d)", int(m))
}

// valid reports whether m is one of the declared modes.
func (m Rounding) valid() bool {
	return m >= HalfUp && m <= Floor
}

// Round returns d rounded to the given number of decimal places using mode;
// the result has exactly that many places ("30.10", not "30.1"). Negative
// places round to tens, hundreds and so on. An unknown mode rounds half-up.
// The fraction annotation of a ratio is dropped.
func Round(d Decimal, places int32, mode Rounding) Decimal {
	if !mode.valid() {
		mode = HalfUp
	}
	x := d.ap()
	// Give the context enough precision that quantizing can never fail:
	// every digit of x, every new place, and one digit of carry.
	prec := x.NumDigits() + abs64(int64(places)) + abs64(int64(x.Exponent)) + 2
	if prec > 1<<30 {
		prec = 1 << 30
	}
	ctx := apd.Context{
		Precision:   uint32(prec),
		MaxExponent: apd.MaxExponent,
		MinExponent: apd.MinExponent,
		Traps:       decimalTraps,
		Rounding:    mode.rounder(),
	}
	r := new(decimalValue)
	if _, err := ctx.Quantize(&r.d, x, -places); err != nil || r.d.Form != apd.Finite {
		// Unreachable for the precision chosen above unless places is
		// beyond apd's exponent limits; keep the value unrounded rather
		// than invent one.
		return d.plain()
	}
	normalizeZero(&r.d)
	return Decimal{r}
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
