package bound

import (
	"fmt"

	"github.com/cockroachdb/apd/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
)

// limits returns the contract's caps and floors in the order the evaluator
// applies them.
func (a *analysis) limits() []*compiler.Rule {
	var out []*compiler.Rule
	for _, r := range a.c.Rules {
		if r.Kind == lang.Cap || r.Kind == lang.Floor {
			out = append(out, r)
		}
	}
	return out
}

// lineRules returns the contract's rules with lines.
func (a *analysis) lineRules() []*compiler.Rule {
	var out []*compiler.Rule
	for _, r := range a.c.Rules {
		if r.HasLines() {
			out = append(out, r)
		}
	}
	return out
}

// stacked returns the caps and floors applied before c over only rules c
// covers: c counts their adjustments.
func (a *analysis) stacked(c *compiler.Rule) []*compiler.Rule {
	covers := map[*compiler.Rule]bool{}
	for _, r := range c.Covers {
		covers[r] = true
	}
	var out []*compiler.Rule
	for _, o := range a.limits() {
		if o == c {
			break
		}
		subset := true
		for _, r := range o.Covers {
			subset = subset && covers[r]
		}
		if subset {
			out = append(out, o)
		}
	}
	return out
}

func coversSanctions(c *compiler.Rule) bool {
	return len(c.Covers) > 0 && c.Covers[0].Kind == lang.Sanction
}

// group is a set of rules and caps or floors whose lines and adjustments
// are bounded together.
type group struct {
	items map[*compiler.Rule]bool
	iv    Interval
}

// total returns the interval of the sum, over months first to last, of
// the lines of rules lines and the adjustments of caps and floors limits
// (in the order they apply). A cap or floor whose every instance that meets
// the months lies within them bounds what it covers there by its limit;
// any other adds its own adjustments' bounds. In an analysis of one
// payer's parts, a cap or floor for that payer bounds them by its limit,
// and one over every payer's by the payer's share of it (see payers.go).
func (a *analysis) total(lines, limits []*compiler.Rule, first, last int) Interval {
	var groups []*group
	for _, r := range lines {
		groups = append(groups, &group{items: map[*compiler.Rule]bool{r: true}, iv: a.linesIn(r, first, last)})
	}
	for _, c := range a.limitsFor(limits) {
		covered := map[*compiler.Rule]bool{}
		for _, r := range c.Covers {
			covered[r] = true
		}
		for _, s := range a.stacked(c) {
			covered[s] = true
		}
		if (a.bindsParts(c) || c.Payer == nil) && a.aligned(c, first, last) && !coversSanctions(c) {
			ok := true
			var members []*group
			for _, g := range groups {
				touch, inside := false, true
				for it := range g.items {
					touch = touch || covered[it]
					inside = inside && covered[it]
				}
				if touch {
					ok = ok && inside
					members = append(members, g)
				}
			}
			if ok {
				var iv Interval
				if a.bindsParts(c) {
					iv = a.postIn(c, first, last)
				} else {
					// One payer's parts under a cap or floor over every
					// payer's: its parts of the lines and adjustment
					// apart, or its share of what they come to together.
					iv = a.limitAdjIn(c, first, last)
					for _, g := range members {
						iv = add(iv, g.iv)
					}
					iv = meet(iv, a.sharedPost(c, first, last))
				}
				merged := &group{items: map[*compiler.Rule]bool{c: true}, iv: iv}
				var rest []*group
				for _, g := range groups {
					if contains1(members, g) {
						for it := range g.items {
							merged.items[it] = true
						}
						continue
					}
					rest = append(rest, g)
				}
				groups = append(rest, merged)
				continue
			}
		}
		groups = append(groups, &group{items: map[*compiler.Rule]bool{c: true}, iv: a.limitAdjIn(c, first, last)})
	}
	sum := moneyZero()
	for _, g := range groups {
		sum = add(sum, g.iv)
	}
	return sum
}

func contains1(gs []*group, g *group) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

// aligned reports whether every instance of cap or floor c that meets
// months first to last lies within them.
func (a *analysis) aligned(c *compiler.Rule, first, last int) bool {
	k := c.Scope.Kind
	if !k.IsTime() {
		return false
	}
	for i := 0; i < a.cal.Count(k); i++ {
		f, l := a.cal.MonthRange(k, i)
		if l < first || f > last {
			continue
		}
		if f < first || l > last {
			return false
		}
	}
	return true
}

// covered returns the interval of what cap or floor c covers in months
// first to last: its rules' lines and the adjustments of the caps and
// floors stacked below it.
func (a *analysis) covered(c *compiler.Rule, first, last int) Interval {
	return a.total(c.Covers, a.stacked(c), first, last)
}

// limitAt returns c's limit in instance at, rounded as the evaluator
// rounds it.
func (a *analysis) limitAt(c *compiler.Rule, at scopeAt) Interval {
	return roundIv(numOf(a.expr(c, c.Limit, at)), a.c.MinorUnits, a.c.Rounding)
}

