package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
)

// The tables of a statement, defined once: `occ eval --format csv` writes
// one of them (--sheet, the lines by default) and the workbook holds each
// on its sheets, with the same columns in the same order. The columns are
// a finance team's import specification, documented in docs/statement.md.

// sheetCol is a column of a statement table: its CSV header, its workbook
// header and width, and whether only the workbook has it.
type sheetCol struct {
	csv, header string
	width       float64
	bookOnly    bool
}

// statementSheet is one table of a statement.
type statementSheet struct {
	name  string // as --sheet takes it
	title string // the workbook's sheet name
	cols  []sheetCol
	// rows calls add with each row's cells, in the order of cols: string,
	// int, bool, nil (an empty cell), value.Money, xlsxDate or
	// xlsxMeasure. The lines' table has line instead: the rows of one
	// line.
	rows func(s *runtime.Statement, sc *sheetContext, add func(cells ...any) error) error
	line func(s *runtime.Statement, sc *sheetContext, l *runtime.Line, add func(cells ...any) error) error
}

// eachRow calls add with each row's cells, in the order of cols.
func (sh statementSheet) eachRow(s *runtime.Statement, sc *sheetContext, add func(cells ...any) error) error {
	if sh.line == nil {
		return sh.rows(s, sc, add)
	}
	for l := range s.Lines() {
		if err := sh.line(s, sc, l, add); err != nil {
			return err
		}
	}
	return nil
}

// sheetContext holds what every row of a statement's tables repeats: the
// contract's reference, its payer, each period's number and dates, and
// the what-if settings.
type sheetContext struct {
	ref, payer string
	// payers maps a payer's name to the payer column's text, for the
	// rows of the lines of a contract with several payers.
	payers  map[string]string
	periods map[string]runtime.PeriodTotal
	whatIf  string
	// cells holds, each made an any once rather than for every one of
	// millions of rows, the cells the lines' rows repeat.
	cells lineCells
}

// lineCells are the cells the lines' rows repeat: the contract's
// reference, the currency, the what-if settings, the payer column (the
// one payer's, and each payer's for a line several share) and each
// period's dates.
type lineCells struct {
	ref, currency, whatIf, payer any
	payers                       map[string]any
	dates                        map[string][2]any
}

func newSheetContext(s *runtime.Statement, whatIf []string) *sheetContext {
	sc := &sheetContext{ref: contractRef(s.Contract), payer: s.Contract.Commissioner, payers: payerTitles(s),
		periods: map[string]runtime.PeriodTotal{}, whatIf: strings.Join(whatIf, "; ")}
	if len(s.ByPayer) == 1 && s.ByPayer[0].Payer != compiler.CommissionerPayer {
		sc.payer = sc.payers[s.ByPayer[0].Payer] // the one payer declared, or a payer's statement
	}
	for _, p := range s.Periods {
		sc.periods[p.Period] = p
	}
	sc.cells = lineCells{ref: sc.ref, currency: s.Contract.Currency, whatIf: sc.whatIf, payer: sc.payer,
		payers: map[string]any{}, dates: map[string][2]any{}}
	for name, title := range sc.payers {
		sc.cells.payers[name] = title
	}
	for _, p := range s.Periods {
		sc.cells.dates[p.Period] = [2]any{xlsxDate(p.From), xlsxDate(p.To)}
	}
	return sc
}

// contractRef is the contract's reference as the tables show it: the
// header's reference, or its title when it has none.
func contractRef(c runtime.ContractInfo) string {
	if c.Reference != "" {
		return c.Reference
	}
	return c.Title
}

// number is the statement number of a period's rows, or nil (an empty
// cell) for a record outside the term.
func (sc *sheetContext) number(period string) any {
	if p, ok := sc.periods[period]; ok {
		return p.Number
	}
	return nil
}

