package value

import (
	"fmt"
	"reflect"
	"strconv"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// DateType is the CEL type of Date values; it prints as "date".
var DateType = types.NewOpaqueType("date")

// DaysType is the CEL type of Days values; it prints as "days". It is
// distinct from CEL's own duration type.
var DaysType = types.NewOpaqueType("days")

// The years a Date may be constructed or parsed with, which also bound the
// results of date arithmetic in CEL.
const (
	// MinYear is the earliest year of a valid Date.
	MinYear = 1
	// MaxYear is the latest year of a valid Date.
	MaxYear = 9999
)

// Date is a calendar date in the proleptic Gregorian calendar, with no time
// of day and no zone. It is immutable and comparable with ==. The zero
// value is 1970-01-01.
type Date struct {
	// n counts days since 1970-01-01.
	n int64
}

// NewDate returns the date y-m-d. It fails when the day does not exist in
// that month or the year is outside MinYear..MaxYear.
func NewDate(y int, m time.Month, d int) (Date, error) {
	if y < MinYear || y > MaxYear {
		return Date{}, fmt.Errorf("year %d is outside %d to %d", y, MinYear, MaxYear)
	}
	if m < time.January || m > time.December {
		return Date{}, fmt.Errorf("there is no month %d", int(m))
	}
	if n := daysIn(int64(y), m); d < 1 || d > n {
		return Date{}, fmt.Errorf("%s %d has %d days, so day %d does not exist", m, y, n, d)
	}
	return Date{daysFromCivil(int64(y), m, int64(d))}, nil
}

// ParseDate parses s with the given layout: "" or "yyyy-mm-dd" for ISO
// dates such as 2026-04-01, or "dd/mm/yyyy" for UK dates such as
// 01/05/2026 (1 May 2026), where the day and month may also be written
// with a single digit (1/5/2026).
func ParseDate(s, layout string) (Date, error) {
	var y, m, d int
	var ok bool
	switch layout {
	case "", "yyyy-mm-dd":
		layout = "yyyy-mm-dd"
		y, m, d, ok = scanDate(s, '-', []int{4, 2, 2}, []int{4, 2, 2})
	case "dd/mm/yyyy":
		var dd, mm, yy int
		dd, mm, yy, ok = scanDate(s, '/', []int{1, 1, 4}, []int{2, 2, 4})
		y, m, d = yy, mm, dd
	default:
		return Date{}, fmt.Errorf("unknown date layout %q: use yyyy-mm-dd or dd/mm/yyyy", layout)
	}
	if !ok {
		return Date{}, fmt.Errorf("%q is not a date in the form %s", s, layout)
	}
	date, err := NewDate(y, time.Month(m), d)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a valid date: %v", s, err)
	}
	return date, nil
}

// scanDate splits s into three decimal fields separated by sep, where field
// i has between minLen[i] and maxLen[i] digits.
func scanDate(s string, sep byte, minLen, maxLen []int) (a, b, c int, ok bool) {
	var fields [3]int
	i := 0
	for f := range 3 {
		if f > 0 {
			if i >= len(s) || s[i] != sep {
				return 0, 0, 0, false
			}
			i++
		}
		start := i
		for i < len(s) && isDigit(s[i]) && i-start < maxLen[f] {
			i++
		}
		if i-start < minLen[f] {
			return 0, 0, 0, false
		}
		n, err := strconv.Atoi(s[start:i])
		if err != nil {
			return 0, 0, 0, false
		}
		fields[f] = n
	}
	if i != len(s) {
		return 0, 0, 0, false
	}
	return fields[0], fields[1], fields[2], true
}

// MustParseDate is like ParseDate with the ISO layout but panics on
// malformed input. It is meant for constants in tests, never for user input.
func MustParseDate(s string) Date {
	d, err := ParseDate(s, "")
	if err != nil {
		panic(err)
	}
	return d
}

// Year returns the year of d.
func (d Date) Year() int {
	y, _, _ := civilFromDays(d.n)
	return int(y)
}

// Month returns the month of d.
func (d Date) Month() time.Month {
	_, m, _ := civilFromDays(d.n)
	return m
}

// Day returns the day of the month of d.
func (d Date) Day() int {
	_, _, day := civilFromDays(d.n)
	return int(day)
}

// Valid reports whether d lies within MinYear..MaxYear. Dates built by
// NewDate and ParseDate are always valid; AddDays and AddMonths can leave
// the range.
func (d Date) Valid() bool {
	y := d.Year()
	return y >= MinYear && y <= MaxYear
}

// AddDays returns the date n days after d (before d when n is negative).
func (d Date) AddDays(n int64) Date {
	return Date{d.n + n}
}

