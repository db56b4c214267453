package runtime

import (
	"io"
	goruntime "runtime"
	"sync"
)

// lineChunk is how many lines one worker renders at a time.
const lineChunk = 2048

// chunk is a run of lines, lo to hi, and what rendering them gave.
type chunk struct {
	lo, hi int
	b      []byte
	err    error
	done   chan struct{}
}

// renderWorkers returns how many goroutines render the statement's lines:
// the program's workers, at most one per CPU.
func (s *Statement) renderWorkers() int {
	workers := goruntime.GOMAXPROCS(0)
	if s.ev != nil && s.ev.p.workers < workers {
		workers = s.ev.p.workers
	}
	return workers
}

// writeChunks writes n lines to w in order, as the renderers from
// newRender append runs of them to a buffer. Up to workers goroutines,
// each with its own renderer, render chunks of lineChunk lines while the
// chunks are written in order, so that w receives the bytes of rendering
// every line in turn with one renderer. A bounded number of chunks, two
// for each worker, is in flight, each in a buffer used again for a later
// chunk, so the memory taken does not grow with n. The first error, in
// line order, of rendering or of writing is returned, and nothing after
// it is written.
func writeChunks(w io.Writer, n, workers int, newRender func() func(b []byte, lo, hi int) ([]byte, error)) error {
	if workers < 2 || n <= lineChunk {
		render := newRender()
		var b []byte
		for lo := 0; lo < n; lo += lineChunk {
			var err error
			if b, err = render(b[:0], lo, min(lo+lineChunk, n)); err != nil {
				return err
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	}
	inFlight := 2 * workers
	free := make(chan *chunk, inFlight)
	for range inFlight {
		free <- &chunk{done: make(chan struct{}, 1)}
	}
	jobs := make(chan *chunk, inFlight)
	order := make(chan *chunk, inFlight)
	stop := make(chan struct{})
	go func() {
		defer close(order)
		defer close(jobs)
		for lo := 0; lo < n; lo += lineChunk {
			var c *chunk
			select {
			case c = <-free:
			case <-stop:
				return
			}
			c.lo, c.hi = lo, min(lo+lineChunk, n)
			order <- c
			jobs <- c
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			render := newRender()
			for c := range jobs {
				c.b, c.err = render(c.b[:0], c.lo, c.hi)
				c.done <- struct{}{}
			}
		})
	}
	var err error
	for c := range order {
		<-c.done
		if err == nil {
			if err = c.err; err == nil {
				_, err = w.Write(c.b)
			}
			if err != nil {
				close(stop)
			}
		}
		free <- c
	}
	wg.Wait()
	return err
}

// WriteLines writes the statement's lines to w in statement order, each
// as a renderer appends it to a buffer. The lines are rendered in chunks
// on the program's workers, each worker with its own renderer from
// newRender, and the chunks are written in order, so that w receives the
// bytes of rendering every line in turn. The Line a renderer is given is
// made again for the next line: it is the renderer's for that call only.
// The first error, of a renderer or of w, ends the writing and is
// returned. A summary (see WithoutLines) has no lines to write.
func (s *Statement) WriteLines(w io.Writer, newRender func() func(b []byte, l *Line) ([]byte, error)) error {
	return writeChunks(w, len(s.refs), s.renderWorkers(), func() func([]byte, int, int) ([]byte, error) {
		render := newRender()
		var l Line // one for each renderer, not each line
		return func(b []byte, lo, hi int) ([]byte, error) {
			for _, r := range s.refs[lo:hi] {
				l = s.line(r)
				var err error
				if b, err = render(b, &l); err != nil {
					return b, err
				}
			}
			return b, nil
		}
	})
}
