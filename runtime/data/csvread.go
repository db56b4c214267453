package data

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/occ-lang/occ/compiler/value"
)

// A CSV file's rows are read in chunks: runs of whole lines, cut after a
// line end that no quoted cell spans, so that each chunk can be split into
// rows and its cells turned into values apart from the others. A chunk
// holds the rows that start in it whole, as encoding/csv reads them.
//
// Where a cut falls follows from the quotes: a line end is outside every
// quoted cell exactly when the quotes before it since the start of the
// chunk are even in number, as long as the text up to it is well formed;
// a chunk that is not is read no further than its first fault, which lies
// before its end. The cut depends only on the text, but nothing read
// depends on where the cuts fall.

// csvChunk is one chunk of a CSV file's rows, with what reading it gave.
type csvChunk struct {
	// data is the chunk's text, lines ending in "\n" (or, in the last
	// chunk, the file's end); lead counts the bytes of blank lines between
	// the last row before the chunk and its start.
	data []byte
	lead int64
	// last is set on the file's last chunk, whose text ends with term:
	// io.EOF, or the error that stopped the reading.
	last bool
	term error

	// done is closed when the chunk has been read into rows: out, then
	// rows.
	done chan struct{}
	out  convOut
	rows csvChunkRows
}

// csvChunkRows is what reading a chunk gives besides its converted rows:
// the error that stopped the file's reading, if any, and the lines and
// rows the chunk takes, counted from its start: its first line is line 1,
// and rows are counted as if the row before the chunk were row 0 and
// ended on line 0.
type csvChunkRows struct {
	// lines is how many lines the chunk holds; endRow and endLine are the
	// row and the line the chunk's last row ends on, if it has any rows.
	lines, endRow, endLine int
	any                    bool
	// err stopped the reading after the rows; errRow is the row at fault
	// for errNotUTF8.
	err    error
	errRow int
}

// csvChunkBytes is about how many bytes a chunk holds: big enough that
// handing it on costs little, small enough that the reading runs ahead of
// the rows by little memory. Tests make it small, to cut files often.
var csvChunkBytes = 256 << 10

// csvCutter reads a CSV file's rows after its header into chunks.
type csvCutter struct {
	src *source
	// pending is the text read and not yet handed on, starting at a cut.
	pending []byte
	lead    int64
	// window is how far from the end of the previous row the reading of a
	// row may look: the row limit, and the room for what encoding/csv's
	// buffer reads ahead.
	window int64
	free   chan []byte
}

// next returns the next chunk, or nil after the last.
func (c *csvCutter) next() *csvChunk {
	if c.pending == nil {
		return nil
	}
	target := csvChunkBytes
	for {
		err := c.fill(target)
		if err != nil {
			ch := &csvChunk{data: c.pending, lead: c.lead, last: true, term: err}
			c.pending = nil
			return ch
		}
		cut := lastCut(c.pending)
		if cut > 0 {
			ch := &csvChunk{data: c.pending[:cut], lead: c.lead}
			c.lead = blankTail(ch.data, c.lead)
			rest := c.pending[cut:]
			c.pending = append(c.buffer(max(len(rest), csvChunkBytes)), rest...)
			return ch
		}
		// One row takes all the text read: read on, as far as the row
		// may reach.
		room := int(max(c.window-c.lead, 0))
		if len(c.pending) >= room {
			ch := &csvChunk{data: c.pending[:room], lead: c.lead, last: true, term: errRowLimit}
			c.pending = nil
			return ch
		}
		target = min(2*len(c.pending), room)
	}
}

// buffer returns an empty buffer of at least n bytes, reusing one handed
// back when it can.
func (c *csvCutter) buffer(n int) []byte {
	select {
	case b := <-c.free:
		if cap(b) >= n {
			return b[:0]
		}
	default:
	}
	return make([]byte, 0, n)
}

// fill reads until pending holds n bytes or the file ends; it returns
// what ended the file (io.EOF at its end), or nil.
func (c *csvCutter) fill(n int) error {
	if cap(c.pending) < n {
		c.pending = append(make([]byte, 0, n), c.pending...)
	}
	for len(c.pending) < n {
		m, err := c.src.Read(c.pending[len(c.pending):n])
		c.pending = c.pending[:len(c.pending)+m]
		if err != nil {
			return err
		}
	}
	return nil
}

