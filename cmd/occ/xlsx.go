package main

// The spreadsheet forms: a statement as a workbook (occ eval --format xlsx,
// docs/statement.md#spreadsheet-xlsx) and a forecast as a workbook (occ
// forecast --xlsx FILE, docs/forecast.md#spreadsheet-xlsx). They are written
// with excelize (github.com/xuri/excelize/v2, pinned at v2.11.1): the most
// used maintained pure-Go xlsx library, with no cgo and no office suite, and
// the only one whose stream writer sends a worksheet to a temporary file as
// it is written, so that a statement of millions of lines never has its
// sheet in memory. It is also the library runtime/data is taking on to read
// xlsx data, so occ has one xlsx dependency, not two.
//
// Every cell has its type: money, counts, chances and dates are numbers with
// a number format (the contract's currency and minor units, a percentage,
// yyyy-mm-dd), and text is text, never a formula. A workbook is built whole,
// in excelize and its temporary files, before its first byte is written, so
// an amount that cannot be written leaves no partial workbook behind.

import (
	"archive/zip"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/forecast"
)

// xlsxMaxRows is the most rows a worksheet holds, its header row included
// (ECMA-376's and Excel's limit). A longer table goes on over more sheets:
// Lines, Lines (2), Lines (3)...
const xlsxMaxRows = 1_048_576

// xlsxMaxDigits is the most significant digits of a number a spreadsheet
// keeps exactly. Excel and LibreOffice hold every number as a binary
// double, which tells apart every decimal of up to 15 significant digits
// (and shows at most 15); a 16th digit may be changed.
const xlsxMaxDigits = 15

// xlsxOptions control a workbook.
type xlsxOptions struct {
	// rowsPerSheet is the most rows of one sheet, header included; 0 means
	// xlsxMaxRows. Tests make it small to see tables go on over sheets.
	rowsPerSheet int
}

// xlsxCol is a column of a table: its header and width in characters.
type xlsxCol struct {
	name  string
	width float64
}

// Cell values, besides string, int and bool. Each is written as a number.
type (
	// xlsxMoney is an amount in the workbook's currency format. It must
	// have at most xlsxMaxDigits significant digits.
	xlsxMoney value.Decimal
	// xlsxPercent is an exact fraction shown as a percentage (0.0750 as
	// 7.50%), with at most xlsxMaxDigits significant digits.
	xlsxPercent value.Decimal
	// xlsxMeasure is a measured value, such as a standard's ratio, which
	// may have more digits than a spreadsheet keeps: it is rounded half-up
	// to 15 significant digits, and shown as a percentage when percent is
	// set.
	xlsxMeasure struct {
		d       value.Decimal
		percent bool
	}
	// xlsxDate is a date shown as yyyy-mm-dd.
	xlsxDate value.Date
)

// xlsxBook is a workbook being built, with its styles.
type xlsxBook struct {
	f    *excelize.File
	opts xlsxOptions
	// Style ids.
	money, percent, date, header int
}

// newXLSXBook starts a workbook whose money is in currency, with places
// decimal places.
func newXLSXBook(currency string, places int32, opts xlsxOptions) (*xlsxBook, error) {
	if opts.rowsPerSheet == 0 {
		opts.rowsPerSheet = xlsxMaxRows
	}
	if opts.rowsPerSheet < 2 || opts.rowsPerSheet > xlsxMaxRows {
		return nil, fmt.Errorf("rows per sheet must be from 2 to %d", xlsxMaxRows)
	}
	b := &xlsxBook{f: excelize.NewFile(), opts: opts}
	moneyFmt, dateFmt := xlsxCurrencyFormat(currency, places), "yyyy-mm-dd"
	var err error
	style := func(s *excelize.Style) int {
		id, e := b.f.NewStyle(s)
		err = errors.Join(err, e)
		return id
	}
	b.money = style(&excelize.Style{CustomNumFmt: &moneyFmt})
	b.percent = style(&excelize.Style{NumFmt: 10}) // 0.00%
	b.date = style(&excelize.Style{CustomNumFmt: &dateFmt})
	b.header = style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		b.f.Close()
		return nil, err
	}
	return b, nil
}

