package compiler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/occ-lang/occ/compiler/value"
)

// The lints that find money traps reason about the values a condition
// holds for: sets of numbers, written as sorted, disjoint intervals. Whole
// numbers, dates (as day numbers) and lengths of time keep closed whole
// bounds, so that x > 9 and x >= 10 are the same set.

// numKind is the kind of number a compared value is.
type numKind int

const (
	numDecimal numKind = iota
	numInt
	numMoney
	numDate
	numDays
)

// whole reports whether values of the kind are whole numbers.
func (k numKind) whole() bool { return k == numInt || k == numDate || k == numDays }

// edge is one end of an interval; inf is an end at minus or plus infinity.
type edge struct {
	v    value.Decimal
	inf  bool
	open bool
}

// interval is the numbers from lo to hi.
type interval struct{ lo, hi edge }

// numSet is a sorted list of disjoint intervals.
type numSet []interval

// everything is the set of all numbers.
var everything = numSet{{lo: edge{inf: true}, hi: edge{inf: true}}}

// point is the set holding v alone.
func point(v value.Decimal) numSet { return numSet{{lo: edge{v: v}, hi: edge{v: v}}} }

// cmpLo orders lower edges: -inf first; at one value a closed edge first.
func cmpLo(a, b edge) int {
	switch {
	case a.inf && b.inf:
		return 0
	case a.inf:
		return -1
	case b.inf:
		return 1
	}
	if c := a.v.Cmp(b.v); c != 0 {
		return c
	}
	switch {
	case a.open == b.open:
		return 0
	case a.open:
		return 1
	}
	return -1
}

// cmpHi orders upper edges: +inf last; at one value an open edge first.
func cmpHi(a, b edge) int {
	switch {
	case a.inf && b.inf:
		return 0
	case a.inf:
		return 1
	case b.inf:
		return -1
	}
	if c := a.v.Cmp(b.v); c != 0 {
		return c
	}
	switch {
	case a.open == b.open:
		return 0
	case a.open:
		return -1
	}
	return 1
}

// empty reports whether the interval holds no number.
func (iv interval) empty() bool {
	if iv.lo.inf || iv.hi.inf {
		return false
	}
	c := iv.lo.v.Cmp(iv.hi.v)
	return c > 0 || c == 0 && (iv.lo.open || iv.hi.open)
}

