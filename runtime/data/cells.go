package data

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/spell"
	"github.com/occ-lang/occ/lang/words"
)

// fieldCache shares the values of one field between records: repeated
// person ids, enum values, dates and amounts are parsed once.
// A field read from a file with a decimal comma has a cache of its own, as
// the same text may mean another number there.
type fieldCache struct {
	// m holds each value's id: 1 for the first value kept, which is
	// keys[0] and vals[0], and so on.
	m    map[string]int32
	keys []string
	vals []ref.Val
	// next holds, for each value, the id of the value read after it the
	// last time (0 for none): files sorted by person or by month repeat
	// the same run of values, which are then found without a lookup.
	next []int32
	// recent holds the ids of values found lately, by a hash of their
	// text: a file's dates, hours and statuses are few, and mostly found
	// there without a lookup in m.
	recent [256]int32
	comma  bool
}

func newFieldCache(comma bool) *fieldCache {
	return &fieldCache{m: map[string]int32{}, comma: comma}
}

// lookup returns the value kept for s.
func (fc *fieldCache) lookup(s string) (ref.Val, bool) {
	if id, ok := fc.m[s]; ok {
		return fc.vals[id-1], true
	}
	return nil, false
}

type cacheKey struct {
	f     *compiler.Field
	comma bool
}

// cache returns the cache of field f read with a decimal point.
func (l *loader) cache(f *compiler.Field) *fieldCache {
	return l.cacheFor(f, false)
}

// cacheFor returns the cache of field f read with a decimal comma when
// comma is set, else with a decimal point.
func (l *loader) cacheFor(f *compiler.Field, comma bool) *fieldCache {
	k := cacheKey{f, comma}
	fc := l.caches[k]
	if fc == nil {
		fc = newFieldCache(comma)
		l.caches[k] = fc
	}
	return fc
}

// fault is why a cell's text is not a value of its field: a stable code
// and a message saying what was expected. The zero fault is no fault.
type fault struct {
	code, msg string
}

// cell parses the trimmed, non-empty text s as a value of field f. On
// failure it returns the fault.
func (l *loader) cell(fc *fieldCache, f *compiler.Field, s string) (ref.Val, fault) {
	v, _, bad := l.cellAfter(fc, f, s, 0)
	return v, bad
}

// cellAfter is cell for the value read after the one with id prev in fc
// (0 for none). It returns the value's id too, or 0 when fc does not keep
// the value.
func (l *loader) cellAfter(fc *fieldCache, f *compiler.Field, s string, prev int32) (ref.Val, int32, fault) {
	if prev > 0 {
		if id := fc.next[prev-1]; id > 0 && fc.keys[id-1] == s {
			return fc.vals[id-1], id, fault{}
		}
	}
	slot := &fc.recent[textHash(s)]
	if id := *slot; id > 0 && fc.keys[id-1] == s {
		if prev > 0 {
			fc.next[prev-1] = id
		}
		return fc.vals[id-1], id, fault{}
	}
	id, ok := fc.m[s]
	if !ok {
		v, bad := l.parseValue(f, s, fc.comma)
		if bad.msg != "" {
			return nil, 0, bad
		}
		if len(fc.keys) >= internLimit {
			return v, 0, fault{}
		}
		k := strings.Clone(s)
		if f.Kind == compiler.TextField {
			v = types.String(k)
		}
		fc.keys, fc.vals, fc.next = append(fc.keys, k), append(fc.vals, v), append(fc.next, 0)
		id = int32(len(fc.keys))
		fc.m[k] = id
	}
	*slot = id
	if prev > 0 {
		fc.next[prev-1] = id
	}
	return fc.vals[id-1], id, fault{}
}

// textHash returns a byte of hash of s, from its length and its first and
// last eight bytes.
func textHash(s string) uint8 {
	h := uint32(len(s)) * 0x9e3779b1
	n := min(len(s), 8)
	for i := range n {
		h = (h ^ uint32(s[i])) * 16777619
	}
	for i := max(n, len(s)-8); i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return uint8(h >> 24)
}

