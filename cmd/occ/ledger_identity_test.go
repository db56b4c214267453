package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime/data"
	"github.com/occ-lang/occ/runtime/ledger"
)

// TestSettleIdentity settles every month of a year of every spec in
// specs/, one month at a time, from data that arrives late and corrected:
// each record arrives up to two months after its own, and a fifth arrive
// first with another record's figures, corrected up to two months later.
// After each settlement, for every line of every settled period, what the
// ledger has paid equals what the contract says on that month's data, to
// the penny: paid + adjustments = recomputed.
func TestSettleIdentity(t *testing.T) {
	specs, _ := filepath.Glob(filepath.Join("..", "..", "specs", "*", "contract.occ"))
	if len(specs) < 8 {
		t.Fatalf("found %d specs", len(specs))
	}
	adjustments := 0
	for _, spec := range specs {
		dir := filepath.Dir(spec)
		t.Run(filepath.Base(dir), func(t *testing.T) { adjustments += settleYear(t, dir) })
	}
	// The late and corrected records must have made adjustments, or the
	// identity was never put to the test.
	if adjustments < 20 {
		t.Errorf("%d prior-period adjustments over every spec's year; want at least 20", adjustments)
	}
	t.Logf("%d prior-period adjustments", adjustments)
}

// arrival is when a row of a data file is known, and how.
type arrival struct {
	at, fixed int      // the months it arrives and is corrected
	own       int      // the month of its record
	wrong     []string // the row as it first arrives
}