// normalize sorts and merges the intervals and, for whole kinds, closes
// their ends on whole numbers.
func (s numSet) normalize(k numKind) numSet {
	var out numSet
	for _, iv := range s {
		if k.whole() {
			iv = wholeInterval(iv)
		}
		if !iv.empty() {
			out = append(out, iv)
		}
	}
	sort.Slice(out, func(i, j int) bool { return cmpLo(out[i].lo, out[j].lo) < 0 })
	var merged numSet
	for _, iv := range out {
		if n := len(merged); n > 0 && touches(merged[n-1].hi, iv.lo, k) {
			if cmpHi(iv.hi, merged[n-1].hi) > 0 {
				merged[n-1].hi = iv.hi
			}
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// touches reports whether an interval ending at hi and one starting at lo
// leave no number between them.
func touches(hi, lo edge, k numKind) bool {
	if hi.inf || lo.inf {
		return true
	}
	c := hi.v.Cmp(lo.v)
	if c > 0 || c == 0 && !(hi.open && lo.open) {
		return true
	}
	if k.whole() {
		next, err := hi.v.Add(value.DecimalFromInt(1))
		return err == nil && next.Cmp(lo.v) == 0
	}
	return false
}

// wholeInterval closes an interval's ends on the whole numbers inside it.
func wholeInterval(iv interval) interval {
	if !iv.lo.inf {
		v := roundTo(iv.lo.v, apd.RoundCeiling)
		if iv.lo.open && v.Cmp(iv.lo.v) == 0 {
			v, _ = v.Add(value.DecimalFromInt(1))
		}
		iv.lo = edge{v: v}
	}
	if !iv.hi.inf {
		v := roundTo(iv.hi.v, apd.RoundFloor)
		if iv.hi.open && v.Cmp(iv.hi.v) == 0 {
			v, _ = v.Sub(value.DecimalFromInt(1))
		}
		iv.hi = edge{v: v}
	}
	return iv
}

// roundTo rounds d to a whole number in the given direction.
func roundTo(d value.Decimal, mode apd.Rounder) value.Decimal {
	ctx := apd.BaseContext.WithPrecision(40)
	ctx.Rounding = mode
	var r apd.Decimal
	if _, err := ctx.Quantize(&r, d.Apd(), 0); err != nil {
		return d
	}
	out, err := value.ParseDecimal(r.Text('f'))
	if err != nil {
		return d
	}
	return out
}

// intersect returns the numbers in both sets.
func (s numSet) intersect(t numSet, k numKind) numSet {
	var out numSet
	for _, a := range s {
		for _, b := range t {
			iv := a
			if cmpLo(b.lo, iv.lo) > 0 {
				iv.lo = b.lo
			}
			if cmpHi(b.hi, iv.hi) < 0 {
				iv.hi = b.hi
			}
			out = append(out, iv)
		}
	}
	return out.normalize(k)
}

// complement returns the numbers not in the set.
func (s numSet) complement(k numKind) numSet {
	var out numSet
	lo := edge{inf: true}
	for _, iv := range s {
		if !iv.lo.inf {
			out = append(out, interval{lo: lo, hi: edge{v: iv.lo.v, open: !iv.lo.open}})
		}
		if iv.hi.inf {
			return out.normalize(k)
		}
		lo = edge{v: iv.hi.v, open: !iv.hi.open}
	}
	out = append(out, interval{lo: lo, hi: edge{inf: true}})
	return out.normalize(k)
}

// union returns the numbers in either set.
func (s numSet) union(t numSet, k numKind) numSet {
	return append(append(numSet{}, s...), t...).normalize(k)
}

// minus returns the numbers of s that are not in t.
func (s numSet) minus(t numSet, k numKind) numSet { return s.intersect(t.complement(k), k) }

// isEmpty reports whether the set holds no number.
func (s numSet) isEmpty() bool { return len(s) == 0 }

// subsetOf reports whether every number of s is in t.
func (s numSet) subsetOf(t numSet, k numKind) bool { return s.minus(t, k).isEmpty() }

// compareSet is the set of numbers x for which `x op t` holds.
func compareSet(op string, t value.Decimal, k numKind) numSet {
	var s numSet
	switch op {
	case "<":
		s = numSet{{lo: edge{inf: true}, hi: edge{v: t, open: true}}}
	case "<=":
		s = numSet{{lo: edge{inf: true}, hi: edge{v: t}}}
	case ">":
		s = numSet{{lo: edge{v: t, open: true}, hi: edge{inf: true}}}
	case ">=":
		s = numSet{{lo: edge{v: t}, hi: edge{inf: true}}}
	case "==":
		s = point(t)
	case "!=":
		return point(t).complement(k)
	default:
		return everything
	}
	return s.normalize(k)
}

// between is the set from lo to hi, either end missing when nil.
func between(lo, hi *value.Decimal, k numKind) numSet {
	iv := interval{lo: edge{inf: true}, hi: edge{inf: true}}
	if lo != nil {
		iv.lo = edge{v: *lo}
	}
	if hi != nil {
		iv.hi = edge{v: *hi}
	}
	return numSet{iv}.normalize(k)
}

// singleValue returns the one number of a set that holds exactly one.
func (s numSet) singleValue() (value.Decimal, bool) {
	if len(s) == 1 && !s[0].lo.inf && !s[0].hi.inf && s[0].lo.v.Cmp(s[0].hi.v) == 0 {
		return s[0].lo.v, true
	}
	return value.Decimal{}, false
}

// describe writes the set in words, each number written by show: "at
// least 5", "from 0 to 9", "exactly 10", "less than 3 or more than 7".
func (s numSet) describe(show func(value.Decimal) string) string {
	var parts []string
	for _, iv := range s {
		switch {
		case iv.lo.inf && iv.hi.inf:
			parts = append(parts, "any value")
		case iv.lo.inf:
			parts = append(parts, map[bool]string{true: "less than ", false: "at most "}[iv.hi.open]+show(iv.hi.v))
		case iv.hi.inf:
			parts = append(parts, map[bool]string{true: "more than ", false: "at least "}[iv.lo.open]+show(iv.lo.v))
		case iv.lo.v.Cmp(iv.hi.v) == 0:
			parts = append(parts, "exactly "+show(iv.lo.v))
		case iv.lo.open || iv.hi.open:
			lo := map[bool]string{true: "more than ", false: "at least "}[iv.lo.open]
			hi := map[bool]string{true: "less than ", false: "at most "}[iv.hi.open]
			parts = append(parts, lo+show(iv.lo.v)+" and "+hi+show(iv.hi.v))
		default:
			parts = append(parts, fmt.Sprintf("from %s to %s", show(iv.lo.v), show(iv.hi.v)))
		}
	}
	if len(parts) == 0 {
		return "no value"
	}
	return strings.Join(parts, " or ")
}
