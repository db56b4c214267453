package data

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/spell"
	"github.com/occ-lang/occ/lang/words"
)

// column is what one CSV column holds.
type column struct {
	label string // "actual_hours (column D)"
	t     target
	fc    *fieldCache
	field string // "review.actual_hours"
	use   bool   // false for columns whose cells are ignored
	sheet bool   // a column of a worksheet, read by sheetValue
	// unnamed columns have no header; a value in one is reported once.
	unnamed, warned bool
	// last and lastV are the previous row's cell and its value: sorted
	// exports repeat the same person, month or status row after row.
	last  string
	lastV ref.Val
}

func colLetter(i int) string {
	var b []byte
	for i >= 0 {
		b = append([]byte{byte('A' + i%26)}, b...)
		i = i/26 - 1
	}
	return string(b)
}

// csvBuffer is the size of the buffer a CSV or JSON Lines file is read
// through.
const csvBuffer = 64 << 10

// openCSV reads a CSV file's header, having told its separator and line
// ends from its first line. It reports whether the file can be loaded.
func (l *loader) openCSV(fs *fileState) bool {
	src := fs.src
	src.skipBOM()
	fs.sep, src.cr = l.sniffCSV(src.head)
	fs.decComma = fs.sep == ';'
	fs.br = bufio.NewReaderSize(src, csvBuffer)
	r := csv.NewReader(fs.br)
	r.Comma = fs.sep
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	src.stop = src.off + l.opts.limits.RowBytes + csvBuffer
	header, err := r.Read()
	src.stop = -1
	if err == io.EOF {
		l.report(fs, problem{code: "empty-file", msg: "the file is empty; a CSV file needs a header row naming its columns"}, 0)
		return false
	}
	if err == nil && src.off-int64(fs.br.Buffered()) > l.opts.limits.RowBytes {
		err = errRowLimit
	}
	if err != nil {
		l.csvError(fs, err, 0, 0)
		return false
	}
	for i, h := range header {
		if !utf8.ValidString(h) {
			l.report(fs, notUTF8(fs, 1), 0)
			return false
		}
		if int64(len(h)) > l.opts.limits.FieldBytes {
			l.report(fs, l.tooLarge(1, "cell", len(h)), i+1)
			return false
		}
	}
	fs.header, fs.headerRow = slices.Clone(header), 1
	fs.headerEnd = endLine(r, header)
	fs.csv = r
	return true
}

// sniffCSV tells a CSV file's separator and line ends from its first line,
// in head: the separator is the one of comma, semicolon and tab found
// between the header's names (when more than one is, the one that splits
// the header into the most names the contract knows, commas winning
// ties), and the lines end in a carriage return alone when the first one
// does (as old Mac spreadsheets write them).
func (l *loader) sniffCSV(head []byte) (sep rune, cr bool) {
	const seps = ",;\t"
	var count [3]int
	inQuote := false
	end := len(head)
scan:
	for i, c := range head {
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n':
			end = i
			break scan
		case c == '\r':
			end = i
			cr = i+1 < len(head) && head[i+1] != '\n'
			break scan
		default:
			if k := strings.IndexByte(seps, c); k >= 0 {
				count[k]++
			}
		}
	}
	found := 0
	for k := range count {
		if count[k] > 0 {
			found++
			sep = rune(seps[k])
		}
	}
	if found <= 1 {
		if found == 0 {
			sep = ','
		}
		return sep, cr
	}
	best := -1
	for k, c := range seps {
		if count[k] == 0 {
			continue
		}
		r := csv.NewReader(bytes.NewReader(head[:end]))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = c, -1, true
		names, _ := r.Read()
		known := 0
		for _, n := range names {
			for _, info := range l.infos {
				if _, ok := info.names[normName(n)]; ok {
					known++
					break
				}
			}
		}
		if known > best {
			sep, best = c, known
		}
	}
	return sep, cr
}

func (l *loader) loadCSV(fs *fileState) {
	cols := l.planColumns(fs, fs.header)
	info := l.infos[fs.schema]
	anc := make([]ref.Val, len(info.anc))
	origin := fs.origin(fs.schema)
	rows := l.readCSVRows(fs)
	reserved := false
	for {
		b, ok := <-rows.batches
		if !ok {
			break
		}
		if !reserved {
			reserved = true
			if n := len(b.row); n > 0 && fs.size > 0 && b.end > b.start {
				per := (b.end - b.start) / int64(n)
				l.reserve(fs, n+int((fs.size-b.end)/max(per, 1))*21/20)
			}
		}
		for k := range b.row {
			l.csvRow(fs, cols, anc, origin, b.row[k], b.cells[b.rows[k]:b.rows[k+1]])
		}
		rows.free <- b
	}
	if rows.err != nil {
		l.csvError(fs, rows.err, rows.errRow, rows.errPrevEnd)
	}
}