// xlsxCurrencyFormat is the number format of money in currency with places
// decimal places: "£"#,##0.00;-"£"#,##0.00, or "¥"#,##0;-"¥"#,##0 for yen.
// A currency without a symbol of its own is shown by its code ("CHF ").
func xlsxCurrencyFormat(currency string, places int32) string {
	sym := value.CurrencySymbols[currency]
	if sym == "" {
		sym = currency + " "
	}
	n := "#,##0"
	if places > 0 {
		n += "." + strings.Repeat("0", int(places))
	}
	lit := `"` + sym + `"`
	return lit + n + ";-" + lit + n
}

// close removes the workbook's temporary files.
func (b *xlsxBook) close() { b.f.Close() }

// sheetNames returns the names of the sheets a table of n rows (besides
// its header) takes: name, then name (2), name (3)... as needed. A table
// always has its first sheet, if only for the header.
func (b *xlsxBook) sheetNames(name string, n int) []string {
	per := b.opts.rowsPerSheet - 1
	names := []string{name}
	for i := 2; i <= (n+per-1)/per; i++ {
		names = append(names, fmt.Sprintf("%s (%d)", name, i))
	}
	return names
}

// addSheets adds the sheets in order after the first, which is renamed
// first[0]; the first is the one shown when the workbook opens.
func (b *xlsxBook) addSheets(first string, rest ...[]string) error {
	if err := b.f.SetSheetName("Sheet1", first); err != nil {
		return err
	}
	for _, names := range rest {
		for _, n := range names {
			if _, err := b.f.NewSheet(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// excelEpoch is day 0 of the spreadsheet date serials: a date is the
// number of days since. It holds from 1900-03-01, after Lotus 1-2-3's
// non-existent 29 February 1900.
var excelEpoch = value.MustParseDate("1899-12-30")

// xlsxSerial returns the serial number of a date, and false for a date
// before 1900-03-01, which is written as text.
func xlsxSerial(d value.Date) (int64, bool) {
	n := d.Sub(excelEpoch)
	return n, n >= 61
}

// xlsxNumber returns the plain decimal text of d for a numeric cell, or an
// error when d has more significant digits than a spreadsheet keeps, so
// that the cell would not hold d.
func xlsxNumber(d value.Decimal) (string, error) {
	s := d.String()
	if n := significantDigits(s); n > xlsxMaxDigits {
		return "", fmt.Errorf("%s has %d significant digits, and a spreadsheet keeps only %d exactly, so the cell would be wrong; use --format json or csv",
			s, n, xlsxMaxDigits)
	}
	return s, nil
}

// significantDigits counts the digits of a plain decimal from its first
// non-zero digit to its last: 3153.64 has 6, 0.050 has 1, 0 has 0.
func significantDigits(s string) int {
	first, last, i := -1, -1, 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			continue
		}
		if c != '0' {
			if first < 0 {
				first = i
			}
			last = i
		}
		i++
	}
	if first < 0 {
		return 0
	}
	return last - first + 1
}

// roundSignificant rounds d half-up to n significant digits, or to a whole
// number when it has more than n digits before the point: 0.6052631578947368
// to 0.605263157894737. (excelize would cut the 16th digit off instead.)
func roundSignificant(d value.Decimal, n int) value.Decimal {
	s := strings.TrimPrefix(d.String(), "-")
	whole, frac, _ := strings.Cut(s, ".")
	whole = strings.TrimLeft(whole, "0")
	places := n - len(whole)
	if whole == "" {
		places = n + len(frac) - len(strings.TrimLeft(frac, "0"))
	}
	if places >= len(frac) {
		return d
	}
	return value.Round(d, int32(max(places, 0)), value.HalfUp)
}

// streamCell converts a cell value for excelize's stream writer. Its only
// numeric type for a number with a fraction is float64, so money and
// percentages go through one: strconv.ParseFloat of the decimal text gives
// the nearest double, and for at most 15 significant digits (xlsxNumber
// refuses more) excelize writes that double back as the same number in its
// shortest decimal text (784 for 784.00), which is what the spreadsheet
// reads. The figure in the file is the statement's, digit for digit;
// TestXLSXNumbersRoundTrip checks it.
func (b *xlsxBook) streamCell(v any) (any, error) {
	exact := func(d value.Decimal, style int) (any, error) {
		s, err := xlsxNumber(d)
		if err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(s, 64)
		if f == 0 {
			f = 0 // not -0, which would show as -£0.00
		}
		return excelize.Cell{StyleID: style, Value: f}, err
	}
	switch v := v.(type) {
	case string:
		if v == "" {
			return nil, nil
		}
		return v, nil
	case int, int64, bool, nil:
		return v, nil
	case xlsxMoney:
		return exact(value.Decimal(v), b.money)
	case xlsxPercent:
		return exact(value.Decimal(v), b.percent)
	case xlsxMeasure:
		f, err := strconv.ParseFloat(roundSignificant(v.d, xlsxMaxDigits).String(), 64)
		style := 0
		if v.percent {
			style = b.percent
		}
		return excelize.Cell{StyleID: style, Value: f}, err
	case xlsxDate:
		if n, ok := xlsxSerial(value.Date(v)); ok {
			return excelize.Cell{StyleID: b.date, Value: n}, nil
		}
		return value.Date(v).String(), nil
	}
	return nil, fmt.Errorf("no cell for a %T", v)
}

// setCell sets one cell of a sheet written whole (not streamed). Money and
// percentages are written as their decimal text, exactly, with no float.
func (b *xlsxBook) setCell(sheet string, col, row int, v any) error {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	exact := func(d value.Decimal, style int) error {
		s, err := xlsxNumber(d)
		if err != nil {
			return err
		}
		if err := b.f.SetCellDefault(sheet, ref, s); err != nil {
			return err
		}
		return b.f.SetCellStyle(sheet, ref, ref, style)
	}
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		if v == "" {
			return nil
		}
		return b.f.SetCellStr(sheet, ref, v)
	case int:
		return b.f.SetCellInt(sheet, ref, int64(v))
	case bool:
		return b.f.SetCellBool(sheet, ref, v)
	case xlsxMoney:
		return exact(value.Decimal(v), b.money)
	case xlsxPercent:
		return exact(value.Decimal(v), b.percent)
	case xlsxDate:
		n, ok := xlsxSerial(value.Date(v))
		if !ok {
			return b.f.SetCellStr(sheet, ref, value.Date(v).String())
		}
		if err := b.f.SetCellInt(sheet, ref, n); err != nil {
			return err
		}
		return b.f.SetCellStyle(sheet, ref, ref, b.date)
	}
	return fmt.Errorf("no cell for a %T", v)
}

// xlsxForm writes a sheet that is read rather than filtered, such as a
// Summary, row by row: labels in bold in column A, values beside them, and
// small tables under bold headers.
type xlsxForm struct {
	b     *xlsxBook
	sheet string
	row   int
	err   error
}

func (b *xlsxBook) form(sheet string, widths ...float64) *xlsxForm {
	fm := &xlsxForm{b: b, sheet: sheet, row: 1}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		fm.err = errors.Join(fm.err, b.f.SetColWidth(sheet, col, col, w))
	}
	return fm
}

