package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// The bad-input corpus: testdata/badinput/*.txtar. Each case is one
// hostile or mistaken input (a data file, a contract, a flag) and what occ
// must answer. A case is a txtar archive:
//
//	# What is wrong, in a line or two.
//	-- args --
//	eval contract.occ --data reviews.csv --period 2026-05
//	-- want --
//	exit 1
//	diag bad-number reviews.csv:3:4
//	-- contract.occ --
//	...
//
// args is the command line, one word a field (a word may be quoted as in
// Go). Files named in it are the archive's other files, written to a
// fresh folder; the command runs with paths relative to it. want lists:
//
//	exit N                        the exit code
//	diag CODE FILE[:LINE[:COL]]   a diagnostic that must be reported (in
//	                              JSON, asked for with --diagnostics json)
//	usage REGEXP                  a usage error (exit 2) whose message
//	                              matches
//	stderr REGEXP                 standard error matches
//	no-stdout                     nothing is written on standard output
//	file NAME REGEXP              after the run, file NAME matches
//
// A file whose name starts "gen " is generated rather than given: each of
// its lines is `text "GO STRING"` or `repeat "GO STRING" COUNT`, and the
// parts are joined into the file named after "gen ". That makes inputs of
// many megabytes from a few lines.
//
// With OCC_BADINPUT_EXTRACT=DIR set, each case is also written to
// DIR/NAME/ with its command line in DIR/NAME/args, so that
// .ci/badinput-measure can time each one in a process of its own.

// corpusCase is one parsed case.
type corpusCase struct {
	name  string
	args  []string
	files map[string][]byte
	want  []string
}

func readCorpus(t *testing.T) []corpusCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "badinput", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusCase
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := corpusCase{name: strings.TrimSuffix(filepath.Base(p), ".txtar"), files: map[string][]byte{}}
		for _, f := range a.Files {
			switch {
			case f.Name == "args":
				if c.args, err = splitArgs(string(f.Data)); err != nil {
					t.Fatalf("%s: args: %v", p, err)
				}
			case f.Name == "want":
				for _, l := range strings.Split(string(f.Data), "\n") {
					if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
						c.want = append(c.want, l)
					}
				}
			case strings.HasPrefix(f.Name, "gen "):
				b, err := generate(string(f.Data))
				if err != nil {
					t.Fatalf("%s: %s: %v", p, f.Name, err)
				}
				c.files[strings.TrimPrefix(f.Name, "gen ")] = b
			default:
				c.files[f.Name] = f.Data
			}
		}
		if len(c.args) == 0 || len(c.want) == 0 {
			t.Fatalf("%s: a case needs args and want", p)
		}
		out = append(out, c)
	}
	return out
}

// splitArgs splits a command line into words; a word may be a quoted Go
// string.
func splitArgs(s string) ([]string, error) {
	var out []string
	s = strings.TrimSpace(s)
	for s != "" {
		if s[0] == '"' || s[0] == '`' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, err
			}
			w, _ := strconv.Unquote(q)
			out = append(out, w)
			s = strings.TrimSpace(s[len(q):])
			continue
		}
		w, rest, _ := strings.Cut(s, " ")
		out = append(out, strings.TrimSpace(w))
		s = strings.TrimSpace(rest)
	}
	return out, nil
}

// generate builds a file from text and repeat lines.
func generate(spec string) ([]byte, error) {
	var b bytes.Buffer
	for _, l := range strings.Split(spec, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		verb, rest, _ := strings.Cut(l, " ")
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return nil, fmt.Errorf("%q: %v", l, err)
		}
		text, _ := strconv.Unquote(q)
		switch verb {
		case "text":
			b.WriteString(text)
		case "repeat":
			n, err := strconv.Atoi(strings.TrimSpace(rest[len(q):]))
			if err != nil {
				return nil, fmt.Errorf("%q: %v", l, err)
			}
			b.WriteString(strings.Repeat(text, n))
		default:
			return nil, fmt.Errorf("%q: want text or repeat", l)
		}
	}
	return b.Bytes(), nil
}

