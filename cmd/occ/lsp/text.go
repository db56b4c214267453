package lsp

import (
	"bytes"
	"sort"
	"unicode/utf8"

	"github.com/occ-lang/occ/lang"
)

// text is the content of one file with the byte offsets of its lines, for
// converting between the three ways of naming a place in it:
//
//   - a byte offset (lang.Pos.Offset, and the server's own index);
//   - an occ position (lang.Pos.Line and Col): a 1-based line and a 1-based
//     column counting Unicode code points, where a byte order mark opening
//     the file takes no column;
//   - an LSP position: a 0-based line and a 0-based character counting
//     UTF-16 code units, where a byte order mark, if the client sent one,
//     is one unit like any other character.
//
// So on the line `param rate = £19.60 * x`, the x is at byte 24, occ
// column 24 and LSP character 23 (£ is two bytes, one code point and one
// UTF-16 unit); after an emoji, which is four bytes, one code point and two
// UTF-16 units, the three differ again. Lines end at "\n"; a "\r" before it
// belongs to the line ending.
type text struct {
	src   []byte
	lines []int // the byte offset at which each line starts
}

func newText(src []byte) *text {
	t := &text{src: src, lines: []int{0}}
	for i, c := range src {
		if c == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
	return t
}

var bom = []byte("\xef\xbb\xbf")

// lineEnd returns the offset of the end of line i's content, before its
// "\n" or "\r\n".
func (t *text) lineEnd(i int) int {
	end := len(t.src)
	if i+1 < len(t.lines) {
		end = t.lines[i+1] - 1
		if end > t.lines[i] && t.src[end-1] == '\r' {
			end--
		}
	}
	return end
}

// utf16Len returns the length of one rune in UTF-16 code units.
func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

// fromOcc returns the LSP position of an occ position, using its line and
// column. A column past the end of its line is taken as the line's end, and
// a line past the end of the file as the end of the file.
func (t *text) fromOcc(p lang.Pos) position {
	line := p.Line - 1
	if line < 0 {
		return position{}
	}
	if line >= len(t.lines) {
		return t.fromOffset(len(t.src))
	}
	off, end := t.lines[line], t.lineEnd(line)
	char := 0
	if line == 0 && bytes.HasPrefix(t.src, bom) {
		off += len(bom)
		char++
	}
	for col := 1; col < p.Col && off < end; col++ {
		r, size := utf8.DecodeRune(t.src[off:end])
		off += size
		char += utf16Len(r)
	}
	return position{Line: line, Character: char}
}

// fromOffset returns the LSP position of a byte offset, clamped to the text.
// An offset inside a multi-byte character is taken as that character's
// start.
func (t *text) fromOffset(off int) position {
	off = max(0, min(off, len(t.src)))
	line := sort.Search(len(t.lines), func(i int) bool { return t.lines[i] > off }) - 1
	char := 0
	for i := t.lines[line]; i < off; {
		r, size := utf8.DecodeRune(t.src[i:])
		if i+size > off {
			break
		}
		i += size
		char += utf16Len(r)
	}
	return position{Line: line, Character: char}
}

// offset returns the byte offset of an LSP position. A character past the
// end of its line is the line's end, a line past the end of the file is the
// end of the file, and a character in the middle of a surrogate pair is the
// start of its character.
func (t *text) offset(p position) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(t.lines) {
		return len(t.src)
	}
	off, end := t.lines[p.Line], t.lineEnd(p.Line)
	for char := 0; off < end; {
		r, size := utf8.DecodeRune(t.src[off:end])
		if char+utf16Len(r) > p.Character {
			break
		}
		char += utf16Len(r)
		off += size
	}
	return off
}

// spanRange returns the LSP range of an occ span, from its lines and
// columns.
func (t *text) spanRange(s lang.Span) rangeLSP {
	start := t.fromOcc(s.Start)
	end := start
	if s.End.IsValid() {
		end = t.fromOcc(s.End)
	}
	return rangeLSP{Start: start, End: end}
}

// offsetRange returns the LSP range of the bytes [from, to).
func (t *text) offsetRange(from, to int) rangeLSP {
	return rangeLSP{Start: t.fromOffset(from), End: t.fromOffset(to)}
}

// edit returns the text with the range replaced by s.
func (t *text) edit(r rangeLSP, s string) []byte {
	from, to := t.offset(r.Start), t.offset(r.End)
	if to < from {
		from, to = to, from
	}
	out := make([]byte, 0, len(t.src)-(to-from)+len(s))
	out = append(out, t.src[:from]...)
	out = append(out, s...)
	return append(out, t.src[to:]...)
}