var statementSheets = []statementSheet{
	{name: "lines", title: "Lines", cols: []sheetCol{
		{"contract", "Contract", 24, false}, {"statement", "Statement", 10, false}, {"line_id", "Line id", 28, false},
		{"period", "Period", 12, false}, {"period_start", "From", 11, false}, {"period_end", "To", 11, false},
		{"payer", "Payer", 24, false}, {"person", "Person", 14, false}, {"key", "Key", 18, false},
		{"kind", "Kind", 11, false}, {"rule", "Rule", 18, false}, {"amount", "Amount", 14, false},
		{"currency", "Currency", 9, false}, {"title", "Title", 36, false}, {"source", "Source", 34, false},
		{"what_if", "What-if", 14, false}, {"inputs", "Inputs", 60, true}},
		line: func(s *runtime.Statement, sc *sheetContext, l *runtime.Line, add func(...any) error) error {
			dates := sc.cells.dates[l.Period] // none for a record outside the term
			var in strings.Builder
			for i, x := range l.Inputs {
				if i > 0 {
					in.WriteString("; ")
				}
				in.WriteString(x.Name)
				in.WriteString(" = ")
				in.WriteString(x.Value)
			}
			// A line several payers share is a row for each payer's part,
			// so that the rows add up to the total.
			parts := l.Parts
			if len(parts) == 0 {
				parts = []runtime.PayerPart{{Payer: "", Amount: l.Amount}}
			}
			for _, pt := range parts {
				payer := sc.cells.payer
				if pt.Payer != "" {
					var ok bool
					if payer, ok = sc.cells.payers[pt.Payer]; !ok {
						payer = sc.payers[pt.Payer]
					}
				}
				if err := add(sc.cells.ref, sc.number(l.Period), l.ID(), l.Period, dates[0], dates[1], payer, l.Person, l.Key,
					l.Kind, l.Rule, pt.Amount, sc.cells.currency, l.Title, l.Source, sc.cells.whatIf, in.String()); err != nil {
					return fmt.Errorf("line %s %s %s: %w", l.Period, l.Rule, l.Key, err)
				}
			}
			return nil
		}},
	{name: "caps", title: "Caps", cols: []sheetCol{
		{"contract", "Contract", 24, false}, {"statement", "Statement", 10, false}, {"rule", "Rule", 18, false},
		{"kind", "Kind", 8, false}, {"instance", "Instance", 14, false}, {"period", "Period", 12, false},
		{"covered", "Covered", 14, false}, {"limit", "Limit", 14, false}, {"adjustment", "Adjustment", 14, false},
		{"currency", "Currency", 9, false}, {"what_if", "What-if", 14, false}},
		rows: func(s *runtime.Statement, sc *sheetContext, add func(...any) error) error {
			for _, cp := range s.Caps {
				if err := add(sc.ref, sc.number(cp.Period), cp.Rule, cp.Kind, cp.Instance, cp.Period,
					cp.Covered, cp.Limit, cp.Adjustment, s.Contract.Currency, sc.whatIf); err != nil {
					return err
				}
			}
			return nil
		}},
	{name: "standards", title: "Standards", cols: []sheetCol{
		{"contract", "Contract", 24, false}, {"statement", "Statement", 10, false}, {"standard", "Standard", 18, false},
		{"title", "Title", 36, false}, {"instance", "Instance", 14, false}, {"period", "Period", 12, false},
		{"measure", "Measure", 11, false}, {"numerator", "Numerator", 11, false}, {"denominator", "Denominator", 12, false},
		{"op", "Op", 5, false}, {"target", "Target", 10, false}, {"status", "Status", 13, false},
		{"consequence", "Consequence", 30, false}, {"consecutive_breaches", "Consecutive breaches", 12, false},
		{"what_if", "What-if", 14, false}},
		rows: func(s *runtime.Statement, sc *sheetContext, add func(...any) error) error {
			for _, st := range s.Standards {
				var num, den, measure any
				if st.Numerator != nil {
					num, den = int(*st.Numerator), int(*st.Denominator)
				}
				if st.NotMeasured == "" {
					measure = xlsxMeasure{st.Measure, st.AsPercent}
				}
				if err := add(sc.ref, sc.number(st.Period), st.Rule, st.Title, st.Instance, st.Period, measure, num, den, st.Op,
					xlsxMeasure{st.Target, st.AsPercent}, st.Status(), st.Consequence, st.Consecutive, sc.whatIf); err != nil {
					return err
				}
			}
			return nil
		}},
	{name: "flags", title: "Flags", cols: []sheetCol{
		{"contract", "Contract", 24, false}, {"statement", "Statement", 10, false}, {"rule", "Rule", 18, false},
		{"title", "Title", 36, false}, {"period", "Period", 12, false}, {"key", "Key", 18, false},
		{"source", "Source", 34, false}, {"what_if", "What-if", 14, false}},
		rows: func(s *runtime.Statement, sc *sheetContext, add func(...any) error) error {
			for _, f := range s.Flags {
				if err := add(sc.ref, sc.number(f.Period), f.Rule, f.Title, f.Period, f.Key, f.Source, sc.whatIf); err != nil {
					return err
				}
			}
			return nil
		}},
	{name: "exclusions", title: "Exclusions", cols: []sheetCol{
		{"contract", "Contract", 24, false}, {"statement", "Statement", 10, false}, {"data", "Data", 12, false},
		{"key", "Key", 18, false}, {"source", "Source", 34, false}, {"period", "Period", 12, false},
		{"rule", "Rule", 18, false}, {"reason", "Reason", 50, false}, {"what_if", "What-if", 14, false}},
		rows: func(s *runtime.Statement, sc *sheetContext, add func(...any) error) error {
			for _, x := range s.Excluded {
				if err := add(sc.ref, sc.number(x.Period), x.Data, x.Key, x.Source, x.Period, x.Rule, x.Reason, sc.whatIf); err != nil {
					return err
				}
			}
			return nil
		}},
}

