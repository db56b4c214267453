package compiler_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
)

// The checker cases live in testdata/check/*.occ. Each is a small contract
// with mistakes; a line that should draw a diagnostic carries a comment
//
//	// ERROR "regexp"
//	// WARNING "regexp"
//	// ERROR@19 "regexp"     the diagnostic starts at column 19 (1-based, code points)
//
// (several may follow one `//`). The regexp, a Go string literal in double
// quotes or backquotes, is matched against
//
//	message [code] hint: detail
//
// (" hint: detail" only when the diagnostic has one). A diagnostic belongs to
// the line its span starts on. Every expectation must match its own
// diagnostic, and every diagnostic, error or warning, must be expected.

const checkDir = "../testdata/check"

// expectation is one `ERROR "rx"` or `WARNING "rx"` annotation.
type expectation struct {
	line int
	col  int // 0: any column
	sev  lang.Severity
	rx   *regexp.Regexp
	src  string
}

var reAnnotation = regexp.MustCompile(`\b(ERROR|WARNING)(?:@(\d+))?\s+`)

// parseExpectations reads the annotations of a case file.
func parseExpectations(t *testing.T, name string, src []byte) []expectation {
	t.Helper()
	var out []expectation
	for i, line := range strings.Split(string(src), "\n") {
		c := strings.Index(line, "//")
		if c < 0 {
			continue
		}
		rest := line[c+2:]
		for {
			loc := reAnnotation.FindStringSubmatchIndex(rest)
			if loc == nil {
				break
			}
			e := expectation{line: i + 1, sev: lang.Error}
			if rest[loc[2]:loc[3]] == "WARNING" {
				e.sev = lang.Warning
			}
			if loc[4] >= 0 {
				e.col, _ = strconv.Atoi(rest[loc[4]:loc[5]])
			}
			rest = rest[loc[1]:]
			pat, n := quotedRegexp(rest)
			if n < 0 {
				t.Fatalf("%s:%d: annotation needs a regexp in double quotes or backquotes: %q", name, i+1, rest)
			}
			rx, err := regexp.Compile(pat)
			if err != nil {
				t.Fatalf("%s:%d: bad regexp %q: %v", name, i+1, pat, err)
			}
			e.rx, e.src = rx, pat
			out = append(out, e)
			rest = rest[n:]
		}
	}
	return out
}

// quotedRegexp reads the regexp at the start of s, in backquotes or double
// quotes, and returns it and the length read (-1 if there is none). In
// double quotes a backslash escapes the next character and is kept, so that
// `\"` (which the regexp reads as a quote) does not end the pattern and
// `\[` stays an escaped bracket.
func quotedRegexp(s string) (string, int) {
	if s == "" || s[0] != '"' && s[0] != '`' {
		return "", -1
	}
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && q == '"':
			i++
		case s[i] == q:
			return s[1:i], i + 1
		}
	}
	return "", -1
}

// diagText is what an annotation's regexp is matched against.
func diagText(d lang.Diagnostic) string {
	s := fmt.Sprintf("%s [%s]", d.Message, d.Code)
	if d.Detail != "" {
		s += " hint: " + d.Detail
	}
	return s
}

// checkFile parses and compiles one file the way `occ check` does.
func checkFile(name string, src []byte) (diags lang.Diagnostics) {
	f, ds := lang.Parse(name, src)
	diags = append(diags, ds...)
	if f.Body != nil {
		_, cds := compiler.Compile([]*lang.File{f})
		diags = append(diags, cds...)
	}
	diags.Sort()
	return diags
}

