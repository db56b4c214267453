package lang_test

import (
	"testing"

	"github.com/occ-lang/occ/lang"
)

// TestPosAt: each character of a file with a byte order mark, CRLF line
// ends, a blank line, £ and a last line without a newline gets the line and
// code point column written by hand, and offsets beyond the text are
// clamped.
func TestPosAt(t *testing.T) {
	src := "\xef\xbb\xbfab\r\n\n£1\nx"
	// The byte order mark (bytes 0-2) takes no column; £ is two bytes and
	// one column.
	want := map[int]struct{ line, col int }{
		0: {1, 1}, 3: {1, 1}, 4: {1, 2}, 5: {1, 3}, 6: {1, 4}, // mark a b \r \n
		7: {2, 1},                         // the blank line's \n
		8: {3, 1}, 10: {3, 2}, 11: {3, 3}, // £ 1 \n
		12: {4, 1}, 13: {4, 2}, // x, and the end of the text
	}
	f := &lang.File{Name: "f.occ", Src: []byte(src)}
	for off, w := range want {
		if p := f.PosAt(off); p != (lang.Pos{Line: w.line, Col: w.col, Offset: off}) {
			t.Errorf("PosAt(%d) = %+v, want line %d col %d", off, p, w.line, w.col)
		}
	}
	if p := f.PosAt(len(src) + 5); p != (lang.Pos{Line: 4, Col: 2, Offset: len(src)}) {
		t.Errorf("PosAt past the end = %+v", p)
	}
	if p := f.PosAt(-3); p != (lang.Pos{Line: 1, Col: 1, Offset: 0}) {
		t.Errorf("PosAt(-3) = %+v", p)
	}
	empty := &lang.File{Name: "e.occ"}
	if p := empty.PosAt(0); p != (lang.Pos{Line: 1, Col: 1}) {
		t.Errorf("PosAt(0) of an empty file = %+v", p)
	}
}