// maxNumberChars is the most characters a number may have: far more than
// any count or amount of money needs (£1,000,000,000,000.00 has 19), and
// few enough that a cell of a million digits is refused at once instead
// of being parsed.
const maxNumberChars = 40

// parseValue parses s as a value of field f; comma is set for a file whose
// decimal mark is a comma.
func (l *loader) parseValue(f *compiler.Field, s string, comma bool) (ref.Val, fault) {
	v, bad := l.parseText(f, s, comma)
	if comma && bad.msg != "" {
		bad.msg = strings.Replace(bad.msg, l.expected(f), commaText(l.expected(f)), 1)
	}
	return v, bad
}

func (l *loader) parseText(f *compiler.Field, s string, comma bool) (ref.Val, fault) {
	switch f.Kind {
	case compiler.IntField, compiler.DecimalField, compiler.MoneyField:
		if len(s) > maxNumberChars && utf8.RuneCountInString(s) > maxNumberChars {
			code, what := "bad-number", "a number"
			if f.Kind == compiler.MoneyField {
				code, what = "bad-amount", "an amount"
			}
			return nil, fault{code, fmt.Sprintf("%s is too long for %s: a number has at most %d characters; %s", quote(s), what, maxNumberChars, l.expected(f))}
		}
	}
	switch f.Kind {
	case compiler.TextField:
		return types.String(strings.Clone(s)), fault{}
	case compiler.EnumField:
		for _, e := range f.Enum {
			if e == s {
				return types.String(e), fault{}
			}
		}
		n := normName(s)
		for _, e := range f.Enum {
			if strings.EqualFold(e, n) {
				return types.String(e), fault{}
			}
		}
		msg := fmt.Sprintf("%s is not one of %s", quote(s), words.Or(f.Enum))
		if sug := spell.Nearest(s, f.Enum); sug != "" {
			msg += fmt.Sprintf("; did you mean %q?", sug)
		}
		return nil, fault{"bad-choice", msg}
	case compiler.IntField:
		t := s
		if comma {
			var msg string
			if t, msg = commaNumber(s, "a whole number"); msg != "" {
				return nil, fault{"bad-number", msg + "; " + l.expected(f)}
			}
		}
		n, ok := parseInt(t)
		if !ok {
			if d, msg := l.parseNumber(t, false); msg == "" && d.IsInteger() {
				i, err := d.Int64()
				if err != nil {
					return nil, fault{"bad-number", fmt.Sprintf("%s is too large; %s", quote(s), l.expected(f))}
				}
				n, ok = i, true
			}
		}
		if !ok {
			return nil, fault{"bad-number", fmt.Sprintf("%s is not a whole number; %s", quote(s), l.expected(f))}
		}
		return l.checkRange(f, s, types.Int(n))
	case compiler.DecimalField:
		d, msg := l.number(s, false, comma)
		if msg != "" {
			return nil, fault{"bad-number", msg + "; " + l.expected(f)}
		}
		return l.checkRange(f, s, d)
	case compiler.MoneyField:
		d, msg := l.number(s, true, comma)
		if msg != "" {
			return nil, fault{"bad-amount", msg + "; " + l.expected(f)}
		}
		return l.checkRange(f, s, value.MoneyOf(d))
	case compiler.BoolField:
		for _, t := range []string{"true", "yes", "y", "1"} {
			if strings.EqualFold(s, t) {
				return types.True, fault{}
			}
		}
		for _, t := range []string{"false", "no", "n", "0"} {
			if strings.EqualFold(s, t) {
				return types.False, fault{}
			}
		}
		return nil, fault{"bad-bool", fmt.Sprintf("%s is not yes or no; expected true, false, yes, no, y, n, 1 or 0", quote(s))}
	case compiler.DateField:
		d, msg := parseDate(s, f.DateFormat)
		if msg != "" {
			if f.Min != nil || f.Max != nil {
				msg += "; " + l.expected(f)
			}
			return nil, fault{"bad-date", msg}
		}
		return l.checkRange(f, s, d)
	case compiler.ListField:
		return nil, fault{"bad-value", fmt.Sprintf("%s is a list of %s records, not a single value", f.Name, elemName(f))}
	}
	return nil, fault{"bad-value", fmt.Sprintf("field %s has an unknown kind", f.Name)}
}

