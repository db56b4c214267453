package lang

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The participle grammar is deliberately generic: every construct is a
// statement of words with an optional block or expression. Which keywords
// exist, and what they take, is checked when the tree is decoded, so that one
// run reports every misspelt keyword rather than stopping at the first.

type pItem struct {
	Comment *pTok  `parser:"  @@"`
	Stmt    *pStmt `parser:"| @@"`
}

type pTok struct {
	Tok lexer.Token `parser:"@Comment"`
}

type pStmt struct {
	Head  lexer.Token  `parser:"@Ident"`
	Args  []*pArg      `parser:"@@*"`
	Block *pBlock      `parser:"( @@"`
	Op    *lexer.Token `parser:"| @Op"`
	Expr  *lexer.Token `parser:"  @Expr?"`
	Bare  *lexer.Token `parser:"| @Expr )?"`
}

type pArg struct {
	Tok lexer.Token `parser:"@(Ident | String | Number | Money | Percent | Date | Period | \"..\" | \"|\" | \",\" | \"/\")"`
}

type pBlock struct {
	Open  lexer.Token `parser:"@\"{\""`
	Items []*pItem    `parser:"( @@ | Newline | \";\" )*"`
	Close lexer.Token `parser:"@\"}\""`
}

type pFile struct {
	Items []*pItem `parser:"( @@ | Newline | \";\" )*"`
}

var parser = participle.MustBuild[pFile](
	participle.Lexer(lexDef{}),
	participle.UseLookahead(2),
)

// File is one parsed contract file.
type File struct {
	Name string
	Src  []byte
	Body *Body
	// Decls are the typed declarations decoded from Body.
	Decls []Decl

	lines lineIndex // for PosAt
}

// Parse parses a contract file. It returns the file (possibly partial) and
// every diagnostic found; a nil Body means the structure could not be read.
func Parse(name string, src []byte) (*File, Diagnostics) {
	f := &File{Name: name, Src: src}
	sc := newScanner(name, src)
	diags := sc.diags
	if diags.HasErrors() && sc.toks[0].EOF() && len(src) > 0 {
		return f, diags // not UTF-8: nothing more to say
	}
	pl, err := lexer.Upgrade(sc)
	if err != nil {
		panic(err) // the scanner never fails
	}
	pf, err := parser.ParseFromLexer(pl)
	if err != nil {
		diags = append(diags, syntaxDiagnostic(name, src, err))
		diags.Sort()
		return f, diags
	}
	c := converter{file: name, src: src, broken: sc.broken}
	f.Body = c.body(pf.Items)
	f.Decls = decode(f, &diags)
	diags = dropUnlexed(diags, f.Body)
	diags = dropAfterUnterminated(diags)
	diags.Sort()
	return f, diags
}

