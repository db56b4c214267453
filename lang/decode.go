package lang

import (
	"fmt"
	"github.com/occ-lang/occ/lang/spell"
	"github.com/occ-lang/occ/lang/words"
	"strings"
	"unicode/utf8"
)

// Decl is a top-level declaration: *Contract, *Param, *Data, *Rule or *Test.
type Decl interface{ declSpan() Span }

// decoder turns the generic statements into typed declarations.
type decoder struct {
	diags *Diagnostics
}

func decode(f *File, diags *Diagnostics) []Decl {
	d := decoder{diags: diags}
	var decls []Decl
	for _, s := range f.Body.Stmts {
		if decl := d.top(s); decl != nil {
			decls = append(decls, decl)
		}
	}
	return decls
}

func (d decoder) errorf(span Span, code, format string, args ...any) *Diagnostic {
	return d.diags.Errorf(span, code, format, args...)
}

// unknown reports an unknown keyword with a suggestion.
func (d decoder) unknown(w Word, what string, known []string) {
	diag := d.errorf(w.Span, "unknown-keyword", "unknown %s %q", what, shorten(w.Text))
	if s := spell.Nearest(w.Text, known); s != "" {
		diag.Detail = fmt.Sprintf("did you mean %q?", s)
	} else {
		diag.Detail = "expected one of: " + strings.Join(known, ", ")
	}
}

func (d decoder) top(s *Stmt) Decl {
	head := s.Head.Text
	switch head {
	case "contract":
		return d.contract(s)
	case "param":
		return d.param(s)
	case "data":
		return d.data(s)
	case "test":
		return d.test(s)
	}
	for _, k := range RuleKinds {
		if string(k) == head {
			return d.rule(s, k)
		}
	}
	d.unknown(s.Head, "declaration", topKeywords)
	return nil
}

// nameTitle reads `NAME ["title"]` from the arguments.
func (d decoder) nameTitle(s *Stmt, what string, needName bool) (name Word, title *Word, ok bool) {
	args := s.Args
	if needName {
		if len(args) == 0 || args[0].Kind != IdentWord {
			d.errorf(s.Head.Span, "missing-name", "%s needs a name", what).Detail =
				fmt.Sprintf("write `%s NAME \"Title\"`; a name is letters, digits and _", s.Head.Text)
			return name, nil, false
		}
		name, args = args[0], args[1:]
	}
	if len(args) > 0 && args[0].Kind == StringWord {
		t := args[0]
		title, args = &t, args[1:]
	}
	if len(args) > 0 {
		d.errorf(spanOf(args), "unexpected-words", "unexpected %s after the %s", describe(args[0]), what).Detail =
			fmt.Sprintf("write `%s NAME \"Title\"` and put the details inside { }", s.Head.Text)
	}
	return name, title, true
}

func spanOf(ws []Word) Span {
	sp := ws[0].Span
	sp.End = ws[len(ws)-1].Span.End
	return sp
}

func describe(w Word) string {
	switch w.Kind {
	case StringWord:
		return "text " + shorten(w.Text)
	case IdentWord:
		return fmt.Sprintf("word %q", shorten(w.Text))
	default:
		return fmt.Sprintf("%q", shorten(w.Text))
	}
}

// shorten cuts text quoted in a message to a readable length.
func shorten(text string) string {
	const most = 40
	if utf8.RuneCountInString(text) <= most {
		return text
	}
	return string([]rune(text)[:most]) + "…"
}

func (d decoder) needBlock(s *Stmt, what string) bool {
	if s.Block == nil {
		d.errorf(s.Span, "missing-block", "%s needs a block in braces", what).Detail = "add { ... } with its contents"
		return false
	}
	return true
}

func (d decoder) noBlockOrExpr(s *Stmt) {
	if s.Block != nil {
		d.errorf(s.Block.Open, "unexpected-block", "%q takes no block", s.Head.Text)
	}
	if s.Op != nil {
		d.errorf(s.Op.Span, "unexpected-expression", "%q takes no expression", s.Head.Text).Detail =
			fmt.Sprintf("write `%s` followed by its value, without %s", s.Head.Text, s.Op.Text)
	}
}

