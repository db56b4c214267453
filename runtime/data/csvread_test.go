package data

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// rowsContract has one kind of record, of three optional whole numbers
// and a date: a file with columns a, b and c only is refused for the date
// it lacks, and every cell that is not a number is listed with its row,
// its column and its text.
const rowsContract = `contract "Rows" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
  currency   GBP
}

data row "A row" {
  a  optional int
  b  optional int
  c  optional int
  on date
}
`

// wantRows loads a CSV file of rows as the loader did when encoding/csv
// read it, row by row, each row limited by the source: it returns the
// problems.
func wantRows(t *testing.T, l *loader, data []byte) string {
	t.Helper()
	lim := l.opts.limits
	fs := l.addFile(Input{Path: "rows.csv"}, "rows.csv")
	fs.format = "csv"
	src := newSource(bytes.NewReader(data), lim.FileBytes)
	src.peek(sniffBytes)
	if src.err != nil && src.err != io.EOF {
		l.report(fs, l.limitProblem(src.err, 0, fs.unit, false), 0)
		return problemLines(l.sortedErrors())
	}
	src.skipBOM()
	_, src.cr = l.sniffCSV(src.head)
	br := bufio.NewReaderSize(src, csvBuffer)
	r := csv.NewReader(br)
	r.FieldsPerRecord, r.ReuseRecord = -1, true
	src.stop = src.off + lim.RowBytes + csvBuffer
	header, err := r.Read()
	src.stop = -1
	if err != nil || len(header) != 3 {
		t.Fatalf("header %q: %v", header, err)
	}
	fs.schema, fs.headerRow = l.c.Schema("row"), 1
	cols := l.planColumns(fs, header)
	row, prevEnd := 1, endLine(r, header)
	pos := src.off - int64(br.Buffered())
	for {
		src.stop = pos + lim.RowBytes + csvBuffer
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		next := src.off - int64(br.Buffered())
		if err == nil && next-pos > lim.RowBytes {
			err = errRowLimit
		}
		if err != nil {
			l.csvError(fs, err, row, prevEnd)
			break
		}
		pos = next
		line, _ := r.FieldPos(0)
		row += line - prevEnd
		prevEnd = endLine(r, rec)
		ok := true
		for _, c := range rec {
			ok = ok && utf8Valid(c)
		}
		if !ok {
			l.csvError(fs, errNotUTF8, row, prevEnd)
			break
		}
		switch {
		case blankFrom(rec, 0):
		case len(rec) != 3:
			l.report(fs, problem{code: "wrong-cell-count", row: row, msg: fmt.Sprintf("the row has %d cells but the header has 3; check for a missing or extra comma, or an unquoted comma inside a cell", len(rec))}, 0)
		default:
			for i, c := range cols {
				if int64(len(rec[i])) > lim.FieldBytes {
					l.report(fs, l.tooLarge(row, "cell", len(rec[i])), i+1)
					break
				}
				if s := strings.TrimSpace(rec[i]); s != "" {
					if _, bad := l.cell(c.fc, c.t.f, s); bad.msg != "" {
						l.report(fs, problem{code: bad.code, row: row, column: c.label, field: c.field, value: s, msg: bad.msg}, i+1)
					}
				}
			}
		}
	}
	return problemLines(l.sortedErrors())
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\x00") == s }

// randomCSV returns a file of rows with a header of three names, made of
// the pieces that matter to splitting rows: separators, quotes, line ends
// of both kinds, blank lines, spaces, bytes that are not UTF-8 and, now
// and then, cells longer than the row limit.
func randomCSV(r *rand.Rand, cr bool) []byte {
	var b bytes.Buffer
	if r.IntN(4) == 0 {
		b.WriteString("\xef\xbb\xbf")
	}
	if cr {
		b.WriteString("a,b,c\r")
	} else {
		b.WriteString("a,b,c\n")
	}
	pieces := []string{"x", "yz", ",", ",", "\n", "\n", "\r\n", "\"", "\"q\"", "\"a,\nb\"", "\"\"", " ", "é", "\xff", "\r", "\n\n\n"}
	if cr {
		pieces = append(pieces, "\r", "\r", "\"m\rn\"")
	}
	if r.IntN(2) == 0 {
		wellFormed(r, &b, cr)
		return b.Bytes()
	}
	n := r.IntN(200)
	for range n {
		switch k := r.IntN(400); {
		case k == 0:
			b.WriteString(strings.Repeat("w", 60_000+r.IntN(20_000)))
		case k == 1:
			b.WriteString("\"" + strings.Repeat("v", 60_000+r.IntN(20_000)))
		case k == 2:
			b.WriteString(strings.Repeat("\n", 65_000+r.IntN(2_000)))
		case k < 200:
			// A well-formed row, as most are.
			fmt.Fprintf(&b, "p%d,\"q,%d\", r \n", r.IntN(100), r.IntN(10))
		default:
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
	}
	return b.Bytes()
}

// TestCSVRowsAsEncodingCSV checks that the rows of random files, cut into
// chunks of every size and read on one worker or several, load as they
// did when encoding/csv read them one by one: the same records, rows and
// problems, with the same limits.
func TestCSVRowsAsEncodingCSV(t *testing.T) {
	c := compileSource(t, "rows.occ", rowsContract)
	defer func(n int) { csvChunkBytes = n }(csvChunkBytes)
	r := rand.New(rand.NewPCG(1, 2))
	runs := 600
	if testing.Short() {
		runs = 100
	}
	for i := range runs {
		data := randomCSV(r, i%5 == 4)
		lim := Limits{RowBytes: int64(20 + r.IntN(200)), FileBytes: int64(len(data)) + 1}
		switch r.IntN(4) {
		case 0:
			lim.RowBytes = DefaultRowBytes
		case 1:
			lim.FileBytes = int64(1 + r.IntN(len(data)))
		case 2:
			if n := len(data) - sniffBytes; n > 0 {
				lim.FileBytes = int64(sniffBytes + r.IntN(n))
			}
		}
		want := wantRows(t, newLoader(c, newOptions([]Option{lim})), data)
		for _, w := range []Workers{1, 3} {
			csvChunkBytes = []int{1, 7, 64, 4096}[r.IntN(4)]
			// A stream of unknown size, read up to the file limit.
			open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
			_, errs := Load(c, []Input{{Path: "rows.csv", Open: open}}, lim, w)
			if got := problemLines(errs); got != want {
				t.Fatalf("file %d (%d bytes, %d workers, chunks of %d, %+v) %q:\ngot  %s\nwant %s", i, len(data), w, csvChunkBytes, lim, clipText(data), got, want)
			}
		}
	}
}

// wellFormed writes rows that encoding/csv reads without an error, but
// for the row limit: cells plain, empty, quoted with separators, quotes
// and line ends inside, and now and then long; rows of two to four cells
// ending in either line end; and blank lines, now and then many.
func wellFormed(r *rand.Rand, b *bytes.Buffer, cr bool) {
	end := []string{"\n", "\r\n"}
	if cr {
		end = []string{"\r"}
	}
	for range r.IntN(300) {
		if r.IntN(20) == 0 {
			n := 1 + r.IntN(3)
			if r.IntN(50) == 0 {
				n = 30_000 + r.IntN(4_000)
			}
			b.WriteString(strings.Repeat(end[r.IntN(len(end))], n))
		}
		cells := 2 + r.IntN(3)
		for i := range cells {
			if i > 0 {
				b.WriteByte(',')
			}
			switch k := r.IntN(100); {
			case k < 50:
				fmt.Fprintf(b, "%d", r.IntN(1000))
			case k < 60:
			case k < 70:
				b.WriteString(" v ")
			case k < 98:
				b.WriteString(`"` + []string{"a,b", "a\nb", "a\r\nb", `a""b`, "", "\n\n"}[r.IntN(6)] + `"`)
			default:
				b.WriteString(`"` + strings.Repeat("u\n", 30_000+r.IntN(10_000)) + `"`)
			}
		}
		b.WriteString(end[r.IntN(len(end))])
	}
}

func clipText(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}

// TestCSVSplitterRows checks that the splitter reads the first row of
// a text as encoding/csv does: the same cells, lines and errors.
func TestCSVSplitterRows(t *testing.T) {
	for _, in := range []string{
		"a,b\n", "a,\"b\n", "a,b\"c\n", "\"a\"b,c\n", "\n\n\"a\nb\"c\n", "\"a\"\"b\",\"c\r\nd\"\r\n",
		"x\r", "\"x\r", "\"\"", "a,\"\"\"\n", ",,\n", "\r\n\r\nz", "\"a\n\nb\",\"c\n\"\n", "\"a\"\rb\n", "é,\"ü\"",
	} {
		s := &csvSplitter{sep: ',', data: []byte(in), end: len(in), term: io.EOF}
		_, err := s.readRow()
		var cells []string
		start := 0
		for _, e := range s.ends {
			cells = append(cells, string(s.cells[start:e]))
			start = e
		}
		got := fmt.Sprintf("%q %v", cells, err)
		if err == nil {
			got += fmt.Sprintf(" lines %d-%d", s.startLine, s.endLine)
		}
		r := csv.NewReader(strings.NewReader(in))
		r.FieldsPerRecord = -1
		rec, err := r.Read()
		if err != nil {
			rec = nil
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("%q: %v", in, err)
			}
		}
		want := fmt.Sprintf("%q %v", rec, err)
		if err == nil {
			first, _ := r.FieldPos(0)
			want += fmt.Sprintf(" lines %d-%d", first, endLine(r, rec))
		} else if strings.Contains(got, "parse error") {
			got = got[strings.Index(got, " "):]
			want = want[strings.Index(want, " "):]
		}
		if got != want {
			t.Errorf("%q:\ngot  %s\nwant %s", in, got, want)
		}
	}
}

// TestCSVUnnamedColumnOnce checks that a value in a column with no name
// is reported for the first row that has one only, however the rows are
// cut into chunks and shared between workers.
func TestCSVUnnamedColumnOnce(t *testing.T) {
	c := compileSource(t, "rows.occ", rowsContract)
	defer func(n int) { csvChunkBytes = n }(csvChunkBytes)
	var b strings.Builder
	b.WriteString("a,b,c,\n1,2,3,\n")
	for i := range 50 {
		fmt.Fprintf(&b, "1,2,3,x%d\n", i)
	}
	want := `rows.csv:1: row.on: the header has no on column; every row needs one [missing-column]
rows.csv:3:4: column D: the column has no name in the header but holds "x0"; name the column or clear it [unnamed-column]`
	for _, n := range []int{1, 9, 64, 1 << 20} {
		csvChunkBytes = n
		for _, w := range []Workers{1, 3} {
			_, errs := Load(c, []Input{{Path: "rows.csv", Open: Bytes([]byte(b.String()))}}, w)
			if got := problemLines(errs); got != want {
				t.Errorf("chunks of %d, %d workers:\ngot  %s\nwant %s", n, w, got, want)
			}
		}
	}
}
