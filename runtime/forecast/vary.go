package forecast

import (
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// DefaultSteps is the number of values a sweep takes when Vary.Steps is
// 0, and MaxSteps the most it takes.
const (
	DefaultSteps = 5
	MaxSteps     = 101
)

// Vary is a sensitivity sweep: the term total at Steps evenly spaced
// values of a contract param or scenario var from From to To, both
// included. The values are rounded to pennies for money, to whole numbers
// for ints and days, and to two more places than From and To are written
// with (at most 6) for other numbers; values that round to the same
// number are taken once.
type Vary struct {
	// Name is a money, number, whole-number or days param of the
	// contract, or a var of the scenario.
	Name string
	// From and To are the first and last values: an amount of money, a
	// number, or a number of days.
	From, To value.Decimal
	// Steps is the number of values, 2 to MaxSteps; 0 means DefaultSteps.
	Steps int
}

// vary is a checked Vary: the values a param or var takes.
type vary struct {
	name, kind string
	labels     []string
	params     []ref.Val
	vars       []value.Decimal
}

// sweep checks a Vary and works out its values.
func sweep(c *compiler.Contract, src Source, vr Vary) (*vary, error) {
	steps := vr.Steps
	if steps == 0 {
		steps = DefaultSteps
	}
	if steps < 2 || steps > MaxSteps {
		return nil, optionError(CodeBadVary, "a sweep takes 2 to %d steps, not %d", MaxSteps, steps)
	}
	kind, err := TargetKind(c, src, vr.Name)
	if err != nil {
		return nil, err
	}
	v := &vary{name: vr.Name, kind: kind}
	a, b := vr.From, vr.To
	var mk func(d value.Decimal) ref.Val
	places := int32(0)
	if kind == "param" {
		if places, mk, err = paramSweep(c, vr); err != nil {
			return nil, err
		}
	} else if !a.IsInteger() || !b.IsInteger() {
		places = min(max(placesOf(a), placesOf(b))+2, 6)
	}
	span, _ := b.Sub(a)
	seen := map[string]bool{}
	for k := range steps {
		x, _ := span.Mul(value.DecimalFromInt(int64(k)))
		x, _ = x.Quo(value.DecimalFromInt(int64(steps - 1)))
		x, _ = a.Add(x)
		x = trimZeros(value.Round(x, places, value.HalfUp), placesOfKind(mk, places, kind, c))
		label := x.String()
		if seen[label] {
			continue
		}
		seen[label] = true
		if kind == "param" {
			pv := mk(x)
			v.params = append(v.params, pv)
			label = formatVal(pv)
		} else {
			v.vars = append(v.vars, x)
		}
		v.labels = append(v.labels, label)
	}
	return v, nil
}

// paramSweep returns the places a swept param's values are rounded to
// and the function that makes a value of the param from a number.
func paramSweep(c *compiler.Contract, vr Vary) (int32, func(value.Decimal) ref.Val, error) {
	prm := c.SettableParam(vr.Name)
	whole := func() error {
		if !vr.From.IsInteger() || !vr.To.IsInteger() {
			return optionError(CodeBadVary, "param %s is a whole number, but the sweep is from %s to %s", vr.Name, vr.From, vr.To)
		}
		return nil
	}
	switch prm.Default.(type) {
	case value.Money:
		return c.MinorUnits, func(d value.Decimal) ref.Val { return value.MoneyOf(d) }, nil
	case value.Decimal:
		return min(max(placesOf(vr.From), placesOf(vr.To))+2, 6), func(d value.Decimal) ref.Val { return d }, nil
	case types.Int:
		return 0, func(d value.Decimal) ref.Val { n, _ := d.Int64(); return types.Int(n) }, whole()
	case value.Days:
		return 0, func(d value.Decimal) ref.Val { n, _ := d.Int64(); return value.Days(n) }, whole()
	}
	return 0, nil, optionError(CodeBadVary, "param %s is %s; only money, number, whole-number and days params can be swept", vr.Name, prm.Default.Type().TypeName())
}

// placesOfKind is the least number of places a swept value keeps: money
// keeps its pennies.
func placesOfKind(mk func(value.Decimal) ref.Val, places int32, kind string, c *compiler.Contract) int32 {
	if kind == "param" && mk != nil {
		if _, ok := mk(value.DecimalFromInt(0)).(value.Money); ok {
			return c.MinorUnits
		}
	}
	return 0
}

// trimZeros drops trailing fractional zeros beyond keep places.
func trimZeros(d value.Decimal, keep int32) value.Decimal {
	s := d.String()
	if !strings.Contains(s, ".") {
		return d
	}
	i := strings.IndexByte(s, '.')
	for len(s)-i-1 > int(keep) && strings.HasSuffix(s, "0") {
		s = s[:len(s)-1]
	}
	s = strings.TrimSuffix(s, ".")
	out, err := value.ParseDecimal(s)
	if err != nil {
		return d
	}
	return out
}