// one reads a clause with exactly one argument word of one of the kinds.
func (d decoder) one(s *Stmt, kinds ...WordKind) *Word {
	d.noBlockOrExpr(s)
	if len(s.Args) != 1 || !kindIn(s.Args[0].Kind, kinds) {
		span := s.Head.Span
		if len(s.Args) > 0 {
			span = spanOf(s.Args)
		}
		d.errorf(span, "bad-clause", "%q takes one %s", s.Head.Text, kindNames(kinds))
		if len(s.Args) == 0 {
			return nil
		}
	}
	w := s.Args[0]
	return &w
}

// names reads the names of a per or once per clause, args: one or more
// names separated by commas. It returns nil, with an error, when there are
// none or one is not a name.
func (d decoder) names(s *Stmt, args []Word, clause string) []Word {
	d.noBlockOrExpr(s)
	var out []Word
	for i, w := range args {
		if i%2 == 1 {
			if w.Text != "," {
				d.errorf(w.Span, "bad-clause", "separate the names after %s with commas", clause)
				return nil
			}
			continue
		}
		if w.Kind != IdentWord {
			d.errorf(w.Span, "bad-clause", "%s takes names, found %s", clause, describe(w))
			return nil
		}
		out = append(out, w)
	}
	if len(out) == 0 || len(args)%2 == 0 {
		d.errorf(s.Head.Span, "bad-clause", "%s needs a name, or names separated by commas", clause)
		return nil
	}
	return out
}

// period reads a test's period: one word (2026-05, 2026-Q1, 2026/27,
// 2026, term) or a range FROM .. TO of them. A range comes back as one
// PeriodWord, FROM..TO, spanning the three words; the compiler reads it.
func (d decoder) period(s *Stmt) *Word {
	d.noBlockOrExpr(s)
	kinds := []WordKind{PeriodWord, NumberWord, DateWord, IdentWord}
	a := s.Args
	switch {
	case len(a) == 1 && kindIn(a[0].Kind, kinds):
		w := a[0]
		return &w
	case len(a) == 3 && a[1].Text == ".." && kindIn(a[0].Kind, kinds) && kindIn(a[2].Kind, kinds):
		return &Word{Kind: PeriodWord, Text: a[0].Text + ".." + a[2].Text, Span: spanOf(a)}
	}
	span := s.Head.Span
	if len(a) > 0 {
		span = spanOf(a)
	}
	d.errorf(span, "bad-clause", "%q takes a period, or two joined by ..", s.Head.Text).Detail =
		"write a month (2026-05), a quarter (2026-Q1), a contract year (2026/27), term, or FROM..TO"
	if len(a) == 0 {
		return nil
	}
	w := a[0]
	return &w
}