// TestBadInputCorpus runs every case of testdata/badinput and checks occ's
// answer: the exit code, the diagnostics with their code, file, line and
// column, and that nothing else went wrong.
func TestBadInputCorpus(t *testing.T) {
	cases := readCorpus(t)
	if len(cases) < 60 {
		t.Errorf("the corpus has %d cases; it should have at least 60", len(cases))
	}
	extract := os.Getenv("OCC_BADINPUT_EXTRACT")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if extract != "" {
				dir = filepath.Join(extract, c.name)
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for name, b := range c.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args := append([]string(nil), c.args...)
			wantsDiags := false
			for _, w := range c.want {
				wantsDiags = wantsDiags || strings.HasPrefix(w, "diag ")
			}
			if wantsDiags && !slices.Contains(args, "--diagnostics") && args[0] != "check" {
				args = append(args, "--diagnostics", "json")
			}
			if wantsDiags && args[0] == "check" && !slices.Contains(args, "--format") {
				args = append(args, "--format", "json")
			}
			if extract != "" {
				line := strings.Join(quoteArgs(args), " ")
				if err := os.WriteFile(filepath.Join(dir, "args"), []byte(line+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := runIn(t, dir, args)
			checkCorpusCase(t, c, dir, code, stdout, stderr)
		})
	}
}

// runIn runs occ with the files of args resolved in dir, and returns what
// it printed with dir taken out of the paths, so that files are named as
// the case names them.
func runIn(t *testing.T, dir string, args []string) (int, string, string) {
	t.Helper()
	full := make([]string, len(args))
	for i, a := range args {
		full[i] = a
		name, path, isNamed := strings.Cut(a, "=")
		if !isNamed {
			name, path = "", a
		}
		if path != "" && !strings.HasPrefix(path, "-") && !filepath.IsAbs(path) {
			if _, err := os.Lstat(filepath.Join(dir, strings.SplitN(path, "#", 2)[0])); err == nil {
				full[i] = filepath.Join(dir, path)
				if isNamed {
					full[i] = name + "=" + full[i]
				}
			}
		}
	}
	var stdout, stderr bytes.Buffer
	var code int
	finish(t, 2*time.Minute, func() { code = run(full, &stdout, &stderr) })
	strip := func(s string) string { return strings.ReplaceAll(s, dir+string(filepath.Separator), "") }
	return code, strip(stdout.String()), strip(stderr.String())
}

func checkCorpusCase(t *testing.T, c corpusCase, dir string, code int, stdout, stderr string) {
	t.Helper()
	var report *jsonReport
	diags := func() []jsonDiagnostic {
		if report == nil {
			report = &jsonReport{}
			src := stderr
			if c.args[0] == "check" {
				src = stdout
			}
			if err := json.Unmarshal([]byte(src), report); err != nil {
				t.Fatalf("no diagnostics JSON (%v); stdout %.300q, stderr %.300q", err, stdout, stderr)
			}
		}
		return report.Diagnostics
	}
	for _, w := range c.want {
		verb, rest, _ := strings.Cut(w, " ")
		switch verb {
		case "exit":
			if want, _ := strconv.Atoi(rest); code != want {
				t.Errorf("exit code %d, want %d; stderr:\n%.2000s", code, want, stderr)
			}
		case "no-stdout":
			if stdout != "" {
				t.Errorf("stdout is not empty: %.300q", stdout)
			}
		case "usage":
			if code != exitUsage || !regexp.MustCompile(rest).MatchString(stderr) {
				t.Errorf("want a usage error matching %q; exit %d, stderr %.500q", rest, code, stderr)
			}
		case "stderr":
			if !regexp.MustCompile(rest).MatchString(stderr) {
				t.Errorf("stderr does not match %q:\n%.2000s", rest, stderr)
			}
		case "file":
			name, rx, _ := strings.Cut(rest, " ")
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil || !regexp.MustCompile(rx).Match(b) {
				t.Errorf("file %s (%v) does not match %q: %.300q", name, err, rx, b)
			}
		case "diag":
			code, where, _ := strings.Cut(rest, " ")
			parts := strings.Split(where, ":")
			line, col := -1, -1
			if len(parts) > 1 {
				line, _ = strconv.Atoi(parts[1])
			}
			if len(parts) > 2 {
				col, _ = strconv.Atoi(parts[2])
			}
			found := false
			for _, d := range diags() {
				rel := strings.TrimPrefix(d.File, dir+string(filepath.Separator))
				if d.Code == code && rel == parts[0] && (line < 0 || d.Line == line) && (col < 0 || d.Column == col) {
					found = true
				}
			}
			if !found {
				t.Errorf("no diagnostic [%s] at %s; got:\n%s", code, where, describeDiags(diags()))
			}
		default:
			t.Fatalf("unknown want %q", w)
		}
	}
	// Whatever the case, every diagnostic has a code, a message, and a
	// message short enough to read.
	if report != nil {
		for _, d := range report.Diagnostics {
			if d.Code == "" || d.Message == "" || len(d.Message) > 400 {
				t.Errorf("diagnostic without a code or message, or too long: %.200q", d.Message)
			}
		}
	}
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") {
		t.Errorf("a Go stack dump on stderr:\n%.1000s", stderr)
	}
}

// quoteArgs quotes the words that need it for a shell.
func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?#;&|<>()") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return out
}
