package data

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// dataDir holds the loader's test contract, data files and cases.
var dataDir = filepath.Join("..", "..", "testdata", "data")

var contracts sync.Map

// loadContract compiles a contract file once per test binary.
func loadContract(t testing.TB, path string) *compiler.Contract {
	t.Helper()
	if c, ok := contracts.Load(path); ok {
		return c.(*compiler.Contract)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := compileSource(t, path, string(src))
	contracts.Store(path, c)
	return c
}

func compileSource(t testing.TB, name, src string) *compiler.Contract {
	t.Helper()
	f, diags := lang.Parse(name, []byte(src))
	if diags.HasErrors() {
		t.Fatalf("parse %s:\n%v", name, diags)
	}
	c, diags := compiler.Compile([]*lang.File{f})
	if c == nil {
		t.Fatalf("compile %s:\n%v", name, diags)
	}
	return c
}

func readInput(t testing.TB, dir, spec string) Input {
	t.Helper()
	name, schema, _ := strings.Cut(spec, ":")
	name, sheet, _ := strings.Cut(name, "#")
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return Input{Path: name, Schema: schema, Sheet: sheet, Open: Bytes(data)}
}

type loadCase struct {
	line   int
	inputs []string
	want   []string // nil for "ok"
}

func readCases(t *testing.T) []loadCase {
	t.Helper()
	f, err := os.Open(filepath.Join(dataDir, "cases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []loadCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "== "):
			cases = append(cases, loadCase{line: n, inputs: strings.Fields(line[3:])})
		case len(cases) == 0:
			t.Fatalf("cases.txt:%d: expected a case line (== FILE ...)", n)
		case line == "ok":
			cases[len(cases)-1].want = []string{}
		default:
			c := &cases[len(cases)-1]
			c.want = append(c.want, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestLoadCases loads each case of testdata/data/cases.txt and compares
// every reported problem, in order, with the expected lines.
func TestLoadCases(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	cases := readCases(t)
	if len(cases) < 20 {
		t.Fatalf("cases.txt has only %d cases", len(cases))
	}
	used := map[string]bool{}
	for _, tc := range cases {
		t.Run(strings.Join(tc.inputs, "+"), func(t *testing.T) {
			var inputs []Input
			for _, spec := range tc.inputs {
				inputs = append(inputs, readInput(t, dataDir, spec))
				name, _, _ := strings.Cut(spec, ":")
				name, _, _ = strings.Cut(name, "#")
				used[name] = true
			}
			ds, errs := Load(c, inputs)
			var got []string
			for _, e := range errs {
				got = append(got, problemLine(e))
			}
			if tc.want == nil {
				t.Errorf("cases.txt:%d: the case lists no errors and is not marked ok; it gives:\n%s", tc.line, strings.Join(got, "\n"))
			} else if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("cases.txt:%d: got errors:\n%s\nwant:\n%s", tc.line, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if (ds == nil) != (len(errs) > 0) {
				t.Errorf("dataset %v with %d errors", ds != nil, len(errs))
			}
			if ds != nil && len(ds.Files) != len(inputs) && !strings.Contains(strings.Join(tc.inputs, " "), ".xlsx") {
				t.Errorf("got %d files, want %d", len(ds.Files), len(inputs))
			}
		})
	}
	// Every data file in the corpus is used by some case.
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && n != "cases.txt" && n != "contract.occ" && !used[n] {
			t.Errorf("%s is not used by any case in cases.txt", n)
		}
	}
}

// problemLine writes a data diagnostic on one line as cases.txt has it:
// file:row:col: message [code], with the row and column left out when 0.
func problemLine(d lang.Diagnostic) string {
	var b strings.Builder
	b.WriteString(d.Span.File)
	if d.Span.Start.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Span.Start.Line)
		if d.Span.Start.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Span.Start.Col)
		}
	}
	fmt.Fprintf(&b, ": %s [%s]", d.Message, d.Code)
	if d.Severity != lang.Error {
		b.WriteString(" (" + d.Severity.String() + ")")
	}
	return b.String()
}

// problemLines writes each diagnostic with problemLine, one a line.
func problemLines(ds lang.Diagnostics) string {
	var lines []string
	for _, d := range ds {
		lines = append(lines, problemLine(d))
	}
	return strings.Join(lines, "\n")
}

func load(t *testing.T, c *compiler.Contract, specs ...string) *Set {
	t.Helper()
	var inputs []Input
	for _, s := range specs {
		inputs = append(inputs, readInput(t, dataDir, s))
	}
	ds, errs := Load(c, inputs)
	if errs != nil {
		t.Fatalf("Load: %v", errs)
	}
	return ds
}

// field returns the named field of r.
func field(t *testing.T, r *value.Record, c *compiler.Contract, name string) ref.Val {
	t.Helper()
	s := c.Schema(r.Schema().TypeName())
	f := s.FieldByName(name)
	if f == nil {
		t.Fatalf("%s has no field %s", s.Name, name)
	}
	return r.Field(f.Index)
}

// str shows a field value for comparison: its type and text, or "-" when
// missing.
func str(v ref.Val) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case types.String:
		return "text " + string(x)
	case types.Int:
		return fmt.Sprintf("int %d", x)
	case types.Bool:
		return fmt.Sprintf("bool %v", bool(x))
	case value.Decimal:
		return "decimal " + x.String()
	case value.Money:
		return "money " + x.String()
	case value.Date:
		return "date " + x.String()
	}
	return fmt.Sprintf("%T %v", v, v)
}