// lastCut returns the length of the longest start of data that ends in a
// line end outside quotes, or 0.
func lastCut(data []byte) int {
	if bytes.IndexByte(data, '"') < 0 {
		return bytes.LastIndexByte(data, '\n') + 1
	}
	cut, quoted := 0, false
	for i, b := range data {
		switch b {
		case '"':
			quoted = !quoted
		case '\n':
			if !quoted {
				cut = i + 1
			}
		}
	}
	return cut
}

// blankTail returns how many bytes of blank lines end a chunk: the lines
// after its last row, which encoding/csv counts in the size of the next
// row. lead is the blank bytes before the chunk, counted too when the
// chunk is all blank lines.
func blankTail(data []byte, lead int64) int64 {
	i := len(data)
	for i > 0 && data[i-1] == '\n' {
		j := i - 1
		if j > 0 && data[j-1] == '\r' {
			j--
		}
		if j > 0 && data[j-1] != '\n' {
			break
		}
		i = j
	}
	if i == 0 {
		return lead + int64(len(data))
	}
	return int64(len(data) - i)
}

// csvSplitter splits the text of a chunk into rows as encoding/csv's
// Reader does, with the same errors at the same lines, for a separator of
// one byte and neither lazy quotes nor comments. Lines are counted from 1
// at the chunk's start; a row's cells are appended to cells.
type csvSplitter struct {
	sep  byte
	data []byte
	p    int   // the next byte to read
	end  int   // the end of the text this row may read
	term error // what reading past end gives
	// numLine is the line last read; cells holds the cells of the rows,
	// ends where each ends in it.
	numLine int
	cells   []byte
	ends    []int
	// startLine and endLine are the lines the last row read starts and
	// ends on.
	startLine, endLine int
}

// readLine reads the next line, as encoding/csv's readLine does.
func (s *csvSplitter) readLine() ([]byte, error) {
	rest := s.data[s.p:s.end]
	var line []byte
	var err error
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		line = rest[:i+1]
	} else {
		line, err = rest, s.term
	}
	s.p += len(line)
	if len(line) > 0 && err == io.EOF {
		err = nil
		if line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	}
	s.numLine++
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

// lengthNL reports the number of bytes for the trailing \n.
func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// readRow reads the next row, as encoding/csv's readRecord does: it
// returns how many cells it appended, and io.EOF when there is no row.
func (s *csvSplitter) readRow() (int, error) {
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = s.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			line = nil
			continue // a blank line
		}
		break
	}
	if errRead == io.EOF {
		return 0, errRead
	}
	first := len(s.ends)
	recLine := s.numLine
	s.startLine = recLine
	if bytes.IndexByte(line, '"') < 0 {
		// No quotes: the cells are the line's text between separators.
		line = line[:len(line)-lengthNL(line)]
		for {
			i := bytes.IndexByte(line, s.sep)
			if i < 0 {
				break
			}
			s.cells = append(s.cells, line[:i]...)
			s.ends = append(s.ends, len(s.cells))
			line = line[i+1:]
		}
		s.cells = append(s.cells, line...)
		s.ends = append(s.ends, len(s.cells))
		s.endLine = recLine
		return len(s.ends) - first, errRead
	}
	var err error
	lastLine := recLine // where the last cell starts
	line0, col := s.numLine, 1
	sep := s.sep
parseField:
	for {
		if len(line) == 0 || line[0] != '"' {
			i := bytes.IndexByte(line, sep)
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				err = &csv.ParseError{StartLine: recLine, Line: s.numLine, Column: col + j, Err: csv.ErrBareQuote}
				break parseField
			}
			s.cells = append(s.cells, field...)
			s.ends = append(s.ends, len(s.cells))
			lastLine = line0
			if i >= 0 {
				line = line[i+1:]
				col += i + 1
				continue parseField
			}
			break parseField
		}
		fieldLine := line0
		line = line[1:]
		col++
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				s.cells = append(s.cells, line[:i]...)
				line = line[i+1:]
				col += i + 1
				switch {
				case len(line) > 0 && line[0] == '"':
					s.cells = append(s.cells, '"')
					line = line[1:]
					col++
				case len(line) > 0 && line[0] == sep:
					line = line[1:]
					col++
					s.ends = append(s.ends, len(s.cells))
					lastLine = fieldLine
					continue parseField
				case lengthNL(line) == len(line):
					s.ends = append(s.ends, len(s.cells))
					lastLine = fieldLine
					break parseField
				default:
					err = &csv.ParseError{StartLine: recLine, Line: s.numLine, Column: col - 1, Err: csv.ErrQuote}
					break parseField
				}
			case len(line) > 0:
				s.cells = append(s.cells, line...)
				if errRead != nil {
					break parseField
				}
				col += len(line)
				line, errRead = s.readLine()
				if len(line) > 0 {
					line0++
					col = 1
				}
				if errRead == io.EOF {
					errRead = nil
				}
			default:
				if errRead == nil {
					err = &csv.ParseError{StartLine: recLine, Line: line0, Column: col, Err: csv.ErrQuote}
					break parseField
				}
				s.ends = append(s.ends, len(s.cells))
				lastLine = fieldLine
				break parseField
			}
		}
	}
	if err == nil {
		err = errRead
	}
	n := len(s.ends) - first
	s.endLine = lastLine
	if n > 0 {
		start := 0
		if len(s.ends) > 1 {
			start = s.ends[len(s.ends)-2]
		}
		s.endLine += bytes.Count(s.cells[start:s.ends[len(s.ends)-1]], newline)
	}
	return n, err
}

