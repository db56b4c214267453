package forecast

// Reading a scenario's data block: which data it gives, the records of
// each schema, and placeholders for the fields it leaves out.

import (
	"fmt"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime/data"
)

// parseData reads the data block: the records of each top-level schema
// and of the schemas nested in it. at is the data key, for positions.
func (p *parser) parseData(n *yaml.Node, s *Scenario, at *yaml.Node) {
	n = data.ResolveYAML(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "data", CodeBadValue, "data is a mapping of data names to their fields; found %s", data.DescribeYAML(n))
		return
	}
	var names []string
	for _, sc := range p.c.Schemas {
		names = append(names, sc.Name)
	}
	given := map[*compiler.Schema]*yaml.Node{}
	keyOf := map[*compiler.Schema]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], data.ResolveYAML(n.Content[i+1])
		sc := p.c.Schema(k.Value)
		if sc == nil {
			p.errorf(k, "data", CodeUnknownKey, "the contract has no data %q%s", k.Value, suggestOrList(k.Value, names, "its data are"))
			continue
		}
		if given[sc] != nil {
			p.errorf(k, "data", CodeDuplicate, "data %s is given twice", k.Value)
			continue
		}
		given[sc], keyOf[sc] = v, k
	}
	anyTop := false
	for _, top := range p.c.TopSchemas() {
		if top.Reference {
			// Reference data is a price list, not records to draw: a
			// scenario cannot make one up.
			{
				p.errorf(at, "data", CodeDoesNotFit, "the contract looks prices up in reference data %s, which a scenario cannot generate; resample the provider's data instead, the %s file among it", top.Name, top.Name)
			}
			continue
		}
		if given[top] == nil {
			if p.schemaRead(top) {
				p.errorf(at, "data", CodeMissing, "the scenario has no data %s, which the contract reads; add %s: with a distribution for each of its fields", top.Name, top.Name)
			}
			continue
		}
		anyTop = true
		if sg := p.topSchema(top, given, keyOf); sg != nil {
			s.tops = append(s.tops, sg)
		}
	}
	for _, sc := range p.c.Schemas {
		if sc.Parent != nil && given[sc] != nil && given[sc.Root()] == nil {
			p.errorf(keyOf[sc], "data "+sc.Name, CodeMissing, "data %s is nested in %s, which the scenario does not give", sc.Name, sc.Root().Name)
		}
	}
	if !anyTop && len(p.errs) == 0 {
		p.errorf(at, "data", CodeMissing, "the scenario gives no top-level data; give one of %s", words.And(topNames(p.c)))
	}
}

// topNames returns the names of the contract's top-level schemas.
func topNames(c *compiler.Contract) []string {
	var out []string
	for _, s := range c.TopSchemas() {
		out = append(out, s.Name)
	}
	return out
}

// schemaRead reports whether the contract reads any field of s or of the
// data nested in it, or counts its records.
func (p *parser) schemaRead(s *compiler.Schema) bool {
	for _, f := range s.Fields {
		if p.reads[f] {
			return true
		}
	}
	for _, r := range p.c.Rules {
		if r.Scope.Schema == s {
			return true
		}
		for _, e := range r.Expressions() {
			for _, v := range e.Vars {
				if v == s.Name || v == compiler.AllPrefix+s.Name {
					return true
				}
			}
		}
	}
	return false
}

// resampleHint is the detail of the diagnostics of a contract whose data
// a scenario cannot describe.
const resampleHint = "resample real data instead"

// topSchema checks that the cohort model fits a top-level schema: one
// record per active person per month, keyed by person and month.
func (p *parser) topSchema(s *compiler.Schema, given, keyOf map[*compiler.Schema]*yaml.Node) *schemaGen {
	where := "data " + s.Name
	at := keyOf[s]
	if s.PersonField == nil {
		p.errorf(at, where, CodeDoesNotFit, "data %s has no person field; a scenario makes one record per person per month, which does not fit this contract", s.Name).Detail = resampleHint
		return nil
	}
	for _, k := range s.Keys {
		if k != s.PersonField && k != s.PeriodField {
			p.errorf(at, where, CodeDoesNotFit, "data %s is keyed by %s as well as person and %s; a scenario makes one record per person per month, which does not fit this contract",
				s.Name, k.Name, s.PeriodField.Name).Detail = resampleHint
			return nil
		}
	}
	return p.schema(s, given, keyOf, true, at)
}

