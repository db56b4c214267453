package main

// Making text from data safe to show: in a terminal, where a control
// character can move the cursor, recolour or hide what follows, and in a
// CSV file a spreadsheet opens, where a cell that starts with = runs as a
// formula. The text comes from data files (keys, values), the command line
// (file names) and contracts (titles), none of which occ controls.

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tableText returns s with every character that could change how a
// terminal shows it written visibly as a Go escape: control characters
// (tab, newline and the ESC that starts an ANSI escape sequence among
// them, as \u001b), characters that reorder text (bidirectional
// controls), line and paragraph separators; bytes that are not UTF-8 are
// written \xff. Other text is left as it is.
func tableText(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case unsafeRune(r):
			b.WriteString(`\u`)
			b.WriteString(strconv.FormatUint(uint64(r)|0x10000, 16)[1:])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unsafeRune reports whether r can change how a terminal shows the text
// around it.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.In(r, unicode.Zl, unicode.Zp)
}

// tableLines is tableText for text of several lines, such as an
// expression quoted from a contract: the newlines and tabs are kept, and
// the text between them is made safe.
func tableLines(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexAny(s, "\n\t")
		if i < 0 {
			b.WriteString(tableText(s))
			return b.String()
		}
		b.WriteString(tableText(s[:i]))
		b.WriteByte(s[i])
		s = s[i+1:]
	}
}

// csvText neutralises a text cell of a CSV file that a spreadsheet would
// read as a formula: one that starts with =, +, -, @, a tab or a carriage
// return (OWASP's list), or with the full-width =, +, - or @ some
// spreadsheets read as the same, gets a single quote in front, so it is
// shown as the text it is. Amounts are not text cells and are never
// changed: a negative amount stays -120.00.
func csvText(s string) string {
	if readsAsFormula(s) {
		return "'" + s
	}
	return s
}

// readsAsFormula reports whether a spreadsheet would read text cell s as
// a formula (see csvText).
func readsAsFormula(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '＝', '＋', '－', '＠':
		return true
	}
	return false
}
