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
	// unnamed columns have no header; a value in one is reported once:
	// noted is set when a converter has found one, warned when it has
	// been reported.
	unnamed, noted, warned bool
	// last and lastV are the previous row's cell and its value: sorted
	// exports repeat the same person, month or status row after row; prev
	// is the id of the last value in fc, to find the next by.
	last  string
	lastV ref.Val
	prev  int32
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

// loadCSV reads the rows of a CSV file after its header. The text is cut
// into chunks on a goroutine of its own; the chunks are split into rows
// and their cells turned into values on the loader's workers, and the
// rows are added to their table in file order, with their problems, so
// that what a load gives does not depend on the workers.
func (l *loader) loadCSV(fs *fileState) {
	cols := l.planColumns(fs, fs.header)
	origin := fs.origin(fs.schema)
	p := l.startCSV(fs, cols, origin)
	defer p.stop()
	nanc := len(l.infos[fs.schema].anc)
	// row and end are the row and the line the last row read ends on;
	// base is how many lines come before the chunk.
	row, end, base := 1, fs.headerEnd, fs.headerEnd
	off := p.start
	first := true
	for ch := range p.order {
		p.wait(ch)
		r := &ch.rows
		if n := len(ch.out.rows); first && n > 0 && fs.size > 0 {
			per := int64(len(ch.data)) / int64(n)
			l.reserve(fs, n+int((fs.size-off-int64(len(ch.data)))/max(per, 1))*21/20)
		}
		first = false
		off += int64(len(ch.data))
		delta := row - end + base
		l.applyRows(fs, cols, &ch.out, nanc, delta)
		if r.any {
			row, end = delta+r.endRow, base+r.endLine
		}
		if r.err != nil {
			if errors.Is(r.err, errNotUTF8) {
				row = delta + r.errRow
			}
			var pe *csv.ParseError
			if errors.As(r.err, &pe) {
				pe.StartLine += base
				pe.Line += base
			}
			fs.cut = true
			l.csvError(fs, r.err, row, end)
			p.recycle(ch)
			return
		}
		base += r.lines
		p.recycle(ch)
	}
}

// rowConverter turns the cells of rows into records, as a worker does it:
// with its own columns, value caches and record blocks. The rows and
// problems it gives are added to the loader by applyRows.
type rowConverter struct {
	l      *loader
	fs     *fileState
	cols   []column
	origin *value.Origin
	alloc  *value.RecordBlocks
	nanc   int
	out    *convOut
}

// convOut is what converting rows gives, to be added in order.
type convOut struct {
	rows  []convRow
	anc   []ref.Val // each row's ancestors' keys, nanc to a row
	probs []rowProblem
}

// convRow is one converted row: the record it makes (nil when it makes
// none), whether it counts in the file's Records, whether its ancestors'
// keys were read, and the end of its problems in convOut.probs.
type convRow struct {
	rec            *value.Record
	counted, ancOK bool
	probs          int
}

// rowProblem is a problem of a row with its column, for report;
// unnamed marks the problem of a value in a column with no name, which is
// reported for the first such row only.
type rowProblem struct {
	problem
	col     int
	unnamed bool
}

func (o *convOut) reset() {
	o.rows, o.anc, o.probs = o.rows[:0], o.anc[:0], o.probs[:0]
}

// newConverter returns a converter of fs's rows into records of origin.
// A converter for a worker (local set) has columns and caches of its own;
// others use the loader's.
func (l *loader) newConverter(fs *fileState, cols []column, origin *value.Origin, local bool) *rowConverter {
	cv := &rowConverter{l: l, fs: fs, cols: cols, origin: origin, alloc: &l.alloc, nanc: len(l.infos[fs.schema].anc), out: &convOut{}}
	if local {
		cv.cols = slices.Clone(cols)
		cv.alloc = &value.RecordBlocks{}
		for i := range cv.cols {
			if c := &cv.cols[i]; c.fc != nil {
				c.fc = newFieldCache(c.fc.comma)
			}
		}
	}
	return cv
}

