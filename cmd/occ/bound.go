package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"cel.dev/cel-go/common/types/ref"
	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/bound"
)

// boundParams are the inputs of occ bound.
type boundParams struct {
	spec        string
	period      string
	set         []string
	maxRecords  []string
	format      string
	strict      bool
	diagnostics string
}

func newBoundCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &boundParams{}
	cmd := &cobra.Command{
		Use:   "bound SPEC",
		Short: "Show the most and least a contract can pay, with no data",
		Long: `Bound works out, from the contract alone, the most and the least each rule
and the whole contract can pay per settlement period and over the term: from
the data fields' declared ranges, the lists' maximum sizes, the params (with
--set) and the caps and floors. Each bound names the inputs that reach it,
and the header's budget is compared with the most over the term. A rule with
no finite bound is named with the reason; the contract declares no maximum
number of records in a period, so give one with --max-records to bound rules
per record. The bounds are sound: no evaluation on valid data goes beyond
them. A contract several payers share also gets each payer's bounds: its
parts of each rule's lines and of the total, with the split in force in
each period (docs/bound.md#by-payer). Exit 0; with --strict, 1 when some
rule has no finite bound.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.spec = args[0]
			return runBound(p, stdout, stderr)
		},
	}
	cmd.Flags().StringVar(&p.period, "period", "", "report per period only for this period or range (2026-05, 2026-Q1, 2026/27, term, FROM..TO)")
	cmd.Flags().StringArrayVar(&p.set, "set", nil, "override a param: NAME=VALUE (repeatable)")
	cmd.Flags().StringArrayVar(&p.maxRecords, "max-records", nil, "assume at most N records of a data in any settlement period: NAME=N (repeatable)")
	cmd.Flags().StringVar(&p.format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&p.strict, "strict", false, "exit 1 when some rule has no finite bound")
	addDiagnosticsFlag(cmd, &p.diagnostics)
	return cmd
}

func runBound(p *boundParams, stdout, stderr io.Writer) error {
	if p.format != "text" && p.format != "json" {
		return usageError("unknown format %q: use text or json", p.format)
	}
	diagFormat, err := diagnosticsFormat(p.diagnostics, "")
	if err != nil {
		return err
	}
	c, _, err := compileSpec(p.spec, stderr, diagFormat)
	if err != nil {
		return err
	}
	opt := bound.Options{Params: map[string]ref.Val{}, MaxRecords: map[string]int64{}}
	sets, err := parseSet(p.set)
	if err != nil {
		return err
	}
	for _, s := range sets {
		v, err := c.ParseParam(s.name, s.value)
		if err != nil {
			return usageError("%v", err)
		}
		opt.Params[s.name] = v
	}
	for _, kv := range p.maxRecords {
		name, n, ok := strings.Cut(kv, "=")
		name = strings.TrimSpace(name)
		count, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		if !ok || err != nil || count < 0 {
			return usageError("--max-records %q: write NAME=N, N a whole number of records", kv)
		}
		if s := c.Schema(name); s == nil || s.Parent != nil {
			return usageError("--max-records %q: the contract has no top-level data %q", kv, name)
		}
		opt.MaxRecords[name] = count
	}
	if p.period != "" {
		per, err := c.Calendar().Parse(p.period)
		if err != nil {
			return usageError("%v", err)
		}
		opt.First, opt.Last, err = c.Calendar().Settle(per)
		if err != nil {
			return usageError("%v", err)
		}
		opt.Some = true
	}
	rep, err := bound.Analyze(c, opt)
	if err != nil {
		return usageError("%v", err)
	}
	if p.format == "json" {
		b, _ := json.MarshalIndent(boundJSON(rep, opt), "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		writeBoundText(stdout, rep, opt)
	}
	if p.strict && len(rep.Unbounded()) > 0 {
		return findings
	}
	return nil
}

// amountText writes an extreme as an amount, or "no bound".
func amountText(rep *bound.Report, x bound.Extreme) string {
	if !x.Finite {
		return "no bound"
	}
	return rep.Amount(&x.Amount)
}

// scopeText says how a rule's lines arise: "for each review", "per month".
func scopeText(r *compiler.Rule) string {
	if r.Scope.Kind == compiler.RecordScope {
		return "for each " + r.Scope.Schema.Name
	}
	return r.Scope.String()
}

func writeBoundText(w io.Writer, rep *bound.Report, opt bound.Options) {
	c := rep.Contract
	fmt.Fprintf(w, "%s\n", c.Title)
	if len(rep.Periods) == 1 {
		fmt.Fprintf(w, "Settled %s; the bounds a period are for %s.\n", c.Settlement.SettlementWord(), rep.Periods[0])
	} else {
		fmt.Fprintf(w, "Settled %s, %s from %s to %s.\n", c.Settlement.SettlementWord(), plural(len(rep.Periods), "period"), rep.Periods[0], rep.Periods[len(rep.Periods)-1])
	}
	writeAssumptions(w, c, opt)
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "rule\tkind\tscope\tleast a period\tmost a period\tleast over the term\tmost over the term")
	for _, rb := range rep.Rules {
		r := rb.Rule
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Kind, scopeText(r),
			amountText(rep, rb.PerPeriod.Least), amountText(rep, rb.PerPeriod.Most),
			amountText(rep, rb.Term.Least), amountText(rep, rb.Term.Most))
	}
	fmt.Fprintf(tw, "total\t\t\t%s\t%s\t%s\t%s\n", amountText(rep, rep.PerPeriod.Least), amountText(rep, rep.PerPeriod.Most),
		amountText(rep, rep.Term.Least), amountText(rep, rep.Term.Most))
	tw.Flush()
	var each []bound.RuleBound
	for _, rb := range rep.Rules {
		if rb.Each != nil {
			each = append(each, rb)
		}
	}
	if len(each) > 0 {
		fmt.Fprintln(w, "\nOne line:")
		for _, rb := range each {
			fmt.Fprintf(w, "  %s, %s: %s to %s%s\n", rb.Rule.Name, scopeText(rb.Rule), amountText(rep, rb.Each.Least),
				amountText(rep, rb.Each.Most), reachedBy(rb.Each.Most))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "The most a period: %s%s\n", amountText(rep, rep.PerPeriod.Most), reachText(rep.PerPeriod.Most))
	fmt.Fprintf(w, "The least a period: %s%s\n", amountText(rep, rep.PerPeriod.Least), reachText(rep.PerPeriod.Least))
	fmt.Fprintf(w, "The most over the term: %s%s\n", amountText(rep, rep.Term.Most), reachText(rep.Term.Most))
	fmt.Fprintf(w, "The least over the term: %s%s\n", amountText(rep, rep.Term.Least), reachText(rep.Term.Least))
	if c.Budget != nil {
		fmt.Fprintf(w, "Budget %s: %s\n", rep.Amount(c.Budget.Decimal().Apd()), budgetText(rep, c))
	}
	writeBoundPayers(w, rep)
	if un := rep.Unbounded(); len(un) > 0 {
		fmt.Fprintln(w, "\nNo finite bound:")
		records := false
		for _, rb := range un {
			text := unboundedText(rb)
			records = records || strings.Contains(text, "has no declared maximum")
			fmt.Fprintf(w, "  %s: %s\n", rb.Rule.Name, text)
		}
		if records {
			fmt.Fprintln(w, "Give the most records a period can hold with --max-records NAME=N to bound the rules per record.")
		}
	}
}

// writeAssumptions lists the assumed maximum records, or says none is.
func writeAssumptions(w io.Writer, c *compiler.Contract, opt bound.Options) {
	var parts []string
	for _, s := range c.TopSchemas() {
		if n, ok := opt.MaxRecords[s.Name]; ok {
			parts = append(parts, fmt.Sprintf("at most %d %s records in a period", n, s.Name))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "Assumed: %s.\n", strings.Join(parts, "; "))
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// reachedBy writes the inputs that reach a finite extreme, in brackets.
func reachedBy(x bound.Extreme) string {
	if !x.Finite || len(x.Why) == 0 {
		return ""
	}
	return " (" + strings.Join(x.Why, ", ") + ")"
}

// reachText says where an extreme is reached, or why there is none.
func reachText(x bound.Extreme) string {
	var parts []string
	if x.Period != "" && x.Finite {
		parts = append(parts, "in "+x.Period)
	}
	if len(x.Why) > 0 {
		if x.Finite {
			parts = append(parts, "with "+strings.Join(x.Why, ", "))
		} else {
			parts = append(parts, strings.Join(x.Why, "; "))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	if !x.Finite {
		return ": " + strings.Join(parts, ", ")
	}
	return ", " + strings.Join(parts, ", ")
}

// budgetText says whether the most over the term can exceed the budget.
func budgetText(rep *bound.Report, c *compiler.Contract) string {
	most := rep.Term.Most
	if !most.Finite {
		return "the most over the term has no bound, so it may exceed the budget"
	}
	if most.Amount.Cmp(c.Budget.Decimal().Apd()) > 0 {
		return "the most over the term can exceed it"
	}
	return "the most over the term cannot exceed it"
}

// unboundedText says which of a rule's bounds are missing and why.
func unboundedText(rb bound.RuleBound) string {
	var parts []string
	seen := map[string]bool{}
	add := func(what string, x bound.Extreme) {
		if x.Finite {
			return
		}
		why := strings.Join(x.Why, "; ")
		if seen[why] {
			return
		}
		seen[why] = true
		parts = append(parts, fmt.Sprintf("the %s has no bound: %s", what, why))
	}
	add("most", rb.PerPeriod.Most)
	add("most", rb.Term.Most)
	add("least", rb.PerPeriod.Least)
	add("least", rb.Term.Least)
	return strings.Join(parts, "; ")
}

// The JSON form of occ bound.

type extremeJSON struct {
	Amount *string `json:"amount"`
	Period string  `json:"period,omitempty"`
	// ReachedBy are the inputs that reach a finite amount; Unbounded the
	// reasons there is none.
	ReachedBy []string `json:"reached_by,omitempty"`
	Unbounded []string `json:"unbounded_because,omitempty"`
}

type boundRangeJSON struct {
	Least extremeJSON `json:"least"`
	Most  extremeJSON `json:"most"`
}

type ruleBoundJSON struct {
	Rule      string          `json:"rule"`
	Kind      string          `json:"kind"`
	Scope     string          `json:"scope"`
	Line      *boundRangeJSON `json:"line,omitempty"`
	PerPeriod boundRangeJSON  `json:"per_period"`
	Term      boundRangeJSON  `json:"term"`
}

type boundReportJSON struct {
	Contract   string           `json:"contract"`
	Settlement string           `json:"settlement"`
	Periods    []string         `json:"periods"`
	MaxRecords map[string]int64 `json:"max_records"`
	Rules      []ruleBoundJSON  `json:"rules"`
	Total      struct {
		PerPeriod boundRangeJSON `json:"per_period"`
		Term      boundRangeJSON `json:"term"`
	} `json:"total"`
	Budget *struct {
		Amount    string `json:"amount"`
		MayExceed bool   `json:"may_exceed"`
	} `json:"budget,omitempty"`
	Unbounded []string `json:"unbounded_rules"`
	// Payers, for a contract several payers share, are each payer's
	// bounds; SplitBounded says how a split that changes by date was
	// bounded.
	// SharedLimits are the caps and floors that limit every payer's
	// parts together, which no one payer's bound is held to.
	Payers       []payerBoundJSON `json:"payers,omitempty"`
	SplitBounded string           `json:"split_bounded,omitempty"`
	SharedLimits []string         `json:"shared_limits,omitempty"`
}

func extremeOut(x bound.Extreme) extremeJSON {
	if !x.Finite {
		return extremeJSON{Unbounded: x.Why}
	}
	s := x.Amount.Text('f')
	return extremeJSON{Amount: &s, Period: x.Period, ReachedBy: x.Why}
}

func rangeOut(b bound.Bound) boundRangeJSON {
	return boundRangeJSON{Least: extremeOut(b.Least), Most: extremeOut(b.Most)}
}

func boundJSON(rep *bound.Report, opt bound.Options) boundReportJSON {
	c := rep.Contract
	out := boundReportJSON{Contract: c.Title, Settlement: c.Settlement.SettlementWord(), Periods: rep.Periods,
		MaxRecords: opt.MaxRecords, Rules: []ruleBoundJSON{}, Unbounded: []string{}}
	for _, rb := range rep.Rules {
		j := ruleBoundJSON{Rule: rb.Rule.Name, Kind: string(rb.Rule.Kind), Scope: scopeText(rb.Rule),
			PerPeriod: rangeOut(rb.PerPeriod), Term: rangeOut(rb.Term)}
		if rb.Each != nil {
			r := rangeOut(*rb.Each)
			j.Line = &r
		}
		out.Rules = append(out.Rules, j)
	}
	out.Total.PerPeriod, out.Total.Term = rangeOut(rep.PerPeriod), rangeOut(rep.Term)
	if c.Budget != nil {
		out.Budget = &struct {
			Amount    string `json:"amount"`
			MayExceed bool   `json:"may_exceed"`
		}{Amount: c.Budget.Decimal().StringFixed(c.MinorUnits)}
		out.Budget.MayExceed = !rep.Term.Most.Finite || rep.Term.Most.Amount.Cmp(c.Budget.Decimal().Apd()) > 0
	}
	for _, rb := range rep.Unbounded() {
		out.Unbounded = append(out.Unbounded, rb.Rule.Name)
	}
	out.Payers = payersJSON(rep)
	if len(out.Payers) > 0 {
		out.SplitBounded = strings.ReplaceAll(splitNote(c), "\n", " ")
		out.SharedLimits = sharedLimits(c)
	}
	return out
}