// fieldKeys are the keys a field's mapping may hold.
var fieldKeys = []string{"fixed", "uniform", "normal", "categorical", "bernoulli", "chance", "when", "per", "places", "times", "from", "days", "count"}

// distKeys are the keys that give a distribution.
var distKeys = []string{"fixed", "uniform", "normal", "categorical", "bernoulli"}

// schema reads the fields of one schema and orders them.
func (p *parser) schema(s *compiler.Schema, given, keyOf map[*compiler.Schema]*yaml.Node, top bool, listAt *yaml.Node) *schemaGen {
	where := "data " + s.Name
	node := given[s]
	sg := &schemaGen{s: s, id: p.nextID, fields: make([]*fieldGen, len(s.Fields)), node: keyOf[s], where: where}
	p.nextID++
	fieldNodes, fieldKey := p.fieldNodes(s, node, where)
	at := keyOf[s]
	if at == nil {
		at = listAt // nested data the scenario does not give: point at the list
	}
	var missing []string
	for _, f := range s.Fields {
		fg := &fieldGen{f: f, chance: probOne, node: fieldKey[f], where: fmt.Sprintf("data %s, field %s", s.Name, f.Name), places: defaultPlaces(f)}
		if fg.node == nil {
			fg.node = at
		}
		sg.fields[f.Index] = fg
		v := fieldNodes[f]
		if auto := p.madeField(fg, s, top, at); auto != "" {
			if v != nil {
				p.errorf(fieldKey[f], fg.where, CodeUnknownKey, "%s is made from %s; remove it from the scenario", f.Name, auto)
			}
			continue
		}
		if v == nil {
			if p.reads[f] {
				missing = append(missing, f.Name)
			}
			p.placeholder(fg, s)
			continue
		}
		fg.given = true
		p.field(fg, v, s, top)
	}
	if len(missing) > 0 {
		p.missingFields(s, missing, at, node == nil && !top)
	}
	p.nested(sg, given, keyOf)
	p.order(sg)
	return sg
}

// fieldNodes returns the value and key nodes of each field a schema's
// mapping gives, reporting unknown and repeated fields.
func (p *parser) fieldNodes(s *compiler.Schema, node *yaml.Node, where string) (values, keys map[*compiler.Field]*yaml.Node) {
	values, keys = map[*compiler.Field]*yaml.Node{}, map[*compiler.Field]*yaml.Node{}
	if node == nil {
		return values, keys
	}
	if node.Kind != yaml.MappingNode {
		if !(node.Kind == yaml.ScalarNode && node.Tag == "!!null") {
			p.errorf(node, where, CodeBadValue, "expected a mapping of field names to distributions; found %s", data.DescribeYAML(node))
		}
		return values, keys
	}
	var names []string
	for _, f := range s.Fields {
		names = append(names, f.Name)
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], data.ResolveYAML(node.Content[i+1])
		f := s.FieldByName(k.Value)
		if f == nil {
			p.errorf(k, where, CodeUnknownKey, "data %s has no field %q%s", s.Name, k.Value, suggestOrList(k.Value, names, "its fields are"))
			continue
		}
		if values[f] != nil {
			p.errorf(k, where, CodeDuplicate, "field %s is given twice", f.Name)
			continue
		}
		values[f], keys[f] = v, k
	}
	return values, keys
}

// madeField sets up a field whose values the generator makes rather than
// the scenario gives — a top-level record's person and period, a nested
// record's keys — and says what they are made from; it returns "" for
// any other field.
func (p *parser) madeField(fg *fieldGen, s *compiler.Schema, top bool, at *yaml.Node) string {
	f := fg.f
	switch {
	case top && f == s.PersonField:
		fg.kind = gPerson
		return "the cohort's people"
	case top && f == s.PeriodField:
		fg.kind = gPeriod
		return "the cohort's months"
	case top || !f.Key:
		return ""
	}
	fg.kind = gKey
	switch f.Kind {
	case compiler.TextField:
		prefix := strings.ToUpper(f.Name[:1])
		for i := 1; i <= max(s.ParentField.MaxItems, 1); i++ {
			fg.keys = append(fg.keys, types.String(prefix+strconv.Itoa(i)))
		}
	case compiler.IntField:
		for i := 1; i <= max(s.ParentField.MaxItems, 1); i++ {
			fg.keys = append(fg.keys, types.Int(i))
		}
	default:
		p.errorf(at, fg.where, CodeDoesNotFit, "key %s is %s; a scenario can number nested records only with a text or int key", f.Name, f.Kind).Detail = resampleHint
	}
	return "each record's position (1, 2, ...)"
}

