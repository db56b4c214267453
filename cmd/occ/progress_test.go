package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/occ-lang/occ/runtime/data"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer is a bytes.Buffer safe for busy's goroutine to write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testProgress is a progress drawing into w, as if w were a terminal, on
// a clock the test moves.
func testProgress(w io.Writer, label string, u measure) (*progress, *fakeClock) {
	clock := &fakeClock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	return &progress{w: w, label: label, unit: u, now: clock.now, start: clock.now()}, clock
}

// screen is what a terminal shows of text written to it: each carriage
// return goes back to the start of the line, and what follows overwrites.
func screen(text string) string {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		var line []byte
		col := 0
		for _, seg := range strings.Split(l, "\r") {
			col = 0
			for i := 0; i < len(seg); i++ {
				if col < len(line) {
					line[col] = seg[i]
				} else {
					line = append(line, seg[i])
				}
				col++
			}
		}
		lines = append(lines, string(line))
	}
	return strings.Join(lines, "\n")
}

func TestProgressLine(t *testing.T) {
	p, _ := testProgress(nil, "forecast", unitRuns)
	for _, c := range []struct {
		done, total int64
		elapsed     time.Duration
		want        string
	}{
		{0, 200, 0, "forecast [....................]   0% 0/200 runs"},
		{50, 200, 100 * time.Millisecond, "forecast [#####...............]  25% 50/200 runs"},
		{120, 200, 4 * time.Second, "forecast [############........]  60% 120/200 runs  30.0 runs/s  3s left"},
		{200, 200, 8 * time.Second, "forecast [####################] 100% 200/200 runs  25.0 runs/s"},
		{5_000, 1_000_000, 10 * time.Second, "forecast   0% 5,000/1,000,000 runs  500 runs/s  33m10s left"},
		{1, 100_000, 10 * time.Second, "forecast [....................]   0% 1/100,000 runs  0.1 runs/s  277h46m left"},
	} {
		if got := p.line(c.done, c.total, c.elapsed); got != c.want {
			t.Errorf("line(%d, %d, %s) =\n%q, want\n%q", c.done, c.total, c.elapsed, got, c.want)
		}
		if got := p.line(c.done, c.total, c.elapsed); len(got) > 79 {
			t.Errorf("line is %d columns: %q", len(got), got)
		}
	}
	b, _ := testProgress(nil, "reading data", unitBytes)
	if got, want := b.line(58_100_000, 146_500_000, 2*time.Second), "reading data [#######.............]  39% 58.1/146.5 MB  29.1 MB/s  3s left"; got != want {
		t.Errorf("bytes: %q, want %q", got, want)
	}
}

// The line is drawn at most ten times a second and not in the first
// quarter second; the last update is drawn; clear leaves an empty line.
func TestProgressDrawsAndClears(t *testing.T) {
	var buf bytes.Buffer
	p, clock := testProgress(&buf, "forecast", unitRuns)
	p.update(1, 10)
	if buf.Len() != 0 {
		t.Fatalf("drawn in the first quarter second: %q", buf.String())
	}
	clock.advance(time.Second)
	p.update(2, 10)
	first := buf.Len()
	if first == 0 {
		t.Fatal("nothing drawn after a second")
	}
	clock.advance(50 * time.Millisecond)
	p.update(3, 10)
	if buf.Len() != first {
		t.Errorf("drawn again within 100 ms: %q", buf.String())
	}
	p.update(10, 10)
	if !strings.Contains(screen(buf.String()), "100% 10/10 runs") {
		t.Errorf("the last update is not drawn: %q", screen(buf.String()))
	}
	p.clear()
	if s := strings.TrimRight(screen(buf.String()), " "); s != "" {
		t.Errorf("after clear the screen shows %q", s)
	}
	buf.WriteString("report\n")
	if s := screen(buf.String()); s != "report\n" && strings.TrimRight(strings.Split(s, "\n")[0], " ") != "report" {
		t.Errorf("what follows the bar is not on a clean line: %q", s)
	}
}

// A shorter line drawn after a longer one leaves none of the longer one.
func TestProgressShorterLine(t *testing.T) {
	var buf bytes.Buffer
	p, _ := testProgress(&buf, "x", unitRuns)
	p.draw("a long line of progress")
	p.draw("short")
	if s := strings.TrimRight(screen(buf.String()), " "); s != "short" {
		t.Errorf("screen %q, want short", s)
	}
}

