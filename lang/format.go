package lang

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Format prints a parsed file in the one canonical layout: two-space
// indentation, one statement per line, heads aligned within a run of
// statements, an empty line around top-level blocks, comments kept where
// they were. Expressions are kept as written; only the indentation of their
// continuation lines moves with the statement. Format needs f.Body.
func Format(f *File) []byte {
	p := printer{src: f.Src}
	p.stmts(f.Body.Stmts, 0, true, "")
	if len(f.Body.Comments) > 0 {
		if f.Body.BlankBeforeComments || len(f.Body.Stmts) > 0 && f.Body.Stmts[len(f.Body.Stmts)-1].Block != nil {
			p.blank()
		}
		p.comments(0, f.Body.Comments)
	}
	out := bytes.TrimLeft(p.buf.Bytes(), "\n")
	return out
}

type printer struct {
	src []byte
	buf bytes.Buffer
}

func (p *printer) blank() {
	b := p.buf.Bytes()
	if len(b) == 0 || bytes.HasSuffix(b, []byte("\n\n")) || bytes.HasSuffix(b, []byte("{\n")) {
		return
	}
	p.buf.WriteByte('\n')
}

func (p *printer) line(indent int, text string) {
	p.buf.WriteString(strings.Repeat("  ", indent))
	p.buf.WriteString(text)
	p.buf.WriteByte('\n')
}

// stmts prints a list of statements. parent is the head of the enclosing
// statement ("" at top level): fields of a data block also align their type.
func (p *printer) stmts(list []*Stmt, indent int, top bool, parent string) {
	for i := 0; i < len(list); {
		// A run of statements without blocks, blank lines or comments between
		// them shares one alignment.
		j := i + 1
		if list[i].Block == nil && !isLimit(list[i], parent) {
			for j < len(list) && list[j].Block == nil && !list[j].BlankBefore && len(list[j].Comments) == 0 && !isLimit(list[j], parent) {
				j++
			}
		} else {
			j = i + 1
		}
		run := list[i:j]
		headW, firstW := 0, 0
		for _, s := range run {
			headW = max(headW, utf8.RuneCountInString(s.Head.Text))
		}
		for k, s := range run {
			if s.BlankBefore || top && i+k > 0 && (s.Block != nil || list[i+k-1].Block != nil) {
				p.blank()
			}
			p.comments(indent, s.Comments)
			if s.BlankAfterComments {
				p.blank()
			}
			if s.Block != nil || len(run) == 1 {
				p.stmt(s, indent, 0, 0, parent)
			} else {
				p.stmt(s, indent, headW, firstW, parent)
			}
		}
		i = j
	}
}

func (p *printer) stmt(s *Stmt, indent, headW, firstW int, parent string) {
	var b strings.Builder
	b.WriteString(s.Head.Text)
	pad := func(w int, text string) {
		for n := utf8.RuneCountInString(text); n < w; n++ {
			b.WriteByte(' ')
		}
	}
	hasMore := len(s.Args) > 0 || s.Op != nil || s.Expr != nil || s.Block != nil
	if hasMore && (len(s.Args) > 0 || s.Op != nil || s.Expr != nil) {
		pad(headW, s.Head.Text)
	}
	for i, a := range s.Args {
		if a.Text != "," {
			b.WriteByte(' ')
		}
		b.WriteString(a.Text)
		if i == 0 && firstW > 0 && len(s.Args) > 1 {
			pad(firstW, a.Text)
		}
	}
	if s.Op != nil {
		b.WriteByte(' ')
		b.WriteString(s.Op.Text)
	}
	if s.Expr != nil {
		b.WriteByte(' ')
		col := indent*2 + utf8.RuneCountInString(b.String())
		b.WriteString(reindent(s.Expr, col))
	}
	if s.Block != nil {
		blk := s.Block
		if len(blk.Stmts) == 0 && len(blk.Comments) == 0 && blk.OpenComment == nil {
			b.WriteString(" {}")
			p.line(indent, p.trailing(b.String(), s.Trailing))
			return
		}
		b.WriteString(" {")
		if blk.OpenComment != nil {
			b.WriteString(" " + blk.OpenComment.Text)
		}
		p.line(indent, b.String())
		p.stmts(blk.Stmts, indent+1, false, s.Head.Text)
		if len(blk.Comments) > 0 {
			if blk.BlankBeforeComments {
				p.blank()
			}
			p.comments(indent+1, blk.Comments)
		}
		p.line(indent, p.trailing("}", s.Trailing))
		return
	}
	p.line(indent, p.trailing(b.String(), s.Trailing))
}

// comments prints a group of comment lines, keeping the empty lines
// between them.
func (p *printer) comments(indent int, list []Comment) {
	for i, c := range list {
		if i > 0 && c.BlankBefore {
			p.blank()
		}
		p.line(indent, c.Text)
	}
}

func (p *printer) trailing(text string, c *Comment) string {
	if c == nil {
		return text
	}
	return text + " " + c.Text
}

// reindent returns the expression text with its continuation lines shifted
// by the distance its first line moved, and trailing blanks removed. Text
// holding a triple-quoted string is kept exactly, since moving it would change
// the string.
func reindent(e *Expr, newCol int) string {
	if !strings.Contains(e.Text, "\n") {
		return e.Text
	}
	if strings.Contains(e.Text, `'''`) || strings.Contains(e.Text, `"""`) {
		return e.Text
	}
	delta := newCol - (e.Span.Start.Col - 1)
	lines := strings.Split(e.Text, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t\r")
		if i == 0 || lines[i] == "" {
			continue
		}
		trimmed := strings.TrimLeft(lines[i], " \t")
		lead := utf8.RuneCountInString(lines[i]) - utf8.RuneCountInString(trimmed)
		lines[i] = strings.Repeat(" ", max(lead+delta, 0)) + trimmed
	}
	return strings.Join(lines, "\n")
}