func kids(t *testing.T, c *compiler.Contract, r *value.Record, list string) []*value.Record {
	t.Helper()
	l, ok := field(t, r, c, list).(traits.Lister)
	if !ok {
		t.Fatalf("%s is %T, not a list", list, field(t, r, c, list))
	}
	var out []*value.Record
	n := int(l.Size().(types.Int))
	for i := range n {
		k := l.Get(types.Int(i)).(*value.Record)
		if k.Parent != r {
			t.Errorf("%s[%d] has the wrong parent", list, i)
		}
		out = append(out, k)
	}
	return out
}

// describe renders records with their fields and nested records, one
// field a line, for exact comparison.
func describe(t *testing.T, c *compiler.Contract, recs []*value.Record) string {
	t.Helper()
	var b strings.Builder
	var walk func(r *value.Record, indent string)
	walk = func(r *value.Record, indent string) {
		s := c.Schema(r.Schema().TypeName())
		fmt.Fprintf(&b, "%s%s %s:%d\n", indent, s.Name, r.File(), r.Row)
		for _, f := range s.Fields {
			if f.Kind == compiler.ListField {
				for _, k := range kids(t, c, r, f.Name) {
					walk(k, indent+"  ")
				}
				continue
			}
			fmt.Fprintf(&b, "%s  %s = %s\n", indent, f.Name, str(r.Field(f.Index)))
		}
	}
	for _, r := range recs {
		walk(r, "")
	}
	return b.String()
}

