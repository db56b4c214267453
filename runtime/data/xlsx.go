package data

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"cel.dev/cel-go/common/types/ref"
	"github.com/xuri/excelize/v2"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/spell"
	"github.com/occ-lang/occ/lang/words"
)

// book is a workbook being read. Its sheets are read with excelize's
// streaming row reader, with the cells' raw values: the text a number is
// stored as, never a float64, and dates as serial numbers, counted in the
// workbook's date system.
type book struct {
	f        *excelize.File
	date1904 bool
}

func (b *book) close() {
	if b.f != nil {
		b.f.Close() // removes excelize's temporary files
		b.f = nil
	}
}

// sheet is one worksheet of a book being read as one file.
type sheet struct {
	book *book
	name string
	rows *excelize.Rows
	row  int // the number of the row last read
	// extra marks the columns past the header found holding a value, so
	// that each is reported once.
	extra map[int]bool
}

func (s *sheet) close() {
	if s.rows != nil {
		s.rows.Close()
		s.rows = nil
	}
}

// xlsxProblem is a workbook that cannot be read.
func xlsxProblem(err error) problem {
	msg := "it is not an Excel workbook (.xlsx), or it is damaged"
	switch {
	case errors.Is(err, zip.ErrChecksum):
		msg = "it is damaged (a part of it fails its checksum)"
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrAlgorithm), errors.Is(err, excelize.ErrWorkbookFileFormat),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
	default:
		msg += " (" + err.Error() + ")"
	}
	return problem{code: "bad-xlsx", msg: "the workbook cannot be read: " + msg}
}

// safely runs f, turning a panic in the workbook reader into an error: a
// damaged workbook is a problem in the data, never a crash.
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the workbook reader failed on it (%v)", r)
		}
	}()
	return f()
}

// openBook reads a workbook, which is read whole, checks every part of it,
// and adds a file for each sheet to load: the sheet Input.Sheet names, or
// else the sheets named after the contract's data (a sheet named Reviews
// or review holds review data), or a workbook's only sheet. It reads each
// sheet's header row and chooses its data.
func (l *loader) openBook(fs *fileState) {
	lim := l.opts.limits.FileBytes
	data, err := fs.src.readAll(fs.size)
	if err != nil {
		l.report(fs, l.limitProblem(err, 0, fs.unit, false), 0)
		return
	}
	fs.info.SHA256 = fs.src.sum()
	if !l.checkDuplicate(fs) {
		return
	}
	if fs.in.Schema != "" && l.c.Schema(fs.in.Schema) == nil {
		l.chooseSchema(fs) // reports the unknown name
		return
	}
	if p, ok := checkZip(data, lim); !ok {
		l.report(fs, p, 0)
		return
	}
	b := &book{}
	var names []string
	err = safely(func() error {
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
			RawCellValue:      true,
			UnzipSizeLimit:    lim,
			UnzipXMLSizeLimit: min(lim, excelize.StreamChunkSize),
		})
		if err != nil {
			if f != nil {
				f.Close()
			}
			return err
		}
		b.f = f
		props, err := f.GetWorkbookProps()
		if err != nil {
			return err
		}
		b.date1904 = props.Date1904 != nil && *props.Date1904
		names = f.GetSheetList()
		return nil
	})
	if b.f != nil {
		l.books = append(l.books, b)
	}
	if err != nil {
		l.report(fs, xlsxProblem(err), 0)
		return
	}
	type choice struct{ sheet, schema string }
	var chosen []choice
	in := fs.in
	switch {
	case in.Sheet != "":
		name, ok := findSheet(names, in.Sheet)
		if !ok {
			msg := fmt.Sprintf("the workbook has no sheet %s", quote(in.Sheet))
			if sug := spell.Nearest(in.Sheet, names); sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			} else {
				msg += "; its sheets are " + words.And(some(quoteAll(names)))
			}
			l.report(fs, problem{code: "missing-sheet", msg: msg}, 0)
			return
		}
		chosen = append(chosen, choice{name, in.Schema})
	case in.Schema != "":
		if len(names) == 1 {
			chosen = append(chosen, choice{names[0], in.Schema})
			break
		}
		for _, n := range names {
			if sheetHolds(n, in.Schema) {
				chosen = append(chosen, choice{n, in.Schema})
				break
			}
		}
		if len(chosen) == 0 {
			l.report(fs, problem{code: "missing-sheet", msg: fmt.Sprintf("the workbook has no sheet named after %s (%s or %ss); its sheets are %s; say which sheet holds the %s data",
				in.Schema, in.Schema, in.Schema, words.And(some(quoteAll(names))), in.Schema)}, 0)
			return
		}
	default:
		for _, n := range names {
			for _, s := range l.c.Schemas {
				if sheetHolds(n, s.Name) {
					chosen = append(chosen, choice{n, s.Name})
					break
				}
			}
		}
		if len(chosen) == 0 && len(names) == 1 {
			chosen = append(chosen, choice{names[0], ""})
		}
		if len(chosen) == 0 {
			var data []string
			for _, s := range l.c.Schemas {
				data = append(data, s.Name)
			}
			l.report(fs, problem{code: "unknown-data", msg: fmt.Sprintf("cannot tell which data the workbook holds: no sheet is named after the contract's data (%s), and its sheets are %s; name the sheets after the data, or say which sheet to read",
				words.Or(data), words.And(some(quoteAll(names))))}, 0)
			return
		}
	}
	for _, ch := range chosen {
		sin := in
		sin.Schema = ch.schema
		sfs := l.addFile(sin, in.Path+"#"+ch.sheet)
		sfs.format, sfs.info.Format, sfs.info.SHA256 = "xlsx", "xlsx", fs.info.SHA256
		sfs.sheet = &sheet{book: b, name: ch.sheet}
		if l.readSheetHeader(sfs) {
			l.chooseSchema(sfs)
		}
	}
}