func elemName(f *compiler.Field) string {
	if f.Elem == nil {
		return "nested"
	}
	return f.Elem.Name
}

// parseInt parses plain whole numbers quickly.
func parseInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i = 1
	}
	if i == len(s) {
		return 0, false
	}
	for j := i; j < len(s); j++ {
		if s[j] < '0' || s[j] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// number parses a number as written in spreadsheets, with a decimal comma
// when comma is set (see commaNumber), else as parseNumber does.
func (l *loader) number(s string, money, comma bool) (value.Decimal, string) {
	if !comma {
		return l.parseNumber(s, money)
	}
	what := "a number"
	if money {
		what = "an amount of money"
	}
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		ex := "-5,00"
		if money {
			ex = "-" + l.sym + "5,00"
		}
		return value.Decimal{}, fmt.Sprintf("%s is not %s: write a negative amount with a minus sign, like %s", quote(s), what, ex)
	}
	t, msg := commaNumber(s, what)
	if msg != "" {
		return value.Decimal{}, msg
	}
	d, msg := l.parseNumber(t, money)
	if msg != "" {
		return value.Decimal{}, fmt.Sprintf("%s is not %s", quote(s), what)
	}
	return d, ""
}

// commaNumber rewrites a number written with a decimal comma, as in a file
// separated by semicolons, in the form parseNumber reads: 12,5 as 12.5 and
// 1.234,50 as 1234.50 (points group thousands). A point that could be
// either a decimal point or a thousands separator (1.234) is refused as
// unclear, and a decimal point (12.5) is refused with how to write it: a
// number is never read in a way the file may not mean.
func commaNumber(s, what string) (string, string) {
	intPart, frac, hasComma := strings.Cut(s, ",")
	if strings.ContainsAny(frac, ",.") {
		return "", fmt.Sprintf("%s is not %s: write one decimal comma, and points only between thousands, like 1.234,50", quote(s), what)
	}
	dot := strings.IndexByte(intPart, '.')
	if dot < 0 {
		if hasComma {
			return intPart + "." + frac, ""
		}
		return s, ""
	}
	groups := strings.Split(intPart, ".")
	lead := groups[0]
	i := len(lead)
	for i > 0 && lead[i-1] >= '0' && lead[i-1] <= '9' {
		i--
	}
	wellFormed := len(lead)-i >= 1 && len(lead)-i <= 3
	for _, g := range groups[1:] {
		wellFormed = wellFormed && len(g) == 3 && allDigits(g)
	}
	switch {
	case len(groups) == 2 && !hasComma && wellFormed:
		return "", fmt.Sprintf("%s is not clear: in a file separated by semicolons the decimal mark is a comma and a point separates thousands; write %s for a number with decimals, or %s for a whole number",
			quote(s), strings.Replace(s, ".", ",", 1), strings.Replace(s, ".", "", 1))
	case len(groups) == 2 && !hasComma:
		return "", fmt.Sprintf("%s is not %s: in a file separated by semicolons the decimal mark is a comma; write %s", quote(s), what, strings.Replace(s, ".", ",", 1))
	case !wellFormed:
		return "", fmt.Sprintf("%s is not %s: thousands are grouped in threes, like 1.234,50", quote(s), what)
	}
	t := strings.ReplaceAll(intPart, ".", "")
	if hasComma {
		t += "." + frac
	}
	return t, ""
}

