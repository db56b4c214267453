package runtime_test

// docs/statement.md is checked here so that it cannot rot: its complete
// example must be exactly what occ prints today, and every key the JSON
// statement can hold must be documented.

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

const statementDoc = "../docs/statement.md"

// docJSONExample returns the first ```json block after the heading
// "## A complete example" in docs/statement.md.
func docJSONExample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(statementDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	_, after, ok := strings.Cut(doc, "\n## A complete example\n")
	if !ok {
		t.Fatalf("%s has no section \"## A complete example\"", statementDoc)
	}
	_, block, ok := strings.Cut(after, "\n```json\n")
	if !ok {
		t.Fatalf("%s: the complete example has no ```json block", statementDoc)
	}
	block, _, ok = strings.Cut(block, "\n```\n")
	if !ok {
		t.Fatalf("%s: the complete example's ```json block is not closed", statementDoc)
	}
	return []byte(block + "\n")
}

// docStatement evaluates a contract of specs/ on its data as the command
// at the top of docs/statement.md does, run from the repository's root:
// paths are as written there.
func docStatement(t *testing.T, dir, period string, files ...string) []byte {
	t.Helper()
	c := docCompile(t, "specs/"+dir+"/contract.occ")
	var paths []string
	for _, f := range files {
		paths = append(paths, "specs/"+dir+"/"+f)
	}
	d := loadFiles(t, c, "..", paths...)
	p, err := runtime.New(c)
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Eval(context.Background(), d, settleOf(t, p, period))
	if err != nil {
		t.Fatal(err)
	}
	js, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// docCompile compiles a contract file named by its path from the root.
func docCompile(t *testing.T, path string) *compiler.Contract {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", path))
	if err != nil {
		t.Fatal(err)
	}
	return compileText(t, path, src)
}

// TestStatementDocExample: the complete example in docs/statement.md is,
// byte for byte, the JSON statement of the individual-outcomes contract for
// May 2026. If this fails because the statement changed on purpose,
// regenerate the example with the command at the top of the page
// (go run ./cmd/occ eval ... --format json) and paste it in whole.
func TestStatementDocExample(t *testing.T) {
	want := docJSONExample(t)
	got := docStatement(t, "individual-outcomes", "2026-05", "reviews.csv", "goals.csv")
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			g, w := "(end)", "(end)"
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("docs/statement.md's example differs from the statement at line %d:\n occ prints: %s\n  docs say: %s", i+1, g, w)
			}
		}
	}
	if !strings.Contains(string(want), "\n  \"total\": \"3153.64\"\n") {
		t.Errorf("the example's total is not 3153.64")
	}
}

// TestStatementDocCoversKeys: every key of the JSON statements of the five
// worked examples (which between them have lines, caps, standards, flags,
// exclusions and instalments) appears in docs/statement.md as `key`.
func TestStatementDocCoversKeys(t *testing.T) {
	b, err := os.ReadFile(statementDoc)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("`([a-z_0-9]+)`").FindAllStringSubmatch(string(b), -1) {
		documented[m[1]] = true
	}
	keys := map[string]bool{}
	for _, ex := range []struct {
		dir, period string
		files       []string
	}{
		{"individual-outcomes", "2026-05", []string{"reviews.csv", "goals.csv"}},
		{"time-and-task", "", []string{"visits.csv"}},
		{"performance-standards", "2026-Q1", []string{"episodes.csv"}},
		{"reducing-budget", "2026-27", []string{"reviews.csv"}},
		{"lead-provider", "2026-Q1", []string{"people.csv"}},
	} {
		var v any
		if err := json.Unmarshal(docStatement(t, ex.dir, ex.period, ex.files...), &v); err != nil {
			t.Fatal(err)
		}
		collectKeys(v, keys)
	}
	var missing []string
	for k := range keys {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("docs/statement.md does not document the JSON keys %v", missing)
	}
	// The keys every statement has.
	for _, k := range []string{"version", "contract", "data", "period", "periods", "params", "lines", "subtotals", "by_kind",
		"by_rule", "caps", "standards", "flags", "excluded", "records", "total", "inputs", "source", "covered", "limit",
		"adjustment", "measure", "percent", "numerator", "denominator", "status", "consecutive_breaches", "evaluated",
		"earlier", "later", "spec_sha256", "sha256"} {
		if !keys[k] {
			t.Errorf("no worked example's statement has the key %q: the coverage of this test has shrunk", k)
		}
	}
}

func collectKeys(v any, keys map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			keys[k] = true
			collectKeys(e, keys)
		}
	case []any:
		for _, e := range x {
			collectKeys(e, keys)
		}
	}
}

// TestStatementJSONMoneyIsDecimalStrings: in every worked example, money
// is a JSON string with exactly the currency's two places, never a number.
func TestStatementJSONMoneyIsDecimalStrings(t *testing.T) {
	money := map[string]bool{"amount": true, "total": true, "covered": true, "limit": true, "adjustment": true}
	re := regexp.MustCompile(`^-?(0|[1-9][0-9]*)\.[0-9]{2}$`)
	var check func(path string, v any)
	check = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if money[k] {
					s, ok := e.(string)
					if !ok || !re.MatchString(s) || s == "-0.00" {
						t.Errorf("%s.%s = %#v, want a decimal string with two places", path, k, e)
					}
					continue
				}
				check(path+"."+k, e)
			}
		case []any:
			for _, e := range x {
				check(path+"[]", e)
			}
		}
	}
	for _, ex := range []struct {
		dir, period string
		files       []string
	}{
		{"individual-outcomes", "2026-05", []string{"reviews.csv", "goals.csv"}},
		{"time-and-task", "term", []string{"visits.csv"}},
		{"reducing-budget", "2026-27", []string{"reviews.csv"}},
		{"lead-provider", "2026-Q1", []string{"people.csv"}},
	} {
		var v any
		d := json.NewDecoder(bytes.NewReader(docStatement(t, ex.dir, ex.period, ex.files...)))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		check(ex.dir, v)
	}
}

// TestStatementJSONUsesMinorUnits: docs/statement.md says money is written
// with the currency's minor units. A contract in yen (no minor unit) rounds
// its lines to whole yen, and its statement must say "1808", not "1808.00".
func TestStatementJSONUsesMinorUnits(t *testing.T) {
	c := compileText(t, "yen.occ", []byte(`contract "Yen" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
  currency   JPY
}

param hourly_rate "Price per hour" = ¥2,410

data visit "A visit" {
  visit   text key
  date    date
  minutes int 0 .. 1440
}

payment visits "Visits" {
  for    visit
  amount = visit.minutes / 60 * hourly_rate
}
`))
	d, errs := data.Load(c, []data.Input{{Path: "visits.csv", Open: data.Bytes([]byte("visit,date,minutes\nV1,2026-05-01,45\nV2,2026-05-02,50\n"))}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, err := runtime.New(c)
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Eval(context.Background(), d, settleOf(t, p, "2026-05"))
	if err != nil {
		t.Fatal(err)
	}
	// The lines themselves are whole yen: 1807.5 rounds half up to 1808.
	if got := slices.Collect(st.Lines())[0].Amount.Decimal().StringFixed(0); got != "1808" {
		t.Fatalf("V1 = %s yen, want 1808", got)
	}
	js, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"amount":"1808",`, `"amount":"2008",`, "\n  \"total\": \"3816\"\n"} {
		if !strings.Contains(string(js), want) {
			t.Errorf("the JPY statement lacks %s", strings.TrimSpace(want))
		}
	}
}
