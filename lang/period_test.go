package lang_test

import (
	"strings"
	"testing"

	"github.com/occ-lang/occ/lang"
)

// TestTestPeriod: a test's period is one word or a range of two, and the
// contract-year form 2026/27 is one word that the formatter keeps.
func TestTestPeriod(t *testing.T) {
	cases := []struct{ src, want, err string }{
		{src: "2026-05", want: "2026-05"},
		{src: "2026-Q1", want: "2026-Q1"},
		{src: "2026/27", want: "2026/27"},
		{src: "2026-27", want: "2026-27"},
		{src: "2026", want: "2026"},
		{src: "term", want: "term"},
		{src: "2026-04 .. 2026-06", want: "2026-04..2026-06"},
		{src: "2026-Q1..2026-Q2", want: "2026-Q1..2026-Q2"},
		{src: "2026/27 .. 2027/28", want: "2026/27..2027/28"},
		{src: "2026-04 2026-05", err: `"period" takes a period, or two joined by .. [bad-clause]`},
		{src: "", err: `"period" takes a period, or two joined by ..`},
		{src: `"2026-05"`, err: `"period" takes a period, or two joined by ..`},
	}
	for _, tc := range cases {
		src := "test \"t\" {\n  period " + tc.src + "\n  expect total == £1.00\n}\n"
		f, diags := lang.Parse("t.occ", []byte(src))
		if tc.err != "" {
			if len(diags) != 1 || !strings.Contains(diags[0].Message+" ["+diags[0].Code+"]", tc.err) {
				t.Errorf("period %s: got %v, want %q", tc.src, diags, tc.err)
			}
			continue
		}
		if len(diags) != 0 {
			t.Errorf("period %s: %v", tc.src, diags)
			continue
		}
		test := f.Decls[0].(*lang.Test)
		if test.Period == nil || test.Period.Text != tc.want {
			t.Errorf("period %s: read as %+v, want %s", tc.src, test.Period, tc.want)
			continue
		}
		if sp := test.Period.Span; sp.Start.Col != 10 || sp.End.Col != 10+len(tc.src) {
			t.Errorf("period %s: span %d..%d", tc.src, sp.Start.Col, sp.End.Col)
		}
		// The formatter writes a range with spaces around .., as the term.
		if out := string(lang.Format(f)); !strings.Contains(out, "period "+strings.ReplaceAll(tc.want, "..", " .. ")+"\n") {
			t.Errorf("period %s formats as\n%s", tc.src, out)
		}
	}
}
