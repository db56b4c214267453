package forecast

import (
	"fmt"
	"strings"

	"github.com/occ-lang/occ/compiler/prose"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
)

// boardSummary writes the paper's opening in words: the expected total,
// the 80% range, the chance of exceeding the budget, and how often each
// cap binds and each standard is missed.
func (h *htmlWriter) boardSummary() {
	r := h.r
	t := r.Term.Total
	h.p("<section id=\"board-summary\">\n<h2>Summary</h2>\n")
	h.p("<p data-summary=\"expected\">Over %s the contract is expected to pay <strong>%s</strong>, the average of %s simulated runs.</p>\n",
		esc(r.termName()), h.money(t.Mean), words.Number(r.Runs))
	h.p("<p data-summary=\"range\">In 8 runs out of 10 the total lies between <strong>%s</strong> and <strong>%s</strong> (the 80%% range, P10 to P90); the median run (P50) pays %s.</p>\n",
		h.money(t.P10), h.money(t.P90), h.money(t.P50))
	if r.Settled > 0 {
		paid := h.r.paidSoFar()
		h.p("<p data-summary=\"paid\">Of this, <strong>%s</strong> has been paid for the %s settled (%s, from the settlement ledger), the same in every run; the rest is forecast.</p>\n",
			h.money(paid), words.Count(r.Settled, "period"), esc(strings.Join(r.SettledPeriods(), ", ")))
	}
	if b := r.Budget; b != nil {
		h.p("<p data-summary=\"budget\">The budget for %s is %s: the total exceeds it in <strong>%s</strong> of runs (%s of %s).</p>\n",
			esc(r.termName()), h.money(b.Term.Budget), percent(b.Term.Chance), words.Number(b.Term.Runs), words.Number(r.Runs))
	} else {
		h.p("<p data-summary=\"budget\">The contract's header sets no budget, so no chance of exceeding one is given.</p>\n")
	}
	for _, list := range []struct {
		chances []Chance
		what    string
	}{{r.Caps, "binds"}, {r.Standards, "is not met"}} {
		for _, ch := range list.chances {
			name := ch.Rule
			if ch.Title != "" {
				name = ch.Title
			}
			kind := ch.Kind
			if kind == "standard" {
				kind = "The standard"
			} else {
				kind = "The " + kind
			}
			if ch.Runs == 0 {
				h.p("<p data-summary=\"%s\">%s “%s” never %s in these runs.</p>\n", esc(ch.Kind), kind, esc(name), strings.TrimPrefix(list.what, "is "))
				continue
			}
			h.p("<p data-summary=\"%s\">%s “%s” %s in %s of runs (%s of %s)%s.</p>\n", esc(ch.Kind), kind, esc(name), list.what,
				percent(ch.Chance), words.Number(ch.Runs), words.Number(r.Runs), esc(mostOften(ch)))
		}
	}
	h.p("</section>\n")
}

// mostOften names the period in which a cap binds (or a standard is
// missed) in the most runs: ", most often in 2026-05 (40.0% of runs)".
func mostOften(ch Chance) string {
	best := -1
	for i, p := range ch.ByPeriod {
		if p.Runs > 0 && (best < 0 || p.Chance.Cmp(ch.ByPeriod[best].Chance) > 0) {
			best = i
		}
	}
	if best < 0 || len(ch.ByPeriod) < 2 {
		return ""
	}
	p := ch.ByPeriod[best]
	return fmt.Sprintf(", most often in %s (%s of runs)", p.Period, percent(p.Chance))
}

// budgetNote adds the budget's line to a chart's note, when there is one.
func (h *htmlWriter) budgetNote() string {
	b := h.r.Budget
	if b == nil {
		return ""
	}
	if bins := h.r.Histogram; len(bins) > 0 && b.Term.Budget.Cmp(bins[len(bins)-1].To) > 0 {
		return "; the budget, " + h.money(b.Term.Budget) + ", is above every run's total"
	}
	if bins := h.r.Histogram; len(bins) > 0 && b.Term.Budget.Cmp(bins[0].From) < 0 {
		return "; the budget, " + h.money(b.Term.Budget) + ", is below every run's total"
	}
	return "; the solid red line marks the budget"
}

// notes writes how the figures are computed: the percentile method, and
// how a period's budget is found.
func (h *htmlWriter) notes() {
	h.p("<section id=\"notes\">\n<h2>Notes</h2>\n<p class=\"note\">Each run is one simulated cohort evaluated by the same evaluator as occ eval; a chance is the share of runs in which something happens in at least one period.</p>\n")
	h.p("<p class=\"note\">Percentiles: %s.</p>\n", esc(PercentileMethod))
	if h.r.Budget != nil {
		h.p("<p class=\"note\">A period's budget is its share of the term's budget by months (a twelfth a month of a year), rounded to the penny.</p>\n")
	}
	h.p("</section>\n")
}

// footer writes the date the paper is dated (if given), the version of
// occ, the seed and the hashes of the inputs.
func (h *htmlWriter) footer() {
	r := h.r
	var parts []string
	if h.opts.Date != nil {
		parts = append(parts, "Dated "+prose.Date(*h.opts.Date)+".")
	}
	if h.opts.Version != "" {
		parts = append(parts, "Made by occ "+esc(h.opts.Version)+".")
	}
	parts = append(parts, fmt.Sprintf("%s runs, seed %d.", words.Number(r.Runs), r.Seed))
	h.p("<footer id=\"footer\">\n<p>%s</p>\n<p>Contract sha256 <code>%s</code></p>\n", strings.Join(parts, " "), esc(r.Contract.SpecSHA256))
	for _, f := range r.Source.Files {
		h.p("<p>%s sha256 <code>%s</code></p>\n", esc(f.Path), esc(f.SHA256))
	}
	h.p("</footer>\n")
}

// paidSoFar is what the settled periods reported paid together.
func (r *Result) paidSoFar() value.Decimal {
	sum := value.DecimalFromInt(0)
	for _, p := range r.Periods {
		if p.Paid != nil {
			sum, _ = sum.Add(p.Paid.Total)
		}
	}
	return sum
}
