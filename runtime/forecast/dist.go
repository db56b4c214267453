package forecast

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime/data"
)

// distKind is the shape of a distribution.
type distKind int

const (
	dFixed distKind = iota
	dUniform
	dNormal
	dCategorical
	dBernoulli
)

// dist is a distribution of the values of one field, or of a count, a
// number of days or a factor.
//
// Numbers are drawn as whole numbers n standing for n/10^places, so
// decimals are exact; only the normal distribution draws a float64, which
// is rounded to places before it becomes a value. Weights and
// probabilities are scaled to whole numbers too, so a draw never depends
// on float rounding.
type dist struct {
	kind    distKind
	node    *yaml.Node
	numeric bool
	places  int32
	// lo and hi bound the numbers drawn (scaled), for every numeric kind.
	lo, hi   int64
	mean, sd float64 // normal, scaled
	nums     []int64 // fixed and categorical numbers, scaled
	vals     []ref.Val
	cum      []uint64 // categorical: cumulative weights
	p        uint64   // bernoulli: chance of true (or 1), in 1/probOne
}

// maxTries bounds the redraws of a truncated normal distribution: a draw
// outside the bounds is drawn again, and after maxTries the mean, clamped
// into the bounds, is used.
const maxTries = 1000

// spec says what values a distribution must produce.
type spec struct {
	kind     compiler.FieldKind
	places   int32
	field    *compiler.Field
	min, max value.Decimal // for counts and days, when field is nil
	factor   bool
}

func specOf(f *compiler.Field, places int32) spec {
	return spec{kind: f.Kind, places: places, field: f}
}

func (sp spec) numeric() bool {
	switch sp.kind {
	case compiler.IntField, compiler.DecimalField, compiler.MoneyField:
		return true
	}
	return false
}

// parseDist reads a distribution: a scalar (a fixed value) or a mapping
// with one of fixed, uniform, normal, categorical or bernoulli. keys holds
// the mapping's entries when the caller has read them already.
func (p *parser) parseDist(n *yaml.Node, where string, sp spec, keys map[string]*yaml.Node) *dist {
	n = data.ResolveYAML(n)
	if keys == nil {
		if n.Kind == yaml.ScalarNode {
			keys = map[string]*yaml.Node{"fixed": n}
		} else {
			keys = p.mapping(n, where, distKeys)
		}
	}
	var kind string
	for _, k := range distKeys {
		if keys[k] != nil {
			if kind != "" {
				p.errorf(keyNode(n, k), where, CodeBadValue, "give one distribution, not both %s and %s", kind, k)
				return nil
			}
			kind = k
		}
	}
	if kind == "" {
		p.errorf(n, where, CodeMissing, "give a distribution: one of %s", words.Or(distKeys))
		return nil
	}
	v := keys[kind]
	d := &dist{node: v, numeric: sp.numeric(), places: sp.places}
	if sp.kind == compiler.IntField {
		d.places = 0
	}
	var ok bool
	switch kind {
	case "fixed":
		d.kind = dFixed
		ok = p.categories(d, []*yaml.Node{v}, nil, where, sp)
	case "categorical":
		ok = p.categorical(d, v, where, sp)
	case "uniform":
		ok = p.uniform(d, v, where+", uniform", sp)
	case "normal":
		ok = p.normal(d, v, where+", normal", sp)
	case "bernoulli":
		ok = p.bernoulli(d, v, where+", bernoulli", sp)
	}
	if !ok {
		return nil
	}
	if sp.field == nil && !sp.factor && d.numeric {
		lo, hi := trimZeros(unscale(d.lo, d.places), 0), trimZeros(unscale(d.hi, d.places), 0)
		if lo.Cmp(sp.min) < 0 || hi.Cmp(sp.max) > 0 {
			what := "the values"
			switch {
			case strings.HasSuffix(where, "count"):
				what = "the count"
			case strings.HasSuffix(where, "days"):
				what = "the number of days"
			case strings.HasPrefix(where, "cohort"):
				what = "the number of people"
			}
			p.errorf(v, where, CodeBadValue, "%s can be %s .. %s; it must lie between %s and %s", what, lo, hi, sp.min, sp.max)
			return nil
		}
	}
	return d
}

