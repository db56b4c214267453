package main

// occ diff --format html: the comparison as one self-contained page, with
// no external resources (its Content-Security-Policy allows none), that
// prints on A4. Its chart, inline SVG, sets each period's old and new
// totals side by side, with the change below; the page's own script
// records in data-status and each chart's data-drawn whether the charts
// drew, which the test in diff_chromium_test.go reads. Pixel positions are
// computed in exact decimals, like every amount.

import (
	"fmt"
	"html"
	"io"
	"sort"
	"strings"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime/diff"
	"github.com/occ-lang/occ/runtime/forecast"
)

const diffCSS = `
@page { size: A4; margin: 15mm; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1a202c; margin: 0; background: #fff; }
main { max-width: 960px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
p.meta { color: #4a5568; margin: 2px 0; }
section { border: 1px solid #e2e8f0; border-radius: 6px; padding: 12px 16px; margin: 16px 0; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #edf2f7; text-align: right; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
thead th { color: #4a5568; font-weight: 600; }
td.up { color: #276749; } td.down { color: #9b2c2c; }
tr.over td { background: #fff5f5; }
.whatif { border: 2px solid #c53030; color: #9b2c2c; padding: 6px 10px; font-weight: 600; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; fill: #2d3748; }
.swatch { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; border-radius: 2px; }
.note { color: #4a5568; font-size: 12px; }
@media print { main { padding: 0; max-width: none; } section { border: none; padding: 0; } }
`

// The chart's colours: old, new, a rise and a fall.
const (
	colourOld  = "#a0aec0"
	colourNew  = "#3182ce"
	colourUp   = "#38a169"
	colourDown = "#e53e3e"
)

// writeDiffHTML writes the comparison as a page.
func writeDiffHTML(w io.Writer, r *diffReport) error {
	h := &diffHTML{w: w, r: r}
	h.page()
	return h.err
}

type diffHTML struct {
	w   io.Writer
	r   *diffReport
	err error
}

func (h *diffHTML) p(format string, args ...any) {
	if h.err == nil {
		_, h.err = fmt.Fprintf(h.w, format, args...)
	}
}

func esc(s string) string { return html.EscapeString(s) }

