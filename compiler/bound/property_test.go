package bound_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"cel.dev/cel-go/common/types/ref"
	"github.com/cockroachdb/apd/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/bound"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// TestSoundOnSpecs is the soundness property: for every contract in
// specs/, random valid data (every field within its declared range, lists
// within their maxima, at most perPeriod records of each data in a
// settlement period) evaluated by the runtime never pays, per rule or in
// total, per period or over the term, more than the bound's most or less
// than its least.
func TestSoundOnSpecs(t *testing.T) {
	const perPeriod = 4
	const sets = 100 // data sets per contract
	dirs, err := filepath.Glob("../../specs/*")
	if err != nil || len(dirs) < 8 {
		t.Fatalf("specs not found: %v", err)
	}
	evaluated := 0
	for i, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c := compileDir(t, dir)
			max := map[string]int64{}
			for _, s := range c.TopSchemas() {
				max[s.Name] = perPeriod
			}
			periods := c.Calendar().Count(c.Settlement)
			per := make([]*bound.Report, periods)
			for p := range per {
				per[p], err = bound.Analyze(c, bound.Options{MaxRecords: max, Some: true, First: p, Last: p})
				if err != nil {
					t.Fatal(err)
				}
			}
			prog, err := runtime.New(c, runtime.WithWorkers(1), runtime.WithoutInputs())
			if err != nil {
				t.Fatal(err)
			}
			// finite counts the finite ends the amounts paid were held
			// to: were every end infinite, nothing could fail.
			finite := 0
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for k := 0; k < sets; k++ {
				set := randomSet(t, c, rng, perPeriod)
				st, err := prog.Eval(context.Background(), set, c.Calendar().Span(c.Settlement, 0, periods-1))
				if err != nil {
					continue // an evaluation error (a zero divisor, say) pays nothing
				}
				evaluated++
				finite += checkStatement(t, c, st, per)
			}
			if finite == 0 {
				t.Errorf("no amount paid was held to a finite end of a bound, so nothing could have failed")
			}
		})
	}
	t.Logf("%d random data sets evaluated", evaluated)
	if evaluated < 300 {
		t.Errorf("only %d random data sets evaluated; the property needs several hundred", evaluated)
	}
}

func compileDir(t *testing.T, dir string) *compiler.Contract {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "contract.occ"))
	if err != nil {
		t.Fatal(err)
	}
	_, c, ds := compiler.CompileSources([]compiler.Source{{Name: "contract.occ", Text: b}})
	if c == nil {
		t.Fatal(ds)
	}
	return c
}

// checkStatement compares each period's total and each rule's lines with
// the bounds of that period, and the term's with the term's.
func checkStatement(t *testing.T, c *compiler.Contract, st *runtime.Statement, per []*bound.Report) (finite int) {
	t.Helper()
	labels := map[string]int{}
	for p := range per {
		labels[per[p].Periods[0]] = p
	}
	ruleSum := map[[2]string]*apd.Decimal{}
	termRule := map[string]*apd.Decimal{}
	for l := range st.Lines() {
		d := l.Amount.Decimal().Apd()
		for _, key := range [][2]string{{l.Rule, l.Period}} {
			if ruleSum[key] == nil {
				ruleSum[key] = new(apd.Decimal)
			}
			apd.BaseContext.Add(ruleSum[key], ruleSum[key], d)
		}
		if termRule[l.Rule] == nil {
			termRule[l.Rule] = new(apd.Decimal)
		}
		apd.BaseContext.Add(termRule[l.Rule], termRule[l.Rule], d)
	}
	within := func(what string, got *apd.Decimal, b bound.Bound) {
		if got == nil {
			got = new(apd.Decimal)
		}
		if b.Most.Finite {
			finite++
		}
		if b.Least.Finite {
			finite++
		}
		if b.Most.Finite && got.Cmp(&b.Most.Amount) > 0 {
			t.Errorf("%s: paid %s, above the bound's most %s (%v)", what, got.Text('f'), b.Most.Amount.Text('f'), b.Most.Why)
		}
		if b.Least.Finite && got.Cmp(&b.Least.Amount) < 0 {
			t.Errorf("%s: paid %s, below the bound's least %s (%v)", what, got.Text('f'), b.Least.Amount.Text('f'), b.Least.Why)
		}
	}
	for _, pt := range st.Periods {
		p, ok := labels[pt.Period]
		if !ok {
			t.Fatalf("statement period %s is not a settlement period", pt.Period)
		}
		within("total of "+pt.Period, pt.Total.Decimal().Apd(), per[p].PerPeriod)
		for _, rb := range per[p].Rules {
			within(rb.Rule.Name+" in "+pt.Period, ruleSum[[2]string{rb.Rule.Name, pt.Period}], rb.PerPeriod)
		}
	}
	within("total over the term", st.Total.Decimal().Apd(), per[0].Term)
	for _, rb := range per[0].Rules {
		within(rb.Rule.Name+" over the term", termRule[rb.Rule.Name], rb.Term)
	}
	return finite
}

