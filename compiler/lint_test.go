package compiler_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestWarningCodes makes sure every warning code the checker can give has
// a checker case that expects it and is described in docs/diagnostics.md,
// so that a new lint cannot land undocumented or untested.
func TestWarningCodes(t *testing.T) {
	srcs, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	reWarn := regexp.MustCompile(`Warnf\([^,]+, "([a-z-]+)"`)
	var codes []string
	for _, path := range srcs {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range reWarn.FindAllStringSubmatch(string(b), -1) {
			if !slices.Contains(codes, m[1]) {
				codes = append(codes, m[1])
			}
		}
	}
	if len(codes) < 7 {
		t.Fatalf("found %d warning codes (%v); the pattern no longer matches the checker's Warnf calls", len(codes), codes)
	}
	docs, err := os.ReadFile("../docs/diagnostics.md")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob(filepath.Join(checkDir, "*.occ"))
	if err != nil {
		t.Fatal(err)
	}
	var expected strings.Builder
	for _, path := range cases {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		expected.Write(b)
	}
	var rows strings.Builder
	for _, line := range strings.Split(string(docs), "\n") {
		if strings.HasPrefix(line, "|") {
			rows.WriteString(line + "\n")
		}
	}
	for _, code := range codes {
		if !strings.Contains(rows.String(), "`"+code+"`") {
			t.Errorf("warning code %s is not in the table of docs/diagnostics.md", code)
		}
		if !strings.Contains(expected.String(), `\[`+code+`\]`) {
			t.Errorf("warning code %s has no checker case in %s that expects it (WARNING \"... \\[%s\\]\")", code, checkDir, code)
		}
	}
}
