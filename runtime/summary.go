package runtime

import "io"

// A summary is a statement without its lines: everything else a statement
// holds (the totals by period, kind, rule and payer, caps, standards,
// flags, exclusions, the records' accounting, the budget, notes and the
// hashes), for the many runs that need only the money. A Program made
// WithoutLines makes statements that hold no lines at all: each total is
// added up as the evaluation's results are visited, and no line is
// gathered, sorted, keyed or rendered.

// WithoutLines makes the program's statements summaries: they hold no
// lines, so that a statement of millions of lines costs little beyond the
// evaluation. Their totals, subtotals, totals by period and by payer,
// caps, standards, flags, exclusions and record counts are those of the
// statement with lines, to the penny; but Lines yields nothing, Explain
// finds no line, and WriteJSON fails: write them with WriteSummaryJSON.
// It implies WithoutInputs.
func WithoutLines() Option {
	return func(p *Program) error {
		p.noLines, p.noInputs = true, true
		return nil
	}
}

// HasLines reports whether the statement holds its lines: false for a
// summary, made by a Program WithoutLines.
func (s *Statement) HasLines() bool { return !s.summary }

// eachRef calls fn for each of the statement's lines: its lines in
// statement order or, in a summary, each line the evaluation made in the
// statement's periods (one payer's, in a payer's statement), in rule
// order and with no key marks. Totals, which add up exactly, do not
// depend on the order.
func (s *Statement) eachRef(fn func(lineRef)) {
	if !s.summary {
		for _, l := range s.refs {
			fn(l)
		}
		return
	}
	ev := s.ev
	if s.payer == nil {
		ev.eachLine(s.per, fn)
		return
	}
	rules, i := ev.p.c.Rules, s.payer.Index
	ev.eachLine(s.per, func(l lineRef) {
		if ev.pays(rules[l.rule], int(l.period), i) {
			fn(l)
		}
	})
}

// errNoLines is WriteJSON's error for a summary.
type errNoLines struct{}

func (errNoLines) Error() string {
	return "the statement is a summary, made without its lines: write it with WriteSummaryJSON"
}

// WriteSummaryJSON writes the statement's summary in the documented JSON
// form (docs/statement.md): the JSON statement without its "lines" field,
// byte for byte what WriteJSON writes with that field and its value left
// out. It writes any statement's summary, a summary's or one with lines.
func (s *Statement) WriteSummaryJSON(w io.Writer) error {
	return s.writeJSON(w, false)
}
