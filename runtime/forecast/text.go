package forecast

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/occ-lang/occ/compiler/value"
)

// WriteText writes the terminal summary: the term's and each period's
// statistics, a histogram of the term total, the chance of each cap
// binding and each standard not being met, and the sensitivity sweep.
func (r *Result) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	r.textHeader(ew)
	r.textStats(ew)
	r.textHistogram(ew)
	r.textBudget(ew)
	r.textChances(ew, "Caps and floors: chance of binding", r.Caps)
	r.textChances(ew, "Standards: chance of not being met", r.Standards)
	r.textSensitivity(ew)
	r.textSet(ew)
	fmt.Fprintf(ew, "\nPercentiles: %s.\n", PercentileMethod)
	return ew.err
}

// textHeader writes what was forecast, from what data, and how.
func (r *Result) textHeader(ew io.Writer) {
	c := r.Contract
	fmt.Fprintf(ew, "Forecast: %s\n", c.Title)
	if c.Commissioner != "" || c.Provider != "" {
		fmt.Fprintf(ew, "%s / %s\n", c.Commissioner, c.Provider)
	}
	switch r.Source.Kind {
	case "scenario":
		f := r.Source.Files[0]
		fmt.Fprintf(ew, "Scenario %s (sha256 %s), %d people at the start, %s .. %s\n", f.Path, short(f.SHA256), r.Source.People,
			r.Source.FirstMonth, r.Source.LastMonth)
	default:
		var names []string
		for _, f := range r.Source.Files {
			names = append(names, f.Path)
		}
		fmt.Fprintf(ew, "Bootstrap of %s: %d people resampled with replacement, %s .. %s\n", strings.Join(names, ", "), r.Source.People,
			r.Source.FirstMonth, r.Source.LastMonth)
	}
	fmt.Fprintf(ew, "%d runs, seed %d; periods %s (settled %s, %s)\n", r.Runs, r.Seed, r.periodSpan(), c.Settlement, c.Currency)
	if r.Settled > 0 {
		fmt.Fprintf(ew, "%s: as paid (from the ledger); the rest forecast\n", strings.Join(r.SettledPeriods(), ", "))
	}
	if r.Payer != "" {
		title := ""
		if r.PayerTitle != "" {
			title = " (" + r.PayerTitle + ")"
		}
		fmt.Fprintf(ew, "Payer %s%s: each amount is this payer's part of the lines\n", r.Payer, title)
	}
}

// SettledPeriods names the periods reported that are settled (paid), in
// order.
func (r *Result) SettledPeriods() []string {
	var names []string
	for _, p := range r.Periods {
		if p.Paid != nil {
			names = append(names, p.Period)
		}
	}
	return names
}

// Basis says whether a period reported was paid (settled) or is forecast.
func (p PeriodResult) Basis() string {
	if p.Paid != nil {
		return "paid"
	}
	return "forecast"
}

// textStats writes the statistics of the term, by kind, and of the total
// by period when there are several.
func (r *Result) textStats(ew io.Writer) {
	c := r.Contract
	head := "\tmean\tP10\tP50\tP90\tmin\tmax\t\n"
	row := func(tw io.Writer, name string, s Stats) {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, r.money(s.Mean), r.money(s.P10), r.money(s.P50), r.money(s.P90), r.money(s.Min), r.money(s.Max))
	}
	fmt.Fprintf(ew, "\n%s (%s)\n", r.termTitle(), c.Currency)
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, head)
	row(tw, "total", r.Term.Total)
	for _, k := range r.Term.ByKind {
		row(tw, k.Kind, k.Stats)
	}
	tw.Flush()
	if len(r.Periods) > 1 {
		fmt.Fprintf(ew, "\nTotal by period (%s)\n", c.Currency)
		tw = tabwriter.NewWriter(ew, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, head)
		for _, p := range r.Periods {
			name := p.Period
			if r.Settled > 0 {
				name += " (" + p.Basis() + ")"
			}
			row(tw, name, p.Total)
		}
		tw.Flush()
	}
	r.textPayers(ew, head, row)
}

// textPayers writes the statistics of each payer's total for the term,
// and by period when there are several, if the forecast has totals by
// payer.
func (r *Result) textPayers(ew io.Writer, head string, row func(io.Writer, string, Stats)) {
	if len(r.Payers) == 0 {
		return
	}
	c := r.Contract
	fmt.Fprintf(ew, "\nBy payer, %s (%s)\n", r.termName(), c.Currency)
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, head)
	for _, p := range r.Term.ByPayer {
		row(tw, p.Payer, p.Stats)
	}
	tw.Flush()
	if len(r.Periods) > 1 {
		fmt.Fprintf(ew, "\nBy payer and period (%s)\n", c.Currency)
		tw = tabwriter.NewWriter(ew, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "\t"+head)
		for _, p := range r.Periods {
			for _, b := range p.ByPayer {
				row(tw, p.Period+"\t"+b.Payer, b.Stats)
			}
		}
		tw.Flush()
	}
	fmt.Fprintln(ew, "  Each run's lines are split between the payers as occ eval splits them: in every run the payers'")
	fmt.Fprintln(ew, "  totals add up to the run's total. A payer's percentiles are of its own totals over the runs.")
}

