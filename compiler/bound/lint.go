package bound

import (
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/words"
)

// Lint returns warnings about caps and floors the bound analysis shows to
// be inert or always in force, on the contract's own params and declared
// ranges: a cap whose limit is never below the most its rules can come to
// (cap-never-binds), and a floor whose limit is always above the most its
// rules can come to (floor-always-binds). Caps and floors over sanctions
// are left alone.
func Lint(c *compiler.Contract) lang.Diagnostics {
	a, err := newAnalysis(c, Options{})
	if err != nil {
		return nil
	}
	var out lang.Diagnostics
	for _, r := range a.limits() {
		if coversSanctions(r) || r.Limit == nil {
			continue
		}
		limLo, covHi, ok := a.extremes(r)
		if !ok {
			continue
		}
		names := make([]string, len(r.Covers))
		for i, cv := range r.Covers {
			names[i] = cv.Name
		}
		what := words.And(names)
		per := r.Scope.String()
		switch r.Kind {
		case lang.Cap:
			d := out.Warnf(r.Limit.Source.Span, "cap-never-binds", "cap %s can never bind: its limit is at least %s %s, and %s can come to at most %s",
				r.Name, a.money(&limLo.D), per, what, a.money(&covHi.D))
			d.Detail = "lower the limit, or remove the cap" + reached(covHi)
		case lang.Floor:
			d := out.Warnf(r.Limit.Source.Span, "floor-always-binds", "floor %s always binds: its limit is at least %s %s, above the most %s can come to, %s",
				r.Name, a.money(&limLo.D), per, what, a.money(&covHi.D))
			d.Detail = "the rules it covers never reach it, so it pays the limit every time; lower the limit or pay it as a rule" + reached(covHi)
		}
	}
	return out
}

func reached(e End) string {
	if len(e.Why) == 0 {
		return ""
	}
	return " (the most is reached with " + strings.Join(e.Why, ", ") + ")"
}

// extremes returns, for cap or floor r whose limit is, in every instance
// of its scope, at or above (a cap) or above (a floor) the most it covers
// there, the least limit and the most covered of the instance nearest to
// binding; ok is false when some instance may bind, or either is
// unbounded.
func (a *analysis) extremes(r *compiler.Rule) (limLo, covHi End, ok bool) {
	inert := func(lim, cov Interval) bool {
		if lim.Lo.Inf != 0 || cov.Hi.Inf != 0 {
			return false
		}
		c := cmpEnd(lim.Lo, cov.Hi)
		if c < 0 || c == 0 && r.Kind == lang.Floor {
			return false
		}
		if !ok || cmpEnd(addEnds(lim.Lo, negEnd(cov.Hi), -1), addEnds(limLo, negEnd(covHi), -1)) < 0 {
			limLo, covHi, ok = lim.Lo, cov.Hi, true
		}
		return true
	}
	k := r.Scope.Kind
	if !k.IsTime() {
		if !inert(a.limitAt(r, atOf(r, -1)), a.instanceCovered(r)) {
			return End{}, End{}, false
		}
		return limLo, covHi, ok
	}
	for i := 0; i < a.cal.Count(k); i++ {
		f, l := a.cal.MonthRange(k, i)
		if !inert(a.limitAt(r, atOf(r, i)), a.covered(r, f, l)) {
			return End{}, End{}, false
		}
	}
	return limLo, covHi, ok
}