func checkText(t *testing.T, got, want string) {
	t.Helper()
	want = strings.TrimLeft(want, "\n")
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestLoadSpecExample loads the example data of the individual outcomes
// contract.
func TestLoadSpecExample(t *testing.T) {
	dir := filepath.Join("..", "..", "specs", "individual-outcomes")
	c := loadContract(t, filepath.Join(dir, "contract.occ"))
	ds, errs := Load(c, []Input{readInput(t, dir, "reviews.csv"), readInput(t, dir, "goals.csv")})
	if errs != nil {
		t.Fatal(errs)
	}
	reviews := ds.Records["review"]
	if len(reviews) != 4 {
		t.Fatalf("got %d reviews, want 4", len(reviews))
	}
	if len(ds.Records) != 1 {
		t.Errorf("Records has %d schemas, want only review", len(ds.Records))
	}
	checkText(t, describe(t, c, reviews), `
review reviews.csv:2
  person = text P1
  month = date 2026-05-01
  planned_hours = decimal 40
  actual_hours = decimal 40
  missed_visits = int 0
  satisfaction = int 5
  goal goals.csv:2
    goal = text G1
    status = text achieved
    agreed_on = date 2026-04-01
    met_on = date 2026-05-06
  goal goals.csv:3
    goal = text G2
    status = text partly
    agreed_on = date 2026-04-01
    met_on = -
review reviews.csv:3
  person = text P2
  month = date 2026-05-01
  planned_hours = decimal 56
  actual_hours = decimal 48
  missed_visits = int 3
  satisfaction = int 3
  goal goals.csv:4
    goal = text G1
    status = text achieved
    agreed_on = date 2026-03-01
    met_on = date 2026-05-20
  goal goals.csv:5
    goal = text G2
    status = text not_feasible
    agreed_on = date 2026-03-01
    met_on = -
review reviews.csv:4
  person = text P3
  month = date 2026-05-01
  planned_hours = decimal 32
  actual_hours = decimal 34
  missed_visits = int 1
  satisfaction = int 4
  goal goals.csv:6
    goal = text G1
    status = text not_met
    agreed_on = date 2026-04-15
    met_on = -
review reviews.csv:5
  person = text P4
  month = date 2026-05-01
  planned_hours = decimal 20
  actual_hours = decimal 20
  missed_visits = int 0
  satisfaction = -
`)
	for i, want := range []FileInfo{
		{Path: "reviews.csv", Schema: "review", Format: "csv", Records: 4},
		{Path: "goals.csv", Schema: "goal", Format: "csv", Records: 5},
	} {
		got := ds.Files[i]
		if len(got.SHA256) != 64 {
			t.Errorf("file %d: SHA256 %q", i, got.SHA256)
		}
		got.SHA256 = ""
		if got != want {
			t.Errorf("file %d: got %+v, want %+v", i, got, want)
		}
	}
	// Records are typed for CEL.
	if reviews[0].Type() != c.Schema("review").Type {
		t.Errorf("review record has type %v", reviews[0].Type())
	}
}

// TestLoadValues checks the values read from CSV (BOM, CRLF, quoted
// cells, money with £ and commas), JSON (numbers stay exact) and YAML
// (nested records), and that a second CSV of nested records joins on
// the parent's keys in either order.
func TestLoadValues(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))

	ds := load(t, c, "good-bom-crlf.csv")
	checkText(t, describe(t, c, ds.Records["visit"]), `
visit good-bom-crlf.csv:2
  person = text O'Neil, "Jo"
  month = date 2026-05-01
  hours = decimal 12.5
  visits = int 3
  charge = money 1234.50
  paid = bool true
  seen_on = date 2026-05-01
  band = text low
visit good-bom-crlf.csv:3
  person = text P2
  month = date 2026-05-01
  hours = decimal 0
  visits = int 0
  charge = money 0.1
  paid = bool false
  seen_on = date 2026-05-03
  band = -
visit good-bom-crlf.csv:4
  person = text P
3
  month = date 2026-06-01
  hours = decimal 7
  visits = int 200
  charge = money 10000
  paid = bool true
  seen_on = -
  band = text high
`)
	charge := field(t, ds.Records["visit"][0], c, "charge").(value.Money)
	if charge.Cmp(value.MoneyOf(value.MustParseDecimal("1234.5"))) != 0 {
		t.Errorf("£1,234.50 read as %v", charge)
	}

	ds = load(t, c, "visits.json")
	checkText(t, describe(t, c, ds.Records["visit"]), `
visit visits.json:2
  person = text P1
  month = date 2026-05-01
  hours = decimal 10.5
  visits = int 2
  charge = money 0.1
  paid = bool true
  seen_on = -
  band = -
  task visits.json:11
    task = text T1
    status = text done
    due_on = date 2026-05-10
  task visits.json:12
    task = text T2
    status = text partly
    due_on = -
visit visits.json:15
  person = text P2
  month = date 2026-05-01
  hours = decimal 8
  visits = int 1
  charge = money 1234.50
  paid = bool false
  seen_on = -
  band = text low
`)
	// 0.1 is exactly one tenth: ten of them make exactly 1.
	tenth := field(t, ds.Records["visit"][0], c, "charge").(value.Money).Decimal()
	sum := value.DecimalFromInt(0)
	for range 10 {
		sum, _ = sum.Add(tenth)
	}
	if sum.Cmp(value.DecimalFromInt(1)) != 0 {
		t.Errorf("ten times %v is %v", tenth, sum)
	}
	if ds.Files[0].Format != "json" || ds.Files[0].Records != 2 {
		t.Errorf("file info %+v", ds.Files[0])
	}

	ds = load(t, c, "visits.yaml")
	checkText(t, describe(t, c, ds.Records["visit"]), `
visit visits.yaml:2
  person = text P1
  month = date 2026-05-01
  hours = decimal 0.1
  visits = int 2
  charge = money 1234.50
  paid = bool true
  seen_on = date 2026-05-01
  band = -
  task visits.yaml:10
    task = text T1
    status = text done
    due_on = date 2026-05-10
  task visits.yaml:13
    task = text T2
    status = text partly
    due_on = -
visit visits.yaml:14
  person = text P2
  month = date 2026-05-01
  hours = decimal 8
  visits = int 1
  charge = money 160
  paid = bool false
  seen_on = -
  band = -
`)

	// Nested records in a file of their own join on the parent's keys,
	// whichever file comes first; parents without any get an empty list.
	want := `
visit visits.csv:2
  person = text P1
  month = date 2026-05-01
  hours = decimal 10
  visits = int 2
  charge = money 200.00
  paid = bool true
  seen_on = -
  band = -
  task tasks.csv:2
    task = text T1
    status = text done
    due_on = date 2026-05-10
  task tasks.csv:3
    task = text T2
    status = text partly
    due_on = -
visit visits.csv:3
  person = text P2
  month = date 2026-05-01
  hours = decimal 8
  visits = int 1
  charge = money 160.00
  paid = bool false
  seen_on = -
  band = text medium
  task tasks.csv:4
    task = text T1
    status = text not_done
    due_on = -
visit visits.csv:4
  person = text P3
  month = date 2026-06-01
  hours = decimal 0
  visits = int 0
  charge = money 0
  paid = bool false
  seen_on = -
  band = -
`
	checkText(t, describe(t, c, load(t, c, "visits.csv", "tasks.csv").Records["visit"]), want)
	ds = load(t, c, "tasks.csv", "visits.csv")
	checkText(t, describe(t, c, ds.Records["visit"]), want)
	if ds.Files[0].Schema != "task" || ds.Files[1].Schema != "visit" {
		t.Errorf("files %+v", ds.Files)
	}
	if l := field(t, ds.Records["visit"][2], c, "tasks").(traits.Lister); l.Size() != types.Int(0) {
		t.Errorf("P3 has %v tasks", l.Size())
	}
}

