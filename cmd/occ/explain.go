package main

import (
	"fmt"
	"io"

	"occ/compiler/value"
	"occ/runtime"
)

// writeExplain prints how each line with the given key was computed.
func writeExplain(w io.Writer, st *runtime.Statement, key string) error {
	xs, err := st.Explain(key)
	if err != nil {
		return &exitError{code: exitFindings, msg: err.Error()}
	}
	m := func(v value.Money) string { return moneyIn(v, st.Contract.MinorUnits) }
	for i, x := range xs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		l := x.Line
		if l.Kind == "flag" {
			fmt.Fprintf(w, "%s %s flag %s\n", l.Period, l.Rule, l.Key)
		} else {
			fmt.Fprintf(w, "%s %s %s %s = %s\n", l.Period, l.Rule, l.Kind, l.Key, m(l.Amount))
		}
		title := x.Rule.Title
		if title != "" {
			title = " \"" + title + "\""
		}
		fmt.Fprintf(w, "  rule   %s %s%s (%s), %s\n", x.Rule.Kind, x.Rule.Name, title, x.Rule.Span, x.Rule.Scope)
		if l.Source != "" {
			fmt.Fprintf(w, "  record %s\n", l.Source)
		}
		for _, in := range l.Inputs {
			fmt.Fprintf(w, "  input  %s = %s\n", in.Name, in.Value)
		}
		for _, s := range x.Steps {
			fmt.Fprintf(w, "  %s at %s:%d\n", s.Clause, s.Source.Span.File, s.Source.Span.Start.Line)
			fmt.Fprintf(w, "    %s\n", s.Source.Text)
			for _, p := range s.Parts {
				fmt.Fprintf(w, "    %s = %s\n", p.Text, p.Value)
			}
			fmt.Fprintf(w, "    => %s\n", s.Value)
		}
		for _, n := range x.Notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
		if l.Kind == "sanction" {
			fmt.Fprintln(w, "  a sanction is shown as a negative line")
		}
		switch l.Kind {
		case "flag":
			fmt.Fprintln(w, "  flagged for attention; a flag pays nothing")
		case "adjustment":
			fmt.Fprintf(w, "  adjustment line %s\n", m(l.Amount))
		default:
			fmt.Fprintf(w, "  rounded %s to %s\n", st.Contract.Rounding, m(l.Amount))
		}
	}
	return nil
}