// line writes cells on the next row, the first in bold when bold is set.
func (fm *xlsxForm) line(bold int, cells ...any) {
	if fm.err != nil {
		return
	}
	for i, c := range cells {
		if err := fm.b.setCell(fm.sheet, i+1, fm.row, c); err != nil {
			fm.err = fmt.Errorf("%s row %d: %w", fm.sheet, fm.row, err)
			return
		}
	}
	if bold > 0 {
		end, _ := excelize.CoordinatesToCellName(bold, fm.row)
		fm.err = fm.b.f.SetCellStyle(fm.sheet, "A"+strconv.Itoa(fm.row), end, fm.b.header)
	}
	fm.row++
}

// field writes a label and its value.
func (fm *xlsxForm) field(label string, v any) { fm.line(1, label, v) }

// heading writes a table's header row, all in bold, after a blank row.
func (fm *xlsxForm) heading(names ...string) {
	fm.row++
	cells := make([]any, len(names))
	for i, n := range names {
		cells[i] = n
	}
	fm.line(len(names), cells...)
}

// xlsxTable streams a table onto its sheets: a bold header row on each,
// frozen, and an autofilter over the header and rows of each sheet.
type xlsxTable struct {
	b     *xlsxBook
	names []string
	cols  []xlsxCol
	sheet int // index in names of the sheet being written
	sw    *excelize.StreamWriter
	row   int // the last row written on it
	cells []any
}

