package value

import (
	"encoding/binary"
	"math"
	"strconv"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/cockroachdb/apd/v3"
)

// AppendText appends x as String writes it, without allocating a string.
func (x Decimal) AppendText(b []byte) []byte {
	return x.ap().Append(b, 'f')
}

// AppendText appends the amount as String writes it.
func (m Money) AppendText(b []byte) []byte {
	return m.amount.AppendText(b)
}

// AppendText appends the count with its unit, "1 day" or "42 days".
func (n Days) AppendText(b []byte) []byte {
	b = strconv.AppendInt(b, int64(n), 10)
	if n == 1 || n == -1 {
		return append(b, " day"...)
	}
	return append(b, " days"...)
}

// AppendText appends d as String writes it: yyyy-mm-dd.
func (d Date) AppendText(b []byte) []byte {
	y, m, day := civilFromDays(d.n)
	if y < 0 || y > 9999 {
		return append(b, d.String()...)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+day/10), byte('0'+day%10))
}

// AppendFixed appends x rounded with mode to the given number of places
// and padded to exactly that many, as Round(x, places, mode).String()
// writes it, without allocating when no rounding is needed.
func AppendFixed(b []byte, x Decimal, places int32, mode Rounding) []byte {
	d := x.ap()
	if d.Form == apd.Finite && places >= 0 && d.Exponent <= 0 && -d.Exponent == places {
		return d.Append(b, 'f')
	}
	return Round(x, places, mode).AppendText(b)
}

// AppendKey appends an encoding of a scalar value that identifies it
// exactly: two values with the same encoding behave the same in every
// expression (a decimal keeps its digits and trailing zeros, and a ratio
// its fraction). ok is false for values it cannot encode, such as lists and
// records.
func AppendKey(b []byte, v ref.Val) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(b, 'z'), true
	case types.String:
		b = append(b, 's')
		b = binary.AppendUvarint(b, uint64(len(x)))
		return append(b, x...), true
	case types.Int:
		b = append(b, 'i')
		return binary.LittleEndian.AppendUint64(b, uint64(x)), true
	case types.Uint:
		b = append(b, 'u')
		return binary.LittleEndian.AppendUint64(b, uint64(x)), true
	case types.Double:
		b = append(b, 'f')
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(float64(x))), true
	case types.Bool:
		if x {
			return append(b, 'T'), true
		}
		return append(b, 'F'), true
	case Date:
		b = append(b, 'D')
		return binary.LittleEndian.AppendUint64(b, uint64(x.n)), true
	case Days:
		b = append(b, 'd')
		return binary.LittleEndian.AppendUint64(b, uint64(x)), true
	case Decimal:
		return appendDecimalKey(append(b, 'n'), x)
	case Money:
		return appendDecimalKey(append(b, 'm'), x.amount)
	}
	return b, false
}

func appendDecimalKey(b []byte, x Decimal) ([]byte, bool) {
	d := x.ap()
	if d.Form != apd.Finite || !d.Coeff.IsUint64() {
		return b, false
	}
	flags := byte(0)
	if d.Negative {
		flags |= 1
	}
	num, den, ratio := x.Fraction()
	if ratio {
		flags |= 2
	}
	b = append(b, flags)
	b = binary.LittleEndian.AppendUint32(b, uint32(d.Exponent))
	b = binary.LittleEndian.AppendUint64(b, d.Coeff.Uint64())
	if ratio {
		b = binary.LittleEndian.AppendUint64(b, uint64(num))
		b = binary.LittleEndian.AppendUint64(b, uint64(den))
	}
	return b, true
}

// Sum adds decimals exactly, as a chain of Add calls would, but without
// allocating for each term while the running total fits in 64 bits. The
// zero value is an empty sum.
type Sum struct {
	n     int     // terms added
	first Decimal // the only term, while n == 1
	coef  int64   // the total is coef × 10^exp while !big
	exp   int32
	big   bool
	total Decimal // the total once it no longer fits
	err   error
}

// pow10 holds the powers of ten that fit in an int64.
var pow10 = func() [19]int64 {
	var p [19]int64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// small returns x as coef × 10^exp when the coefficient fits in an int64.
func small(x Decimal) (int64, int32, bool) {
	d := x.ap()
	if d.Form != apd.Finite || !d.Coeff.IsInt64() {
		return 0, 0, false
	}
	c := d.Coeff.Int64()
	if d.Negative {
		c = -c
	}
	return c, d.Exponent, true
}

// Add adds x to the sum.
func (s *Sum) Add(x Decimal) {
	s.n++
	if s.err != nil {
		return
	}
	if s.n == 1 {
		s.first = x
		c, e, ok := small(x)
		if !ok {
			s.big, s.total = true, x.plain()
			return
		}
		s.coef, s.exp = c, e
		return
	}
	if !s.big {
		if c, e, ok := small(x); ok {
			if sum, exp, ok := addScaled(s.coef, s.exp, c, e); ok {
				s.coef, s.exp = sum, exp
				return
			}
		}
		s.big, s.total = true, s.exact()
	}
	s.total, s.err = s.total.Add(x)
}

// addScaled returns a×10^ea + b×10^eb with the smaller exponent, or false
// when it does not fit in an int64.
func addScaled(a int64, ea int32, b int64, eb int32) (int64, int32, bool) {
	if ea > eb {
		a, ea, b, eb = b, eb, a, ea
	}
	// Now ea <= eb: scale b down to ea.
	if d := eb - ea; d > 0 {
		if d >= int32(len(pow10)) {
			if b != 0 {
				return 0, 0, false
			}
		} else {
			p := pow10[d]
			if b > math.MaxInt64/p || b < math.MinInt64/p {
				return 0, 0, false
			}
			b *= p
		}
	}
	sum := a + b
	if (sum > a) != (b > 0) && b != 0 {
		return 0, 0, false
	}
	return sum, ea, true
}

// exact returns the small total as a Decimal.
func (s *Sum) exact() Decimal {
	r := new(decimalValue)
	c := s.coef
	if c < 0 {
		r.d.Negative = true
		r.d.Coeff.SetUint64(uint64(-(c + 1)) + 1)
	} else {
		r.d.Coeff.SetInt64(c)
	}
	r.d.Exponent = s.exp
	normalizeZero(&r.d)
	return Decimal{r}
}

// Len returns the number of terms added.
func (s *Sum) Len() int { return s.n }

// Decimal returns the sum: the first term itself when only one was added
// (so a ratio keeps its fraction), and zero when none were. It fails when
// the sum overflows.
func (s *Sum) Decimal() (Decimal, error) {
	switch {
	case s.err != nil:
		return Decimal{}, s.err
	case s.n == 0:
		return DecimalFromInt(0), nil
	case s.n == 1:
		return s.first, nil
	case s.big:
		return s.total, nil
	}
	return s.exact(), nil
}
