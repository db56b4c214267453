package main

import "testing"

// TestSourceLine pins which lines a file has: a final newline starts no
// line of its own, an empty file has one empty line, and a CRLF line is
// returned without its \r.
func TestSourceLine(t *testing.T) {
	cases := []struct {
		data string
		n    int
		want string
		ok   bool
	}{
		{"a\nb\n", 1, "a", true},
		{"a\nb\n", 2, "b", true},
		{"a\nb\n", 3, "", false},
		{"a\nb", 2, "b", true},
		{"a\r\nb", 1, "a", true},
		{"", 1, "", true},
		{"", 2, "", false},
		{"\n", 1, "", true},
		{"\n", 2, "", false},
		{"\n\n", 2, "", true},
		{"a", 0, "", false},
		{"a", -1, "", false},
	}
	for _, c := range cases {
		got, ok := sourceLine([]byte(c.data), c.n)
		if got != c.want || ok != c.ok {
			t.Errorf("sourceLine(%q, %d) = %q, %v; want %q, %v", c.data, c.n, got, ok, c.want, c.ok)
		}
	}
	// The finder, which indexes a file once, agrees with sourceLine.
	lf := &lineFinder{src: sources{"f": []byte("x\r\ny\n\nz")}}
	for n, want := range []string{"", "x", "y", "", "z"} {
		if got, ok := lf.line("f", n); n > 0 && (got != want || !ok) || n == 0 && ok {
			t.Errorf("line %d = %q, %v; want %q", n, got, ok, want)
		}
	}
	if _, ok := lf.line("g", 1); ok {
		t.Error("a file not in the sources has a line")
	}
}