func kindIn(k WordKind, kinds []WordKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

var wordKindNames = map[WordKind]string{
	IdentWord: "name", StringWord: "quoted text", NumberWord: "number", MoneyWord: "amount",
	PercentWord: "percentage", DateWord: "date", PeriodWord: "period", PunctWord: "symbol", OpWord: "operator",
}

func kindNames(kinds []WordKind) string {
	var names []string
	for _, k := range kinds {
		names = append(names, wordKindNames[k])
	}
	return strings.Join(names, " or ")
}

// expr reads `KEY = EXPR`.
func (d decoder) expr(s *Stmt) *Expr {
	if s.Block != nil {
		d.errorf(s.Block.Open, "unexpected-block", "%q takes no block", s.Head.Text)
	}
	if len(s.Args) > 0 {
		d.errorf(spanOf(s.Args), "unexpected-words", "unexpected %s before =", describe(s.Args[0])).Detail =
			fmt.Sprintf("write `%s = EXPRESSION`", s.Head.Text)
	}
	if s.Op == nil || s.Op.Text != "=" {
		sp := s.Head.Span
		if s.Op != nil {
			sp = s.Op.Span
		}
		d.errorf(sp, "missing-equals", "%q needs `=` and an expression", s.Head.Text).Detail =
			fmt.Sprintf("write `%s = EXPRESSION`", s.Head.Text)
		return s.Expr
	}
	if s.Expr == nil {
		d.errorf(s.Op.Span, "missing-expression", "expected an expression after =")
	}
	return s.Expr
}

func (d decoder) contract(s *Stmt) Decl {
	c := &Contract{Stmt: s}
	_, title, _ := d.nameTitle(s, "contract", false)
	if title == nil {
		d.errorf(s.Head.Span, "missing-title", "the contract needs a title").Detail = `write contract "Title of the contract" { ... }`
	} else {
		c.Title = *title
	}
	if !d.needBlock(s, "contract") {
		return c
	}
	seen := map[string]bool{}
	for _, st := range s.Block.Stmts {
		key := st.Head.Text
		if seen[key] && key != "payer" && key != "split" {
			d.errorf(st.Head.Span, "duplicate", "%q is set twice in the contract header", key)
		}
		seen[key] = true
		switch key {
		case "model", "settlement", "currency", "rounding":
			w := d.one(st, IdentWord)
			switch key {
			case "model":
				c.Model = w
			case "settlement":
				c.Settlement = w
			case "currency":
				c.Currency = w
			case "rounding":
				c.Rounding = w
			}
		case "commissioner", "provider", "reference", "version":
			w := d.one(st, StringWord)
			switch key {
			case "commissioner":
				c.Commissioner = w
			case "provider":
				c.Provider = w
			case "reference":
				c.Reference = w
			case "version":
				c.Version = w
			}
		case "budget":
			c.Budget = d.one(st, MoneyWord)
		case "term":
			d.noBlockOrExpr(st)
			a := st.Args
			if len(a) != 3 || a[0].Kind != DateWord || a[1].Text != ".." || a[2].Kind != DateWord {
				d.errorf(st.Span, "bad-clause", "term needs two dates: `term 2026-04-01 .. 2027-03-31`")
				continue
			}
			c.TermFrom, c.TermTo = &a[0], &a[2]
		case "payer":
			if p := d.payer(st); p != nil {
				c.Payers = append(c.Payers, p)
			}
		case "split":
			if sp := d.split(st); sp != nil {
				c.Splits = append(c.Splits, sp)
			}
		default:
			d.unknown(st.Head, "contract setting", headerSettings)
		}
	}
	return c
}

func (d decoder) param(s *Stmt) Decl {
	p := &Param{Stmt: s}
	name, title, ok := d.nameTitleBeforeOp(s, "param")
	if !ok {
		return nil
	}
	p.Name, p.Title = name, title
	if s.Block != nil {
		d.table(p)
		return p
	}
	if s.Op == nil || s.Op.Text != "=" {
		d.errorf(s.Span, "missing-equals", "param %s needs a value", name.Text).Detail =
			fmt.Sprintf("write `param %s \"Title\" = VALUE`, e.g. = £19.60, = 25%%, = 42 days", name.Text)
		return p
	}
	if s.Expr == nil {
		d.errorf(s.Op.Span, "missing-expression", "expected a value after =")
	}
	p.Value = s.Expr
	return p
}

// nameTitleBeforeOp reads `NAME ["title"]` ahead of an `=` or, for a
// table param, a block.
func (d decoder) nameTitleBeforeOp(s *Stmt, what string) (Word, *Word, bool) {
	if s.Block != nil && s.Op != nil {
		d.errorf(s.Block.Open, "unexpected-block", "%s takes a value or a table, not both", what).Detail =
			fmt.Sprintf("write `%s NAME \"Title\" = VALUE`, or the entries alone in { }", what)
	}
	return d.nameTitle(s, what, true)
}

func (d decoder) data(s *Stmt) Decl {
	name, title, ok := d.nameTitle(s, "data", true)
	if !ok {
		return nil
	}
	dd := &Data{Stmt: s, Name: name, Title: title}
	if !d.needBlock(s, "data "+name.Text) {
		return dd
	}
	for _, st := range s.Block.Stmts {
		if d.dataLimit(dd, st) || d.dataReference(dd, st) {
			continue
		}
		if f := d.field(st); f != nil {
			dd.Fields = append(dd.Fields, f)
		}
	}
	return dd
}

func (d decoder) field(s *Stmt) *Field {
	d.noBlockOrExpr(s)
	f := &Field{Stmt: s, Name: s.Head}
	a := s.Args
	if len(a) > 0 && a[0].Kind == IdentWord && a[0].Text == "optional" {
		f.Optional = true
		a = a[1:]
	}
	if len(a) == 0 || a[0].Kind != IdentWord {
		d.errorf(s.Head.Span, "missing-type", "field %s needs a type", s.Head.Text).Detail =
			"types: " + strings.Join(fieldTypes, ", ") + ", or a list of values `a | b | c`"
		return nil
	}
	f.Type = a[0]
	a = a[1:]
	if len(a) > 0 && a[0].Text == "|" {
		f.Enum = []Word{f.Type}
		for len(a) > 0 && a[0].Text == "|" {
			if len(a) < 2 || a[1].Kind != IdentWord {
				d.errorf(a[0].Span, "bad-enum", "expected a value name after |")
				a = a[1:]
				break
			}
			f.Enum = append(f.Enum, a[1])
			a = a[2:]
		}
	} else if f.Type.Text == "list" {
		if len(a) == 0 || a[0].Kind != IdentWord {
			d.errorf(f.Type.Span, "bad-list", "list needs the name of the data it holds: `list goal max 20`")
			return f
		}
		e := a[0]
		f.Elem = &e
		a = a[1:]
	} else if !contains(fieldTypes, f.Type.Text) {
		d.unknown(f.Type, "field type", fieldTypes)
	}
	for len(a) > 0 {
		w := a[0]
		switch {
		case w.Kind == IdentWord && w.Text == "key":
			f.Key = true
			a = a[1:]
		case w.Kind == IdentWord && w.Text == "period":
			f.Period = true
			a = a[1:]
		case w.Kind == IdentWord && w.Text == "max" && len(a) > 1 && a[1].Kind == NumberWord:
			m := a[1]
			f.MaxItems = &m
			a = a[2:]
		case w.Kind == IdentWord && w.Text == "format" && len(a) > 1 && a[1].Kind == StringWord:
			m := a[1]
			f.Format = &m
			a = a[2:]
		case isLiteral(w) && len(a) > 2 && a[1].Text == ".." && isLiteral(a[2]):
			lo, hi := a[0], a[2]
			f.Min, f.Max = &lo, &hi
			a = a[3:]
		case w.Kind == StringWord && f.Title == nil:
			t := w
			f.Title = &t
			a = a[1:]
		default:
			diag := d.errorf(w.Span, "bad-field", "unexpected %s in field %s", describe(w), s.Head.Text)
			diag.Detail = "after the type a field may have: key, period, a range `0 .. 400`, `max N` for lists, `format \"dd/mm/yyyy\"` for dates, and a \"title\""
			if w.Kind == IdentWord {
				if sug := spell.Nearest(w.Text, fieldModifiers); sug != "" {
					diag.Detail = fmt.Sprintf("did you mean %q?", sug)
				}
			}
			a = a[1:]
		}
	}
	return f
}

func isLiteral(w Word) bool {
	switch w.Kind {
	case NumberWord, MoneyWord, PercentWord, DateWord:
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (d decoder) rule(s *Stmt, kind RuleKind) Decl {
	name, title, ok := d.nameTitle(s, string(kind), true)
	if !ok {
		return nil
	}
	r := &Rule{Stmt: s, Kind: kind, Name: name, Title: title}
	if !d.needBlock(s, string(kind)+" "+name.Text) {
		return r
	}
	allowed := ruleClauses[kind]
	seen := map[string]bool{}
	for _, st := range s.Block.Stmts {
		key := st.Head.Text
		if !contains(allowed, key) {
			all := map[string]bool{}
			for _, cs := range ruleClauses {
				for _, c := range cs {
					all[c] = true
				}
			}
			if all[key] {
				d.errorf(st.Head.Span, "clause-not-allowed", "%s %s has no %q", words.Article(string(kind)), kind, key).Detail =
					fmt.Sprintf("%s %s takes: %s", words.Article(string(kind)), kind, strings.Join(allowed, ", "))
			} else {
				d.unknown(st.Head, "clause in "+string(kind), allowed)
			}
			continue
		}
		if seen[key] {
			d.errorf(st.Head.Span, "duplicate", "%q is given twice in %s %s", key, kind, name.Text)
			continue
		}
		seen[key] = true
		switch key {
		case "for":
			r.For = d.one(st, IdentWord)
		case "per":
			r.Per = d.names(st, st.Args, "per")
		case "once":
			d.noBlockOrExpr(st)
			if len(st.Args) == 0 || st.Args[0].Text != "per" {
				d.errorf(st.Head.Span, "bad-clause", "write once as `once per FIELD` or `once per FIELD, FIELD`: the fields whose values make a claim the same")
				continue
			}
			if r.Once = d.names(st, st.Args[1:], "once per"); r.Once == nil {
				continue
			}
		case "instalments":
			r.Instalments = d.one(st, IdentWord)
		case "breach":
			r.Breach = d.one(st, StringWord)
		case "reason":
			r.Reason = d.one(st, StringWord)
		case "payer":
			r.Payer = d.one(st, IdentWord)
		case "split":
			r.Split = d.split(st)
		case "when":
			if st.Expr == nil {
				d.errorf(st.Head.Span, "missing-expression", "expected a condition after when")
			}
			r.When = st.Expr
		case "amount":
			r.Amount = d.expr(st)
		case "due":
			r.Due = d.expr(st)
		case "basis":
			r.Basis = d.expr(st)
		case "part":
			r.Part = d.expr(st)
		case "limit":
			r.Limit = d.expr(st)
		case "measure":
			r.Measure = d.expr(st)
		case "value":
			r.Value = d.expr(st)
		case "covers":
			d.noBlockOrExpr(st)
			for i, w := range st.Args {
				if i%2 == 1 {
					if w.Text != "," {
						d.errorf(w.Span, "bad-clause", "separate the covered rules with commas")
					}
					continue
				}
				if w.Kind != IdentWord {
					d.errorf(w.Span, "bad-clause", "covers takes rule names, found %s", describe(w))
					continue
				}
				r.Covers = append(r.Covers, w)
			}
			if len(r.Covers) == 0 {
				d.errorf(st.Head.Span, "bad-clause", "covers needs at least one rule name")
			}
		case "target":
			if st.Op == nil || st.Op.Text == "=" {
				d.errorf(st.Head.Span, "bad-clause", "target needs a comparison: `target >= 85%%`")
				continue
			}
			r.TargetOp, r.Target = st.Op, st.Expr
			if st.Expr == nil {
				d.errorf(st.Op.Span, "missing-expression", "expected a value after %s", st.Op.Text)
			}
		case "repeated":
			d.noBlockOrExpr(st)
			a := st.Args
			if len(a) != 2 || a[0].Kind != NumberWord || a[1].Kind != StringWord {
				d.errorf(st.Span, "bad-clause", "repeated needs a count and a consequence: `repeated 2 \"Contract review\"`")
				continue
			}
			r.RepeatCount, r.Repeated = &a[0], &a[1]
		}
	}
	return r
}

func (d decoder) test(s *Stmt) Decl {
	t := &Test{Stmt: s}
	_, title, _ := d.nameTitle(s, "test", false)
	if title == nil {
		d.errorf(s.Head.Span, "missing-title", "a test needs a name in quotes").Detail = `write test "what it shows" { ... }`
		return nil
	}
	t.Name = *title
	if !d.needBlock(s, "test") {
		return t
	}
	for _, st := range s.Block.Stmts {
		switch st.Head.Text {
		case "period":
			if t.Period != nil {
				d.errorf(st.Head.Span, "duplicate", "a test has one period")
			}
			t.Period = d.period(st)
		case "set":
			if st.Op == nil || st.Op.Text != "=" || len(st.Args) != 1 || st.Args[0].Kind != IdentWord {
				d.errorf(st.Span, "bad-clause", "write `set PARAM = VALUE`")
				continue
			}
			t.Sets = append(t.Sets, &Setting{Stmt: st, Name: st.Args[0], Value: st.Expr})
		case "data":
			w := d.one(st, StringWord)
			if w != nil {
				t.Files = append(t.Files, *w)
			}
		case "expect":
			if len(st.Args) == 0 || st.Args[0].Kind != IdentWord {
				d.errorf(st.Head.Span, "bad-expect", "expect needs what to check: %s", strings.Join(expectations, ", "))
				continue
			}
			e := &Expect{Stmt: st, What: st.Args[0], Args: st.Args[1:], Op: st.Op, Value: st.Expr}
			t.Expects = append(t.Expects, e)
		default:
			if st.Block != nil {
				t.Records = append(t.Records, d.record(st))
				continue
			}
			d.unknown(st.Head, "test statement", testStatements)
		}
	}
	return t
}

func (d decoder) record(s *Stmt) *Record {
	r := &Record{Stmt: s, Schema: s.Head}
	if len(s.Args) > 0 {
		d.errorf(spanOf(s.Args), "unexpected-words", "unexpected %s after the record's data name", describe(s.Args[0]))
	}
	for _, st := range s.Block.Stmts {
		if st.Block != nil {
			r.Children = append(r.Children, d.record(st))
			continue
		}
		if st.Op == nil || st.Op.Text != "=" || len(st.Args) > 0 {
			d.errorf(st.Span, "bad-record", "write each field of a record as `field = value`")
			continue
		}
		r.Values = append(r.Values, &Setting{Stmt: st, Name: st.Head, Value: st.Expr})
	}
	return r
}
