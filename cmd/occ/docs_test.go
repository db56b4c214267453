package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime"
)

// The documentation's examples are checked here, so that they stay true as
// the language changes.
//
// Every fenced block tagged ```occ in docs/language.md, docs/models.md and
// README.md must be accepted by the checker (lang.Parse, then
// compiler.Compile) with no errors; warnings, such as a param an example
// never uses, are allowed. A block is checked in one of two ways:
//
//   - A block with a contract header (a line starting `contract "`) is a
//     whole .occ file and is checked alone.
//   - Any other block is a declaration snippet (params, data, rules, tests).
//     It is checked appended to a prelude: docsPrelude below for the files
//     under docs/, and for README.md the first whole contract in README.md
//     (the quickstart's first.occ), so that the quickstart's steps build on
//     one another. A snippet must not declare a name its prelude declares.
//
// Blocks tagged ```occ-fragment (a single clause, a bare expression) and
// untagged blocks are not checked. Test blocks in the examples are also run,
// except those that read data files, so that the figures the docs quote are
// right.
//
// An error names the markdown file and line.

// docsPrelude is what a declaration snippet in docs/ is appended to: a
// contract header, two params, and a review with nested goals. The
// reference describes it where it first uses it; keep the two in step.
const docsPrelude = `contract "Prelude" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

param hourly_rate "Price per delivered hour" = £19.60
param outcome_fee "Fee for a goal achieved" = £240.00

data review "One monthly review of one person's care" {
  person        text key
  month         date key
  planned_hours decimal 0 .. 400
  actual_hours  decimal 0 .. 400
  missed_visits int 0 .. 200
  satisfaction  optional int 1 .. 5
  goals         list goal max 20
}

data goal "A goal agreed with the person at assessment" {
  goal      text key
  status    achieved | partly | not_met | not_feasible
  agreed_on date
  met_on    optional date
}
`

// docFiles are the markdown files whose examples are checked, relative to
// this package.
var docFiles = []string{"../../docs/language.md", "../../docs/models.md", "../../README.md"}

// occBlock is one fenced ```occ block of a markdown file.
type occBlock struct {
	file string
	line int // the line of the opening fence
	text string
}

var (
	reFence  = regexp.MustCompile("^\\s*(```+|~~~+)\\s*([^\\s`]*)")
	reHeader = regexp.MustCompile(`(?m)^\s*contract\s+"`)
)

// occBlocks returns the ```occ blocks of a markdown file.
func occBlocks(t *testing.T, path string) []occBlock {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	var out []occBlock
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		m := reFence.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		fence, tag := m[1], m[2]
		start := i
		var body []string
		for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), fence); i++ {
			body = append(body, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("%s:%d: the code block is never closed", path, start+1)
		}
		if tag == "occ" {
			out = append(out, occBlock{file: path, line: start + 1, text: strings.Join(body, "\n") + "\n"})
		}
	}
	return out
}

// preludeLines is how many lines come before a block checked after prelude.
func preludeLines(prelude string) int {
	if prelude == "" {
		return 0
	}
	return strings.Count(prelude, "\n") + 1
}

// where names the markdown line of line n of a block checked after prelude.
func (blk occBlock) where(prelude string, n int) string {
	if l := n - preludeLines(prelude); l >= 1 {
		return fmt.Sprintf("%s:%d", blk.file, blk.line+l)
	}
	if n >= 1 {
		return fmt.Sprintf("%s:%d (line %d of its prelude)", blk.file, blk.line, n)
	}
	return fmt.Sprintf("%s:%d", blk.file, blk.line)
}

// checkBlock compiles a block with its prelude and returns the contract, or
// reports the errors at their lines in the markdown file.
func checkBlock(t *testing.T, blk occBlock, prelude string) *compiler.Contract {
	t.Helper()
	src := blk.text
	if prelude != "" {
		src = prelude + "\n" + blk.text
	}
	// name places the block's test data files beside the markdown file.
	name := filepath.Join(filepath.Dir(blk.file), fmt.Sprintf("example-line-%d.occ", blk.line))
	f, diags := lang.Parse(name, []byte(src))
	var c *compiler.Contract
	if !diags.HasErrors() && f.Body != nil {
		var more lang.Diagnostics
		c, more = compiler.Compile([]*lang.File{f})
		diags = append(diags, more...)
	}
	for _, d := range diags {
		if d.Severity != lang.Error {
			continue
		}
		where := blk.where(prelude, d.Span.Start.Line)
		detail := ""
		if d.Detail != "" {
			detail = " (" + d.Detail + ")"
		}
		t.Errorf("%s: example at line %d: %s [%s]%s", where, blk.line, d.Message, d.Code, detail)
	}
	if diags.HasErrors() {
		return nil
	}
	return c
}

// checkFormatted reports a block that occ fmt --check would list: every
// example is written in the canonical layout, as a reader will copy it.
// A snippet is formatted alone, as the file a reader would paste it into.
func checkFormatted(t *testing.T, blk occBlock) {
	t.Helper()
	f, diags := lang.Parse(blk.file, []byte(blk.text))
	if diags.HasErrors() || f.Body == nil {
		return // checkBlock reports it
	}
	got, want := strings.Split(blk.text, "\n"), strings.Split(string(lang.Format(f)), "\n")
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("%s:%d: example at line %d is not formatted (occ fmt --check lists it): line %d is\n\t%q\nwant\n\t%q",
				blk.file, blk.line+1+i, blk.line, i+1, g, w)
			return
		}
	}
}

