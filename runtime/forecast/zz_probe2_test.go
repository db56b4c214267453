package forecast

import (
	"bytes"
	"context"
	"os"
	"testing"

	"occ/compiler"
	"occ/lang"
	"occ/runtime"
	"occ/runtime/gen"
)

func BenchmarkZZEval(b *testing.B) {
	src, _ := os.ReadFile("../../specs/individual-outcomes/contract.occ")
	f, _ := lang.Parse("contract.occ", src)
	c, _ := compiler.Compile([]*lang.File{f})
	var rb, gb bytes.Buffer
	gen.IndividualOutcomes(&rb, &gb, 2400, 1)
	d, _ := runtime.Load(c, []runtime.Input{{Path: "reviews.csv", Data: rb.Bytes()}, {Path: "goals.csv", Data: gb.Bytes()}})
	p, _ := runtime.New(c, runtime.WithoutInputs(), runtime.WithWorkers(1))
	b.ReportAllocs()
	for b.Loop() {
		p.Eval(context.Background(), d, "")
	}
}
