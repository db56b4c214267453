package data

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
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
	// path is the record's path in messages, as in "[3].goals[1]": for a
	// record read from JSON it is made when first needed, from its index
	// in its list (at, or -1 for none) and, for a nested record, its
	// parent's node (up) and the name of the parent's list (list).
	path string
	made bool
	up   *node
	list string
	at   int
}

// where returns the record's path in messages.
func (n *node) where() string {
	if !n.made {
		n.made = true
		if n.up != nil {
			n.path = joinPath(n.up.where(), n.list)
		}
		if n.at >= 0 {
			n.path += "[" + strconv.Itoa(n.at) + "]"
		}
	}
	return n.path
}

// commit adds a record read from fs and, below it, its inline records.
func (l *loader) commit(fs *fileState, n *node, anc []ref.Val, ancOK bool) {
	idx := l.add(fs, n.rec, anc, ancOK, n)
	if idx >= 0 {
		l.commitKids(fs, n, idx)
	}
}

func (l *loader) commitKids(fs *fileState, n *node, idx int32) {
	for _, k := range n.kids {
		k.rec.Parent = n.rec
		kidx := l.append(fs, l.tables[k.s], k.rec, idx, k)
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
	b := &recordBuilder{}
	l.initBuilder(b, fs, s, &node{}, line, top)
	b.n.path, b.n.made = path, true
	return b
}

// initBuilder makes b ready to read a new record of s into n, reusing
// what b and n hold from an earlier record.
func (l *loader) initBuilder(b *recordBuilder, fs *fileState, s *compiler.Schema, n *node, line int, top bool) {
	info := l.infos[s]
	rec := l.alloc.New(fs.origin(s), len(s.Fields))
	rec.Row = line
	*n = node{s: s, rec: rec, kids: n.kids[:0], at: -1}
	seen, anc, nseen := b.seen, b.anc, b.nseen
	*b = recordBuilder{l: l, fs: fs, info: info, n: n, top: top, seen: resetBools(seen, len(s.Fields))}
	if top {
		b.anc = slices.Grow(anc[:0], len(info.anc))[:len(info.anc)]
		clear(b.anc)
		b.nseen = resetBools(nseen, len(info.anc))
	}
}

// resetBools returns b, grown if need be, as n false values.
func resetBools(b []bool, n int) []bool {
	b = slices.Grow(b[:0], n)[:n]
	clear(b)
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

// path is the path of the record's property name in messages.
func (b *recordBuilder) path(name string) string {
	return joinPath(b.n.where(), clip(name))
}

// key resolves a property name; ok is false (and reported) when the
// schema has no such field or the property is repeated.
func (b *recordBuilder) key(name string) (target, bool) {
	t, ok := b.info.names[name]
	if !ok || int64(len(name)) > b.l.opts.limits.FieldBytes {
		t, ok = b.lookup(name)
	}
	if ok && t.anc >= 0 && !b.top {
		ok = false
	}
	if !ok {
		b.unknown(name)
		return t, false
	}
	return t, b.use(t, name)
}

// use marks target t, given as property name, as seen; it reports (and
// returns false) when it was seen before.
func (b *recordBuilder) use(t target, name string) bool {
	seen := b.seen
	i := t.f.Index
	if t.anc >= 0 {
		seen, i = b.nseen, t.anc
	}
	if seen[i] {
		b.err("duplicate-field", b.path(name), b.info.fieldName(t), "", fmt.Sprintf("%s is given twice", clip(name)))
		return false
	}
	seen[i] = true
	return true
}

// lookup finds a property name that is not written as the field is
// named, but in capitals or with spaces; ok is false for a name too long.
func (b *recordBuilder) lookup(name string) (target, bool) {
	if int64(len(name)) > b.l.opts.limits.FieldBytes {
		return target{}, false
	}
	t, ok := b.info.names[normName(name)]
	return t, ok
}

// unknown reports a property name the record has no field for.
func (b *recordBuilder) unknown(name string) {
	path := b.path(name)
	if int64(len(name)) > b.l.opts.limits.FieldBytes {
		p := b.l.tooLarge(0, "property name", len(name))
		b.err(p.code, path, "", "", p.msg)
		return
	}
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
}

// scalar sets a target from a scalar's text, the value of property name;
// null is false for null.
func (b *recordBuilder) scalar(t target, name, text string, null bool) {
	if int64(len(text)) > b.l.opts.limits.FieldBytes {
		p := b.l.tooLarge(0, "value", len(text))
		b.fault(t, name, p.code, "", p.msg)
		if t.anc >= 0 {
			b.ancBad = true
		}
		return
	}
	if t.f.Kind == compiler.ListField {
		if null {
			return
		}
		b.fault(t, name, "bad-record", text, fmt.Sprintf("expected a list of %s records, found %s", elemName(t.f), quote(text)))
		return
	}
	s := strings.TrimSpace(text)
	if null || s == "" {
		if !t.f.Optional {
			b.fault(t, name, "missing-value", "", "a value is required")
		}
		if t.anc >= 0 {
			b.ancBad = true
		}
		return
	}
	var fc *fieldCache
	if t.anc < 0 {
		fc = b.fieldCache(t)
	} else {
		fc = b.l.cache(t.f)
	}
	v, bad := b.l.cell(fc, t.f, s)
	if bad.msg != "" {
		b.fault(t, name, bad.code, s, bad.msg)
		if t.anc >= 0 {
			b.ancBad = true
		}
		return
	}
	if t.anc >= 0 {
		b.anc[t.anc] = v
	} else {
		b.set(t, name, v)
	}
}

// set makes v, the value of property name, the value of t's field,
// reporting a value the record's Origin has no room for.
func (b *recordBuilder) set(t target, name string, v ref.Val) {
	if err := b.n.rec.SetField(t.f.Index, v); err != nil {
		b.fault(t, name, "too-many-values", "", err.Error())
	}
}

// fault reports a problem with the value of property name, for target t.
func (b *recordBuilder) fault(t target, name, code, val, msg string) {
	b.err(code, b.path(name), b.info.fieldName(t), val, msg)
}

// mismatch reports a list or object where a scalar belongs (or the
// reverse), as the value of property name.
func (b *recordBuilder) mismatch(t target, name, found string) {
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
	b.err("bad-value", b.path(name), b.info.fieldName(t), "", fmt.Sprintf("expected %s, found %s", want, found))
}

// finish reports required fields that were not given and returns the
// node.
func (b *recordBuilder) finish() (*node, []ref.Val, bool) {
	for _, f := range b.info.s.Fields {
		if !b.seen[f.Index] && !f.Optional && f.Kind != compiler.ListField {
			b.err("missing-value", joinPath(b.n.where(), f.Name), b.info.s.Name+"."+f.Name, "", "a value is required")
		}
	}
	for i, a := range b.info.anc {
		if b.top && !b.nseen[i] {
			t := target{f: a.f, anc: i}
			b.err("missing-value", joinPath(b.n.where(), b.info.columnName(t)), b.info.fieldName(t), "",
				fmt.Sprintf("a value is required: %s records in a file of their own carry their %s's %s", b.info.s.Name, a.s.Name, a.f.Name))
			b.ancBad = true
		}
	}
	return b.n, b.anc, !b.ancBad && complete(b.anc)
}

// scalarBytes sets a target from a scalar's text as scalar does, without
// making a string of the text when the field has had the same value
// before.
func (b *recordBuilder) scalarBytes(t target, name string, text []byte, null bool) {
	if !null && t.f.Kind != compiler.ListField && int64(len(text)) <= b.l.opts.limits.FieldBytes {
		s := bytes.TrimSpace(text)
		if len(s) > 0 {
			if t.anc >= 0 {
				if v, ok := b.l.cache(t.f).lookup(string(s)); ok {
					b.anc[t.anc] = v
					return
				}
			} else {
				// Records in order often repeat the last record's value.
				last := b.lastCell(t.f.Index)
				if last.v != nil && bytes.Equal(last.text, s) {
					b.set(t, name, last.v)
					return
				}
				if v, ok := b.fieldCache(t).lookup(string(s)); ok {
					last.text, last.v = append(last.text[:0], s...), v
					b.set(t, name, v)
					return
				}
			}
		}
	}
	b.scalar(t, name, string(text), null)
}

// lastCell is the last value a field was read with.
type lastCell struct {
	text []byte
	v    ref.Val
}

// lastCell returns the last value field i of the record's schema was read
// with.
func (b *recordBuilder) lastCell(i int) *lastCell {
	if b.info.last == nil {
		b.info.last = make([]lastCell, len(b.info.s.Fields))
	}
	return &b.info.last[i]
}

// fieldCache returns the cache of the values of a field of the record's
// schema.
func (b *recordBuilder) fieldCache(t target) *fieldCache {
	fcs := b.info.caches
	if fcs == nil {
		fcs = make([]*fieldCache, len(b.info.s.Fields))
		b.info.caches = fcs
	}
	fc := fcs[t.f.Index]
	if fc == nil {
		fc = b.l.cache(t.f)
		fcs[t.f.Index] = fc
	}
	return fc
}

// jsonReader reads the records of a JSON file, or of the lines of a JSON
// Lines file, from a jsonPipe.
type jsonReader struct {
	l      *loader
	fs     *fileState
	sc     *jsonPipe
	unit   string // "file", or "line" for JSON Lines
	failed bool
	// builders holds a builder for each depth of nesting, and nodes the
	// nodes of the record being read, both reused record after record.
	builders []*recordBuilder
	nodes    []*node
	used     int
	// names holds the property names read, so that each is made a string
	// once.
	names map[string]string
	// keys holds, for each depth of nesting, the kth property name of the
	// last record read there and its target: the records of a file
	// usually give their properties in the same order.
	keys [][]jsonKey
}

// jsonKey is a property name read and the target it resolved to.
type jsonKey struct {
	s    *compiler.Schema
	name string
	t    target
}

// key resolves the kth property name of a record at depth d, as b.key
// does, and returns it as a string.
func (j *jsonReader) key(b *recordBuilder, d, k int, text []byte) (string, target, bool) {
	for len(j.keys) <= d {
		j.keys = append(j.keys, nil)
	}
	keys := j.keys[d]
	if k < len(keys) && keys[k].s == b.info.s && keys[k].name == string(text) {
		return keys[k].name, keys[k].t, b.use(keys[k].t, keys[k].name)
	}
	name := j.name(text)
	t, ok := b.key(name)
	if ok && k <= len(keys) && k < maxNames {
		if k == len(keys) {
			keys = append(keys, jsonKey{})
			j.keys[d] = keys
		}
		keys[k] = jsonKey{s: b.info.s, name: name, t: t}
	}
	return name, t, ok
}

// maxNames bounds how many property names a jsonReader keeps.
const maxNames = 1 << 10

// name returns a property name as a string.
func (j *jsonReader) name(b []byte) string {
	if s, ok := j.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if j.names == nil {
		j.names = map[string]string{}
	}
	if len(j.names) < maxNames {
		j.names[s] = s
	}
	return s
}

func (l *loader) newJSONReader(fs *fileState, sc *jsonPipe) *jsonReader {
	return &jsonReader{l: l, fs: fs, sc: sc, unit: "file"}
}

// token reads the next token; ok is false (and the fault reported) when
// there is none.
func (j *jsonReader) token() (t jsonToken, ok bool) {
	if j.failed {
		return t, false
	}
	t, err := j.sc.next()
	if err != nil {
		j.fail(err)
		return t, false
	}
	return t, true
}

// tok reads the next token as token does, as a pointer into the pipe's
// batch: the token and its text (j.text) are valid until the next token
// is read.
func (j *jsonReader) tok() (*batchToken, bool) {
	p := j.sc
	if b := p.b; b != nil && p.i < len(b.toks) {
		p.i++
		return &b.toks[p.i-1], true
	}
	return j.nextBatch()
}

// nextBatch reads the token that starts the next batch.
func (j *jsonReader) nextBatch() (*batchToken, bool) {
	if j.failed {
		return nil, false
	}
	t, ok := j.sc.nextBatch()
	if !ok {
		j.fail(j.sc.err)
		return nil, false
	}
	j.sc.i++
	return t, true
}

// text returns the text of a token read by tok.
func (j *jsonReader) text(t *batchToken) []byte {
	return j.sc.b.text[t.mid:t.end:t.end]
}

// keyText returns the property name of a member read by tok, or the text
// of a string.
func (j *jsonReader) keyText(t *batchToken) []byte {
	if t.member {
		return j.sc.b.text[t.start:t.mid:t.mid]
	}
	return j.text(t)
}

// describe says what a token read by tok is, as jsonToken.describe does.
func (j *jsonReader) describe(t *batchToken) string {
	return jsonToken{kind: t.kind, text: j.text(t)}.describe()
}

// more reports whether a value comes next in the list or object being
// read.
func (j *jsonReader) more() bool {
	return !j.failed && j.sc.more()
}

// fail reports what stopped the reading.
func (j *jsonReader) fail(err error) {
	j.failed = true
	var se *jsonSyntaxError
	switch {
	case errors.As(err, &se):
		j.l.report(j.fs, problem{code: "bad-json", row: se.line, msg: "invalid JSON: " + se.msg + "; the rest of the file was not read"}, 0)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		j.l.report(j.fs, problem{code: "bad-json", row: j.sc.faultLine(), msg: "invalid JSON: the " + j.unit + " ends before the value is complete"}, 0)
	case errors.Is(err, errNotUTF8):
		j.l.report(j.fs, notUTF8(j.fs, j.sc.faultLine()), 0)
	case errors.Is(err, errFileLimit):
		j.l.report(j.fs, j.l.limitProblem(err, 0, "line", false), 0)
	default:
		j.l.report(j.fs, j.l.limitProblem(err, j.sc.faultLine(), "line", true), 0)
	}
}

// builder returns a builder for a record of s at depth d of nesting, with
// a fresh node.
func (j *jsonReader) builder(d int, s *compiler.Schema, at nodeAt, line int, top bool) *recordBuilder {
	for len(j.builders) <= d {
		j.builders = append(j.builders, &recordBuilder{})
	}
	if j.used == len(j.nodes) {
		j.nodes = append(j.nodes, &node{})
	}
	n := j.nodes[j.used]
	j.used++
	b := j.builders[d]
	j.l.initBuilder(b, j.fs, s, n, line, top)
	n.up, n.list, n.at = at.up, at.list, at.at
	return b
}

// nodeAt is where a record is in its file: its index in its list (or -1),
// and for a nested record its parent's node and the name of the parent's
// list.
type nodeAt struct {
	up   *node
	list string
	at   int
}

// commit adds a top-level record read, with the records inline in it,
// and frees their nodes for the next record.
func (j *jsonReader) commit(n *node, anc []ref.Val, ancOK bool) {
	j.fs.info.Records++
	j.l.commit(j.fs, n, anc, ancOK)
	j.used = 0
}

// object reads the rest of an object whose '{', on line line, was just
// read, at depth d of nesting.
func (j *jsonReader) object(d int, s *compiler.Schema, at nodeAt, line int, top bool) (*node, []ref.Val, bool) {
	b := j.builder(d, s, at, line, top)
	for k := 0; j.more(); k++ {
		kt, ok := j.tok()
		if !ok {
			break
		}
		name, t, ok := j.key(b, d, k, j.keyText(kt))
		vt := kt
		if !kt.member {
			// The name's value did not follow it.
			var vok bool
			if vt, vok = j.tok(); !vok {
				break
			}
		}
		if !ok {
			j.sc.skip(vt.kind)
			continue
		}
		switch vt.kind {
		case jsonList, jsonObject:
			if vt.kind == jsonList && t.f.Kind == compiler.ListField && t.f.Elem != nil {
				j.list(d, b, t, name)
				continue
			}
			b.mismatch(t, name, j.describe(vt))
			j.sc.skip(vt.kind)
		case jsonString, jsonNumber:
			b.scalarBytes(t, name, j.text(vt), false)
		case jsonTrue:
			b.scalar(t, name, "true", false)
		case jsonFalse:
			b.scalar(t, name, "false", false)
		case jsonNull:
			b.scalar(t, name, "", true)
		}
	}
	if _, ok := j.tok(); !ok { // }
		return b.n, nil, false
	}
	return b.finish()
}

// list reads the records of list field t, whose '[' was just read.
func (j *jsonReader) list(d int, b *recordBuilder, t target, name string) {
	list := clip(name)
	for i := 0; j.more(); i++ {
		et, ok := j.tok()
		if !ok {
			break
		}
		if et.kind == jsonObject {
			kid, _, _ := j.object(d+1, t.f.Elem, nodeAt{b.n, list, i}, et.line, false)
			b.n.kids = append(b.n.kids, kid)
			continue
		}
		b.err("bad-record", b.path(name)+"["+strconv.Itoa(i)+"]", b.info.fieldName(t), "", fmt.Sprintf("expected a %s record (an object), found %s", t.f.Elem.Name, j.describe(et)))
		j.sc.skip(et.kind)
	}
	j.tok() // ]
}

// loadJSON reads a JSON file as it streams in: a list of records, or a
// stream of objects as in JSON Lines.
func (l *loader) loadJSON(fs *fileState) {
	pipe := newJSONPipe(newJSONStream(&utf8Reader{r: fs.src}, csvBuffer))
	defer pipe.close()
	j := l.newJSONReader(fs, pipe)
	t, err := j.sc.next()
	if err == io.EOF {
		l.report(fs, problem{code: "empty-file", msg: fmt.Sprintf("the file is empty; expected a list of %s records", fs.schema.Name)}, 0)
		return
	}
	if err != nil {
		j.fail(err)
		return
	}
	s := fs.schema
	switch t.kind {
	case jsonList:
		start := t.off
		for i := 0; j.more(); i++ {
			et, ok := j.token()
			if !ok {
				return
			}
			if i == reserveAfter && fs.size > 0 {
				// Make room for the rest of the records, judged by the size
				// of those read so far.
				read := et.off - start
				l.reserve(fs, int((fs.size-et.off)/max(read/int64(i), 1))*21/20)
			}
			if et.kind == jsonObject {
				n, anc, ancOK := j.object(0, s, nodeAt{at: i}, et.line, true)
				if j.failed {
					return
				}
				j.commit(n, anc, ancOK)
				continue
			}
			l.report(fs, problem{code: "bad-record", row: et.line, column: "[" + strconv.Itoa(i) + "]", msg: fmt.Sprintf("expected a %s record (an object), found %s", s.Name, et.describe())}, 0)
			j.sc.skip(et.kind)
		}
		if _, ok := j.token(); !ok { // ]
			return
		}
		after, err := j.sc.next()
		var se *jsonSyntaxError
		switch {
		case err == io.EOF:
		case err == nil:
			l.report(fs, problem{code: "bad-json", row: after.line, msg: "unexpected content after the list of records"}, 0)
		case err == io.ErrUnexpectedEOF:
			l.report(fs, problem{code: "bad-json", row: j.sc.faultLine(), msg: "unexpected content after the list of records"}, 0)
		case errors.As(err, &se):
			l.report(fs, problem{code: "bad-json", row: se.line, msg: "unexpected content after the list of records"}, 0)
		default:
			j.fail(err)
		}
	case jsonObject:
		// A stream of objects, as in JSON Lines.
		for {
			n, anc, ancOK := j.object(0, s, nodeAt{at: -1}, t.line, true)
			if j.failed {
				return
			}
			j.commit(n, anc, ancOK)
			if !j.more() {
				if err := j.sc.readFault(); err != nil {
					j.fail(err)
				}
				return
			}
			var ok bool
			if t, ok = j.token(); !ok {
				return
			}
			if t.kind != jsonObject {
				l.report(fs, problem{code: "bad-record", row: t.line, msg: fmt.Sprintf("expected a %s record (an object), found %s", s.Name, t.describe())}, 0)
				return
			}
		}
	default:
		l.report(fs, problem{code: "bad-record", row: t.line, msg: fmt.Sprintf("expected a list of %s records, found %s", s.Name, t.describe())}, 0)
	}
}

var newline = []byte("\n")

// reserveAfter is how many records of a JSON file are read before room is
// made for the rest.
const reserveAfter = 1024

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
	j := l.newJSONReader(fs, nil)
	j.unit = "line"
	var batch jsonBatch
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
		if text := bytes.TrimSuffix(line, newline); len(bytes.TrimSpace(text)) > 0 {
			j.sc, j.failed, j.used = newJSONLine(newJSONScanner(text, lineNo), &batch), false, 0
			l.jsonLine(j, s, lineNo)
		}
		line = nil
	}
}

