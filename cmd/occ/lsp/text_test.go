package lsp

import (
	"strings"
	"testing"

	"github.com/occ-lang/occ/lang"
)

// The conversions between occ positions (1-based lines, 1-based columns in
// code points), byte offsets and LSP positions (0-based, UTF-16 units).
// Each case places a marker by hand: the byte offset, the occ column and
// the LSP character are worked out from the characters before it.
func TestTextPositions(t *testing.T) {
	cases := []struct {
		name string
		src  string
		// line is 1-based; col is the occ column (code points), off the
		// byte offset and char the UTF-16 character of the same place.
		line, col, off, char int
	}{
		// "a = £1 * x": £ is 2 bytes, 1 code point, 1 UTF-16 unit.
		// Before x: `a = ` (4) `£` (1) `1 * ` (4): 9 code points, 10 bytes.
		{"pound", "a = £1 * x\n", 1, 10, 10, 9},
		// An emoji is 4 bytes, 1 code point, 2 UTF-16 units. Before x,
		// `"😀" ` is 4 code points, 7 bytes and 5 units.
		{"emoji", "\"😀\" x\n", 1, 5, 7, 5},
		// On the second line, after "ab\n" (3 bytes) and £ (2): x at byte 5.
		{"second line", "ab\n£x\n", 2, 2, 5, 1},
		// A byte order mark takes no occ column, but is a character to LSP
		// when the client's text has it: x is column 1, byte 3, char 1.
		{"bom", "\xef\xbb\xbfx = 1\n", 1, 1, 3, 1},
		// After a CRLF line ending the next line starts after the \n, at
		// byte 3; `b £ ` is 4 code points and 5 bytes, so c is at byte 8.
		{"crlf", "a\r\nb £ c\r\n", 2, 5, 8, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx := newText([]byte(c.src))
			if got := tx.fromOcc(lang.Pos{Line: c.line, Col: c.col}); got != (position{c.line - 1, c.char}) {
				t.Errorf("fromOcc(%d:%d) = %+v, want line %d char %d", c.line, c.col, got, c.line-1, c.char)
			}
			if got := tx.fromOffset(c.off); got != (position{c.line - 1, c.char}) {
				t.Errorf("fromOffset(%d) = %+v, want line %d char %d", c.off, got, c.line-1, c.char)
			}
			if got := tx.offset(position{c.line - 1, c.char}); got != c.off {
				t.Errorf("offset(%d:%d) = %d, want %d", c.line-1, c.char, got, c.off)
			}
		})
	}
}

// lang's own positions agree with the conversions: a file's PosAt gives the
// occ position of every byte offset, and converting it by line and column
// and by offset gives the same LSP position.
func TestTextAgreesWithLang(t *testing.T) {
	src := "param fee \"Fee £ for 😀\" = £240.00\r\nparam x = 1\n\xe2\x80\xa6 y\n"
	f := &lang.File{Name: "x.occ", Src: []byte(src)}
	tx := newText(f.Src)
	for off := 0; off <= len(src); off++ {
		if off < len(src) && (src[off]&0xc0) == 0x80 {
			continue // inside a character
		}
		if off > 0 && src[off-1] == '\r' {
			continue // between \r and \n: not a place LSP can name
		}
		p := f.PosAt(off)
		if a, b := tx.fromOcc(p), tx.fromOffset(off); a != b {
			t.Errorf("offset %d (%d:%d): by column %+v, by offset %+v", off, p.Line, p.Col, a, b)
		}
	}
}

func TestTextClamps(t *testing.T) {
	tx := newText([]byte("ab😀\ncd"))
	for _, c := range []struct {
		p    position
		want int
	}{
		{position{0, 99}, 6}, // past the end of a line: its end, before \n
		{position{0, 3}, 2},  // inside the emoji's surrogate pair: its start
		{position{0, 4}, 6},  // after the emoji
		{position{9, 0}, 9},  // past the last line: the end of the text
		{position{-1, 0}, 0}, // before the text
		{position{1, 2}, 9},  // the end of the last line
		{position{1, -3}, 7}, // a negative character: the line's start
		{position{0, 2}, 2},  // before the emoji
		{position{1, 1}, 8},  // between c and d
	} {
		if got := tx.offset(c.p); got != c.want {
			t.Errorf("offset(%+v) = %d, want %d", c.p, got, c.want)
		}
	}
	if got := tx.fromOcc(lang.Pos{Line: 1, Col: 40}); got != (position{0, 4}) {
		t.Errorf("a column past the line's end = %+v, want its end {0 4}", got)
	}
	if got := tx.fromOcc(lang.Pos{Line: 7, Col: 1}); got != (position{1, 2}) {
		t.Errorf("a line past the end = %+v, want the end of the text {1 2}", got)
	}
}

func TestTextEdit(t *testing.T) {
	tx := newText([]byte("param fee = £240.00\nx\n"))
	// Replace "240" (characters 13 to 16: `param fee = £` is 13 units).
	got := string(tx.edit(rangeLSP{position{0, 13}, position{0, 16}}, "250"))
	if want := "param fee = £250.00\nx\n"; got != want {
		t.Errorf("edit = %q, want %q", got, want)
	}
	got = string(tx.edit(rangeLSP{position{1, 1}, position{1, 1}}, "yz"))
	if !strings.HasSuffix(got, "\nxyz\n") {
		t.Errorf("insert = %q", got)
	}
}
