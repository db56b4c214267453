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
	"github.com/occ-lang/occ/runtime/ledger"
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
	}
	fmt.Fprintf(w, "  split  %s (largest remainder, to the minor unit)\n", strings.Join(parts, ", "))
	for _, p := range l.Parts {
		if p.Payer == st.Payer {
			fmt.Fprintf(w, "  payer  %s pays %s of it\n", tableText(p.Payer), m(p.Amount))
		}
	}
}

// jsonDue is what a settlement makes due to one payer, in the schedule's
// JSON.
type jsonDue struct {
	Payer string `json:"payer"`
	Due   string `json:"due"`
}

// linePayers returns the parts of a settled line by payer, each named as
// the schedule's payer column shows it: one part, the commissioner's,
// under a contract with one payer (or none compiled, c nil); under
// several, each payer's part (runtime.SplitLine), named by its title.
func linePayers(v *ledger.ContractVersion, c *compiler.Contract, l ledger.Line) []runtime.PayerPart {
	one := []runtime.PayerPart{{Payer: v.Commissioner, Amount: l.Amount}}
	if c == nil {
		return one
	}
	if len(c.Payers) == 1 {
		if p := c.Payers[0]; p.Name != compiler.CommissionerPayer {
			one[0].Payer = payerTitle(p)
		}
		return one
	}
	parts := runtime.SplitLine(c, l.Rule, l.Period, l.Amount)
	if len(parts) == 0 {
		return one
	}
	for i := range parts {
		parts[i].Payer = payerTitle(c.PayerNamed(parts[i].Payer))
	}
	return parts
}

// payerTitle is a payer's title, or its name when it has none.
func payerTitle(p *compiler.Payer) string {
	if p.Title != "" {
		return p.Title
	}
	return p.Name
}

// dueByPayer returns what a settlement makes due to each payer: the sum
// of its parts of the lines due (not those held), in the order the
// contract declares its payers. Under one payer it is one sum, the
// settlement's total.
func dueByPayer(v *ledger.ContractVersion, c *compiler.Contract, e *ledger.Entry) []runtime.PayerPart {
	var out []runtime.PayerPart
	at := map[string]int{}
	if c != nil && len(c.Payers) > 1 {
		for _, p := range c.Payers {
			at[payerTitle(p)] = len(out)
			out = append(out, runtime.PayerPart{Payer: payerTitle(p), Amount: value.MoneyOf(value.DecimalFromInt(0))})
		}
	}
	for _, l := range e.Lines {
		if l.Status != ledger.StatusDue {
			continue
		}
		for _, pt := range linePayers(v, c, l) {
			i, ok := at[pt.Payer]
			if !ok {
				at[pt.Payer] = len(out)
				i = len(out)
				out = append(out, runtime.PayerPart{Payer: pt.Payer, Amount: value.MoneyOf(value.DecimalFromInt(0))})
			}
			out[i].Amount, _ = out[i].Amount.Add(pt.Amount)
		}
	}
	return out
}
