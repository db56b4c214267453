package compiler

import (
	"fmt"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
)

// Bands are ranges of one value that each pay their own amount: a chain
// `x < 98 ? a : x < 99.8 ? b : c`, or rules of one kind and scope whose
// `when` each tests one field. Two traps hide in them:
//
//   - band-gap: a value between two bands that no band pays. In a chain it
//     falls through to a final amount of zero; among rules, no rule fires.
//     Only a narrow gap is reported, one a band written for whole numbers
//     leaves in decimals or an off-by-one leaves in whole numbers: a single
//     value (x < 10, then x > 10), or for decimals and amounts an open
//     stretch no wider than the step the thresholds are written in (x <= 9,
//     then x >= 10, leaves 9.5). A wider stretch is taken as meant.
//   - band-overlap: two rules whose ranges share a narrow stretch at their
//     boundary (narrow as for a gap) without one holding the other, so
//     that both pay there (x <= 10 and x >= 10). A range inside another
//     (x >= 4 and x >= 5) is a stacked bonus, and a wide overlap is taken
//     as meant; neither is reported. A chain cannot overlap: its first true branch wins, and a
//     band an earlier one hides is an unreachable-branch.

// band is one range of a subject that pays.
type band struct {
	set  numSet
	node ast.Expr // the condition
	rule *Rule
	src  lintSource
}

// exactSet returns the values of a condition's one subject for which it
// holds, when the condition tests that subject alone with comparisons.
func (ck *checker) exactSet(e ast.Expr, vars map[string]*Schema) (*subject, numSet, bool) {
	subs := ck.subjectsIn(e, vars)
	if len(subs) != 1 {
		return nil, nil, false
	}
	s := subs[0]
	lo, up := ck.approx(e, s, vars)
	if !lo.subsetOf(up, s.kind) || !up.subsetOf(lo, s.kind) {
		return nil, nil, false
	}
	return s, lo, true
}

// isZero reports whether e is a constant zero: 0, 0%, £0.00.
func (ck *checker) isZero(e ast.Expr) bool {
	v, _ := ck.constOf(e)
	d, _, ok := toNumber(v)
	return ok && d.IsZero()
}

// chainGap reports a narrow gap in the chain of bands starting at the
// `? :` e, whose final else is zero.
func (rl *rangeLint) chainGap(e ast.Expr, at reach) {
	ck, vars := rl.ck, rl.src.vars
	var conds []ast.Expr
	node := e
	for node.Kind() == ast.CallKind && node.AsCall().FunctionName() == operators.Conditional {
		args := node.AsCall().Args()
		if generated(args[1], args[2]) {
			return
		}
		conds = append(conds, args[0])
		node = args[2]
	}
	if len(conds) < 2 || !ck.isZero(node) {
		return
	}
	var s *subject
	var bands []band
	for _, c := range conds {
		cs, set, ok := ck.exactSet(c, vars)
		if !ok || s != nil && cs != s {
			return
		}
		s = cs
		bands = append(bands, band{set: set, node: c, src: rl.src})
	}
	for _, g := range ck.gaps(s, at.of(s), bands) {
		b := g.by
		ck.diags.Warnf(rl.span(b.node.ID()), "band-gap", "no band pays when %s is %s: it falls through to %s",
			s.key, g.hole.describe(ck.show(s.kind)), rl.text(node.ID())).Detail = gapHint
	}
}

const gapHint = "start each band where the one before ends (x < 10, then x >= 10), so that every value falls in one"

// gap is a hole between bands and the band reported for it.
type gap struct {
	hole numSet
	by   band
}

