package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"occ/compiler"
	"occ/compiler/value"
	"occ/lang"
)

// Input is one data file given to the evaluator.
type Input struct {
	// Path is the file's name as given; it is used in messages.
	Path string
	// Schema is the data name the file holds, such as "goal"; "" detects it
	// from the file's header (CSV) or field names (JSON, YAML).
	Schema string
	// Data is the file's contents; the caller reads the file.
	Data []byte
}

// Set is validated input data.
type Set struct {
	// Records maps each top-level schema name to its records in input
	// order: files in the order given, rows in file order. Nested records
	// hang off their parents, in their list fields.
	Records map[string][]*value.Record
	// Files describes the inputs, in input order.
	Files []FileInfo
}

// FileInfo describes one loaded input file.
type FileInfo struct {
	Path   string
	Schema string // the data name the file holds
	Format string // csv, json, jsonl or yaml
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
// CSV, JSON, JSON Lines and YAML are read, by extension or else by
// looking at the first character. Nested records (goals of a review) are
// given inline under the list field in JSON and YAML, or as a separate
// file whose rows carry the parent's key fields, in any order relative to
// the parent's file.
func Load(c *compiler.Contract, inputs []Input) (*Set, lang.Diagnostics) {
	l := newLoader(c)
	l.run(inputs)
	if len(l.errs) > 0 {
		return nil, l.sortedErrors()
	}
	ds := &Set{Records: map[string][]*value.Record{}}
	for _, s := range c.TopSchemas() {
		ds.Records[s.Name] = l.tables[s].all
	}
	for _, fs := range l.files {
		ds.Files = append(ds.Files, fs.info)
	}
	return ds, nil
}

// loader holds the state of one Load.
type loader struct {
	c       *compiler.Contract
	sym     string // the currency symbol money cells may carry
	tables  map[*compiler.Schema]*table
	infos   map[*compiler.Schema]*schemaInfo
	caches  map[*compiler.Field]*fieldCache
	files   []*fileState
	fileIdx map[string]int
	errs    []sortedProblem
	seq     int
	seed    maphash.Seed
	keyBuf  []byte
	numBuf  []byte
	kv      []ref.Val
	alloc   value.RecordBlocks
	empty   ref.Val
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

// fileState is one input while loading.
type fileState struct {
	in      Input
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
	// unit names a row in messages: "row" for CSV, "line" otherwise.
	unit string
	yaml *yaml.Node
}

func newLoader(c *compiler.Contract) *loader {
	l := &loader{
		c:       c,
		sym:     currencySymbols[c.Currency],
		tables:  map[*compiler.Schema]*table{},
		infos:   map[*compiler.Schema]*schemaInfo{},
		caches:  map[*compiler.Field]*fieldCache{},
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
// for CSV it is the 1-based column number, which the diagnostic carries;
// values from afterColumns on sort after every column and name none.
func (l *loader) report(fs *fileState, e problem, col int) {
	fs.nerr++
	if fs.nerr > errorsPerFile {
		return
	}
	e.file = fs.in.Path
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
	for _, fs := range l.files {
		if n := fs.nerr - errorsPerFile; n > 0 {
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

// run loads every input: it detects each file's format and schema, then
// reads the files of top-level data first and nested data after (so that
// parents exist when a file of children is joined to them), then builds
// the nested lists.
func (l *loader) run(inputs []Input) {
	for i, in := range inputs {
		sum := sha256.Sum256(in.Data)
		fs := &fileState{in: in, idx: i, unit: "row", lastParent: -1}
		fs.format = detectFormat(in.Path, in.Data)
		if fs.format != "csv" {
			fs.unit = "line"
		}
		fs.info = FileInfo{Path: in.Path, Format: fs.format, SHA256: hex.EncodeToString(sum[:])}
		l.files = append(l.files, fs)
		if _, dup := l.fileIdx[in.Path]; !dup {
			l.fileIdx[in.Path] = i
		}
	}
	var order []*fileState
	for _, fs := range l.files {
		if l.checkText(fs) && l.chooseSchema(fs) {
			fs.info.Schema = fs.schema.Name
			order = append(order, fs)
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		return l.infos[order[i].schema].depth < l.infos[order[j].schema].depth
	})
	for _, fs := range order {
		if fs.schema.Parent != nil && !l.prepareJoin(fs) {
			continue
		}
		switch fs.format {
		case "csv":
			l.loadCSV(fs)
		case "json":
			l.loadJSON(fs)
		case "jsonl":
			l.loadJSONLines(fs)
		case "yaml":
			l.loadYAML(fs)
		}
		fs.yaml = nil
	}
	l.buildLists()
	for _, t := range l.tables {
		t.index = nil
	}
}

// checkText reports a file that is not UTF-8 text, at the line of the
// first bad byte.
func (l *loader) checkText(fs *fileState) bool {
	data := fs.in.Data
	if utf8.Valid(data) {
		return true
	}
	i := 0
	for i < len(data) {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		i += n
	}
	row := 1 + bytes.Count(data[:i], newline)
	if fs.format == "csv" {
		// Quoted newlines make spreadsheet rows differ from lines.
		r := csv.NewReader(bytes.NewReader(data[:i]))
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		row = 1
		for {
			if _, err := r.Read(); err != nil {
				break
			}
			row++
		}
		row = max(row-1, 1)
	}
	msg := "the file is not UTF-8 text; save it as UTF-8 and try again"
	if fs.format == "csv" {
		msg = `the file is not UTF-8 text (it may have been saved as "CSV" rather than "CSV UTF-8"); save it as UTF-8 and try again`
	}
	l.report(fs, problem{code: "not-utf8", row: row, msg: msg}, 0)
	return false
}

// detectFormat returns csv, json, jsonl or yaml, by extension or else by
// the first character.
func detectFormat(path string, data []byte) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv"
	case ".json":
		return "json"
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".yaml", ".yml":
		return "yaml"
	}
	t := bytes.TrimLeft(trimBOM(data), " \t\r\n")
	if len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return "json"
	}
	return "csv"
}

func trimBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
}
