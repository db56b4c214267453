package data

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/spell"
)

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

func (b *recordBuilder) err(code, path, field, val, msg string) {
	b.l.report(b.fs, problem{code: code, row: b.n.rec.Row, column: path, field: field, value: val, msg: msg}, 0)
}

// key resolves a property name; ok is false (and reported) when the
// schema has no such field or the property is repeated.
func (b *recordBuilder) key(name, path string) (target, bool) {
	if int64(len(name)) > b.l.opts.limits.FieldBytes {
		p := b.l.tooLarge(0, "property name", len(name))
		b.err(p.code, path, "", "", p.msg)
		return target{}, false
	}
	t, ok := b.info.names[normName(name)]
	if ok && t.anc >= 0 && !b.top {
		ok = false
	}
	if !ok {
		msg := fmt.Sprintf("%s has no field %s", b.info.s.Name, quote(name))
		known := b.info.known
		if !b.top {
			known = nil
			for _, f := range b.info.s.Fields {
				known = append(known, f.Name)
			}
		}
		if sug := spell.Nearest(normName(name), known); sug != "" {
			msg += fmt.Sprintf("; did you mean %q?", sug)
		}
		b.err("unknown-field", path, "", name, msg)
		return t, false
	}
	seen := b.seen
	i := t.f.Index
	if t.anc >= 0 {
		seen, i = b.nseen, t.anc
	}
	if seen[i] {
		b.err("duplicate-field", path, b.info.fieldName(t), "", fmt.Sprintf("%s is given twice", clip(name)))
		return t, false
	}
	seen[i] = true
	return t, true
}

