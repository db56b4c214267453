package forecast

import (
	"fmt"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"occ/compiler"
	"occ/compiler/value"
)

// vary is a parsed --vary: the values a param or var takes.
type vary struct {
	name, kind string
	labels     []string
	params     []ref.Val
	vars       []value.Decimal
}

// defaultSteps is the number of values a sweep takes without :STEPS.
const defaultSteps = 5

// parseVary reads NAME=FROM..TO[:STEPS]. FROM and TO of a param are
// written as in the contract (£18.00, 20%, 30 days); of a var, as numbers.
// The values are evenly spaced from FROM to TO, both included, rounded to
// pennies for money, to whole numbers for ints and days, and to two more
// places than FROM and TO are written with (at most 6) for other numbers;
// values that round to the same number are taken once.
func parseVary(c *compiler.Contract, sc *Scenario, text string) (*vary, error) {
	bad := func(format string, args ...any) error {
		return optionErr("--vary %q: %s", text, fmt.Sprintf(format, args...))
	}
	name, rng, ok := strings.Cut(text, "=")
	if !ok {
		return nil, bad("write NAME=FROM..TO or NAME=FROM..TO:STEPS, e.g. hourly_rate=£18.00..£22.00:5")
	}
	name = strings.TrimSpace(name)
	steps := defaultSteps
	if i := strings.LastIndex(rng, ":"); i >= 0 {
		n, err := strconv.Atoi(strings.TrimSpace(rng[i+1:]))
		if err != nil || n < 2 || n > 101 {
			return nil, bad("STEPS must be a whole number from 2 to 101")
		}
		steps, rng = n, rng[:i]
	}
	from, to, ok := strings.Cut(rng, "..")
	if !ok {
		return nil, bad("write the range as FROM..TO")
	}
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	kind, err := targetKind(c, sc, name, "--vary")
	if err != nil {
		return nil, err
	}
	v := &vary{name: name, kind: kind}
	var a, b value.Decimal
	var mk func(d value.Decimal) ref.Val
	places := int32(0)
	if kind == "param" {
		fv, err := c.ParseParam(name, from)
		if err != nil {
			return nil, bad("%v", err)
		}
		tv, err := c.ParseParam(name, to)
		if err != nil {
			return nil, bad("%v", err)
		}
		switch x := fv.(type) {
		case value.Money:
			a, b, places = x.Decimal(), tv.(value.Money).Decimal(), c.MinorUnits
			mk = func(d value.Decimal) ref.Val { return value.MoneyOf(d) }
		case value.Decimal:
			a, b = x, tv.(value.Decimal)
			places = min(max(placesOf(a), placesOf(b))+2, 6)
			mk = func(d value.Decimal) ref.Val { return d }
		case types.Int:
			a, b = value.DecimalFromInt(int64(x)), value.DecimalFromInt(int64(tv.(types.Int)))
			mk = func(d value.Decimal) ref.Val { n, _ := d.Int64(); return types.Int(n) }
		case value.Days:
			a, b = value.DecimalFromInt(int64(x)), value.DecimalFromInt(int64(tv.(value.Days)))
			mk = func(d value.Decimal) ref.Val { n, _ := d.Int64(); return value.Days(n) }
		default:
			return nil, bad("param %s is %s; only money, number, whole-number and days params can be swept", name, fv.Type().TypeName())
		}
	} else {
		if a, err = parseNumber(from); err != nil {
			return nil, bad("%v", err)
		}
		if b, err = parseNumber(to); err != nil {
			return nil, bad("%v", err)
		}
		if !a.IsInteger() || !b.IsInteger() {
			places = min(max(placesOf(a), placesOf(b))+2, 6)
		}
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
