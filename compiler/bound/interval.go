package bound

import (
	"sort"

	"github.com/cockroachdb/apd/v3"
)

// precision is the number of significant digits an interval end is rounded
// to, outward, when an exact result would need more. It is below the
// evaluator's (value.Precision), so an end rounded outward here is never
// inside a value the evaluator rounds.
const precision = 30

var (
	ctxUp   = apd.Context{Precision: precision, MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Rounding: apd.RoundCeiling}
	ctxDown = apd.Context{Precision: precision, MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Rounding: apd.RoundFloor}
)

// End is one end of an interval: a finite exact decimal, or an infinity
// (Inf -1 or +1). Why lists the inputs that reach a finite end
// ("review.actual_hours = 400") or the reasons an infinite end has no
// bound, sorted.
type End struct {
	Inf int
	D   apd.Decimal
	Why []string
}

// Interval is a closed range of numbers, Lo <= Hi, with infinite ends
// allowed.
type Interval struct {
	Lo, Hi End
}

// point returns the end holding d, reached by why.
func point(d *apd.Decimal, why ...string) End {
	e := End{Why: mergeWhy(why)}
	e.D.Set(d)
	return e
}

// intEnd returns the end holding n.
func intEnd(n int64, why ...string) End {
	e := End{Why: mergeWhy(why)}
	e.D.SetInt64(n)
	return e
}

// infEnd returns an infinite end of sign s with its reasons.
func infEnd(s int, why ...string) End { return End{Inf: s, Why: mergeWhy(why)} }

// exact returns the interval holding only d.
func exact(d *apd.Decimal, why ...string) Interval {
	return Interval{point(d, why...), point(d, why...)}
}

// unbounded returns the interval of every number, for the reason given.
func unbounded(why string) Interval { return Interval{infEnd(-1, why), infEnd(1, why)} }

// cmpEnd compares two ends as extended numbers.
func cmpEnd(a, b End) int {
	switch {
	case a.Inf != 0 || b.Inf != 0:
		switch {
		case a.Inf < b.Inf:
			return -1
		case a.Inf > b.Inf:
			return 1
		}
		if a.Inf != 0 {
			return 0
		}
		if b.Inf > 0 {
			return -1
		}
		return 1
	}
	return a.D.Cmp(&b.D)
}

// sign returns the sign of an end.
func sign(e End) int {
	if e.Inf != 0 {
		return e.Inf
	}
	return e.D.Sign()
}

// IsFinite reports whether both ends are finite.
func (iv Interval) IsFinite() bool { return iv.Lo.Inf == 0 && iv.Hi.Inf == 0 }

// minEnd and maxEnd return the smaller and the larger end.
func minEnd(a, b End) End {
	if cmpEnd(b, a) < 0 {
		return b
	}
	return a
}

func maxEnd(a, b End) End {
	if cmpEnd(b, a) > 0 {
		return b
	}
	return a
}

// hull returns the smallest interval holding a and b.
func hull(a, b Interval) Interval { return Interval{minEnd(a.Lo, b.Lo), maxEnd(a.Hi, b.Hi)} }

// withZero returns the hull of iv and 0: a rule that may not fire reads as
// zero.
func withZero(iv Interval, why string) Interval {
	z := exact(new(apd.Decimal), why)
	return hull(iv, z)
}

// addEnds adds two ends, rounding in direction dir (-1 down, +1 up).
func addEnds(a, b End, dir int) End {
	if a.Inf != 0 || b.Inf != 0 {
		var why []string
		if a.Inf != 0 {
			why = append(why, a.Why...)
		}
		if b.Inf != 0 {
			why = append(why, b.Why...)
		}
		s := a.Inf
		if s == 0 {
			s = b.Inf
		}
		return infEnd(s, why...)
	}
	e := End{Why: mergeWhy(a.Why, b.Why)}
	if _, err := ctx(dir).Add(&e.D, &a.D, &b.D); err != nil {
		return infEnd(dir, "a sum too large to hold")
	}
	return e
}

func ctx(dir int) *apd.Context {
	if dir > 0 {
		return &ctxUp
	}
	return &ctxDown
}

// add returns a + b.
func add(a, b Interval) Interval { return Interval{addEnds(a.Lo, b.Lo, -1), addEnds(a.Hi, b.Hi, 1)} }

// negEnd negates an end.
func negEnd(e End) End {
	out := End{Inf: -e.Inf, Why: e.Why}
	out.D.Neg(&e.D)
	return out
}

// neg returns -a.
func neg(a Interval) Interval { return Interval{negEnd(a.Hi), negEnd(a.Lo)} }

// sub returns a - b.
func sub(a, b Interval) Interval { return add(a, neg(b)) }

