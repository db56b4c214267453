package runtime

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"occ/compiler"
	"occ/compiler/value"
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

// Dataset is validated input data.
type Dataset struct {
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

// DataError is one problem in the input data.
type DataError struct {
	File string
	// Row is the spreadsheet row for CSV (the header is row 1, the first
	// data row 2), the 1-based line where the record starts for JSON and
	// YAML, and the line for JSON Lines; 0 when the problem concerns the
	// whole file.
	Row int
	// Column is the CSV header name and letter, as in
	// "actual_hours (column D)", or the JSON path of the value, as in
	// "[3].goals[1].met_on".
	Column string
	// Field is the schema field, as in "review.actual_hours".
	Field string
	// Value is the bad value as written ("" when missing).
	Value string
	// Msg says in plain words what is wrong and what was expected, as in
	// `"forty" is not a number; expected a number between 0 and 400`.
	Msg string
}

// Error formats the problem as
//
//	reviews.csv:7: column actual_hours (D): review.actual_hours: "forty" is not a number; expected a number between 0 and 400
func (e DataError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Row > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Row))
		}
		b.WriteString(": ")
	}
	if e.Column != "" {
		if name, letter, ok := splitColumn(e.Column); ok {
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
			b.WriteString(e.Column)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
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

// maxListed is how many problems DataErrors.Error lists.
const maxListed = 50

// DataErrors is every problem found in the input data, sorted by file
// (in input order), row and column.
type DataErrors []DataError

// Error lists the problems one a line, at most 50, then how many more
// there are.
func (es DataErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i == maxListed {
			fmt.Fprintf(&b, "\nand %d more", len(es)-maxListed)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// errorsPerFile bounds the problems kept for one file, so that a file
// that is wrong throughout does not fill memory; the rest are counted in
// a final problem for the file.
var errorsPerFile = 1000

// internLimit bounds how many distinct values of one field are shared
// between records.
const internLimit = 1 << 18

// Load reads the inputs and checks them against the contract's data
// schemas. It returns the dataset, or nil and every problem found.
//
// CSV, JSON, JSON Lines and YAML are read, by extension or else by
// looking at the first character. Nested records (goals of a review) are
// given inline under the list field in JSON and YAML, or as a separate
// file whose rows carry the parent's key fields, in any order relative to
// the parent's file.
func Load(c *compiler.Contract, inputs []Input) (*Dataset, DataErrors) {
	l := newLoader(c)
	l.run(inputs)
	if len(l.errs) > 0 {
		return nil, l.sortedErrors()
	}
	ds := &Dataset{Records: map[string][]*value.Record{}}
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
	errs    []dataErr
	seq     int
	seed    maphash.Seed
	keyBuf  []byte
	numBuf  []byte
	kv      []ref.Val
	alloc   value.RecordBlocks
	empty   ref.Val
}

// dataErr is a DataError with its sort keys.
type dataErr struct {
	DataError
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

// report records a problem in file fs. col orders problems within a row.
func (l *loader) report(fs *fileState, e DataError, col int) {
	fs.nerr++
	if fs.nerr > errorsPerFile {
		return
	}
	e.File = fs.in.Path
	l.seq++
	l.errs = append(l.errs, dataErr{DataError: e, file: fs.idx, row: e.Row, col: col, seq: l.seq})
}

// reportAt records a problem located by a record already loaded.
func (l *loader) reportAt(r *value.Record, e DataError) {
	fs := l.files[l.fileIdx[r.File()]]
	e.Row = r.Row
	l.report(fs, e, 1<<30)
}

func (l *loader) sortedErrors() DataErrors {
	for _, fs := range l.files {
		if n := fs.nerr - errorsPerFile; n > 0 {
			l.errs = append(l.errs, dataErr{
				DataError: DataError{File: fs.in.Path, Msg: fmt.Sprintf("%d more problems in this file are not listed", n)},
				file:      fs.idx, row: math.MaxInt,
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
	out := make(DataErrors, len(l.errs))
	for i := range l.errs {
		out[i] = l.errs[i].DataError
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
	l.report(fs, DataError{Row: row, Msg: msg}, 0)
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

// ---- schemas and columns ----

// schemaInfo describes how records of one schema appear in files.
type schemaInfo struct {
	s     *compiler.Schema
	depth int
	// names maps normalized field names, and the ancestors' key names,
	// to their target.
	names map[string]target
	// anc are the ancestors' key fields, root first; a file of this
	// schema's records carries them to find each record's parent.
	anc []ancKey
	// known lists the names a file may use, for suggestions.
	known []string
}

type ancKey struct {
	s *compiler.Schema
	f *compiler.Field
}

// target is what a column or property holds: one of the schema's own
// fields (anc < 0) or an ancestor's key (anc indexes schemaInfo.anc).
type target struct {
	f   *compiler.Field
	anc int
}

func newSchemaInfo(s *compiler.Schema) *schemaInfo {
	info := &schemaInfo{s: s, names: map[string]target{}}
	for _, f := range s.Fields {
		info.names[normName(f.Name)] = target{f: f, anc: -1}
		if f.Kind != compiler.ListField {
			info.known = append(info.known, f.Name)
		}
	}
	var chain []*compiler.Schema
	for p := s.Parent; p != nil; p = p.Parent {
		chain = append([]*compiler.Schema{p}, chain...)
	}
	info.depth = len(chain)
	bare := map[string]int{}
	for _, p := range chain {
		for _, k := range p.Keys {
			bare[normName(k.Name)]++
		}
	}
	for _, p := range chain {
		for _, k := range p.Keys {
			t := target{f: k, anc: len(info.anc)}
			info.anc = append(info.anc, ancKey{s: p, f: k})
			q := p.Name + "." + k.Name
			info.names[normName(q)] = t
			n := normName(k.Name)
			if _, own := info.names[n]; !own && bare[n] == 1 {
				info.names[n] = t
				info.known = append(info.known, k.Name)
			} else {
				info.known = append(info.known, q)
			}
		}
	}
	return info
}

// fieldName names a target in messages, as in review.person.
func (info *schemaInfo) fieldName(t target) string {
	if t.anc >= 0 {
		return info.anc[t.anc].s.Name + "." + t.f.Name
	}
	return info.s.Name + "." + t.f.Name
}

// columnName is the name a target's column has in a file.
func (info *schemaInfo) columnName(t target) string {
	if t.anc < 0 {
		return t.f.Name
	}
	if got, ok := info.names[normName(t.f.Name)]; ok && got == t {
		return t.f.Name
	}
	return info.anc[t.anc].s.Name + "." + t.f.Name
}

// required lists the columns a file of this schema must have: the
// required fields and the ancestors' keys.
func (info *schemaInfo) required() []target {
	var out []target
	for _, f := range info.s.Fields {
		if !f.Optional && f.Kind != compiler.ListField {
			out = append(out, target{f: f, anc: -1})
		}
	}
	for i, a := range info.anc {
		out = append(out, target{f: a.f, anc: i})
	}
	return out
}

// normName matches header names and field names: case is ignored,
// surrounding spaces trimmed and inner runs of spaces read as "_".
func normName(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, " \t") {
		s = strings.Join(strings.Fields(s), "_")
	}
	return strings.ToLower(s)
}

// chooseSchema sets fs.schema from Input.Schema or by detection, and
// reports when it cannot.
func (l *loader) chooseSchema(fs *fileState) bool {
	if name := fs.in.Schema; name != "" {
		s := l.c.Schema(name)
		if s == nil {
			var names []string
			for _, s := range l.c.Schemas {
				names = append(names, s.Name)
			}
			msg := fmt.Sprintf("the contract has no data named %q", name)
			if sug := suggest(name, names); sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			} else {
				msg += "; it has " + andList(names)
			}
			l.report(fs, DataError{Msg: msg}, 0)
			return false
		}
		fs.schema = s
		return true
	}
	if len(l.c.Schemas) == 0 {
		l.report(fs, DataError{Msg: "the contract declares no data"}, 0)
		return false
	}
	switch fs.format {
	case "csv":
		header, err := readCSVHeader(fs.in.Data)
		if err != nil {
			// Any schema will do: loadCSV reports the problem.
			fs.schema = l.c.TopSchemas()[0]
			return true
		}
		return l.detect(fs, header, l.c.Schemas, "header")
	case "yaml":
		if !l.parseYAML(fs) {
			return false
		}
		tops := l.c.TopSchemas()
		if len(tops) == 1 {
			fs.schema = tops[0]
			return true
		}
		keys := yamlFirstKeys(fs.yaml)
		if len(keys) == 0 {
			fs.schema = tops[0] // loadYAML reports the problem
			return true
		}
		return l.detect(fs, keys, tops, "first record")
	default:
		tops := l.c.TopSchemas()
		if len(tops) == 1 {
			fs.schema = tops[0]
			return true
		}
		keys := jsonFirstKeys(trimBOM(fs.in.Data))
		if len(keys) == 0 {
			fs.schema = tops[0] // loadJSON reports the problem
			return true
		}
		return l.detect(fs, keys, tops, "first record")
	}
}

// detect chooses the schema whose fields fit names: every name known and
// every required field present. When none fits, the schema that knows
// clearly the most names is taken, so that the file's problems are
// reported column by column.
func (l *loader) detect(fs *fileState, names []string, cands []*compiler.Schema, what string) bool {
	var fits []*compiler.Schema
	var best *compiler.Schema
	bestScore, tie := -1, false
	nonEmpty := 0
	for _, n := range names {
		if strings.TrimSpace(n) != "" {
			nonEmpty++
		}
	}
	type lack struct{ missing, unknown []string }
	lacks := map[*compiler.Schema]lack{}
	for _, s := range cands {
		info := l.infos[s]
		score := 0
		var lk lack
		have := map[target]bool{}
		for _, n := range names {
			if strings.TrimSpace(n) == "" {
				continue
			}
			if t, ok := info.names[normName(n)]; ok && t.f.Kind != compiler.ListField {
				score++
				have[t] = true
			} else {
				lk.unknown = append(lk.unknown, strings.TrimSpace(n))
			}
		}
		for _, t := range info.required() {
			if !have[t] {
				lk.missing = append(lk.missing, info.columnName(t))
			}
		}
		lacks[s] = lk
		if len(lk.missing) == 0 && len(lk.unknown) == 0 {
			fits = append(fits, s)
		}
		switch {
		case score > bestScore:
			best, bestScore, tie = s, score, false
		case score == bestScore:
			tie = true
		}
	}
	if len(fits) == 1 {
		fs.schema = fits[0]
		return true
	}
	var names2 []string
	for _, s := range fits {
		names2 = append(names2, s.Name)
	}
	if len(fits) > 1 {
		l.report(fs, DataError{Row: 1, Msg: fmt.Sprintf("the %s fits %s alike; say which data the file holds", what, andList(names2))}, 0)
		return false
	}
	if !tie && bestScore > 0 && 2*bestScore >= nonEmpty {
		fs.schema = best
		return true
	}
	var parts []string
	for _, s := range cands {
		lk := lacks[s]
		var p []string
		if len(lk.missing) > 0 {
			p = append(p, "lacks "+andList(lk.missing))
		}
		if len(lk.unknown) > 0 {
			p = append(p, "has no field "+orList(lk.unknown))
		}
		parts = append(parts, s.Name+" "+strings.Join(p, " and "))
	}
	row := 1
	if fs.format != "csv" {
		row = 0
	}
	l.report(fs, DataError{Row: row, Msg: fmt.Sprintf("cannot tell which data the file holds: the %s matches none of the contract's data (%s); say which data the file holds",
		what, strings.Join(parts, "; "))}, 0)
	return false
}

// prepareJoin makes sure the records of fs can be joined to their
// parents: the parent schema has keys and its index is built.
func (l *loader) prepareJoin(fs *fileState) bool {
	s := fs.schema
	for p := s.Parent; p != nil; p = p.Parent {
		if len(p.Keys) == 0 {
			l.report(fs, DataError{Msg: fmt.Sprintf("%s records cannot be given in a file of their own because %s has no key fields to join them on; give them inline in the %s file",
				s.Name, p.Name, s.Root().Name)}, 0)
			return false
		}
	}
	pt := l.tables[s.Parent]
	if len(pt.all) == 0 {
		l.report(fs, DataError{Msg: fmt.Sprintf("no %s data was given, so the %s records in this file belong to nothing", s.Parent.Name, s.Name)}, 0)
		fs.orphans = true
		return true
	}
	if pt.index == nil {
		pt.index = newKeyIndex()
		for i, r := range pt.all {
			vals := l.keyVals(pt.s, r, l.kv[:0])
			l.kv = vals
			if complete(vals) {
				pt.index.add(l.hashVals(vals), int32(i))
			}
		}
	}
	return true
}

// ---- keys ----

// keyIndex finds records by the hash of their full key. Different keys
// with the same hash are kept apart in more.
type keyIndex struct {
	m    map[uint64]int32
	more map[uint64][]int32
}

func newKeyIndex() *keyIndex {
	return &keyIndex{m: map[uint64]int32{}, more: map[uint64][]int32{}}
}

func (x *keyIndex) find(h uint64, match func(int32) bool) int32 {
	if i, ok := x.m[h]; ok && match(i) {
		return i
	}
	for _, i := range x.more[h] {
		if match(i) {
			return i
		}
	}
	return -1
}

func (x *keyIndex) add(h uint64, i int32) {
	if _, ok := x.m[h]; !ok {
		x.m[h] = i
		return
	}
	x.more[h] = append(x.more[h], i)
}

// keyVals appends r's full key, root first: its ancestors' keys, then its
// own.
func (l *loader) keyVals(s *compiler.Schema, r *value.Record, dst []ref.Val) []ref.Val {
	if s.Parent != nil {
		if r.Parent == nil {
			for range l.infos[s].anc {
				dst = append(dst, nil)
			}
		} else {
			dst = l.keyVals(s.Parent, r.Parent, dst)
		}
	}
	for _, k := range s.Keys {
		dst = append(dst, r.Fields[k.Index])
	}
	return dst
}

func complete(vals []ref.Val) bool {
	for _, v := range vals {
		if v == nil {
			return false
		}
	}
	return true
}

func (l *loader) hashVals(vals []ref.Val) uint64 {
	b := l.keyBuf[:0]
	for _, v := range vals {
		b = appendKey(b, v)
	}
	l.keyBuf = b
	return maphash.Bytes(l.seed, b)
}

// appendKey appends a canonical encoding of v: values equal as values
// (dates as dates, 1.50 and 1.5 as numbers) encode alike.
func appendKey(b []byte, v ref.Val) []byte {
	switch x := v.(type) {
	case types.String:
		b = append(b, 's')
		b = binary.AppendUvarint(b, uint64(len(x)))
		b = append(b, x...)
	case types.Int:
		b = append(b, 'i')
		b = binary.LittleEndian.AppendUint64(b, uint64(x))
	case types.Bool:
		if x {
			b = append(b, 't')
		} else {
			b = append(b, 'f')
		}
	case value.Date:
		b = append(b, 'd')
		b = binary.LittleEndian.AppendUint64(b, uint64(x.Sub(value.Date{})))
	case value.Decimal:
		b = append(b, 'n')
		b = appendCanonical(b, x)
		b = append(b, 0)
	case value.Money:
		b = append(b, 'm')
		b = appendCanonical(b, x.Decimal())
		b = append(b, 0)
	default:
		b = append(b, 0)
	}
	return b
}

func appendCanonical(b []byte, d value.Decimal) []byte {
	s := d.String()
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return append(b, s...)
}

func equalVal(a, b ref.Val) bool {
	switch x := a.(type) {
	case types.String:
		y, ok := b.(types.String)
		return ok && x == y
	case types.Int:
		y, ok := b.(types.Int)
		return ok && x == y
	case types.Bool:
		y, ok := b.(types.Bool)
		return ok && x == y
	case value.Date:
		y, ok := b.(value.Date)
		return ok && x == y
	case value.Decimal:
		y, ok := b.(value.Decimal)
		return ok && x.Cmp(y) == 0
	case value.Money:
		y, ok := b.(value.Money)
		return ok && x.Cmp(y) == 0
	case nil:
		return b == nil
	}
	return false
}

func equalVals(a, b []ref.Val) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalVal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// describeKey writes key values with their names: "person P1 and month
// 2026-05-01".
func describeKey(names []string, vals []ref.Val) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = names[i] + " " + showVal(v)
	}
	return andList(parts)
}

func showVal(v ref.Val) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case types.String:
		return string(x)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v.Value())
}

// fullKeyNames names the fields of s's full key.
func (l *loader) fullKeyNames(s *compiler.Schema) []string {
	var names []string
	for _, a := range l.infos[s].anc {
		names = append(names, a.f.Name)
	}
	for _, k := range s.Keys {
		names = append(names, k.Name)
	}
	return names
}

// describeRecord names a record for messages: "the review with person P1
// and month 2026-05-01", or by its place when its schema has no keys.
func (l *loader) describeRecord(s *compiler.Schema, r *value.Record) string {
	if len(s.Keys) > 0 {
		vals := l.keyVals(s, r, nil)
		return fmt.Sprintf("the %s with %s", s.Name, describeKey(l.fullKeyNames(s), vals))
	}
	return fmt.Sprintf("the %s on %s %d of %s", s.Name, l.unitOf(r), r.Row, r.File())
}

func (l *loader) unitOf(r *value.Record) string {
	return l.files[l.fileIdx[r.File()]].unit
}

// where says where an earlier record is, relative to file fs.
func (l *loader) where(fs *fileState, r *value.Record) string {
	unit := l.unitOf(r)
	if r.File() == fs.in.Path {
		return fmt.Sprintf("%s %d", unit, r.Row)
	}
	return fmt.Sprintf("%s %s %d", r.File(), unit, r.Row)
}

// ---- records ----

// origin returns the Origin shared by the records of schema s read from
// the file.
func (fs *fileState) origin(s *compiler.Schema) *value.Origin {
	o, ok := fs.origins[s]
	if !ok {
		if fs.origins == nil {
			fs.origins = map[*compiler.Schema]*value.Origin{}
		}
		o = &value.Origin{Schema: s.Type, File: fs.in.Path}
		fs.origins[s] = o
	}
	return o
}

// reserve makes room for about n more records of fs's schema.
func (l *loader) reserve(fs *fileState, n int) {
	t := l.tables[fs.schema]
	t.all = slices.Grow(t.all, n)
	if t.s.Parent != nil {
		t.parentIdx = slices.Grow(t.parentIdx, n)
	}
	if t.index != nil && len(t.index.m) == 0 {
		t.index.m = make(map[uint64]int32, n)
	}
}

// add appends a record read from fs to its table. A top-level record is
// checked for a duplicate key. A nested record given in a file of its
// own carries its ancestors' keys in anc and is attached to the parent
// with those keys; ancOK is false when some of them could not be read
// (already reported). It returns the record's index, or -1.
func (l *loader) add(fs *fileState, rec *value.Record, anc []ref.Val, ancOK bool, col string) int32 {
	s := fs.schema
	pidx := int32(-1)
	if s.Parent != nil {
		if !ancOK || fs.orphans {
			return -1
		}
		pt := l.tables[s.Parent]
		switch {
		case fs.lastParent >= 0 && equalVals(anc, fs.lastAnc):
			pidx = fs.lastParent // rows of one parent usually come together
		case fs.lastParent >= 0 && int(fs.lastParent)+1 < len(pt.all) &&
			equalVals(anc, l.keyVals(pt.s, pt.all[fs.lastParent+1], l.kv[:0])):
			// and files sorted like their parents' file go on to the next.
			pidx = fs.lastParent + 1
			fs.lastParent = pidx
			fs.lastAnc = append(fs.lastAnc[:0], anc...)
		default:
			pidx = pt.index.find(l.hashVals(anc), func(i int32) bool {
				l.kv = l.keyVals(pt.s, pt.all[i], l.kv[:0])
				return equalVals(l.kv, anc)
			})
			fs.lastParent = pidx
			fs.lastAnc = append(fs.lastAnc[:0], anc...)
		}
		if pidx < 0 {
			l.report(fs, DataError{Row: rec.Row, Column: col, Msg: fmt.Sprintf("no %s with %s", s.Parent.Name, describeKey(l.fullKeyNames(s.Parent), anc))}, 1<<29)
			return -1
		}
		rec.Parent = pt.all[pidx]
	}
	return l.append(fs, l.tables[s], rec, pidx, col)
}

// append adds rec to t, checking top-level keys for duplicates.
func (l *loader) append(fs *fileState, t *table, rec *value.Record, pidx int32, col string) int32 {
	idx := int32(len(t.all))
	t.all = append(t.all, rec)
	if t.s.Parent != nil {
		t.parentIdx = append(t.parentIdx, pidx)
	}
	if t.index != nil {
		vals := l.keyVals(t.s, rec, l.kv[:0])
		l.kv = vals
		if complete(vals) {
			h := l.hashVals(vals)
			if t.s.Parent == nil {
				first := t.index.find(h, func(i int32) bool {
					for _, k := range t.s.Keys {
						if !equalVal(t.all[i].Fields[k.Index], rec.Fields[k.Index]) {
							return false
						}
					}
					return true
				})
				if first >= 0 {
					f := t.all[first]
					l.report(fs, DataError{Row: rec.Row, Column: col, Msg: fmt.Sprintf("duplicate %s with %s; the first is on %s",
						t.s.Name, describeKey(l.fullKeyNames(t.s), l.keyVals(t.s, rec, nil)), l.where(fs, f))}, 1<<29)
					return idx
				}
			}
			t.index.add(h, idx)
		}
	}
	return idx
}

// buildLists fills every list field from the nested records, in input
// order, and checks each list's size and its records' keys.
func (l *loader) buildLists() {
	for _, ps := range l.c.Schemas {
		pt := l.tables[ps]
		for _, lf := range ps.Lists {
			if lf.Elem == nil || lf.Elem.ParentField != lf {
				for _, p := range pt.all {
					p.Fields[lf.Index] = l.empty
				}
				continue
			}
			ct := l.tables[lf.Elem]
			off := make([]int32, len(pt.all)+1)
			for _, p := range ct.parentIdx {
				off[p+1]++
			}
			for i := 1; i < len(off); i++ {
				off[i] += off[i-1]
			}
			backing := make([]*value.Record, len(ct.all))
			pos := append([]int32(nil), off[:len(pt.all)]...)
			for i, r := range ct.all {
				p := ct.parentIdx[i]
				backing[pos[p]] = r
				pos[p]++
			}
			pos = nil
			lists := value.RecordLists(len(pt.all))
			for i, p := range pt.all {
				kids := backing[off[i]:off[i+1]:off[i+1]]
				if len(kids) == 0 {
					p.Fields[lf.Index] = l.empty
					continue
				}
				if lf.MaxItems > 0 && len(kids) > lf.MaxItems {
					l.reportAt(kids[lf.MaxItems], DataError{Field: ps.Name + "." + lf.Name,
						Msg: fmt.Sprintf("%s has %d %s; at most %d are allowed", l.describeRecord(ps, p), len(kids), lf.Name, lf.MaxItems)})
				}
				if len(lf.Elem.Keys) > 0 && len(kids) > 1 {
					l.checkKidKeys(ps, p, lf.Elem, kids)
				}
				lists[i].Records = kids
				p.Fields[lf.Index] = &lists[i]
			}
		}
	}
}

// checkKidKeys reports records under one parent with equal keys.
func (l *loader) checkKidKeys(ps *compiler.Schema, parent *value.Record, s *compiler.Schema, kids []*value.Record) {
	same := func(a, b *value.Record) bool {
		for _, k := range s.Keys {
			x, y := a.Fields[k.Index], b.Fields[k.Index]
			if x == nil || y == nil || !equalVal(x, y) {
				return false
			}
		}
		return true
	}
	dup := func(r, first *value.Record) {
		var names []string
		var vals []ref.Val
		for _, k := range s.Keys {
			names = append(names, k.Name)
			vals = append(vals, r.Fields[k.Index])
		}
		fs := l.files[l.fileIdx[r.File()]]
		l.reportAt(r, DataError{Msg: fmt.Sprintf("duplicate %s with %s in %s; the first is on %s",
			s.Name, describeKey(names, vals), l.describeRecord(ps, parent), l.where(fs, first))})
	}
	if len(kids) <= 16 {
		for i := 1; i < len(kids); i++ {
			r := kids[i]
			for j := range i {
				if f := kids[j]; same(f, r) {
					dup(r, f)
					break
				}
			}
		}
		return
	}
	idx := newKeyIndex()
	var vals []ref.Val
	for i, k := range kids {
		r := k
		vals = vals[:0]
		for _, k := range s.Keys {
			vals = append(vals, r.Fields[k.Index])
		}
		if !complete(vals) {
			continue
		}
		h := l.hashVals(vals)
		if j := idx.find(h, func(j int32) bool { return same(kids[j], r) }); j >= 0 {
			dup(r, kids[j])
			continue
		}
		idx.add(h, int32(i))
	}
}

// ---- values ----

// fieldCache shares the values of one field between records: repeated
// person ids, enum values, dates and amounts are parsed once.
type fieldCache struct {
	m map[string]ref.Val
}

func (l *loader) cache(f *compiler.Field) *fieldCache {
	fc := l.caches[f]
	if fc == nil {
		fc = &fieldCache{m: map[string]ref.Val{}}
		l.caches[f] = fc
	}
	return fc
}

// cell parses the trimmed, non-empty text s as a value of field f. On
// failure it returns a message saying what was expected.
func (l *loader) cell(fc *fieldCache, f *compiler.Field, s string) (ref.Val, string) {
	if v, ok := fc.m[s]; ok {
		return v, ""
	}
	v, msg := l.parseValue(f, s)
	if msg != "" {
		return nil, msg
	}
	if len(fc.m) < internLimit {
		k := strings.Clone(s)
		if f.Kind == compiler.TextField {
			v = types.String(k)
		}
		fc.m[k] = v
	}
	return v, ""
}

func (l *loader) parseValue(f *compiler.Field, s string) (ref.Val, string) {
	switch f.Kind {
	case compiler.TextField:
		return types.String(strings.Clone(s)), ""
	case compiler.EnumField:
		for _, e := range f.Enum {
			if e == s {
				return types.String(e), ""
			}
		}
		n := normName(s)
		for _, e := range f.Enum {
			if strings.EqualFold(e, n) {
				return types.String(e), ""
			}
		}
		msg := fmt.Sprintf("%q is not one of %s", s, orList(f.Enum))
		if sug := suggest(s, f.Enum); sug != "" {
			msg += fmt.Sprintf("; did you mean %q?", sug)
		}
		return nil, msg
	case compiler.IntField:
		n, ok := parseInt(s)
		if !ok {
			if d, msg := l.parseNumber(s, false); msg == "" && d.IsInteger() {
				i, err := d.Int64()
				if err != nil {
					return nil, fmt.Sprintf("%q is too large; %s", s, l.expected(f))
				}
				n, ok = i, true
			}
		}
		if !ok {
			return nil, fmt.Sprintf("%q is not a whole number; %s", s, l.expected(f))
		}
		return l.checkRange(f, s, types.Int(n))
	case compiler.DecimalField:
		d, msg := l.parseNumber(s, false)
		if msg != "" {
			return nil, msg + "; " + l.expected(f)
		}
		return l.checkRange(f, s, d)
	case compiler.MoneyField:
		d, msg := l.parseNumber(s, true)
		if msg != "" {
			return nil, msg + "; " + l.expected(f)
		}
		return l.checkRange(f, s, value.MoneyOf(d))
	case compiler.BoolField:
		for _, t := range []string{"true", "yes", "y", "1"} {
			if strings.EqualFold(s, t) {
				return types.True, ""
			}
		}
		for _, t := range []string{"false", "no", "n", "0"} {
			if strings.EqualFold(s, t) {
				return types.False, ""
			}
		}
		return nil, fmt.Sprintf("%q is not yes or no; expected true, false, yes, no, y, n, 1 or 0", s)
	case compiler.DateField:
		d, msg := parseDate(s, f.DateFormat)
		if msg != "" {
			if f.Min != nil || f.Max != nil {
				msg += "; " + l.expected(f)
			}
			return nil, msg
		}
		return l.checkRange(f, s, d)
	case compiler.ListField:
		return nil, fmt.Sprintf("%s is a list of %s records, not a single value", f.Name, elemName(f))
	}
	return nil, fmt.Sprintf("field %s has an unknown kind", f.Name)
}

func elemName(f *compiler.Field) string {
	if f.Elem == nil {
		return "nested"
	}
	return f.Elem.Name
}

// parseInt parses plain whole numbers quickly.
func parseInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i = 1
	}
	if i == len(s) {
		return 0, false
	}
	for j := i; j < len(s); j++ {
		if s[j] < '0' || s[j] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// parseNumber parses a number as written in spreadsheets: an optional
// sign, well-formed thousands commas and, for money, the currency symbol
// (before or after the sign). The message, if any, says what is wrong.
func (l *loader) parseNumber(s string, money bool) (value.Decimal, string) {
	what := "a number"
	if money {
		what = "an amount of money"
	}
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		ex := "-5.00"
		if money {
			ex = "-" + l.sym + "5.00"
		}
		return value.Decimal{}, fmt.Sprintf("%q is not %s: write a negative amount with a minus sign, like %s", s, what, ex)
	}
	t := s
	neg, signed := false, false
	sign := func() {
		if !signed && len(t) > 0 && (t[0] == '-' || t[0] == '+') {
			neg, signed = t[0] == '-', true
			t = t[1:]
		}
	}
	sign()
	if money && l.sym != "" && strings.HasPrefix(t, l.sym) {
		t = strings.TrimLeft(t[len(l.sym):], " ")
		sign()
	}
	intPart, frac := t, ""
	if i := strings.IndexByte(t, '.'); i >= 0 {
		intPart, frac = t[:i], t[i:]
	}
	commas := strings.IndexByte(intPart, ',') >= 0
	if commas {
		groups := strings.Split(intPart, ",")
		for i, g := range groups {
			if (i == 0 && (len(g) == 0 || len(g) > 3)) || (i > 0 && len(g) != 3) || !allDigits(g) {
				return value.Decimal{}, fmt.Sprintf("%q is not %s: thousands are grouped in threes, like 1,234.50", s, what)
			}
		}
	}
	if t == s && !commas {
		d, err := value.ParseDecimal(s)
		if err != nil {
			return value.Decimal{}, fmt.Sprintf("%q is not %s", s, what)
		}
		return d, ""
	}
	b := l.numBuf[:0]
	if neg {
		b = append(b, '-')
	}
	for i := 0; i < len(intPart); i++ {
		if intPart[i] != ',' {
			b = append(b, intPart[i])
		}
	}
	b = append(b, frac...)
	l.numBuf = b
	if len(b) == 0 || b[0] == '+' || (neg && len(b) > 1 && (b[1] == '-' || b[1] == '+')) {
		return value.Decimal{}, fmt.Sprintf("%q is not %s", s, what)
	}
	d, err := value.ParseDecimal(string(b))
	if err != nil {
		return value.Decimal{}, fmt.Sprintf("%q is not %s", s, what)
	}
	return d, ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseDate reads an ISO date, or for a dd/mm/yyyy field a UK date or an
// ISO one. A time of exactly midnight after the date, as some systems
// export, is accepted.
func parseDate(s, layout string) (value.Date, string) {
	t := stripMidnight(s)
	iso := isoShape(t)
	uk := !iso && ukShape(t)
	if iso {
		d, err := value.ParseDate(t, "")
		if err != nil {
			return value.Date{}, fmt.Sprintf("%q is not a valid date: %s", s, dateReason(err))
		}
		return d, ""
	}
	if uk {
		d, err := value.ParseDate(t, "dd/mm/yyyy")
		if layout == "dd/mm/yyyy" {
			if err != nil {
				return value.Date{}, fmt.Sprintf("%q is not a valid date: %s", s, dateReason(err))
			}
			return d, ""
		}
		if err == nil {
			return value.Date{}, fmt.Sprintf("%q is not a date in the form yyyy-mm-dd; for %d %s %d write %s", s, d.Day(), d.Month(), d.Year(), d)
		}
	}
	form := "yyyy-mm-dd"
	if layout == "dd/mm/yyyy" {
		form = "dd/mm/yyyy"
	}
	return value.Date{}, fmt.Sprintf("%q is not a date in the form %s", s, form)
}

// dateReason keeps the explanation of value.ParseDate's error.
func dateReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "is not a valid date: "); i >= 0 {
		return msg[i+len("is not a valid date: "):]
	}
	return msg
}

func stripMidnight(s string) string {
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		switch strings.TrimSuffix(s[11:], "Z") {
		case "00:00", "00:00:00", "00:00:00.000":
			return s[:10]
		}
	}
	if i := strings.IndexByte(s, ' '); i >= 8 && i <= 10 {
		switch s[i+1:] {
		case "00:00", "00:00:00":
			return s[:i]
		}
	}
	return s
}

func isoShape(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	return allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:])
}