// gaps returns the narrow holes between bands within the values d.
func (ck *checker) gaps(s *subject, d numSet, bands []band) []gap {
	k := s.kind
	var covered numSet
	for _, b := range bands {
		covered = covered.union(b.set.intersect(d, k), k)
	}
	var out []gap
	for _, h := range d.minus(covered, k) {
		hole := numSet{h}
		if h.lo.inf || h.hi.inf || !ck.narrow(h, k) {
			continue
		}
		below, above := false, false
		for _, c := range covered {
			below = below || !c.hi.inf && c.hi.v.Cmp(h.lo.v) <= 0
			above = above || !c.lo.inf && c.lo.v.Cmp(h.hi.v) >= 0
		}
		if !below || !above {
			continue
		}
		// Report at the last band that borders the hole.
		var by *band
		for i := range bands {
			if len(bands[i].set.union(hole, k)) <= len(bands[i].set) {
				by = &bands[i]
			}
		}
		if by != nil {
			out = append(out, gap{hole: hole, by: *by})
		}
	}
	return out
}

// narrow reports whether a hole is one a slip leaves: a single value, or
// for decimals and amounts an open stretch no wider than the step its
// ends are written in (9 and 10: 1; 9.99 and 10: 0.01).
func (ck *checker) narrow(h interval, k numKind) bool {
	width, err := h.hi.v.Sub(h.lo.v)
	if err != nil {
		return false
	}
	if width.IsZero() {
		return true
	}
	if k.whole() {
		return false
	}
	places := max(decimalPlaces(h.lo.v.String()), decimalPlaces(h.hi.v.String()))
	step := value.DecimalFromInt(1)
	for range places {
		step, _ = step.Quo(value.DecimalFromInt(10))
	}
	if width.Cmp(step) > 0 {
		return false
	}
	if k == numMoney && places >= int(ck.c.MinorUnits) {
		// An amount is paid in whole minor units: £99.99 and £100.00
		// leave nothing between them.
		return false
	}
	return true
}

// lintRuleBands reports gaps and overlaps among rules of one kind and
// scope whose `when` each tests the same one field or let.
func (ck *checker) lintRuleBands() {
	type group struct {
		s     *subject
		bands []band
	}
	groups := map[string]*group{}
	var order []string
	for _, d := range ck.rules {
		r := ck.c.rules[d.Name.Text]
		if r == nil || !r.HasLines() || r.When == nil {
			continue
		}
		src, ok := ck.lintSrc[r.When]
		if !ok {
			continue
		}
		root := r.When.AST.NativeRep().Expr()
		s, set, ok := ck.exactSet(root, src.vars)
		if !ok {
			continue
		}
		set = set.intersect(s.univ, s.kind)
		if set.isEmpty() || s.univ.subsetOf(set, s.kind) {
			continue // always false or always true: reported as such
		}
		key := fmt.Sprintf("%s\x00%s\x00%s", r.Kind, r.Scope, s.key)
		g := groups[key]
		if g == nil {
			g = &group{s: s}
			groups[key] = g
			order = append(order, key)
		}
		g.bands = append(g.bands, band{set: set, node: root, rule: r, src: src})
	}
	for _, key := range order {
		g := groups[key]
		if len(g.bands) < 2 {
			continue
		}
		s, k := g.s, g.s.kind
		for j, b := range g.bands {
			for _, a := range g.bands[:j] {
				both := a.set.intersect(b.set, k)
				if len(both) != 1 || !ck.narrow(both[0], k) || a.set.subsetOf(b.set, k) || b.set.subsetOf(a.set, k) {
					continue
				}
				ck.diags.Warnf(b.src.p.nodeSpan(b.node.ID()), "band-overlap", "%s %s and %s both pay when %s is %s",
					a.rule.Kind, a.rule.Name, b.rule.Name, s.key, both.describe(ck.show(k))).Detail =
					"bands that share values pay twice for them: make one comparison strict (< rather than <=) so that each value falls in one band"
				break
			}
		}
		for _, gp := range ck.gaps(s, s.univ, g.bands) {
			var names []string
			for _, b := range g.bands {
				names = append(names, b.rule.Name)
			}
			ck.diags.Warnf(gp.by.src.p.nodeSpan(gp.by.node.ID()), "band-gap", "no band pays when %s is %s: none of the rules %s fires",
				s.key, gp.hole.describe(ck.show(k)), words.And(names)).Detail = gapHint
		}
	}
}