// distValue reads one value for a distribution of sp.
func (p *parser) distValue(n *yaml.Node, where string, sp spec) (ref.Val, value.Decimal, bool) {
	if sp.field != nil {
		v, ok := p.fieldValue(n, sp.field, where)
		if !ok {
			return nil, value.Decimal{}, false
		}
		if sp.numeric() {
			return v, boundDec(v), true
		}
		return v, value.Decimal{}, true
	}
	d, ok := p.number(n, where)
	if !ok {
		return nil, value.Decimal{}, false
	}
	if sp.kind == compiler.IntField && !d.IsInteger() {
		p.errorf(n, where, CodeBadValue, "%s is not a whole number", d)
		return nil, value.Decimal{}, false
	}
	return nil, d, true
}

// categories fills a fixed or categorical distribution's values.
func (p *parser) categories(d *dist, nodes []*yaml.Node, weights []uint64, where string, sp spec) bool {
	var decs []value.Decimal
	for _, n := range nodes {
		v, dec, ok := p.distValue(data.ResolveYAML(n), where, sp)
		if !ok {
			return false
		}
		if d.numeric {
			decs = append(decs, dec)
			if pl := placesOf(dec); pl > d.places && sp.kind != compiler.IntField {
				d.places = pl
			}
		} else {
			d.vals = append(d.vals, v)
		}
	}
	if d.numeric {
		for i, dec := range decs {
			n, ok := scaled(dec, d.places, value.HalfUp)
			if !ok {
				p.errorf(nodes[i], where, CodeBadValue, "%s is too large", dec)
				return false
			}
			d.nums = append(d.nums, n)
			if i == 0 || n < d.lo {
				d.lo = n
			}
			if i == 0 || n > d.hi {
				d.hi = n
			}
		}
	}
	if weights != nil {
		var total uint64
		for _, w := range weights {
			total += w
			d.cum = append(d.cum, total)
		}
	}
	return true
}

// categorical reads {value: weight, ...}. Weights are numbers of at
// least 0, not all 0; one of them may be rest, meaning 1 minus the others.
func (p *parser) categorical(d *dist, v *yaml.Node, where string, sp spec) bool {
	d.kind = dCategorical
	where += ", categorical"
	if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
		p.errorf(v, where, CodeBadValue, "categorical is a mapping of values to weights, like {achieved: 0.6, not_met: 0.4}; found %s", data.DescribeYAML(v))
		return false
	}
	keys, ws, restAt, ok := p.weights(v, where)
	if !ok {
		return false
	}
	if restAt >= 0 {
		sum := zeroDec()
		for i, x := range ws {
			if i != restAt {
				sum, _ = sum.Add(x)
			}
		}
		rest, _ := value.DecimalFromInt(1).Sub(sum)
		if rest.Sign() < 0 {
			p.errorf(data.ResolveYAML(v.Content[2*restAt+1]), where+", weight of "+keys[restAt].Value, CodeBadValue,
				"rest is 1 minus the other weights, but they add up to %s, more than 1", sum)
			return false
		}
		ws[restAt] = rest
	}
	weights, ok := p.scaleWeights(v, keys, ws, where)
	if !ok {
		return false
	}
	return p.categories(d, keys, weights, where, sp)
}