func ukShape(s string) bool {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return false
	}
	return len(parts[0]) >= 1 && len(parts[0]) <= 2 && len(parts[1]) >= 1 && len(parts[1]) <= 2 && len(parts[2]) == 4 &&
		allDigits(parts[0]) && allDigits(parts[1]) && allDigits(parts[2])
}

// checkRange checks v against f's inclusive range.
func (l *loader) checkRange(f *compiler.Field, s string, v ref.Val) (ref.Val, string) {
	if (f.Min != nil && compareVal(v, f.Min) < 0) || (f.Max != nil && compareVal(v, f.Max) > 0) {
		return nil, fmt.Sprintf("%q is out of range; %s", s, l.expected(f))
	}
	return v, ""
}

func compareVal(a, b ref.Val) int {
	switch x := a.(type) {
	case types.Int:
		switch y := b.(type) {
		case types.Int:
			return cmp.Compare(int64(x), int64(y))
		case value.Decimal:
			return value.DecimalFromInt(int64(x)).Cmp(y)
		}
	case value.Decimal:
		switch y := b.(type) {
		case value.Decimal:
			return x.Cmp(y)
		case types.Int:
			return x.Cmp(value.DecimalFromInt(int64(y)))
		case value.Money:
			return x.Cmp(y.Decimal())
		}
	case value.Money:
		switch y := b.(type) {
		case value.Money:
			return x.Cmp(y)
		case value.Decimal:
			return x.Decimal().Cmp(y)
		}
	case value.Date:
		if y, ok := b.(value.Date); ok {
			return x.Cmp(y)
		}
	}
	return 0
}