// mulEnds multiplies two ends as extended numbers, rounding in direction
// dir. Zero times an infinity is zero: an interval end is a limit, and the
// product of an interval holding only zero is zero.
func mulEnds(a, b End, dir int) End {
	sa, sb := sign(a), sign(b)
	if a.Inf == 0 && sa == 0 {
		return intEnd(0, a.Why...)
	}
	if b.Inf == 0 && sb == 0 {
		return intEnd(0, b.Why...)
	}
	if a.Inf != 0 || b.Inf != 0 {
		var why []string
		if a.Inf != 0 {
			why = append(why, a.Why...)
		}
		if b.Inf != 0 {
			why = append(why, b.Why...)
		}
		return infEnd(sa*sb, why...)
	}
	e := End{Why: mergeWhy(a.Why, b.Why)}
	if _, err := ctx(dir).Mul(&e.D, &a.D, &b.D); err != nil {
		return infEnd(sa*sb, "a product too large to hold")
	}
	return e
}

// corners combines the four pairs of ends of a and b with f, giving the
// least of the results rounded down and the greatest rounded up.
func corners(a, b Interval, f func(x, y End, dir int) End) Interval {
	xs := [2]End{a.Lo, a.Hi}
	ys := [2]End{b.Lo, b.Hi}
	var lo, hi End
	first := true
	for _, x := range xs {
		for _, y := range ys {
			l, h := f(x, y, -1), f(x, y, 1)
			if first {
				lo, hi, first = l, h, false
				continue
			}
			lo, hi = minEnd(lo, l), maxEnd(hi, h)
		}
	}
	return Interval{lo, hi}
}

// mul returns a × b.
func mul(a, b Interval) Interval { return corners(a, b, mulEnds) }

// quoEnds divides end a by end b, which is not zero, rounding in
// direction dir. A finite number over an infinity is zero.
func quoEnds(a, b End, dir int) End {
	sa, sb := sign(a), sign(b)
	switch {
	case a.Inf != 0 && b.Inf != 0:
		return infEnd(sa*sb, append(append([]string(nil), a.Why...), b.Why...)...)
	case a.Inf != 0:
		return infEnd(sa*sb, a.Why...)
	case b.Inf != 0:
		return intEnd(0, b.Why...)
	}
	e := End{Why: mergeWhy(a.Why, b.Why)}
	if _, err := ctx(dir).Quo(&e.D, &a.D, &b.D); err != nil {
		return infEnd(dir, "a quotient too large to hold")
	}
	return e
}

// quo returns a / b. When b may be zero the quotient is unbounded (the
// evaluation of a zero divisor fails, but a divisor near zero makes the
// quotient as large as it likes), unless a is exactly zero.
func quo(a, b Interval, why string) Interval {
	if sign(b.Lo) <= 0 && sign(b.Hi) >= 0 {
		if a.Lo.Inf == 0 && a.Hi.Inf == 0 && a.Lo.D.Sign() == 0 && a.Hi.D.Sign() == 0 {
			return a
		}
		return unbounded(why)
	}
	return corners(a, b, quoEnds)
}

// scale returns a × n for a count n in [0, hi]: the sum of up to hi values
// each in a, or none.
func scale(a Interval, n End) Interval {
	zero := intEnd(0)
	lo := mulEnds(minEnd(a.Lo, zero), n, -1)
	hi := mulEnds(maxEnd(a.Hi, zero), n, 1)
	return Interval{lo, hi}
}

// mapEnds applies a monotone (non-decreasing) function to both ends.
func mapEnds(a Interval, f func(d *apd.Decimal, dir int) *apd.Decimal) Interval {
	out := a
	if a.Lo.Inf == 0 {
		out.Lo = point(f(&a.Lo.D, -1), a.Lo.Why...)
	}
	if a.Hi.Inf == 0 {
		out.Hi = point(f(&a.Hi.D, 1), a.Hi.Why...)
	}
	return out
}

// clampLo raises the lower end to at least zero, and the upper end too:
// an amount that may not be negative.
func clampNonNeg(a Interval) Interval {
	zero := intEnd(0)
	return Interval{maxEnd(a.Lo, zero), maxEnd(a.Hi, zero)}
}

// mergeWhy joins lists of reasons, sorted and without repeats, at most
// maxWhy of them.
func mergeWhy(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	if len(out) == 0 {
		return nil
	}
	sort.Strings(out)
	k := 0
	for i, s := range out {
		if i == 0 || s != out[k-1] {
			out[k] = s
			k++
		}
	}
	out = out[:k]
	if len(out) > maxWhy {
		out = out[:maxWhy]
	}
	return out
}

// maxWhy is the most inputs or reasons an end keeps.
const maxWhy = 8
