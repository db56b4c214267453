package data

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/words"
)

// problem is one fault in the input data, as the loader finds it.
type problem struct {
	file string
	// sheet is the worksheet of a workbook the problem is in, or "".
	sheet string
	// row is the spreadsheet row for CSV (the header is row 1, the first
	// data row 2), the 1-based line where the record starts for JSON and
	// YAML, and the line for JSON Lines; 0 when the problem concerns the
	// whole file.
	row int
	// col is the 1-based CSV or worksheet column number, or 0.
	col int
	// column is the CSV header name and letter, as in
	// "actual_hours (column D)", or the JSON path of the value, as in
	// "[3].goals[1].met_on".
	column string
	// field is the schema field, as in "review.actual_hours".
	field string
	// value is the bad value as written ("" when missing).
	value string
	// code is the diagnostic's stable code, such as "bad-number".
	code string
	// msg says in plain words what is wrong and what was expected, as in
	// `"forty" is not a number; expected a number between 0 and 400`.
	msg string
}

// afterColumns is the first sort key within a row that is not a column.
const afterColumns = 1 << 20

// diagnostic turns the problem into an error diagnostic. Its span is the
// file, with the row as the line and the CSV column number as the column;
// its message names the column and field before saying what is wrong:
//
//	column actual_hours (D): review.actual_hours: "forty" is not a number; expected a number between 0 and 400
//
// In a workbook it names the sheet, and the cell or row, first:
//
//	sheet Reviews, cell D7: review.actual_hours: "forty" is not a number; expected a number between 0 and 400
func (e problem) diagnostic() lang.Diagnostic {
	var b strings.Builder
	if e.sheet != "" {
		b.WriteString("sheet ")
		b.WriteString(clip(e.sheet))
		switch {
		case e.row > 0 && e.col > 0:
			b.WriteString(", cell ")
			b.WriteString(colLetter(e.col - 1))
			b.WriteString(strconv.Itoa(e.row))
		case e.row > 0:
			b.WriteString(", row ")
			b.WriteString(strconv.Itoa(e.row))
		}
		b.WriteString(": ")
	} else if e.column != "" {
		if name, letter, ok := splitColumn(e.column); ok {
			b.WriteString("column ")
			if name != "" {
				b.WriteString(name)
				b.WriteString(" (")
				b.WriteString(letter)
				b.WriteString(")")
			} else {
				b.WriteString(letter)
			}
		} else {
			b.WriteString(e.column)
		}
		b.WriteString(": ")
	}
	if e.field != "" {
		b.WriteString(e.field)
		b.WriteString(": ")
	}
	b.WriteString(e.msg)
	d := lang.Diagnostic{Severity: lang.Error, Code: e.code, Message: b.String(), Span: lang.Span{File: e.file}}
	if e.row > 0 {
		d.Span.Start = lang.Pos{Line: e.row, Col: e.col}
		d.Span.End = d.Span.Start
	}
	return d
}

// splitColumn splits "name (column D)" into "name" and "D".
func splitColumn(col string) (name, letter string, ok bool) {
	const mid = "(column "
	if !strings.HasSuffix(col, ")") {
		return "", "", false
	}
	i := strings.LastIndex(col, mid)
	if i < 0 || (i > 0 && col[i-1] != ' ') {
		return "", "", false
	}
	name = strings.TrimSuffix(col[:i], " ")
	return name, col[i+len(mid) : len(col)-1], true
}

// quoteMost is how many characters of a value a message quotes.
const quoteMost = 40

// quote quotes a value from the data for a message: whole when it is at
// most quoteMost characters, else its first quoteMost characters, "…" and
// its length, as in "0000000000…" (1,000,000 characters).
func quote(s string) string {
	if len(s) <= quoteMost {
		return strconv.Quote(s)
	}
	n := utf8.RuneCountInString(s)
	if n <= quoteMost {
		return strconv.Quote(s)
	}
	return strconv.Quote(firstRunes(s, quoteMost)+"…") + " (" + words.Number(n) + " characters)"
}

// clip shortens a name from the data, such as a header, for a message
// that shows it unquoted: its first quoteMost characters and "…".
func clip(s string) string {
	if len(s) <= quoteMost || utf8.RuneCountInString(s) <= quoteMost {
		return s
	}
	return firstRunes(s, quoteMost) + "…"
}

// firstRunes returns the first n runes of s.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// listMost is how many names from a file a message lists.
const listMost = 8

// some shortens a list of names from a file for a message: the first
// listMost, and a last item counting the rest, as in "7 others".
func some(items []string) []string {
	if len(items) <= listMost {
		return items
	}
	return append(items[:listMost:listMost], words.Number(len(items)-listMost)+" others")
}