// scalar sets a target from a scalar's text; null is false for null.
func (b *recordBuilder) scalar(t target, path, text string, null bool) {
	field := b.info.fieldName(t)
	if int64(len(text)) > b.l.opts.limits.FieldBytes {
		p := b.l.tooLarge(0, "value", len(text))
		b.err(p.code, path, field, "", p.msg)
		if t.anc >= 0 {
			b.ancBad = true
		}
		return
	}
	if t.f.Kind == compiler.ListField {
		if null {
			return
		}
		b.err("bad-record", path, field, text, fmt.Sprintf("expected a list of %s records, found %s", elemName(t.f), quote(text)))
		return
	}
	s := strings.TrimSpace(text)
	if null || s == "" {
		if !t.f.Optional {
			b.err("missing-value", path, field, "", "a value is required")
		}
		if t.anc >= 0 {
			b.ancBad = true
		}
		return
	}
	v, bad := b.l.cell(b.l.cache(t.f), t.f, s)
	if bad.msg != "" {
		b.err(bad.code, path, field, s, bad.msg)
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
	b.err("bad-value", path, b.info.fieldName(t), "", fmt.Sprintf("expected %s, found %s", want, found))
}

// finish reports required fields that were not given and returns the
// node.
func (b *recordBuilder) finish() (*node, []ref.Val, bool) {
	for _, f := range b.info.s.Fields {
		if !b.seen[f.Index] && !f.Optional && f.Kind != compiler.ListField {
			b.err("missing-value", joinPath(b.n.path, f.Name), b.info.s.Name+"."+f.Name, "", "a value is required")
		}
	}
	for i, a := range b.info.anc {
		if b.top && !b.nseen[i] {
			t := target{f: a.f, anc: i}
			b.err("missing-value", joinPath(b.n.path, b.info.columnName(t)), b.info.fieldName(t), "",
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
		j.l.report(j.fs, problem{code: "bad-json", row: line, msg: "invalid JSON: " + se.Error() + "; the rest of the file was not read"}, 0)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		j.l.report(j.fs, problem{code: "bad-json", row: j.lineAt(int64(len(j.data))), msg: "invalid JSON: the " + j.unit + " ends before the value is complete"}, 0)
	default:
		j.l.report(j.fs, problem{code: "bad-json", row: j.tokLine(), msg: "invalid JSON: " + err.Error()}, 0)
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
		return "the text " + quote(x)
	case json.Number:
		return "the number " + clip(string(x))
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
		p := joinPath(path, clip(name))
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
					b.err("bad-record", ep, b.info.fieldName(t), "", fmt.Sprintf("expected a %s record (an object), found %s", t.f.Elem.Name, describeToken(et)))
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
	j := l.newJSONReader(fs, fs.doc, 1)
	t, err := j.dec.Token()
	if err == io.EOF {
		l.report(fs, problem{code: "empty-file", msg: fmt.Sprintf("the file is empty; expected a list of %s records", fs.schema.Name)}, 0)
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
			l.report(fs, problem{code: "bad-record", row: j.tokLine(), column: path, msg: fmt.Sprintf("expected a %s record (an object), found %s", s.Name, describeToken(et))}, 0)
			j.skip(et)
		}
		if _, ok := j.token(); !ok {
			return
		}
		if _, err := j.dec.Token(); err != io.EOF && !j.failed {
			l.report(fs, problem{code: "bad-json", row: j.tokLine(), msg: "unexpected content after the list of records"}, 0)
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
				l.report(fs, problem{code: "bad-record", row: j.tokLine(), msg: fmt.Sprintf("expected a %s record (an object), found %s", s.Name, describeToken(t))}, 0)
				return
			}
		}
	default:
		l.report(fs, problem{code: "bad-record", row: j.tokLine(), msg: fmt.Sprintf("expected a list of %s records, found %s", s.Name, describeToken(t))}, 0)
	}
}

// openJSONLines reads a JSON Lines file up to its first record, so that
// the data it holds can be told from it. It reports whether the file can
// be loaded.
func (l *loader) openJSONLines(fs *fileState) bool {
	fs.src.skipBOM()
	fs.br = bufio.NewReaderSize(fs.src, csvBuffer)
	for {
		line, err := l.readLine(fs)
		if err != nil {
			if err != io.EOF {
				l.jsonLineError(fs, err, fs.firstLine)
				return false
			}
			return true
		}
		if len(bytes.TrimSpace(line)) > 0 {
			fs.first = bytes.Clone(line)
			return true
		}
	}
}

// readLine reads the next line of a JSON Lines file, counting it in
// fs.firstLine until the first record is found and refusing one longer
// than the row limit. The line is valid until the next read.
func (l *loader) readLine(fs *fileState) ([]byte, error) {
	max := l.opts.limits.RowBytes
	line, err := fs.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		buf := append(fs.lineBuf[:0], line...)
		for err == bufio.ErrBufferFull && int64(len(buf)) <= max {
			line, err = fs.br.ReadSlice('\n')
			buf = append(buf, line...)
		}
		fs.lineBuf, line = buf, buf
	}
	if fs.first == nil {
		fs.firstLine++
	}
	if int64(len(bytes.TrimSuffix(line, newline))) > max {
		return nil, errRowLimit
	}
	if err == io.EOF && len(line) > 0 {
		err = nil
	}
	return line, err
}

// jsonLineError reports what stopped reading a JSON Lines file at line n.
func (l *loader) jsonLineError(fs *fileState, err error, n int) {
	if errors.Is(err, errNotUTF8) {
		l.report(fs, notUTF8(fs, n), 0)
		return
	}
	l.report(fs, l.limitProblem(err, n, "line", true), 0)
}

// loadJSONLines reads one object per line, a line at a time; a bad line
// does not stop the file, but a line that is not UTF-8 or is longer than
// the row limit does.
func (l *loader) loadJSONLines(fs *fileState) {
	s := fs.schema
	lineNo := fs.firstLine
	line := fs.first
	var err error
	for ; ; lineNo++ {
		if line == nil {
			if line, err = l.readLine(fs); err != nil {
				if err != io.EOF {
					l.jsonLineError(fs, err, lineNo)
				}
				return
			}
		}
		if !utf8.Valid(line) {
			l.jsonLineError(fs, errNotUTF8, lineNo)
			return
		}
		l.jsonLine(fs, s, bytes.TrimSuffix(line, newline), lineNo)
		line = nil
	}
}

// jsonLine loads line lineNo of a JSON Lines file.
func (l *loader) jsonLine(fs *fileState, s *compiler.Schema, line []byte, lineNo int) {
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	j := l.newJSONReader(fs, line, lineNo)
	j.unit = "line"
	t, ok := j.token()
	if !ok {
		return
	}
	if t != json.Delim('{') {
		l.report(fs, problem{code: "bad-record", row: lineNo, msg: fmt.Sprintf("expected a %s record (an object), found %s", s.Name, describeToken(t))}, 0)
		return
	}
	n, anc, ancOK := j.object(s, "", lineNo, true)
	if j.failed {
		return
	}
	if j.dec.More() {
		l.report(fs, problem{code: "bad-json", row: lineNo, msg: "the line holds more than one value; JSON Lines has one record per line"}, 0)
		return
	}
	fs.info.Records++
	l.commit(fs, n, anc, ancOK)
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
