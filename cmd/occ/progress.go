package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime/data"
)

// progress draws how far a long job has gone on one line of standard
// error, when it is a terminal: the part done as a bar and a percentage,
// the count done of the total, the rate and the time left. It draws at
// most ten times a second, and nothing in the first quarter of a second;
// clear wipes the line, so that what is printed next starts on a clean
// line. A nil *progress draws nothing, so callers need not ask whether
// there is a terminal.
type progress struct {
	w     io.Writer
	label string // what is being done: "forecast", "reading data"
	unit  measure
	now   func() time.Time

	mu    sync.Mutex
	start time.Time
	last  time.Time // when the line was last drawn
	drawn int       // the width of the line on the screen, 0 when clear
}

// showAfter is how long a job runs before its progress is drawn: work
// that ends sooner draws nothing, rather than a line that flickers and is
// gone.
const showAfter = 250 * time.Millisecond

// measure is what a progress counts: runs, or bytes shown in MB.
type measure int

const (
	unitRuns measure = iota
	unitBytes
)

// newProgress returns a progress for label on w, or nil when w is not a
// terminal: with standard error redirected, or with --quiet (see quiet).
func newProgress(w io.Writer, label string, u measure) *progress {
	if !isTerminal(w) {
		return nil
	}
	return &progress{w: w, label: label, unit: u, now: time.Now, start: time.Now()}
}

// quietWriter is standard error with --quiet: diagnostics and messages
// still reach it, but it does not count as a terminal, so no progress is
// drawn on it.
type quietWriter struct{ io.Writer }

// quiet returns stderr as progress should see it: stderr itself, or, with
// --quiet, stderr that is not a terminal.
func quiet(stderr io.Writer, on bool) io.Writer {
	if on {
		return quietWriter{stderr}
	}
	return stderr
}

// isTerminal reports whether w is a terminal: a character device other
// than the null device.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(info, null)
}

// update redraws the line with done of total finished. The last update,
// with done == total, is always drawn; others at most every 100 ms.
func (p *progress) update(done, total int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if now.Sub(p.start) < showAfter || done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.draw(p.line(done, total, now.Sub(p.start)))
}

// maxLine is the widest progress line drawn: one that wraps on an
// 80-column terminal could not be drawn over.
const maxLine = 79

// line is the text of the progress line:
//
//	forecast [############........]  60% 120/200 runs  30.0 runs/s  3s left
//
// Past maxLine columns the bar is left out, then the end cut off.
func (p *progress) line(done, total int64, elapsed time.Duration) string {
	const width = 20
	done = min(max(done, 0), total)
	fill, pct := int64(width), int64(100)
	if total > 0 {
		fill, pct = done*width/total, done*100/total
	}
	bar := " [" + strings.Repeat("#", int(fill)) + strings.Repeat(".", width-int(fill)) + "]"
	rest := fmt.Sprintf(" %3d%% %s", pct, p.count(done, total))
	// A rate and a time left need a little history to mean anything.
	if secs := elapsed.Seconds(); done > 0 && elapsed >= 500*time.Millisecond {
		rate := float64(done) / secs
		rest += "  " + p.rate(rate)
		if done < total {
			left := time.Duration(float64(total-done) / rate * float64(time.Second))
			rest += "  " + roughDuration(left) + " left"
		}
	}
	if s := p.label + bar + rest; len(s) <= maxLine {
		return s
	}
	s := p.label + rest
	return s[:min(len(s), maxLine)]
}

// count is done of total in the unit: "120/200 runs", "12.3/146.5 MB".
func (p *progress) count(done, total int64) string {
	if p.unit == unitBytes {
		return fmt.Sprintf("%s/%s MB", megabytes(float64(done)), megabytes(float64(total)))
	}
	return fmt.Sprintf("%s/%s runs", words.Number(int(done)), words.Number(int(total)))
}

// rate is a rate per second in the unit: "31.5 runs/s", "210.3 MB/s".
func (p *progress) rate(perSecond float64) string {
	if p.unit == unitBytes {
		return megabytes(perSecond) + " MB/s"
	}
	if perSecond < 100 {
		return fmt.Sprintf("%.1f runs/s", perSecond)
	}
	return words.Number(int(perSecond)) + " runs/s"
}

// megabytes writes n bytes in MB (10⁶ bytes) with one decimal.
func megabytes(n float64) string { return fmt.Sprintf("%.1f", n/1e6) }

// roughDuration writes a time left to the second, or to the minute past
// an hour: 0s, 42s, 3m05s, 2h10m.
func roughDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
}

// busy shows label and the time it has taken, redrawn every 200 ms, until
// the function it returns is called; that clears the line. It is for work
// that cannot say how far it has gone.
func (p *progress) busy(label string) (stop func()) {
	if p == nil {
		return func() {}
	}
	p.mu.Lock()
	p.start = p.now()
	p.mu.Unlock()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			p.mu.Lock()
			if elapsed := p.now().Sub(p.start); elapsed >= showAfter {
				p.draw(fmt.Sprintf("%s  %s", label, elapsed.Round(100*time.Millisecond)))
			}
			p.mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		p.clear()
	}
}

// draw writes line over the one on the screen; p.mu is held.
func (p *progress) draw(line string) {
	n := len(line)
	if pad := p.drawn - n; pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	fmt.Fprintf(p.w, "\r%s", line)
	p.drawn = n
}

// clear wipes the line and puts the cursor at its start.
func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.drawn))
		p.drawn = 0
	}
}

// loadInputs validates the data files of inputs against the contract,
// within the limits lim and on workers goroutines (0 for one per CPU),
// with a progress line on stderr while it does: the bytes read of the
// files' total size. Files are read as they are checked.
func loadInputs(c *compiler.Contract, inputs []data.Input, lim data.Limits, workers int, stderr io.Writer) (*data.Set, lang.Diagnostics) {
	var total int64
	for _, in := range inputs {
		if info, err := os.Stat(in.Path); err == nil {
			total += info.Size()
		}
	}
	bar := newProgress(stderr, "reading data", unitBytes)
	var done atomic.Int64
	for i := range inputs {
		open := inputs[i].Open
		inputs[i].Open = func() (io.ReadCloser, error) {
			rc, err := open()
			if err != nil {
				return nil, err
			}
			return &countingReader{ReadCloser: rc, read: func(n int) {
				bar.update(min(done.Add(int64(n)), total), total)
			}}, nil
		}
	}
	d, ds := data.Load(c, inputs, lim, data.Workers(workers))
	bar.clear()
	return d, ds
}

// countingReader tells read how many bytes each Read returned. It keeps
// the file's Stat, by which the loader knows a file's size before reading
// it.
type countingReader struct {
	io.ReadCloser
	read func(n int)
}

// Stat returns the underlying file's information, when it is a file.
func (r *countingReader) Stat() (fs.FileInfo, error) {
	if f, ok := r.ReadCloser.(interface{ Stat() (fs.FileInfo, error) }); ok {
		return f.Stat()
	}
	return nil, errors.ErrUnsupported
}

func (r *countingReader) Read(b []byte) (int, error) {
	n, err := r.ReadCloser.Read(b)
	r.read(n)
	return n, err
}
