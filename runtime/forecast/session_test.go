package forecast

import (
	"bytes"
	"context"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/runtime"
)

// TestSessionIsEval: a session's statements, run after run of a
// scenario, are byte for byte those of evaluating each run's data alone,
// though most of a later run's results are remembered from earlier runs.
func TestSessionIsEval(t *testing.T) {
	for _, spec := range []string{"individual-outcomes", "lead-provider"} {
		t.Run(spec, func(t *testing.T) {
			c := compileSpec(t, spec)
			sc := parse(t, c, string(mustRead(t, "../../specs/"+spec+"/scenario.yaml")))
			prog, err := runtime.New(c)
			if err != nil {
				t.Fatal(err)
			}
			ses := prog.NewSession()
			g := sc.maker()
			_, last := sc.span()
			for run := range uint64(12) {
				d, err := g.dataset(3, run, last)
				if err != nil {
					t.Fatal(err)
				}
				alone, err := prog.Eval(context.Background(), d, compiler.Period{})
				if err != nil {
					t.Fatal(err)
				}
				in, err := ses.Eval(context.Background(), d, compiler.Period{})
				if err != nil {
					t.Fatal(err)
				}
				var a, b bytes.Buffer
				if err := alone.WriteJSON(&a); err != nil {
					t.Fatal(err)
				}
				if err := in.WriteJSON(&b); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Fatalf("run %d: the session's statement differs from the evaluation's alone", run)
				}
			}
		})
	}
}