// expected says what field f takes, as in "expected a number between 0
// and 400".
func (l *loader) expected(f *compiler.Field) string {
	var what, example string
	switch f.Kind {
	case compiler.IntField:
		what, example = "a whole number", ", like 3"
	case compiler.DecimalField:
		what, example = "a number", ", like 12.5"
	case compiler.MoneyField:
		what, example = "an amount", ", like "+l.sym+"1,234.50"
	case compiler.DateField:
		what, example = "a date", " in the form yyyy-mm-dd"
		if f.DateFormat == "dd/mm/yyyy" {
			example = " in the form dd/mm/yyyy"
		}
	default:
		return "expected " + f.Kind.String()
	}
	switch {
	case f.Min != nil && f.Max != nil:
		return fmt.Sprintf("expected %s between %s and %s", what, l.showBound(f.Min), l.showBound(f.Max))
	case f.Min != nil:
		return fmt.Sprintf("expected %s of at least %s", what, l.showBound(f.Min))
	case f.Max != nil:
		return fmt.Sprintf("expected %s of at most %s", what, l.showBound(f.Max))
	}
	return "expected " + what + example
}

func (l *loader) showBound(v ref.Val) string {
	if m, ok := v.(value.Money); ok {
		s := m.String()
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		intPart, frac, _ := strings.Cut(s, ".")
		var b strings.Builder
		if neg {
			b.WriteByte('-')
		}
		b.WriteString(l.sym)
		for i := range len(intPart) {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteByte(intPart[i])
		}
		if frac != "" {
			b.WriteString("." + frac)
		}
		return b.String()
	}
	return showVal(v)
}

