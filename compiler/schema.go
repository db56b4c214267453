package compiler

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/spell"
)

var fieldKinds = map[string]FieldKind{
	"text": TextField, "int": IntField, "decimal": DecimalField, "money": MoneyField,
	"bool": BoolField, "date": DateField, "list": ListField,
}

func (ck *checker) checkSchemas() {
	c := ck.c
	decls := map[string]*lang.Data{}
	for _, d := range ck.datas {
		if _, dup := c.schemas[d.Name.Text]; dup {
			continue
		}
		s := &Schema{Name: d.Name.Text, Span: d.Name.Span, fields: map[string]*Field{}}
		if d.Title != nil {
			s.Title = d.Title.Unquoted()
		}
		s.Type = types.NewObjectType(s.Name)
		s.Reference = d.Reference != nil
		c.schemas[s.Name] = s
		c.Schemas = append(c.Schemas, s)
		decls[s.Name] = d
	}
	for _, s := range c.Schemas {
		ck.checkFields(s, decls[s.Name])
	}
	// Link nested schemas to their parents.
	for _, s := range c.Schemas {
		for _, f := range s.Lists {
			if f.Elem == nil {
				continue
			}
			if f.Elem.Parent != nil {
				ck.errorf(f.Span, "shared-list", "data %s is already listed in %s.%s; a data schema can be nested in one place only",
					f.Elem.Name, f.Elem.Parent.Name, f.Elem.ParentField.Name)
				continue
			}
			if f.Elem == s || isAncestor(f.Elem, s) {
				ck.errorf(f.Span, "recursive-list", "data %s cannot contain a list of itself", s.Name)
				continue
			}
			f.Elem.Parent, f.Elem.ParentField = s, f
		}
	}
	for _, s := range c.Schemas {
		if s.Reference {
			ck.checkReference(s, decls[s.Name])
			continue
		}
		if s.Parent != nil {
			if s.PeriodField != nil {
				ck.errorf(s.PeriodField.Span, "nested-period", "data %s is nested in %s and takes its period from it", s.Name, s.Parent.Name)
			}
			continue
		}
		if s.PeriodField == nil {
			var dates []*Field
			for _, f := range s.Fields {
				if f.Kind == DateField && !f.Optional {
					dates = append(dates, f)
				}
			}
			if len(dates) == 1 {
				s.PeriodField = dates[0]
			} else {
				d := ck.errorf(s.Span, "missing-period", "data %s needs the date that places a record in a period", s.Name)
				if len(dates) == 0 {
					d.Detail = "add a required date field, e.g. `month date key`"
				} else {
					d.Detail = fmt.Sprintf("mark one of its dates with `period`, e.g. `%s date period`", dates[0].Name)
				}
			}
		}
	}
	ck.checkLimits(decls)
}

func isAncestor(a, s *Schema) bool {
	for p := s.Parent; p != nil; p = p.Parent {
		if p == a {
			return true
		}
	}
	return false
}