// csvRow loads one row of a CSV file: rec, the cells of spreadsheet row
// row.
func (l *loader) csvRow(fs *fileState, cols []column, anc []ref.Val, origin *value.Origin, row int, rec []string) {
	if blankFrom(rec, 0) {
		return
	}
	if len(rec) != len(cols) {
		l.report(fs, problem{code: "wrong-cell-count", row: row, msg: fmt.Sprintf("the row has %d cells but the header has %d; check for a missing or extra comma, or an unquoted comma inside a cell", len(rec), len(cols))}, 0)
		return
	}
	fs.info.Records++
	out := l.alloc.New(origin, len(fs.schema.Fields))
	out.Row = row
	for i := range anc {
		anc[i] = nil
	}
	ancOK := true
	for i := range cols {
		c := &cols[i]
		if int64(len(rec[i])) > l.opts.limits.FieldBytes {
			l.report(fs, l.tooLarge(row, "cell", len(rec[i])), i+1)
			return
		}
		if !c.use {
			if c.unnamed && !c.warned {
				if s := strings.TrimSpace(rec[i]); s != "" {
					c.warned = true
					l.report(fs, problem{code: "unnamed-column", row: row, column: c.label, value: s, msg: fmt.Sprintf("the column has no name in the header but holds %s; name the column or clear it", quote(s))}, i+1)
				}
			}
			continue
		}
		s := strings.TrimSpace(rec[i])
		f := c.t.f
		if s == "" {
			if !f.Optional {
				l.report(fs, problem{code: "missing-value", row: row, column: c.label, field: c.field, msg: "a value is required"}, i+1)
				if c.t.anc >= 0 {
					ancOK = false
				}
			}
			continue
		}
		v := c.lastV
		if v == nil || s != c.last {
			var bad fault
			if c.sheet {
				v, bad = l.sheetValue(fs, c.fc, f, s)
			} else {
				v, bad = l.cell(c.fc, f, s)
			}
			if bad.msg != "" {
				l.report(fs, problem{code: bad.code, row: row, column: c.label, field: c.field, value: s, msg: bad.msg}, i+1)
				if c.t.anc >= 0 {
					ancOK = false
				}
				continue
			}
			c.last, c.lastV = s, v
		}
		if c.t.anc >= 0 {
			anc[c.t.anc] = v
		} else if err := out.SetField(f.Index, v); err != nil {
			l.report(fs, problem{code: "too-many-values", row: row, column: c.label, field: c.field, value: s, msg: err.Error()}, i+1)
			return
		}
	}
	if ancOK && !complete(anc) {
		ancOK = false // a key column is missing from the header
	}
	l.add(fs, out, anc, ancOK, nil)
}

// csvRows reads a CSV file's rows on a goroutine of its own, so that
// parsing the text and turning cells into values run side by side.
type csvRows struct {
	batches chan *csvBatch
	free    chan *csvBatch
	// After batches is closed: the error that stopped the reading (nil at
	// the end of the file), and where the reader was: the row and the
	// line of the last row read, or for errNotUTF8 the row at fault.
	err                error
	errRow, errPrevEnd int
}

// csvBatch is a run of rows: row k has cells cells[rows[k]:rows[k+1]] and
// is spreadsheet row row[k]. The rows start at byte start of the file
// (after any byte-order mark) and end before byte end.
type csvBatch struct {
	cells      []string
	rows       []int
	row        []int
	start, end int64
}

// csvBatchRows is how many rows a batch holds.
const csvBatchRows = 1024

// readCSVRows starts reading the rows after the header. Each row may take
// at most the row limit: the source is told where to stop, with room for
// what the buffer reads ahead, and a row that fits in that room but not in
// the limit is refused once read.
func (l *loader) readCSVRows(fs *fileState) *csvRows {
	rows := &csvRows{batches: make(chan *csvBatch, 4), free: make(chan *csvBatch, 6)}
	for range 6 {
		rows.free <- &csvBatch{}
	}
	r, src, br := fs.csv, fs.src, fs.br
	rowBytes := l.opts.limits.RowBytes
	go func() {
		defer close(rows.batches)
		row, prevEnd := 1, fs.headerEnd
		pos := src.off - int64(br.Buffered())
		b := <-rows.free
		b.cells, b.rows, b.row, b.start = b.cells[:0], append(b.rows[:0], 0), b.row[:0], pos
		for {
			src.stop = pos + rowBytes + csvBuffer
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			next := src.off - int64(br.Buffered())
			if err == nil && next-pos > rowBytes {
				err = errRowLimit
			}
			if err != nil {
				rows.err, rows.errRow, rows.errPrevEnd = err, row, prevEnd
				break
			}
			pos = next
			line, _ := r.FieldPos(0)
			row += line - prevEnd
			prevEnd = endLine(r, rec)
			if !validUTF8(rec) {
				rows.err, rows.errRow = errNotUTF8, row
				break
			}
			b.cells = append(b.cells, rec...)
			b.rows = append(b.rows, len(b.cells))
			b.row = append(b.row, row)
			if len(b.row) == csvBatchRows {
				b.end = pos
				rows.batches <- b
				b = <-rows.free
				b.cells, b.rows, b.row, b.start = b.cells[:0], append(b.rows[:0], 0), b.row[:0], pos
			}
		}
		src.stop = -1
		if len(b.row) > 0 {
			b.end = pos
			rows.batches <- b
		}
	}()
	return rows
}

