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

// pageScript records in data-status whether every chart drew something.
// It contains no less-than sign or ampersand, so the page stays
// well-formed XML.
const pageScript = `
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
	h.p("<title>Forecast: %s</title>\n<style>%s</style>\n<script>%s</script>\n</head>\n<body>\n<main>\n", esc(c.Title), pageCSS, pageScript)
	h.header()

	h.p("<section id=\"summary\">\n<h2>Total for %s</h2>\n", esc(r.termName()))
	h.statsTable("", append([]KindStats{{Kind: "total", Stats: r.Term.Total}}, r.Term.ByKind...))
	h.p("</section>\n")

	h.p("<section id=\"distribution\">\n<h2>Distribution of the total</h2>\n")
	h.histogramChart()
	h.p("<p class=\"note\">Each bar counts the runs whose total falls in its range; the lines mark P10, P50 and P90.</p>\n</section>\n")

	h.p("<section id=\"kinds\">\n<h2>Split by kind</h2>\n")
	h.kindsChart()
	h.p("<p class=\"note\">Bars are the mean of each kind over the runs; whiskers run from P10 to P90.</p>\n</section>\n")

	if len(r.Periods) > 0 {
		h.p("<section id=\"periods\">\n<h2>Total by period</h2>\n")
		h.periodsChart()
		var rows []KindStats
		for _, p := range r.Periods {
			rows = append(rows, KindStats{Kind: p.Period, Stats: p.Total})
		}
		h.statsTable("period", rows)
		h.p("</section>\n")
	}
	h.sensitivity()
	h.budget()
	h.chances()
	h.inputs()
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

// inputs writes the table of params and vars, and the method.
func (h *htmlWriter) inputs() {
	r := h.r
	c := r.Contract
	h.p("<section id=\"inputs\">\n<h2>Params and method</h2>\n<table>\n<thead><tr><th>name</th><th>value</th><th>source</th></tr></thead>\n<tbody>\n")
	for _, p := range r.Params {
		src := "contract"
		if p.Set {
			src = "set"
		}
		h.p("<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", esc(p.Name), esc(p.Value), src)
	}
	for _, v := range r.Vars {
		src := "scenario var"
		if v.Set {
			src = "scenario var, set"
		}
		h.p("<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", esc(v.Name), esc(v.Value.String()), src)
	}
	h.p("</tbody>\n</table>\n<p class=\"note\">Percentiles: %s. Contract sha256 %s.</p>\n</section>\n", esc(PercentileMethod), esc(c.SpecSHA256))
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

// axis maps amounts in [lo, hi] to pixels in [p0, p1], exactly.
type axis struct {
	lo, hi value.Decimal
	p0, p1 int64
}

func newAxis(lo, hi value.Decimal, p0, p1 int64) axis {
	if lo.Cmp(hi) == 0 {
		one := value.DecimalFromInt(1)
		lo, _ = lo.Sub(one)
		hi, _ = hi.Add(one)
	}
	return axis{lo: lo, hi: hi, p0: p0, p1: p1}
}

func (a axis) at(x value.Decimal) value.Decimal {
	num, _ := x.Sub(a.lo)
	num, _ = num.Mul(value.DecimalFromInt(a.p1 - a.p0))
	span, _ := a.hi.Sub(a.lo)
	q, _ := num.Quo(span)
	q, _ = q.Add(value.DecimalFromInt(a.p0))
	return value.Round(q, 1, value.HalfUp)
}

func px(d value.Decimal) string { return trimZeros(d, 0).String() }

func dec(n int64) value.Decimal { return value.DecimalFromInt(n) }

func absDiff(a, b value.Decimal) value.Decimal {
	d, _ := a.Sub(b)
	return d.Abs()
}

func minDec(a, b value.Decimal) value.Decimal {
	if a.Cmp(b) < 0 {
		return a
	}
	return b
}

func maxDec(a, b value.Decimal) value.Decimal {
	if a.Cmp(b) > 0 {
		return a
	}
	return b
}

const (
	chartW = 720
	left   = 90
	right  = 20
)

func (h *htmlWriter) svgOpen(id, title string, height int) {
	h.p("<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">\n<title>%s</title>\n",
		id, chartW, height, chartW, height, esc(title), esc(title))
}

// histogramChart draws the distribution of the term total.
func (h *htmlWriter) histogramChart() {
	r := h.r
	bins := r.Histogram
	const height, top, bottom = 280, 16, 236
	h.svgOpen("total", "Distribution of the total over "+fmt.Sprint(r.Runs)+" runs", height)
	most := 0
	for _, b := range bins {
		most = max(most, b.Count)
	}
	plotW := int64(chartW - left - right)
	h.p("<path data-mark=\"axis\" d=\"M%d %d H%d M%d %d V%d\" stroke=\"#a0aec0\" fill=\"none\"/>\n", left, bottom, chartW-right, left, top, bottom)
	h.p("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>\n<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", left-6, top+4, most, left-6, bottom+4)
	h.p("<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">runs</text>\n", (top+bottom)/2, (top+bottom)/2)
	if len(bins) == 0 || most == 0 {
		h.p("</svg>\n")
		return
	}
	n := int64(len(bins))
	for i, b := range bins {
		x0 := left + plotW*int64(i)/n
		x1 := left + plotW*int64(i+1)/n
		bh := int64(bottom-top) * int64(b.Count) / int64(most)
		if b.Count > 0 && bh == 0 {
			bh = 1
		}
		h.p("<rect data-mark=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4299e1\"><title>%s to %s: %d runs</title></rect>\n",
			x0+1, bottom-bh, max(x1-x0-2, 1), bh, h.money(b.From), h.money(b.To), b.Count)
	}
	ax := newAxis(bins[0].From, bins[len(bins)-1].To, left, chartW-right)
	h.p("<text x=\"%d\" y=\"%d\" text-anchor=\"start\">%s</text>\n", left, bottom+18, h.money(bins[0].From))
	h.p("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", chartW-right, bottom+18, h.money(bins[len(bins)-1].To))
	for _, m := range []struct {
		name string
		v    value.Decimal
	}{{"P10", r.Term.Total.P10}, {"P50", r.Term.Total.P50}, {"P90", r.Term.Total.P90}} {
		x := px(ax.at(m.v))
		h.p("<path data-mark=\"%s\" d=\"M%s %d V%d\" stroke=\"#1a202c\" stroke-dasharray=\"4 3\" fill=\"none\"/>\n", strings.ToLower(m.name), x, top, bottom)
		h.p("<text x=\"%s\" y=\"%d\" text-anchor=\"middle\">%s %s</text>\n", x, bottom+34, m.name, h.money(m.v))
	}
	h.p("</svg>\n")
}

// kindsChart draws each kind's mean as a horizontal bar from zero, with a
// whisker from P10 to P90.
func (h *htmlWriter) kindsChart() {
	r := h.r
	kinds := r.Term.ByKind
	const rowH, top = 34, 12
	height := top + rowH*len(kinds) + 30
	h.svgOpen("kinds", "Split of the total by kind", height)
	lo, hi := dec(0), dec(0)
	for _, k := range kinds {
		lo = minDec(lo, minDec(k.P10, k.Mean))
		hi = maxDec(hi, maxDec(k.P90, k.Mean))
	}
	ax := newAxis(lo, hi, left+20, chartW-right-90)
	zero := px(ax.at(dec(0)))
	bottom := top + rowH*len(kinds)
	h.p("<path data-mark=\"axis\" d=\"M%s %d V%d\" stroke=\"#a0aec0\" fill=\"none\"/>\n", zero, top-4, bottom)
	for i, k := range kinds {
		y := top + rowH*i
		x0, x1 := ax.at(minDec(dec(0), k.Mean)), ax.at(maxDec(dec(0), k.Mean))
		w := absDiff(x1, x0)
		h.p("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left+12, y+rowH/2+4, esc(k.Kind))
		h.p("<rect data-mark=\"bar\" x=\"%s\" y=\"%d\" width=\"%s\" height=\"%d\" fill=\"%s\"><title>%s: mean %s, P10 %s, P90 %s</title></rect>\n",
			px(x0), y+8, px(w), rowH-16, kindColours[k.Kind], esc(k.Kind), h.money(k.Mean), h.money(k.P10), h.money(k.P90))
		cy := y + rowH/2
		h.p("<path data-mark=\"whisker\" d=\"M%s %d H%s M%s %d V%d M%s %d V%d\" stroke=\"#1a202c\" fill=\"none\"/>\n",
			px(ax.at(k.P10)), cy, px(ax.at(k.P90)), px(ax.at(k.P10)), cy-5, cy+5, px(ax.at(k.P90)), cy-5, cy+5)
		h.p("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", chartW-right, cy+4, h.money(k.Mean))
	}
	h.p("<text x=\"%s\" y=\"%d\" text-anchor=\"middle\">0</text>\n", zero, bottom+16)
	h.p("</svg>\n")
}

// periodsChart draws each period's mean total as a column from zero, with
// a whisker from P10 to P90.
func (h *htmlWriter) periodsChart() {
	r := h.r
	ps := r.Periods
	const height, top, bottom = 260, 16, 220
	h.svgOpen("periods", "Total by period", height)
	lo, hi := dec(0), dec(0)
	for _, p := range ps {
		lo = minDec(lo, minDec(p.Total.P10, p.Total.Mean))
		hi = maxDec(hi, maxDec(p.Total.P90, p.Total.Mean))
	}
	ay := newAxis(lo, hi, bottom, top)
	zero := px(ay.at(dec(0)))
	plotW := int64(chartW - left - right)
	n := int64(len(ps))
	h.p("<path data-mark=\"axis\" d=\"M%d %s H%d M%d %d V%d\" stroke=\"#a0aec0\" fill=\"none\"/>\n", left, zero, chartW-right, left, top, bottom)
	h.p("<text x=\"%d\" y=\"%s\" text-anchor=\"end\">%s</text>\n", left-6, px(ay.at(hi)), h.money(hi))
	h.p("<text x=\"%d\" y=\"%s\" text-anchor=\"end\">%s</text>\n", left-6, zero, h.money(dec(0)))
	for i, p := range ps {
		x0 := left + plotW*int64(i)/n
		x1 := left + plotW*int64(i+1)/n
		bw := max((x1-x0)*6/10, 1)
		bx := x0 + (x1-x0-bw)/2
		y0, y1 := ay.at(maxDec(dec(0), p.Total.Mean)), ay.at(minDec(dec(0), p.Total.Mean))
		h.p("<rect data-mark=\"bar\" x=\"%d\" y=\"%s\" width=\"%d\" height=\"%s\" fill=\"#4299e1\"><title>%s: mean %s, P10 %s, P90 %s</title></rect>\n",
			bx, px(y0), bw, px(absDiff(y1, y0)), esc(p.Period), h.money(p.Total.Mean), h.money(p.Total.P10), h.money(p.Total.P90))
		cx := (x0 + x1) / 2
		h.p("<path data-mark=\"whisker\" d=\"M%d %s V%s M%d %s H%d M%d %s H%d\" stroke=\"#1a202c\" fill=\"none\"/>\n",
			cx, px(ay.at(p.Total.P10)), px(ay.at(p.Total.P90)), cx-4, px(ay.at(p.Total.P10)), cx+4, cx-4, px(ay.at(p.Total.P90)), cx+4)
		if n <= 12 || i%int(n/12+1) == 0 {
			h.p("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", cx, bottom+16, esc(p.Period))
		}
	}
	h.p("</svg>\n")
}

// sensitivityChart draws the mean total at each step as a line, in a band
// from P10 to P90.
func (h *htmlWriter) sensitivityChart() {
	r := h.r
	steps := r.Sensitivity.Steps
	const height, top, bottom = 280, 16, 236
	h.svgOpen("sensitivity", "Sensitivity of the total to "+r.Sensitivity.Name, height)
	lo, hi := steps[0].Total.P10, steps[0].Total.P90
	for _, s := range steps {
		lo = minDec(lo, minDec(s.Total.P10, s.Total.Mean))
		hi = maxDec(hi, maxDec(s.Total.P90, s.Total.Mean))
	}
	ay := newAxis(lo, hi, bottom, top)
	n := int64(len(steps))
	xAt := func(i int) int64 {
		if n == 1 {
			return (left + chartW - right) / 2
		}
		return left + 10 + int64(chartW-left-right-20)*int64(i)/(n-1)
	}
	h.p("<path data-mark=\"axis\" d=\"M%d %d H%d M%d %d V%d\" stroke=\"#a0aec0\" fill=\"none\"/>\n", left, bottom, chartW-right, left, top, bottom)
	h.p("<text x=\"%d\" y=\"%s\" text-anchor=\"end\">%s</text>\n", left-6, px(ay.at(hi)), h.money(hi))
	h.p("<text x=\"%d\" y=\"%s\" text-anchor=\"end\">%s</text>\n", left-6, px(ay.at(lo)), h.money(lo))
	var band, line strings.Builder
	for i, s := range steps {
		cmd := "L"
		if i == 0 {
			cmd = "M"
		}
		fmt.Fprintf(&band, "%s%d %s ", cmd, xAt(i), px(ay.at(s.Total.P90)))
		fmt.Fprintf(&line, "%s%d %s ", cmd, xAt(i), px(ay.at(s.Total.Mean)))
	}
	for i := len(steps) - 1; i >= 0; i-- {
		fmt.Fprintf(&band, "L%d %s ", xAt(i), px(ay.at(steps[i].Total.P10)))
	}
	band.WriteString("Z")
	h.p("<path data-mark=\"band\" d=\"%s\" fill=\"#bee3f8\" stroke=\"none\"><title>P10 to P90</title></path>\n", band.String())
	h.p("<path data-mark=\"mean\" d=\"%s\" fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"2\"/>\n", strings.TrimSpace(line.String()))
	for i, s := range steps {
		h.p("<circle data-mark=\"point\" cx=\"%d\" cy=\"%s\" r=\"3.5\" fill=\"#2b6cb0\"><title>%s = %s: mean %s, P10 %s, P90 %s</title></circle>\n",
			xAt(i), px(ay.at(s.Total.Mean)), esc(r.Sensitivity.Name), esc(s.Value), h.money(s.Total.Mean), h.money(s.Total.P10), h.money(s.Total.P90))
		h.p("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", xAt(i), bottom+16, esc(s.Value))
	}
	h.p("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", (left+chartW-right)/2, bottom+34, esc(r.Sensitivity.Name))
	h.p("</svg>\n")
}
