package lsp

import (
	"fmt"
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

func (s *server) hover(p textDocumentPositionParams) *hover {
	q := s.at(p.TextDocument.URI, p.Position)
	if q == nil {
		return nil
	}
	o := q.u.index.at(q.name, q.off)
	if o == nil {
		return nil
	}
	r := q.text.offsetRange(o.start, o.end)
	return &hover{Contents: markupContent{Kind: "markdown", Value: describe(q.u, o.sym)}, Range: &r}
}

// describe returns the markdown shown for a name: its kind, name and title
// on the first line, and then what it is: a param's value and unit, a
// field's type and range, a schema's fields, a rule's scope.
func describe(u *unit, sym *symbol) string {
	var b strings.Builder
	switch sym.kind {
	case paramSymbol:
		p := sym.param
		heading(&b, "param", sym.name, p.Title)
		if p.Value != nil {
			fmt.Fprintf(&b, "\n\n`= %s` — %s", oneLine(p.Value.Text), paramUnit(u, sym))
		}
		if len(p.Entries) > 0 {
			fmt.Fprintf(&b, "\n\n%s", paramUnit(u, sym))
			for _, e := range p.Entries {
				fmt.Fprintf(&b, "\n- `%s = %s`", e.Key.Text, oneLine(e.Value.Text))
			}
		}
	case schemaSymbol:
		d := sym.data
		heading(&b, "data", sym.name, d.Title)
		var names []string
		for _, f := range sym.fieldOrder {
			names = append(names, "`"+f.name+"`")
		}
		if len(names) > 0 {
			fmt.Fprintf(&b, "\n\nfields: %s", strings.Join(names, ", "))
		}
		if u.contract != nil {
			if cs := u.contract.Schema(sym.name); cs != nil && cs.Parent != nil {
				fmt.Fprintf(&b, "\n\nnested in `%s`, in its list `%s`", cs.Parent.Name, cs.ParentField.Name)
			}
		}
	case fieldSymbol:
		f := sym.field
		heading(&b, "field", sym.schema.name+"."+sym.name, f.Title)
		fmt.Fprintf(&b, "\n\n%s", fieldType(f))
	case ruleSymbol:
		r := sym.rule
		heading(&b, string(r.Kind), sym.name, r.Title)
		fmt.Fprintf(&b, "\n\nscope: %s", ruleScope(u, r))
		if len(r.Covers) > 0 {
			var names []string
			for _, w := range r.Covers {
				names = append(names, "`"+w.Text+"`")
			}
			fmt.Fprintf(&b, "\n\ncovers %s", strings.Join(names, ", "))
		}
	}
	return b.String()
}

// heading writes `**kind** `name` — title`.
func heading(b *strings.Builder, kind, name string, title *lang.Word) {
	fmt.Fprintf(b, "**%s** `%s`", kind, name)
	if title != nil {
		fmt.Fprintf(b, " — %s", title.Unquoted())
	}
}

// oneLine joins the lines of an expression written over several.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// paramUnit says what kind of value a param holds: from the compiled
// contract when there is one, and otherwise from how the value is written.
func paramUnit(u *unit, sym *symbol) string {
	currency := "GBP"
	if u.contract != nil {
		currency = u.contract.Currency
		if cp := u.contract.Param(sym.name); cp != nil && cp.Type != nil {
			if cp.IsTable() {
				return fmt.Sprintf("a table of %d entries of %s, read at a key: %s[KEY]", len(cp.Entries), cp.Elem.TypeName(), cp.Name)
			}
			switch cp.Type.TypeName() {
			case "money":
				return "money, in " + currency
			case "decimal":
				if cp.Percent {
					return fmt.Sprintf("a percentage (%s)", value.Format(cp.Default, u.contract.MinorUnits))
				}
				return "a decimal number"
			case "int":
				return "a whole number"
			case "days":
				return "a number of days"
			case "date":
				return "a date"
			case "bool":
				return "true or false"
			case "string":
				return "text"
			}
			return cp.Type.TypeName()
		}
	} else if h := header(u); h != nil && h.Currency != nil {
		currency = h.Currency.Text
	}
	if sym.param.Value == nil {
		return fmt.Sprintf("a table of %d entries, read at a key: %s[KEY]", len(sym.param.Entries), sym.name)
	}
	v := strings.TrimSpace(sym.param.Value.Text)
	switch {
	case strings.HasPrefix(v, "£") || strings.HasPrefix(v, "-£"):
		return "money, in " + currency
	case strings.HasSuffix(v, "%"):
		return "a percentage"
	case strings.HasSuffix(v, "days") || strings.HasSuffix(v, "day") || strings.HasSuffix(v, "weeks") || strings.HasSuffix(v, "week"):
		return "a number of days"
	case strings.HasPrefix(v, `"`):
		return "text"
	case v == "true" || v == "false":
		return "true or false"
	case len(v) == 10 && v[4] == '-' && v[7] == '-':
		return "a date"
	case strings.Contains(v, "."):
		return "a decimal number"
	}
	return "a number"
}

// header returns the contract header among the unit's files, or nil.
func header(u *unit) *lang.Contract {
	for _, name := range u.names {
		if f := u.files[name]; f != nil {
			for _, d := range f.Decls {
				if h, ok := d.(*lang.Contract); ok {
					return h
				}
			}
		}
	}
	return nil
}

// fieldType describes a field's type as a schema declares it: optional,
// the type or the values of an enumeration, the range, key, period and
// date format.
func fieldType(f *lang.Field) string {
	var parts []string
	if f.Optional {
		parts = append(parts, "optional")
	}
	switch {
	case len(f.Enum) > 0:
		var vals []string
		for _, w := range f.Enum {
			vals = append(vals, "`"+w.Text+"`")
		}
		parts = append(parts, "one of "+strings.Join(vals, ", "))
	case f.Type.Text == "list" && f.Elem != nil:
		l := "list of `" + f.Elem.Text + "`"
		if f.MaxItems != nil {
			l += ", at most " + f.MaxItems.Text
		}
		parts = append(parts, l)
	default:
		parts = append(parts, "`"+f.Type.Text+"`")
	}
	if f.Min != nil && f.Max != nil {
		parts = append(parts, fmt.Sprintf("from %s to %s", f.Min.Text, f.Max.Text))
	}
	if f.Format != nil {
		parts = append(parts, "written "+f.Format.Unquoted())
	}
	if f.Key {
		parts = append(parts, "key")
	}
	if f.Period {
		parts = append(parts, "places the record in a period")
	}
	return strings.Join(parts, ", ")
}

// ruleScope describes where a rule runs, as written (`for review`, `per
// quarter`) or, without a clause, its default; the compiled contract adds
// what `per period` or the default comes to.
func ruleScope(u *unit, r *lang.Rule) string {
	var written string
	switch {
	case r.For != nil:
		written = "for " + r.For.Text
	case r.Per != nil:
		written = "per " + lang.JoinWords(r.Per)
	}
	var compiled string
	if u.contract != nil {
		if cr := u.contract.Rule(r.Name.Text); cr != nil {
			compiled = scopeText(cr.Scope)
		}
	}
	if written == "" {
		switch r.Kind {
		case lang.Let:
			written = "per term (the default for a let)"
		case lang.Cap, lang.Floor, lang.Standard:
			written = fmt.Sprintf("per period (the default for a %s)", r.Kind)
		default:
			return "none given"
		}
	}
	if compiled != "" && !strings.HasPrefix(written, compiled) {
		return written + ", here " + compiled
	}
	return written
}

// scopeText is the compiled scope as a contract would write it.
func scopeText(s compiler.Scope) string {
	if s.Kind == compiler.RecordScope && s.Schema == nil {
		return ""
	}
	return s.String()
}
