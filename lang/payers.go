package lang

import "fmt"

// PayerDecl is a payer of the contract, in its header: a name the splits
// and `occ eval --payer` use, and the payer's title.
//
//	payer icb "NHS Example Integrated Care Board"
type PayerDecl struct {
	Stmt  *Stmt
	Name  Word
	Title *Word
}

// SplitDecl shares each line between the payers: in the contract's
// header, from the term's start or from a date, or in a rule, for that
// rule's lines.
//
//	split council 60%, icb 40%
//	split from 2027-04-01 council 50%, icb 50%
type SplitDecl struct {
	Stmt   *Stmt
	From   *Word // the date the split is in force from; nil from the start
	Shares []ShareDecl
}

// ShareDecl is one payer's share in a split: `icb 40%`.
type ShareDecl struct {
	Payer   Word
	Percent Word
}

// payer reads `payer NAME "Title"`.
func (d decoder) payer(s *Stmt) *PayerDecl {
	d.noBlockOrExpr(s)
	a := s.Args
	if len(a) == 0 || a[0].Kind != IdentWord {
		d.errorf(s.Head.Span, "missing-name", "payer needs a name").Detail =
			"write `payer NAME \"Title\"`, e.g. payer icb \"NHS Example Integrated Care Board\"; a name is letters, digits and _"
		return nil
	}
	p := &PayerDecl{Stmt: s, Name: a[0]}
	a = a[1:]
	if len(a) > 0 && a[0].Kind == StringWord {
		t := a[0]
		p.Title, a = &t, a[1:]
	}
	if len(a) > 0 {
		d.errorf(spanOf(a), "unexpected-words", "unexpected %s after payer %s", describe(a[0]), p.Name.Text).Detail =
			"write `payer NAME \"Title\"`, one payer to a line"
	}
	return p
}

// split reads `split [from DATE] NAME P%, NAME P%, ...`. The compiler
// checks the names, the shares and the date.
func (d decoder) split(s *Stmt) *SplitDecl {
	d.noBlockOrExpr(s)
	const hint = "write `split NAME P%, NAME P%`, e.g. split council 60%, icb 40%, or `split from 2027-04-01 council 50%, icb 50%`"
	sp := &SplitDecl{Stmt: s}
	a := s.Args
	if len(a) > 0 && a[0].Kind == IdentWord && a[0].Text == "from" && (len(a) == 1 || a[1].Kind != PercentWord) {
		if len(a) < 2 || a[1].Kind != DateWord {
			span := a[0].Span
			if len(a) > 1 {
				span = a[1].Span
			}
			d.errorf(span, "bad-clause", "split from needs a date").Detail = hint
			return nil
		}
		w := a[1]
		sp.From, a = &w, a[2:]
	}
	if len(a) == 0 {
		d.errorf(s.Head.Span, "bad-clause", "split needs each payer's share").Detail = hint
		return nil
	}
	for len(a) > 0 {
		if a[0].Kind != IdentWord {
			d.errorf(a[0].Span, "bad-clause", "expected a payer's name in the split, found %s", describe(a[0])).Detail = hint
			return nil
		}
		if len(a) < 2 || a[1].Kind != PercentWord {
			span := a[0].Span
			if len(a) > 1 {
				span = a[1].Span
			}
			d.errorf(span, "bad-clause", "payer %s needs a percentage in the split", a[0].Text).Detail = hint
			return nil
		}
		sp.Shares = append(sp.Shares, ShareDecl{Payer: a[0], Percent: a[1]})
		a = a[2:]
		if len(a) == 0 {
			break
		}
		if a[0].Text != "," {
			d.errorf(a[0].Span, "bad-clause", "separate the shares of a split with commas").Detail =
				fmt.Sprintf("found %s; %s", describe(a[0]), hint)
			return nil
		}
		a = a[1:]
		if len(a) == 0 {
			d.errorf(s.Args[len(s.Args)-1].Span, "bad-clause", "expected another share after the comma").Detail = hint
			return nil
		}
	}
	return sp
}
