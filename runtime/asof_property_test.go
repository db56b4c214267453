package runtime_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// TestMonthByMonth is the causality property: for every spec in specs/,
// on generated data, settling each settlement period on its own, with
// only the records dated up to its end, gives exactly the lines (ids and
// amounts) and flags of the statement over every period for that period. The data are the spec's own files and random subsets
// of their rows (the rows of one record in several files, which share a
// first cell and a date, kept or dropped together), and for
// individual-outcomes reviews from runtime/gen.

func TestMonthByMonth(t *testing.T) {
	specs, _ := filepath.Glob(filepath.Join("..", "specs", "*", "contract.occ"))
	if len(specs) < 8 {
		t.Fatalf("found %d specs", len(specs))
	}
	for _, spec := range specs {
		dir := filepath.Dir(spec)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c := specContract(t, filepath.Base(dir))
			files := specFiles(t, dir)
			var sets [][]data.Input
			for seed := uint64(1); seed <= 3; seed++ {
				sets = append(sets, generated(t, c, files, seed))
			}
			if filepath.Base(dir) == "individual-outcomes" {
				sets = append(sets, generatedReviews(t, 600, 3))
			}
			var bad []string
			for k, in := range sets {
				bad = append(bad, checkMonthByMonth(t, c, in, fmt.Sprintf("data set %d", k))...)
			}
			for _, b := range bad {
				t.Error(b)
			}
		})
	}
	// Contracts whose lines read wider scopes, instalments, caps with
	// limits that count records and lags closing a cycle, on random data.
	for name, contract := range map[string]string{"as-of": asOfContract, "lags": lagContract, "due": dueClaimsContract} {
		t.Run(name, func(t *testing.T) {
			c := compileText(t, "contract.occ", []byte(contract))
			for seed := uint64(1); seed <= 3; seed++ {
				// The last seed's records are enough to be evaluated in parallel.
				n := map[bool]int{false: 40, true: 1500}[seed == 3]
				for _, b := range checkMonthByMonth(t, c, randomClaims(seed, "person", "2026-04-01", 24, n), fmt.Sprint("seed ", seed)) {
					t.Error(b)
				}
			}
		})
	}
	t.Run("person-due", func(t *testing.T) {
		// Per person lines and caps, and a per person let read by records.
		c := compileText(t, "contract.occ", []byte(personDueContract))
		for seed := uint64(1); seed <= 3; seed++ {
			for _, b := range checkMonthByMonth(t, c, randomReviews(seed, 250), fmt.Sprint("seed ", seed)) {
				t.Error(b)
			}
		}
	})
	t.Run("groups", func(t *testing.T) {
		// Claim once per person and outcome, caps and lines per group.
		c := compileText(t, "contract.occ", []byte(groupsContract))
		for seed := uint64(1); seed <= 3; seed++ {
			for _, b := range checkMonthByMonth(t, c, randomGroupClaims(seed, 120), fmt.Sprint("seed ", seed)) {
				t.Error(b)
			}
		}
	})
	for name, contract := range map[string]string{"service-credit-cap": serviceCredits, "allowance": allowanceContract} {
		t.Run(name, func(t *testing.T) {
			c := compileText(t, "contract.occ", []byte(contract))
			for seed := uint64(1); seed <= 3; seed++ {
				n := map[bool]int{false: 40, true: 800}[seed == 3]
				for _, b := range checkMonthByMonth(t, c, randomClaims(seed, "incident", "2026-04-01", 12, n), fmt.Sprint("seed ", seed)) {
					t.Error(b)
				}
			}
		})
	}
}

// randomClaims returns a CSV of n records over months months from
// start, each with a key, a month and a money value: the claims of
// asOfContract and lagContract, or the incidents of serviceCredits (key
// column ref, value column credit).
func randomClaims(seed uint64, what, start string, months, n int) []data.Input {
	rng := rand.New(rand.NewPCG(seed, 5))
	first, _ := value.ParseDate(start, "")
	b := []byte("person,month,value\n")
	if what == "incident" {
		b = []byte("ref,month,credit\n")
	}
	for i := range n {
		b = fmt.Appendf(b, "K%04d,%s,£%d.%02d\n", i, first.AddMonths(rng.IntN(months)), rng.IntN(300), rng.IntN(100))
	}
	return []data.Input{{Path: what + ".csv", Open: data.Bytes(b)}}
}