// sheetNames are the names --sheet takes, in order.
func sheetNames() []string {
	names := make([]string, len(statementSheets))
	for i, sh := range statementSheets {
		names[i] = sh.name
	}
	return names
}

// sheetNamed returns the statement table --sheet names.
func sheetNamed(name string) (statementSheet, bool) {
	for _, sh := range statementSheets {
		if sh.name == name {
			return sh, true
		}
	}
	return statementSheet{}, false
}

// writeStatementCSV writes one table of a statement as CSV, for finance
// systems: a header, then one row per line (or cap, standard, flag or
// exclusion). Text cells go through csvText, so that a spreadsheet opening
// the file runs no formula from the data; amounts are plain decimals,
// dates ISO. The what_if column is empty in a statement of the contract as
// written and holds the --set values (whatIf, from whatIfSettings) on
// every row of a what-if, so that no row of it can be taken for the real
// thing.
func writeStatementCSV(w io.Writer, s *runtime.Statement, sh statementSheet, whatIf []string) error {
	places := s.Contract.MinorUnits
	var b []byte
	n := 0
	for _, c := range sh.cols {
		if !c.bookOnly {
			b = appendCSVField(b, n == 0, []byte(c.csv))
			n++
		}
	}
	b = append(b, '\n')
	// csvRow appends a row's cells to *b, each but the workbook's.
	csvRow := func(b *[]byte) func(cells ...any) error {
		var cell []byte
		return func(cells ...any) error {
			n := 0
			for i, v := range cells {
				if sh.cols[i].bookOnly {
					continue
				}
				cell = appendCSVCell(cell[:0], v, places)
				*b = appendCSVField(*b, n == 0, cell)
				n++
			}
			*b = append(*b, '\n')
			return nil
		}
	}
	sc := newSheetContext(s, whatIf)
	if sh.line == nil {
		if err := sh.rows(s, sc, csvRow(&b)); err != nil {
			return err
		}
		_, err := w.Write(b)
		return err
	}
	// The lines, nearly all of a large statement, are rendered on the
	// program's workers and written in order after the header.
	if _, err := w.Write(b); err != nil {
		return err
	}
	return s.WriteLines(w, func() func([]byte, *runtime.Line) ([]byte, error) {
		var out []byte
		add := csvRow(&out)
		return func(b []byte, l *runtime.Line) ([]byte, error) {
			out = b
			err := sh.line(s, sc, l, add)
			return out, err
		}
	})
}

// csvCell is a table cell as CSV text: money to the currency's places (as
// the JSON statement writes it), a measure exactly, a date ISO.
func csvCell(v any, places int32) string {
	return string(appendCSVCell(nil, v, places))
}

// appendCSVCell appends the text of a table cell, as csvCell returns it.
func appendCSVCell(b []byte, v any, places int32) []byte {
	switch v := v.(type) {
	case string:
		if readsAsFormula(v) {
			b = append(b, '\'')
		}
		return append(b, v...)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case bool:
		return strconv.AppendBool(b, v)
	case value.Money:
		return value.AppendFixed(b, v.Decimal(), places, value.HalfEven)
	case xlsxMeasure:
		return v.d.AppendText(b)
	case xlsxDate:
		return value.Date(v).AppendText(b)
	}
	return b
}

// appendCSVField appends a field of a CSV record as encoding/csv's Writer
// writes it: after a comma unless it is the record's first, and quoted,
// with its quotes doubled, when it holds a comma, a quote, a carriage
// return or a newline, starts with a space, or is \. alone.
func appendCSVField(b []byte, first bool, field []byte) []byte {
	if !first {
		b = append(b, ',')
	}
	if !csvNeedsQuotes(field) {
		return append(b, field...)
	}
	b = append(b, '"')
	for i := 0; i < len(field); i++ {
		if c := field[i]; c == '"' {
			b = append(b, '"', '"')
		} else {
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// csvNeedsQuotes reports whether encoding/csv's Writer quotes field.
func csvNeedsQuotes(field []byte) bool {
	if len(field) == 0 {
		return false
	}
	if string(field) == `\.` {
		return true
	}
	for i := 0; i < len(field); i++ {
		if c := field[i]; c == '\n' || c == '\r' || c == '"' || c == ',' {
			return true
		}
	}
	r, _ := utf8.DecodeRune(field)
	return unicode.IsSpace(r)
}
