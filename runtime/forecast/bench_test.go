package forecast

import (
	"context"
	"os"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/runtime"
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

// BenchmarkForecastRun splits BenchmarkForecast200x12 into its parts, on
// one goroutine: making one run's data from the scenario (generate), and
// a whole run as a forecast's worker makes it (run: the data, then the
// contract evaluated on it in the worker's session, and the statement
// tallied). Each iteration is one run, each with data of its own.
func BenchmarkForecastRun(b *testing.B) {
	c, sc := benchScenario(b)
	_, last := sc.span()
	b.Run("generate", func(b *testing.B) {
		g := sc.maker()
		b.ReportAllocs()
		run := uint64(0)
		for b.Loop() {
			if _, err := g.dataset(1, run, last); err != nil {
				b.Fatal(err)
			}
			run++
		}
	})
	b.Run("run", func(b *testing.B) {
		prog, err := runtime.New(c, runtime.WithoutLines(), runtime.WithWorkers(1))
		if err != nil {
			b.Fatal(err)
		}
		w := benchWindow(b, c, sc)
		g, ses := sc.maker(), prog.NewSession()
		b.ReportAllocs()
		run := 0
		for b.Loop() {
			if _, err := evalRun(context.Background(), ses, g, 1, run, last, w); err != nil {
				b.Fatal(err)
			}
			run++
		}
	})
}

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
	prog, err := runtime.New(c)
	if err != nil {
		b.Fatal(err)
	}
	w.placePeriods(prog.Periods())
	return w
}
