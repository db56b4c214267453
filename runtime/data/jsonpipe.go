package data

import (
	"errors"
	"io"
)

// jsonTokens gives the tokens of JSON text, as a jsonScanner reads them:
// the scanner itself, or a jsonPipe that runs one on a goroutine of its
// own.
type jsonTokens interface {
	// next reads the next token, or returns the error that ended them.
	next() (jsonToken, error)
	// more reports whether a value comes next in the list or object being
	// read.
	more() bool
	// skip reads the rest of a value whose first token was t.
	skip(t jsonToken)
	// faultLine is the line reached when an error ended the tokens.
	faultLine() int
	// readFault returns what stopped reading the text before its end, or
	// nil.
	readFault() error
}

// jsonPipe reads a file's tokens with a jsonScanner on a goroutine of its
// own, so that reading the text and turning it into records run side by
// side, as csvRows does for CSV. The tokens come in batches, their text
// copied; a token's text is valid until the next token is read.
type jsonPipe struct {
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
// batch ends with the error that ended the tokens.
type jsonBatch struct {
	toks    []jsonToken
	text    []byte
	err     error
	errLine int
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
		b.toks, b.text = b.toks[:0], b.text[:0]
		for len(b.toks) < jsonBatchTokens {
			t, err := s.next()
			if err != nil {
				b.err, b.errLine = err, s.faultLine()
				break
			}
			if len(t.text) > 0 {
				n := len(b.text)
				b.text = append(b.text, t.text...)
				t.text = b.text[n:len(b.text):len(b.text)]
			}
			b.toks = append(b.toks, t)
		}
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
	close(p.stop)
	<-p.done
}

// peek returns the next token without reading it; ok is false when the
// tokens have ended, with p.err saying why.
func (p *jsonPipe) peek() (t *jsonToken, ok bool) {
	for p.b == nil || p.i == len(p.b.toks) {
		if p.err != nil {
			return nil, false
		}
		if p.b != nil {
			if p.b.err != nil {
				p.err, p.errLine = p.b.err, p.b.errLine
				continue
			}
			p.free <- p.b
		}
		p.b, p.i = <-p.batches, 0
	}
	return &p.b.toks[p.i], true
}

func (p *jsonPipe) next() (jsonToken, error) {
	t, ok := p.peek()
	if !ok {
		return jsonToken{}, p.err
	}
	p.i++
	return *t, nil
}

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

func (p *jsonPipe) skip(t jsonToken) {
	if t.kind != jsonObject && t.kind != jsonList {
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

func (p *jsonPipe) faultLine() int {
	return p.errLine
}

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