func (h *diffHTML) page() {
	r := h.r
	d := r.d
	title := fmt.Sprintf("%s compared with %s", r.old.st.Contract.Title, r.new.st.Contract.Title)
	h.p("<!DOCTYPE html>\n<html lang=\"en\" data-status=\"loading\">\n<head>\n<meta charset=\"utf-8\"/>\n")
	h.p("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\"/>\n")
	h.p("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
	h.p("<title>%s</title>\n<style>%s</style>\n<script>%s</script>\n</head>\n<body>\n<main>\n", esc(title), diffCSS, forecast.ChartsScript)
	h.p("<h1>What changes: %s</h1>\n", esc(title))
	for _, s := range r.sides() {
		if wi := whatIfSettings(s.c, s.st); len(wi) > 0 {
			h.p("<p class=\"whatif\">What-if on the %s contract: %s (not the contract's values).</p>\n", s.name, esc(strings.Join(wi, ", ")))
		}
	}
	for _, s := range r.sides() {
		c := s.st.Contract
		var files []string
		for _, f := range s.st.Data {
			files = append(files, fmt.Sprintf("%s (%s, %d records)", f.Path, f.Schema, f.Records))
		}
		h.p("<p class=\"meta\"><strong>%s</strong>: %s (%s), %s; data %s; spec sha256 <code>%s</code>.</p>\n",
			strings.ToUpper(s.name[:1])+s.name[1:], esc(c.Title), esc(s.spec), esc(s.st.Period), esc(strings.Join(files, ", ")), c.SpecSHA256)
	}
	h.p("<section id=\"summary\">\n<h2>Total</h2>\n")
	h.p("<p>Over the same data the old contract pays <strong>%s</strong> and the new one <strong>%s</strong>: a change of <strong>%s</strong>.</p>\n",
		esc(r.withSymbol(d.Total.Old)), esc(r.withSymbol(d.Total.New)), esc(r.signed(d.Total.Delta)))
	if r.limit != nil {
		if len(r.over) > 0 {
			h.p("<p class=\"whatif\">%s</p>\n", esc(r.overText()))
		} else {
			h.p("<p>No period moved by more than %s (--fail-over).</p>\n", esc(r.withSymbol(*r.limit)))
		}
	}
	h.p("</section>\n")
	h.p("<section id=\"periods\">\n<h2>By period</h2>\n")
	h.periodsChart()
	h.p("<p class=\"note\"><span class=\"swatch\" style=\"background:%s\"></span>old <span class=\"swatch\" style=\"background:%s\"></span>new; below, the change: <span class=\"swatch\" style=\"background:%s\"></span>up <span class=\"swatch\" style=\"background:%s\"></span>down.</p>\n",
		colourOld, colourNew, colourUp, colourDown)
	for _, b := range r.breakdowns() {
		if b.key != "period" {
			h.p("<section id=\"%ss\">\n<h2>%s</h2>\n", b.key, esc(b.title))
		}
		h.changes(b)
		h.p("</section>\n")
	}
	h.params()
	h.rules()
	h.p("</main>\n</body>\n</html>\n")
}

// signed writes a change with its sign and symbol: +£630.00, -£534.94.
func (r *diffReport) signed(m value.Money) string {
	if m.Sign() > 0 {
		return "+" + r.withSymbol(m)
	}
	return r.withSymbol(m)
}

// changes writes one breakdown's table, largest change first.
func (h *diffHTML) changes(b breakdown) {
	r := h.r
	h.p("<table>\n<thead><tr><th>%s</th><th>Old</th><th>New</th><th>Change</th><th>Lines</th></tr></thead>\n<tbody>\n", esc(strings.ToLower(b.column[:1])+strings.ToLower(b.column[1:])))
	for _, c := range b.changes {
		cls := ""
		if b.key == "period" && r.isOver(c.Name) {
			cls = " class=\"over\""
		}
		dir := ""
		switch c.Delta.Sign() {
		case 1:
			dir = " class=\"up\""
		case -1:
			dir = " class=\"down\""
		}
		h.p("<tr%s><td>%s</td><td>%s</td><td>%s</td><td%s>%s</td><td>%d &#8594; %d</td></tr>\n", cls, esc(b.name(c.Name)),
			esc(r.withSymbol(c.Old)), esc(r.withSymbol(c.New)), dir, esc(r.signed(c.Delta)), c.OldLines, c.NewLines)
	}
	h.p("</tbody>\n</table>\n")
}

// params writes the params that differ, as the contracts write them.
func (h *diffHTML) params() {
	r := h.r
	h.p("<section id=\"params\">\n<h2>Params that differ</h2>\n")
	if len(r.d.Params) == 0 {
		h.p("<p>None.</p>\n</section>\n")
		return
	}
	h.p("<table>\n<thead><tr><th>Param</th><th class=\"text\">Change</th><th class=\"text\">Old</th><th class=\"text\">New</th></tr></thead>\n<tbody>\n")
	for _, p := range r.d.Params {
		o, n := orDash(r.paramText(p, false)), orDash(r.paramText(p, true))
		if p.OldSet {
			o += " (set)"
		}
		if p.NewSet {
			n += " (set)"
		}
		h.p("<tr><td>%s</td><td class=\"text\">%s</td><td class=\"text\">%s</td><td class=\"text\">%s</td></tr>\n", esc(p.Name), p.Change(), esc(o), esc(n))
	}
	h.p("</tbody>\n</table>\n</section>\n")
}

// rules writes the rules that differ, with each changed clause.
func (h *diffHTML) rules() {
	r := h.r
	h.p("<section id=\"rules-changed\">\n<h2>Rules that differ</h2>\n")
	if len(r.d.RuleChanges) == 0 {
		h.p("<p>None.</p>\n</section>\n")
		return
	}
	h.p("<table>\n<thead><tr><th>Rule</th><th class=\"text\">Change</th><th class=\"text\">Kind</th><th class=\"text\">Title</th></tr></thead>\n<tbody>\n")
	for _, rc := range r.d.RuleChanges {
		h.p("<tr><td>%s</td><td class=\"text\">%s</td><td class=\"text\">%s</td><td class=\"text\">%s</td></tr>\n", esc(rc.Name), rc.Change, esc(rc.Kind), esc(rc.Title))
		for _, p := range rc.Parts {
			h.p("<tr><td></td><td class=\"text\">%s</td><td class=\"text\" colspan=\"2\"><del>%s</del><br/><ins>%s</ins></td></tr>\n", esc(p.Clause), esc(orNone(p.Old)), esc(orNone(p.New)))
		}
	}
	h.p("</tbody>\n</table>\n</section>\n")
}

// scale maps amounts from lo..hi onto pixels p0..p1, in exact decimals.
type scale struct {
	lo, hi value.Decimal
	p0, p1 int64
}

func (s scale) at(x value.Decimal) string {
	num, _ := x.Sub(s.lo)
	num, _ = num.Mul(value.DecimalFromInt(s.p1 - s.p0))
	span, _ := s.hi.Sub(s.lo)
	q, err := num.Quo(span)
	if err != nil {
		q = value.DecimalFromInt(0)
	}
	q, _ = q.Add(value.DecimalFromInt(s.p0))
	return value.Round(q, 1, value.HalfUp).String()
}

// periodsChart draws each period, in date order: its old and new totals
// as two bars on one axis and, in a band below, the change as a bar up or
// down from zero.
func (h *diffHTML) periodsChart() {
	r := h.r
	ps := append([]diff.PeriodChange(nil), r.d.Periods...)
	sort.SliceStable(ps, func(i, j int) bool {
		if c := ps[i].From.Cmp(ps[j].From); c != 0 {
			return c < 0
		}
		return ps[i].Name < ps[j].Name
	})
	const width, left, right = 720, 96, 16
	const top, bottom, dTop, dBottom, height = 16, 196, 226, 326, 350
	zero := value.DecimalFromInt(0)
	lo, hi, dlo, dhi := zero, zero, zero, zero
	minD := func(a, b value.Decimal) value.Decimal {
		if a.Cmp(b) < 0 {
			return a
		}
		return b
	}
	maxD := func(a, b value.Decimal) value.Decimal {
		if a.Cmp(b) > 0 {
			return a
		}
		return b
	}
	for _, p := range ps {
		o, n, c := p.Old.Decimal(), p.New.Decimal(), p.Delta.Decimal()
		lo, hi = minD(lo, minD(o, n)), maxD(hi, maxD(o, n))
		dlo, dhi = minD(dlo, c), maxD(dhi, c)
	}
	one := value.DecimalFromInt(1)
	if lo.Cmp(hi) == 0 {
		hi, _ = hi.Add(one)
	}
	if dlo.Cmp(dhi) == 0 {
		dhi, _ = dhi.Add(one)
	}
	y := scale{lo: lo, hi: hi, p0: bottom, p1: top}
	dy := scale{lo: dlo, hi: dhi, p0: dBottom, p1: dTop}
	h.p("<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"periods\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Old and new total by period, and the change\">\n<title>Old and new total by period, and the change</title>\n",
		width, height, width, height)
	m := func(d value.Decimal) string { return esc(r.withSymbol(value.MoneyOf(d))) }
	h.p("<path data-mark=\"axis\" d=\"M%d %s H%d M%d %d V%d\" stroke=\"#718096\" fill=\"none\"/>\n", left, y.at(zero), width-right, left, top, bottom)
	h.p("<text x=\"%d\" y=\"%s\" text-anchor=\"end\">%s</text>\n", left-6, y.at(hi), m(hi))
	h.p("<text x=\"%d\" y=\"%s\" text-anchor=\"end\">%s</text>\n", left-6, y.at(zero), m(zero))
	h.p("<path data-mark=\"axis\" d=\"M%d %s H%d M%d %d V%d\" stroke=\"#718096\" fill=\"none\"/>\n", left, dy.at(zero), width-right, left, dTop, dBottom)
	h.p("<text x=\"%d\" y=\"%s\" text-anchor=\"end\">%s</text>\n", left-6, dy.at(zero), m(zero))
	if dhi.Sign() > 0 {
		h.p("<text x=\"%d\" y=\"%s\" text-anchor=\"end\">+%s</text>\n", left-6, dy.at(dhi), m(dhi))
	}
	if dlo.Sign() < 0 {
		h.p("<text x=\"%d\" y=\"%s\" text-anchor=\"end\">%s</text>\n", left-6, dy.at(dlo), m(dlo))
	}
	n := int64(len(ps))
	plot := int64(width - left - right)
	bar := func(s scale, x, w int64, v value.Decimal, colour, mark, tip string) {
		// The bar runs from zero to v: on screen, y grows downwards.
		a, _ := value.ParseDecimal(s.at(zero))
		b, _ := value.ParseDecimal(s.at(v))
		if b.Cmp(a) < 0 {
			a, b = b, a
		}
		ht, _ := b.Sub(a)
		h.p("<rect data-mark=\"%s\" x=\"%d\" y=\"%s\" width=\"%d\" height=\"%s\" fill=\"%s\"><title>%s</title></rect>\n", mark, x, a.String(), w, ht.String(), colour, esc(tip))
	}
	for i, p := range ps {
		x0 := left + plot*int64(i)/n
		x1 := left + plot*int64(i+1)/n
		bw := max((x1-x0)*3/10, 1)
		gap := max((x1-x0)/10, 0)
		xo := x0 + gap
		xn := xo + bw
		bar(y, xo, bw, p.Old.Decimal(), colourOld, "old", fmt.Sprintf("%s old: %s", p.Name, r.withSymbol(p.Old)))
		bar(y, xn, bw, p.New.Decimal(), colourNew, "new", fmt.Sprintf("%s new: %s", p.Name, r.withSymbol(p.New)))
		colour := colourUp
		if p.Delta.Sign() < 0 {
			colour = colourDown
		}
		bar(dy, xo, 2*bw, p.Delta.Decimal(), colour, "change", fmt.Sprintf("%s change: %s", p.Name, r.signed(p.Delta)))
		if n <= 12 || i%int(n/12+1) == 0 {
			h.p("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", xo+bw, bottom+16, esc(p.Name))
		}
	}
	h.p("</svg>\n")
}