// suggest returns the candidate closest to name, ignoring case, when it is
// close enough to be a likely typo (a transposition counts as one edit).
func suggest(name string, candidates []string) string {
	name = strings.ToLower(name)
	best, bestD := "", math.MaxInt
	for _, c := range candidates {
		if d := editDistance(name, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD > 0 && bestD <= 2 && 2*bestD < utf8.RuneCountInString(name) {
		return best
	}
	return ""
}

// editDistance is the optimal string alignment distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func andList(items []string) string { return joinList(items, "and") }
func orList(items []string) string  { return joinList(items, "or") }

func joinList(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// ---- CSV ----

// column is what one CSV column holds.
type column struct {
	label string // "actual_hours (column D)"
	t     target
	fc    *fieldCache
	field string // "review.actual_hours"
	use   bool   // false for columns whose cells are ignored
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

func readCSVHeader(data []byte) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(trimBOM(data)))
	r.FieldsPerRecord = -1
	return r.Read()
}

func (l *loader) loadCSV(fs *fileState) {
	data := trimBOM(fs.in.Data)
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		l.report(fs, DataError{Msg: "the file is empty; a CSV file needs a header row naming its columns"}, 0)
		return
	}
	if err != nil {
		l.csvError(fs, err, 1, 0)
		return
	}
	cols := l.planColumns(fs, header)
	l.reserve(fs, bytes.Count(data, newline))
	info := l.infos[fs.schema]
	anc := make([]ref.Val, len(info.anc))
	origin := fs.origin(fs.schema)
	rows := readCSVRows(r, endLine(r, header))
	for {
		b, ok := <-rows.batches
		if !ok {
			break
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
		l.report(fs, DataError{Row: row, Msg: fmt.Sprintf("the row has %d cells but the header has %d; check for a missing or extra comma, or an unquoted comma inside a cell", len(rec), len(cols))}, 0)
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
		if !c.use {
			if c.unnamed && !c.warned {
				if s := strings.TrimSpace(rec[i]); s != "" {
					c.warned = true
					l.report(fs, DataError{Row: row, Column: c.label, Value: s, Msg: fmt.Sprintf("the column has no name in the header but holds %q; name the column or clear it", s)}, i+1)
				}
			}
			continue
		}
		s := strings.TrimSpace(rec[i])
		f := c.t.f
		if s == "" {
			if !f.Optional {
				l.report(fs, DataError{Row: row, Column: c.label, Field: c.field, Msg: "a value is required"}, i+1)
				if c.t.anc >= 0 {
					ancOK = false
				}
			}
			continue
		}
		v := c.lastV
		if v == nil || s != c.last {
			var msg string
			v, msg = l.cell(c.fc, f, s)
			if msg != "" {
				l.report(fs, DataError{Row: row, Column: c.label, Field: c.field, Value: s, Msg: msg}, i+1)
				if c.t.anc >= 0 {
					ancOK = false
				}
				continue
			}
			c.last, c.lastV = s, v
		}
		if c.t.anc >= 0 {
			anc[c.t.anc] = v
		} else {
			out.Fields[f.Index] = v
		}
	}
	if ancOK && !complete(anc) {
		ancOK = false // a key column is missing from the header
	}
	l.add(fs, out, anc, ancOK, "")
}

// csvRows reads a CSV file's rows on a goroutine of its own, so that
// parsing the text and turning cells into values run side by side.
type csvRows struct {
	batches chan *csvBatch
	free    chan *csvBatch
	// After batches is closed: the error that stopped the reading (nil at
	// the end of the file), and where the reader was.
	err                error
	errRow, errPrevEnd int
}

// csvBatch is a run of rows: row k has cells cells[rows[k]:rows[k+1]] and
// is spreadsheet row row[k].
type csvBatch struct {
	cells []string
	rows  []int
	row   []int
}

// csvBatchRows is how many rows a batch holds.
const csvBatchRows = 1024

// readCSVRows starts reading the rows after the header, which ends on
// line headerEnd.
func readCSVRows(r *csv.Reader, headerEnd int) *csvRows {
	rows := &csvRows{batches: make(chan *csvBatch, 4), free: make(chan *csvBatch, 6)}
	for range 6 {
		rows.free <- &csvBatch{}
	}
	go func() {
		defer close(rows.batches)
		row, prevEnd := 1, headerEnd
		b := <-rows.free
		b.cells, b.rows, b.row = b.cells[:0], append(b.rows[:0], 0), b.row[:0]
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				rows.err, rows.errRow, rows.errPrevEnd = err, row, prevEnd
				break
			}
			line, _ := r.FieldPos(0)
			row += line - prevEnd
			prevEnd = endLine(r, rec)
			b.cells = append(b.cells, rec...)
			b.rows = append(b.rows, len(b.cells))
			b.row = append(b.row, row)
			if len(b.row) == csvBatchRows {
				rows.batches <- b
				b = <-rows.free
				b.cells, b.rows, b.row = b.cells[:0], append(b.rows[:0], 0), b.row[:0]
			}
		}
		if len(b.row) > 0 {
			rows.batches <- b
		}
	}()
	return rows
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

func (l *loader) csvError(fs *fileState, err error, row, prevEnd int) {
	msg := err.Error()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		row += max(pe.StartLine-prevEnd, 1)
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
	}
	l.report(fs, DataError{Row: row, Msg: msg + "; the rest of the file was not read"}, 0)
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
		c.label = fmt.Sprintf("%s (column %s)", name, colLetter(i))
		if name == "" {
			c.unnamed = true
			continue
		}
		t, ok := info.names[normName(name)]
		if !ok {
			msg := fmt.Sprintf("%s has no field %q", fs.schema.Name, name)
			if sug := suggest(normName(name), info.known); sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			} else {
				msg += "; its columns are " + andList(info.known)
			}
			l.report(fs, DataError{Row: 1, Column: c.label, Value: name, Msg: msg}, i+1)
			continue
		}
		if t.f.Kind == compiler.ListField {
			l.report(fs, DataError{Row: 1, Column: c.label, Field: info.fieldName(t), Value: name,
				Msg: fmt.Sprintf("%s is a list of %s records and cannot be a column; give the %s records in a file of their own, with the %s key columns",
					t.f.Name, elemName(t.f), elemName(t.f), fs.schema.Name)}, i+1)
			continue
		}
		if j, dup := seen[t]; dup {
			l.report(fs, DataError{Row: 1, Column: c.label, Field: info.fieldName(t), Value: name,
				Msg: fmt.Sprintf("the column appears twice; the first is column %s", colLetter(j))}, i+1)
			continue
		}
		seen[t] = i
		c.t, c.use = t, true
		c.fc = l.cache(t.f)
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
		l.report(fs, DataError{Row: 1, Field: info.fieldName(t), Msg: msg}, 1<<20+k)
	}
	return cols
}