// dropAfterUnterminated removes the missing-value errors of statements on a
// line with an unterminated string: in `param note "A note = £1.00` the
// string runs to the end of the line and takes the `=` with it, but the
// missing quote is the mistake worth reporting.
func dropAfterUnterminated(diags Diagnostics) Diagnostics {
	lines := map[int]bool{}
	for _, d := range diags {
		if d.Code == "unterminated-string" {
			lines[d.Span.Start.Line] = true
		}
	}
	if len(lines) == 0 {
		return diags
	}
	out := diags[:0]
	for _, d := range diags {
		switch d.Code {
		case "missing-equals", "missing-expression":
			if lines[d.Span.Start.Line] || lines[d.Span.End.Line] {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// dropUnlexed removes the unexpected-character errors inside statements whose
// keyword is unknown: a misspelt `whne review.hours > 2` is not read as a
// condition, so its `.` is unexpected, but the misspelling is the mistake
// worth reporting.
func dropUnlexed(diags Diagnostics, body *Body) Diagnostics {
	unknown := map[Span]bool{}
	for _, d := range diags {
		if d.Code == "unknown-keyword" {
			unknown[d.Span] = true
		}
	}
	if len(unknown) == 0 {
		return diags
	}
	var spans []Span
	Walk(body.Stmts, func(s *Stmt) bool {
		if unknown[s.Head.Span] {
			spans = append(spans, s.Span)
			return false
		}
		return true
	})
	out := diags[:0]
	for _, d := range diags {
		inside := false
		for _, sp := range spans {
			inside = inside || d.Code == "unexpected-character" && sp.Contains(d.Span)
		}
		if !inside {
			out = append(out, d)
		}
	}
	return out
}

func syntaxDiagnostic(name string, src []byte, err error) Diagnostic {
	var perr participle.Error
	p := Pos{Line: 1, Col: 1}
	msg := err.Error()
	if errors.As(err, &perr) {
		lp := perr.Position()
		p = Pos{Line: lp.Line, Col: runeCol(src, min(lp.Offset, len(src))), Offset: lp.Offset}
		msg = perr.Message()
	}
	// At the end of the file the span is empty: nothing follows to mark.
	d := Diagnostic{Severity: Error, Code: "syntax", Span: Span{File: name, Start: p, End: p}}
	switch {
	case strings.Contains(msg, `unexpected token "<EOF>"`):
		d.Message = "unexpected end of file: a block is not closed"
		d.Detail = "every `{` needs a matching `}`"
	case strings.Contains(msg, `unexpected token "}"`):
		d.Message = "unexpected `}`: no block is open here"
		d.Detail = "remove it, or check the `{` of the block above"
	case strings.Contains(msg, "too many iterations"):
		d.Message = "the file has too many statements and comments to read"
		d.Detail = "a contract file holds at most a million; split the tests into their own file"
	case strings.Contains(msg, "unexpected token"):
		tok := msg[strings.Index(msg, "unexpected token"):]
		d.Message = fmt.Sprintf("%s: expected a keyword at the start of the line", tok)
		d.Detail = "each line starts with a keyword such as `param`, `payment`, `for` or `amount`"
	default:
		d.Message = msg
	}
	if p.Offset < len(src) {
		d.Span.End = endPos(p, firstToken(src[p.Offset:]))
	}
	return d
}

// firstToken returns the run of non-space bytes at the start of b, or one
// character.
func firstToken(b []byte) string {
	n := strings.IndexAny(string(b), " \t\r\n")
	if n <= 0 {
		_, size := decodeRune(b)
		return string(b[:size])
	}
	return string(b[:n])
}

type converter struct {
	file   string
	src    []byte
	broken map[int]bool
}

func (c converter) pos(p lexer.Position) Pos {
	return Pos{Line: p.Line, Col: p.Column, Offset: p.Offset}
}

func (c converter) span(t lexer.Token) Span {
	start := c.pos(t.Pos)
	return Span{File: c.file, Start: start, End: endPos(start, t.Value)}
}

func (c converter) word(t lexer.Token) Word {
	kind := IdentWord
	switch t.Type {
	case tokString:
		kind = StringWord
	case tokNumber:
		kind = NumberWord
	case tokMoney:
		kind = MoneyWord
	case tokPercent:
		kind = PercentWord
	case tokDate:
		kind = DateWord
	case tokPeriod:
		kind = PeriodWord
	case tokPunct:
		kind = PunctWord
	case tokOp:
		kind = OpWord
	}
	return Word{Kind: kind, Text: t.Value, Span: c.span(t)}
}

func (c converter) comment(t lexer.Token) Comment {
	return Comment{Text: strings.TrimRight(t.Value, " \t\r"), Span: c.span(t)}
}

// items converts a list of parsed items into statements, attaching comments
// to the statements they belong to. after is the line of the token that
// opened the list (0 at the top of a file).
func (c converter) items(items []*pItem, openLine int) (stmts []*Stmt, openComment *Comment, tail []Comment, blankTail bool) {
	var pending []Comment
	pendingBlank := false
	lastLine := openLine
	for _, it := range items {
		if it.Comment != nil {
			cm := c.comment(it.Comment.Tok)
			line := cm.Span.Start.Line
			switch {
			case len(stmts) > 0 && len(pending) == 0 && stmts[len(stmts)-1].Span.End.Line == line && stmts[len(stmts)-1].Trailing == nil:
				stmts[len(stmts)-1].Trailing = &cm
			case len(stmts) == 0 && len(pending) == 0 && openLine > 0 && line == openLine:
				openComment = &cm
			default:
				if len(pending) == 0 {
					pendingBlank = lastLine > 0 && line > lastLine+1
				} else {
					cm.BlankBefore = line > lastLine+1
				}
				pending = append(pending, cm)
			}
			lastLine = line
			continue
		}
		s := c.stmt(it.Stmt)
		s.Comments = pending
		if len(pending) > 0 {
			s.BlankBefore = pendingBlank
			s.BlankAfterComments = s.Span.Start.Line > pending[len(pending)-1].Span.End.Line+1
		} else {
			s.BlankBefore = lastLine > 0 && s.Span.Start.Line > lastLine+1
		}
		pending, pendingBlank = nil, false
		stmts = append(stmts, s)
		lastLine = s.Span.End.Line
	}
	return stmts, openComment, pending, pendingBlank
}

func (c converter) body(items []*pItem) *Body {
	stmts, _, tail, blank := c.items(items, 0)
	return &Body{Stmts: stmts, Comments: tail, BlankBeforeComments: blank}
}

func (c converter) stmt(p *pStmt) *Stmt {
	s := &Stmt{Head: c.word(p.Head)}
	s.Head.Kind = IdentWord
	end := s.Head.Span.End
	for _, a := range p.Args {
		w := c.word(a.Tok)
		s.Args = append(s.Args, w)
		end = w.Span.End
	}
	switch {
	case p.Block != nil:
		b := &Block{Open: c.span(p.Block.Open), Close: c.span(p.Block.Close)}
		b.Stmts, b.OpenComment, b.Comments, b.BlankBeforeComments = c.items(p.Block.Items, p.Block.Open.Pos.Line)
		s.Block = b
		end = b.Close.End
	case p.Op != nil:
		w := c.word(*p.Op)
		s.Op = &w
		end = w.Span.End
		if p.Expr != nil && p.Expr.Value != "" {
			s.Expr = &Expr{Text: p.Expr.Value, Span: c.span(*p.Expr), Broken: c.broken[p.Expr.Pos.Offset]}
			end = s.Expr.Span.End
		}
	case p.Bare != nil && p.Bare.Value != "":
		s.Expr = &Expr{Text: p.Bare.Value, Span: c.span(*p.Bare), Broken: c.broken[p.Bare.Pos.Offset]}
		end = s.Expr.Span.End
	}
	s.Span = Span{File: c.file, Start: s.Head.Span.Start, End: end}
	return s
}