// csvPipe is the reading of one CSV file's rows: the cutter's goroutine
// hands each chunk to order, in file order, and to the workers but one,
// which close its done when they have read it; the loader's own goroutine
// adds the rows, and with one worker reads them too.
type csvPipe struct {
	l     *loader
	order chan *csvChunk
	jobs  chan *csvChunk
	free  chan *csvChunk
	quit  chan struct{}
	done  chan struct{}
	wg    sync.WaitGroup
	cut   *csvCutter
	// start is the offset in the file of the first row's text.
	start int64
	// own reads the chunks when there are no workers.
	own     *csvWorker
	workers []*csvWorker
}

// csvWorker is the state of one goroutine reading chunks.
type csvWorker struct {
	sp   csvSplitter
	conv *rowConverter
	// rowEnd and rowNum are, for each row of the chunk, the end of its
	// cells in sp.ends and its row; cells is the row's cells.
	rowEnd, rowNum []int
	cells          []string
}

// wait returns once ch has been read into rows.
func (p *csvPipe) wait(ch *csvChunk) {
	if p.own != nil {
		p.l.readChunk(p.own, ch)
		return
	}
	<-ch.done
}

// readChunk splits a chunk into rows, as encoding/csv reads them with the
// row limit, and converts them.
func (l *loader) readChunk(w *csvWorker, ch *csvChunk) {
	lim := l.opts.limits
	window := lim.RowBytes + csvBuffer
	sp, r := &w.sp, &ch.rows
	if !ch.last {
		r.lines = bytes.Count(ch.data, newline)
	}
	// Text of ASCII alone is UTF-8 whatever its cells; most files are.
	ascii := isASCII(ch.data)
	sp.data, sp.p, sp.numLine = ch.data, 0, 0
	sp.cells, sp.ends = sp.cells[:0], sp.ends[:0]
	w.rowEnd, w.rowNum = w.rowEnd[:0], w.rowNum[:0]
	// pos is where encoding/csv would start reading the next row: the end
	// of the last, before any blank lines.
	pos, size := -ch.lead, int64(len(ch.data))
	row, prevEnd := 0, 0
	for {
		sp.end, sp.term = len(ch.data), io.EOF
		if ch.last {
			sp.term = ch.term
		}
		if pos+window <= size {
			// The row may not reach past the limit; a chunk read past an
			// error may start beyond it.
			sp.end, sp.term = max(int(pos+window), sp.p), errRowLimit
		}
		first := len(sp.ends)
		_, err := sp.readRow()
		if err == io.EOF {
			break
		}
		next := int64(sp.p)
		if err == nil && next-pos > lim.RowBytes {
			err = errRowLimit
		}
		if err != nil {
			r.err = err
			break
		}
		pos = next
		row += sp.startLine - prevEnd
		prevEnd = sp.endLine
		start := 0
		if first > 0 {
			start = sp.ends[first-1]
		}
		if !ascii && !validCells(sp.cells[start:], sp.ends[first:], start) {
			r.err, r.errRow = errNotUTF8, row
			break
		}
		w.rowEnd = append(w.rowEnd, len(sp.ends))
		w.rowNum = append(w.rowNum, row)
		r.any, r.endRow, r.endLine = true, row, prevEnd
	}
	cv := w.conv
	cv.out = &ch.out
	cv.out.reset()
	// A chunk's records have an Origin of their own: only the goroutine
	// making an Origin's records may set their fields, and the loader
	// reads a chunk's records while the worker goes on to the next, so
	// each chunk interns its values into tables of its own.
	cv.origin = &value.Origin{Schema: cv.origin.Schema, File: cv.origin.File}
	if len(w.rowEnd) == 0 {
		return
	}
	text := string(sp.cells[:sp.ends[w.rowEnd[len(w.rowEnd)-1]-1]])
	first, start := 0, 0
	for k, end := range w.rowEnd {
		cells := w.cells[:0]
		for _, e := range sp.ends[first:end] {
			cells = append(cells, text[start:e])
			start = e
		}
		w.cells = cells
		cv.row(w.rowNum[k], cells)
		first = end
	}
}