// checkZip reads every part of a workbook, so that a damaged one is
// refused: the workbook reader reads a part that fails its checksum as if
// it were whole, and stops at the first fault in a sheet's XML as if the
// sheet ended there. One whose parts unpack to more than max is refused
// before they are unpacked.
func checkZip(data []byte, max int64) (problem, bool) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return xlsxProblem(err), false
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(max) {
			return problem{code: "file-too-large", msg: fmt.Sprintf("the workbook unpacks to more than %s, the most a data file may hold", sizeText(max))}, false
		}
	}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return xlsxProblem(err), false
		}
		name := strings.ToLower(zf.Name)
		if strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml") {
			err = checkXML(rc)
			if err != nil && !errors.Is(err, zip.ErrChecksum) && !errors.Is(err, zip.ErrFormat) {
				rc.Close()
				return problem{code: "bad-xlsx", msg: fmt.Sprintf("the workbook cannot be read: it is damaged (its part %s is not well-formed XML: %v)", clip(zf.Name), err)}, false
			}
		}
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
		}
		rc.Close()
		if err != nil {
			return xlsxProblem(err), false
		}
	}
	return problem{}, true
}

// checkXML reads XML to its end, reporting the first fault: a syntax
// error, or an element not closed, or closed by another's end tag.
func checkXML(r io.Reader) error {
	d := xml.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	var open []xml.Name
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(open) > 0 {
				line, _ := d.InputPos()
				return fmt.Errorf("XML syntax error on line %d: unexpected EOF", line)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			open = append(open, t.Name)
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != t.Name {
				line, _ := d.InputPos()
				return fmt.Errorf("XML syntax error on line %d: unexpected end element </%s>", line, t.Name.Local)
			}
			open = open[:len(open)-1]
		}
	}
}

// findSheet finds a sheet by name; Excel ignores case in sheet names.
func findSheet(names []string, name string) (string, bool) {
	for _, n := range names {
		if n == name {
			return n, true
		}
	}
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}

// sheetHolds reports whether a sheet's name says it holds data named
// schema: the name itself or its plural, ignoring case and reading spaces
// as "_" (Reviews, review, Goal_Notes for goal_note).
func sheetHolds(sheetName, schema string) bool {
	n := normName(sheetName)
	s := strings.ToLower(schema)
	return n == s || n == s+"s"
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quote(n)
	}
	return out
}

// nextRow reads the next row of a sheet; ok is false at the end, with err
// set when the sheet cannot be read on.
func (s *sheet) nextRow() (cells []string, ok bool, err error) {
	err = safely(func() error {
		if !s.rows.Next() {
			return s.rows.Error()
		}
		s.row++
		ok = true
		var err error
		cells, err = s.rows.Columns()
		return err
	})
	return cells, ok && err == nil, err
}