func settleYear(t *testing.T, dir string) int {
	ctx := context.Background()
	var stderr bytes.Buffer
	c, _, err := compileSpec(dir, &stderr, "text")
	if err != nil {
		t.Fatalf("%v\n%s", err, &stderr)
	}
	cal := c.Calendar()
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	rng := rand.New(rand.NewPCG(7, uint64(len(dir))))
	type file struct {
		name string
		rows [][]string
		arr  []arrival
	}
	var files []file
	// Rows of one record in several files (a review and its goals) share
	// a first cell and a month, and arrive together.
	lags := map[string]int{}
	for _, p := range csvs {
		if strings.Contains(p, "below_target") {
			continue // the alternative to on_target
		}
		b, _ := os.ReadFile(p)
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		f := file{name: filepath.Base(p), rows: rows}
		for _, r := range rows[1:] {
			own := 0
			for _, cell := range r {
				if d, err := value.ParseDate(cell, ""); err == nil && len(cell) == 10 {
					own = max(cal.MonthOf(d), 0)
					break
				}
			}
			k := r[0] + "\x00" + strings.Join(r[1:], "\x00")[:0] + string(rune('a'+own))
			lag, ok := lags[k]
			if !ok {
				lag = rng.IntN(3)
				lags[k] = lag
			}
			a := arrival{at: own + lag, own: own}
			a.fixed = a.at
			if rng.IntN(5) == 0 && len(rows) > 2 {
				// Another row's figures, keeping the first column (the key).
				other := rows[1+rng.IntN(len(rows)-1)]
				a.wrong = append([]string{r[0]}, other[1:]...)
				a.fixed = a.at + 1 + rng.IntN(2)
			}
			f.arr = append(f.arr, a)
		}
		files = append(files, f)
	}
	work := t.TempDir()
	led := filepath.Join(work, "ledger.db")
	months := min(cal.Count(c.Settlement), 12)
	corrected := 0
	for m := range months {
		var args []string
		// late: rows arrive late; wrong: some first arrive wrong.
		write := func(late, withWrong bool) {
			args = args[:0]
			var empty []string
			for _, f := range files {
				n := 0
				var buf bytes.Buffer
				w := csv.NewWriter(&buf)
				w.Write(f.rows[0])
				for i, r := range f.rows[1:] {
					a := f.arr[i]
					switch {
					case late && a.at > m, !late && a.own > m:
					case withWrong && a.wrong != nil && a.fixed > m:
						w.Write(a.wrong)
					default:
						w.Write(r)
					}
					if late && a.at <= m || !late && a.own <= m {
						n++
					}
				}
				w.Flush()
				name := filepath.Join(work, f.name)
				os.WriteFile(name, buf.Bytes(), 0o644)
				// A file of no records is left out: nested records
				// (goals) need their parents' file to have some.
				if n > 0 {
					args = append(args, name)
				} else {
					empty = append(empty, name)
				}
			}
			// With no records at all, one empty file of top-level
			// records says the period has none.
			for _, e := range empty {
				if len(args) > 0 {
					break
				}
				if _, err := loadData(c, []string{e}, data.Limits{}, 0, io.Discard, "text"); err == nil {
					args = append(args, e)
				}
			}
		}
		write(true, true)
		period := cal.Label(c.Settlement, m)
		settle := func() (int, string) {
			cmd := []string{"settle", dir, "--period", period, "--ledger", led, "--on", "2027-04-01", "-q"}
			for _, a := range args {
				cmd = append(cmd, "--data", a)
			}
			var out, errb bytes.Buffer
			return run(cmd, &out, &errb), errb.String()
		}
		code, msg := settle()
		if code != 0 {
			// Another row's figures can break a rule of the data (a
			// duplicate key, a date before another): this month the
			// wrong rows are left out.
			write(true, false)
			if code, msg = settle(); code != 0 {
				// A record missing can leave nothing to measure (a
				// ratio over no records): this month the data is
				// on time.
				write(false, false)
				if code, msg = settle(); code != 0 && m > 0 && strings.Contains(msg, "evaluation:") {
					// The spec's data does not reach this period, and
					// the contract cannot be evaluated without it.
					t.Logf("the year ends at %s, which cannot be evaluated on the spec's data: %s", period, msg)
					break
				}
				if code != 0 {
					t.Fatalf("settling %s: exit %d: %s", period, code, msg)
				}
			}
		} else {
			corrected++
		}
		checkIdentity(ctx, t, dir, args, led, period)
	}
	if corrected == 0 {
		t.Logf("no month settled with wrong rows")
	}
	l, err := ledger.Open(ctx, led, false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	es, _ := l.Entries(ctx)
	n := 0
	for _, e := range es {
		for _, ln := range e.Lines {
			if ln.Kind == ledger.KindPriorPeriod {
				n++
			}
		}
	}
	return n
}

// checkIdentity checks, after period is settled, that for every settled
// period the ledger has paid for each line what the contract says on the
// data in args.
func checkIdentity(ctx context.Context, t *testing.T, dir string, args []string, led, period string) {
	t.Helper()
	l, err := ledger.Open(ctx, led, false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	es, err := l.Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := ledger.NewState(es)
	var stderr bytes.Buffer
	c, _, err := compileSpec(dir, &stderr, "text")
	if err != nil {
		t.Fatal(err)
	}
	d, err := loadData(c, args, data.Limits{}, 0, &stderr, "text")
	if err != nil {
		t.Fatalf("%v\n%s", err, &stderr)
	}
	prog, err := programFor(c, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range s.Settled {
		per, _ := c.Calendar().Parse(e.Period)
		st, err := prog.Eval(ctx, d, per)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]value.Money{}
		for ln := range st.Lines() {
			want[ln.ID()], _ = want[ln.ID()].Add(ln.Amount)
		}
		for id, w := range want {
			if got := s.Paid(id); got.Cmp(w) != 0 {
				t.Errorf("after settling %s: %s paid %s, the contract says %s", period, id, got, w)
			}
		}
		// A line paid for that the contract no longer has is paid back.
		for _, ln := range e.Lines {
			if _, ok := want[ln.ID]; !ok && ln.Period == e.Period && !s.Paid(ln.ID).IsZero() {
				t.Errorf("after settling %s: %s paid %s, the contract has no such line", period, ln.ID, s.Paid(ln.ID))
			}
		}
	}
}
