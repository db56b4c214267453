package runtime

import (
	"fmt"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
)

// lag returns the value of a lag (previous(NAME, n), sum_previous(NAME,
// n), count_previous(NAME, n)) read by activation a: NAME as the rule
// reading it would read it (its own instance, the containing one, or the
// sum over the narrower ones), in earlier instances of the rule's scope.
func (ev *evaluation) lag(a *activation, name string) ref.Val {
	rs := a.rs
	l, ok := compiler.ParseLag(name)
	t := ev.p.c.Rule(l.Name)
	if !ok || t == nil {
		return types.NewErr("%s is not a rule or let", name)
	}
	at := func(k int) ref.Val {
		if t == rs.rule && rs.self != nil {
			return ev.value(rs.self, k) // its own earlier instance, already evaluated
		}
		return ev.lagSource(rs, t, k).read(t, rs.scope, k)
	}
	i := a.inst
	switch l.Kind {
	case compiler.LagPrevious:
		k := i - l.N
		if k < 0 {
			if l.N == 1 {
				return types.NewErr("%s has no value in the first %s of the term; test `first` before reading it", l, rs.scope.kind)
			}
			return types.NewErr("%s has no value in the first %d %ss of the term; test `period_number > %d` before reading it", l, l.N, rs.scope.kind, l.N)
		}
		return at(k)
	case compiler.LagSum:
		var acc ref.Val
		for k := max(0, i-l.N); k < i; k++ {
			v := at(k)
			if types.IsError(v) {
				return v
			}
			if acc == nil {
				acc = v
				continue
			}
			var err error
			if acc, err = add(acc, v); err != nil {
				return types.WrapErr(err)
			}
		}
		if acc == nil {
			return zeroOf(t)
		}
		return acc
	case compiler.LagCount:
		n := 0
		for k := max(0, i-l.N); k < i; k++ {
			switch v := at(k); {
			case types.IsError(v):
				return v
			case v == types.True:
				n++
			}
		}
		return types.Int(n)
	}
	return types.WrapErr(fmt.Errorf("unknown lag %s", name))
}
