package forecast

import (
	"fmt"
	"strings"

	"github.com/occ-lang/occ/compiler/value"
)

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
	if b := r.Budget; b != nil && b.Term.Budget.Cmp(bins[0].From) >= 0 && b.Term.Budget.Cmp(bins[len(bins)-1].To) <= 0 {
		x := px(ax.at(b.Term.Budget))
		h.p("<path data-mark=\"budget\" d=\"M%s %d V%d\" stroke=\"#c53030\" stroke-width=\"2\" fill=\"none\"><title>budget %s</title></path>\n", x, top, bottom, h.money(b.Term.Budget))
		h.p("<text x=\"%s\" y=\"%d\" text-anchor=\"middle\" fill=\"#c53030\">budget %s</text>\n", x, top-4, h.money(b.Term.Budget))
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

// periodsChart draws each period's mean total as a column, with a
// whisker from P10 to P90 and, when the contract has a budget, each
// period's share of it as a red line across its column. The value axis
// starts at zero unless every value is well above zero, when a column
// from zero would flatten the differences between periods: it then starts
// at a round amount below the lowest value, and says so.
func (h *htmlWriter) periodsChart() {
	r := h.r
	ps := r.Periods
	const height, top, bottom = 260, 16, 220
	h.svgOpen("periods", "Total by period", height)
	budgets := h.periodBudgets()
	var lo, hi value.Decimal
	for i, p := range ps {
		pl, ph := minDec(p.Total.P10, p.Total.Mean), maxDec(p.Total.P90, p.Total.Mean)
		if b, ok := budgets[p.Period]; ok {
			pl, ph = minDec(pl, b), maxDec(ph, b)
		}
		if i == 0 {
			lo, hi = pl, ph
		}
		lo, hi = minDec(lo, pl), maxDec(hi, ph)
	}
	base := axisBase(lo, hi)
	lo, hi = minDec(lo, base), maxDec(hi, dec(0))
	ay := newAxis(lo, hi, bottom, top)
	floor := px(ay.at(base))
	plotW := int64(chartW - left - right)
	n := int64(len(ps))
	h.p("<path data-mark=\"axis\" d=\"M%d %s H%d M%d %d V%d\" stroke=\"#a0aec0\" fill=\"none\"/>\n", left, floor, chartW-right, left, top, bottom)
	h.p("<text x=\"%d\" y=\"%s\" text-anchor=\"end\">%s</text>\n", left-6, px(ay.at(hi)), h.money(hi))
	h.p("<text x=\"%d\" y=\"%s\" text-anchor=\"end\">%s</text>\n", left-6, floor, h.money(base))
	if base.Sign() > 0 {
		h.p("<text data-axis-note=\"from %s\" x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">axis starts at %s, not zero</text>\n",
			h.money(base), (top+bottom)/2, (top+bottom)/2, h.money(base))
	}
	for i, p := range ps {
		x0 := left + plotW*int64(i)/n
		x1 := left + plotW*int64(i+1)/n
		bw := max((x1-x0)*6/10, 1)
		bx := x0 + (x1-x0-bw)/2
		y0, y1 := ay.at(maxDec(base, p.Total.Mean)), ay.at(minDec(base, p.Total.Mean))
		if p.Paid != nil {
			// A settled period: what was paid, the same in every run.
			h.p("<rect data-mark=\"bar\" data-basis=\"paid\" x=\"%d\" y=\"%s\" width=\"%d\" height=\"%s\" fill=\"#718096\"><title>%s: paid %s</title></rect>\n",
				bx, px(y0), bw, px(absDiff(y1, y0)), esc(p.Period), h.money(p.Total.Mean))
		} else {
			h.p("<rect data-mark=\"bar\" x=\"%d\" y=\"%s\" width=\"%d\" height=\"%s\" fill=\"#4299e1\"><title>%s: mean %s, P10 %s, P90 %s</title></rect>\n",
				bx, px(y0), bw, px(absDiff(y1, y0)), esc(p.Period), h.money(p.Total.Mean), h.money(p.Total.P10), h.money(p.Total.P90))
		}
		cx := (x0 + x1) / 2
		if p.Paid == nil {
			h.p("<path data-mark=\"whisker\" d=\"M%d %s V%s M%d %s H%d M%d %s H%d\" stroke=\"#1a202c\" fill=\"none\"/>\n",
				cx, px(ay.at(p.Total.P10)), px(ay.at(p.Total.P90)), cx-4, px(ay.at(p.Total.P10)), cx+4, cx-4, px(ay.at(p.Total.P90)), cx+4)
		}
		if b, ok := budgets[p.Period]; ok {
			h.p("<path data-mark=\"budget\" d=\"M%d %s H%d\" stroke=\"#c53030\" stroke-width=\"2\" fill=\"none\"><title>%s: budget %s</title></path>\n",
				x0+2, px(ay.at(b)), x1-2, esc(p.Period), h.money(b))
		}
		if n <= 12 || i%int(n/12+1) == 0 {
			h.p("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", cx, bottom+16, esc(p.Period))
		}
	}
	h.p("</svg>\n")
}

// periodBudgets returns each reported period's share of the budget, by
// period; it is empty when the contract has no budget.
func (h *htmlWriter) periodBudgets() map[string]value.Decimal {
	out := map[string]value.Decimal{}
	if b := h.r.Budget; b != nil {
		for _, p := range b.ByPeriod {
			out[p.Period] = p.Budget
		}
	}
	return out
}

// axisBase is where a value axis over [lo, hi] starts: zero, unless every
// value is positive and the lowest is more than half the highest, when
// columns from zero would look alike. Then it starts half the values'
// spread below the lowest, rounded down to a power of ten no larger than
// the spread (£2,200 under values from £2,600 to £3,400), and never below
// zero.
func axisBase(lo, hi value.Decimal) value.Decimal {
	half, _ := hi.Quo(dec(2))
	if lo.Sign() <= 0 || lo.Cmp(half) <= 0 {
		return dec(0)
	}
	spread, _ := hi.Sub(lo)
	if spread.Sign() == 0 {
		spread = lo
	}
	pad, _ := spread.Quo(dec(2))
	x, _ := lo.Sub(pad)
	digits := len(value.Round(spread, 0, value.Floor).String())
	step := dec(1)
	for i := 1; i < digits; i++ {
		step, _ = step.Mul(dec(10))
	}
	q, _ := x.Quo(step)
	base, _ := value.Round(q, 0, value.Floor).Mul(step)
	return maxDec(base, dec(0))
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
