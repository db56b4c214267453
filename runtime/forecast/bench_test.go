package forecast

import (
	"context"
	"os"
	"testing"
)

// BenchmarkForecast200x12 forecasts the individual-outcomes contract with
// its scenario (200 people at the start, 12 months, goals reviewed along
// the way). Each iteration is a whole forecast: 1,000 runs with
// OCC_BENCH_FULL=1, else 100. runs/s is what to compare.
func BenchmarkForecast200x12(b *testing.B) {
	c := compileSpec(b, "individual-outcomes")
	src, err := os.ReadFile("../../specs/individual-outcomes/scenario.yaml")
	if err != nil {
		b.Fatal(err)
	}
	sc, err := ParseScenario(c, "scenario.yaml", src)
	if err != nil {
		b.Fatal(err)
	}
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