// ---- JSON ----

// node is a record read from JSON or YAML with the nested records read
// inline, before they are added to their tables.
type node struct {
	s    *compiler.Schema
	rec  *value.Record
	kids []*node
	path string
}

// commit adds a record read from fs and, below it, its inline records.
func (l *loader) commit(fs *fileState, n *node, anc []ref.Val, ancOK bool) {
	idx := l.add(fs, n.rec, anc, ancOK, n.path)
	if idx >= 0 {
		l.commitKids(fs, n, idx)
	}
}

func (l *loader) commitKids(fs *fileState, n *node, idx int32) {
	for _, k := range n.kids {
		k.rec.Parent = n.rec
		kidx := l.append(fs, l.tables[k.s], k.rec, idx, k.path)
		l.commitKids(fs, k, kidx)
	}
}

// recordBuilder collects one record's values from JSON or YAML.
type recordBuilder struct {
	l      *loader
	fs     *fileState
	info   *schemaInfo
	n      *node
	top    bool // a record of the file's own schema, which may carry ancestors' keys
	anc    []ref.Val
	ancBad bool
	seen   []bool
	nseen  []bool
}

func (l *loader) newBuilder(fs *fileState, s *compiler.Schema, path string, line int, top bool) *recordBuilder {
	info := l.infos[s]
	rec := l.alloc.New(fs.origin(s), len(s.Fields))
	rec.Row = line
	b := &recordBuilder{l: l, fs: fs, info: info, n: &node{s: s, rec: rec, path: path}, top: top,
		seen: make([]bool, len(s.Fields))}
	if top {
		b.anc = make([]ref.Val, len(info.anc))
		b.nseen = make([]bool, len(info.anc))
	}
	return b
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (b *recordBuilder) err(path, field, val, msg string) {
	b.l.report(b.fs, DataError{Row: b.n.rec.Row, Column: path, Field: field, Value: val, Msg: msg}, 0)
}

// key resolves a property name; ok is false (and reported) when the
// schema has no such field or the property is repeated.
func (b *recordBuilder) key(name, path string) (target, bool) {
	t, ok := b.info.names[normName(name)]
	if ok && t.anc >= 0 && !b.top {
		ok = false
	}
	if !ok {
		msg := fmt.Sprintf("%s has no field %q", b.info.s.Name, name)
		known := b.info.known
		if !b.top {
			known = nil
			for _, f := range b.info.s.Fields {
				known = append(known, f.Name)
			}
		}
		if sug := suggest(normName(name), known); sug != "" {
			msg += fmt.Sprintf("; did you mean %q?", sug)
		}
		b.err(path, "", name, msg)
		return t, false
	}
	seen := b.seen
	i := t.f.Index
	if t.anc >= 0 {
		seen, i = b.nseen, t.anc
	}
	if seen[i] {
		b.err(path, b.info.fieldName(t), "", fmt.Sprintf("%s is given twice", name))
		return t, false
	}
	seen[i] = true
	return t, true
}

// scalar sets a target from a scalar's text; null is false for null.
func (b *recordBuilder) scalar(t target, path, text string, null bool) {
	field := b.info.fieldName(t)
	if t.f.Kind == compiler.ListField {
		if null {
			return
		}
		b.err(path, field, text, fmt.Sprintf("expected a list of %s records, found %q", elemName(t.f), text))
		return
	}
	s := strings.TrimSpace(text)
	if null || s == "" {
		if !t.f.Optional {
			b.err(path, field, "", "a value is required")
		}
		if t.anc >= 0 {
			b.ancBad = true
		}
		return
	}
	v, msg := b.l.cell(b.l.cache(t.f), t.f, s)
	if msg != "" {
		b.err(path, field, s, msg)
		if t.anc >= 0 {
			b.ancBad = true
		}
		return
	}
	if t.anc >= 0 {
		b.anc[t.anc] = v
	} else {
		b.n.rec.Fields[t.f.Index] = v
	}
}

// mismatch reports a list or object where a scalar belongs (or the
// reverse).
func (b *recordBuilder) mismatch(t target, path, found string) {
	want := "a single value"
	switch t.f.Kind {
	case compiler.ListField:
		want = fmt.Sprintf("a list of %s records", elemName(t.f))
	case compiler.IntField:
		want = "a whole number"
	case compiler.DecimalField:
		want = "a number"
	case compiler.MoneyField:
		want = "an amount of money"
	case compiler.DateField:
		want = "a date"
	case compiler.BoolField:
		want = "true or false"
	case compiler.TextField, compiler.EnumField:
		want = "text"
	}
	if t.anc >= 0 {
		b.ancBad = true
	}
	b.err(path, b.info.fieldName(t), "", fmt.Sprintf("expected %s, found %s", want, found))
}

// finish reports required fields that were not given and returns the
// node.
func (b *recordBuilder) finish() (*node, []ref.Val, bool) {
	for _, f := range b.info.s.Fields {
		if !b.seen[f.Index] && !f.Optional && f.Kind != compiler.ListField {
			b.err(joinPath(b.n.path, f.Name), b.info.s.Name+"."+f.Name, "", "a value is required")
		}
	}
	for i, a := range b.info.anc {
		if b.top && !b.nseen[i] {
			t := target{f: a.f, anc: i}
			b.err(joinPath(b.n.path, b.info.columnName(t)), b.info.fieldName(t), "",
				fmt.Sprintf("a value is required: %s records in a file of their own carry their %s's %s", b.info.s.Name, a.s.Name, a.f.Name))
			b.ancBad = true
		}
	}
	return b.n, b.anc, !b.ancBad && complete(b.anc)
}

type jsonReader struct {
	l        *loader
	fs       *fileState
	data     []byte
	dec      *json.Decoder
	base     int    // the line of data[0]
	unit     string // "file", or "line" for JSON Lines
	lastOff  int64
	lastLine int
	failed   bool
}

func (l *loader) newJSONReader(fs *fileState, data []byte, base int) *jsonReader {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return &jsonReader{l: l, fs: fs, data: data, dec: dec, base: base, lastLine: base, unit: "file"}
}

var newline = []byte("\n")

func (j *jsonReader) lineAt(off int64) int {
	off = min(max(off, 0), int64(len(j.data)))
	if off < j.lastOff {
		return j.base + bytes.Count(j.data[:off], newline)
	}
	j.lastLine += bytes.Count(j.data[j.lastOff:off], newline)
	j.lastOff = off
	return j.lastLine
}

// tokLine is the line of the token just read.
func (j *jsonReader) tokLine() int {
	return j.lineAt(j.dec.InputOffset() - 1)
}

func (j *jsonReader) token() (json.Token, bool) {
	if j.failed {
		return nil, false
	}
	t, err := j.dec.Token()
	if err != nil {
		j.fail(err)
		return nil, false
	}
	return t, true
}

func (j *jsonReader) fail(err error) {
	j.failed = true
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off := min(max(se.Offset-1, 0), int64(len(j.data)))
		line := j.base + bytes.Count(j.data[:off], newline)
		j.l.report(j.fs, DataError{Row: line, Msg: "invalid JSON: " + se.Error() + "; the rest of the file was not read"}, 0)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		j.l.report(j.fs, DataError{Row: j.lineAt(int64(len(j.data))), Msg: "invalid JSON: the " + j.unit + " ends before the value is complete"}, 0)
	default:
		j.l.report(j.fs, DataError{Row: j.tokLine(), Msg: "invalid JSON: " + err.Error()}, 0)
	}
}