// AddMonths returns the date n months after d. When the day does not exist
// in the target month it is clamped to the month's last day, so 31 January
// plus one month is 28 or 29 February.
func (d Date) AddMonths(n int) Date {
	y, m, day := civilFromDays(d.n)
	total := y*12 + int64(m-1) + int64(n)
	ny := floorDiv(total, 12)
	nm := time.Month(total-ny*12) + 1
	if last := int64(daysIn(ny, nm)); day > last {
		day = last
	}
	return Date{daysFromCivil(ny, nm, day)}
}

// Sub returns the number of days from o to d, positive when d is later.
func (d Date) Sub(o Date) int64 {
	return d.n - o.n
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool {
	return d.n < o.n
}

// After reports whether d is later than o.
func (d Date) After(o Date) bool {
	return d.n > o.n
}

// Cmp returns -1, 0 or +1 as d is before, the same as, or after o.
func (d Date) Cmp(o Date) int {
	switch {
	case d.n < o.n:
		return -1
	case d.n > o.n:
		return 1
	}
	return 0
}

// String returns d as yyyy-mm-dd.
func (d Date) String() string {
	y, m, day := civilFromDays(d.n)
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), day)
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	y, m, day := civilFromDays(d.n)
	return time.Date(int(y), m, int(day), 0, 0, 0, 0, time.UTC)
}

// ConvertToNative implements ref.Val. It supports Date, time.Time and string
// targets.
func (d Date) ConvertToNative(typeDesc reflect.Type) (any, error) {
	switch typeDesc {
	case reflect.TypeFor[Date](), reflect.TypeFor[any]():
		return d, nil
	case reflect.TypeFor[time.Time]():
		return d.Time(), nil
	case reflect.TypeFor[string]():
		return d.String(), nil
	}
	return nil, fmt.Errorf("type conversion error from date to %v", typeDesc)
}

// ConvertToType implements ref.Val. A date converts to its own type, to its
// type's type and to string.
func (d Date) ConvertToType(typeVal ref.Type) ref.Val {
	switch typeVal {
	case DateType:
		return d
	case types.TypeType:
		return DateType
	case types.StringType:
		return types.String(d.String())
	}
	return types.NewErr("type conversion error from date to %s", typeVal.TypeName())
}

// Equal implements ref.Val: dates are equal when they are the same day. A
// date never equals a value of another type. In Go, compare dates with ==
// or Cmp.
func (d Date) Equal(other ref.Val) ref.Val {
	o, ok := other.(Date)
	return types.Bool(ok && o.n == d.n)
}

// Type implements ref.Val and returns DateType.
func (d Date) Type() ref.Type {
	return DateType
}

// Value implements ref.Val and returns the Date itself.
func (d Date) Value() any {
	return d
}

// Days is a whole number of days, a length of time rather than a date. It
// converts to and from int64: Days(42).
type Days int64

// String returns the count with its unit, such as "1 day" or "42 days".
func (n Days) String() string {
	return string(n.AppendText(nil))
}

// ConvertToNative implements ref.Val. It supports Days, int64 and string
// targets.
func (n Days) ConvertToNative(typeDesc reflect.Type) (any, error) {
	switch typeDesc {
	case reflect.TypeFor[Days](), reflect.TypeFor[any]():
		return n, nil
	case reflect.TypeFor[int64]():
		return int64(n), nil
	case reflect.TypeFor[string]():
		return n.String(), nil
	}
	return nil, fmt.Errorf("type conversion error from days to %v", typeDesc)
}

// ConvertToType implements ref.Val. Days convert to their own type, to their
// type's type, to int and to string.
func (n Days) ConvertToType(typeVal ref.Type) ref.Val {
	switch typeVal {
	case DaysType:
		return n
	case types.TypeType:
		return DaysType
	case types.IntType:
		return types.Int(n)
	case types.StringType:
		return types.String(n.String())
	}
	return types.NewErr("type conversion error from days to %s", typeVal.TypeName())
}

// Equal implements ref.Val: day counts are equal when they are the same
// number. Days never equal a value of another type, not even an int.
func (n Days) Equal(other ref.Val) ref.Val {
	o, ok := other.(Days)
	return types.Bool(ok && o == n)
}

// Type implements ref.Val and returns DaysType.
func (n Days) Type() ref.Type {
	return DaysType
}

// Value implements ref.Val and returns the Days itself.
func (n Days) Value() any {
	return n
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int64, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// floorDiv returns a/b rounded toward negative infinity, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d, using
// Howard Hinnant's algorithm for the proleptic Gregorian calendar.
func daysFromCivil(y int64, m time.Month, d int64) int64 {
	if m <= time.February {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := int64(m) + 9
	if m > time.February {
		mp = int64(m) - 3
	}
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y int64, m time.Month, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = time.Month(mp + 3)
	} else {
		m = time.Month(mp - 9)
	}
	if m <= time.February {
		y++
	}
	return y, m, d
}
