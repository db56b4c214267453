package data

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"unicode/utf8"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// Input is one data file given to the evaluator.
type Input struct {
	// Path is the file's name as given; it is used in messages.
	Path string
	// Schema is the data name the file holds, such as "goal"; "" detects it
	// from the file's header (CSV, XLSX) or field names (JSON, YAML).
	Schema string
	// Sheet names the worksheet of an XLSX workbook to read; "" reads the
	// sheets named after the contract's data, or a workbook's only sheet.
	Sheet string
	// Open opens the file's contents; Load reads them once, from the
	// start, and closes them. File and Bytes make one.
	Open func() (io.ReadCloser, error)
}

// Set is validated input data.
type Set struct {
	// Records maps each top-level schema name to its records in input
	// order: files in the order given, rows in file order. Nested records
	// hang off their parents, in their list fields.
	Records map[string][]*value.Record
	// Files describes the inputs, in input order, a workbook's sheets in
	// the order of the workbook.
	Files []FileInfo

	// checked is set when Load made the set (see KeysChecked).
	checked bool
}

// KeysChecked reports whether Load made the set, and so checked its
// records' keys: every record has a value in each key field (a key field
// cannot be optional), no two top-level records of a schema have the
// same key, and no two records nested in one parent. A set made by hand
// may hold records that clash.
func (d *Set) KeysChecked() bool { return d.checked }

// FileInfo describes one loaded input file, or one sheet of a workbook.
type FileInfo struct {
	// Path is the file's name as given; for a sheet of a workbook it is
	// followed by "#" and the sheet's name, as in "book.xlsx#Reviews".
	Path   string
	Schema string // the data name the file holds
	Format string // csv, json, jsonl, yaml or xlsx
	SHA256 string // hex SHA-256 of the file's contents
	// Records counts the records the file holds directly (rows of a CSV
	// file, top-level objects of JSON or YAML), not nested ones.
	Records int
}

// errorsPerFile bounds the problems kept for one file, so that a file
// that is wrong throughout does not fill memory; the rest are counted in
// a final problem for the file.
var errorsPerFile = 1000

// internLimit bounds how many distinct values of one field are shared
// between records.
const internLimit = 1 << 18

// Load reads the inputs and checks them against the contract's data
// schemas. It returns the dataset, or nil and every problem found, as
// diagnostics whose span is the file, the row (or line) and the column.
//
// CSV, XLSX, JSON, JSON Lines and YAML are read: a workbook by its first
// bytes, the others by extension or else by their first character. CSV
// and JSON Lines are read row by row and JSON record by record, as they
// stream in; every file is bounded by the Limits (the defaults unless one
// is given). Nested records (goals of a review) are given inline under the
// list field in JSON and YAML, or as a separate file or sheet whose rows
// carry the parent's key fields, in any order relative to the parent's. A
// file given twice, by name or with the same contents as another, is
// refused.
func Load(c *compiler.Contract, inputs []Input, opts ...Option) (*Set, lang.Diagnostics) {
	l := newLoader(c, newOptions(opts))
	l.run(inputs)
	if len(l.errs) > 0 {
		return nil, l.sortedErrors()
	}
	ds := &Set{Records: map[string][]*value.Record{}, checked: true}
	for _, s := range c.TopSchemas() {
		ds.Records[s.Name] = l.tables[s].all
	}
	for _, fs := range l.files {
		if fs.schema != nil {
			ds.Files = append(ds.Files, fs.info)
		}
	}
	return ds, nil
}

// loader holds the state of one Load.
type loader struct {
	c       *compiler.Contract
	opts    options
	sym     string // the currency symbol money cells may carry
	tables  map[*compiler.Schema]*table
	infos   map[*compiler.Schema]*schemaInfo
	caches  map[cacheKey]*fieldCache
	files   []*fileState
	fileIdx map[string]int
	errs    []sortedProblem
	seq     int
	seed    maphash.Seed
	keyBuf  []byte
	kv      []ref.Val
	alloc   value.RecordBlocks
	empty   ref.Val
	// csvSpare is left by one CSV file's reading for the next.
	csvSpare csvSpare
	// books are the workbooks open, closed at the end of the load.
	books []*book
}

// sortedProblem is a problem with its sort keys.
type sortedProblem struct {
	problem
	file, row, col, seq int
}

// table holds the records of one schema.
type table struct {
	s   *compiler.Schema
	all []*value.Record
	// parentIdx holds, for a nested schema, each record's parent as an
	// index into the parent table's all.
	parentIdx []int32
	// index finds records by their full key (ancestors' keys, then
	// their own). Top-level keyed tables keep it while loading to find
	// duplicates; nested ones build it when a file of their children
	// needs it.
	index *keyIndex
}

