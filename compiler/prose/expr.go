package prose

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/parser"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/words"
)

// Precedence of a phrase, lowest first: a phrase is bracketed when it
// stands inside one that binds tighter.
const (
	precChoice = iota + 1 // if … then … otherwise …
	precOr
	precAnd
	precCompare
	precAdd
	precMul
	precUnary
	precAtom
)

// phrase is an expression in words and how tightly it binds.
type phrase struct {
	text string
	prec int
	// logic is the operator of an and/or phrase, so that a mix of the two
	// is always bracketed.
	logic string
}

// expr holds what one expression is read in: the rule it belongs to and
// the record names an aggregate or exists() has bound.
type expr struct {
	w     *Writer
	rule  *compiler.Rule
	bound map[string]*compiler.Schema
}

// Expr writes the expression e of rule r in words. It returns an error
// only when the expression cannot be read, which a checked expression
// always can.
func (w *Writer) Expr(r *compiler.Rule, e *compiler.Expression) (string, error) {
	return w.Source(r, e.Source)
}

// Source writes an expression's source in words, as Expr does.
func (w *Writer) Source(r *compiler.Rule, src *lang.Expr) (string, error) {
	p, err := w.phrase(r, src)
	return p.text, err
}

// phrase writes an expression's source in words, with its precedence.
func (w *Writer) phrase(r *compiler.Rule, src *lang.Expr) (phrase, error) {
	rw, _, err := value.Rewrite(src.Text)
	if err != nil {
		return phrase{}, err
	}
	p, err := parser.NewParser(parser.Macros())
	if err != nil {
		return phrase{}, err
	}
	a, errs := p.Parse(common.NewTextSource(rw))
	if errs != nil && len(errs.GetErrors()) > 0 {
		return phrase{}, fmt.Errorf("%s", errs.ToDisplayString())
	}
	x := &expr{w: w, rule: r, bound: map[string]*compiler.Schema{}}
	return x.node(a.Expr()), nil
}

// wrap brackets p when it binds less tightly than prec.
func wrap(p phrase, prec int) string {
	if p.prec < prec {
		return "(" + p.text + ")"
	}
	return p.text
}

func (x *expr) sub(n ast.Expr, prec int) string { return wrap(x.node(n), prec) }

func atom(s string) phrase { return phrase{text: s, prec: precAtom} }

func (x *expr) node(n ast.Expr) phrase {
	switch n.Kind() {
	case ast.LiteralKind:
		return atom(x.w.Value(n.AsLiteral(), false))
	case ast.IdentKind:
		return x.ident(n.AsIdent())
	case ast.SelectKind:
		return x.selection(n)
	case ast.ListKind:
		var items []string
		for _, e := range n.AsList().Elements() {
			items = append(items, x.sub(e, precAdd))
		}
		return atom(words.Or(items))
	case ast.CallKind:
		return x.call(n)
	}
	return atom("(an expression)")
}

// ident writes a name: a param's value as written, a rule by its title,
// or one of the names every period scope has.
func (x *expr) ident(name string) phrase {
	c := x.w.c
	if p := c.Param(name); p != nil {
		return atom(x.w.Param(p))
	}
	if r := c.Rule(name); r != nil {
		return x.ruleRef(r)
	}
	if s, ok := x.bound[name]; ok {
		return atom("the " + Name(s.Name))
	}
	if s := c.Schema(name); s != nil {
		return atom("the " + Name(s.Name))
	}
	switch name {
	case "first":
		return phrase{text: "this is the first " + x.unit() + " of the term", prec: precCompare}
	case "period_number":
		return atom("the number of the " + x.unit() + " in the term")
	case "period_start":
		return atom("the first day of the " + x.unit())
	case "period_end":
		return atom("the last day of the " + x.unit())
	case "true":
		return atom("yes")
	case "false":
		return atom("no")
	}
	return atom(Name(name))
}

// unit names the rule's own period: "month", "contract year".
func (x *expr) unit() string {
	if x.rule == nil {
		return "period"
	}
	return unit(x.rule.Scope.Kind)
}

// RuleName writes how a sentence refers to rule r: by its title in
// quotes, as a schedule refers to a defined term (“Hours delivered”), or,
// without a title, by its name in words.
func RuleName(r *compiler.Rule) string {
	if r.Title == "" {
		return "the " + Name(r.Name)
	}
	return "“" + r.Title + "”"
}

// ruleRef writes a read of rule r: a standard read as "… is met", a flag
// as "… was raised", anything else by its name.
func (x *expr) ruleRef(r *compiler.Rule) phrase {
	switch r.Kind {
	case lang.Standard:
		return phrase{text: RuleName(r) + " is met", prec: precCompare}
	case lang.Flag:
		return phrase{text: RuleName(r) + " was raised", prec: precCompare}
	}
	return atom(RuleName(r))
}