// table starts writing a table on the sheets names (see sheetNames).
func (b *xlsxBook) table(names []string, cols []xlsxCol) (*xlsxTable, error) {
	t := &xlsxTable{b: b, names: names, cols: cols, sheet: -1, cells: make([]any, len(cols))}
	return t, t.next()
}

// next finishes the sheet being written, if any, and starts the next.
func (t *xlsxTable) next() error {
	if err := t.finish(); err != nil {
		return err
	}
	t.sheet++
	if t.sheet == len(t.names) {
		return fmt.Errorf("%s: more rows than counted", t.names[0])
	}
	sw, err := t.b.f.NewStreamWriter(t.names[t.sheet])
	if err != nil {
		return err
	}
	t.sw, t.row = sw, 1
	err = sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
	for i, c := range t.cols {
		err = errors.Join(err, sw.SetColWidth(i+1, i+1, c.width))
		t.cells[i] = excelize.Cell{StyleID: t.b.header, Value: c.name}
	}
	if err != nil {
		return err
	}
	return sw.SetRow("A1", t.cells)
}

// add writes a row; cells are string, int, bool, xlsxMoney, xlsxPercent,
// xlsxMeasure or xlsxDate, one per column.
func (t *xlsxTable) add(cells ...any) error {
	if t.row == t.b.opts.rowsPerSheet {
		if err := t.next(); err != nil {
			return err
		}
	}
	t.row++
	for i, c := range cells {
		v, err := t.b.streamCell(c)
		if err != nil {
			return fmt.Errorf("%s row %d, %s: %w", t.names[t.sheet], t.row, t.cols[i].name, err)
		}
		t.cells[i] = v
	}
	ref, err := excelize.CoordinatesToCellName(1, t.row)
	if err != nil {
		return err
	}
	return t.sw.SetRow(ref, t.cells[:len(cells)])
}

// fill writes a table on the sheets names (see sheetNames), its rows
// written by rows through add.
func (b *xlsxBook) fill(names []string, cols []xlsxCol, rows func(add func(cells ...any) error) error) error {
	t, err := b.table(names, cols)
	if err != nil {
		return err
	}
	if err := rows(t.add); err != nil {
		return err
	}
	return t.finish()
}

// finish ends the sheet being written with its autofilter. The filter is
// set on the worksheet before the stream is flushed, which writes it.
func (t *xlsxTable) finish() error {
	if t.sw == nil {
		return nil
	}
	last, err := excelize.CoordinatesToCellName(len(t.cols), t.row)
	if err != nil {
		return err
	}
	if err := t.b.f.AutoFilter(t.names[t.sheet], "A1:"+last, nil); err != nil {
		return err
	}
	err = t.sw.Flush()
	t.sw = nil
	return err
}

// write writes the finished workbook to w, in two steps. excelize would
// build the whole file in memory (File.WriteToBuffer), so it is given a zip
// writer of its own onto a temporary file instead, compressing at
// flate.BestSpeed: at the default level compressing takes most of a big
// workbook's time, and the fastest makes the Lines sheet 28% larger in a
// fifth of the time. Then,
// as excelize stores the streamed sheets in the order of a Go map, which
// changes from run to run, write copies the file's entries, still
// compressed, to w in order of name, so that the same statement always
// gives the same bytes.
func (b *xlsxBook) write(w io.Writer) error {
	tmp, err := os.CreateTemp("", "occ-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	b.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(tmp)
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(w, flate.BestSpeed)
		})
		return zw
	})
	// What excelize writes to its own writer is nothing: the zip writer
	// above ignores it.
	if err := b.f.Write(io.Discard); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(tmp, size)
	if err != nil {
		return err
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	zw := zip.NewWriter(w)
	for _, f := range files {
		raw, err := f.OpenRaw()
		if err != nil {
			return err
		}
		fh := f.FileHeader
		dst, err := zw.CreateRaw(&fh)
		if err != nil {
			return err
		}
		if _, err := io.Copy(dst, raw); err != nil {
			return err
		}
	}
	return zw.Close()
}