// postIn returns, for a cap or floor over rules other than sanctions whose
// instances meeting months first to last lie within them, the interval of
// what the rules it covers come to there once it is applied: at most the
// limit for a cap, at least the limit for a floor, instance by instance.
func (a *analysis) postIn(c *compiler.Rule, first, last int) Interval {
	k := c.Scope.Kind
	sum := moneyZero()
	zero := intEnd(0)
	for i := 0; i < a.cal.Count(k); i++ {
		f, l := a.cal.MonthRange(k, i)
		if f < first || l > last {
			continue
		}
		cov := a.covered(c, f, l)
		lim := a.limitAt(c, atOf(c, i))
		var post Interval
		if c.Kind == lang.Cap {
			// A cap over no lines removes nothing: the covered amount,
			// zero, stays.
			post = Interval{minEnd(cov.Lo, lim.Lo), minEnd(cov.Hi, maxEnd(lim.Hi, zero))}
		} else {
			post = Interval{maxEnd(cov.Lo, lim.Lo), maxEnd(cov.Hi, lim.Hi)}
		}
		sum = add(sum, post)
	}
	return sum
}

// adjIn returns the interval of cap or floor c's adjustments in months
// first to last.
func (a *analysis) adjIn(c *compiler.Rule, first, last int) Interval {
	zero := intEnd(0)
	k := c.Scope.Kind
	if coversSanctions(c) {
		if c.Kind == lang.Cap {
			// It gives back at most the sanctions' size.
			cov := a.covered(c, first, last)
			return Interval{zero, maxEnd(negEnd(cov.Lo), zero)}
		}
		return Interval{infEnd(-1, "floor "+c.Name+" over sanctions enlarges them without a bound occ bound follows"), zero}
	}
	if c.Kind == lang.Cap {
		// A cap removes, in a period, at most what its rules added there,
		// and in its first period also what a negative limit takes.
		if !k.IsTime() {
			cov := a.covered(c, first, last)
			lim := a.limitAt(c, atOf(c, -1))
			neg := mulEnds(maxEnd(negEnd(lim.Lo), zero), a.instancesIn(c.Scope, first, last), 1)
			return Interval{negEnd(addEnds(maxEnd(cov.Hi, zero), neg, 1)), zero}
		}
		sum := moneyZero()
		for i := 0; i < a.cal.Count(k); i++ {
			f, l := a.cal.MonthRange(k, i)
			if l < first || f > last {
				continue
			}
			lim := a.limitAt(c, atOf(c, i))
			var lo End
			if f >= first && l <= last {
				cov := a.covered(c, f, l)
				lo = negEnd(maxEnd(addEnds(cov.Hi, negEnd(lim.Lo), 1), zero))
			} else {
				cov := a.covered(c, max(f, first), min(l, last))
				lo = negEnd(addEnds(maxEnd(cov.Hi, zero), maxEnd(negEnd(lim.Lo), zero), 1))
			}
			sum = add(sum, Interval{lo, zero})
		}
		return sum
	}
	// A floor makes up the shortfall in its instance's last period.
	if !k.IsTime() {
		cov := a.instanceCovered(c)
		lim := a.limitAt(c, atOf(c, -1))
		short := maxEnd(addEnds(lim.Hi, negEnd(cov.Lo), 1), zero)
		return Interval{zero, mulEnds(short, a.instancesIn(c.Scope, first, last), 1)}
	}
	sum := moneyZero()
	for i := 0; i < a.cal.Count(k); i++ {
		f, l := a.cal.MonthRange(k, i)
		if l < first || l > last {
			continue
		}
		cov := a.covered(c, f, l)
		lim := a.limitAt(c, atOf(c, i))
		sum = add(sum, Interval{maxEnd(addEnds(lim.Lo, negEnd(cov.Hi), -1), zero), maxEnd(addEnds(lim.Hi, negEnd(cov.Lo), 1), zero)})
	}
	return sum
}

// instanceCovered returns the interval of what cap or floor c per person
// (or per group) covers for one person (or group) over the term.
func (a *analysis) instanceCovered(c *compiler.Rule) Interval {
	sum := moneyZero()
	person := atOf(c, -1)
	for _, r := range c.Covers {
		v := numOf(a.read(r, person))
		if a.split() {
			// The payer's parts of the person's lines of r.
			v = a.partsOfSum(v, a.shareIn(r, 0, a.months-1), a.personLines(r))
		}
		sum = add(sum, v)
	}
	for _, s := range a.stacked(c) {
		if s.Kind == lang.Cap {
			sum = Interval{infEnd(-1, fmt.Sprintf("%s %s applies first", s.Kind, s.Name)), sum.Hi}
		} else {
			sum = Interval{sum.Lo, infEnd(1, fmt.Sprintf("%s %s applies first", s.Kind, s.Name))}
		}
	}
	return sum
}

var _ = apd.New