// jsonLine loads line lineNo of a JSON Lines file, which j reads.
func (l *loader) jsonLine(j *jsonReader, s *compiler.Schema, lineNo int) {
	fs := j.fs
	t, ok := j.token()
	if !ok {
		return
	}
	if t.kind != jsonObject {
		l.report(fs, problem{code: "bad-record", row: lineNo, msg: fmt.Sprintf("expected a %s record (an object), found %s", s.Name, t.describe())}, 0)
		return
	}
	n, anc, ancOK := j.object(0, s, nodeAt{at: -1}, lineNo, true)
	if j.failed {
		return
	}
	if j.more() {
		l.report(fs, problem{code: "bad-json", row: lineNo, msg: "the line holds more than one value; JSON Lines has one record per line"}, 0)
		return
	}
	j.commit(n, anc, ancOK)
}

// jsonFirstKeys returns the property names of the first object in text,
// or of as much of it as text holds.
func jsonFirstKeys(text []byte) []string {
	s := newJSONScanner(text, 1)
	t, err := s.next()
	if err == nil && t.kind == jsonList {
		t, err = s.next()
	}
	if err != nil || t.kind != jsonObject {
		return nil
	}
	var keys []string
	for {
		t, err := s.next()
		if err != nil || t.kind == jsonObjectEnd {
			return keys
		}
		keys = append(keys, string(t.text))
		v, err := s.next()
		if err != nil {
			return keys
		}
		s.skip(v)
	}
}
