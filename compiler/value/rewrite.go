package value

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// RewriteError reports a literal Rewrite could not understand, such as a
// malformed money amount or a percentage followed by a name. Offset and Length locate it in the original
// source, in bytes.
type RewriteError struct {
	Offset, Length int
	Msg            string
	// Hint says how to write the literal, when there is more to say.
	Hint string
}

// Error returns the message with its byte offset.
func (e *RewriteError) Error() string {
	return fmt.Sprintf("%s (at byte %d)", e.Msg, e.Offset)
}

// Mapping relates byte offsets in the original text of a rule to byte
// offsets in the text Rewrite produced from it. A nil *Mapping is the
// identity.
//
// Offsets are bytes. CEL reports error locations in code points (runes), so
// convert a CEL offset into a byte offset of the rewritten text before
// mapping it.
type Mapping struct {
	edits   []edit
	origLen int
	newLen  int
	// symbols are the currency symbols the money literals used, each with
	// the offset of its first use.
	symbols map[string]int
}

// Symbols returns the currency symbols (£, €, $ or ¥) the expression's money
// literals use, mapped to the byte offset of the first use of each.
func (m *Mapping) Symbols() map[string]int { return m.symbols }

// edit is one replaced token: original bytes [orig, origEnd) became
// rewritten bytes [new, newEnd).
type edit struct {
	orig, origEnd int
	new, newEnd   int
}

// Original maps a byte offset in the rewritten text to the original text.
// Offsets outside replaced tokens shift exactly; an offset inside a
// replacement (say, the "1250.50" of money("1250.50")) maps to the start
// of the original token (the £ of £1,250.50), and the offset just past a
// replacement maps to just past the original token, so a span that covers
// a replacement maps to a span that covers the original token. Offsets are
// clamped to the text, and the mapping never decreases.
func (m *Mapping) Original(rewritten int) int {
	if m == nil {
		return rewritten
	}
	r := min(max(rewritten, 0), m.newLen)
	i := sort.Search(len(m.edits), func(i int) bool { return m.edits[i].new > r }) - 1
	if i < 0 {
		return r
	}
	e := m.edits[i]
	if r < e.newEnd {
		return e.orig
	}
	return e.origEnd + (r - e.newEnd)
}

// Rewritten maps a byte offset in the original text to the rewritten text:
// the reverse of Original. An offset inside a replaced token maps to the
// start of its replacement.
func (m *Mapping) Rewritten(orig int) int {
	if m == nil {
		return orig
	}
	o := min(max(orig, 0), m.origLen)
	i := sort.Search(len(m.edits), func(i int) bool { return m.edits[i].orig > o }) - 1
	if i < 0 {
		return o
	}
	e := m.edits[i]
	if o < e.origEnd {
		return e.new
	}
	return e.newEnd + (o - e.origEnd)
}

// Rewrite turns the literals commissioners write into calls the CEL parser
// accepts, leaving every other byte as it was:
//
//   - £1,250.50, £19.60, £240 become money("1250.50"), money("19.60"),
//     money("240"). Thousands commas are dropped and must separate groups
//     of exactly three digits. A comma directly followed by a digit is
//     read as a thousands separator, so write min(£1, 250) with a space.
//   - 5% and 12.5% become percent("5") and percent("12.5"). A % written
//     directly after a number is always a percent sign, whatever follows:
//     10% - £5 is a tenth less £5, and 10%-x, 10% != x and 10% in [...]
//     read the same way. A percentage followed (after optional white space)
//     by the start of an operand rather than an operator (a name, a
//     number, a bracket, a quote, an amount or a lone !, as in 10%3 or
//     10% x) is an error. CEL's remainder operator needs a space before
//     it when its left side is a number: 10 % 3. Between names, as in
//     n%2, % is the remainder.
//   - 42 days, 1 day, 6 weeks, 1 week become days(42), days(1), days(42),
//     days(7): a whole number, spaces or tabs, then the unit as a whole
//     word.
//   - 2026-04-01 becomes date("2026-04-01"), and must be a real date.
//   - Any other number with a fractional part becomes a decimal: 1.25 is
//     decimal("1.25") and .5 is decimal("0.5"). Integers stay ints; hex
//     and u-suffixed literals are left alone; exponent notation (1e5) is
//     an error, because it would be an inexact double.
//
// Nothing inside string literals (in all of CEL's quoting forms, raw and
// bytes included), quoted identifiers or // comments is rewritten.
// Malformed literals, such as £1,25 or a lone £, are reported as a
// *RewriteError.
func Rewrite(src string) (string, *Mapping, error) {
	rw := rewriter{src: src}
	if err := rw.scan(); err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.Grow(len(src) + 16*len(rw.repl))
	m := &Mapping{origLen: len(src), edits: make([]edit, 0, len(rw.repl)), symbols: rw.symbols}
	last := 0
	for _, r := range rw.repl {
		b.WriteString(src[last:r.start])
		e := edit{orig: r.start, origEnd: r.end, new: b.Len()}
		b.WriteString(r.text)
		e.newEnd = b.Len()
		m.edits = append(m.edits, e)
		last = r.end
	}
	b.WriteString(src[last:])
	m.newLen = b.Len()
	return b.String(), m, nil
}