// matchDiagnostics pairs expectations with diagnostics one to one and returns
// a description of every expectation left unmatched and every diagnostic
// left unexpected.
func matchDiagnostics(name string, exps []expectation, diags lang.Diagnostics) []string {
	used := make([]bool, len(diags))
	var problems []string
	// Expectations with a column first, so that an expectation without one
	// does not take the diagnostic a pinned one needs.
	order := make([]int, len(exps))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return exps[order[a]].col > 0 && exps[order[b]].col == 0 })
	for _, i := range order {
		e := exps[i]
		found := false
		for j, d := range diags {
			if used[j] || d.Span.Start.Line != e.line || d.Severity != e.sev {
				continue
			}
			if e.col > 0 && d.Span.Start.Col != e.col {
				continue
			}
			if !e.rx.MatchString(diagText(d)) {
				continue
			}
			used[j], found = true, true
			break
		}
		if !found {
			what := "ERROR"
			if e.sev == lang.Warning {
				what = "WARNING"
			}
			if e.col > 0 {
				what += "@" + strconv.Itoa(e.col)
			}
			var near []string
			for _, d := range diags {
				if d.Span.Start.Line == e.line {
					near = append(near, fmt.Sprintf("\n\t\t%d:%d %s: %s", d.Span.Start.Line, d.Span.Start.Col, d.Severity, diagText(d)))
				}
			}
			problems = append(problems, fmt.Sprintf("%s:%d: expected %s %q, not reported%s", name, e.line, what, e.src, strings.Join(near, "")))
		}
	}
	for j, d := range diags {
		if !used[j] {
			problems = append(problems, fmt.Sprintf("%s:%d:%d: unexpected %s: %s", name, d.Span.Start.Line, d.Span.Start.Col, d.Severity, diagText(d)))
		}
	}
	return problems
}

func TestCheckCases(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(checkDir, "*.occ"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 10 {
		t.Fatalf("found %d cases in %s; expected the full set", len(paths), checkDir)
	}
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".occ"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			exps := parseExpectations(t, name, src)
			if len(exps) == 0 {
				t.Fatalf("%s has no ERROR or WARNING annotations", name)
			}
			diags := checkFile(name, src)
			for _, d := range diags {
				if d.Span.File != name {
					t.Errorf("diagnostic names file %q, want %q: %s", d.Span.File, name, d)
				}
				if d.Message == "" || d.Code == "" {
					t.Errorf("diagnostic without message or code: %#v", d)
				}
			}
			for _, p := range matchDiagnostics(name, exps, diags) {
				t.Error(p)
			}
		})
	}
}

// TestCheckHarness makes sure the matcher itself fails when it should: a
// missing diagnostic, an unexpected one, a wrong column and a wrong
// severity are each reported.
func TestCheckHarness(t *testing.T) {
	d := func(line, col int, sev lang.Severity, msg string) lang.Diagnostic {
		return lang.Diagnostic{Severity: sev, Code: "c", Message: msg,
			Span: lang.Span{File: "x.occ", Start: lang.Pos{Line: line, Col: col}}}
	}
	src := []byte("a // ERROR \"boom\"\nb // ERROR@3 `bang` WARNING \"fizz\"\n")
	exps := parseExpectations(t, "x.occ", src)
	if len(exps) != 3 || exps[1].col != 3 || exps[2].sev != lang.Warning || exps[1].src != "bang" {
		t.Fatalf("parsed %+v", exps)
	}
	cases := []struct {
		name  string
		diags lang.Diagnostics
		want  int
	}{
		{"all matched", lang.Diagnostics{d(1, 1, lang.Error, "boom"), d(2, 3, lang.Error, "bang"), d(2, 9, lang.Warning, "fizz")}, 0},
		{"missing", lang.Diagnostics{d(2, 3, lang.Error, "bang"), d(2, 9, lang.Warning, "fizz")}, 1},
		{"unexpected", lang.Diagnostics{d(1, 1, lang.Error, "boom"), d(1, 5, lang.Error, "boom"), d(2, 3, lang.Error, "bang"), d(2, 9, lang.Warning, "fizz")}, 1},
		{"wrong column", lang.Diagnostics{d(1, 1, lang.Error, "boom"), d(2, 4, lang.Error, "bang"), d(2, 9, lang.Warning, "fizz")}, 2},
		{"wrong severity", lang.Diagnostics{d(1, 1, lang.Error, "boom"), d(2, 3, lang.Error, "bang"), d(2, 9, lang.Error, "fizz")}, 2},
		{"wrong line", lang.Diagnostics{d(3, 1, lang.Error, "boom"), d(2, 3, lang.Error, "bang"), d(2, 9, lang.Warning, "fizz")}, 2},
	}
	for _, c := range cases {
		if got := matchDiagnostics("x.occ", exps, c.diags); len(got) != c.want {
			t.Errorf("%s: %d problems, want %d: %q", c.name, len(got), c.want, got)
		}
	}
}