// TestLoadJoinsTypedKeys checks that nested rows find their parent by
// typed key values: a date written dd/mm/yyyy in a dd/mm/yyyy key equals
// the same date written yyyy-mm-dd, and decimals equal as numbers.
func TestLoadJoinsTypedKeys(t *testing.T) {
	c := compileSource(t, "keys.occ", `
contract "Keys" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data review "Review" {
  person text key
  month  date key format "dd/mm/yyyy"
  band   decimal key
  goals  list goal max 10
}

data goal "Goal" {
  goal text key
}

payment p "P" {
  for    review
  amount = £1
}
`)
	reviews := "person,month,band\nP1,01/05/2026,1.50\nP1,2026-06-01,2\n"
	goals := "month,person,band,goal\n2026-05-01,P1,1.5,G1\n01/06/2026,P1,2.00,G2\n1/6/2026,P1,2,G3\n"
	ds, errs := Load(c, []Input{{Path: "g.csv", Open: Bytes([]byte(goals))}, {Path: "r.csv", Open: Bytes([]byte(reviews))}})
	if errs != nil {
		t.Fatal(errs)
	}
	var got []string
	for _, r := range ds.Records["review"] {
		for _, g := range kids(t, c, r, "goals") {
			got = append(got, fmt.Sprintf("%s %s", field(t, r, c, "month").(value.Date), field(t, g, c, "goal")))
		}
	}
	if s := strings.Join(got, ", "); s != "2026-05-01 G1, 2026-06-01 G2, 2026-06-01 G3" {
		t.Errorf("got %s", s)
	}

	// Equal keys written differently are duplicates.
	_, errs = Load(c, []Input{{Path: "r.csv", Open: Bytes([]byte(reviews + "P1,2026-05-01,1.5\n"))}})
	want := "r.csv:4: duplicate review with person P1, month 2026-05-01 and band 1.5; the first is on row 2 [duplicate-key]"
	if problemLines(errs) != want {
		t.Errorf("got %v\nwant %s", errs, want)
	}
}

// TestLoadSchemaChoice covers Input.Schema and detection.
func TestLoadSchemaChoice(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	visits := readInput(t, dataDir, "visits.csv")
	for _, tc := range []struct {
		in   Input
		want string
	}{
		{Input{Path: "v.csv", Schema: "vist", Open: visits.Open}, `v.csv: the contract has no data named "vist"; did you mean "visit"? [unknown-data]`},
		{Input{Path: "v.csv", Schema: "task", Open: visits.Open}, `v.csv: no visit data was given, so the task records in this file belong to nothing [no-parent]
v.csv:1:3: column hours (C): task has no field "hours"; its columns are task, status, due_on, person and month [unknown-column]
v.csv:1:4: column visits (D): task has no field "visits"; its columns are task, status, due_on, person and month [unknown-column]
v.csv:1:5: column charge (E): task has no field "charge"; its columns are task, status, due_on, person and month [unknown-column]
v.csv:1:6: column paid (F): task has no field "paid"; its columns are task, status, due_on, person and month [unknown-column]
v.csv:1:7: column seen_on (G): task has no field "seen_on"; its columns are task, status, due_on, person and month [unknown-column]
v.csv:1:8: column band (H): task has no field "band"; its columns are task, status, due_on, person and month [unknown-column]
v.csv:1: task.task: the header has no task column; every task needs one [missing-column]
v.csv:1: task.status: the header has no status column; every task needs one [missing-column]`},
		{Input{Path: "empty.csv", Open: Bytes(nil)}, `empty.csv: the file is empty; a CSV file needs a header row naming its columns [empty-file]`},
		{Input{Path: "empty.json", Open: Bytes([]byte(" \n"))}, `empty.json: the file is empty; expected a list of visit records [empty-file]`},
		{Input{Path: "x.json", Open: Bytes([]byte(`{"person": "P1", "month": "2026-05-01", "hours": 1, "visits": 1, "charge": 5, "paid": true} 7`))},
			`x.json:1: expected a visit record (an object), found the number 7 [bad-record]`},
		{Input{Path: "x.json", Open: Bytes([]byte("[\n{\"person\": \"P1\",\n"))}, `x.json:3: invalid JSON: the file ends before the value is complete [bad-json]`},
		{Input{Path: "x.json", Open: Bytes([]byte("[\n{\"person\" \"P1\"}]"))}, `x.json:2: invalid JSON: invalid character '"' after object key; the rest of the file was not read [bad-json]`},
		{Input{Path: "x.yaml", Open: Bytes([]byte("- person: P1\n  month: [\n"))}, `x.yaml:2: invalid YAML: did not find expected node content [bad-yaml]`},
		{Input{Path: "x.yaml", Open: Bytes([]byte("person: P1\n"))}, `x.yaml:1: expected a list of visit records, found a mapping [bad-record]`},
		{Input{Path: "latin1.csv", Open: Bytes([]byte("person,month,hours,visits,charge,paid\nP1,2026-05-01,1,1,\xa35,yes\n"))},
			`latin1.csv:2: the file is not UTF-8 text (it may have been saved as "CSV" rather than "CSV UTF-8"); save it as UTF-8 and try again [not-utf8]`},
		{Input{Path: "t.csv", Open: Bytes([]byte("task,status\nT1,done\n"))},
			`t.csv: no visit data was given, so the task records in this file belong to nothing [no-parent]
t.csv:1: visit.person: the header has no person column; task rows need it to find their visit [missing-column]
t.csv:1: visit.month: the header has no month column; task rows need it to find their visit [missing-column]`},
		// A long header name is clipped to 40 characters wherever it is shown.
		{Input{Path: "long.csv", Open: Bytes([]byte("person,month,hours,visits,charge,paid," + strings.Repeat("n", 100) + "\n"))},
			`long.csv:1:7: column nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn… (G): visit has no field "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn…" (100 characters); its columns are person, month, hours, visits, charge, paid, seen_on and band [unknown-column]`},
		{Input{Path: "t.csv", Open: Bytes([]byte("person,month,task,status\nP1,2026-05-01,T1,done\n"))},
			`t.csv: no visit data was given, so the task records in this file belong to nothing [no-parent]`},
	} {
		_, errs := Load(c, []Input{tc.in})
		if got := problemLines(errs); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.in.Path, got, tc.want)
		}
	}
}