// field returns the field a select names, and the schema of its record.
func (x *expr) field(n ast.Expr) (*compiler.Field, string, bool) {
	if n.Kind() != ast.SelectKind {
		return nil, "", false
	}
	sel := n.AsSelect()
	if sel.Operand().Kind() != ast.IdentKind {
		return nil, "", false
	}
	rec := sel.Operand().AsIdent()
	s := x.bound[rec]
	if s == nil {
		s = x.w.c.Schema(rec)
	}
	if s == nil {
		return nil, "", false
	}
	f := s.FieldByName(sel.FieldName())
	return f, rec, f != nil
}

// fieldText writes a read of a field: "the actual hours" for the rule's
// own record or the record an aggregate ranges over, "the review's
// month" for a record around it.
func (x *expr) fieldText(n ast.Expr) string {
	f, rec, _ := x.field(n)
	the := "the "
	if f.Kind == compiler.BoolField {
		the = "" // "at home is yes", not "the at home is yes"
	}
	if _, ok := x.bound[rec]; ok || x.rule != nil && x.rule.Scope.Kind == compiler.RecordScope && x.rule.Scope.Schema.Name == rec {
		return the + FieldName(f)
	}
	return "the " + Name(rec) + "'s " + FieldName(f)
}

func (x *expr) selection(n ast.Expr) phrase {
	sel := n.AsSelect()
	if s, key, ok := x.reference(sel.Operand()); ok {
		return atom("the " + Name(sel.FieldName()) + " of the " + Name(s.Name) + " whose " + Name(s.RefKey().Name) + " is " + x.sub(key, precAtom))
	}
	f, _, ok := x.field(n)
	if !ok {
		return atom(x.sub(sel.Operand(), precAtom) + "'s " + Name(sel.FieldName()))
	}
	if f.Kind == compiler.BoolField {
		return phrase{text: x.fieldText(n) + " is yes", prec: precCompare}
	}
	return atom(x.fieldText(n))
}

// reference takes apart a record of reference data read at a key,
// care_package[K], returning the data and the key expression.
func (x *expr) reference(n ast.Expr) (*compiler.Schema, ast.Expr, bool) {
	if n.Kind() != ast.CallKind || n.AsCall().FunctionName() != "_[_]" || len(n.AsCall().Args()) != 2 {
		return nil, nil, false
	}
	a := n.AsCall().Args()
	if a[0].Kind() != ast.IdentKind {
		return nil, nil, false
	}
	s := x.w.c.Schema(a[0].AsIdent())
	if s == nil || s.RefKey() == nil {
		return nil, nil, false
	}
	return s, a[1], true
}

// isDate reports whether n is a date: a date field, a date literal, or
// the start or end of the period.
func (x *expr) isDate(n ast.Expr) bool {
	switch n.Kind() {
	case ast.SelectKind:
		f, _, ok := x.field(n)
		return ok && f.Kind == compiler.DateField
	case ast.IdentKind:
		return n.AsIdent() == "period_start" || n.AsIdent() == "period_end"
	case ast.CallKind:
		return n.AsCall().FunctionName() == "date"
	}
	return false
}

// operand writes one side of a comparison with ==: a yes-or-no field as
// its name, not as "… is yes".
func (x *expr) operand(n ast.Expr) string {
	if f, _, ok := x.field(n); ok && f.Kind == compiler.BoolField {
		return x.fieldText(n)
	}
	return x.sub(n, precAdd)
}

var comparisons = map[string][2]string{
	// operator: how numbers compare, how dates compare
	"_<_":  {"is less than", "is before"},
	"_<=_": {"is at most", "is on or before"},
	"_>_":  {"is more than", "is after"},
	"_>=_": {"is at least", "is on or after"},
	"_==_": {"is", "is"},
	"_!=_": {"is not", "is not"},
}

var arithmetic = map[string]struct {
	sym  string
	prec int
}{
	"_+_": {"+", precAdd}, "_-_": {"-", precAdd}, "_*_": {"×", precMul}, "_/_": {"÷", precMul},
}