// commaText writes the numbers of a message with a decimal comma and
// points between thousands: "like £1,234.50" becomes "like £1.234,50".
// Only a point or comma between two digits is changed.
func commaText(s string) string {
	b := []byte(s)
	for i := 1; i+1 < len(b); i++ {
		if (b[i] == ',' || b[i] == '.') && isDigit(b[i-1]) && isDigit(b[i+1]) {
			b[i] ^= ',' ^ '.'
		}
	}
	return string(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseNumber parses a number as written in spreadsheets: an optional
// sign, well-formed thousands commas and, for money, the currency symbol
// (before or after the sign). The message, if any, says what is wrong.
func (l *loader) parseNumber(s string, money bool) (value.Decimal, string) {
	what := "a number"
	if money {
		what = "an amount of money"
	}
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		ex := "-5.00"
		if money {
			ex = "-" + l.sym + "5.00"
		}
		return value.Decimal{}, fmt.Sprintf("%s is not %s: write a negative amount with a minus sign, like %s", quote(s), what, ex)
	}
	t := s
	neg, signed := false, false
	sign := func() {
		if !signed && len(t) > 0 && (t[0] == '-' || t[0] == '+') {
			neg, signed = t[0] == '-', true
			t = t[1:]
		}
	}
	sign()
	if money && l.sym != "" && strings.HasPrefix(t, l.sym) {
		t = strings.TrimLeft(t[len(l.sym):], " ")
		sign()
	}
	intPart, frac := t, ""
	if i := strings.IndexByte(t, '.'); i >= 0 {
		intPart, frac = t[:i], t[i:]
	}
	commas := strings.IndexByte(intPart, ',') >= 0
	if commas {
		groups := strings.Split(intPart, ",")
		for i, g := range groups {
			if (i == 0 && (len(g) == 0 || len(g) > 3)) || (i > 0 && len(g) != 3) || !allDigits(g) {
				return value.Decimal{}, fmt.Sprintf("%s is not %s: thousands are grouped in threes, like 1,234.50", quote(s), what)
			}
		}
	}
	if t == s && !commas {
		d, err := value.ParseDecimal(s)
		if err != nil {
			return value.Decimal{}, fmt.Sprintf("%s is not %s", quote(s), what)
		}
		return d, ""
	}
	var buf [32]byte
	b := buf[:0]
	if neg {
		b = append(b, '-')
	}
	for i := 0; i < len(intPart); i++ {
		if intPart[i] != ',' {
			b = append(b, intPart[i])
		}
	}
	b = append(b, frac...)
	if len(b) == 0 || b[0] == '+' || (neg && len(b) > 1 && (b[1] == '-' || b[1] == '+')) {
		return value.Decimal{}, fmt.Sprintf("%s is not %s", quote(s), what)
	}
	d, err := value.ParseDecimal(string(b))
	if err != nil {
		return value.Decimal{}, fmt.Sprintf("%s is not %s", quote(s), what)
	}
	return d, ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseDate reads an ISO date, or for a dd/mm/yyyy field a UK date or an
// ISO one. A time of exactly midnight after the date, as some systems
// export, is accepted.
func parseDate(s, layout string) (value.Date, string) {
	t := stripMidnight(s)
	iso := isoShape(t)
	uk := !iso && ukShape(t)
	if iso {
		d, err := value.ParseDate(t, "")
		if err != nil {
			return value.Date{}, fmt.Sprintf("%s is not a valid date: %s", quote(s), dateReason(err))
		}
		return d, ""
	}
	if uk {
		d, err := value.ParseDate(t, "dd/mm/yyyy")
		if layout == "dd/mm/yyyy" {
			if err != nil {
				return value.Date{}, fmt.Sprintf("%s is not a valid date: %s", quote(s), dateReason(err))
			}
			return d, ""
		}
		if err == nil {
			return value.Date{}, fmt.Sprintf("%s is not a date in the form yyyy-mm-dd; for %d %s %d write %s", quote(s), d.Day(), d.Month(), d.Year(), d)
		}
	}
	form := "yyyy-mm-dd"
	if layout == "dd/mm/yyyy" {
		form = "dd/mm/yyyy"
	}
	return value.Date{}, fmt.Sprintf("%s is not a date in the form %s", quote(s), form)
}

// dateReason keeps the explanation of value.ParseDate's error.
func dateReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "is not a valid date: "); i >= 0 {
		return msg[i+len("is not a valid date: "):]
	}
	return msg
}