// TestDataErrorsOrder checks that problems are sorted by file in input
// order, then row, then column, whatever order they were found in.
func TestDataErrorsOrder(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	var b strings.Builder
	b.WriteString("person,month,hours,visits,charge,paid\n")
	for i := range 60 {
		fmt.Fprintf(&b, "P%d,2026-05-01,x,y,1,yes\n", i)
	}
	tasks := "person,month,task,status\nP999,2026-05-01,T1,done\nP1,2026-05-01,T1,donne\n"
	_, errs := Load(c, []Input{
		{Path: "b-tasks.csv", Open: Bytes([]byte(tasks))}, // read last, reported first
		{Path: "a-visits.csv", Open: Bytes([]byte(b.String()))},
	})
	if len(errs) != 2+120 {
		t.Fatalf("got %d errors:\n%v", len(errs), strings.Join(func() []string {
			var s []string
			for _, e := range errs {
				s = append(s, problemLine(e))
			}
			return s
		}(), "\n"))
	}
	for i := 1; i < len(errs); i++ {
		a, b := errs[i-1].Span, errs[i].Span
		if a.File == "a-visits.csv" && b.File == "b-tasks.csv" {
			t.Fatalf("error %d: %s before %s", i, a.File, b.File)
		}
		if a.File == b.File && (a.Start.Line > b.Start.Line || a.Start.Line == b.Start.Line && a.Start.Col > b.Start.Col) {
			t.Fatalf("errors %d and %d out of order:\n%v\n%v", i-1, i, errs[i-1], errs[i])
		}
	}
	if got := problemLine(errs[0]); got != `b-tasks.csv:2: no visit with person P999 and month 2026-05-01 [no-parent]` {
		t.Errorf("first error %s", got)
	}
	if got := problemLine(errs[1]); got != `b-tasks.csv:3:4: column status (D): task.status: "donne" is not one of done, partly or not_done; did you mean "done"? [bad-choice]` {
		t.Errorf("second error %s", got)
	}
	if errs[2].Span.Start.Col != 3 || errs[3].Span.Start.Col != 4 {
		t.Errorf("errors 2, 3: %v %v", errs[2], errs[3])
	}
	if got := problemLine(errs[4]); got != `a-visits.csv:3:3: column hours (C): visit.hours: "x" is not a number; expected a number between 0 and 400 [bad-number]` {
		t.Errorf("error 4: %s", got)
	}
}

// TestDataErrorsPerFileLimit checks that a file wrong throughout keeps a
// bounded number of problems and says how many more there are.
func TestDataErrorsPerFileLimit(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	defer func(n int) { errorsPerFile = n }(errorsPerFile)
	errorsPerFile = 5
	var b strings.Builder
	b.WriteString("person,month,hours,visits,charge,paid\n")
	for i := range 10 {
		fmt.Fprintf(&b, "P%d,2026-05-01,x,1,1,yes\n", i)
	}
	_, errs := Load(c, []Input{{Path: "v.csv", Open: Bytes([]byte(b.String()))}, {Path: "w.csv", Open: Bytes([]byte("person,month,hours,visits,charge,paid\nP99,2026-05-01,1,1,1,maybe\n"))}})
	if len(errs) != 7 {
		t.Fatalf("got %d errors:\n%v", len(errs), errs)
	}
	if got := problemLine(errs[5]); got != "v.csv: 5 more problems in this file are not listed [too-many-problems]" {
		t.Errorf("summary: %s", got)
	}
	if errs[6].Span.File != "w.csv" {
		t.Errorf("last: %v", errs[6])
	}
}

func TestDataErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    problem
		want string
	}{
		{problem{file: "reviews.csv", row: 7, col: 4, column: "actual_hours (column D)", field: "review.actual_hours", value: "forty",
			code: "bad-number", msg: `"forty" is not a number; expected a number between 0 and 400`},
			`reviews.csv:7:4: column actual_hours (D): review.actual_hours: "forty" is not a number; expected a number between 0 and 400 [bad-number]`},
		{problem{file: "r.json", row: 12, column: "[3].goals[1].met_on", field: "goal.met_on", code: "missing-value", msg: "a value is required"},
			`r.json:12: [3].goals[1].met_on: goal.met_on: a value is required [missing-value]`},
		{problem{file: "r.csv", row: 3, col: 28, column: " (column AB)", code: "c", msg: "m"}, `r.csv:3:28: column AB: m [c]`},
		{problem{file: "r.csv", code: "c", msg: "m"}, `r.csv: m [c]`},
	} {
		if got := problemLine(tc.e.diagnostic()); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := colLetter(i); got != want {
			t.Errorf("colLetter(%d) = %s, want %s", i, got, want)
		}
	}
}

// TestCells checks how one cell is read for each kind of field.
func TestCells(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	l := newLoader(c, newOptions(nil))
	visit, task := c.Schema("visit"), c.Schema("task")
	for _, tc := range []struct {
		s     *compiler.Schema
		field string
		in    string
		want  string // str of the value, or the message
	}{
		{visit, "hours", "12.50", "decimal 12.50"},
		{visit, "hours", "1,234.5", `"1,234.5" is out of range; expected a number between 0 and 400`},
		{visit, "hours", "+3", "decimal 3"},
		{visit, "hours", "1e2", `"1e2" is not a number; expected a number between 0 and 400`},
		{visit, "hours", "12,5", `"12,5" is not a number: thousands are grouped in threes, like 1,234.50; expected a number between 0 and 400`},
		{visit, "hours", "£3", `"£3" is not a number; expected a number between 0 and 400`},
		{visit, "hours", ".5", `".5" is not a number; expected a number between 0 and 400`},
		{visit, "hours", "-0", "decimal 0"},
		{visit, "visits", "3", "int 3"},
		{visit, "visits", "3.0", "int 3"},
		{visit, "visits", "3.5", `"3.5" is not a whole number; expected a whole number between 0 and 200`},
		{visit, "visits", "99999999999999999999", `"99999999999999999999" is too large; expected a whole number between 0 and 200`},
		{visit, "charge", "£1,234.50", "money 1234.50"},
		{visit, "charge", "1,234.50", "money 1234.50"},
		{visit, "charge", "1234.5", "money 1234.5"},
		{visit, "charge", "£0.10", "money 0.10"},
		{visit, "charge", "-£5.00", `"-£5.00" is out of range; expected an amount between £0 and £10,000`},
		{visit, "charge", "£-5.00", `"£-5.00" is out of range; expected an amount between £0 and £10,000`},
		{visit, "charge", "(£5.00)", `"(£5.00)" is not an amount of money: write a negative amount with a minus sign, like -£5.00; expected an amount between £0 and £10,000`},
		{visit, "charge", "£1,2345", `"£1,2345" is not an amount of money: thousands are grouped in threes, like 1,234.50; expected an amount between £0 and £10,000`},
		{visit, "charge", ",123", `",123" is not an amount of money: thousands are grouped in threes, like 1,234.50; expected an amount between £0 and £10,000`},
		{visit, "charge", "£", `"£" is not an amount of money; expected an amount between £0 and £10,000`},
		{visit, "charge", "--5", `"--5" is not an amount of money; expected an amount between £0 and £10,000`},
		{visit, "charge", "-£-5", `"-£-5" is not an amount of money; expected an amount between £0 and £10,000`},
		{visit, "charge", "£1,234.5,0", `"£1,234.5,0" is not an amount of money; expected an amount between £0 and £10,000`},
		{visit, "paid", "YES", "bool true"},
		{visit, "paid", "n", "bool false"},
		{visit, "paid", "0", "bool false"},
		{visit, "paid", "True", "bool true"},
		{visit, "paid", "x", `"x" is not yes or no; expected true, false, yes, no, y, n, 1 or 0`},
		{visit, "month", "2026-05-01", "date 2026-05-01"},
		{visit, "month", "2026-05-01T00:00:00", "date 2026-05-01"},
		{visit, "month", "2026-05-01 00:00", "date 2026-05-01"},
		{visit, "month", "2026-05-01T10:00:00", `"2026-05-01T10:00:00" is not a date in the form yyyy-mm-dd`},
		{visit, "month", "2024-02-29", "date 2024-02-29"},
		{visit, "month", "2026-02-29", `"2026-02-29" is not a valid date: February 2026 has 28 days, so day 29 does not exist`},
		{visit, "month", "1/5/2026", `"1/5/2026" is not a date in the form yyyy-mm-dd; for 1 May 2026 write 2026-05-01`},
		{visit, "month", "31/02/2026", `"31/02/2026" is not a date in the form yyyy-mm-dd`},
		{visit, "seen_on", "1/5/2026", "date 2026-05-01"},
		{visit, "seen_on", "01/05/2026 00:00", "date 2026-05-01"},
		{visit, "seen_on", "2026-05-01", "date 2026-05-01"},
		{visit, "seen_on", "31/02/2026", `"31/02/2026" is not a valid date: February 2026 has 28 days, so day 31 does not exist`},
		{visit, "seen_on", "May 1", `"May 1" is not a date in the form dd/mm/yyyy`},
		{visit, "band", "high", "text high"},
		{visit, "band", "HIGH", "text high"},
		{visit, "band", "hihg", `"hihg" is not one of low, medium or high; did you mean "high"?`},
		{task, "status", "not done", "text not_done"},
		{task, "status", "Not Done", "text not_done"},
		{task, "status", "gone", `"gone" is not one of done, partly or not_done; did you mean "done"?`},
		{task, "status", "dnoe", `"dnoe" is not one of done, partly or not_done; did you mean "done"?`},
		{task, "status", "partyl", `"partyl" is not one of done, partly or not_done; did you mean "partly"?`},
		{task, "status", "unknown", `"unknown" is not one of done, partly or not_done`},
		{task, "task", "T 1", "text T 1"},
		// Numbers have at most 40 characters; a bad value is quoted to 40.
		{visit, "hours", strings.Repeat("0", 39) + "1", "decimal 1"},
		{visit, "hours", strings.Repeat("0", 40) + "1", `"0000000000000000000000000000000000000000…" (41 characters) is too long for a number: a number has at most 40 characters; expected a number between 0 and 400`},
		{visit, "visits", strings.Repeat("9", 1e6), `"9999999999999999999999999999999999999999…" (1,000,000 characters) is too long for a number: a number has at most 40 characters; expected a whole number between 0 and 200`},
		{visit, "charge", "£" + strings.Repeat("1", 40), `"£111111111111111111111111111111111111111…" (41 characters) is too long for an amount: a number has at most 40 characters; expected an amount between £0 and £10,000`},
		{visit, "paid", strings.Repeat("ja", 1e6), `"jajajajajajajajajajajajajajajajajajajaja…" (2,000,000 characters) is not yes or no; expected true, false, yes, no, y, n, 1 or 0`},
		{visit, "month", "2026-05-01" + strings.Repeat(" ", 40) + "x", `"2026-05-01                              …" (51 characters) is not a date in the form yyyy-mm-dd`},
		{task, "status", strings.Repeat("dnoe", 1e6), `"dnoednoednoednoednoednoednoednoednoednoe…" (4,000,000 characters) is not one of done, partly or not_done`},
	} {
		f := tc.s.FieldByName(tc.field)
		v, bad := l.cell(l.cache(f), f, tc.in)
		got := bad.msg
		if bad.msg == "" {
			got = str(v)
		} else if bad.code == "" {
			t.Errorf("%s %q: a fault with no code", tc.field, tc.in)
		}
		if got != tc.want {
			t.Errorf("%s %q:\ngot  %s\nwant %s", tc.field, tc.in, got, tc.want)
		}
		// A second read comes from the cache and gives the same.
		if v2, bad2 := l.cell(l.cache(f), f, tc.in); bad2 != bad || (v != nil && !equalVal(v, v2)) {
			t.Errorf("%s %q: second read differs", tc.field, tc.in)
		}
	}
}

