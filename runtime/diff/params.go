package diff

import (
	"strconv"
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
)

// ParamChange is a param whose value differs between the evaluations, or
// that one contract has and the other lacks.
type ParamChange struct {
	Name string
	// Old and New are the values the evaluations used, as statements
	// show them (value.Format: money without its sign, a percentage as a
	// fraction); "" on the side whose contract has no such param.
	Old, New string
	// OldSet and NewSet say the value was given for a what-if rather
	// than the contract's own.
	OldSet, NewSet bool
	// OldParam and NewParam are the contracts' declarations, nil on the
	// side that has none, for writing the values as the contract does.
	OldParam, NewParam *compiler.Param
}

// Change says what happened to the param: "added", "removed" or
// "changed".
func (p ParamChange) Change() string {
	switch {
	case p.OldParam == nil:
		return "added"
	case p.NewParam == nil:
		return "removed"
	}
	return "changed"
}

// params returns the params that differ.
func params(old, new Side) []ParamChange {
	oldVals := paramValues(old.Statement)
	newVals := paramValues(new.Statement)
	var out []ParamChange
	for _, p := range old.Contract.Settable() {
		o := oldVals[p.Name]
		pc := ParamChange{Name: p.Name, Old: o.Value, OldSet: o.Set, OldParam: p}
		if np := new.Contract.SettableParam(p.Name); np != nil {
			n := newVals[p.Name]
			if sameValue(o.Value, n.Value) && sameType(p, np) {
				continue
			}
			pc.New, pc.NewSet, pc.NewParam = n.Value, n.Set, np
		}
		out = append(out, pc)
	}
	for _, p := range new.Contract.Settable() {
		if old.Contract.SettableParam(p.Name) != nil {
			continue
		}
		n := newVals[p.Name]
		out = append(out, ParamChange{Name: p.Name, New: n.Value, NewSet: n.Set, NewParam: p})
	}
	return out
}

// paramValues returns a statement's params by name.
func paramValues(s *runtime.Statement) map[string]runtime.ParamValue {
	m := map[string]runtime.ParamValue{}
	for _, p := range s.Params {
		m[p.Name] = p
	}
	return m
}

// sameValue reports whether two values as statements write them are
// equal: as numbers when both are (19.6 and 19.60 are one price), else as
// text.
func sameValue(a, b string) bool {
	x, errA := value.ParseDecimal(a)
	y, errB := value.ParseDecimal(b)
	if errA == nil && errB == nil {
		return x.Cmp(y) == 0
	}
	return a == b
}

// sameType reports whether two params are of one type and written alike
// (a percentage in both, or in neither): 25% and 0.25 are one value, but
// a contract that changes a price into a count has changed the param.
func sameType(a, b *compiler.Param) bool {
	return a.Type.String() == b.Type.String() && a.Percent == b.Percent
}

// RuleChange is a rule added, removed or changed.
type RuleChange struct {
	Name string
	// Change is "added", "removed" or "changed".
	Change string
	// Kind and Title are the new rule's, or the removed rule's.
	Kind, Title string
	// Parts are what changed in a changed rule: each clause whose text
	// differs, in a fixed order (kind, title, scope, when, amount, basis,
	// part, limit, covers, measure, target, value, breach, repeated,
	// instalments, reason), with its old and new text; "" where a side
	// has no such clause. Expressions are compared with their runs of
	// spaces and line breaks as one space.
	Parts []PartChange
}

// PartChange is one clause of a rule that differs.
type PartChange struct {
	Clause   string
	Old, New string
}

// rules returns the rules that differ.
func rules(old, new *compiler.Contract) []RuleChange {
	var out []RuleChange
	for _, r := range old.Rules {
		nr := new.Rule(r.Name)
		if nr == nil {
			out = append(out, RuleChange{Name: r.Name, Change: "removed", Kind: string(r.Kind), Title: r.Title})
			continue
		}
		if parts := ruleParts(r, nr); len(parts) > 0 {
			out = append(out, RuleChange{Name: r.Name, Change: "changed", Kind: string(nr.Kind), Title: nr.Title, Parts: parts})
		}
	}
	for _, r := range new.Rules {
		if old.Rule(r.Name) == nil {
			out = append(out, RuleChange{Name: r.Name, Change: "added", Kind: string(r.Kind), Title: r.Title})
		}
	}
	return out
}

// ruleParts returns the clauses of two rules of one name that differ.
func ruleParts(a, b *compiler.Rule) []PartChange {
	x, y := clauses(a), clauses(b)
	var out []PartChange
	for i := range x {
		if x[i][1] != y[i][1] {
			out = append(out, PartChange{Clause: x[i][0], Old: x[i][1], New: y[i][1]})
		}
	}
	return out
}

// clauses returns a rule's clauses as (name, text) pairs, in a fixed
// order, each "" when the rule has none.
func clauses(r *compiler.Rule) [][2]string {
	expr := func(e *compiler.Expression) string {
		if e == nil || e.Source == nil {
			return ""
		}
		return strings.Join(strings.Fields(e.Source.Text), " ")
	}
	var covers []string
	for _, c := range r.Covers {
		covers = append(covers, c.Name)
	}
	target := expr(r.Target)
	if target != "" && r.TargetOp != "" {
		target = r.TargetOp + " " + target
	}
	repeated := r.Repeated
	if r.RepeatCount != 0 {
		repeated = strconv.Itoa(r.RepeatCount) + " " + strconv.Quote(r.Repeated)
	}
	instalments := ""
	if r.Instalments != 0 {
		instalments = r.Instalments.String()
	}
	return [][2]string{
		{"kind", string(r.Kind)},
		{"title", r.Title},
		{"scope", r.Scope.String()},
		{"when", expr(r.When)},
		{"amount", expr(r.Amount)},
		{"basis", expr(r.Basis)},
		{"part", expr(r.Part)},
		{"limit", expr(r.Limit)},
		{"covers", strings.Join(covers, ", ")},
		{"measure", expr(r.Measure)},
		{"target", target},
		{"value", expr(r.Value)},
		{"breach", r.Breach},
		{"repeated", repeated},
		{"instalments", instalments},
		{"reason", r.Reason},
	}
}