func validUTF8(rec []string) bool {
	for _, c := range rec {
		if !utf8.ValidString(c) {
			return false
		}
	}
	return true
}

// endLine returns the line the record just read ends on.
func endLine(r *csv.Reader, rec []string) int {
	if len(rec) == 0 {
		return 0
	}
	line, _ := r.FieldPos(len(rec) - 1)
	return line + strings.Count(rec[len(rec)-1], "\n")
}

func blankFrom(rec []string, from int) bool {
	for _, c := range rec[from:] {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvError reports what stopped reading a CSV file: err, after the row
// row that ended on line prevEnd (0 and 0 for the header).
func (l *loader) csvError(fs *fileState, err error, row, prevEnd int) {
	var pe *csv.ParseError
	switch {
	case errors.Is(err, errNotUTF8):
		l.report(fs, notUTF8(fs, row), 0)
		return
	case !errors.As(err, &pe):
		l.report(fs, l.limitProblem(err, row+1, "row", true), 0)
		return
	}
	row += max(pe.StartLine-prevEnd, 1)
	var msg string
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		msg = `a quoted cell is not closed properly: a quote inside a quoted cell must be doubled ("")`
	case errors.Is(pe.Err, csv.ErrBareQuote):
		msg = `a quote (") appears inside an unquoted cell; quote the whole cell and double the quotes inside it`
	default:
		msg = pe.Err.Error()
	}
	if pe.Line != pe.StartLine {
		msg += fmt.Sprintf(" (the problem is on line %d of the file)", pe.Line)
	}
	l.report(fs, problem{code: "bad-csv", row: row, msg: msg + "; the rest of the file was not read"}, 0)
}

// planColumns matches the header to the schema's fields and reports
// unknown, repeated and missing columns.
func (l *loader) planColumns(fs *fileState, header []string) []column {
	info := l.infos[fs.schema]
	cols := make([]column, len(header))
	seen := map[target]int{}
	for i, h := range header {
		name := strings.TrimSpace(h)
		c := &cols[i]
		c.sheet = fs.sheet != nil
		c.label = fmt.Sprintf("%s (column %s)", clip(name), colLetter(i))
		if name == "" {
			c.unnamed = true
			continue
		}
		t, ok := info.names[normName(name)]
		if !ok {
			msg := fmt.Sprintf("%s has no field %s", fs.schema.Name, quote(name))
			if sug := spell.Nearest(normName(name), info.known); sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			} else {
				msg += "; its columns are " + words.And(info.known)
			}
			l.report(fs, problem{code: "unknown-column", row: fs.headerRow, column: c.label, value: name, msg: msg}, i+1)
			continue
		}
		if t.f.Kind == compiler.ListField {
			l.report(fs, problem{code: "list-column", row: fs.headerRow, column: c.label, field: info.fieldName(t), value: name,
				msg: fmt.Sprintf("%s is a list of %s records and cannot be a column; give the %s records in a file of their own, with the %s key columns",
					t.f.Name, elemName(t.f), elemName(t.f), fs.schema.Name)}, i+1)
			continue
		}
		if j, dup := seen[t]; dup {
			l.report(fs, problem{code: "duplicate-column", row: fs.headerRow, column: c.label, field: info.fieldName(t), value: name,
				msg: fmt.Sprintf("the column appears twice; the first is column %s", colLetter(j))}, i+1)
			continue
		}
		seen[t] = i
		c.t, c.use = t, true
		c.fc = l.cacheFor(t.f, fs.decComma)
		c.field = info.fieldName(t)
	}
	for k, t := range info.required() {
		if _, ok := seen[t]; ok {
			continue
		}
		msg := fmt.Sprintf("the header has no %s column; every %s needs one", info.columnName(t), fs.schema.Name)
		if t.anc >= 0 {
			msg = fmt.Sprintf("the header has no %s column; %s rows need it to find their %s", info.columnName(t), fs.schema.Name, fs.schema.Parent.Name)
		}
		l.report(fs, problem{code: "missing-column", row: fs.headerRow, field: info.fieldName(t), msg: msg}, 1<<20+k)
	}
	return cols
}