// genData generates n reviews and about 2.5 goals per review as CSV, in
// the shape of the individual outcomes example.
func genData(n int) (reviews, goals []byte) {
	var r, g bytes.Buffer
	r.WriteString("person,month,planned_hours,actual_hours,missed_visits,satisfaction\r\n")
	g.WriteString("person,month,goal,status,agreed_on,met_on\r\n")
	statuses := []string{"achieved", "partly", "not_met", "not_feasible"}
	months := 12
	for i := range n {
		person := i / months
		month := fmt.Sprintf("%d-%02d-01", 2026+(i%months+3)/12, (i%months+3)%12+1)
		sat := ""
		if i%5 != 0 {
			sat = fmt.Sprint(i%5 + 1)
		}
		fmt.Fprintf(&r, "P%06d,%s,%d,%d.5,%d,%s\r\n", person, month, 20+i%40, 18+i%40, i%4, sat)
		for j := range 2 + i%2 {
			met := ""
			if j%2 == 0 {
				met = fmt.Sprintf("2026-%02d-%02d", 4+j, 10+i%15)
			}
			fmt.Fprintf(&g, "P%06d,%s,G%d,%s,2026-04-%02d,%s\r\n", person, month, j+1, statuses[(i+j)%4], 1+i%28, met)
		}
	}
	return r.Bytes(), g.Bytes()
}