// skip consumes the rest of a value whose first token was t.
func (j *jsonReader) skip(t json.Token) {
	d, ok := t.(json.Delim)
	if !ok || d == '}' || d == ']' {
		return
	}
	depth := 1
	for depth > 0 {
		t, ok := j.token()
		if !ok {
			return
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
}

func describeToken(t json.Token) string {
	switch x := t.(type) {
	case json.Delim:
		if x == '{' {
			return "an object"
		}
		return "a list"
	case string:
		return fmt.Sprintf("the text %q", x)
	case json.Number:
		return "the number " + string(x)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	}
	return fmt.Sprint(t)
}

// object reads the rest of an object whose '{' was just read.
func (j *jsonReader) object(s *compiler.Schema, path string, line int, top bool) (*node, []ref.Val, bool) {
	b := j.l.newBuilder(j.fs, s, path, line, top)
	for !j.failed && j.dec.More() {
		kt, ok := j.token()
		if !ok {
			break
		}
		name, _ := kt.(string)
		p := joinPath(path, name)
		t, ok := b.key(name, p)
		vt, vok := j.token()
		if !vok {
			break
		}
		if !ok {
			j.skip(vt)
			continue
		}
		switch x := vt.(type) {
		case json.Delim:
			if x == '[' && t.f.Kind == compiler.ListField && t.f.Elem != nil {
				for i := 0; !j.failed && j.dec.More(); i++ {
					et, ok := j.token()
					if !ok {
						break
					}
					ep := fmt.Sprintf("%s[%d]", p, i)
					if d, ok := et.(json.Delim); ok && d == '{' {
						kid, _, _ := j.object(t.f.Elem, ep, j.tokLine(), false)
						b.n.kids = append(b.n.kids, kid)
						continue
					}
					b.err(ep, b.info.fieldName(t), "", fmt.Sprintf("expected a %s record (an object), found %s", t.f.Elem.Name, describeToken(et)))
					j.skip(et)
				}
				j.token() // ]
				continue
			}
			b.mismatch(t, p, describeToken(vt))
			j.skip(vt)
		case string:
			b.scalar(t, p, x, false)
		case json.Number:
			b.scalar(t, p, string(x), false)
		case bool:
			b.scalar(t, p, strconv.FormatBool(x), false)
		case nil:
			b.scalar(t, p, "", true)
		}
	}
	if _, ok := j.token(); !ok { // }
		return b.n, nil, false
	}
	return b.finish()
}

func (l *loader) loadJSON(fs *fileState) {
	data := trimBOM(fs.in.Data)
	j := l.newJSONReader(fs, data, 1)
	t, err := j.dec.Token()
	if err == io.EOF {
		l.report(fs, DataError{Msg: fmt.Sprintf("the file is empty; expected a list of %s records", fs.schema.Name)}, 0)
		return
	}
	if err != nil {
		j.fail(err)
		return
	}
	s := fs.schema
	switch t {
	case json.Delim('['):
		for i := 0; !j.failed && j.dec.More(); i++ {
			et, ok := j.token()
			if !ok {
				return
			}
			path := fmt.Sprintf("[%d]", i)
			if d, ok := et.(json.Delim); ok && d == '{' {
				n, anc, ancOK := j.object(s, path, j.tokLine(), true)
				if j.failed {
					return
				}
				fs.info.Records++
				l.commit(fs, n, anc, ancOK)
				continue
			}
			l.report(fs, DataError{Row: j.tokLine(), Column: path, Msg: fmt.Sprintf("expected a %s record (an object), found %s", s.Name, describeToken(et))}, 0)
			j.skip(et)
		}
		if _, ok := j.token(); !ok {
			return
		}
		if _, err := j.dec.Token(); err != io.EOF && !j.failed {
			l.report(fs, DataError{Row: j.tokLine(), Msg: "unexpected content after the list of records"}, 0)
		}
	case json.Delim('{'):
		// A stream of objects, as in JSON Lines.
		for {
			n, anc, ancOK := j.object(s, "", j.tokLine(), true)
			if j.failed {
				return
			}
			fs.info.Records++
			l.commit(fs, n, anc, ancOK)
			if !j.dec.More() {
				return
			}
			t, ok := j.token()
			if !ok {
				return
			}
			if t != json.Delim('{') {
				l.report(fs, DataError{Row: j.tokLine(), Msg: fmt.Sprintf("expected a %s record (an object), found %s", s.Name, describeToken(t))}, 0)
				return
			}
		}
	default:
		l.report(fs, DataError{Row: j.tokLine(), Msg: fmt.Sprintf("expected a list of %s records, found %s", s.Name, describeToken(t))}, 0)
	}
}

// loadJSONLines reads one object per line; a bad line does not stop the
// file.
func (l *loader) loadJSONLines(fs *fileState) {
	data := trimBOM(fs.in.Data)
	s := fs.schema
	for lineNo := 1; len(data) > 0; lineNo++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		j := l.newJSONReader(fs, line, lineNo)
		j.unit = "line"
		t, ok := j.token()
		if !ok {
			continue
		}
		if t != json.Delim('{') {
			l.report(fs, DataError{Row: lineNo, Msg: fmt.Sprintf("expected a %s record (an object), found %s", s.Name, describeToken(t))}, 0)
			continue
		}
		n, anc, ancOK := j.object(s, "", lineNo, true)
		if j.failed {
			continue
		}
		if j.dec.More() {
			l.report(fs, DataError{Row: lineNo, Msg: "the line holds more than one value; JSON Lines has one record per line"}, 0)
			continue
		}
		fs.info.Records++
		l.commit(fs, n, anc, ancOK)
	}
}

// jsonFirstKeys returns the property names of the first object in data.
func jsonFirstKeys(data []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	t, err := dec.Token()
	if err != nil {
		return nil
	}
	if t == json.Delim('[') {
		if t, err = dec.Token(); err != nil {
			return nil
		}
	}
	if t != json.Delim('{') {
		return nil
	}
	var keys []string
	depth := 0
	expectKey := true
	for {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
				continue
			}
			if depth == 0 {
				return keys
			}
			depth--
			if depth == 0 {
				expectKey = true
			}
			continue
		}
		if depth > 0 {
			continue
		}
		if expectKey {
			if k, ok := t.(string); ok {
				keys = append(keys, k)
			}
			expectKey = false
		} else {
			expectKey = true
		}
	}
}