// readSheetHeader finds a sheet's header, its first row that is not
// blank, and checks it as a CSV header is checked.
func (l *loader) readSheetHeader(fs *fileState) bool {
	s := fs.sheet
	err := safely(func() error {
		var err error
		s.rows, err = s.book.f.Rows(s.name)
		return err
	})
	if err != nil {
		l.report(fs, xlsxProblem(err), 0)
		return false
	}
	for {
		cells, ok, err := s.nextRow()
		if err != nil {
			l.report(fs, xlsxProblem(err), 0)
			return false
		}
		if !ok {
			l.report(fs, problem{code: "empty-file", msg: "the sheet is empty; it needs a header row naming its columns"}, 0)
			return false
		}
		if blankFrom(cells, 0) {
			continue
		}
		for i, h := range cells {
			if int64(len(h)) > l.opts.limits.FieldBytes {
				l.report(fs, l.tooLarge(s.row, "cell", len(h)), i+1)
				return false
			}
		}
		for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
			cells = cells[:len(cells)-1]
		}
		fs.header, fs.headerRow = cells, s.row
		return true
	}
}

// loadSheet reads the rows of a sheet after its header, as CSV rows are
// read: cells past the header's last column are reported if they hold a
// value, a row larger than the row limit is skipped, and each cell is read
// by sheetValue.
func (l *loader) loadSheet(fs *fileState) {
	s := fs.sheet
	cols := l.planColumns(fs, fs.header)
	nanc := len(l.infos[fs.schema].anc)
	cv := l.newConverter(fs, cols, fs.origin(fs.schema), false)
	lim := l.opts.limits
	for {
		cells, ok, err := s.nextRow()
		if err != nil {
			p := xlsxProblem(err)
			p.row, p.msg = s.row, p.msg+"; the rest of the sheet was not read"
			l.report(fs, p, 0)
			return
		}
		if !ok {
			return
		}
		size := int64(0)
		for _, c := range cells {
			size += int64(len(c))
		}
		if size > lim.RowBytes {
			l.report(fs, problem{code: "row-too-large", row: s.row, msg: fmt.Sprintf("the row holds %s, more than the %s a row may hold; the row was not read", bytesText(size), sizeText(lim.RowBytes))}, 0)
			continue
		}
		if len(cells) > len(cols) {
			for i := len(cols); i < len(cells); i++ {
				if v := strings.TrimSpace(cells[i]); v != "" && !s.extra[i] {
					if s.extra == nil {
						s.extra = map[int]bool{}
					}
					s.extra[i] = true
					l.report(fs, problem{code: "unnamed-column", row: s.row, msg: fmt.Sprintf("the column has no name in the header but holds %s; name the column or clear it", quote(v))}, i+1)
				}
			}
			cells = cells[:len(cols)]
		}
		for len(cells) < len(cols) {
			cells = append(cells, "")
		}
		cv.out.reset()
		cv.row(s.row, cells)
		l.applyRows(fs, cols, cv.out, nanc, 0)
	}
}

// sheetValue reads the raw value of a worksheet cell as a value of field
// f: a number stored in a date field is a date serial; a number stored in
// a number field is read as Excel shows it, to 15 significant digits (it
// stores 0.1+0.2 as 0.30000000000000004); text is read as in CSV.
func (l *loader) sheetValue(fs *fileState, fc *fieldCache, f *compiler.Field, s string) (ref.Val, fault) {
	if isExcelError(s) {
		return nil, fault{"bad-value", fmt.Sprintf("the cell holds the error %s, from a formula that failed; fix the formula or clear the cell", s)}
	}
	switch f.Kind {
	case compiler.DateField:
		if isExcelNumber(s) {
			return l.serialDate(fs.sheet.book.date1904, f, s)
		}
	case compiler.IntField, compiler.DecimalField, compiler.MoneyField:
		if t, ok := excelNumber(s); ok {
			s = t
		}
	}
	return l.cell(fc, f, s)
}

