package forecast

import (
	"sort"

	"github.com/occ-lang/occ/compiler/value"
)

// Stats summarises one amount over the runs of a forecast. Every figure is
// computed exactly from the runs' amounts (which are sums of rounded
// statement lines) and then rounded half-up to the currency's minor unit.
type Stats struct {
	Mean value.Decimal
	P10  value.Decimal
	P50  value.Decimal
	P90  value.Decimal
	Min  value.Decimal
	Max  value.Decimal
}

// PercentileMethod describes how percentiles are computed; it is printed
// with every report.
const PercentileMethod = "linear interpolation between closest ranks (Hyndman and Fan type 7, as R's default and Excel's PERCENTILE.INC): with the n amounts sorted, the p-th percentile is x[h] + (h - floor(h)) * (x[floor(h)+1] - x[floor(h)]) where h = (n - 1) * p counting from 0; computed in exact decimals, then rounded half-up to the penny"

// summarize computes the statistics of xs, rounded to places.
func summarize(xs []value.Decimal, places int32) Stats {
	if len(xs) == 0 {
		z := value.Round(value.DecimalFromInt(0), places, value.HalfUp)
		return Stats{z, z, z, z, z, z}
	}
	s := append([]value.Decimal(nil), xs...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Cmp(s[j]) < 0 })
	round := func(d value.Decimal) value.Decimal { return value.Round(d, places, value.HalfUp) }
	return Stats{
		Mean: round(mean(s)),
		P10:  round(percentile(s, "0.1")),
		P50:  round(percentile(s, "0.5")),
		P90:  round(percentile(s, "0.9")),
		Min:  round(s[0]),
		Max:  round(s[len(s)-1]),
	}
}

func mean(xs []value.Decimal) value.Decimal {
	sum := value.DecimalFromInt(0)
	for _, x := range xs {
		sum, _ = sum.Add(x)
	}
	m, _ := sum.Quo(value.DecimalFromInt(int64(len(xs))))
	return m
}

// percentile returns the p-th percentile of sorted xs by linear
// interpolation between closest ranks (type 7).
func percentile(sorted []value.Decimal, p string) value.Decimal {
	n := len(sorted)
	if n == 1 {
		return sorted[0]
	}
	h, _ := value.DecimalFromInt(int64(n - 1)).Mul(value.MustParseDecimal(p))
	lo := value.Round(h, 0, value.Floor)
	j, _ := lo.Int64()
	frac, _ := h.Sub(lo)
	if int(j) >= n-1 {
		return sorted[n-1]
	}
	diff, _ := sorted[j+1].Sub(sorted[j])
	step, _ := diff.Mul(frac)
	out, _ := sorted[j].Add(step)
	return out
}

// chance returns k/n rounded half-up to 4 places.
func chance(k, n int) value.Decimal {
	if n == 0 {
		return value.Round(value.DecimalFromInt(0), 4, value.HalfUp)
	}
	q, _ := value.DecimalFromInt(int64(k)).Quo(value.DecimalFromInt(int64(n)))
	return value.Round(q, 4, value.HalfUp)
}

// Bin is one bar of a histogram: the runs whose amount lies in [From, To)
// (the last bin includes To).
type Bin struct {
	From, To value.Decimal
	Count    int
}

// histogram splits xs into bins of equal width between their least and
// greatest values; the edges are rounded to places for display, but each
// amount is placed by exact comparison.
func histogram(xs []value.Decimal, bins int, places int32) []Bin {
	if len(xs) == 0 {
		return nil
	}
	s := append([]value.Decimal(nil), xs...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Cmp(s[j]) < 0 })
	lo, hi := s[0], s[len(s)-1]
	if lo.Cmp(hi) == 0 {
		return []Bin{{From: value.Round(lo, places, value.HalfUp), To: value.Round(hi, places, value.HalfUp), Count: len(s)}}
	}
	span, _ := hi.Sub(lo)
	out := make([]Bin, bins)
	edges := make([]value.Decimal, bins+1)
	for k := range edges {
		frac, _ := span.Mul(value.DecimalFromInt(int64(k)))
		frac, _ = frac.Quo(value.DecimalFromInt(int64(bins)))
		edges[k], _ = lo.Add(frac)
	}
	edges[bins] = hi
	for k := range out {
		out[k].From = value.Round(edges[k], places, value.HalfUp)
		out[k].To = value.Round(edges[k+1], places, value.HalfUp)
	}
	k := 0
	for _, x := range s {
		for k < bins-1 && x.Cmp(edges[k+1]) >= 0 {
			k++
		}
		out[k].Count++
	}
	return out
}