func (x *expr) call(n ast.Expr) phrase {
	c := n.AsCall()
	fn, args := c.FunctionName(), c.Args()
	if c.IsMemberFunction() {
		return x.member(c.Target(), fn, args)
	}
	if cmp, ok := comparisons[fn]; ok {
		word := cmp[0]
		if x.isDate(args[0]) || x.isDate(args[1]) {
			word = cmp[1]
		}
		return phrase{text: x.operand(args[0]) + " " + word + " " + x.operand(args[1]), prec: precCompare}
	}
	if op, ok := arithmetic[fn]; ok {
		if fn == "_-_" && x.isDate(args[0]) && x.isDate(args[1]) {
			return atom("the days from " + x.sub(args[1], precAtom) + " to " + x.sub(args[0], precAtom))
		}
		// The right side of - and ÷ is bracketed at equal precedence:
		// a - (b - c).
		rp := op.prec
		if fn == "_-_" || fn == "_/_" {
			rp++
		}
		return phrase{text: x.sub(args[0], op.prec) + " " + op.sym + " " + x.sub(args[1], rp), prec: op.prec}
	}
	switch fn {
	case "_&&_", "_||_":
		word, prec := "and", precAnd
		if fn == "_||_" {
			word, prec = "or", precOr
		}
		side := func(a ast.Expr) string {
			p := x.node(a)
			if p.logic != "" && p.logic != word {
				return "(" + p.text + ")"
			}
			return wrap(p, prec)
		}
		return phrase{text: side(args[0]) + " " + word + " " + side(args[1]), prec: prec, logic: word}
	case "_?_:_":
		return x.choice(args)
	case "!_":
		return x.not(args[0])
	case "-_":
		return phrase{text: "-" + x.sub(args[0], precUnary), prec: precUnary}
	case "_%_":
		return atom("the remainder of " + x.sub(args[0], precMul) + " ÷ " + x.sub(args[1], precUnary))
	case "@in":
		if args[1].Kind() == ast.IdentKind {
			if s := x.w.c.Schema(args[1].AsIdent()); s != nil && s.RefKey() != nil {
				return phrase{text: x.operand(args[0]) + " is the " + Name(s.RefKey().Name) + " of a " + Name(s.Name), prec: precCompare}
			}
			if p := x.w.c.Param(args[1].AsIdent()); p != nil && p.IsTable() {
				return phrase{text: x.operand(args[0]) + " is a key of " + x.w.Param(p), prec: precCompare}
			}
		}
		return phrase{text: x.operand(args[0]) + " is one of " + x.sub(args[1], precAtom), prec: precCompare}
	case "_[_]":
		if args[0].Kind() == ast.IdentKind {
			if p := x.w.c.Param(args[0].AsIdent()); p != nil && p.IsTable() {
				return atom("the " + Name(p.Name) + " for " + x.sub(args[1], precAtom))
			}
		}
		return atom("item " + x.sub(args[1], precAtom) + " of " + x.sub(args[0], precAtom))
	}
	return x.function(fn, args)
}

// choice writes c ? a : b as "if c then a, otherwise b"; a chain of
// choices reads "if … then …, otherwise if … then …, otherwise …".
func (x *expr) choice(args []ast.Expr) phrase {
	cond := x.node(args[0])
	then := x.sub(args[1], precOr)
	other := x.node(args[2])
	ot := other.text
	if other.prec < precOr && !strings.HasPrefix(ot, "if ") {
		ot = "(" + ot + ")"
	}
	return phrase{text: "if " + cond.text + " then " + then + ", otherwise " + ot, prec: precChoice}
}

func (x *expr) not(a ast.Expr) phrase {
	if a.Kind() == ast.CallKind && a.AsCall().FunctionName() == "has" && len(a.AsCall().Args()) == 1 {
		return phrase{text: x.given(a.AsCall().Args()[0]) + " is not given", prec: precCompare}
	}
	if f, _, ok := x.field(a); ok && f.Kind == compiler.BoolField {
		return phrase{text: x.fieldText(a) + " is no", prec: precCompare}
	}
	if a.Kind() == ast.IdentKind {
		if r := x.w.c.Rule(a.AsIdent()); r != nil && r.Kind == lang.Standard {
			return phrase{text: RuleName(r) + " is not met", prec: precCompare}
		}
	}
	return phrase{text: "not (" + x.node(a).text + ")", prec: precUnary}
}

// given writes the field has() asks about.
func (x *expr) given(a ast.Expr) string {
	if _, _, ok := x.field(a); ok {
		return x.fieldText(a)
	}
	return x.sub(a, precAtom)
}

// literal returns the text of a call's only argument when it is a string
// literal, as the compiler's rewriting writes £19.60 as money("19.60").
func literal(args []ast.Expr) (string, bool) {
	if len(args) != 1 || args[0].Kind() != ast.LiteralKind {
		return "", false
	}
	s, ok := args[0].AsLiteral().(types.String)
	return string(s), ok
}
