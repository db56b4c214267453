package lang

import (
	"bytes"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// WordKind says what kind of word a Word is.
type WordKind int

// The kinds of word.
const (
	IdentWord   WordKind = iota // name or keyword: review, half_up
	StringWord                  // "quoted text"
	NumberWord                  // 400, -2, 0.5, 1,250
	MoneyWord                   // £1,250.50
	PercentWord                 // 15%, 12.5%
	DateWord                    // 2026-04-01
	PeriodWord                  // 2026-05, 2026-Q1, 2026/27, 2026-27
	PunctWord                   // .. | , /
	OpWord                      // = == != < <= > >=
)

// Word is one token of a statement outside expressions.
//
//	review  "Hours delivered"  £19.60  15%  2026-04-01  ..
type Word struct {
	Kind WordKind
	Text string // the source text, quotes included for strings
	Span Span
}

// Unquoted returns the text of a string word without its quotes and with
// escapes resolved; other words are returned as written.
func (w Word) Unquoted() string {
	if w.Kind != StringWord || len(w.Text) < 2 {
		return w.Text
	}
	s := w.Text[1:]
	s = strings.TrimSuffix(s, `"`)
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Expr is an embedded CEL expression, kept exactly as written. Text is the
// file's bytes from Span.Start to Span.End.
//
//	review.actual_hours * hourly_rate
type Expr struct {
	Text string
	Span Span
	// Broken is set when the expression has a bracket that is never closed.
	// That is reported once, when the file is read; the compiler does not
	// check the expression again.
	Broken bool
}

// Comment is a `//` comment, kept by the formatter.
//
//	// applied to every line at the currency's minor unit
type Comment struct {
	Text string
	Span Span
	// BlankBefore records an empty line between this comment and the
	// comment above it in the same group, which the formatter keeps.
	BlankBefore bool
}

// Stmt is one statement of the generic syntax every construct shares: a
// head word, argument words, and then optionally a block, an operator with
// an expression, or (after `when`) an expression alone.
//
//	payment hours "Hours delivered" { ... }
//	amount = review.actual_hours * hourly_rate
//	when   goal.status == "achieved"
//	target >= 85%
type Stmt struct {
	Head  Word
	Args  []Word
	Op    *Word
	Expr  *Expr
	Block *Block
	Span  Span

	// Comments are the comment lines directly above the statement.
	Comments []Comment
	// Trailing is a comment on the statement's last line.
	Trailing *Comment
	// BlankBefore records an empty line before the statement (or its
	// comments), which the formatter keeps.
	BlankBefore bool
	// BlankAfterComments records an empty line between the comments above
	// the statement and the statement itself.
	BlankAfterComments bool
}

// Block is a braced list of statements.
//
//	{ for review; amount = review.actual_hours * hourly_rate }
type Block struct {
	Open  Span
	Close Span
	Stmts []*Stmt
	// OpenComment is a comment on the line of the opening brace.
	OpenComment *Comment
	// Comments are comment lines after the last statement.
	Comments []Comment
	// BlankBeforeComments records an empty line before Comments.
	BlankBeforeComments bool
}

// Body is the top level of a file: statements and trailing comments.
type Body struct {
	Stmts               []*Stmt
	Comments            []Comment
	BlankBeforeComments bool
}

// Walk calls fn for s and, depth first, every statement in its block. It
// stops descending where fn returns false.
func Walk(stmts []*Stmt, fn func(*Stmt) bool) {
	for _, s := range stmts {
		if !fn(s) {
			continue
		}
		if s.Block != nil {
			Walk(s.Block.Stmts, fn)
		}
	}
}

// endPos returns the position just after text that starts at p.
func endPos(p Pos, text string) Pos {
	for _, r := range text {
		if r == '\n' {
			p.Line++
			p.Col = 1
		} else {
			p.Col++
		}
	}
	p.Offset += len(text)
	return p
}

// runeCol returns the 1-based code point column of byte offset off in src.
func runeCol(src []byte, off int) int {
	start := off
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	return utf8.RuneCount(src[start:off]) + 1 - bomBefore(src, start, off)
}

// bomBefore returns 1 when a byte order mark opens the file and lies in
// src[start:off]: the scanner skips it, so it takes no column.
func bomBefore(src []byte, start, off int) int {
	if start == 0 && off >= 3 && bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		return 1
	}
	return 0
}

func decodeRune(b []byte) (rune, int) { return utf8.DecodeRune(b) }

// PosAt returns the position of byte offset off in the file's source,
// clamped to the source. It finds the line in an index of line starts built
// once per file, so that a position costs the length of its line rather than
// of everything before it.
func (f *File) PosAt(off int) Pos {
	off = max(0, min(off, len(f.Src)))
	starts := f.lineStarts()
	// The line holding off is the last one starting at or before it.
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
	start := starts[i]
	return Pos{Line: i + 1, Col: utf8.RuneCount(f.Src[start:off]) + 1 - bomBefore(f.Src, start, off), Offset: off}
}

// lineIndex holds the byte offsets at which the lines of a file start.
type lineIndex struct {
	once   sync.Once
	starts []int
}

// lineStarts returns the offsets at which the file's lines start, the first
// being 0, building them on first use. Src must not change after that.
func (f *File) lineStarts() []int {
	f.lines.once.Do(func() {
		starts := make([]int, 1, 1+bytes.Count(f.Src, []byte{'\n'}))
		for i, c := range f.Src {
			if c == '\n' {
				starts = append(starts, i+1)
			}
		}
		f.lines.starts = starts
	})
	return f.lines.starts
}

// SpanAt returns the span of bytes [from, to) in the file.
func (f *File) SpanAt(from, to int) Span {
	return Span{File: f.Name, Start: f.PosAt(from), End: f.PosAt(to)}
}