// checkMonthByMonth checks the property on one data set, and returns each
// period that differs, with its lines.
func checkMonthByMonth(t *testing.T, c *compiler.Contract, in []data.Input, what string) []string {
	t.Helper()
	d, errs := data.Load(c, in)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", what, errs)
	}
	p, err := runtime.New(c)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	whole, err := p.Eval(ctx, d, compiler.Period{})
	if err != nil {
		t.Fatalf("%s: the whole statement: %v", what, err)
	}
	byPeriod := map[string][]string{}
	for l := range whole.Lines() {
		byPeriod[l.Period] = append(byPeriod[l.Period], l.ID()+" "+l.Amount.String())
	}
	for _, f := range whole.Flags {
		byPeriod[f.Period] = append(byPeriod[f.Period], "flag "+f.Rule+" "+f.Key+" "+f.Title)
	}
	var bad []string
	periods := p.DataPeriods(d)
	if len(periods) < 2 {
		t.Fatalf("%s: %d periods, want several", what, len(periods))
	}
	for _, label := range periods {
		per, err := c.Calendar().Parse(label)
		if err != nil {
			t.Fatal(err)
		}
		alone, err := p.Eval(ctx, upTo(c, d, per.To()), per)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %s on its own: %v", what, label, err))
			continue
		}
		var got []string
		for l := range alone.Lines() {
			got = append(got, l.ID()+" "+l.Amount.String())
		}
		for _, f := range alone.Flags {
			got = append(got, "flag "+f.Rule+" "+f.Key+" "+f.Title)
		}
		want := byPeriod[label]
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			bad = append(bad, fmt.Sprintf("%s: %s settled on its own:\n  %s\nin the whole statement:\n  %s", what, label, strings.Join(got, "\n  "), strings.Join(want, "\n  ")))
		}
	}
	return bad
}

// upTo returns the records of d dated up to last: the data known at the
// end of a period.
func upTo(c *compiler.Contract, d *data.Set, last value.Date) *data.Set {
	out := &data.Set{Records: map[string][]*value.Record{}, Files: d.Files}
	for _, s := range c.TopSchemas() {
		for _, r := range d.Records[s.Name] {
			if s.PeriodField == nil {
				out.Records[s.Name] = append(out.Records[s.Name], r)
				continue
			}
			if dt, ok := r.Field(s.PeriodField.Index).(value.Date); !ok || !dt.After(last) {
				out.Records[s.Name] = append(out.Records[s.Name], r)
			}
		}
	}
	return out
}

// specFile is one CSV file of a spec, parsed.
type specFile struct {
	name string
	rows [][]string
}

// specFiles reads a spec's data: every CSV file but the alternatives its
// tests swap in (on_target, below_target).
func specFiles(t *testing.T, dir string) []specFile {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	var out []specFile
	for _, p := range paths {
		if strings.Contains(filepath.Base(p), "_target") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, specFile{name: filepath.Base(p), rows: rows})
	}
	if len(out) == 0 {
		t.Fatalf("%s has no data", dir)
	}
	return out
}

// generated returns data for the property made from a spec's files: six
// copies of their rows, the kth with every date k months later, each row
// of a copy kept with chance three in four (the rows of one record in
// several files, sharing a first cell and a first date, kept or dropped
// together). The copies keep their first cell (a person's records then
// run over several months) unless that makes keys repeat; then the kth
// copy's first cells end in -k, and where that gives a person more records
// than the data's `max N per person` allows, its person column too.
func generated(t *testing.T, c *compiler.Contract, files []specFile, seed uint64) []data.Input {
	t.Helper()
	for _, m := range []copyMode{sameKeys, newKeys, newPeople} {
		in := inputsOf(copiesOf(files, seed, m))
		if _, errs := data.Load(c, in); len(errs) == 0 {
			return in
		} else if m == newPeople {
			t.Fatalf("generated data: %v", errs)
		}
	}
	return nil
}

// copyMode says how the copies of generated tell their records apart.
type copyMode int

const (
	sameKeys  copyMode = iota // as the spec's rows: copies of a record share its key
	newKeys                   // each copy's first cell gets the copy's number
	newPeople                 // and its person column too, for data that bounds the records per person
)

// copiesOf makes the copies of generated.
func copiesOf(files []specFile, seed uint64, mode copyMode) []specFile {
	rng := rand.New(rand.NewPCG(seed, 11))
	keep := map[string]bool{}
	var out []specFile
	for _, f := range files {
		nf := specFile{name: f.name, rows: [][]string{f.rows[0]}}
		for k := range 6 {
			for _, r := range f.rows[1:] {
				row := slices.Clone(r)
				group := fmt.Sprint(k, "\x00", r[0])
				dated := false
				for j, cell := range row {
					d, err := value.ParseDate(cell, "")
					if err != nil || len(cell) != 10 {
						continue
					}
					row[j] = d.AddMonths(k).String()
					if !dated {
						group += "\x00" + cell
						dated = true
					}
				}
				if mode >= newKeys && k > 0 {
					row[0] = fmt.Sprintf("%s-%d", row[0], k)
					if person := slices.Index(f.rows[0], "person"); mode == newPeople && person > 0 {
						row[person] = fmt.Sprintf("%s-%d", row[person], k)
					}
				}
				kept, ok := keep[group]
				if !ok {
					kept = rng.IntN(4) != 0
					keep[group] = kept
				}
				if kept {
					nf.rows = append(nf.rows, row)
				}
			}
		}
		out = append(out, nf)
	}
	return out
}

// inputsOf returns files as data inputs.
func inputsOf(files []specFile) []data.Input {
	var in []data.Input
	for _, f := range files {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		_ = w.WriteAll(f.rows)
		in = append(in, data.Input{Path: f.name, Open: data.Bytes(b.Bytes())})
	}
	return in
}
