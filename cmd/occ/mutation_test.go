package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime"
)

// mutationSpecs are the contracts whose tests must pin every param: the
// five worked examples and the payment-by-results contracts beside them.
var mutationSpecs = []string{
	"time-and-task",
	"performance-standards",
	"individual-outcomes",
	"reducing-budget",
	"lead-provider",
	"rate-card",
	"tiered-prices",
	"sliding-scale",
	"service-credits",
	"troubled-families",
	"earnings-milestones",
	"hospital-activity",
	"work-programme",
	"care-packages",
}

// mutant is one changed default of one param.
type mutant struct {
	param string
	dir   string // "up", "down" or "flipped"
	value ref.Val
}

// TestMutation changes each param's default of each contract, up and down,
// and requires that some test of the contract fails for every change: a
// param no test notices is a param the tests do not pin. The unchanged
// contract must pass all its tests, so that the failures mean something.
func TestMutation(t *testing.T) {
	for _, name := range mutationSpecs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("..", "..", "specs", name)
			u := unit{main: filepath.Join(dir, "contract.occ"),
				files: []string{filepath.Join(dir, "contract.occ"), filepath.Join(dir, "contract_test.occ")}}
			l := loadContract(u, sources{})
			if l.contract == nil || l.diags.HasErrors() {
				t.Fatalf("%s does not compile:\n%v", name, l.diags)
			}
			c := l.contract
			if len(c.Tests) == 0 {
				t.Fatalf("%s has no tests", name)
			}
			if failed := runAll(c, nil); len(failed) > 0 {
				t.Fatalf("the unmutated contract fails its tests: %s", strings.Join(failed, "; "))
			}
			percent := percentParams(l.files)
			killed := 0
			var mutants []mutant
			defaults := map[string]ref.Val{}
			for _, p := range c.Params {
				for _, e := range paramEntries(p) {
					defaults[e.Name] = e.Default
					ms, err := mutate(c, e, percent[p.Name])
					if err != nil {
						t.Errorf("param %s: %v", e.Name, err)
						continue
					}
					mutants = append(mutants, ms...)
				}
			}
			for _, m := range mutants {
				failed := runAll(c, map[string]ref.Val{m.param: m.value})
				if len(failed) == 0 {
					t.Errorf("param %s mutated %s (default %s -> %s) survived: no test failed",
						m.param, m.dir, show(defaults[m.param]), show(m.value))
					continue
				}
				killed++
				if testing.Verbose() {
					t.Logf("param %s %s (%s -> %s) killed by: %s", m.param, m.dir,
						show(defaults[m.param]), show(m.value), failed[0])
				}
			}
			t.Logf("%s: %d of %d mutants killed (%d params)", name, killed, len(mutants), len(c.Params))
		})
	}
}

// runAll runs every test of the contract with the given defaults and
// returns the names of the tests that failed.
func runAll(c *compiler.Contract, defaults map[string]ref.Val) []string {
	var failed []string
	for _, tc := range c.Tests {
		res := runtime.RunTest(context.Background(), c, tc, runtime.TestOptions{Defaults: defaults})
		if !res.Passed() {
			failed = append(failed, fmt.Sprintf("%q (%s)", res.Name, describeFailure(res.Failures[0])))
		}
	}
	return failed
}