// fileState is one input while loading, or one sheet of a workbook.
type fileState struct {
	in Input
	// name is the file's name in records and FileInfo: the path, and for
	// a sheet "#" and the sheet's name.
	name    string
	origins map[*compiler.Schema]*value.Origin
	idx     int
	format  string
	schema  *compiler.Schema
	info    FileInfo
	nerr    int
	// orphans is set when the file's records have no parent records at
	// all, which is reported once for the file rather than row by row.
	orphans bool
	// lastParent is the parent found for the previous record, with its
	// key lastAnc.
	lastParent int32
	lastAnc    []ref.Val
	// unit names a row in messages: "row" for CSV and XLSX, "line"
	// otherwise.
	unit string
	// duplicate is set when the file turns out to have the same contents
	// as an earlier one: its other problems are not reported.
	duplicate bool

	// The reading: src and size for every file; rc is the opened input,
	// closed when the file has been read.
	src  *source
	rc   io.ReadCloser
	size int64
	// CSV and JSON Lines are read through br: CSV's header, which ends on
	// line headerEnd, with sep between cells and, when decComma is set, a
	// comma as the decimal mark; JSON Lines a line at a time, its first
	// record line waiting in first.
	br        *bufio.Reader
	header    []string
	headerEnd int
	sep       rune
	decComma  bool
	first     []byte
	firstLine int
	lineBuf   []byte
	// doc is a YAML file, read whole, or the first bytes of a JSON file,
	// which is read as it streams in.
	doc  []byte
	yaml *yaml.Node
	// sheet is the worksheet a file of a workbook reads.
	sheet *sheet
	// headerRow is the row of a CSV file's or a sheet's header.
	headerRow int
	// cut is set when the reading of a CSV file stopped at a problem
	// before its end: the file's contents are not known, so it is not
	// checked for being a copy of another.
	cut bool
}

func newLoader(c *compiler.Contract, opts options) *loader {
	l := &loader{
		c:       c,
		opts:    opts,
		sym:     currencySymbols[c.Currency],
		tables:  map[*compiler.Schema]*table{},
		infos:   map[*compiler.Schema]*schemaInfo{},
		caches:  map[cacheKey]*fieldCache{},
		fileIdx: map[string]int{},
		seed:    maphash.MakeSeed(),
		kv:      make([]ref.Val, 0, 8),
		empty:   types.NewRefValList(types.DefaultTypeAdapter, []ref.Val{}),
	}
	if c.Currency == "" {
		l.sym = "£"
	}
	for _, s := range c.Schemas {
		info := newSchemaInfo(s)
		l.infos[s] = info
		t := &table{s: s}
		if s.Parent == nil && len(s.Keys) > 0 {
			t.index = newKeyIndex()
		}
		l.tables[s] = t
	}
	return l
}

var currencySymbols = map[string]string{
	"GBP": "£", "EUR": "€", "USD": "$", "AUD": "$", "NZD": "$", "CAD": "$", "JPY": "¥",
}

// report records a problem in file fs. col orders problems within a row:
// for CSV and XLSX it is the 1-based column number, which the diagnostic
// carries; values from afterColumns on sort after every column and name
// none.
func (l *loader) report(fs *fileState, e problem, col int) {
	fs.nerr++
	if fs.nerr > errorsPerFile {
		return
	}
	e.file = fs.in.Path
	if fs.sheet != nil {
		e.sheet = fs.sheet.name
	}
	if col > 0 && col < afterColumns {
		e.col = col
	}
	l.seq++
	l.errs = append(l.errs, sortedProblem{problem: e, file: fs.idx, row: e.row, col: col, seq: l.seq})
}

// reportAt records a problem located by a record already loaded.
func (l *loader) reportAt(r *value.Record, e problem) {
	fs := l.files[l.fileIdx[r.File()]]
	e.row = r.Row
	l.report(fs, e, 1<<30)
}

func (l *loader) sortedErrors() lang.Diagnostics {
	kept := l.errs[:0]
	for _, e := range l.errs {
		if !l.files[e.file].duplicate || e.code == "duplicate-file" {
			kept = append(kept, e)
		}
	}
	l.errs = kept
	for _, fs := range l.files {
		if n := fs.nerr - errorsPerFile; n > 0 && !fs.duplicate {
			l.errs = append(l.errs, sortedProblem{
				problem: problem{file: fs.in.Path, code: "too-many-problems", msg: fmt.Sprintf("%d more problems in this file are not listed", n)},
				file:    fs.idx, row: math.MaxInt,
			})
		}
	}
	sort.SliceStable(l.errs, func(i, j int) bool {
		a, b := &l.errs[i], &l.errs[j]
		if a.file != b.file {
			return a.file < b.file
		}
		if a.row != b.row {
			return a.row < b.row
		}
		if a.col != b.col {
			return a.col < b.col
		}
		return a.seq < b.seq
	})
	out := make(lang.Diagnostics, len(l.errs))
	for i := range l.errs {
		out[i] = l.errs[i].diagnostic()
	}
	return out
}

