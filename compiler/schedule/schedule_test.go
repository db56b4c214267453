package schedule_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/schedule"
	"github.com/occ-lang/occ/lang"
)

// compileDir compiles a contract of specs/ with its tests.
func compileDir(t *testing.T, dir string) *compiler.Contract {
	t.Helper()
	var files []*lang.File
	for _, name := range []string{"contract.occ", "contract_test.occ"} {
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, ds := lang.Parse(path, src)
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		files = append(files, f)
	}
	c, ds := compiler.Compile(files)
	if c == nil {
		t.Fatal(ds)
	}
	return c
}

// TestEverySpec lays out every contract of specs/ in both forms: the HTML
// loads nothing from outside and prints on A4, and both forms carry every
// rule and every test.
func TestEverySpec(t *testing.T) {
	dirs, _ := filepath.Glob("../../specs/*")
	if len(dirs) < 8 {
		t.Fatalf("found %d specs", len(dirs))
	}
	external := regexp.MustCompile(`(?i)https?://|<link|\ssrc=|url\(|@import`)
	for _, dir := range dirs {
		c := compileDir(t, dir)
		s, err := schedule.Build(c)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		var h, m bytes.Buffer
		if err := s.WriteHTML(&h); err != nil {
			t.Fatal(err)
		}
		if err := s.WriteMarkdown(&m); err != nil {
			t.Fatal(err)
		}
		page := h.String()
		if loc := external.FindStringIndex(page); loc != nil {
			t.Errorf("%s: the page refers to something outside it: %q", dir, page[max(loc[0]-40, 0):min(loc[1]+40, len(page))])
		}
		for _, want := range []string{"@page { size: A4;", `<section id="contract">`, `<section id="params">`, `<section id="data">`, `<section id="rules">`, "default-src 'none'"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the page has no %q", dir, want)
			}
		}
		rules := 0
		for _, g := range s.Groups {
			rules += len(g.Rules)
		}
		if rules != len(c.Rules) {
			t.Errorf("%s: the schedule has %d rules, the contract %d", dir, rules, len(c.Rules))
		}
		if n := strings.Count(page, `<div class="rule"`); n != len(c.Rules) {
			t.Errorf("%s: the page shows %d rules, the contract has %d", dir, n, len(c.Rules))
		}
		if n := strings.Count(page, `<div class="example"`); n != len(c.Tests) || len(c.Tests) == 0 {
			t.Errorf("%s: the page shows %d examples, the contract has %d tests", dir, n, len(c.Tests))
		}
		for _, r := range c.Rules {
			if !strings.Contains(m.String(), "(`"+r.Name+"`)") {
				t.Errorf("%s: the Markdown has no heading for rule %s", dir, r.Name)
			}
		}
	}
}

// TestFacts checks the header and params of the individual-outcomes
// contract as the schedule shows them, worked out from its header:
// term 2026-04-01 .. 2027-03-31, hourly_rate £19.60, quick_bonus 25%,
// quick_within 42 days.
func TestFacts(t *testing.T) {
	s, err := schedule.Build(compileDir(t, "../../specs/individual-outcomes"))
	if err != nil {
		t.Fatal(err)
	}
	facts := map[string]string{}
	for _, f := range s.Facts {
		facts[f.Label] = f.Value
	}
	if got := facts["Term"]; got != "1 April 2026 to 31 March 2027" {
		t.Errorf("term %q", got)
	}
	if got := facts["Commissioner"]; got != "Example County Council" {
		t.Errorf("commissioner %q", got)
	}
	values := map[string]string{}
	for _, p := range s.Params {
		values[p.Name] = p.Value
	}
	for name, want := range map[string]string{"hourly_rate": "£19.60", "quick_bonus": "25%", "quick_within": "42 days", "satisfied_from": "4", "outcome_cap_rate": "15%"} {
		if values[name] != want {
			t.Errorf("param %s shown as %q, want %q", name, values[name], want)
		}
	}
	// The second test has one review and two goals nested in it, each
	// table with its own records.
	ex := s.Examples[1]
	if len(ex.Tables) != 2 || len(ex.Tables[0].Rows) != 1 || len(ex.Tables[1].Rows) != 2 {
		t.Fatalf("tables of %q: %+v", ex.Name, ex.Tables)
	}
	if got := strings.Join(ex.Tables[1].Rows[0], ","); got != "Q1,G1,achieved,1 April 2026,13 May 2026" {
		t.Errorf("first goal row %q", got)
	}
	if got := ex.Expects[0]; got != "“Goal achieved” for Q1/G1 is £300.00." {
		t.Errorf("first expectation %q", got)
	}
}
