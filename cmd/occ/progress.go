package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"occ/compiler"
	"occ/lang"
	"occ/lang/words"
	"occ/runtime/data"
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

// loadInputs reads the data files of inputs and validates them against
// the contract, with a progress line on stderr while it does: the bytes
// read, then the time the checking takes.
func loadInputs(c *compiler.Contract, inputs []data.Input, stderr io.Writer) (*data.Set, lang.Diagnostics, error) {
	paths := make([]string, len(inputs))
	for i, in := range inputs {
		paths[i] = in.Path
	}
	bar := newProgress(stderr, "reading data", unitBytes)
	contents, err := readFiles(paths, bar)
	if err != nil {
		bar.clear()
		return nil, nil, err
	}
	for i := range inputs {
		inputs[i].Data = contents[i]
	}
	stop := bar.busy("checking the data")
	d, ds := data.Load(c, inputs)
	stop()
	return d, ds, nil
}

// readFiles reads the named files whole, showing the bytes read of their
// total size in p (which may be nil). A file that cannot be read is a
// usage error naming it.
func readFiles(paths []string, p *progress) ([][]byte, error) {
	var total, done int64
	for _, path := range paths {
		info, err := os.Stat(path)
		if err != nil {
			return nil, usageError("cannot read data file %s: %v", path, errors.Unwrap(err))
		}
		total += info.Size()
	}
	out := make([][]byte, len(paths))
	for i, path := range paths {
		b, err := readFile(path, func(n int) {
			done += int64(n)
			p.update(min(done, total), total)
		})
		if err != nil {
			return nil, usageError("cannot read data file %s: %v", path, errors.Unwrap(err))
		}
		out[i] = b
	}
	p.update(total, total)
	return out, nil
}

// readChunk is the most readFile reads at once, so that progress moves
// while a large file is read.
const readChunk = 4 << 20

// readFile is os.ReadFile, calling read with the number of bytes of each
// read. Like os.ReadFile it allocates the file's size once, which matters
// for files of hundreds of MB.
func readFile(name string, read func(n int)) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 0
	if info, err := f.Stat(); err == nil && int64(int(info.Size())) == info.Size() {
		size = int(info.Size())
	}
	b := make([]byte, 0, size+512)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):min(cap(b), len(b)+readChunk)])
		b = b[:len(b)+n]
		read(n)
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
