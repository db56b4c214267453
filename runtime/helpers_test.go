package runtime_test

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
	"github.com/occ-lang/occ/runtime/gen"
)

// specContract compiles specs/DIR/contract.occ.
func specContract(t testing.TB, dir string) *compiler.Contract {
	t.Helper()
	path := filepath.Join("..", "specs", dir, "contract.occ")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return compileText(t, path, src)
}

// loadFiles loads the named data files, read from dir and named in the
// dataset as given, failing the test on any data error.
func loadFiles(t testing.TB, c *compiler.Contract, dir string, names ...string) *data.Set {
	t.Helper()
	var inputs []data.Input
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data.Input{Path: name, Open: data.Bytes(b)})
	}
	d, errs := data.Load(c, inputs)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return d
}

// compileText compiles src, a contract file called name, failing the test
// on any error.
func compileText(t testing.TB, name string, src []byte) *compiler.Contract {
	t.Helper()
	f, ds := lang.Parse(name, src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	c, ds := compiler.Compile([]*lang.File{f})
	if c == nil || ds.HasErrors() {
		t.Fatal(ds)
	}
	return c
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// sumStrings adds decimal strings exactly and returns the sum with two
// places.
func sumStrings(t *testing.T, amounts []string) string {
	t.Helper()
	total := value.DecimalFromInt(0)
	for _, a := range amounts {
		d, err := value.ParseDecimal(a)
		if err != nil {
			t.Fatalf("amount %q: %v", a, err)
		}
		total, err = total.Add(d)
		if err != nil {
			t.Fatal(err)
		}
	}
	return total.StringFixed(2)
}

// settleOf reads a period the way occ eval --period does, with the
// program's contract's calendar; "" is the zero Period, every period the
// data touches.
func settleOf(t testing.TB, p *runtime.Program, text string) compiler.Period {
	t.Helper()
	if text == "" {
		return compiler.Period{}
	}
	per, err := p.Contract().Calendar().Parse(text)
	if err != nil {
		t.Fatalf("period %q: %v", text, err)
	}
	return per
}

// wantRuleKeyAmounts checks that st's lines are exactly those of want,
// each named rule:key with its amount to the penny: no line missing, none
// more, and no two lines of the same rule and key.
func wantRuleKeyAmounts(t *testing.T, st *runtime.Statement, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	n := 0
	for l := range st.Lines() {
		k := l.Rule + ":" + l.Key
		if _, dup := got[k]; dup {
			t.Errorf("two lines %s", k)
		}
		got[k] = l.Amount.Decimal().StringFixed(2)
		n++
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got[k] != want[k] {
			t.Errorf("%s = %q, want %s", k, got[k], want[k])
		}
	}
	if n != len(want) {
		t.Errorf("%d lines, want %d: %v", n, len(want), got)
	}
}

// generatedReviews returns n reviews of individual-outcomes and their
// goals, generated from seed by runtime/gen, as data inputs.
func generatedReviews(t testing.TB, n int, seed uint64) []data.Input {
	t.Helper()
	var r, g bytes.Buffer
	if err := gen.IndividualOutcomes(&r, &g, n, seed); err != nil {
		t.Fatal(err)
	}
	return []data.Input{{Path: "reviews.csv", Open: data.Bytes(r.Bytes())}, {Path: "goals.csv", Open: data.Bytes(g.Bytes())}}
}

// loadGenerated loads generatedReviews(n, seed) for contract c.
func loadGenerated(t testing.TB, c *compiler.Contract, n int, seed uint64) *data.Set {
	t.Helper()
	d, errs := data.Load(c, generatedReviews(t, n, seed))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return d
}
