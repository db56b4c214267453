package prose

import (
	"fmt"
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/words"
)

// KindWord says in words what a rule of kind k does: "pays the provider",
// "deducts", "caps".
func KindWord(k lang.RuleKind) string {
	switch k {
	case lang.Payment:
		return "payment"
	case lang.Incentive:
		return "incentive payment"
	case lang.Sanction:
		return "deduction"
	case lang.Share:
		return "shared saving"
	case lang.Cap:
		return "cap"
	case lang.Floor:
		return "floor"
	case lang.Standard:
		return "performance standard"
	case lang.Flag:
		return "flag for review"
	case lang.Exclude:
		return "exclusion"
	case lang.Let:
		return "value used by other rules"
	}
	return string(k)
}

var targetWords = map[string]string{
	">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "==": "exactly", "!=": "other than",
}

// Rule writes rule r as one or more sentences of the payment schedule.
func (w *Writer) Rule(r *compiler.Rule) (string, error) {
	var err error
	sayAt := func(e *compiler.Expression, prec int) string {
		if e == nil {
			return ""
		}
		p, e2 := w.phrase(r, e.Source)
		if e2 != nil && err == nil {
			err = e2
		}
		return wrap(p, prec)
	}
	say := func(e *compiler.Expression) string { return sayAt(e, 0) }
	// is joins a name to its value: "is 3", but "is: if … then …".
	is := func(verb string, e *compiler.Expression) string {
		v := say(e)
		if strings.HasPrefix(v, "if ") {
			return verb + ": " + v
		}
		return verb + " " + v
	}
	lead := Scope(r.Scope)
	if r.When != nil {
		lead += ", when " + say(r.When)
	}
	var s string
	switch r.Kind {
	case lang.Payment, lang.Incentive:
		s = lead + ": " + say(r.Amount) + "."
		if r.Instalments != 0 {
			s = strings.TrimSuffix(s, ".") + ", paid in equal " + r.Instalments.SettlementWord() + " instalments, the last taking any remainder."
		}
	case lang.Sanction:
		s = lead + ": " + say(r.Amount) + ", deducted from the payment."
	case lang.Share:
		s = lead + ": the provider is paid " + sayAt(r.Part, precMul) + " of " + sayAt(r.Basis, precMul) + "."
	case lang.Cap, lang.Floor:
		var covered []string
		for _, c := range r.Covers {
			covered = append(covered, RuleName(c))
		}
		verb, fix := "pay at most ", "; anything above that is taken off."
		if r.Kind == lang.Floor {
			verb, fix = "pay at least ", "; any shortfall is added."
		}
		if len(covered) == 1 {
			verb = strings.Replace(verb, "pay", "pays", 1)
		} else {
			verb = "together " + verb
		}
		s = lead + ", " + words.And(covered) + " " + verb + say(r.Limit) + fix
	case lang.Standard:
		op := targetWords[r.TargetOp]
		if op == "" {
			op = r.TargetOp
		}
		s = lead + ", " + say(r.Measure) + " must be " + op + " " + sayAt(r.Target, precAdd) + "."
		if r.Breach != "" {
			s += " If it is not: " + lowerFirst(r.Breach) + "."
		}
		if r.Repeated != "" {
			s += " After " + words.Number(r.RepeatCount) + " breaches in a row: " + lowerFirst(r.Repeated) + "."
		}
	case lang.Flag:
		s = lead + ": the " + strings.TrimPrefix(ScopeShort(r.Scope), "each ") + " is flagged for attention."
	case lang.Exclude:
		s = "A " + Name(r.Scope.Schema.Name) + " is left out of the payment when " + say(r.When) + "."
		if r.Reason != "" && r.Reason != r.Title {
			s += " Reason: " + lowerFirst(r.Reason) + "."
		}
	case lang.Let:
		s = lead + ", " + RuleName(r) + " " + is("is", r.Value) + "."
	}
	if r.Once != nil {
		g := groupWords(r.Once)
		s += fmt.Sprintf(" It is paid once for each %s: of the %ss with the same %s, the first that qualifies is paid, and each later one is flagged and not paid.",
			g, Name(r.Scope.Schema.Name), g)
	}
	return upperFirst(s) + rulePayers(w.c, r), err
}
