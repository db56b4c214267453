package runtime_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
	"github.com/occ-lang/occ/runtime/gen"
)

// The benchmarks evaluate the individual-outcomes contract on data from
// occ/runtime/gen (seed 1), generated in memory: nothing large is checked
// in. Each reports reviews/s and allocations, at 10k and 100k reviews, and
// at 1M too with OCC_BENCH_1M=1, so that go test -bench . stays quick:
//
//	go test ./runtime -run '^$' -bench . -benchtime 3x
//	OCC_BENCH_1M=1 go test ./runtime -run '^$' -bench '/1M' -benchtime 1x
//
// docs/performance.md records the figures.

// benchSize is one size the benchmarks run at.
type benchSize struct {
	name    string
	reviews int
}

// benchSizes returns the sizes to run: 10k and 100k reviews, and 1M when
// OCC_BENCH_1M=1.
func benchSizes() []benchSize {
	sizes := []benchSize{{"10k", 10_000}, {"100k", 100_000}}
	if os.Getenv("OCC_BENCH_1M") == "1" {
		sizes = append(sizes, benchSize{"1M", 1_000_000})
	}
	return sizes
}

var (
	benchMu   sync.Mutex
	benchData = map[int][2][]byte{}
)

// benchInputs returns the generated reviews.csv and goals.csv for n
// reviews, generating them once per process.
func benchInputs(b *testing.B, n int) []data.Input {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	files, ok := benchData[n]
	if !ok {
		var r, g bytes.Buffer
		if err := gen.IndividualOutcomes(&r, &g, n, 1); err != nil {
			b.Fatal(err)
		}
		files = [2][]byte{r.Bytes(), g.Bytes()}
		benchData[n] = files
	}
	return []data.Input{{Path: "reviews.csv", Open: data.Bytes(files[0])}, {Path: "goals.csv", Open: data.Bytes(files[1])}}
}

func benchLoad(b *testing.B, c *compiler.Contract, in []data.Input) *data.Set {
	b.Helper()
	d, errs := data.Load(c, in)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	return d
}

func benchEval(b *testing.B, p *runtime.Program, d *data.Set) *runtime.Statement {
	b.Helper()
	st, err := p.Eval(context.Background(), d, compiler.Period{})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

func benchJSON(b *testing.B, st *runtime.Statement, w io.Writer) {
	b.Helper()
	if err := st.WriteJSON(w); err != nil {
		b.Fatal(err)
	}
}

func reportRate(b *testing.B, reviews int) {
	b.ReportMetric(float64(reviews)*float64(b.N)/b.Elapsed().Seconds(), "reviews/s")
}

// benchSized runs a sub-benchmark per size of benchSizes: prepare sets up
// for n reviews outside the timer and returns the operation to time, which
// reports anything more it measured once b.N runs are done.
func benchSized(b *testing.B, prepare func(b *testing.B, reviews int) (op func(), done func())) {
	for _, sz := range benchSizes() {
		b.Run(sz.name, func(b *testing.B) {
			op, done := prepare(b, sz.reviews)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				op()
			}
			reportRate(b, sz.reviews)
			if done != nil {
				done()
			}
		})
	}
}

// BenchmarkLoad reads and validates the two CSV files.
func BenchmarkLoad(b *testing.B) {
	c := specContract(b, "individual-outcomes")
	benchSized(b, func(b *testing.B, n int) (func(), func()) {
		in := benchInputs(b, n)
		benchMu.Lock()
		files := benchData[n]
		benchMu.Unlock()
		b.SetBytes(int64(len(files[0]) + len(files[1])))
		return func() { benchLoad(b, c, in) }, nil
	})
}

// BenchmarkEval evaluates loaded data into a statement for every month;
// the statement keeps its lines as compact references, rendering none.
func BenchmarkEval(b *testing.B) {
	c := specContract(b, "individual-outcomes")
	p, err := runtime.New(c)
	if err != nil {
		b.Fatal(err)
	}
	benchSized(b, func(b *testing.B, n int) (func(), func()) {
		d := benchLoad(b, c, benchInputs(b, n))
		return func() { benchEval(b, p, d) }, nil
	})
}