func (ck *checker) checkFields(s *Schema, d *lang.Data) {
	for _, lf := range d.Fields {
		name := lf.Name.Text
		if _, dup := s.fields[name]; dup {
			ck.errorf(lf.Name.Span, "duplicate", "data %s has two fields named %q", s.Name, name)
			continue
		}
		f := &Field{Name: name, Optional: lf.Optional, Key: lf.Key, Index: len(s.Fields), Span: lf.Name.Span}
		if lf.Title != nil {
			f.Title = lf.Title.Unquoted()
		}
		if len(lf.Enum) > 0 {
			f.Kind = EnumField
			seen := map[string]bool{}
			for _, w := range lf.Enum {
				if seen[w.Text] {
					ck.errorf(w.Span, "duplicate", "value %q is listed twice", w.Text)
				}
				seen[w.Text] = true
				f.Enum = append(f.Enum, w.Text)
			}
		} else if k, ok := fieldKinds[lf.Type.Text]; ok {
			f.Kind = k
		} else {
			continue // lang reported the unknown type
		}
		switch f.Kind {
		case TextField, EnumField:
			f.Type = types.StringType
		case IntField:
			f.Type = types.IntType
		case DecimalField:
			f.Type = value.DecimalType
		case MoneyField:
			f.Type = value.MoneyType
		case BoolField:
			f.Type = types.BoolType
		case DateField:
			f.Type = value.DateType
		case ListField:
			elem := ck.c.schemas[lf.Elem.Text]
			if elem == nil {
				d := ck.errorf(lf.Elem.Span, "undefined", "no data named %q", lf.Elem.Text)
				if sug := spell.Nearest(lf.Elem.Text, slices.Sorted(maps.Keys(ck.c.schemas))); sug != "" {
					d.Detail = fmt.Sprintf("did you mean %q?", sug)
				}
				continue
			}
			f.Elem = elem
			f.Type = types.NewListType(elem.Type)
			if lf.MaxItems == nil {
				ck.errorf(lf.Type.Span, "missing-max", "list %s needs a maximum size", name).Detail =
					fmt.Sprintf("write `list %s max 20`; the maximum bounds the cost of expressions over the list", elem.Name)
			} else if n, err := atoi(lf.MaxItems); err != nil || n == 0 {
				ck.errorf(lf.MaxItems.Span, "bad-max", "a list's maximum is a whole number above 0")
			} else {
				f.MaxItems = n
			}
			if f.Optional || f.Key {
				ck.errorf(lf.Name.Span, "bad-field", "a list cannot be optional or a key; an absent list is empty")
			}
			s.Lists = append(s.Lists, f)
		}
		if lf.MaxItems != nil && f.Kind != ListField {
			ck.errorf(lf.MaxItems.Span, "bad-field", "only lists have a maximum size; use a range `0 .. 400` for numbers")
		}
		if lf.Format != nil {
			if f.Kind != DateField {
				ck.errorf(lf.Format.Span, "bad-field", "only dates have a format")
			} else if fm := lf.Format.Unquoted(); fm != "dd/mm/yyyy" && fm != "yyyy-mm-dd" {
				ck.errorf(lf.Format.Span, "bad-field", "unknown date format %q", fm).Detail = `date formats are "yyyy-mm-dd" (the default) and "dd/mm/yyyy"`
			} else if fm == "dd/mm/yyyy" {
				f.DateFormat = fm
			}
		}
		if lf.Min != nil {
			f.Min = ck.bound(f, lf.Min)
			f.Max = ck.bound(f, lf.Max)
			if f.Min != nil && f.Max != nil && compareVals(f.Min, f.Max) > 0 {
				ck.errorf(lf.Min.Span, "bad-range", "the range of %s starts above its end", name)
			}
		}
		if lf.Period {
			if f.Kind != DateField || f.Optional {
				ck.errorf(lf.Name.Span, "bad-period", "the period field must be a required date")
			} else if s.PeriodField != nil {
				ck.errorf(lf.Name.Span, "bad-period", "data %s already takes its period from %s", s.Name, s.PeriodField.Name)
			} else {
				s.PeriodField = f
			}
		}
		if f.Key && f.Optional {
			ck.errorf(lf.Name.Span, "bad-field", "a key field cannot be optional")
		}
		if f.Key {
			s.Keys = append(s.Keys, f)
		}
		if name == "person" && f.Kind == TextField {
			s.PersonField = f
		}
		s.fields[name] = f
		s.Fields = append(s.Fields, f)
	}
}