// weights reads the categories of a categorical distribution and their
// weights, in file order; restAt is the position of the weight written
// rest (0 for now), or -1.
func (p *parser) weights(v *yaml.Node, where string) (keys []*yaml.Node, ws []value.Decimal, restAt int, ok bool) {
	restAt, ok = -1, true
	seen := map[string]bool{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, w := v.Content[i], data.ResolveYAML(v.Content[i+1])
		ww := where + ", weight of " + k.Value
		if seen[k.Value] {
			p.errorf(k, where, CodeDuplicate, "%s is listed twice", k.Value)
			ok = false
			continue
		}
		seen[k.Value] = true
		keys = append(keys, k)
		if w.Kind == yaml.ScalarNode && strings.TrimSpace(w.Value) == "rest" {
			if restAt >= 0 {
				p.errorf(w, ww, CodeBadValue, "only one weight can be rest")
				ok = false
			}
			restAt = len(ws)
			ws = append(ws, zeroDec())
			continue
		}
		x, good := p.number(w, ww)
		if !good {
			ok = false
			ws = append(ws, zeroDec())
			continue
		}
		if x.Sign() < 0 {
			p.errorf(w, ww, CodeBadValue, "a weight cannot be negative")
			ok = false
		}
		ws = append(ws, x)
	}
	return keys, ws, restAt, ok
}

// scaleWeights scales the weights to whole numbers, at most 9 places
// being kept, and checks that some weight is not 0.
func (p *parser) scaleWeights(v *yaml.Node, keys []*yaml.Node, ws []value.Decimal, where string) ([]uint64, bool) {
	var places int32
	for _, x := range ws {
		places = max(places, placesOf(x))
	}
	places = min(places, 9)
	var weights []uint64
	var total uint64
	for i, x := range ws {
		n, good := scaled(x, places, value.HalfUp)
		if !good || n > 1<<50 {
			p.errorf(keys[i], where, CodeBadValue, "the weight %s is too large", x)
			return nil, false
		}
		weights = append(weights, uint64(n))
		total += uint64(n)
	}
	if total == 0 {
		p.errorf(v, where, CodeBadValue, "the weights are all 0; give at least one a positive weight")
		return nil, false
	}
	return weights, true
}

// bounds reads {min: A, max: B} or [A, B].
func (p *parser) bounds(v *yaml.Node, where string, extra ...string) (map[string]*yaml.Node, bool) {
	if v.Kind == yaml.SequenceNode && len(extra) == 0 {
		if len(v.Content) != 2 {
			p.errorf(v, where, CodeBadValue, "write [min, max] or {min: ..., max: ...}")
			return nil, false
		}
		return map[string]*yaml.Node{"min": v.Content[0], "max": v.Content[1]}, true
	}
	allowed := append(extra, "min", "max")
	keys := p.mapping(v, where, allowed)
	for _, k := range allowed {
		if keys[k] == nil {
			if v.Kind == yaml.MappingNode {
				p.errorf(v, where, CodeMissing, "%s is missing; give %s", k, words.And(allowed))
			}
			return nil, false
		}
	}
	return keys, true
}

// scaledBounds reads min and max as whole numbers of 10^-places, rounding
// inward.
func (p *parser) scaledBounds(d *dist, keys map[string]*yaml.Node, where string, sp spec) bool {
	_, lo, ok1 := p.distValue(data.ResolveYAML(keys["min"]), where+", min", sp)
	_, hi, ok2 := p.distValue(data.ResolveYAML(keys["max"]), where+", max", sp)
	if !ok1 || !ok2 {
		return false
	}
	if lo.Cmp(hi) > 0 {
		p.errorf(keys["min"], where, CodeBadValue, "min %s is above max %s", lo, hi)
		return false
	}
	var ok bool
	if d.lo, ok = scaled(lo, d.places, value.Ceiling); !ok {
		p.errorf(keys["min"], where, CodeBadValue, "%s is too large", lo)
		return false
	}
	if d.hi, ok = scaled(hi, d.places, value.Floor); !ok {
		p.errorf(keys["max"], where, CodeBadValue, "%s is too large", hi)
		return false
	}
	if d.lo > d.hi {
		p.errorf(keys["min"], where, CodeBadValue, "there is no number with %d decimal places between %s and %s", d.places, lo, hi)
		return false
	}
	return true
}

