package runtime_test

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	occruntime "github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// TestLoadedHeap measures what the loaded data set of the individual-outcomes
// contract holds once loading is done: it loads reviews.csv and goals.csv
// from $OCC_HEAP_DIR (such as occgen's 1M files), collects garbage and
// reports the live heap per review and per record; with OCC_HEAP_PROFILE
// set it writes an inuse heap profile there, for
// go tool pprof -sample_index=inuse_space -top. It is skipped without
// OCC_HEAP_DIR.
func TestLoadedHeap(t *testing.T) {
	dir := os.Getenv("OCC_HEAP_DIR")
	if dir == "" {
		t.Skip("set OCC_HEAP_DIR to a directory holding reviews.csv and goals.csv")
	}
	c := specContract(t, "individual-outcomes")
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	in := []data.Input{{Path: "reviews.csv", Open: data.File(dir + "/reviews.csv")}, {Path: "goals.csv", Open: data.File(dir + "/goals.csv")}}
	d, errs := data.Load(c, in)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	reviews := len(d.Records["review"])
	goals := 0
	for _, r := range d.Records["review"] {
		if l, ok := r.Field(r.NumFields() - 1).(interface{ Size() ref.Val }); ok {
			goals += int(l.Size().(types.Int))
		}
	}
	live := after.HeapAlloc - before.HeapAlloc
	t.Logf("%d reviews, %d goals: live heap %.1f MB, %.1f bytes a record, %.1f a review with its goals; %d heap objects",
		reviews, goals, float64(live)/1e6, float64(live)/float64(reviews+goals), float64(live)/float64(reviews),
		after.HeapObjects-before.HeapObjects)
	if p := os.Getenv("OCC_HEAP_PROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	if os.Getenv("OCC_HEAP_EVAL") == "" {
		runtime.KeepAlive(d)
		return
	}
	// With OCC_HEAP_EVAL set, the statement too: what evaluation adds.
	p, err := occruntime.New(c)
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Eval(context.Background(), d, compiler.Period{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var evald runtime.MemStats
	runtime.ReadMemStats(&evald)
	t.Logf("after evaluation: live heap %.1f MB (%.1f MB more), %d heap objects; peak heap from the OS %.1f MB",
		float64(evald.HeapAlloc-before.HeapAlloc)/1e6, (float64(evald.HeapAlloc)-float64(after.HeapAlloc))/1e6,
		evald.HeapObjects-before.HeapObjects, float64(evald.HeapSys)/1e6)
	if p := os.Getenv("OCC_HEAP_PROFILE"); p != "" {
		f, err := os.Create(p + ".eval")
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	runtime.KeepAlive(st)
	runtime.KeepAlive(d)
}
