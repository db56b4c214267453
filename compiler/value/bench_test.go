package value

import (
	"testing"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
)

// benchProgram compiles expr in env, failing the benchmark on errors.
func benchProgram(b *testing.B, env *cel.Env, expr string) cel.Program {
	b.Helper()
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		b.Fatal(iss.Err())
	}
	prg, err := env.Program(ast)
	if err != nil {
		b.Fatal(err)
	}
	return prg
}

func BenchmarkRecordFieldTimesRate(b *testing.B) {
	env := reviewEnv(b)
	prg := benchProgram(b, env, `review.hours * rate`)
	act, err := interpreter.NewActivation(map[string]any{
		"review": newReview("7.5", 1, types.Int(4)),
		"rate":   MustParseDecimal("19.60"),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		out, _, err := prg.Eval(act)
		if err != nil || out.(Decimal).String() != "147.000" {
			b.Fatalf("got %v, %v", out, err)
		}
	}
}

func BenchmarkSumMoney1000(b *testing.B) {
	env := testEnv(b)
	prg := benchProgram(b, env, `sum(fees)`)
	fees := make([]ref.Val, 1000)
	for i := range fees {
		fees[i] = MoneyOf(MustParseDecimal("19.60"))
	}
	act, err := interpreter.NewActivation(map[string]any{"fees": fees})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		out, _, err := prg.Eval(act)
		if err != nil || out.(Money).String() != "19600.00" {
			b.Fatalf("got %v, %v", out, err)
		}
	}
}

func BenchmarkRewrite(b *testing.B) {
	src := `review.hours * £19.60 * (1 + 12.5%) <= £1,250.50 && end - start <= 6 weeks && start >= 2026-04-01 // "x"`
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Rewrite(src); err != nil {
			b.Fatal(err)
		}
	}
}