// xlsxFailed is the error of a workbook that could not be made: occ
// exits with 1, as for any statement it could not write.
func xlsxFailed(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitFindings, msg: "cannot write the workbook: " + err.Error()}
}

// writeStatementXLSXOutput writes the statement's workbook to the -o file,
// atomically, or to standard output for -o -. runEval has refused xlsx
// without -o.
func writeStatementXLSXOutput(ctx context.Context, output string, stdout io.Writer, s *runtime.Statement, whatIf []string) error {
	return writeOutput(ctx, output, stdout, func(w io.Writer) error { return writeStatementXLSX(w, s, whatIf, xlsxOptions{}) })
}

// checkXLSXOutput refuses a workbook with nowhere to go: a workbook is
// binary, and is written to standard output only when -o - asks for it.
func checkXLSXOutput(output string) error {
	if output == "" {
		return usageError("--format xlsx writes a workbook: give -o FILE.xlsx (or -o - to write it to standard output)")
	}
	return nil
}

// writeStatementXLSX writes a statement as a workbook: Summary, then each
// of the statement's tables (statementSheets: Lines, Caps, Standards,
// Flags and Exclusions), each on as many sheets as it takes.
func writeStatementXLSX(w io.Writer, s *runtime.Statement, whatIf []string, opts xlsxOptions) error {
	return xlsxFailed(statementXLSX(w, s, whatIf, opts))
}

// xlsxCols are a statement table's columns in the workbook.
func xlsxCols(sh statementSheet) []xlsxCol {
	cols := make([]xlsxCol, len(sh.cols))
	for i, c := range sh.cols {
		cols[i] = xlsxCol{c.header, c.width}
	}
	return cols
}

func statementXLSX(w io.Writer, s *runtime.Statement, whatIf []string, opts xlsxOptions) error {
	c := s.Contract
	b, err := newXLSXBook(c.Currency, c.MinorUnits, opts)
	if err != nil {
		return err
	}
	defer b.close()
	lines := 0
	for range s.Lines() {
		lines++
	}
	counts := []int{lines, len(s.Caps), len(s.Standards), len(s.Flags), len(s.Excluded)}
	names := make([][]string, len(statementSheets))
	for i, sh := range statementSheets {
		names[i] = b.sheetNames(sh.title, counts[i])
	}
	if err := b.addSheets("Summary", names...); err != nil {
		return err
	}
	sc := newSheetContext(s, whatIf)
	// The lines first, so that an amount the workbook cannot hold is
	// reported by its line rather than by a total.
	for i, sh := range statementSheets {
		err = b.fill(names[i], xlsxCols(sh), func(add func(...any) error) error {
			return sh.eachRow(s, sc, func(cells ...any) error {
				for j, v := range cells {
					if m, ok := v.(value.Money); ok {
						cells[j] = xlsxMoney(m.Decimal())
					}
				}
				return add(cells...)
			})
		})
		if err == nil && i == 0 {
			err = statementSummary(b, s, lines, names[0], sc.whatIf)
		}
		if err != nil {
			return err
		}
	}
	_ = b.f.SetDocProps(&excelize.DocProperties{Creator: "occ", Title: c.Title, Subject: "Statement for " + s.Period})
	return b.write(w)
}