// replacement replaces src[start:end] with text.
type replacement struct {
	start, end int
	text       string
}

// rewriter scans CEL source for literals to replace.
type rewriter struct {
	src     string
	repl    []replacement
	symbols map[string]int
}

func (rw *rewriter) errorf(start, end int, format string, args ...any) error {
	return &RewriteError{Offset: start, Length: end - start, Msg: fmt.Sprintf(format, args...)}
}

func (rw *rewriter) replace(start, end int, text string) {
	rw.repl = append(rw.repl, replacement{start, end, text})
}

// scan walks the source token by token.
func (rw *rewriter) scan() error {
	s := rw.src
	n := len(s)
	i := 0
	for i < n {
		c := s[i]
		var err error
		switch {
		case c == '/' && i+1 < n && s[i+1] == '/':
			for i < n && s[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			i = skipString(s, i, false)
		case c == '`':
			i++
			for i < n && s[i] != '`' && s[i] != '\n' {
				i++
			}
			if i < n && s[i] == '`' {
				i++
			}
		case isIdentStart(c):
			j := i + 1
			for j < n && isIdentChar(s[j]) {
				j++
			}
			if j < n && (s[j] == '"' || s[j] == '\'') && isStringPrefix(s[i:j]) {
				i = skipString(s, j, strings.ContainsAny(s[i:j], "rR"))
			} else {
				i = j
			}
		case isDigit(c):
			i, err = rw.number(i)
		case c == '.' && i+1 < n && isDigit(s[i+1]) && !endsOperand(s, i):
			i, err = rw.number(i)
		case c == 0xC2 && i+1 < n && s[i+1] == 0xA3: // £ in UTF-8
			i, err = rw.money(i, 2)
		case c == 0xC2 && i+1 < n && s[i+1] == 0xA5: // ¥ in UTF-8
			i, err = rw.money(i, 2)
		case c == 0xE2 && i+2 < n && s[i+1] == 0x82 && s[i+2] == 0xAC: // € in UTF-8
			i, err = rw.money(i, 3)
		case c == '$' && i+1 < n && isDigit(s[i+1]):
			i, err = rw.money(i, 1)
		default:
			i++
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// isStringPrefix reports whether word is a CEL string prefix: r or R for raw
// strings, b or B for bytes, or a combination of the two.
func isStringPrefix(word string) bool {
	switch len(word) {
	case 1:
		return strings.ContainsRune("rRbB", rune(word[0]))
	case 2:
		a, b := word[0], word[1]
		isR := func(c byte) bool { return c == 'r' || c == 'R' }
		isB := func(c byte) bool { return c == 'b' || c == 'B' }
		return (isR(a) && isB(b)) || (isB(a) && isR(b))
	}
	return false
}

// skipString returns the index just past the string literal whose opening
// quote is at s[i]. An unterminated literal runs to the end of its line (or
// of the text, for triple quotes); the CEL parser reports it.
func skipString(s string, i int, raw bool) int {
	q := s[i]
	n := len(s)
	if i+2 < n && s[i+1] == q && s[i+2] == q {
		j := i + 3
		for j < n {
			if !raw && s[j] == '\\' {
				j += 2
				continue
			}
			if s[j] == q && j+2 < n && s[j+1] == q && s[j+2] == q {
				return j + 3
			}
			j++
		}
		return n
	}
	j := i + 1
	for j < n && s[j] != '\n' {
		if !raw && s[j] == '\\' {
			j += 2
			continue
		}
		if s[j] == q {
			return j + 1
		}
		j++
	}
	return min(j, n)
}

// endsOperand reports whether the byte before s[i] ends an operand, so that
// a point at s[i] is member access or a syntax error rather than the start
// of a number like .5.
func endsOperand(s string, i int) bool {
	if i == 0 {
		return false
	}
	c := s[i-1]
	return isIdentChar(c) || c == ')' || c == ']' || c == '}' || c == '`' || c == '.' || c == '"' || c == '\''
}

// number rewrites the numeric literal starting at s[i], if it needs it, and
// returns the index just past it.
func (rw *rewriter) number(i int) (int, error) {
	s := rw.src
	n := len(s)
	// Hex literals, with an optional u suffix, stay as they are.
	if s[i] == '0' && i+1 < n && (s[i+1] == 'x' || s[i+1] == 'X') {
		j := i + 2
		for j < n && isHexDigit(s[j]) {
			j++
		}
		return j, nil
	}
	if end, ok := dateAt(s, i); ok {
		text := s[i:end]
		if _, err := ParseDate(text, ""); err != nil {
			return 0, rw.errorf(i, end, "%v", err)
		}
		rw.replace(i, end, `date("`+text+`")`)
		return end, nil
	}
	j := i
	for j < n && isDigit(s[j]) {
		j++
	}
	fractional := false
	if j+1 < n && s[j] == '.' && isDigit(s[j+1]) {
		fractional = true
		j += 2
		for j < n && isDigit(s[j]) {
			j++
		}
	}
	// Exponent notation makes a double, which rules must not use.
	if j < n && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < n && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < n && isDigit(s[k]) {
			for k < n && isDigit(s[k]) {
				k++
			}
			return 0, rw.errorf(i, k, "%s uses exponent notation, which would make an inexact number; write it out in full", s[i:k])
		}
	}
	text := s[i:j]
	if text[0] == '.' {
		text = "0" + text
	}
	if j < n && s[j] == '%' {
		if start, end, ok := operandAt(s, j+1); ok {
			return 0, &RewriteError{Offset: i, Length: j + 1 - i,
				Msg:  fmt.Sprintf("%s is a percentage and must be followed by an operator, not %s", s[i:j+1], s[start:end]),
				Hint: fmt.Sprintf("for the remainder of %s, put a space before the %%: %s %% %s", s[i:j], s[i:j], s[start:end])}
		}
		rw.replace(i, j+1, `percent("`+text+`")`)
		return j + 1, nil
	}
	unitEnd, perUnit := dayUnitAt(s, j)
	if fractional {
		if perUnit != 0 {
			return 0, rw.errorf(i, unitEnd, "%s is not a whole number of days", s[i:unitEnd])
		}
		rw.replace(i, j, `decimal("`+text+`")`)
		return j, nil
	}
	if j < n && (s[j] == 'u' || s[j] == 'U') {
		return j, nil
	}
	if perUnit != 0 {
		count, err := strconv.ParseInt(s[i:j], 10, 64)
		if err == nil && count > math.MaxInt64/perUnit {
			err = strconv.ErrRange
		}
		if err != nil {
			return 0, rw.errorf(i, unitEnd, "%s is too many days", s[i:unitEnd])
		}
		rw.replace(i, unitEnd, "days("+strconv.FormatInt(count*perUnit, 10)+")")
		return unitEnd, nil
	}
	return j, nil
}

// dateAt reports whether a yyyy-mm-dd date starts at s[i], and where it
// ends. It must not follow an identifier character, digit or point, nor be
// followed by one.
func dateAt(s string, i int) (int, bool) {
	end := i + 10
	if end > len(s) || (i > 0 && (isIdentChar(s[i-1]) || s[i-1] == '.')) {
		return 0, false
	}
	for k := i; k < end; k++ {
		if k-i == 4 || k-i == 7 {
			if s[k] != '-' {
				return 0, false
			}
		} else if !isDigit(s[k]) {
			return 0, false
		}
	}
	if end < len(s) && (isIdentChar(s[end]) || s[end] == '.') {
		return 0, false
	}
	return end, true
}

// dayUnitAt reports whether s[j:] is spaces or tabs followed by one of the
// words day, days, week or weeks, returning the end of the word and the
// number of days it stands for (0 when there is no unit).
func dayUnitAt(s string, j int) (end int, perUnit int64) {
	k := j
	for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
		k++
	}
	if k == j {
		return 0, 0
	}
	e := k
	for e < len(s) && isIdentChar(s[e]) {
		e++
	}
	switch s[k:e] {
	case "day", "days":
		return e, 1
	case "week", "weeks":
		return e, 7
	}
	return 0, 0
}

// operandAt reports whether, after optional white space, s[k:] starts an
// operand rather than an operator or the end of the text: a name other than
// the operator in, a number, a bracket, a quote, an amount or a ! that does
// not start !=. It returns where the operand's first word or character
// starts and ends, for messages.
func operandAt(s string, k int) (start, end int, ok bool) {
	for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n') {
		k++
	}
	if k == len(s) {
		return 0, 0, false
	}
	c := s[k]
	switch {
	case isIdentChar(c):
		e := k
		for e < len(s) && isIdentChar(s[e]) {
			e++
		}
		return k, e, s[k:e] != "in"
	case c == '!':
		return k, k + 1, k+1 == len(s) || s[k+1] != '='
	case strings.IndexByte(`([{"'.$`, c) >= 0:
		return k, k + 1, true
	case c == 0xC2 && k+1 < len(s) && (s[k+1] == 0xA3 || s[k+1] == 0xA5): // £ or ¥
		return k, moneyEnd(s, k+2), true
	case c == 0xE2 && k+2 < len(s) && s[k+1] == 0x82 && s[k+2] == 0xAC: // €
		return k, moneyEnd(s, k+3), true
	}
	return 0, 0, false
}

// money rewrites the amount starting at s[i] with a currency symbol of
// width bytes (£, € or $).
func (rw *rewriter) money(i, width int) (int, error) {
	s := rw.src
	n := len(s)
	j := i + width
	sym := s[i:j]
	if i > 0 && isIdentChar(s[i-1]) {
		return 0, rw.errorf(i, j, "%s must not be joined to the word or number before it; put an operator or a space between", sym)
	}
	if j >= n || !isDigit(s[j]) {
		return 0, rw.errorf(i, j, "%s must be followed by an amount, like %s1,250.50", sym, sym)
	}
	if rw.symbols == nil {
		rw.symbols = map[string]int{}
	}
	if _, seen := rw.symbols[sym]; !seen {
		rw.symbols[sym] = i
	}
	var digits strings.Builder
	k := j
	for k < n && isDigit(s[k]) {
		k++
	}
	digits.WriteString(s[j:k])
	if k+1 < n && s[k] == ',' && isDigit(s[k+1]) {
		if k-j > 3 {
			return 0, rw.errorf(i, moneyEnd(s, k), "%s is not a well-formed amount: with thousands separators the first group has one to three digits", s[i:moneyEnd(s, k)])
		}
		for k+1 < n && s[k] == ',' && isDigit(s[k+1]) {
			g := k + 1
			e := g
			for e < n && isDigit(s[e]) {
				e++
			}
			if e-g != 3 {
				return 0, rw.errorf(i, moneyEnd(s, e), "%s is not a well-formed amount: thousands separators must separate groups of three digits", s[i:moneyEnd(s, e)])
			}
			digits.WriteString(s[g:e])
			k = e
		}
	}
	if k+1 < n && s[k] == '.' && isDigit(s[k+1]) {
		e := k + 1
		for e < n && isDigit(s[e]) {
			e++
		}
		digits.WriteString(s[k:e])
		k = e
	}
	if k < n && (isIdentChar(s[k]) || s[k] == 0xC2 && k+1 < n && s[k+1] == 0xA3) {
		end := moneyEnd(s, k)
		return 0, rw.errorf(i, end, "%s is not a well-formed amount of money", s[i:end])
	}
	rw.replace(i, k, `money("`+digits.String()+`")`)
	return k, nil
}

// moneyEnd extends a malformed amount over the digits, commas, points and
// letters that follow, for the error span.
func moneyEnd(s string, k int) int {
	for k < len(s) && (isIdentChar(s[k]) || s[k] == ',' || s[k] == '.') {
		k++
	}
	return k
}

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || isDigit(c)
}

func isHexDigit(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