func stripMidnight(s string) string {
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		switch strings.TrimSuffix(s[11:], "Z") {
		case "00:00", "00:00:00", "00:00:00.000":
			return s[:10]
		}
	}
	if i := strings.IndexByte(s, ' '); i >= 8 && i <= 10 {
		switch s[i+1:] {
		case "00:00", "00:00:00":
			return s[:i]
		}
	}
	return s
}

func isoShape(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	return allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:])
}

func ukShape(s string) bool {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return false
	}
	return len(parts[0]) >= 1 && len(parts[0]) <= 2 && len(parts[1]) >= 1 && len(parts[1]) <= 2 && len(parts[2]) == 4 &&
		allDigits(parts[0]) && allDigits(parts[1]) && allDigits(parts[2])
}

// checkRange checks v against f's inclusive range.
func (l *loader) checkRange(f *compiler.Field, s string, v ref.Val) (ref.Val, fault) {
	if (f.Min != nil && compareVal(v, f.Min) < 0) || (f.Max != nil && compareVal(v, f.Max) > 0) {
		return nil, fault{"out-of-range", fmt.Sprintf("%s is out of range; %s", quote(s), l.expected(f))}
	}
	return v, fault{}
}

func compareVal(a, b ref.Val) int {
	switch x := a.(type) {
	case types.Int:
		switch y := b.(type) {
		case types.Int:
			return cmp.Compare(int64(x), int64(y))
		case value.Decimal:
			return value.DecimalFromInt(int64(x)).Cmp(y)
		}
	case value.Decimal:
		switch y := b.(type) {
		case value.Decimal:
			return x.Cmp(y)
		case types.Int:
			return x.Cmp(value.DecimalFromInt(int64(y)))
		case value.Money:
			return x.Cmp(y.Decimal())
		}
	case value.Money:
		switch y := b.(type) {
		case value.Money:
			return x.Cmp(y)
		case value.Decimal:
			return x.Decimal().Cmp(y)
		}
	case value.Date:
		if y, ok := b.(value.Date); ok {
			return x.Cmp(y)
		}
	}
	return 0
}

// expected says what field f takes, as in "expected a number between 0
// and 400".
func (l *loader) expected(f *compiler.Field) string {
	var what, example string
	switch f.Kind {
	case compiler.IntField:
		what, example = "a whole number", ", like 3"
	case compiler.DecimalField:
		what, example = "a number", ", like 12.5"
	case compiler.MoneyField:
		what, example = "an amount", ", like "+l.sym+"1,234.50"
	case compiler.DateField:
		what, example = "a date", " in the form yyyy-mm-dd"
		if f.DateFormat == "dd/mm/yyyy" {
			example = " in the form dd/mm/yyyy"
		}
	default:
		return "expected " + f.Kind.String()
	}
	switch {
	case f.Min != nil && f.Max != nil:
		return fmt.Sprintf("expected %s between %s and %s", what, l.showBound(f.Min), l.showBound(f.Max))
	case f.Min != nil:
		return fmt.Sprintf("expected %s of at least %s", what, l.showBound(f.Min))
	case f.Max != nil:
		return fmt.Sprintf("expected %s of at most %s", what, l.showBound(f.Max))
	}
	return "expected " + what + example
}

func (l *loader) showBound(v ref.Val) string {
	if m, ok := v.(value.Money); ok {
		s := m.String()
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		intPart, frac, _ := strings.Cut(s, ".")
		var b strings.Builder
		if neg {
			b.WriteByte('-')
		}
		b.WriteString(l.sym)
		for i := range len(intPart) {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteByte(intPart[i])
		}
		if frac != "" {
			b.WriteString("." + frac)
		}
		return b.String()
	}
	return showVal(v)
}
