package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/bound"
	"github.com/occ-lang/occ/compiler/prose"
	"github.com/occ-lang/occ/lang"
)

// The bounds by payer of occ bound, for a contract several payers share.

// writeBoundPayers writes each payer's bounds: its parts of each rule's
// lines and of the total, and how a split that changes by date was
// bounded.
func writeBoundPayers(w io.Writer, rep *bound.Report) {
	if len(rep.Payers) == 0 {
		return
	}
	fmt.Fprintln(w, "\nBy payer: each payer's parts of the lines and adjustments (a part is within a minor unit of its share)")
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "payer\trule\tleast a period\tmost a period\tleast over the term\tmost over the term")
	for _, pb := range rep.Payers {
		for _, rb := range pb.Rules {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", pb.Payer.Name, rb.Rule.Name,
				amountText(rep, rb.PerPeriod.Least), amountText(rep, rb.PerPeriod.Most),
				amountText(rep, rb.Term.Least), amountText(rep, rb.Term.Most))
		}
		fmt.Fprintf(tw, "%s\ttotal\t%s\t%s\t%s\t%s\n", pb.Payer.Name,
			amountText(rep, pb.PerPeriod.Least), amountText(rep, pb.PerPeriod.Most),
			amountText(rep, pb.Term.Least), amountText(rep, pb.Term.Most))
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, pb := range rep.Payers {
		fmt.Fprintf(w, "%s: the most a period %s%s, over the term %s\n", payerTitle(pb.Payer), amountText(rep, pb.PerPeriod.Most),
			periodText(pb.PerPeriod.Most), amountText(rep, pb.Term.Most))
	}
	if note := splitNote(rep.Contract); note != "" {
		fmt.Fprintln(w, note)
	}
	if names := sharedLimits(rep.Contract); len(names) > 0 {
		fmt.Fprintf(w, "%s limit every payer's parts together, not each payer's: a payer's bound is its share of what\n"+
			"they allow, within a minor unit for each line they cover, where those lines are split alike; so it needs\n"+
			"the most records a period can hold (--max-records).\n", strings.Join(names, ", "))
	}
}

// sharedLimits names the caps and floors of a contract several payers
// share that limit every payer's parts together.
func sharedLimits(c *compiler.Contract) []string {
	var out []string
	for _, r := range c.Rules {
		if (r.Kind == lang.Cap || r.Kind == lang.Floor) && r.Payer == nil {
			out = append(out, r.Name)
		}
	}
	return out
}

// periodText names, in brackets, the period an extreme is reached in.
func periodText(x bound.Extreme) string {
	if !x.Finite || x.Period == "" {
		return ""
	}
	return " (in " + x.Period + ")"
}

// splitNote says how a contract's split that changes by date was
// bounded, or "" when its split is fixed.
func splitNote(c *compiler.Contract) string {
	if len(c.Splits) < 2 {
		return ""
	}
	var from []string
	for _, s := range c.Splits[1:] {
		from = append(from, s.From.String())
	}
	var most, least []string
	for _, p := range c.Payers {
		lo, hi := c.Splits[0].Shares[p.Index], c.Splits[0].Shares[p.Index]
		for _, s := range c.Splits[1:] {
			if x := s.Shares[p.Index]; x.Cmp(lo) < 0 {
				lo = x
			} else if x.Cmp(hi) > 0 {
				hi = x
			}
		}
		most = append(most, p.Name+" "+prose.Percent(hi))
		least = append(least, p.Name+" "+prose.Percent(lo))
	}
	return fmt.Sprintf("The split changes from %s. A period is bounded with the split in force on its first day.\n"+
		"Over several periods a payer's most takes its largest share among them (%s),\n"+
		"its least its smallest (%s), and the term's bound is no wider than the sum of its periods'.\n"+
		"A rule's own split holds for the whole term.",
		strings.Join(from, ", "), strings.Join(most, ", "), strings.Join(least, ", "))
}

// payerBoundJSON is one payer's bounds in occ bound's JSON.
type payerBoundJSON struct {
	Payer string `json:"payer"`
	Title string `json:"title"`
	// Rules are the payer's parts of each rule's lines (a cap's or
	// floor's adjustments), in the order of the report's rules.
	Rules []payerRuleJSON `json:"rules"`
	Total struct {
		PerPeriod boundRangeJSON `json:"per_period"`
		Term      boundRangeJSON `json:"term"`
	} `json:"total"`
}

type payerRuleJSON struct {
	Rule      string         `json:"rule"`
	PerPeriod boundRangeJSON `json:"per_period"`
	Term      boundRangeJSON `json:"term"`
}

// payersJSON returns each payer's bounds, or nil under one payer.
func payersJSON(rep *bound.Report) []payerBoundJSON {
	var out []payerBoundJSON
	for _, pb := range rep.Payers {
		j := payerBoundJSON{Payer: pb.Payer.Name, Title: pb.Payer.Title, Rules: []payerRuleJSON{}}
		for _, rb := range pb.Rules {
			j.Rules = append(j.Rules, payerRuleJSON{Rule: rb.Rule.Name, PerPeriod: rangeOut(rb.PerPeriod), Term: rangeOut(rb.Term)})
		}
		j.Total.PerPeriod, j.Total.Term = rangeOut(pb.PerPeriod), rangeOut(pb.Term)
		out = append(out, j)
	}
	return out
}