// statementSummary writes the Summary sheet of a statement.
func statementSummary(b *xlsxBook, s *runtime.Statement, lines int, lineSheets []string, whatIf string) error {
	c := s.Contract
	fm := b.form("Summary", 24, 44, 14, 14, 14, 14, 14)
	if whatIf != "" {
		fm.field("WHAT-IF", whatIf+" (not the contract's values; do not pay from this statement)")
	}
	fm.field("Statement", c.Title)
	fm.field("Commissioner", c.Commissioner)
	if s.Payer != "" {
		fm.field("Payer", s.Payer)
	}
	fm.field("Provider", c.Provider)
	fm.field("Reference", c.Reference)
	fm.field("Model", c.Model)
	fm.field("Version", c.Version)
	fm.field("Term from", xlsxDate(c.TermFrom))
	fm.field("Term to", xlsxDate(c.TermTo))
	fm.field("Settlement", c.Settlement)
	fm.field("Currency", c.Currency)
	fm.field("Rounding", c.Rounding)
	fm.field("Period", s.Period)
	fm.field("Spec sha256", c.SpecSHA256)
	fm.field("Total", xlsxMoney(s.Total.Decimal()))
	fm.field("Lines", lines)
	fm.field("Lines on", strings.Join(lineSheets, ", "))
	r := s.Records
	fm.heading("Records", "Count")
	fm.line(1, "Input", r.Input)
	fm.line(1, "Evaluated", r.Evaluated)
	fm.line(1, "Earlier", r.Earlier)
	fm.line(1, "Later", r.Later)
	fm.line(1, "Excluded", r.Excluded)
	fm.heading("Data file", "Data", "Format", "Records", "SHA-256")
	for _, f := range s.Data {
		fm.line(0, f.Path, f.Schema, f.Format, f.Records, f.SHA256)
	}
	fm.heading("Period", "From", "To", "Total")
	for _, p := range s.Periods {
		fm.line(0, p.Period, xlsxDate(p.From), xlsxDate(p.To), xlsxMoney(p.Total.Decimal()))
	}
	fm.heading("Kind", "Lines", "Amount")
	for _, st := range s.ByKind {
		fm.line(0, st.Name, st.Lines, xlsxMoney(st.Amount.Decimal()))
	}
	fm.heading("Rule", "Lines", "Amount")
	for _, st := range s.ByRule {
		fm.line(0, st.Name, st.Lines, xlsxMoney(st.Amount.Decimal()))
	}
	if len(s.ByPayer) > 1 || s.Payer != "" {
		fm.heading("Payer", "Title", "Lines", "Amount")
		for _, p := range s.ByPayer {
			fm.line(0, p.Payer, p.Title, p.Lines, xlsxMoney(p.Amount.Decimal()))
		}
	}
	fm.heading("Param", "Value", "Set")
	for _, p := range s.Params {
		fm.line(0, p.Name, p.Value, p.Set)
	}
	return fm.err
}

// writeForecastXLSXFile writes the forecast's workbook to name, atomically.
func writeForecastXLSXFile(ctx context.Context, name string, r *forecast.Result) error {
	return writeFileAtomic(ctx, name, func(w io.Writer) error { return writeForecastXLSX(w, r, xlsxOptions{}) })
}

// The columns of a forecast's tables.
var (
	xlsxStatsCols         = []xlsxCol{{"Mean", 14}, {"P10", 14}, {"P50", 14}, {"P90", 14}, {"Min", 14}, {"Max", 14}}
	xlsxPeriodCols        = append(append([]xlsxCol{{"Period", 12}, {"From", 11}, {"To", 11}, {"Line kind", 12}}, xlsxStatsCols...), xlsxCol{"Basis", 10})
	xlsxBinCols           = []xlsxCol{{"From", 14}, {"To", 14}, {"Runs", 10}, {"Share of runs", 14}}
	xlsxChanceCols        = []xlsxCol{{"Rule", 18}, {"Kind", 9}, {"Title", 36}, {"Period", 22}, {"Runs", 10}, {"Chance", 10}}
	xlsxSweepCols         = append([]xlsxCol{{"Name", 18}, {"Kind", 8}, {"Value", 14}}, xlsxStatsCols...)
	xlsxForecastParamCols = []xlsxCol{{"Name", 22}, {"Kind", 8}, {"Value", 18}, {"Set", 8}}
	xlsxPayerCols         = append(append([]xlsxCol{{"Payer", 14}, {"Title", 30}, {"Period", 22}, {"From", 11}, {"To", 11}}, xlsxStatsCols...), xlsxCol{"Basis", 10})
)