// missingFields reports the fields the contract reads that the scenario
// does not give; absent is true when the scenario does not give the
// (nested) data at all.
func (p *parser) missingFields(s *compiler.Schema, missing []string, at *yaml.Node, absent bool) {
	where := "data " + s.Name
	many := len(missing) > 1
	what := "field"
	if many {
		what = "fields"
	}
	if absent {
		p.errorf(at, where, CodeMissing, "the contract reads %s %s of data %s, but the scenario does not give data %s; add %s: with a distribution for %s",
			what, words.And(missing), s.Name, s.Name, s.Name, map[bool]string{true: "each", false: "it"}[many])
		return
	}
	p.errorf(at, where, CodeMissing, "the contract reads %s %s, but the scenario gives no distribution for %s; give %s (write blank for an optional field that is always empty)",
		what, words.And(missing), map[bool]string{true: "them", false: "it"}[many], map[bool]string{true: "each one", false: "it"}[many])
}

// nested reads the schemas nested in the lists of sg's schema whose
// records are made.
func (p *parser) nested(sg *schemaGen, given, keyOf map[*compiler.Schema]*yaml.Node) {
	s := sg.s
	for _, lf := range s.Lists {
		fg := sg.fields[lf.Index]
		if lf.Elem == nil || lf.Elem.ParentField != lf {
			continue
		}
		switch {
		case fg.given && fg.kind == gList && fg.d != nil && (fg.d.hi > 0 || given[lf.Elem] != nil):
			fg.child = p.schema(lf.Elem, given, keyOf, false, fg.node)
		case fg.given && fg.kind == gList:
			// No records are ever made, so their fields are not needed.
		case given[lf.Elem] != nil:
			p.errorf(keyOf[lf.Elem], "data "+lf.Elem.Name, CodeMissing, "data %s is given, but %s.%s has no count, so no %s records are made; give %s: {count: ...}",
				lf.Elem.Name, s.Name, lf.Name, lf.Elem.Name, lf.Name)
		}
	}
}

// defaultPlaces is the number of decimal places of a field's values
// when the scenario does not say: 2 for decimals and money, else 0.
func defaultPlaces(f *compiler.Field) int32 {
	switch f.Kind {
	case compiler.DecimalField, compiler.MoneyField:
		return 2
	}
	return 0
}

// placeholder fills a field the scenario does not give: blank when
// optional, else the smallest value its range allows (0 when it can be),
// the first enum value, false, "", the record's month, or no records.
func (p *parser) placeholder(fg *fieldGen, s *compiler.Schema) {
	f := fg.f
	fg.kind = gConst
	if f.Optional {
		fg.maybeBlank = true
		return
	}
	switch f.Kind {
	case compiler.IntField, compiler.DecimalField, compiler.MoneyField:
		d := zeroDec()
		if f.Min != nil && cmpBound(d, f.Min) < 0 {
			d = boundDec(f.Min)
		}
		if f.Max != nil && cmpBound(d, f.Max) > 0 {
			d = boundDec(f.Max)
		}
		fg.places = placesOf(d)
		fg.lo, _ = scaled(d, fg.places, value.HalfUp)
		fg.hi = fg.lo
		fg.konst = numVal(f.Kind, d)
	case compiler.BoolField:
		fg.konst = types.False
	case compiler.EnumField:
		fg.konst = types.String(f.Enum[0])
	case compiler.TextField:
		fg.konst = types.String("")
	case compiler.DateField:
		fg.kind = gDate
		fg.d = &dist{kind: dFixed, numeric: true}
	case compiler.ListField:
		fg.kind = gList
		fg.d = &dist{kind: dFixed, numeric: true}
	}
}

// numVal makes a field value from a decimal.
func numVal(k compiler.FieldKind, d value.Decimal) ref.Val {
	switch k {
	case compiler.IntField:
		n, _ := d.Int64()
		return types.Int(n)
	case compiler.MoneyField:
		return value.MoneyOf(d)
	}
	return d
}

// boundDec returns a field's bound as a decimal.
func boundDec(v ref.Val) value.Decimal {
	switch x := v.(type) {
	case types.Int:
		return value.DecimalFromInt(int64(x))
	case value.Decimal:
		return x
	case value.Money:
		return x.Decimal()
	}
	return zeroDec()
}

// cmpBound compares d with a field's bound.
func cmpBound(d value.Decimal, b ref.Val) int { return d.Cmp(boundDec(b)) }