// problem adds a problem of the row being converted.
func (cv *rowConverter) problem(e problem, col int) {
	cv.out.probs = append(cv.out.probs, rowProblem{problem: e, col: col})
}

// row converts one row: rec, the cells of spreadsheet row row.
func (cv *rowConverter) row(row int, rec []string) {
	if blankFrom(rec, 0) {
		return
	}
	out := cv.out
	base := len(out.anc)
	out.anc = slices.Grow(out.anc, cv.nanc)[:base+cv.nanc]
	anc := out.anc[base:]
	clear(anc)
	r := cv.convert(row, rec, anc)
	r.probs = len(out.probs)
	out.rows = append(out.rows, r)
}

// convert makes the record of a row that is not blank.
func (cv *rowConverter) convert(row int, rec []string, anc []ref.Val) convRow {
	l, fs, cols := cv.l, cv.fs, cv.cols
	if len(rec) != len(cols) {
		cv.problem(problem{code: "wrong-cell-count", row: row, msg: fmt.Sprintf("the row has %d cells but the header has %d; check for a missing or extra comma, or an unquoted comma inside a cell", len(rec), len(cols))}, 0)
		return convRow{}
	}
	out := cv.alloc.New(cv.origin, len(fs.schema.Fields))
	out.Row = row
	ancOK := true
	for i := range cols {
		c := &cols[i]
		if int64(len(rec[i])) > l.opts.limits.FieldBytes {
			cv.problem(l.tooLarge(row, "cell", len(rec[i])), i+1)
			return convRow{counted: true}
		}
		if !c.use {
			if c.unnamed && !c.noted {
				if s := strings.TrimSpace(rec[i]); s != "" {
					c.noted = true
					s = strings.Clone(s)
					cv.out.probs = append(cv.out.probs, rowProblem{problem: problem{code: "unnamed-column", row: row, column: c.label, value: s, msg: fmt.Sprintf("the column has no name in the header but holds %s; name the column or clear it", quote(s))}, col: i + 1, unnamed: true})
				}
			}
			continue
		}
		s := strings.TrimSpace(rec[i])
		f := c.t.f
		if s == "" {
			if !f.Optional {
				cv.problem(problem{code: "missing-value", row: row, column: c.label, field: c.field, msg: "a value is required"}, i+1)
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
				v, c.prev, bad = l.cellAfter(c.fc, f, s, c.prev)
			}
			if bad.msg != "" {
				cv.problem(problem{code: bad.code, row: row, column: c.label, field: c.field, value: strings.Clone(s), msg: bad.msg}, i+1)
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
			cv.problem(problem{code: "too-many-values", row: row, column: c.label, field: c.field, value: strings.Clone(s), msg: err.Error()}, i+1)
			return convRow{counted: true}
		}
	}
	if ancOK && !complete(anc) {
		ancOK = false // a key column is missing from the header
	}
	return convRow{rec: out, counted: true, ancOK: ancOK}
}

// applyRows adds converted rows to the loader in order: each row's
// problems, then its record. delta is added to the rows they name.
func (l *loader) applyRows(fs *fileState, cols []column, out *convOut, nanc, delta int) {
	p := 0
	for k := range out.rows {
		r := &out.rows[k]
		for ; p < r.probs; p++ {
			e := &out.probs[p]
			if e.unnamed {
				c := &cols[e.col-1]
				if c.warned {
					continue
				}
				c.warned = true
			}
			e.row += delta
			l.report(fs, e.problem, e.col)
		}
		if r.counted {
			fs.info.Records++
		}
		if r.rec != nil {
			r.rec.Row += delta
			l.add(fs, r.rec, out.anc[k*nanc:(k+1)*nanc], r.ancOK, nil)
		}
	}
}

// validCells reports whether every cell of a row is UTF-8 text: cells
// holds them from offset off, each ending where ends says.
func validCells(cells []byte, ends []int, off int) bool {
	start := off
	for _, e := range ends {
		if !utf8.Valid(cells[start-off : e-off]) {
			return false
		}
		start = e
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
