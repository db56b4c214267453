package main

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
)

// specRuns are an evaluation of each contract in specs/ on its own data,
// over every period the data touches (lead-provider's data divides by zero
// after its first quarter, so it is settled for that quarter).
var specRuns = []struct {
	spec   string
	data   []string
	period string
}{
	{"individual-outcomes", []string{"reviews.csv", "goals.csv"}, ""},
	{"lead-provider", []string{"people.csv", "kpis_on_target.csv"}, "2026-Q1"},
	{"performance-standards", []string{"episodes.csv"}, ""},
	{"rate-card", []string{"claims.csv"}, ""},
	{"service-credits", []string{"incidents.csv"}, ""},
	{"reducing-budget", []string{"reviews.csv"}, ""},
	{"sliding-scale", []string{"discharges.csv"}, ""},
	{"tiered-prices", []string{"completions.csv"}, ""},
	{"time-and-task", []string{"visits.csv"}, ""},
	{"troubled-families", []string{"families.csv"}, ""},
	{"earnings-milestones", []string{"earnings.csv"}, ""},
	{"hospital-activity", []string{"spells.csv"}, ""},
	{"work-programme", []string{"weeks.csv"}, ""},
	{"care-packages", []string{"packages.csv", "invoices.csv"}, ""},
}

// TestPaymentsCSVOnEverySpec checks the payments-ready CSV of every spec's
// statement against its JSON, column by column, and against what
// docs/statement.md promises a finance import: the columns in their order,
// a line id that is unique and reads back as period, rule and key, the
// statement number counted from the term's start, the period's dates, the
// payer, the person, and amounts that add up to the statement's total.
func TestPaymentsCSVOnEverySpec(t *testing.T) {
	months := map[string]int{"monthly": 1, "quarterly": 3, "yearly": 12}
	for _, run := range specRuns {
		t.Run(run.spec, func(t *testing.T) {
			args := []string{"eval", "../../specs/" + run.spec}
			for _, d := range run.data {
				args = append(args, "--data", "../../specs/"+run.spec+"/"+d)
			}
			if run.period != "" {
				args = append(args, "--period", run.period)
			}
			code, out, stderr := evalRun(t, append(args, "--format", "csv")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			const header = "contract,statement,line_id,period,period_start,period_end,payer,person,key,kind,rule,amount,currency,title,source,what_if"
			if got := strings.Join(rows[0], ","); got != header {
				t.Fatalf("header %s, want %s", got, header)
			}
			code, out, stderr = evalRun(t, append(args, "--format", "json")...)
			if code != 0 {
				t.Fatalf("json: exit %d: %s", code, stderr)
			}
			var js struct {
				Contract struct {
					Title, Commissioner, Settlement, Currency string
					Term                                      struct{ From string }
				}
				Lines []struct {
					Rule, Kind, Period, Key, Amount, Source string
					Parts                                   []struct{ Payer, Amount string }
				}
				Payers []struct{ Payer, Title string }
				Total  string
			}
			if err := json.Unmarshal([]byte(out), &js); err != nil {
				t.Fatal(err)
			}
			// A row for each line, or with several payers for each
			// payer's part of it, holding the part and the payer's title.
			type lineRow struct {
				line          int
				payer, amount string
			}
			titles := map[string]string{}
			for _, p := range js.Payers {
				titles[p.Payer] = p.Title
			}
			var want []lineRow
			for i, l := range js.Lines {
				if len(l.Parts) == 0 {
					want = append(want, lineRow{i, js.Contract.Commissioner, l.Amount})
				}
				for _, p := range l.Parts {
					want = append(want, lineRow{i, titles[p.Payer], p.Amount})
				}
			}
			if len(rows)-1 != len(want) {
				t.Fatalf("%d CSV rows, %d JSON lines and parts", len(rows)-1, len(want))
			}
			termFrom := value.MustParseDate(js.Contract.Term.From)
			per := months[js.Contract.Settlement]
			ids := map[string]bool{}
			sum := value.MustParseDecimal("0")
			for i, r := range rows[1:] {
				w := want[i]
				l := js.Lines[w.line]
				at := "row " + strconv.Itoa(i+2)
				if r[0] != js.Contract.Title || r[6] != w.payer || r[12] != js.Contract.Currency || r[15] != "" {
					t.Errorf("%s: contract %q, payer %q (want %q), currency %q, what_if %q", at, r[0], r[6], w.payer, r[12], r[15])
				}
				if r[3] != l.Period || r[8] != l.Key || r[9] != l.Kind || r[10] != l.Rule || r[11] != w.amount || r[14] != l.Source {
					t.Errorf("%s: %q, want the JSON line %+v", at, r, l)
				}
				id := r[2]
				if ids[id+"\x00"+w.payer] {
					t.Errorf("%s: line id %s repeats for payer %q", at, id, w.payer)
				}
				ids[id+"\x00"+w.payer] = true
				if p, rest, _ := strings.Cut(id, ":"); p != l.Period || rest != l.Rule+":"+l.Key {
					t.Errorf("%s: line id %s does not read back as %s, %s, %s", at, id, l.Period, l.Rule, l.Key)
				}
				// The statement number, counted independently: whole
				// settlement periods from the term's first month to the
				// period's.
				start, end := value.MustParseDate(r[4]), value.MustParseDate(r[5])
				elapsed := (start.Time().Year()-termFrom.Time().Year())*12 + int(start.Month()) - int(termFrom.Month())
				want := 1 // a contract settled once for the term
				if per > 0 {
					want = elapsed/per + 1
				}
				if r[1] != strconv.Itoa(want) {
					t.Errorf("%s: statement %s for a period from %s, want %d", at, r[1], start, want)
				}
				if !start.Before(end) && start != end {
					t.Errorf("%s: period from %s to %s", at, start, end)
				}
				// The person: a record line's is the person column of the
				// row it was read from (a goal's file names its review's
				// person too); a per person line's is its key; any other
				// aggregate line has none.
				if l.Source != "" {
					if want := personAt(t, l.Source); r[7] != want {
						t.Errorf("%s: person %q, but %s says %q", at, r[7], l.Source, want)
					}
				} else if r[7] != "" && r[7] != l.Key {
					t.Errorf("%s: person %q for the aggregate line %q", at, r[7], l.Key)
				}
				if sum, err = sum.Add(value.MustParseDecimal(r[11])); err != nil {
					t.Fatal(err)
				}
			}
			if got := sum.StringFixed(2); got != js.Total {
				t.Errorf("the amounts add up to %s, the total is %s", got, js.Total)
			}
		})
	}
}

// personAt reads the person column of the data row a line's source names
// (FILE:ROW, the header being row 1), or "" when the file has none.
func personAt(t *testing.T, source string) string {
	t.Helper()
	file, row, _ := strings.Cut(source, ":")
	n, err := strconv.Atoi(row)
	if err != nil {
		t.Fatalf("source %q", source)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || n > len(recs) {
		t.Fatalf("%s: %v (%d rows)", source, err, len(recs))
	}
	for i, h := range recs[0] {
		if strings.TrimPrefix(h, "\ufeff") == "person" {
			return recs[n-1][i]
		}
	}
	return ""
}

// BenchmarkStatementCSV writes the lines of a statement of 100,000
// reviews as CSV, as occ eval --format csv does, without their inputs.
func BenchmarkStatementCSV(b *testing.B) {
	st := benchStatement(b, 100_000, runtime.WithoutInputs())
	b.ReportAllocs()
	for b.Loop() {
		if err := writeStatementCSV(io.Discard, st, statementSheets[0], nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCSVFieldAsEncodingCSV: a CSV record is written as encoding/csv
// writes it: plain fields as they are, and quoted with their quotes
// doubled those holding a comma, a quote, a carriage return or a newline,
// starting with a space (even a non-ASCII one) or \. alone.
func TestCSVFieldAsEncodingCSV(t *testing.T) {
	fields := []string{"", "plain", "a,b", `say "hi"`, "two\nlines", "cr\rhere", "crlf\r\n", " lead", "\tlead", "\u00a0nbsp",
		"trail ", `\.`, `\.x`, "'=1+2", "£12.50", "日本", `"`, ","}
	var want strings.Builder
	cw := csv.NewWriter(&want)
	if err := cw.Write(fields); err != nil {
		t.Fatal(err)
	}
	cw.Flush()
	var got []byte
	for i, f := range fields {
		got = appendCSVField(got, i == 0, []byte(f))
	}
	got = append(got, '\n')
	if string(got) != want.String() {
		t.Errorf("got  %q\nwant %q", got, want.String())
	}
}