// ---- YAML ----

// parseYAML parses the file into fs.yaml; it reports syntax errors.
func (l *loader) parseYAML(fs *fileState) bool {
	if fs.yaml != nil {
		return true
	}
	var root yaml.Node
	if err := yaml.Unmarshal(trimBOM(fs.in.Data), &root); err != nil {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "yaml: ")
		line := 0
		if strings.HasPrefix(msg, "line ") {
			rest := msg[len("line "):]
			if i := strings.IndexByte(rest, ':'); i > 0 {
				if n, err := strconv.Atoi(rest[:i]); err == nil {
					line = n
					msg = strings.TrimSpace(rest[i+1:])
				}
			}
		}
		l.report(fs, DataError{Row: line, Msg: "invalid YAML: " + msg}, 0)
		return false
	}
	fs.yaml = &root
	return true
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// yamlSeq returns the sequence of records in a parsed YAML document.
func yamlSeq(root *yaml.Node) *yaml.Node {
	n := resolve(root)
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = resolve(n.Content[0])
	}
	return n
}

func yamlFirstKeys(root *yaml.Node) []string {
	n := yamlSeq(root)
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil
	}
	m := resolve(n.Content[0])
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var keys []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		keys = append(keys, m.Content[i].Value)
	}
	return keys
}