// runDocTests runs the example's test blocks that need no data file.
func runDocTests(t *testing.T, blk occBlock, prelude string, c *compiler.Contract) int {
	t.Helper()
	n := 0
	for _, tc := range c.Tests {
		if len(tc.Decl.Files) > 0 {
			continue
		}
		n++
		res := runtime.RunTest(context.Background(), c, tc, runtime.TestOptions{Workers: 1})
		for _, f := range res.Failures {
			msg := f.Msg
			if f.Want != "" || f.Got != "" {
				msg = strings.TrimSpace(fmt.Sprintf("%s want %s, got %s", msg, f.Want, f.Got))
			}
			t.Errorf("%s: example at line %d: test %q: %s: %s", blk.where(prelude, f.Span.Start.Line), blk.line, tc.Name, f.Expect, msg)
		}
	}
	return n
}

func TestDocsExamples(t *testing.T) {
	total, tests := 0, 0
	for _, path := range docFiles {
		blocks := occBlocks(t, path)
		if len(blocks) == 0 {
			t.Errorf("%s has no ```occ examples", path)
			continue
		}
		prelude := docsPrelude
		if filepath.Base(path) == "README.md" {
			prelude = ""
			for _, b := range blocks {
				if reHeader.MatchString(b.text) {
					prelude = b.text
					break
				}
			}
		}
		for _, blk := range blocks {
			total++
			checkFormatted(t, blk)
			pre := prelude
			if reHeader.MatchString(blk.text) {
				pre = ""
			}
			if c := checkBlock(t, blk, pre); c != nil {
				tests += runDocTests(t, blk, pre, c)
			}
		}
	}
	t.Logf("checked %d examples and ran %d of their tests", total, tests)
}

// TestDocsCoverLanguage asserts that the reference describes every rule
// kind and every kind of expectation.
func TestDocsCoverLanguage(t *testing.T) {
	b, err := os.ReadFile("../../docs/language.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	// The reference shows the prelude its snippets are checked after.
	if !strings.Contains(doc, "```occ\n"+docsPrelude+"```\n") {
		t.Errorf("docs/language.md does not show docsPrelude, exactly, in an ```occ block; keep the two in step")
	}
	for _, k := range lang.RuleKinds {
		if !regexp.MustCompile(`(?m)^#+ .*\b` + string(k) + `\b`).MatchString(doc) {
			t.Errorf("docs/language.md has no heading for the rule kind %s", k)
		}
	}
	// The expectations compiler/tests.go accepts.
	for _, e := range []string{"total", "line", "lines", "subtotal", "standard", "excluded", "flag", "no line", "no flag", "error"} {
		if !strings.Contains(doc, "expect "+e+" ") {
			t.Errorf("docs/language.md never shows `expect %s`", e)
		}
	}
}

// readmeText returns README.md.
func readmeText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var reFlagUsage = regexp.MustCompile(`(?m)^\s+(?:-(\w), )?--([\w-]+)`)

// TestReadmeCommandTable checks that the README's command table has a row
// for every command, and that each command's flags are named in its row
// or, for the flags many commands share, in the paragraph under the table.
func TestReadmeCommandTable(t *testing.T) {
	readme := readmeText(t)
	start := strings.Index(readme, "| command | what it does |")
	if start < 0 {
		t.Fatal("README.md has no command table")
	}
	table, rest, _ := strings.Cut(readme[start:], "\n\n")
	note, _, _ := strings.Cut(rest, "\n\n")
	rows := map[string]string{}
	for _, l := range strings.Split(table, "\n") {
		if m := regexp.MustCompile("^\\| `occ ([a-z]+)").FindStringSubmatch(l); m != nil {
			rows[m[1]] = l
		}
	}
	named := func(text, flag string) bool {
		return regexp.MustCompile(`(^|[^-\w])` + regexp.QuoteMeta(flag) + `\b`).MatchString(text)
	}
	var out, errb strings.Builder
	root := newRoot(&out, &errb)
	for _, cmd := range root.Commands() {
		if cmd.Hidden || cmd.Name() == "help" {
			continue
		}
		row, ok := rows[cmd.Name()]
		if !ok {
			t.Errorf("README.md's command table has no row for occ %s", cmd.Name())
			continue
		}
		// The flags as occ CMD --help lists them: "  -w, --write  ...".
		for _, m := range reFlagUsage.FindAllStringSubmatch(cmd.LocalFlags().FlagUsages(), -1) {
			short, long := m[1], m[2]
			if long == "help" || named(row, "--"+long) || short != "" && named(row, "-"+short) || named(note, "--"+long) {
				continue
			}
			t.Errorf("README.md's row for occ %s does not name --%s", cmd.Name(), long)
		}
	}
	if !strings.Contains(rows["version"], "occ --version") {
		t.Error("README.md does not say occ --version")
	}
}

// TestReadmeTrimmed checks that output the README shows in part says so:
// an elision is written "... (trimmed...)", never a bare "...".
func TestReadmeTrimmed(t *testing.T) {
	for i, l := range strings.Split(readmeText(t), "\n") {
		if s := strings.TrimSpace(l); s == "..." || s == "…" {
			t.Errorf("README.md:%d: a bare %q; say what was left out: \"... (trimmed)\"", i+1, s)
		}
	}
}
