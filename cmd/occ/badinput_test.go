package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// header is a contract header with nothing wrong in it.
const header = `contract "Bad input" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}
`

// body is the rest of a small contract with nothing wrong in it.
const body = `
param hourly_rate "Price per delivered hour" = £19.60

data review "One monthly review" {
  person       text key
  month        date key
  actual_hours decimal 0 .. 400
}

payment hours "Hours delivered" {
  for    review
  amount = review.actual_hours * hourly_rate
}
`

// wantDiag is a diagnostic a bad input must give: where, which code, and a
// regexp its message must match.
type wantDiag struct {
	line, col int
	code      string
	message   string
}

// finish runs fn and fails the test if it has not returned within limit.
// The limit is generous: it catches a hang, it does not measure speed.
func finish(t *testing.T, limit time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	panicked := make(chan any, 1)
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				panicked <- r
			}
		}()
		fn()
	}()
	select {
	case <-done:
		select {
		case r := <-panicked:
			t.Fatalf("panic: %v", r)
		default:
		}
	case <-time.After(limit):
		t.Fatalf("still running after %v", limit)
	}
}

// checkJSON runs `occ check --format json path` and decodes the report.
func checkJSON(t *testing.T, path string) (int, jsonReport, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	var code int
	finish(t, 3*time.Minute, func() {
		code = run([]string{"check", "--format", "json", path}, &stdout, &stderr)
	})
	var r jsonReport
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("occ check --format json wrote no report (%v); stdout %.500q, stderr %.500q", err, stdout.String(), stderr.String())
	}
	return code, r, stderr.String()
}