// randomSet makes valid data for c: for each top-level data, up to
// perPeriod records in each settlement period, each field within its
// range, often at an end of it.
func randomSet(t *testing.T, c *compiler.Contract, rng *rand.Rand, perPeriod int) *data.Set {
	t.Helper()
	cal := c.Calendar()
	var inputs []data.Input
	serial := 0
	for _, s := range c.TopSchemas() {
		recs := []map[string]any{} // never null in JSON, when no record is drawn
		if k := s.RefKey(); k != nil {
			// Reference data: codes R1 .. R3, which other data's text
			// fields name some of the time (see randomRecord).
			from, to := cal.Dates(c.Settlement, 0)
			for i := 1; i <= len(refCodes); i++ {
				r := randomRecord(c, s, rng, from, to, &serial)
				r[k.Name] = refCodes[i-1]
				if k.Kind == compiler.IntField {
					r[k.Name] = i
				}
				recs = append(recs, r)
			}
			b, _ := json.Marshal(recs)
			inputs = append(inputs, data.Input{Path: s.Name + ".json", Schema: s.Name, Open: data.Bytes(b)})
			continue
		}
		for p := 0; p < cal.Count(c.Settlement); p++ {
			from, to := cal.Dates(c.Settlement, p)
			for n := rng.IntN(perPeriod + 1); n > 0; n-- {
				recs = append(recs, randomRecord(c, s, rng, from, to, &serial))
			}
		}
		b, err := json.Marshal(recs)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data.Input{Path: s.Name + ".json", Schema: s.Name, Open: data.Bytes(b)})
	}
	set, errs := data.Load(c, inputs)
	if len(errs) > 0 {
		t.Fatalf("generated data is not valid: %v", errs)
	}
	return set
}

// refCodes are the keys of generated reference data.
var refCodes = []string{"R1", "R2", "R3"}

// persons is the pool of persons records are about, so that rules and
// caps per person see several records of one person.
var persons = []string{"P1", "P2", "P3"}

func randomRecord(c *compiler.Contract, s *compiler.Schema, rng *rand.Rand, from, to value.Date, serial *int) map[string]any {
	rec := map[string]any{}
	for _, f := range s.Fields {
		if f.Optional && rng.IntN(4) == 0 {
			continue
		}
		*serial++
		switch f.Kind {
		case compiler.TextField:
			switch {
			case f.Name == "person" && !f.Key:
				rec[f.Name] = persons[rng.IntN(len(persons))]
			case !f.Key && len(c.References()) > 0 && rng.IntN(8) != 0:
				// Most of the time a code of reference data, so that
				// lookups succeed; now and then one it does not list.
				rec[f.Name] = refCodes[rng.IntN(len(refCodes))]
			default:
				rec[f.Name] = fmt.Sprintf("K%d", *serial) // keys stay unique
			}
		case compiler.BoolField:
			rec[f.Name] = rng.IntN(2) == 0
		case compiler.EnumField:
			rec[f.Name] = f.Enum[rng.IntN(len(f.Enum))]
		case compiler.DateField:
			lo, hi := from.AddDays(-200), to.AddDays(200)
			if f == s.PeriodField {
				lo, hi = from, to
			}
			if d, ok := f.Min.(value.Date); ok && d.After(lo) {
				lo = d
			}
			if d, ok := f.Max.(value.Date); ok && d.Before(hi) {
				hi = d
			}
			rec[f.Name] = lo.AddDays(rng.Int64N(hi.Sub(lo) + 1)).String()
		case compiler.IntField, compiler.DecimalField, compiler.MoneyField:
			rec[f.Name] = randomNumber(f, rng)
		case compiler.ListField:
			var kids []map[string]any
			for n := rng.IntN(min(f.MaxItems, 4) + 1); n > 0; n-- {
				kids = append(kids, randomRecord(c, f.Elem, rng, from, to, serial))
			}
			rec[f.Name] = kids
		}
	}
	return rec
}

// randomNumber picks a value within f's range (0 to 1,000 where it has
// none): a third of the time its least, a third its most, otherwise a
// whole number of hundredths (whole units for an int) between them.
func randomNumber(f *compiler.Field, rng *rand.Rand) json.Number {
	lo, hi := value.DecimalFromInt(0), value.DecimalFromInt(1000)
	if f.Min != nil {
		lo = asDecimal(f.Min)
	}
	if f.Max != nil {
		hi = asDecimal(f.Max)
	}
	switch rng.IntN(3) {
	case 0:
		return json.Number(lo.String())
	case 1:
		return json.Number(hi.String())
	}
	step := value.MustParseDecimal("0.01")
	if f.Kind == compiler.IntField {
		step = value.DecimalFromInt(1)
	}
	span, _ := hi.Sub(lo)
	q, _ := span.Quo(step)
	n, err := q.Int64()
	if err != nil || n < 0 {
		return json.Number(lo.String())
	}
	k, _ := step.Mul(value.DecimalFromInt(rng.Int64N(n + 1)))
	v, _ := lo.Add(k)
	return json.Number(v.String())
}

func asDecimal(v ref.Val) value.Decimal {
	switch x := v.(type) {
	case value.Money:
		return x.Decimal()
	case value.Decimal:
		return x
	}
	return value.DecimalFromInt(v.Value().(int64))
}
