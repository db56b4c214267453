package data

import (
	"errors"
	"io"
)

// jsonPipe reads a file's tokens with a jsonScanner on a goroutine of its
// own, so that reading the text and turning it into records run side by
// side, as csvRows does for CSV; or, for a line of JSON Lines, on the
// reader's own. The tokens come in batches, their text copied; a token and
// its text are valid until the next token is read.
type jsonPipe struct {
	sc      *jsonScanner // the scanner read without a goroutine, or nil
	batches chan *jsonBatch
	free    chan *jsonBatch
	stop    chan struct{}
	done    chan struct{}
	b       *jsonBatch // the batch being read
	i       int        // the next token of b
	err     error      // the error that ended the tokens, once reached
	errLine int
}

// jsonBatch is a run of tokens, whose text is held in text; the last
// batch ends with the error that ended the tokens. The tokens hold no
// pointers, so that the garbage collector need not scan them.
type jsonBatch struct {
	toks    []batchToken
	text    []byte
	err     error
	errLine int
}

// batchToken is a token of a batch: its text is the batch's
// text[mid:end]. A property name and the first token of its value are one
// batchToken, a member, whose kind and line are the value's and whose
// name is text[start:mid]; for other tokens start is mid.
type batchToken struct {
	kind            jsonKind
	member          bool
	line            int
	off             int64
	start, mid, end int
}

// jsonBatchTokens is about how many tokens a batch holds.
const jsonBatchTokens = 4096

// newJSONPipe starts reading s's tokens. close must be called when the
// tokens are no longer wanted, before s's reader is closed.
func newJSONPipe(s *jsonScanner) *jsonPipe {
	p := &jsonPipe{batches: make(chan *jsonBatch, 4), free: make(chan *jsonBatch, 6),
		stop: make(chan struct{}), done: make(chan struct{})}
	for range 6 {
		p.free <- &jsonBatch{}
	}
	go p.read(s)
	return p
}

// newJSONLine returns a pipe that reads s's tokens without a goroutine,
// for the short text of one line, into batch.
func newJSONLine(s *jsonScanner, batch *jsonBatch) *jsonPipe {
	batch.toks, batch.text, batch.err = batch.toks[:0], batch.text[:0], nil
	return &jsonPipe{sc: s, b: batch}
}

// fill reads a batch of s's tokens into b.
func (b *jsonBatch) fill(s *jsonScanner) {
	b.toks, b.text = b.toks[:0], b.text[:0]
	for len(b.toks) < jsonBatchTokens {
		if err := s.step(); err != nil {
			b.err, b.errLine = err, s.faultLine()
			return
		}
		t := &s.tok
		n := len(b.text)
		b.text = append(b.text, t.text...)
		if t.kind == jsonString && s.state == jsObjectColon {
			// A property name: read its value's first token with it.
			mid := len(b.text)
			key := batchToken{kind: t.kind, line: t.line, off: t.off, start: n, mid: n, end: mid}
			if err := s.step(); err != nil {
				b.toks = append(b.toks, key)
				b.err, b.errLine = err, s.faultLine()
				return
			}
			v := &s.tok
			b.text = append(b.text, v.text...)
			b.toks = append(b.toks, batchToken{kind: v.kind, member: true, line: v.line, off: v.off, start: n, mid: mid, end: len(b.text)})
			continue
		}
		b.toks = append(b.toks, batchToken{kind: t.kind, line: t.line, off: t.off, start: n, mid: n, end: len(b.text)})
	}
}

// read runs on the pipe's goroutine.
func (p *jsonPipe) read(s *jsonScanner) {
	defer close(p.done)
	for {
		var b *jsonBatch
		select {
		case b = <-p.free:
		case <-p.stop:
			return
		}
		b.fill(s)
		select {
		case p.batches <- b:
		case <-p.stop:
			return
		}
		if b.err != nil {
			return
		}
	}
}

// close stops the reading and waits for it to stop.
func (p *jsonPipe) close() {
	if p.sc == nil {
		close(p.stop)
		<-p.done
	}
}

// peek returns the next token without reading it; ok is false when the
// tokens have ended, with p.err saying why.
func (p *jsonPipe) peek() (t *batchToken, ok bool) {
	if p.b != nil && p.i < len(p.b.toks) {
		return &p.b.toks[p.i], true
	}
	return p.nextBatch()
}

// nextBatch moves on to the next batch of tokens and peeks at its first.
func (p *jsonPipe) nextBatch() (t *batchToken, ok bool) {
	for p.b == nil || p.i == len(p.b.toks) {
		switch {
		case p.err != nil:
			return nil, false
		case p.b != nil && p.b.err != nil:
			p.err, p.errLine = p.b.err, p.b.errLine
			continue
		case p.sc != nil:
			p.b.fill(p.sc)
		default:
			if p.b != nil {
				p.free <- p.b
			}
			p.b = <-p.batches
		}
		p.i = 0
	}
	return &p.b.toks[p.i], true
}

// next reads the next token, or returns the error that ended them. The
// token has no column.
func (p *jsonPipe) next() (jsonToken, error) {
	t, ok := p.peek()
	if !ok {
		return jsonToken{}, p.err
	}
	p.i++
	return jsonToken{kind: t.kind, text: p.b.text[t.mid:t.end:t.end], line: t.line, off: t.off}, nil
}

// more reports whether a value comes next in the list or object being
// read, as the scanner's more does.
func (p *jsonPipe) more() bool {
	t, ok := p.peek()
	if !ok {
		// The scanner's more is false at the end of the text and at ] or },
		// where its next token would fail.
		var se *jsonSyntaxError
		return errors.As(p.err, &se) && se.c != ']' && se.c != '}'
	}
	return t.kind != jsonListEnd && t.kind != jsonObjectEnd
}

// skip reads the rest of a value whose first token was of kind k.
func (p *jsonPipe) skip(k jsonKind) {
	if k != jsonObject && k != jsonList {
		return
	}
	for depth := 1; depth > 0; {
		t, err := p.next()
		if err != nil {
			return
		}
		switch t.kind {
		case jsonObject, jsonList:
			depth++
		case jsonObjectEnd, jsonListEnd:
			depth--
		}
	}
}

// faultLine is the line reached when an error ended the tokens.
func (p *jsonPipe) faultLine() int {
	return p.errLine
}

// readFault returns what stopped reading the text before its end, or
// nil.
func (p *jsonPipe) readFault() error {
	if _, ok := p.peek(); ok {
		return nil
	}
	var se *jsonSyntaxError
	if p.err == io.EOF || p.err == io.ErrUnexpectedEOF || errors.As(p.err, &se) {
		return nil
	}
	return p.err
}