// startCSV starts reading fs's rows after its header.
func (l *loader) startCSV(fs *fileState, cols []column, origin *value.Origin) *csvPipe {
	// The loader's goroutine adds the rows; the other workers read them.
	workers := l.opts.workers - 1
	n := 2*workers + 4
	p := &csvPipe{l: l, order: make(chan *csvChunk, n), free: make(chan *csvChunk, n),
		quit: make(chan struct{}), done: make(chan struct{})}
	spare := &l.csvSpare
	for range n {
		ch := &csvChunk{}
		if k := len(spare.chunks); k > 0 {
			ch, spare.chunks = spare.chunks[k-1], spare.chunks[:k-1]
		}
		p.free <- ch
	}
	src := fs.src
	buffered, _ := fs.br.Peek(fs.br.Buffered())
	p.start = src.off - int64(len(buffered))
	pending := append(make([]byte, 0, max(len(buffered), csvChunkBytes)), buffered...)
	fs.br = nil
	p.cut = &csvCutter{src: src, pending: pending, window: l.opts.limits.RowBytes + csvBuffer, free: make(chan []byte, n)}
	newWorker := func() *csvWorker {
		w := &csvWorker{}
		if k := len(spare.workers); k > 0 {
			w, spare.workers = spare.workers[k-1], spare.workers[:k-1]
		}
		w.sp.sep, w.conv = byte(fs.sep), l.newConverter(fs, cols, origin, true)
		p.workers = append(p.workers, w)
		return w
	}
	if workers > 0 {
		p.jobs = make(chan *csvChunk, n)
		for range workers {
			w := newWorker()
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				for ch := range p.jobs {
					l.readChunk(w, ch)
					close(ch.done)
				}
			}()
		}
	} else {
		p.own = newWorker()
	}
	go p.run()
	return p
}

// run cuts the file's text into chunks, on the pipe's goroutine.
func (p *csvPipe) run() {
	defer close(p.done)
	defer close(p.order)
	if p.jobs != nil {
		defer close(p.jobs)
	}
	for {
		var ch *csvChunk
		select {
		case ch = <-p.free:
		case <-p.quit:
			return
		}
		next := p.cut.next()
		if next == nil {
			return
		}
		out := ch.out
		*ch = *next
		ch.out = out
		ch.done = make(chan struct{})
		if p.jobs != nil {
			select {
			case p.jobs <- ch:
			case <-p.quit:
				return
			}
		}
		select {
		case p.order <- ch:
		case <-p.quit:
			return
		}
		if ch.last {
			return
		}
	}
}

// recycle hands a chunk that has been added back for reuse.
func (p *csvPipe) recycle(ch *csvChunk) {
	select {
	case p.cut.free <- ch.data[:0]:
	default:
	}
	ch.data = nil
	p.free <- ch
}

// stop ends the reading and waits for its goroutines to end.
func (p *csvPipe) stop() {
	close(p.quit)
	<-p.done
	p.wg.Wait()
	spare := &p.l.csvSpare
	for len(p.free) > 0 {
		ch := <-p.free
		ch.out.reset()
		ch.data, ch.term = nil, nil
		spare.chunks = append(spare.chunks, ch)
	}
	for _, w := range p.workers {
		w.conv = nil
		spare.workers = append(spare.workers, w)
	}
}

// csvSpare is what reading a CSV file leaves for the next one to reuse:
// chunks and workers, whose buffers have grown to fit.
type csvSpare struct {
	chunks  []*csvChunk
	workers []*csvWorker
}

// isASCII reports whether every byte of b is below 0x80.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