func TestProgressNil(t *testing.T) {
	var p *progress
	p.update(1, 2)
	p.busy("checking")()
	p.clear()
}

func TestProgressBusy(t *testing.T) {
	var buf syncBuffer
	p, clock := testProgress(&buf, "reading data", unitBytes)
	clock.advance(time.Second) // busy restarts the clock
	stop := p.busy("checking the data")
	time.Sleep(250 * time.Millisecond)
	if buf.String() != "" {
		t.Errorf("busy drew before a quarter second had passed: %q", buf.String())
	}
	clock.advance(1500 * time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "checking the data  1.5s") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	out := buf.String()
	if !strings.Contains(out, "checking the data  1.5s") {
		t.Errorf("busy drew %q", out)
	}
	if s := strings.TrimRight(screen(out), " "); s != "" {
		t.Errorf("after stop the screen shows %q", s)
	}
}

// TestCountingReader checks that every byte read is counted, once.
func TestCountingReader(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789"), 100_007)
	var n int
	r := &countingReader{ReadCloser: io.NopCloser(bytes.NewReader(big)), read: func(k int) { n += k }}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, big) || n != len(big) {
		t.Errorf("read %d bytes, counted %d, want %d (%v)", len(got), n, len(big), err)
	}
}

// TestLoadInputs checks that loading through the progress line loads
// what data.Load loads, and draws nothing when stderr is not a terminal.
func TestLoadInputs(t *testing.T) {
	dir := filepath.Join("..", "..", "specs", "individual-outcomes")
	c, _, err := compileSpec(dir, io.Discard, "text")
	if err != nil {
		t.Fatal(err)
	}
	inputs := func() []data.Input {
		var in []data.Input
		for _, f := range []string{"reviews.csv", "goals.csv"} {
			p := filepath.Join(dir, f)
			in = append(in, data.Input{Path: p, Open: data.File(p)})
		}
		return in
	}
	var stderr bytes.Buffer
	got, ds := loadInputs(c, inputs(), data.Limits{}, 0, &stderr)
	want, wantDs := data.Load(c, inputs(), data.Limits{})
	if len(ds) != 0 || len(wantDs) != 0 {
		t.Fatalf("diagnostics %v and %v", ds, wantDs)
	}
	if len(got.Records["review"]) != len(want.Records["review"]) || len(got.Files) != 2 || got.Files[1].SHA256 != want.Files[1].SHA256 {
		t.Errorf("loaded %d reviews and %v, want %d and %v", len(got.Records["review"]), got.Files, len(want.Records["review"]), want.Files)
	}
	if stderr.Len() != 0 {
		t.Errorf("progress drawn on a buffer: %q", stderr.String())
	}
}

// Neither a pipe, a file, the null device nor standard error with --quiet
// is a terminal.
func TestIsTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	for name, w := range map[string]io.Writer{"a pipe": w, "a file": f, os.DevNull: null, "a buffer": &bytes.Buffer{}, "--quiet": quiet(os.Stderr, true)} {
		if isTerminal(w) {
			t.Errorf("%s is taken for a terminal", name)
		}
	}
	if quiet(os.Stderr, false) != io.Writer(os.Stderr) {
		t.Error("without --quiet, stderr is not itself")
	}
}

// When standard error is not a terminal, forecast and eval write nothing
// on it: no progress line, with or without --quiet.
func TestNoProgressWithoutTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var piped bytes.Buffer
	copied := make(chan struct{})
	go func() { io.Copy(&piped, r); close(copied) }()
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	commands := [][]string{
		{"forecast", outcomesDir, "--scenario", outcomesDir + "/scenario.yaml", "--runs", "12"},
		{"forecast", leadDir, "--from", leadDir + "/people.csv", "--runs", "12", "--quiet"},
		evalOutcomesArgs(),
		evalOutcomesArgs("--quiet", "--format", "json"),
	}
	for _, stderr := range []io.Writer{w, f} {
		for _, args := range commands {
			var stdout bytes.Buffer
			if code := run(args, &stdout, stderr); code != 0 || stdout.Len() == 0 {
				t.Errorf("occ %s: exit %d, %d bytes of output", strings.Join(args, " "), code, stdout.Len())
			}
		}
	}
	w.Close()
	<-copied
	r.Close()
	if piped.Len() > 0 {
		t.Errorf("written to standard error, a pipe: %q", piped.String())
	}
	if b, _ := os.ReadFile(f.Name()); len(b) > 0 {
		t.Errorf("written to standard error, a file: %q", b)
	}
}