// addFile registers a file (or sheet) being loaded.
func (l *loader) addFile(in Input, name string) *fileState {
	fs := &fileState{in: in, name: name, idx: len(l.files), unit: "row", lastParent: -1, size: -1}
	fs.info = FileInfo{Path: name}
	l.files = append(l.files, fs)
	if _, dup := l.fileIdx[name]; !dup {
		l.fileIdx[name] = fs.idx
	}
	return fs
}

// run loads every input: it opens each file, detects its format and the
// data it holds (reading a CSV file's header, a JSON Lines file's first
// line, a JSON file's first bytes, and the formats read whole), then reads the files of top-level
// data first and nested data after (so that parents exist when a file of
// children is joined to them), then builds the nested lists.
func (l *loader) run(inputs []Input) {
	defer l.closeAll()
	paths := map[string]*fileState{}
	for _, in := range inputs {
		fs := l.addFile(in, in.Path)
		key := filepath.Clean(in.Path) + "\x00" + in.Sheet
		if first, dup := paths[key]; dup {
			l.report(fs, problem{code: "duplicate-file", msg: fmt.Sprintf("the file is given twice (the first time as input %d); give each file once", first.idx+1)}, 0)
			continue
		}
		paths[key] = fs
		l.open(fs)
	}
	var order []*fileState
	for _, fs := range l.files {
		if fs.schema != nil && !fs.duplicate {
			fs.info.Schema = fs.schema.Name
			order = append(order, fs)
		} else {
			fs.close()
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		return l.infos[order[i].schema].depth < l.infos[order[j].schema].depth
	})
	for _, fs := range order {
		if fs.schema.Parent == nil || l.prepareJoin(fs) {
			switch fs.format {
			case "csv":
				l.loadCSV(fs)
			case "json":
				l.loadJSON(fs)
			case "jsonl":
				l.loadJSONLines(fs)
			case "yaml":
				l.loadYAML(fs)
			case "xlsx":
				l.loadSheet(fs)
			}
		}
		if fs.src != nil && fs.src.complete() && fs.sheet == nil && !fs.cut {
			fs.info.SHA256 = fs.src.sum()
			l.checkDuplicate(fs)
		}
		fs.close()
	}
	l.buildLists()
	l.checkPerPerson()
	for _, t := range l.tables {
		t.index = nil
	}
}

// open opens an input, detects its format and reads as much as it takes
// to choose the data it holds. It leaves fs.schema nil when the file
// cannot be loaded (having reported why).
func (l *loader) open(fs *fileState) {
	in := fs.in
	if in.Open == nil {
		l.report(fs, problem{code: "read-error", msg: "the file cannot be read: nothing opens it"}, 0)
		return
	}
	rc, err := in.Open()
	if err != nil {
		l.report(fs, problem{code: "read-error", msg: "the file cannot be read: " + openReason(err)}, 0)
		return
	}
	fs.rc = rc
	fs.size = sizeOf(rc)
	max := l.opts.limits.FileBytes
	if fs.size > max {
		l.report(fs, problem{code: "file-too-large", msg: fmt.Sprintf("the file holds %s, more than the %s a data file may hold", bytesText(fs.size), sizeText(max))}, 0)
		return
	}
	fs.src = newSource(rc, max)
	head := fs.src.peek(sniffBytes)
	if fs.src.err != nil && fs.src.err != io.EOF {
		l.report(fs, l.limitProblem(fs.src.err, 0, fs.unit, false), 0)
		return
	}
	fs.format = detectFormat(in.Path, head)
	if fs.format == "json" || fs.format == "jsonl" || fs.format == "yaml" {
		fs.unit = "line"
	}
	fs.info.Format = fs.format
	if in.Sheet != "" && fs.format != "xlsx" {
		l.report(fs, problem{code: "missing-sheet", msg: fmt.Sprintf("the file is not a workbook, so it has no sheet %s", quote(in.Sheet))}, 0)
		return
	}
	switch fs.format {
	case "xls", "ods":
		kind := "an older Excel workbook (.xls), or one protected by a password"
		if fs.format == "ods" {
			kind = "an OpenDocument spreadsheet (.ods)"
		}
		l.report(fs, problem{code: "unsupported-format", msg: fmt.Sprintf("the file is %s, which cannot be read; save it as an Excel workbook (.xlsx) without a password, or as CSV UTF-8", kind)}, 0)
		return
	case "xlsx":
		l.openBook(fs)
		return
	case "csv":
		if !l.openCSV(fs) {
			return
		}
	case "jsonl":
		if !l.openJSONLines(fs) {
			return
		}
	case "json":
		if !l.openJSON(fs) {
			return
		}
	default:
		fs.src.skipBOM()
		doc, err := fs.src.readAll(fs.size)
		if err != nil {
			l.report(fs, l.limitProblem(err, 0, fs.unit, false), 0)
			return
		}
		fs.doc = doc
		fs.info.SHA256 = fs.src.sum()
		if !l.checkText(fs) || !l.checkDuplicate(fs) {
			return
		}
	}
	l.chooseSchema(fs)
}

