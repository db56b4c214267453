package bound_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/bound"
	"github.com/occ-lang/occ/lang"
)

// The lint cases live in testdata/check/bound/*.occ, annotated as the
// compiler's checker cases are (compiler/check_test.go): a line that should
// draw a diagnostic carries `// WARNING "regexp"` or `// WARNING@col
// "regexp"`, matched against "message [code] hint: detail". Every
// diagnostic, the compiler's and Lint's, must be expected.

var reAnnotation = regexp.MustCompile(`\b(ERROR|WARNING)(?:@(\d+))?\s+("(?:[^"\\]|\\.)*"|` + "`[^`]*`)")

type expectation struct {
	line, col int
	sev       lang.Severity
	rx        *regexp.Regexp
}

func TestLintCases(t *testing.T) {
	paths, err := filepath.Glob("../../testdata/check/bound/*.occ")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no lint cases found: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want []expectation
			for i, line := range strings.Split(string(src), "\n") {
				c := strings.Index(line, "//")
				if c < 0 {
					continue
				}
				for _, m := range reAnnotation.FindAllStringSubmatch(line[c:], -1) {
					e := expectation{line: i + 1, sev: lang.Warning}
					if m[1] == "ERROR" {
						e.sev = lang.Error
					}
					if m[2] != "" {
						e.col, _ = strconv.Atoi(m[2])
					}
					rx, err := strconv.Unquote(m[3])
					if err != nil {
						t.Fatalf("line %d: %v", i+1, err)
					}
					e.rx = regexp.MustCompile(rx)
					want = append(want, e)
				}
			}
			_, c, diags := compiler.CompileSources([]compiler.Source{{Name: path, Text: src}})
			if c != nil {
				diags = append(diags, bound.Lint(c)...)
			}
			used := make([]bool, len(want))
			for _, d := range diags {
				text := fmt.Sprintf("%s [%s]", d.Message, d.Code)
				if d.Detail != "" {
					text += " hint: " + d.Detail
				}
				found := false
				for i, e := range want {
					if !used[i] && e.line == d.Span.Start.Line && e.sev == d.Severity && (e.col == 0 || e.col == d.Span.Start.Col) && e.rx.MatchString(text) {
						used[i], found = true, true
						break
					}
				}
				if !found {
					t.Errorf("%d:%d: unexpected %s: %s", d.Span.Start.Line, d.Span.Start.Col, d.Severity, text)
				}
			}
			for i, e := range want {
				if !used[i] {
					t.Errorf("%d: expected %s matching %q, got none", e.line, e.sev, e.rx)
				}
			}
		})
	}
}
