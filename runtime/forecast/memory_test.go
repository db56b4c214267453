package forecast

import (
	"context"
	"fmt"
	"os"
	goruntime "runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/occ-lang/occ/compiler/value"
)

// TestRunDataIsNotKept: once a run's data has been evaluated, nothing the
// generator keeps for later runs holds on to it. A run's records used to
// share their allocation blocks with the next run's, and through them
// every run a worker made stayed reachable to the end of the forecast:
// 1,000 runs took three times the memory of 300.
func TestRunDataIsNotKept(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	sc := parse(t, c, baseScenario)
	g := newGenerator(sc)
	_, last := sc.span()
	var first []weak.Pointer[value.Record]
	d, err := g.dataset(1, 0, last)
	if err != nil {
		t.Fatal(err)
	}
	for _, recs := range d.Records {
		for _, r := range recs {
			first = append(first, weak.Make(r))
		}
	}
	if len(first) == 0 {
		t.Fatal("the first run made no records")
	}
	d = nil
	for run := 1; run <= 3; run++ {
		d, err = g.dataset(1, uint64(run), last)
		if err != nil {
			t.Fatal(err)
		}
	}
	goruntime.GC()
	goruntime.GC()
	kept := 0
	for _, w := range first {
		if w.Value() != nil {
			kept++
		}
	}
	goruntime.KeepAlive(d)
	goruntime.KeepAlive(g)
	if kept > 0 {
		t.Errorf("%d of the first run's %d records are still live three runs later", kept, len(first))
	}
}

// BenchmarkForecastPeakHeap forecasts the individual-outcomes scenario
// with more and more runs and reports the peak heap: peak-MB is the most
// the heap held (live and garbage, at go test's GOGC), peak-live-MB the
// most that was live after a collection. What a run keeps is a few
// hundred bytes of amounts, so both should hardly grow with the number of
// runs; a rise in proportion to the runs means runs' data are being kept.
//
//	go test ./runtime/forecast -run '^$' -bench PeakHeap -benchtime 1x
func BenchmarkForecastPeakHeap(b *testing.B) {
	c := compileSpec(b, "individual-outcomes")
	src, err := os.ReadFile("../../specs/individual-outcomes/scenario.yaml")
	if err != nil {
		b.Fatal(err)
	}
	sc, err := ParseScenario(c, "scenario.yaml", src)
	if err != nil {
		b.Fatal(err)
	}
	counts := []int{100, 300}
	if os.Getenv("OCC_BENCH_FULL") == "1" {
		counts = append(counts, 1000)
	}
	for _, runs := range counts {
		b.Run(fmt.Sprintf("runs=%d", runs), func(b *testing.B) {
			var peak, live uint64
			for b.Loop() {
				goruntime.GC()
				stop := sampleHeap(&peak, &live)
				_, err := Forecast(context.Background(), c, sc, Options{Runs: runs, Seed: 7})
				stop()
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
			b.ReportMetric(float64(live)/(1<<20), "peak-live-MB")
		})
	}
}

// sampleHeap samples the heap every few milliseconds, raising *peak to
// the most it held and *live to the most that was live after a
// collection, until the function it returns is called.
func sampleHeap(peak, live *uint64) (stop func()) {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	read := func() {
		metrics.Read(samples)
		*peak = max(*peak, samples[0].Value.Uint64())
		*live = max(*live, samples[1].Value.Uint64())
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		read()
	}
}
