package forecast

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/occ-lang/occ/compiler/value"
)

// WriteHTML writes the forecast as one self-contained page: inline CSS and
// SVG charts (the distribution of the total, the split by kind, the total
// by period and the sensitivity curve), no external scripts, fonts or
// images, and a content security policy that forbids loading any. A small
// inline script checks, once the page has loaded, that every chart drew
// something, and records the result in the page's data-status attribute
// ("ok" when it did), which tests read from a headless browser.
//
// Chart coordinates are computed in exact decimals from the amounts and
// rounded to a tenth of a pixel, so no amount passes through a float.
func (r *Result) WriteHTML(w io.Writer, opts HTMLOptions) error {
	ew := &errWriter{w: w}
	h := &htmlWriter{r: r, w: ew, sym: currencySymbol(r.Contract.Currency), opts: opts}
	h.page()
	return ew.err
}

// HTMLOptions control the page WriteHTML writes.
type HTMLOptions struct {
	// SweepHint says how to ask for a sweep, in the note a page without
	// one shows: "No sweep was run; " and the hint.
	SweepHint string
	// Date is the date the paper is dated, shown in its footer; nil shows
	// none. It is given, never read from the clock, so the same inputs
	// give the same page.
	Date *value.Date
	// Version is the version of occ that made the forecast, for the
	// footer; "" shows none.
	Version string
}

type htmlWriter struct {
	r    *Result
	w    io.Writer
	sym  string
	opts HTMLOptions
}

func currencySymbol(code string) string {
	switch code {
	case "GBP", "":
		return "£"
	case "EUR":
		return "€"
	case "USD":
		return "$"
	}
	return code + " "
}

var kindColours = map[string]string{
	"payment": "#2b6cb0", "incentive": "#2f855a", "sanction": "#c53030", "share": "#b7791f", "adjustment": "#6b46c1",
}

const pageCSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1a202c; margin: 0; background: #f7fafc; }
main { max-width: 960px; margin: 0 auto; padding: 24px; }
@page { size: A4; margin: 14mm 12mm; }
@media print { body { background: #fff; } main { padding: 0; } section { break-inside: avoid; border: none; padding: 0; } }
#board-summary p { font-size: 15px; margin: 6px 0; }
footer { color: #4a5568; font-size: 12px; border-top: 1px solid #e2e8f0; margin-top: 24px; padding-top: 8px; }
footer code, .hash { font: 11px ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
p.meta { color: #4a5568; margin: 2px 0; }
section { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid #edf2f7; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { color: #4a5568; font-weight: 600; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; fill: #2d3748; }
.note { color: #4a5568; font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
`

// ChartsScript is the script of a page of charts (the forecast's, and
// occ diff's): it records in the root element's data-status whether every
// svg[data-chart] drew something, "ok", "empty: CHARTS" or "error: ...",
// and each chart's data-drawn, so that a headless browser can check the
// page. It contains no less-than sign or ampersand, so the page stays
// well-formed XML.
const ChartsScript = `
(function () {
  var root = document.documentElement;
  window.addEventListener("error", function (e) {
    root.setAttribute("data-status", "error: " + e.message);
  });
  window.addEventListener("load", function () {
    var empty = [];
    document.querySelectorAll("svg[data-chart]").forEach(function (svg) {
      var drawn = 0;
      svg.querySelectorAll("[data-mark]").forEach(function (m) {
        var b = m.getBBox();
        if (b.width + b.height > 0) { drawn++; }
      });
      svg.setAttribute("data-drawn", String(drawn));
      if (drawn === 0) { empty.push(svg.getAttribute("data-chart")); }
    });
    if (root.getAttribute("data-status") === "loading") {
      root.setAttribute("data-status", empty.length ? "empty: " + empty.join(" ") : "ok");
    }
  });
})();
`

func (h *htmlWriter) p(format string, args ...any) { fmt.Fprintf(h.w, format, args...) }

func esc(s string) string { return html.EscapeString(s) }

func (h *htmlWriter) money(d value.Decimal) string {
	s := h.r.money(d)
	if strings.HasPrefix(s, "-") {
		return esc("-" + h.sym + s[1:])
	}
	return esc(h.sym + s)
}

func (h *htmlWriter) page() {
	r := h.r
	c := r.Contract
	h.p("<!DOCTYPE html>\n<html lang=\"en\" data-status=\"loading\">\n<head>\n<meta charset=\"utf-8\"/>\n")
	h.p("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\"/>\n")
	h.p("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
	h.p("<title>Forecast: %s</title>\n<style>%s</style>\n<script>%s</script>\n</head>\n<body>\n<main>\n", esc(c.Title), pageCSS, ChartsScript)
	h.header()
	h.boardSummary()

	h.p("<section id=\"summary\">\n<h2>Total for %s</h2>\n", esc(r.termName()))
	h.statsTable("", append([]KindStats{{Kind: "total", Stats: r.Term.Total}}, r.Term.ByKind...))
	h.p("</section>\n")
	h.payers()

	h.p("<section id=\"distribution\">\n<h2>Distribution of the total</h2>\n")
	h.histogramChart()
	h.p("<p class=\"note\">Each bar counts the runs whose total falls in its range; the dashed lines mark P10, P50 and P90%s.</p>\n</section>\n", h.budgetNote())

	h.p("<section id=\"kinds\">\n<h2>Split by kind</h2>\n")
	h.kindsChart()
	h.p("<p class=\"note\">Bars are the mean of each kind over the runs; whiskers run from P10 to P90.</p>\n</section>\n")

	if len(r.Periods) > 0 {
		h.p("<section id=\"periods\">\n<h2>Total by period</h2>\n")
		h.periodsChart()
		note := "Columns are each period's mean total; whiskers run from P10 to P90"
		if h.r.Budget != nil {
			note += "; the red line across a column is the period's share of the budget"
		}
		if r.Settled > 0 {
			note += "; grey columns are periods already settled, as paid (from the ledger: " + esc(strings.Join(r.SettledPeriods(), ", ")) + "), the same in every run"
		}
		h.p("<p class=\"note\">%s.</p>\n", note)
		var rows []KindStats
		for _, p := range r.Periods {
			name := p.Period
			if r.Settled > 0 {
				name += " (" + p.Basis() + ")"
			}
			rows = append(rows, KindStats{Kind: name, Stats: p.Total})
		}
		h.statsTable("period", rows)
		h.p("</section>\n")
	}
	h.sensitivity()
	h.budget()
	h.chances()
	h.inputs()
	h.notes()
	h.footer()
	h.p("</main>\n</body>\n</html>\n")
}

// header writes the page's title and what was forecast, from what data.
func (h *htmlWriter) header() {
	r := h.r
	c := r.Contract
	h.p("<h1>Forecast: %s</h1>\n", esc(c.Title))
	if c.Commissioner != "" || c.Provider != "" {
		h.p("<p class=\"meta\">%s / %s</p>\n", esc(c.Commissioner), esc(c.Provider))
	}
	var files []string
	for _, f := range r.Source.Files {
		files = append(files, f.Path)
	}
	if r.Source.Kind == "scenario" {
		h.p("<p class=\"meta\">Scenario %s: %d people at the start, %s to %s.</p>\n", esc(strings.Join(files, ", ")), r.Source.People, esc(r.Source.FirstMonth), esc(r.Source.LastMonth))
	} else {
		h.p("<p class=\"meta\">Bootstrap of %s: %d people resampled with replacement, %s to %s.</p>\n", esc(strings.Join(files, ", ")), r.Source.People, esc(r.Source.FirstMonth), esc(r.Source.LastMonth))
	}
	h.p("<p class=\"meta\">%d runs, seed %d; periods %s, settled %s, amounts in %s.</p>\n", r.Runs, r.Seed, esc(r.periodSpan()), esc(c.Settlement), esc(c.Currency))
	if r.Payer != "" {
		title := r.Payer
		if r.PayerTitle != "" {
			title = r.PayerTitle + " (" + r.Payer + ")"
		}
		h.p("<p class=\"meta\">The forecast of %s alone: each amount is this payer's part of the lines.</p>\n", esc(title))
	}
}

// payers writes the section of the totals by payer, for the periods
// reported together and by period, when the forecast has them.
func (h *htmlWriter) payers() {
	r := h.r
	if len(r.Payers) == 0 {
		return
	}
	name := func(p PayerStats) string {
		if p.Title != "" {
			return p.Title + " (" + p.Payer + ")"
		}
		return p.Payer
	}
	h.p("<section id=\"payers\">\n<h2>By payer, %s</h2>\n", esc(r.termName()))
	var rows []KindStats
	for _, p := range r.Term.ByPayer {
		rows = append(rows, KindStats{Kind: name(p), Stats: p.Stats})
	}
	h.statsTable("payer", rows)
	if len(r.Periods) > 1 {
		rows = nil
		for _, pr := range r.Periods {
			for _, p := range pr.ByPayer {
				rows = append(rows, KindStats{Kind: pr.Period + " " + name(p), Stats: p.Stats})
			}
		}
		h.statsTable("period and payer", rows)
	}
	h.p("<p class=\"note\">Each run's lines are split between the payers as the statement splits them, to the penny, so in every run the payers' totals add up to the run's total. A payer's percentiles are of its own totals over the runs, and need not add up to the total's.</p>\n</section>\n")
}

// sensitivity writes the section of the sweep, or a note that there is
// none.
func (h *htmlWriter) sensitivity() {
	r := h.r
	h.p("<section id=\"sensitivity\">\n<h2>Sensitivity</h2>\n")
	if s := r.Sensitivity; s != nil && len(s.Steps) > 0 {
		what := "contract param"
		if s.Kind == "var" {
			what = "scenario var"
		}
		h.p("<p class=\"meta\">How the total for %s moves with %s %s (%d runs a step, the same random numbers at every step).</p>\n", esc(r.termName()), what, esc(s.Name), r.Runs)
		h.sensitivityChart()
		h.p("<table>\n<thead><tr><th>%s</th><th>mean</th><th>P10</th><th>P50</th><th>P90</th></tr></thead>\n<tbody>\n", esc(s.Name))
		for _, st := range s.Steps {
			h.p("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", esc(st.Value), h.money(st.Total.Mean), h.money(st.Total.P10), h.money(st.Total.P50), h.money(st.Total.P90))
		}
		h.p("</tbody>\n</table>\n")
	} else if h.opts.SweepHint != "" {
		h.p("<p class=\"note\">No sweep was run; %s.</p>\n", esc(h.opts.SweepHint))
	} else {
		h.p("<p class=\"note\">No sweep was run.</p>\n")
	}
	h.p("</section>\n")
}

// budget writes the table of the chances that the total exceeds the
// contract's budget, if it has one.
func (h *htmlWriter) budget() {
	b := h.r.Budget
	if b == nil {
		return
	}
	h.p("<section id=\"budget\">\n<h2>Budget</h2>\n<p class=\"meta\">The contract's budget is %s for the term. The chance is the share of runs whose total exceeds it.</p>\n", h.money(b.Amount))
	h.p("<table>\n<thead><tr><th>period</th><th>budget</th><th>chance</th><th>runs</th></tr></thead>\n<tbody>\n")
	for _, p := range append([]BudgetChance{b.Term}, b.ByPeriod...) {
		h.p("<tr><td>%s</td><td>%s</td><td>%s</td><td>%d</td></tr>\n", esc(p.Period), h.money(p.Budget), percent(p.Chance), p.Runs)
	}
	h.p("</tbody>\n</table>\n<p class=\"note\">A period's budget is its share of the term's budget by months (a twelfth a month of a year), rounded to the penny.</p>\n</section>\n")
}

// chances writes the table of the chances of caps binding and standards
// not being met, if the contract has any.
func (h *htmlWriter) chances() {
	r := h.r
	if len(r.Caps)+len(r.Standards) == 0 {
		return
	}
	h.p("<section id=\"chances\">\n<h2>Caps and standards</h2>\n<table>\n<thead><tr><th>rule</th><th>kind</th><th>what</th><th>chance</th><th>highest period</th></tr></thead>\n<tbody>\n")
	for _, list := range [][]Chance{r.Caps, r.Standards} {
		for _, ch := range list {
			what := "binds"
			if ch.Kind == "standard" {
				what = "not met"
			}
			best := ""
			var top value.Decimal
			for _, p := range ch.ByPeriod {
				if p.Runs > 0 && (best == "" || p.Chance.Cmp(top) > 0) {
					best, top = p.Period+" ("+percent(p.Chance)+")", p.Chance
				}
			}
			if best == "" {
				best = "never"
			}
			h.p("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", esc(ch.Rule), esc(ch.Kind), what, percent(ch.Chance), esc(best))
		}
	}
	h.p("</tbody>\n</table>\n<p class=\"note\">The chance is the share of runs in which it happens in at least one period.</p>\n</section>\n")
}

// inputs writes the table of params, as the contract writes them, and
// of the scenario's vars.
func (h *htmlWriter) inputs() {
	r := h.r
	h.p("<section id=\"inputs\">\n<h2>Params</h2>\n<table>\n<thead><tr><th>param</th><th>what</th><th>value</th><th>source</th></tr></thead>\n<tbody>\n")
	for _, p := range r.Params {
		src := "contract"
		if p.Set {
			src = "set for this forecast"
		}
		shown := p.Shown
		if shown == "" {
			shown = p.Value
		}
		h.p("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", esc(p.Name), esc(p.Title), esc(shown), src)
	}
	for _, v := range r.Vars {
		src := "scenario var"
		if v.Set {
			src = "scenario var, set for this forecast"
		}
		h.p("<tr><td>%s</td><td></td><td>%s</td><td>%s</td></tr>\n", esc(v.Name), esc(v.Value.String()), src)
	}
	h.p("</tbody>\n</table>\n</section>\n")
}

func (h *htmlWriter) statsTable(first string, rows []KindStats) {
	h.p("<table>\n<thead><tr><th>%s</th><th>mean</th><th>P10</th><th>P50</th><th>P90</th><th>min</th><th>max</th></tr></thead>\n<tbody>\n", esc(first))
	for _, k := range rows {
		sw := ""
		if col, ok := kindColours[k.Kind]; ok {
			sw = fmt.Sprintf("<span class=\"swatch\" style=\"background:%s\"></span>", col)
		}
		h.p("<tr><td>%s%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", sw, esc(k.Kind),
			h.money(k.Mean), h.money(k.P10), h.money(k.P50), h.money(k.P90), h.money(k.Min), h.money(k.Max))
	}
	h.p("</tbody>\n</table>\n")
}
