package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime"
)

// checkPayer refuses a --payer that names none of the contract's payers,
// before any data is read, naming the payers it has.
func checkPayer(c *compiler.Contract, name string) error {
	if name == "" || c.PayerNamed(name) != nil {
		return nil
	}
	return usageError("--payer %s: the contract's payers are %s", tableText(name), strings.Join(c.PayerNames(), ", "))
}

// payerStatement returns the statement of payer name (see
// runtime.Statement.ForPayer), or st itself when name is "".
func payerStatement(st *runtime.Statement, name string) (*runtime.Statement, error) {
	if name == "" {
		return st, nil
	}
	ps, err := st.ForPayer(name)
	if err != nil {
		return nil, usageError("--payer %v", err)
	}
	return ps, nil
}

// writePayerHeading says, under a payer's statement's heading, whose it
// is.
func writePayerHeading(w io.Writer, s *runtime.Statement) {
	if s.Payer == "" || len(s.ByPayer) == 0 {
		return
	}
	p := s.ByPayer[0]
	title := ""
	if p.Title != "" {
		title = " (" + tableText(p.Title) + ")"
	}
	fmt.Fprintf(w, "Payer %s%s: each amount is this payer's part of the line\n", tableText(p.Payer), title)
}

// writeByPayer writes the totals by payer of a statement with two payers
// or more: each payer's parts of the lines added up.
func writeByPayer(w io.Writer, s *runtime.Statement, m func(value.Money) string) {
	if len(s.ByPayer) < 2 {
		return
	}
	fmt.Fprintf(w, "\nBy payer\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	for _, p := range s.ByPayer {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t\n", tableText(p.Payer), words.Count(p.Lines, "line"), m(p.Amount))
	}
	tw.Flush()
}

// payerTitles maps each payer's name to what the tables' payer column
// shows for it: its title, or its name when it has none.
func payerTitles(s *runtime.Statement) map[string]string {
	titles := map[string]string{}
	for _, p := range s.ByPayer {
		titles[p.Payer] = p.Title
		if p.Title == "" {
			titles[p.Payer] = p.Payer
		}
	}
	return titles
}

// writeLineParts writes, in an explanation, how a line several payers
// share is split, and in a payer's statement that payer's part.
func writeLineParts(w io.Writer, st *runtime.Statement, l runtime.Line, m func(value.Money) string) {
	if len(l.Parts) == 0 {
		return
	}
	var parts []string
	for _, p := range l.Parts {
		parts = append(parts, tableText(p.Payer)+" "+m(p.Amount))
		if p.Payer == st.Payer {
			defer fmt.Fprintf(w, "  payer  %s pays %s of it\n", tableText(p.Payer), m(p.Amount))
		}
	}
	fmt.Fprintf(w, "  split  %s (largest remainder, to the minor unit)\n", strings.Join(parts, ", "))
}