func describeFailure(f runtime.TestFailure) string {
	if f.Want != "" {
		return fmt.Sprintf("%s: want %s, got %s", f.Expect, f.Want, f.Got)
	}
	return strings.TrimSpace(f.Expect + ": " + firstLine(f.Msg))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// paramEntries returns what to mutate of a param: the param itself, or
// for a table param each entry (and its default) on its own, as a param
// named NAME.KEY as --set names it.
func paramEntries(p *compiler.Param) []*compiler.Param {
	if !p.IsTable() {
		return []*compiler.Param{p}
	}
	var out []*compiler.Param
	for _, e := range p.Entries {
		out = append(out, &compiler.Param{Name: p.Name + "." + e.Key, Default: e.Value})
	}
	if d := p.Table().Default(); d != nil {
		out = append(out, &compiler.Param{Name: p.Name + "." + lang.DefaultKey, Default: d})
	}
	return out
}

// percentParams finds the params whose default is written as a percentage,
// which mutate by a percentage point rather than by 1% of their value.
func percentParams(files []*lang.File) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		for _, d := range f.Decls {
			if p, ok := d.(*lang.Param); ok && p.Value != nil && strings.HasSuffix(strings.TrimSpace(p.Value.Text), "%") {
				out[p.Name.Text] = true
			}
			if p, ok := d.(*lang.Param); ok && len(p.Entries) > 0 && strings.HasSuffix(strings.TrimSpace(p.Entries[0].Value.Text), "%") {
				out[p.Name.Text] = true
			}
		}
	}
	return out
}

// mutate returns a param's default changed up and down: money by 1%
// rounded to the penny (at least a penny), a percentage by one percentage
// point, another decimal by 1%, an int, days or a date by one, and a bool
// flipped.
func mutate(c *compiler.Contract, p *compiler.Param, percent bool) ([]mutant, error) {
	up := func(v ref.Val) mutant { return mutant{param: p.Name, dir: "up", value: v} }
	down := func(v ref.Val) mutant { return mutant{param: p.Name, dir: "down", value: v} }
	switch v := p.Default.(type) {
	case value.Money:
		penny := value.MustParseDecimal("0.01")
		scaled := func(f string, sign int) (value.Money, error) {
			m, err := v.Mul(value.MustParseDecimal(f))
			if err != nil {
				return m, err
			}
			m = m.Round(c.MinorUnits, value.HalfUp)
			diff, err := m.Sub(v)
			if err != nil {
				return m, err
			}
			if diff.Abs().Cmp(value.MoneyOf(penny)) < 0 {
				step := value.MoneyOf(penny)
				if sign < 0 {
					step = step.Neg()
				}
				return v.Add(step)
			}
			return m, nil
		}
		hi, err := scaled("1.01", 1)
		if err != nil {
			return nil, err
		}
		lo, err := scaled("0.99", -1)
		if err != nil {
			return nil, err
		}
		return []mutant{up(hi), down(lo)}, nil
	case value.Decimal:
		if percent || v.IsZero() {
			point := value.MustParseDecimal("0.01")
			hi, err := v.Add(point)
			if err != nil {
				return nil, err
			}
			lo, err := v.Sub(point)
			if err != nil {
				return nil, err
			}
			return []mutant{up(hi), down(lo)}, nil
		}
		hi, err := v.Mul(value.MustParseDecimal("1.01"))
		if err != nil {
			return nil, err
		}
		lo, err := v.Mul(value.MustParseDecimal("0.99"))
		if err != nil {
			return nil, err
		}
		if v.Sign() < 0 {
			hi, lo = lo, hi
		}
		return []mutant{up(hi), down(lo)}, nil
	case types.Int:
		return []mutant{up(v + 1), down(v - 1)}, nil
	case value.Days:
		return []mutant{up(v + 1), down(v - 1)}, nil
	case value.Date:
		return []mutant{up(v.AddDays(1)), down(v.AddDays(-1))}, nil
	case types.Bool:
		return []mutant{{param: p.Name, dir: "flipped", value: !v}}, nil
	case types.String:
		return []mutant{{param: p.Name, dir: "changed", value: v + " (changed)"}}, nil
	}
	return nil, fmt.Errorf("cannot mutate a default of type %s", p.Default.Type().TypeName())
}

// show renders a param value for a message.
func show(v ref.Val) string {
	if m, ok := v.(value.Money); ok {
		return "£" + m.Decimal().StringFixed(2)
	}
	return fmt.Sprint(v)
}
