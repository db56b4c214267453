package forecast

// Reading a scenario's scalars — text with $vars replaced, numbers,
// whole numbers and probabilities — and its vars block.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime/data"
)

// text returns a scalar's text, with $name replaced by the var's value.
func (p *parser) text(n *yaml.Node, where string) (string, bool) {
	n = data.ResolveYAML(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, where, CodeBadValue, "expected a value; found %s", data.DescribeYAML(n))
		return "", false
	}
	t := strings.TrimSpace(n.Value)
	if strings.HasPrefix(t, "$") {
		name := t[1:]
		v := p.vars[name]
		if v == nil {
			p.errorf(n, where, CodeUnknownKey, "no var named %q under vars%s", name, didYouMean(name, sortedVarNames(p.vars)))
			return "", false
		}
		v.used = true
		return v.val.String(), true
	}
	return t, true
}

// number reads a decimal number: 12, 12.5, 55% (0.55), £1,250.00 or $var.
func (p *parser) number(n *yaml.Node, where string) (value.Decimal, bool) {
	t, ok := p.text(n, where)
	if !ok {
		return value.Decimal{}, false
	}
	d, err := ParseNumber(t)
	if err != nil {
		p.errorf(n, where, CodeBadValue, "%s", err)
		return value.Decimal{}, false
	}
	return d, true
}

// ParseNumber reads a number as a scenario writes it: 12, -3, 12.5, 55%
// (0.55), £1,250.00 or €40. The value of a var is written so.
func ParseNumber(t string) (value.Decimal, error) {
	s := t
	pct := strings.HasSuffix(s, "%")
	s = strings.TrimSuffix(s, "%")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "£"), "€")
	if strings.Contains(s, ",") {
		s = strings.ReplaceAll(s, ",", "")
	}
	if neg {
		s = "-" + s
	}
	d, err := value.ParseDecimal(s)
	if err != nil {
		return value.Decimal{}, fmt.Errorf("%q is not a number; write digits with an optional point, like 12.5, or a percentage like 55%%", t)
	}
	if pct {
		d, err = d.Quo(value.DecimalFromInt(100))
		if err != nil {
			return value.Decimal{}, err
		}
	}
	return d, nil
}

// integer reads a whole number.
func (p *parser) integer(n *yaml.Node, where string) (int64, bool) {
	d, ok := p.number(n, where)
	if !ok {
		return 0, false
	}
	i, err := d.Int64()
	if err != nil {
		p.errorf(n, where, CodeBadValue, "%s is not a whole number", d)
		return 0, false
	}
	return i, true
}

// probability reads a number between 0 and 1, returned in units of
// 1/probOne.
func (p *parser) probability(n *yaml.Node, where string) (uint64, bool) {
	d, ok := p.number(n, where)
	if !ok {
		return 0, false
	}
	if d.Sign() < 0 || d.Cmp(value.DecimalFromInt(1)) > 0 {
		p.errorf(n, where, CodeBadValue, "a probability must lie between 0 and 1 (or 0%% and 100%%); %s is outside", d)
		return 0, false
	}
	u, ok := scaled(d, 9, value.HalfUp)
	return uint64(u), ok
}

// scaled returns d×10^places as a whole number, rounded with mode.
func scaled(d value.Decimal, places int32, mode value.Rounding) (int64, bool) {
	s := value.Round(d, places, mode).String()
	s = strings.Replace(s, ".", "", 1)
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// placesOf returns the number of decimal places d is written with.
func placesOf(d value.Decimal) int32 {
	s := d.String()
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return int32(len(s) - i - 1)
	}
	return 0
}

// unscale returns n/10^places as a decimal.
func unscale(n int64, places int32) value.Decimal {
	d := value.DecimalFromInt(n)
	if places == 0 {
		return d
	}
	q, _ := d.Quo(pow10(places))
	return value.Round(q, places, value.HalfUp)
}

// pow10 returns 10^p.
func pow10(p int32) value.Decimal {
	n := int64(1)
	for range p {
		n *= 10
	}
	return value.DecimalFromInt(n)
}

// identRE matches a var name.
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// parseVars reads the vars block: names and numbers, each value
// replaced by its override when there is one.
func (p *parser) parseVars(n *yaml.Node, s *Scenario) {
	n = data.ResolveYAML(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "vars", CodeBadValue, "vars is a mapping of names to numbers; found %s", data.DescribeYAML(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], data.ResolveYAML(n.Content[i+1])
		where := "vars, " + k.Value
		if !identRE.MatchString(k.Value) {
			p.errorf(k, "vars", CodeBadValue, "%q is not a var name; use letters, digits and _", k.Value)
			continue
		}
		if p.vars[k.Value] != nil {
			p.errorf(k, "vars", CodeDuplicate, "var %s is given twice", k.Value)
			continue
		}
		if v.Kind != yaml.ScalarNode || strings.HasPrefix(strings.TrimSpace(v.Value), "$") {
			p.errorf(v, where, CodeBadValue, "a var is a number; found %s", data.DescribeYAML(v))
			continue
		}
		d, err := ParseNumber(strings.TrimSpace(v.Value))
		if err != nil {
			p.errorf(v, where, CodeBadValue, "%s", err)
			continue
		}
		def := &varDef{val: d, node: k}
		set := false
		if o, ok := p.over[k.Value]; ok {
			def.val, set = o, true
		}
		p.vars[k.Value] = def
		s.Vars = append(s.Vars, Var{Name: k.Value, Value: def.val, Set: set})
	}
}

// zeroDec returns the decimal 0.
func zeroDec() value.Decimal { return value.DecimalFromInt(0) }
