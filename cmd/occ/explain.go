package main

import (
	"fmt"
	"io"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
)

// writeExplain prints how each line with the given key was computed. Text
// from the data and the contract is shown through tableText, so that no
// control character reaches the terminal.
func writeExplain(w io.Writer, st *runtime.Statement, key string) error {
	xs, err := st.Explain(key)
	if err != nil {
		return &exitError{code: exitFindings, msg: err.Error()}
	}
	m := func(v value.Money) string { return v.Grouped(st.Contract.MinorUnits) }
	t := tableText
	for i, x := range xs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		l := x.Line
		if l.Kind == "flag" {
			fmt.Fprintf(w, "%s %s flag %s\n", t(l.Period), t(l.Rule), t(l.Key))
		} else {
			fmt.Fprintf(w, "%s %s %s %s = %s\n", t(l.Period), t(l.Rule), t(l.Kind), t(l.Key), m(l.Amount))
		}
		title := x.Rule.Title
		if title != "" {
			title = " \"" + t(title) + "\""
		}
		fmt.Fprintf(w, "  rule   %s %s%s (%s), %s\n", x.Rule.Kind, t(x.Rule.Name), title, t(x.Rule.Span.String()), x.Rule.Scope)
		if l.Source != "" {
			fmt.Fprintf(w, "  record %s\n", t(l.Source))
		}
		for _, in := range l.Inputs {
			fmt.Fprintf(w, "  input  %s = %s\n", t(in.Name), t(in.Value))
		}
		for _, s := range x.Steps {
			fmt.Fprintf(w, "  %s at %s:%d\n", t(s.Clause), t(s.Source.Span.File), s.Source.Span.Start.Line)
			fmt.Fprintf(w, "    %s\n", tableLines(s.Source.Text))
			for _, p := range s.Parts {
				fmt.Fprintf(w, "    %s = %s\n", t(p.Text), t(p.Value))
			}
			fmt.Fprintf(w, "    => %s\n", t(s.Value))
		}
		notes := func() {
			for _, n := range x.Notes {
				fmt.Fprintf(w, "  %s\n", t(n))
			}
		}
		if l.Kind == "sanction" {
			fmt.Fprintln(w, "  a sanction is shown as a negative line")
		}
		// A cap's notes say how its adjustment follows, before it; a
		// line's say which cap or floor adjusted it, after its amount.
		switch l.Kind {
		case "flag":
			notes()
			fmt.Fprintln(w, "  flagged for attention; a flag pays nothing")
		case "adjustment":
			notes()
			fmt.Fprintf(w, "  adjustment line %s\n", m(l.Amount))
		default:
			fmt.Fprintf(w, "  rounded %s to %s\n", t(st.Contract.Rounding), m(l.Amount))
			notes()
		}
		writeLineParts(w, st, l, m)
	}
	return nil
}
