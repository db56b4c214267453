package bound_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/bound"
)

func show(x bound.Extreme) string {
	if !x.Finite {
		return fmt.Sprintf("inf %v", x.Why)
	}
	return fmt.Sprintf("%s %s %v", x.Amount.Text('f'), x.Period, x.Why)
}

func TestDebug(t *testing.T) {
	dirs, _ := filepath.Glob("../../specs/*")
	for _, d := range dirs {
		b, _ := os.ReadFile(filepath.Join(d, "contract.occ"))
		_, c, ds := compiler.CompileSources([]compiler.Source{{Name: "contract.occ", Text: b}})
		if c == nil {
			t.Fatal(ds)
		}
		rep, err := bound.Analyze(c, bound.Options{MaxRecords: map[string]int64{}})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("==", d)
		for _, r := range rep.Rules {
			fmt.Printf("  %s: period [%s | %s] term [%s | %s]\n", r.Rule.Name, show(r.PerPeriod.Least), show(r.PerPeriod.Most), show(r.Term.Least), show(r.Term.Most))
		}
		fmt.Printf("  TOTAL period [%s | %s] term [%s | %s]\n", show(rep.PerPeriod.Least), show(rep.PerPeriod.Most), show(rep.Term.Least), show(rep.Term.Most))
	}
}