// statsCells are the cells of statistics, in the order of xlsxStatsCols.
func statsCells(s forecast.Stats) []any {
	return []any{xlsxMoney(s.Mean), xlsxMoney(s.P10), xlsxMoney(s.P50), xlsxMoney(s.P90), xlsxMoney(s.Min), xlsxMoney(s.Max)}
}

// writeForecastXLSX writes a forecast as a workbook: Summary, By period,
// Distribution, Chances, Sensitivity and Params.
func writeForecastXLSX(w io.Writer, r *forecast.Result, opts xlsxOptions) error {
	return xlsxFailed(forecastXLSX(w, r, opts))
}

func forecastXLSX(w io.Writer, r *forecast.Result, opts xlsxOptions) error {
	c := r.Contract
	b, err := newXLSXBook(c.Currency, r.Places, opts)
	if err != nil {
		return err
	}
	defer b.close()
	chances := 0
	for _, ch := range append(slices.Clip(r.Caps), r.Standards...) {
		chances += 1 + len(ch.ByPeriod)
	}
	var steps []forecast.Step
	if r.Sensitivity != nil {
		steps = r.Sensitivity.Steps
	}
	periodSheets := b.sheetNames("By period", len(r.Periods)*(1+len(r.Term.ByKind)))
	binSheets := b.sheetNames("Distribution", len(r.Histogram))
	chanceSheets := b.sheetNames("Chances", chances)
	sweepSheets := b.sheetNames("Sensitivity", len(steps))
	paramSheets := b.sheetNames("Params", len(r.Params)+len(r.Vars))
	// A contract several payers share has each payer's totals, for the
	// term and by period, on sheets of their own.
	var payerSheets []string
	if len(r.Payers) > 0 {
		payerSheets = b.sheetNames("By payer", len(r.Payers)*(1+len(r.Periods)))
	}
	if err := b.addSheets("Summary", periodSheets, payerSheets, binSheets, chanceSheets, sweepSheets, paramSheets); err != nil {
		return err
	}
	err = forecastSummary(b, r)
	if err == nil {
		err = b.fill(periodSheets, xlsxPeriodCols, func(add func(...any) error) error {
			for _, p := range r.Periods {
				// Basis says whether the period was paid (settled, from a
				// ledger) or is forecast.
				if err := add(append(append([]any{p.Period, xlsxDate(p.From), xlsxDate(p.To), "total"}, statsCells(p.Total)...), p.Basis())...); err != nil {
					return err
				}
				for _, k := range p.ByKind {
					if err := add(append(append([]any{p.Period, xlsxDate(p.From), xlsxDate(p.To), k.Kind}, statsCells(k.Stats)...), p.Basis())...); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	if err == nil && len(payerSheets) > 0 {
		err = b.fill(payerSheets, xlsxPayerCols, func(add func(...any) error) error {
			// The term first, with no basis, then each period.
			for i, p := range append([]forecast.PeriodResult{r.Term}, r.Periods...) {
				basis := p.Basis()
				if i == 0 {
					basis = ""
				}
				for _, ps := range p.ByPayer {
					if err := add(append(append([]any{ps.Payer, ps.Title, p.Period, xlsxDate(p.From), xlsxDate(p.To)}, statsCells(ps.Stats)...), basis)...); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	if err == nil {
		err = b.fill(binSheets, xlsxBinCols, func(add func(...any) error) error {
			for _, bin := range r.Histogram {
				share, err := value.DecimalFromInt(int64(bin.Count)).Quo(value.DecimalFromInt(int64(r.Runs)))
				if err == nil {
					err = add(xlsxMoney(bin.From), xlsxMoney(bin.To), bin.Count, xlsxPercent(value.Round(share, 4, value.HalfUp)))
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err == nil {
		err = b.fill(chanceSheets, xlsxChanceCols, func(add func(...any) error) error {
			for _, ch := range append(slices.Clip(r.Caps), r.Standards...) {
				if err := add(ch.Rule, ch.Kind, ch.Title, r.Term.Period, ch.Runs, xlsxPercent(ch.Chance)); err != nil {
					return err
				}
				for _, p := range ch.ByPeriod {
					if err := add(ch.Rule, ch.Kind, ch.Title, p.Period, p.Runs, xlsxPercent(p.Chance)); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	if err == nil {
		err = b.fill(sweepSheets, xlsxSweepCols, func(add func(...any) error) error {
			for _, st := range steps {
				if err := add(append([]any{r.Sensitivity.Name, r.Sensitivity.Kind, st.Value}, statsCells(st.Total)...)...); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err == nil {
		err = b.fill(paramSheets, xlsxForecastParamCols, func(add func(...any) error) error {
			for _, p := range r.Params {
				if err := add(p.Name, "param", p.Value, p.Set); err != nil {
					return err
				}
			}
			for _, v := range r.Vars {
				if err := add(v.Name, "var", v.Value.String(), v.Set); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		return err
	}
	_ = b.f.SetDocProps(&excelize.DocProperties{Creator: "occ", Title: c.Title, Subject: "Forecast"})
	return b.write(w)
}

// forecastSummary writes the Summary sheet of a forecast.
func forecastSummary(b *xlsxBook, r *forecast.Result) error {
	c := r.Contract
	fm := b.form("Summary", 24, 44, 14, 14, 14, 14, 14)
	fm.field("Forecast", c.Title)
	fm.field("Commissioner", c.Commissioner)
	fm.field("Provider", c.Provider)
	fm.field("Term from", xlsxDate(c.TermFrom))
	fm.field("Term to", xlsxDate(c.TermTo))
	fm.field("Settlement", c.Settlement)
	fm.field("Currency", c.Currency)
	fm.field("Spec sha256", c.SpecSHA256)
	fm.field("Source", r.Source.Kind)
	fm.field("People", r.Source.People)
	fm.field("First month", r.Source.FirstMonth)
	fm.field("Last month", r.Source.LastMonth)
	fm.field("Runs", r.Runs)
	// The seed names a stream of random numbers rather than counting
	// anything, and may be larger than a spreadsheet's numbers keep.
	fm.field("Seed", strconv.FormatUint(r.Seed, 10))
	fm.field("Periods", r.Term.Period)
	fm.field("From", xlsxDate(r.Term.From))
	fm.field("To", xlsxDate(r.Term.To))
	if r.Settled > 0 {
		fm.field("Settled (as paid)", strings.Join(r.SettledPeriods(), ", "))
	}
	if r.Payer != "" {
		fm.field("Payer", r.Payer+" ("+r.PayerTitle+"): each amount is this payer's part of the lines")
	}
	fm.field("Percentiles", forecast.PercentileMethod)
	fm.heading("File", "SHA-256")
	for _, f := range r.Source.Files {
		fm.line(0, f.Path, f.SHA256)
	}
	head := []string{"Line kind"}
	for _, col := range xlsxStatsCols {
		head = append(head, col.name)
	}
	fm.heading(head...)
	fm.line(0, append([]any{"total"}, statsCells(r.Term.Total)...)...)
	for _, k := range r.Term.ByKind {
		fm.line(0, append([]any{k.Kind}, statsCells(k.Stats)...)...)
	}
	if len(r.Term.ByPayer) > 0 {
		head[0] = "Payer"
		fm.heading(head...)
		for _, p := range r.Term.ByPayer {
			fm.line(0, append([]any{p.Payer}, statsCells(p.Stats)...)...)
		}
	}
	fm.heading("Rule", "Kind", "Title", "Runs", "Chance")
	for _, ch := range append(slices.Clip(r.Caps), r.Standards...) {
		fm.line(0, ch.Rule, ch.Kind, ch.Title, ch.Runs, xlsxPercent(ch.Chance))
	}
	return fm.err
}