// bound parses one end of a field's range for the field's kind.
func (ck *checker) bound(f *Field, w *lang.Word) ref.Val {
	bad := func(format string, args ...any) ref.Val {
		ck.errorf(w.Span, "bad-range", format, args...)
		return nil
	}
	switch f.Kind {
	case IntField:
		if w.Kind != lang.NumberWord || strings.Contains(w.Text, ".") {
			return bad("the range of int field %s needs whole numbers, found %s", f.Name, w.Text)
		}
		d, err := parseMoneyWord(w.Text)
		if err != nil {
			return bad("%v", err)
		}
		n, err := d.Int64()
		if err != nil {
			return bad("%s is not a whole number", w.Text)
		}
		return types.Int(n)
	case DecimalField:
		if w.Kind == lang.PercentWord {
			d, err := value.ParseDecimal(strings.TrimSuffix(w.Text, "%"))
			if err != nil {
				return bad("%s is not a percentage", w.Text)
			}
			q, _ := d.Quo(value.DecimalFromInt(100))
			return q
		}
		if w.Kind != lang.NumberWord {
			return bad("the range of decimal field %s needs numbers, found %s", f.Name, w.Text)
		}
		d, err := parseMoneyWord(w.Text)
		if err != nil {
			return bad("%s is not a number", w.Text)
		}
		return d
	case MoneyField:
		if w.Kind != lang.MoneyWord && w.Kind != lang.NumberWord {
			return bad("the range of money field %s needs amounts such as £0, found %s", f.Name, w.Text)
		}
		d, err := parseMoneyWord(w.Text)
		if err != nil {
			return bad("%v", err)
		}
		return value.MoneyOf(d)
	case DateField:
		if w.Kind != lang.DateWord {
			return bad("the range of date field %s needs dates such as 2026-04-01, found %s", f.Name, w.Text)
		}
		d, err := value.ParseDate(w.Text, "")
		if err != nil {
			return bad("%v", err)
		}
		return d
	}
	return bad("a %s field has no range", f.Kind)
}

// compareVals orders two bounds of the same kind.
func compareVals(a, b ref.Val) int {
	switch a := a.(type) {
	case types.Int:
		return int(a.Compare(b).(types.Int))
	case value.Decimal:
		return a.Cmp(b.(value.Decimal))
	case value.Money:
		return a.Cmp(b.(value.Money))
	case value.Date:
		return a.Cmp(b.(value.Date))
	}
	return 0
}

// provider makes the contract's data schemas known to CEL as object types
// whose fields are read from value.Record.
type provider struct {
	*types.Registry
	schemas map[string]*Schema
}

func newProvider(c *Contract) (*provider, error) {
	reg, err := types.NewRegistry()
	if err != nil {
		return nil, err
	}
	return &provider{Registry: reg, schemas: c.schemas}, nil
}

// FindStructType implements types.Provider.
func (p *provider) FindStructType(name string) (*types.Type, bool) {
	if s, ok := p.schemas[name]; ok {
		return types.NewTypeTypeWithParam(s.Type), true
	}
	return p.Registry.FindStructType(name)
}

// FindStructFieldNames implements types.Provider.
func (p *provider) FindStructFieldNames(name string) ([]string, bool) {
	if s, ok := p.schemas[name]; ok {
		names := make([]string, len(s.Fields))
		for i, f := range s.Fields {
			names[i] = f.Name
		}
		return names, true
	}
	return p.Registry.FindStructFieldNames(name)
}

// FindStructFieldType implements types.Provider.
func (p *provider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	s, ok := p.schemas[name]
	if !ok {
		return p.Registry.FindStructFieldType(name, field)
	}
	f := s.fields[field]
	if f == nil || f.Type == nil {
		return nil, false
	}
	idx, schema, fname := f.Index, s.Name, f.Name
	return &types.FieldType{
		Type: f.Type,
		IsSet: func(obj any) bool {
			r, ok := obj.(*value.Record)
			return ok && idx < r.NumFields() && r.Field(idx) != nil
		},
		GetFrom: func(obj any) (any, error) {
			r, ok := obj.(*value.Record)
			if !ok || idx >= r.NumFields() {
				return nil, fmt.Errorf("not a %s record", schema)
			}
			v := r.Field(idx)
			if v == nil {
				return nil, fmt.Errorf("%s.%s has no value in this record; test it with has(%s.%s) before using it", schema, fname, schema, fname)
			}
			return v, nil
		},
	}, true
}
