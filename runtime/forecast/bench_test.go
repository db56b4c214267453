package forecast

import (
	"context"
	"os"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// BenchmarkForecast200x12 forecasts the individual-outcomes contract with
// its scenario (200 people at the start, 12 months, goals reviewed along
// the way). Each iteration is a whole forecast: 1,000 runs with
// OCC_BENCH_FULL=1, else 100. runs/s is what to compare.
func BenchmarkForecast200x12(b *testing.B) {
	c, sc := benchScenario(b)
	runs := 100
	if os.Getenv("OCC_BENCH_FULL") == "1" {
		runs = 1000
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		res, err := Forecast(context.Background(), c, sc, Options{Runs: runs, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		if res.Term.Total.Mean.Sign() <= 0 {
			b.Fatal("the forecast pays nothing")
		}
		n++
	}
	b.ReportMetric(float64(n*runs)/b.Elapsed().Seconds(), "runs/s")
}

// BenchmarkForecastRun splits one run of BenchmarkForecast200x12 into its
// parts, on one goroutine: making the run's data from the scenario, and
// evaluating the contract on it and tallying the statement. Each
// iteration is one run.
func BenchmarkForecastRun(b *testing.B) {
	c, sc := benchScenario(b)
	_, last := sc.span()
	b.Run("generate", func(b *testing.B) {
		g := sc.maker()
		b.ReportAllocs()
		run := uint64(0)
		for b.Loop() {
			g.dataset(1, run, last)
			run++
		}
	})
	b.Run("eval", func(b *testing.B) {
		prog, err := runtime.New(c, runtime.WithoutInputs(), runtime.WithWorkers(1))
		if err != nil {
			b.Fatal(err)
		}
		w := benchWindow(b, c, sc)
		g := sc.maker()
		const sets = 16
		var ds [sets]dataMaker
		for i := range ds {
			ds[i] = fixedData{g.dataset(1, uint64(i), last)}
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := evalRun(context.Background(), prog, ds[i%sets], 1, i, last, w); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// fixedData is a dataMaker that makes the same data for every run.
type fixedData struct{ d *data.Set }

func (f fixedData) dataset(seed, run uint64, lastMonth int) *data.Set { return f.d }

// benchScenario compiles the individual-outcomes contract and parses its
// scenario.
func benchScenario(b *testing.B) (*compiler.Contract, *Scenario) {
	b.Helper()
	c := compileSpec(b, "individual-outcomes")
	src, err := os.ReadFile("../../specs/individual-outcomes/scenario.yaml")
	if err != nil {
		b.Fatal(err)
	}
	sc, err := ParseScenario(c, "scenario.yaml", src)
	if err != nil {
		b.Fatal(err)
	}
	return c, sc
}

// benchWindow returns the window a forecast of the whole term reports.
func benchWindow(b *testing.B, c *compiler.Contract, sc *Scenario) *window {
	b.Helper()
	w, _, err := newWindow(c, sc, Options{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return w
}