func describeYAML(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func (l *loader) loadYAML(fs *fileState) {
	if !l.parseYAML(fs) {
		return
	}
	s := fs.schema
	seq := yamlSeq(fs.yaml)
	if seq == nil || seq.Kind == 0 || (seq.Kind == yaml.ScalarNode && seq.Tag == "!!null") {
		l.report(fs, DataError{Msg: fmt.Sprintf("the file is empty; expected a list of %s records", s.Name)}, 0)
		return
	}
	if seq.Kind != yaml.SequenceNode {
		l.report(fs, DataError{Row: seq.Line, Msg: fmt.Sprintf("expected a list of %s records, found %s", s.Name, describeYAML(seq))}, 0)
		return
	}
	for i, item := range seq.Content {
		item = resolve(item)
		path := fmt.Sprintf("[%d]", i)
		if item.Kind != yaml.MappingNode {
			l.report(fs, DataError{Row: item.Line, Column: path, Msg: fmt.Sprintf("expected a %s record (a mapping), found %s", s.Name, describeYAML(item))}, 0)
			continue
		}
		n, anc, ancOK := l.yamlRecord(fs, s, item, path, true)
		fs.info.Records++
		l.commit(fs, n, anc, ancOK)
	}
}

func (l *loader) yamlRecord(fs *fileState, s *compiler.Schema, m *yaml.Node, path string, top bool) (*node, []ref.Val, bool) {
	b := l.newBuilder(fs, s, path, m.Line, top)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := resolve(m.Content[i]), resolve(m.Content[i+1])
		name := k.Value
		p := joinPath(path, name)
		t, ok := b.key(name, p)
		if !ok {
			continue
		}
		switch v.Kind {
		case yaml.ScalarNode:
			b.scalar(t, p, v.Value, v.Tag == "!!null")
		case yaml.SequenceNode:
			if t.f.Kind != compiler.ListField || t.f.Elem == nil {
				b.mismatch(t, p, "a list")
				continue
			}
			for i, e := range v.Content {
				e = resolve(e)
				ep := fmt.Sprintf("%s[%d]", p, i)
				if e.Kind != yaml.MappingNode {
					b.err(ep, b.info.fieldName(t), "", fmt.Sprintf("expected a %s record (a mapping), found %s", t.f.Elem.Name, describeYAML(e)))
					continue
				}
				kid, _, _ := l.yamlRecord(fs, t.f.Elem, e, ep, false)
				b.n.kids = append(b.n.kids, kid)
			}
		default:
			b.mismatch(t, p, describeYAML(v))
		}
	}
	return b.finish()
}