// BenchmarkJSON encodes a statement as JSON, rendering each line, with
// its inputs, as it is written.
func BenchmarkJSON(b *testing.B) {
	c := specContract(b, "individual-outcomes")
	p, err := runtime.New(c)
	if err != nil {
		b.Fatal(err)
	}
	benchSized(b, func(b *testing.B, n int) (func(), func()) {
		st := benchEval(b, p, benchLoad(b, c, benchInputs(b, n)))
		w := &countWriter{}
		return func() { benchJSON(b, st, w) },
			func() { b.ReportMetric(float64(w.n)/float64(b.N), "bytes/op") }
	})
}

// BenchmarkEndToEnd loads, evaluates and writes the JSON statement as
// occ eval --format json does, streaming the lines from the evaluation.
func BenchmarkEndToEnd(b *testing.B) {
	c := specContract(b, "individual-outcomes")
	benchSized(b, func(b *testing.B, n int) (func(), func()) {
		in := benchInputs(b, n)
		return func() { endToEnd(b, c, in) }, nil
	})
}

// BenchmarkEvalSummary evaluates loaded data into a summary for every
// month (a Program WithoutLines) and writes it as JSON, as occ eval
// --format summary does after loading; compare BenchmarkEval, which makes
// the statement's lines and writes nothing.
func BenchmarkEvalSummary(b *testing.B) {
	c := specContract(b, "individual-outcomes")
	p, err := runtime.New(c, runtime.WithoutLines())
	if err != nil {
		b.Fatal(err)
	}
	benchSized(b, func(b *testing.B, n int) (func(), func()) {
		d := benchLoad(b, c, benchInputs(b, n))
		return func() { benchSummary(b, benchEval(b, p, d), io.Discard) }, nil
	})
}

// BenchmarkEndToEndSummary loads, evaluates and writes the summary as occ
// eval --format summary does.
func BenchmarkEndToEndSummary(b *testing.B) {
	c := specContract(b, "individual-outcomes")
	benchSized(b, func(b *testing.B, n int) (func(), func()) {
		in := benchInputs(b, n)
		return func() { endToEndSummary(b, c, in) }, nil
	})
}

// endToEndSummary does what occ eval --format summary does: prepare the
// program without lines, load the data and write the summary.
func endToEndSummary(b *testing.B, c *compiler.Contract, in []data.Input) {
	p, err := runtime.New(c, runtime.WithoutLines())
	if err != nil {
		b.Fatal(err)
	}
	d := benchLoad(b, c, in)
	benchSummary(b, benchEval(b, p, d), io.Discard)
}

func benchSummary(b *testing.B, st *runtime.Statement, w io.Writer) {
	b.Helper()
	if err := st.WriteSummaryJSON(w); err != nil {
		b.Fatal(err)
	}
}

// endToEnd does what occ eval --format json does: prepare the program,
// load the data and stream the statement.
func endToEnd(b *testing.B, c *compiler.Contract, in []data.Input) {
	p, err := runtime.New(c)
	if err != nil {
		b.Fatal(err)
	}
	d := benchLoad(b, c, in)
	benchJSON(b, benchEval(b, p, d), io.Discard)
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// TestBenchDataEvaluates checks that generated data loads and evaluates
// the same with one worker as with several.
func TestBenchDataEvaluates(t *testing.T) {
	c := specContract(t, "individual-outcomes")
	d := loadGenerated(t, c, 3000, 1)
	var outs []string
	for _, workers := range []int{1, 2, 7} {
		p, err := runtime.New(c, runtime.WithWorkers(workers))
		if err != nil {
			t.Fatal(err)
		}
		for _, period := range []string{"", "2026-05"} {
			st, err := p.Eval(context.Background(), d, settleOf(t, p, period))
			if err != nil {
				t.Fatal(err)
			}
			js, err := st.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			outs = append(outs, fmt.Sprintf("%s:%s", period, js))
		}
	}
	for i := 2; i < len(outs); i++ {
		if outs[i] != outs[i%2] {
			t.Fatalf("output %d differs from the one-worker output", i)
		}
	}
}