func TestBadInput(t *testing.T) {
	tenMB := 10 << 20
	cases := []struct {
		name string
		src  func() []byte
		code int
		// want must each be matched by a diagnostic (error) at that line and
		// column; when exact is set they must be all the errors there are.
		want  []wantDiag
		exact bool
	}{
		{
			name: "not UTF-8",
			src:  func() []byte { return []byte("contract \"X\" {\n  provider \"Caf\xe9\"\n}\n") },
			code: 1, exact: true,
			want: []wantDiag{{2, 16, "not-utf8", `^file is not valid UTF-8 text \(byte 0xe9\)$`}},
		},
		{
			name: "Latin-1 pound sign",
			src:  func() []byte { return []byte(header + "param rate = \xa319.60\n") },
			code: 1, exact: true,
			want: []wantDiag{{5, 14, "not-utf8", `byte 0xa3`}},
		},
		{
			name: "empty file",
			src:  func() []byte { return nil },
			code: 1, exact: true,
			want: []wantDiag{{1, 1, "empty-file", `^the file is empty$`}},
		},
		{
			name: "only blank lines",
			src:  func() []byte { return []byte("\n\n   \n\t\n") },
			code: 1, exact: true,
			want: []wantDiag{{1, 1, "missing-contract", `^no contract header$`}},
		},
		{
			name: "unterminated string",
			src: func() []byte {
				return []byte("contract \"Bad input {\n  term       2026-04-01 .. 2027-03-31\n  settlement monthly\n}\n" + body)
			},
			code: 1, exact: true,
			want: []wantDiag{{1, 10, "unterminated-string", `^unterminated string$`}},
		},
		{
			name: "unterminated string in a param",
			src:  func() []byte { return []byte(header + body + "param note \"A note = £1.00\n") },
			code: 1, exact: true,
			want: []wantDiag{{18, 12, "unterminated-string", `^unterminated string$`}},
		},
		{
			name: "unbalanced bracket in an expression",
			src: func() []byte {
				return []byte(header + body + "\nincentive bonus \"Bonus\" {\n  for    review\n  amount = (review.actual_hours * hourly_rate\n}\n")
			},
			code: 1, exact: true,
			want: []wantDiag{{21, 12, "unbalanced-bracket", `^this "\(" is never closed$`}},
		},
		{
			name: "unbalanced bracket before the next statement",
			src:  func() []byte { return []byte(header + "param a = (1 + 2\nparam b = [1, 2)\n") },
			code: 1, exact: true,
			want: []wantDiag{
				{5, 11, "unbalanced-bracket", `^this "\(" is never closed$`},
				{6, 11, "unbalanced-bracket", `^this "\[" is never closed$`},
			},
		},
		{
			name: "closing brace with no block",
			src:  func() []byte { return []byte(header + "}\n" + body) },
			code: 1, exact: true,
			want: []wantDiag{{5, 1, "syntax", "^unexpected `}`: no block is open here$"}},
		},
		{
			name: "block never closed",
			src:  func() []byte { return []byte(header + body + "\nincentive bonus \"Bonus\" {\n  for review\n") },
			code: 1, exact: true,
			want: []wantDiag{{21, 1, "syntax", `^unexpected end of file: a block is not closed$`}},
		},
		{
			name: "unknown keyword",
			src:  func() []byte { return []byte(header + body + "\nrate hours_rate = £19.60\n") },
			code: 1, exact: true,
			want: []wantDiag{{19, 1, "unknown-keyword", `^unknown declaration "rate"$`}},
		},
		{
			name: "keyword misspelt",
			src: func() []byte {
				return []byte(header + body + "\nincentiv bonus \"Bonus\" {\n  for review\n  amount = hourly_rate\n}\n")
			},
			code: 1, exact: true,
			want: []wantDiag{{19, 1, "unknown-keyword", `^unknown declaration "incentiv"$`}},
		},
		{
			name: "clause misspelt",
			src: func() []byte {
				return []byte(header + body + "\nincentive bonus \"Bonus\" {\n  for    review\n  amout = hourly_rate\n}\n")
			},
			code: 1, exact: true,
			want: []wantDiag{{21, 3, "unknown-keyword", `^unknown clause in incentive "amout"$`}},
		},
		{
			name: "rule that references itself",
			src: func() []byte {
				return []byte(header + body + "\nincentive bonus \"Bonus\" {\n  for    review\n  amount = bonus + hourly_rate\n}\n")
			},
			code: 1, exact: true,
			want: []wantDiag{{21, 12, "cycle", `^incentive bonus reads itself$`}},
		},
		{
			name: "binary file",
			src:  func() []byte { return []byte{0, 1, 2, 3, 0, 0, 7} },
			code: 1, exact: true,
			want: []wantDiag{{1, 1, "unexpected-character", `^unexpected characters$`}},
		},
		{
			name: "10 MB of NUL bytes",
			src:  func() []byte { return make([]byte, tenMB) },
			code: 1, exact: true,
			want: []wantDiag{{1, 1, "unexpected-character", `^unexpected characters$`}},
		},
		{
			name: "10 MB of random bytes",
			src: func() []byte {
				b := make([]byte, tenMB)
				x := uint32(2463534242)
				for i := range b {
					x ^= x << 13
					x ^= x >> 17
					x ^= x << 5
					b[i] = byte(x)
				}
				return b
			},
			code: 1,
			want: []wantDiag{{-1, -1, "not-utf8", `^file is not valid UTF-8 text`}},
		},
		{
			name: "10 MB of punctuation",
			src:  func() []byte { return bytes.Repeat([]byte(strings.Repeat("@#$ ?`~ ", 125)+"\n"), tenMB/1001) },
			code: 1,
			want: []wantDiag{
				{1, 1, "unexpected-character", `^unexpected characters$`},
				{1, 77, "too-many-errors", `^too many unexpected characters; the rest are not reported$`},
			},
		},
		{
			name: "10 MB name",
			src:  func() []byte { return append(bytes.Repeat([]byte("x"), tenMB), '\n') },
			code: 1,
			want: []wantDiag{{1, 1, "unknown-keyword", `^unknown declaration "x{40}…"$`}},
		},
		{
			name: "10 MB of comments",
			src: func() []byte {
				return []byte(header + body + strings.Repeat("// "+strings.Repeat("comment ", 12)+"\n", tenMB/100))
			},
			code: 0, exact: true,
		},
		{
			name: "10 MB of valid params",
			src: func() []byte {
				var b bytes.Buffer
				b.WriteString(header + body)
				title := strings.Repeat("a long title ", 80)
				for i := 0; b.Len() < tenMB; i++ {
					fmt.Fprintf(&b, "param p%d %q = £%d.00\n", i, title, i)
				}
				return b.Bytes()
			},
			code: 0, exact: true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "contract.occ")
			if err := os.WriteFile(path, c.src(), 0o644); err != nil {
				t.Fatal(err)
			}
			code, r, stderr := checkJSON(t, path)
			if code != c.code {
				t.Errorf("exit code %d, want %d; stderr %q", code, c.code, stderr)
			}
			var errs []jsonDiagnostic
			for _, d := range r.Diagnostics {
				if d.File != path {
					t.Errorf("diagnostic in file %q, want %q", d.File, path)
				}
				if d.Severity == "error" {
					errs = append(errs, d)
				}
				if d.Message == "" || d.Code == "" {
					t.Errorf("diagnostic without a message or code: %+v", d)
				}
				if len(d.Message) > 200 {
					t.Errorf("message of %d bytes: %.80q...", len(d.Message), d.Message)
				}
				if d.Line < 1 || d.Column < 1 {
					t.Errorf("diagnostic without a position: %+v", d)
				}
			}
			if len(errs) > 100 {
				t.Errorf("%d errors; a bad file should give a handful", len(errs))
			}
			used := make([]bool, len(errs))
			for _, w := range c.want {
				rx := regexp.MustCompile(w.message)
				found := false
				for i, d := range errs {
					if !used[i] && d.Code == w.code && (w.line < 0 || d.Line == w.line) && (w.col < 0 || d.Column == w.col) && rx.MatchString(d.Message) {
						used[i], found = true, true
						break
					}
				}
				if !found {
					t.Errorf("want error %d:%d [%s] %s; got:\n%s", w.line, w.col, w.code, w.message, describeDiags(r.Diagnostics))
				}
			}
			if c.exact && len(errs) != len(c.want) {
				t.Errorf("%d errors, want exactly %d:\n%s", len(errs), len(c.want), describeDiags(r.Diagnostics))
			}
		})
	}
}

func describeDiags(ds []jsonDiagnostic) string {
	var b strings.Builder
	for i, d := range ds {
		if i == 20 {
			fmt.Fprintf(&b, "\t... and %d more\n", len(ds)-i)
			break
		}
		fmt.Fprintf(&b, "\t%d:%d %s [%s] %.120s\n", d.Line, d.Column, d.Severity, d.Code, d.Message)
	}
	return b.String()
}

// TestBadInputText checks the text format for a bad file: the location, the
// quoted line with a caret under the column, and the hint.
func TestBadInputText(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "contract.occ")
	src := header + "param rate \"Rate\" = (£19.60 * 2\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := 0
	finish(t, time.Minute, func() { code = run([]string{"check", path}, &stdout, &stderr) })
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	want := path + `:5:21: error: this "(" is never closed [unbalanced-bracket]
param rate "Rate" = (£19.60 * 2
                    ^
  hint: add the matching ")"; an expression may span lines only inside brackets

1 error
`
	if got := stdout.String(); got != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
	}
}