// openReason says why a file did not open, without repeating its name.
func openReason(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// close releases what reading fs held.
func (fs *fileState) close() {
	if fs.rc != nil {
		fs.rc.Close()
		fs.rc = nil
	}
	fs.br, fs.doc, fs.yaml, fs.first, fs.lineBuf = nil, nil, nil, nil, nil
	if fs.src != nil {
		fs.src.head = nil
	}
	if fs.sheet != nil {
		fs.sheet.close()
	}
}

func (l *loader) closeAll() {
	for _, fs := range l.files {
		fs.close()
	}
	for _, b := range l.books {
		b.close()
	}
}

// checkDuplicate refuses a file with the same contents as one read before
// it (of the same sheet, for workbooks): that file is given twice, and
// its records would be counted twice. The file's other problems are not
// reported. It reports whether fs is no duplicate.
func (l *loader) checkDuplicate(fs *fileState) bool {
	for _, o := range l.files {
		if o == fs || o.duplicate || o.info.SHA256 == "" || o.info.SHA256 != fs.info.SHA256 || o.in.Sheet != fs.in.Sheet || o.sheet != nil {
			continue
		}
		fs.duplicate = true
		l.report(fs, problem{code: "duplicate-file", msg: fmt.Sprintf("the file has the same contents as %s; give each file once", o.in.Path)}, 0)
		return false
	}
	return true
}

// checkText reports a file read whole that is not UTF-8 text, at the line
// of the first bad byte.
func (l *loader) checkText(fs *fileState) bool {
	return l.checkUTF8(fs, fs.doc, true)
}

// checkUTF8 reports data that is not UTF-8 text, at the line of the first
// bad byte; whole is false when data is the start of a file, which may end
// in part of a character.
func (l *loader) checkUTF8(fs *fileState, data []byte, whole bool) bool {
	if !whole {
		data = data[:fullRunes(data)]
	}
	if utf8.Valid(data) {
		return true
	}
	row := 1 + bytes.Count(data[:firstBadByte(data)], newline)
	l.report(fs, problem{code: "not-utf8", row: row, msg: "the file is not UTF-8 text; save it as UTF-8 and try again"}, 0)
	return false
}

// firstBadByte returns the offset of the first byte of data that is not
// part of a UTF-8 character, or len(data).
func firstBadByte(data []byte) int {
	i := 0
	for i < len(data) {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		i += n
	}
	return i
}

// fullRunes returns the length of data without the bytes at its end that
// start a character but do not complete it.
func fullRunes(data []byte) int {
	for k := 1; k < utf8.UTFMax && k <= len(data); k++ {
		c := data[len(data)-k]
		if c < utf8.RuneSelf {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(data[len(data)-k:]) {
				return len(data) - k
			}
			break
		}
	}
	return len(data)
}

// openJSON reads the first bytes of a JSON file, to tell the data it
// holds from its first record; it reports whether the file can be
// loaded. The rest is read as it is loaded.
func (l *loader) openJSON(fs *fileState) bool {
	fs.src.skipBOM()
	head := fs.src.peek(int(min(l.opts.limits.RowBytes, jsonHeadBytes)))
	if err := fs.src.err; err != nil && err != io.EOF {
		l.report(fs, l.limitProblem(err, 0, fs.unit, false), 0)
		return false
	}
	if !l.checkUTF8(fs, head, fs.src.complete()) {
		return false
	}
	fs.doc = head
	return true
}

// jsonHeadBytes is the most of a JSON file read to tell the data it
// holds.
const jsonHeadBytes = 1 << 20

// notUTF8 is the problem of a CSV or JSON Lines row that is not UTF-8.
func notUTF8(fs *fileState, row int) problem {
	msg := "the file is not UTF-8 text; save it as UTF-8 and try again"
	if fs.format == "csv" {
		msg = `the file is not UTF-8 text (it may have been saved as "CSV" rather than "CSV UTF-8"); save it as UTF-8 and try again`
	}
	return problem{code: "not-utf8", row: row, msg: msg}
}

func trimBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, bom)
}