// excelErrors are the values of cells whose formula failed.
var excelErrors = map[string]bool{
	"#NULL!": true, "#DIV/0!": true, "#VALUE!": true, "#REF!": true, "#NAME?": true, "#NUM!": true,
	"#N/A": true, "#GETTING_DATA": true, "#SPILL!": true, "#CALC!": true, "#FIELD!": true, "#BLOCKED!": true,
	"#CONNECT!": true, "#BUSY!": true, "#UNKNOWN!": true, "#EXTERNAL!": true, "#PYTHON!": true,
}

func isExcelError(s string) bool {
	return len(s) > 1 && s[0] == '#' && excelErrors[strings.ToUpper(s)]
}

// isExcelNumber reports whether s is a number as a workbook stores it:
// -?digits[.digits][E[+-]digits].
func isExcelNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		return i > start
	}
	if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'E' || s[i] == 'e') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

// excelSignificant is how many significant digits a workbook's numbers
// have: Excel keeps 15, and stores some with 17 that are artefacts of
// binary floating point.
const excelSignificant = 15

// excelNumber rewrites a number as a workbook stores it as plain decimal
// text rounded, half away from zero, to 15 significant digits, exactly and
// without floating point: "0.30000000000000004" becomes "0.3" and
// "1.5E-3" becomes "0.0015". It reports false for text that is not such a
// number, or whose exponent puts it far beyond any amount.
func excelNumber(s string) (string, bool) {
	if !isExcelNumber(s) {
		return "", false
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 330 || e < -330 {
			return "", false
		}
		mant, exp = s[:i], e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	// The number is digits × 10^exp.
	digits := []byte(intPart + frac)
	exp -= len(frac)
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	if len(digits) > excelSignificant {
		cut := len(digits) - excelSignificant
		up := digits[excelSignificant] >= '5'
		digits, exp = digits[:excelSignificant], exp+cut
		for i := len(digits) - 1; up && i >= 0; i-- {
			if digits[i] == '9' {
				digits[i] = '0'
				continue
			}
			digits[i]++
			up = false
		}
		if up {
			digits = append([]byte{'1'}, digits...)
		}
	}
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	if len(digits) == 0 {
		return "0", true
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case exp >= 0:
		b.Write(digits)
		b.WriteString(strings.Repeat("0", exp))
	case -exp < len(digits):
		b.Write(digits[:len(digits)+exp])
		b.WriteByte('.')
		b.Write(digits[len(digits)+exp:])
	default:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -exp-len(digits)))
		b.Write(digits)
	}
	return b.String(), true
}

// maxSerial is the serial of 31 December 9999, the last date Excel has.
const maxSerial = 2958465

// serialDate reads a date stored as a serial number: days since the
// start of 1900 (serial 1 is 1 January 1900, and Excel counts a 29
// February 1900 that never was, as serial 60), or in the 1904 date system
// days since 1 January 1904 (serial 0). A fraction that is not zero is a
// time of day, which a date field does not take.
func (l *loader) serialDate(date1904 bool, f *compiler.Field, s string) (ref.Val, fault) {
	t, _ := excelNumber(s)
	day, frac, _ := strings.Cut(strings.TrimPrefix(t, "-"), ".")
	n, err := strconv.ParseInt(day, 10, 64)
	notDate := func() (ref.Val, fault) {
		return nil, fault{"bad-date", fmt.Sprintf("the cell holds the number %s, which is not a date; %s", clip(t), l.expected(f))}
	}
	if err != nil || strings.HasPrefix(t, "-") || n > maxSerial {
		return notDate()
	}
	var d value.Date
	switch {
	case date1904:
		d, _ = value.NewDate(1904, time.January, 1)
		d = d.AddDays(n)
	case n == 0:
		return notDate()
	case n == 60:
		return nil, fault{"bad-date", fmt.Sprintf("the cell holds the number 60, which Excel shows as 29 February 1900, a day that did not exist; %s", l.expected(f))}
	case n < 60:
		d, _ = value.NewDate(1899, time.December, 31)
		d = d.AddDays(n)
	default:
		d, _ = value.NewDate(1899, time.December, 30)
		d = d.AddDays(n)
	}
	if frac != "" {
		x, _ := strconv.ParseFloat("0."+frac, 64) // for the message only
		mins := int(x * 24 * 60)
		return nil, fault{"bad-date", fmt.Sprintf("the cell holds %s at %02d:%02d, a date with a time of day; expected a date alone", d, mins/60, mins%60)}
	}
	return l.checkRange(f, d.String(), d)
}