func (p *parser) uniform(d *dist, v *yaml.Node, where string, sp spec) bool {
	d.kind = dUniform
	if !sp.numeric() {
		p.errorf(v, where, CodeBadValue, "uniform is for numbers; use categorical for %s values", sp.kind)
		return false
	}
	keys, ok := p.bounds(v, where)
	return ok && p.scaledBounds(d, keys, where, sp)
}

// normal reads {mean, sd, min, max}: a normal distribution truncated to
// [min, max].
func (p *parser) normal(d *dist, v *yaml.Node, where string, sp spec) bool {
	d.kind = dNormal
	if !sp.numeric() {
		p.errorf(v, where, CodeBadValue, "normal is for numbers; use categorical for %s values", sp.kind)
		return false
	}
	if v.Kind == yaml.MappingNode {
		k := keyNode(v, "max")
		if k == v || keyNode(v, "min") == v {
			p.errorf(v, where, CodeMissing, "a normal distribution needs bounds: give min and max (inside the field's range) as well as mean and sd")
			return false
		}
	}
	keys, ok := p.bounds(v, where, "mean", "sd")
	if !ok || !p.scaledBounds(d, keys, where, sp) {
		return false
	}
	mean, ok1 := p.number(keys["mean"], where+", mean")
	sd, ok2 := p.number(keys["sd"], where+", sd")
	if !ok1 || !ok2 {
		return false
	}
	if sd.Sign() < 0 {
		p.errorf(keys["sd"], where+", sd", CodeBadValue, "the standard deviation cannot be negative")
		return false
	}
	lo, hi := unscale(d.lo, d.places), unscale(d.hi, d.places)
	if mean.Cmp(lo) < 0 || mean.Cmp(hi) > 0 {
		p.errorf(keys["mean"], where+", mean", CodeBadValue, "the mean %s lies outside min %s .. max %s", mean, lo, hi)
		return false
	}
	sc := math.Pow10(int(d.places))
	d.mean = decFloat(mean) * sc
	d.sd = decFloat(sd) * sc
	return true
}

func decFloat(d value.Decimal) float64 {
	f, _ := d.Apd().Float64()
	return f
}

func (p *parser) bernoulli(d *dist, v *yaml.Node, where string, sp spec) bool {
	d.kind = dBernoulli
	switch {
	case sp.kind == compiler.BoolField:
		d.vals = []ref.Val{types.True, types.False}
	case sp.kind == compiler.IntField:
		d.lo, d.hi = 0, 1
	default:
		p.errorf(v, where, CodeBadValue, "bernoulli is for bool and int fields (true or 1 with the chance given); use categorical for %s values", sp.kind)
		return false
	}
	u, ok := p.probability(v, where)
	d.p = u
	return ok
}

// draw returns a number: n standing for n/10^places.
func (d *dist) draw(r *rand.Rand) int64 {
	switch d.kind {
	case dFixed:
		if len(d.nums) == 0 {
			return d.lo
		}
		return d.nums[0]
	case dCategorical:
		return d.nums[d.index(r)]
	case dUniform:
		if d.lo == d.hi {
			return d.lo
		}
		return d.lo + r.Int64N(d.hi-d.lo+1)
	case dNormal:
		for range maxTries {
			x := math.Round(d.mean + d.sd*r.NormFloat64())
			if x >= float64(d.lo) && x <= float64(d.hi) {
				return int64(x)
			}
		}
		return min(max(int64(math.Round(d.mean)), d.lo), d.hi)
	case dBernoulli:
		if r.Uint64N(probOne) < d.p {
			return 1
		}
		return 0
	}
	return 0
}

// pick returns a non-numeric value: an enum, text or bool.
func (d *dist) pick(r *rand.Rand) ref.Val {
	switch d.kind {
	case dCategorical:
		return d.vals[d.index(r)]
	case dBernoulli:
		if r.Uint64N(probOne) < d.p {
			return types.True
		}
		return types.False
	}
	return d.vals[0]
}

func (d *dist) index(r *rand.Rand) int {
	x := r.Uint64N(d.cum[len(d.cum)-1])
	return sort.Search(len(d.cum), func(i int) bool { return d.cum[i] > x })
}