func TestLoadGenerated(t *testing.T) {
	c := loadContract(t, filepath.Join("..", "..", "specs", "individual-outcomes", "contract.occ"))
	reviews, goals := genData(1000)
	ds, errs := Load(c, []Input{{Path: "goals.csv", Open: Bytes(goals)}, {Path: "reviews.csv", Open: Bytes(reviews)}})
	if errs != nil {
		t.Fatal(errs)
	}
	n := 0
	for _, r := range ds.Records["review"] {
		n += len(kids(t, c, r, "goals"))
	}
	if len(ds.Records["review"]) != 1000 || n != ds.Files[0].Records || n < 2400 {
		t.Errorf("%d reviews, %d goals attached of %d", len(ds.Records["review"]), n, ds.Files[0].Records)
	}
}

// TestLoadDetectsSchema checks how a file's data is found from its CSV
// header or its first record when the contract has several top-level
// data schemas.
func TestLoadDetectsSchema(t *testing.T) {
	c := compileSource(t, "two.occ", `
contract "Two" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data review "Review" {
  person text key
  month  date key
  hours  decimal
}

data invoice "Invoice" {
  number text key
  month  date key
  amount money
  lines  list line max 5
}

data line "Invoice line" {
  item   text
  amount money
}

data copy "Same fields as review" {
  person text key
  month  date key
  hours  decimal
  note   optional text
}

payment p "P" {
  for    review
  amount = £1
}
`)
	for _, tc := range []struct {
		path, data string
		want       string // the data name, or the error
	}{
		{"i.csv", "number,month,amount\nI1,2026-05-01,£5\n", "invoice"},
		{"n.csv", "note,person,month,hours\nx,P1,2026-05-01,1\n", "copy"},
		{"l.csv", "Number, Month ,item,amount\nI0,2026-05-01,x,£1\n", "line"},
		{"i.json", `[{"number": "I1", "month": "2026-05-01", "amount": 5, "lines": [{"item": "x", "amount": "£1.50"}]}]`, "invoice"},
		{"i.jsonl", `{"number": "I1", "month": "2026-05-01", "amount": 5}`, "invoice"},
		{"i.yaml", "- number: I1\n  month: 2026-05-01\n  amount: 5\n", "invoice"},
		{"r.csv", "person,month,hours\nP1,2026-05-01,1\n",
			"r.csv:1: the header fits review and copy alike; say which data the file holds [ambiguous-data]"},
		{"m.csv", "month\n2026-05-01\n",
			"m.csv:1: cannot tell which data the file holds: the header matches none of the contract's data (review lacks person and hours; invoice lacks number and amount; line lacks item, amount and number; copy lacks person and hours); say which data the file holds [unknown-data]"},
		{"m.json", `[{"month": "2026-05-01"}]`,
			"m.json: cannot tell which data the file holds: the first record matches none of the contract's data (review lacks person and hours; invoice lacks number and amount; copy lacks person and hours); say which data the file holds [unknown-data]"},
		{"p.csv", "number,month\nI1,2026-05-01\n",
			"p.csv:1: cannot tell which data the file holds: the header matches none of the contract's data (review lacks person and hours and has no field number; invoice lacks amount; line lacks item and amount; copy lacks person and hours and has no field number); say which data the file holds [unknown-data]"},
		// A header of many names no data knows lists only the first few.
		{"w.csv", "a,b,c,d,e,f,g,h,i,j,k,l\n1,2,3,4,5,6,7,8,9,10,11,12\n",
			"w.csv:1: cannot tell which data the file holds: the header matches none of the contract's data (review lacks person, month and hours and has no field a, b, c, d, e, f, g, h or 4 others; invoice lacks number, month and amount and has no field a, b, c, d, e, f, g, h or 4 others; line lacks item, amount, number and month and has no field a, b, c, d, e, f, g, h or 4 others; copy lacks person, month and hours and has no field a, b, c, d, e, f, g, h or 4 others); say which data the file holds [unknown-data]"},
		// With a clear best fit, the problems are reported against it.
		{"q.csv", "number,month,amont,item\nI0,2026-05-01,x,y\n", `q.csv:1:3: column amont (C): line has no field "amont"; did you mean "amount"? [unknown-column]
q.csv:1: line.amount: the header has no amount column; every line needs one [missing-column]`},
	} {
		ds, errs := Load(c, []Input{{Path: "i0.csv", Open: Bytes([]byte("number,month,amount\nI0,2026-05-01,£5\n"))}, {Path: tc.path, Open: Bytes([]byte(tc.data))}})
		var got string
		if errs != nil {
			got = problemLines(errs)
		} else {
			got = ds.Files[1].Schema
		}
		if got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.path, got, tc.want)
		}
	}
}

// TestKeysChecked: a set Load made has had its keys checked; one made by
// hand has not.
func TestKeysChecked(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	if ds := load(t, c, "good-bom-crlf.csv"); !ds.KeysChecked() {
		t.Error("a loaded set's keys are not checked")
	}
	if ds := (&Set{Records: map[string][]*value.Record{}}); ds.KeysChecked() {
		t.Error("a set made by hand has its keys checked")
	}
}