// textHistogram draws the distribution of the term total in bars.
func (r *Result) textHistogram(ew io.Writer) {
	if len(r.Histogram) == 0 {
		return
	}
	fmt.Fprintf(ew, "\nDistribution of the total for %s (%d runs)\n", r.termName(), r.Runs)
	most := 0
	for _, b := range r.Histogram {
		most = max(most, b.Count)
	}
	tw := tabwriter.NewWriter(ew, 0, 4, 1, ' ', 0)
	for _, b := range r.Histogram {
		bar := strings.Repeat("█", (b.Count*40+most-1)/most)
		if b.Count == 0 {
			bar = ""
		}
		fmt.Fprintf(tw, "  %s\t– %s\t%s %d\n", r.money(b.From), r.money(b.To), bar, b.Count)
	}
	tw.Flush()
	fmt.Fprintf(ew, "  P10 %s   P50 %s   P90 %s\n", r.money(r.Term.Total.P10), r.money(r.Term.Total.P50), r.money(r.Term.Total.P90))
}

// textBudget writes the chance that the total exceeds the contract's
// budget, for the periods reported together and for each, if the contract
// has a budget.
func (r *Result) textBudget(ew io.Writer) {
	b := r.Budget
	if b == nil {
		return
	}
	fmt.Fprintf(ew, "\nBudget %s %s for the term: chance the total exceeds it\n", r.Contract.Currency, r.money(b.Amount))
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\tbudget\tchance\truns\t\n")
	rows := b.ByPeriod
	if len(rows) > 1 {
		rows = append([]BudgetChance{b.Term}, rows...)
	}
	for _, p := range rows {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t\n", p.Period, r.money(p.Budget), percent(p.Chance), p.Runs)
	}
	tw.Flush()
	if len(b.ByPeriod) > 1 || b.Term.Period != "term" {
		fmt.Fprintln(ew, "  A period's budget is its share of the term's by months.")
	}
}

// textChances writes the chances of caps binding or standards not being
// met, under title, with each period's when there are several.
func (r *Result) textChances(ew io.Writer, title string, cs []Chance) {
	if len(cs) == 0 {
		return
	}
	fmt.Fprintf(ew, "\n%s\n", title)
	for _, ch := range cs {
		fmt.Fprintf(ew, "  %s (%s): %s of runs, in at least one period\n", ch.Rule, ch.Kind, percent(ch.Chance))
		if len(ch.ByPeriod) > 1 {
			var parts []string
			for _, p := range ch.ByPeriod {
				parts = append(parts, fmt.Sprintf("%s %s", p.Period, percent(p.Chance)))
			}
			for i := 0; i < len(parts); i += 6 {
				fmt.Fprintf(ew, "    %s\n", strings.Join(parts[i:min(i+6, len(parts))], ", "))
			}
		}
	}
}

// textSensitivity writes the term total at each step of the sweep, if
// there is one.
func (r *Result) textSensitivity(ew io.Writer) {
	s := r.Sensitivity
	if s == nil {
		return
	}
	what := "contract param"
	if s.Kind == "var" {
		what = "scenario var"
	}
	fmt.Fprintf(ew, "\nSensitivity of the total for %s to %s (%s), %d runs a step\n", r.termName(), s.Name, what, r.Runs)
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  %s\tmean\tP10\tP50\tP90\t\n", s.Name)
	for _, st := range s.Steps {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t\n", st.Value, r.money(st.Total.Mean), r.money(st.Total.P10), r.money(st.Total.P50), r.money(st.Total.P90))
	}
	tw.Flush()
}

// textSet lists the params and vars given other values than the
// contract's and the scenario's.
func (r *Result) textSet(ew io.Writer) {
	var set []string
	for _, p := range r.Params {
		if p.Set {
			set = append(set, p.Name+"="+p.Value)
		}
	}
	for _, v := range r.Vars {
		if v.Set {
			set = append(set, v.Name+"="+v.Value.String())
		}
	}
	if len(set) > 0 {
		fmt.Fprintf(ew, "\nSet: %s\n", strings.Join(set, ", "))
	}
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// money formats an amount with thousands separators: -1,234.50.
func (r *Result) money(d value.Decimal) string { return value.MoneyOf(d).Grouped(r.Places) }

// percent renders a chance (0..1) as a percentage with one place.
func percent(d value.Decimal) string {
	x, _ := d.Mul(value.DecimalFromInt(100))
	return value.Round(x, 1, value.HalfUp).String() + "%"
}

// periodSpan names the periods reported: 2026-04 .. 2027-03.
func (r *Result) periodSpan() string {
	if len(r.Periods) == 0 {
		return r.Term.Period
	}
	first, last := r.Periods[0].Period, r.Periods[len(r.Periods)-1].Period
	if first == last {
		return first
	}
	return first + " .. " + last
}

// termName is how the text calls the periods reported as a whole.
func (r *Result) termName() string {
	if r.Term.Period == "term" {
		return "the term"
	}
	return r.periodSpan()
}

func (r *Result) termTitle() string {
	if r.Term.Period == "term" {
		return "Whole term"
	}
	return "Periods " + r.periodSpan()
}
