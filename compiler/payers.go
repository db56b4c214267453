package compiler

import (
	"fmt"
	"strings"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/spell"
)

// CommissionerPayer is the name of the one payer of a contract whose
// header declares none: its commissioner.
const CommissionerPayer = "commissioner"

// Payer is one of the contract's payers.
type Payer struct {
	Name  string
	Title string
	// Index is the payer's place among the contract's payers, in the
	// order the header declares them; the split breaks ties by it.
	Index int
	Span  lang.Span
}

// Split shares lines between the payers. Shares holds each payer's share
// as a fraction of one, indexed like Contract.Payers (0 for a payer the
// split does not name); the shares add to exactly 1.
type Split struct {
	// From is the first day the split is in force: the term's start for
	// the contract's first split; unused in a rule's split.
	From   value.Date
	Shares []value.Decimal
	Span   lang.Span
}

// PayerNamed returns the payer of that name, or nil.
func (c *Contract) PayerNamed(name string) *Payer {
	for _, p := range c.Payers {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// PayerNames returns the payers' names in declaration order.
func (c *Contract) PayerNames() []string {
	names := make([]string, len(c.Payers))
	for i, p := range c.Payers {
		names[i] = p.Name
	}
	return names
}

// SplitOn returns the split that rule r's lines falling in a period that
// starts on day use: the rule's own split, or else the last of the
// contract's splits in force on that day.
func (c *Contract) SplitOn(r *Rule, day value.Date) *Split {
	if r != nil && r.Split != nil {
		return r.Split
	}
	s := c.Splits[0]
	for _, x := range c.Splits[1:] {
		if !day.Before(x.From) {
			s = x
		}
	}
	return s
}

// checkPayers reads the header's payers and splits. A header with no
// payers has one, the commissioner, paying every line.
func (ck *checker) checkPayers() {
	c := ck.c
	h := ck.header
	if h == nil || len(h.Payers) == 0 {
		c.Payers = []*Payer{{Name: CommissionerPayer, Title: c.Commissioner}}
		c.Splits = []*Split{{From: c.TermFrom, Shares: []value.Decimal{value.DecimalFromInt(1)}}}
		if h != nil && len(h.Splits) > 0 {
			ck.errorf(h.Splits[0].Stmt.Head.Span, "missing-payer", "split names payers, and the header declares none").Detail =
				"declare each payer first: `payer council \"Example City Council\"`"
		}
		return
	}
	for _, d := range h.Payers {
		if p := c.PayerNamed(d.Name.Text); p != nil {
			ck.errorf(d.Name.Span, "duplicate", "payer %s is declared twice; first at %s", d.Name.Text, p.Span).Detail =
				"declare each payer once"
			continue
		}
		p := &Payer{Name: d.Name.Text, Index: len(c.Payers), Span: d.Name.Span}
		if d.Title != nil {
			p.Title = d.Title.Unquoted()
		}
		c.Payers = append(c.Payers, p)
	}
	if len(h.Splits) == 0 {
		if len(c.Payers) == 1 {
			c.Splits = []*Split{{From: c.TermFrom, Shares: []value.Decimal{value.DecimalFromInt(1)}}}
			return
		}
		ck.errorf(h.Payers[1].Stmt.Head.Span, "missing-split", "the header declares %d payers and no split", len(c.Payers)).Detail =
			fmt.Sprintf("add `split %s`, shares adding to 100%%", exampleShares(c.Payers))
		c.Splits = []*Split{ck.evenSplit()}
		return
	}
	var prev *Split
	for i, d := range h.Splits {
		s := ck.split(d, true)
		if s == nil {
			continue
		}
		switch {
		case i == 0 && d.From != nil:
			ck.errorf(d.From.Span, "bad-split", "the first split is in force from the term's start and has no from date").Detail =
				"write the split in force from the start first, `split " + exampleShares(c.Payers) + "`, and later ones with `from DATE`"
			s = nil
		case i > 0 && d.From == nil:
			ck.errorf(d.Stmt.Head.Span, "bad-split", "only the first split is in force from the term's start; this one needs a from date").Detail =
				"write `split from DATE ...`, DATE the first day of a settlement period"
			s = nil
		case d.From != nil:
			if !ck.splitDate(d.From, s) {
				s = nil
			} else if prev != nil && !prev.From.Before(s.From) {
				ck.errorf(d.From.Span, "bad-split", "split from %s does not come after the split before it, from %s", s.From, prev.From).Detail =
					"write the splits in order of their dates, each from a later date"
				s = nil
			}
		}
		if s == nil {
			continue
		}
		if i == 0 {
			s.From = c.TermFrom
		} else if len(c.Splits) == 0 {
			c.Splits = append(c.Splits, ck.evenSplit()) // the first is in error
		}
		c.Splits = append(c.Splits, s)
		prev = s
	}
	if len(c.Splits) == 0 {
		c.Splits = append(c.Splits, ck.evenSplit())
	}
}

// evenSplit stands in for a split in error, so that checking goes on: the
// first payer pays every line.
func (ck *checker) evenSplit() *Split {
	shares := make([]value.Decimal, len(ck.c.Payers))
	for i := range shares {
		shares[i] = value.DecimalFromInt(0)
	}
	shares[0] = value.DecimalFromInt(1)
	return &Split{From: ck.c.TermFrom, Shares: shares}
}

// exampleShares writes a split of the payers for a hint: the shares as
// whole percentages adding to 100%.
func exampleShares(payers []*Payer) string {
	var parts []string
	left := 100
	for i, p := range payers {
		n := 100 / len(payers)
		if i == len(payers)-1 {
			n = left
		}
		left -= n
		parts = append(parts, fmt.Sprintf("%s %d%%", p.Name, n))
	}
	return strings.Join(parts, ", ")
}

// splitDate checks that a split's from date starts a settlement period
// after the term's start, and sets it.
func (ck *checker) splitDate(w *lang.Word, s *Split) bool {
	c := ck.c
	d, err := value.ParseDate(w.Text, "")
	if err != nil {
		ck.errorf(w.Span, "bad-date", "%v", err)
		return false
	}
	if !ck.termSet {
		return false
	}
	if !c.TermFrom.Before(d) || c.TermTo.Before(d) {
		ck.errorf(w.Span, "bad-split", "split from %s is not inside the term after its start (%s .. %s)", d, c.TermFrom, c.TermTo).Detail =
			"the first split is in force from the term's start; a later one from the first day of a later settlement period"
		return false
	}
	cal := c.cal
	p := cal.InstanceOf(c.Settlement, cal.MonthOf(d))
	from, _ := cal.Dates(c.Settlement, p)
	if from != d {
		next, _ := cal.Dates(c.Settlement, min(p+1, cal.Count(c.Settlement)-1))
		ck.errorf(w.Span, "bad-split", "split from %s does not start a settlement period", d).Detail =
			fmt.Sprintf("a split changes between settlement periods: write the first day of one, such as %s or %s", from, next)
		return false
	}
	s.From = d
	return true
}

// split checks one split: each share names a declared payer once, is a
// percentage from 0% to 100%, and the shares add to exactly 100%. In the
// header (header set), every payer is named; a rule's split may leave
// payers out, who then pay none of its lines. It returns nil when the
// split is in error.
func (ck *checker) split(d *lang.SplitDecl, header bool) *Split {
	c := ck.c
	shares := make([]value.Decimal, len(c.Payers))
	named := make([]bool, len(c.Payers))
	total := value.DecimalFromInt(0)
	ok := true
	for _, sh := range d.Shares {
		p := c.PayerNamed(sh.Payer.Text)
		if p == nil {
			diag := ck.errorf(sh.Payer.Span, "unknown-payer", "the split names %s, which is not a payer of the contract", sh.Payer.Text)
			diag.Detail = "the payers are " + strings.Join(c.PayerNames(), ", ")
			if sug := spell.Nearest(sh.Payer.Text, c.PayerNames()); sug != "" {
				diag.Detail = fmt.Sprintf("did you mean %q? the payers are %s", sug, strings.Join(c.PayerNames(), ", "))
			}
			ok = false
			continue
		}
		if named[p.Index] {
			ck.errorf(sh.Payer.Span, "bad-split", "the split names %s twice", p.Name).Detail = "give each payer one share"
			ok = false
			continue
		}
		named[p.Index] = true
		pct, err := value.ParseDecimal(strings.TrimSuffix(sh.Percent.Text, "%"))
		if err != nil || pct.Sign() < 0 || pct.Cmp(value.DecimalFromInt(100)) > 0 {
			ck.errorf(sh.Percent.Span, "bad-split", "%s is not a share from 0%% to 100%%", sh.Percent.Text).Detail = "write a percentage such as 40% or 33.333%"
			ok = false
			continue
		}
		f, err := pct.Quo(value.DecimalFromInt(100))
		if err == nil {
			total, err = total.Add(f)
		}
		if err != nil {
			ck.errorf(sh.Percent.Span, "bad-split", "%s cannot be used as a share: %v", sh.Percent.Text, err)
			ok = false
			continue
		}
		shares[p.Index] = f
	}
	if !ok {
		return nil
	}
	if header {
		var missing []string
		for i, p := range c.Payers {
			if !named[i] {
				missing = append(missing, p.Name)
			}
		}
		if len(missing) > 0 {
			ck.errorf(d.Stmt.Head.Span, "bad-split", "the split gives no share to %s", strings.Join(missing, ", ")).Detail =
				"name every payer once in the contract's split, with 0% for one that pays none"
			return nil
		}
	}
	if total.Cmp(value.DecimalFromInt(1)) != 0 {
		pct, _ := total.Mul(value.DecimalFromInt(100))
		last := d.Shares[len(d.Shares)-1].Percent
		sp := d.Shares[0].Payer.Span
		sp.End = last.Span.End
		ck.errorf(sp, "bad-split", "the shares add to %s%%, not 100%%", trimZeros(pct.String())).Detail =
			"shares split each line whole: make them add to exactly 100%"
		return nil
	}
	for i := range shares {
		if !named[i] {
			shares[i] = value.DecimalFromInt(0)
		}
	}
	return &Split{Shares: shares, Span: d.Stmt.Span}
}

// trimZeros drops the trailing zeros of a decimal's fraction: 99.990 is
// 99.99, and 100.0 is 100.
func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// rulePayers checks a rule's split and, for a cap or floor, its payer.
func (ck *checker) rulePayers(d *lang.Rule, r *Rule) {
	c := ck.c
	if d.Split != nil {
		if d.Split.From != nil {
			ck.errorf(d.Split.From.Span, "bad-split", "a rule's split is in force for the whole term and has no from date").Detail =
				"write `split NAME P%, ...`; splits that change by date go in the contract's header"
		} else if s := ck.split(d.Split, false); s != nil {
			r.Split = s
		}
	}
	if d.Payer == nil {
		return
	}
	p := c.PayerNamed(d.Payer.Text)
	if p == nil {
		diag := ck.errorf(d.Payer.Span, "unknown-payer", "%s is not a payer of the contract", d.Payer.Text)
		diag.Detail = "the payers are " + strings.Join(c.PayerNames(), ", ")
		if sug := spell.Nearest(d.Payer.Text, c.PayerNames()); sug != "" {
			diag.Detail = fmt.Sprintf("did you mean %q? the payers are %s", sug, strings.Join(c.PayerNames(), ", "))
		}
		return
	}
	if d.Split != nil {
		ck.errorf(d.Split.Stmt.Head.Span, "bad-split", "%s %s limits payer %s alone, whose adjustments are all %s's: it takes no split", r.Kind, r.Name, p.Name, p.Name).Detail =
			"remove the split, or the payer clause to limit every payer's parts together"
		r.Split = nil
	}
	r.Payer = p
}
