package compiler

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/spell"
)

// constantCostLimit bounds the work of evaluating a constant.
const constantCostLimit = 100_000

// constant compiles and evaluates an expression that reads nothing.
func (ck *checker) constant(env *cel.Env, e *lang.Expr, what string) (ref.Val, *types.Type, bool) {
	p := ck.parse(env, e)
	if p == nil {
		return nil, nil, false
	}
	checked, iss := env.Check(p.ast)
	if iss != nil && iss.Err() != nil {
		for _, ce := range iss.Errors() {
			d := ck.checkError(p, ce, nil)
			if d.Code == "undefined" {
				d.Message = fmt.Sprintf("%s must be a fixed value; %s", what, d.Message)
				d.Detail = "write a literal such as £19.60, 25%, 42 days, 2026-04-01, 3 or \"text\""
			}
			ck.diags = append(ck.diags, d)
		}
		return nil, nil, false
	}
	typ := checked.OutputType()
	if !paramTypes[typ.String()] {
		ck.errorf(e.Span, "bad-value", "%s is %s; expected money, a number, a percentage, days, a date, true/false or text", what, describeType(typ))
		return nil, nil, false
	}
	// A value is a literal or a small sum of them; the limit stops a
	// comprehension in one, such as [1, 2].map(x, ...) nested, from running
	// for ever.
	prg, err := env.Program(checked, cel.CostLimit(constantCostLimit))
	if err != nil {
		ck.errorf(e.Span, "internal", "%v", err)
		return nil, nil, false
	}
	v, _, err := prg.Eval(cel.NoVars())
	if err != nil {
		ck.errorf(e.Span, "bad-value", "%s: %v", what, err)
		return nil, nil, false
	}
	return v, typ, true
}

var expectArity = map[string]string{
	"total":    "expect total == £1,234.56",
	"line":     `expect line RULE "KEY" == £12.34`,
	"subtotal": "expect subtotal payment == £12.34 (a kind or a rule name)",
	"standard": `expect standard NAME "2026-Q1" met (or breach, optionally with the consequence)`,
	"excluded": `expect excluded "KEY" "reason"`,
	"flag":     `expect flag RULE "KEY"`,
	"no":       `expect no line RULE "KEY" (or: expect no flag RULE "KEY")`,
	"error":    `expect error "part of the message"`,
	"lines":    `expect lines RULE == 3 (a rule or a kind name)`,
	"payer":    "expect payer NAME == £12.34 (the sum of the payer's parts of the lines)",
}

func (ck *checker) checkTests() {
	c := ck.c
	env, err := ck.constEnv()
	if err != nil {
		return
	}
	seen := map[string]bool{}
	for i, d := range ck.tests {
		t := &Test{Name: d.Name.Unquoted(), Decl: d, Dir: ck.testDirs[i], Span: d.Name.Span, Sets: map[string]*Expression{}}
		if seen[t.Name] {
			ck.errorf(d.Name.Span, "duplicate", "two tests are named %s", d.Name.Text)
		}
		seen[t.Name] = true
		for _, w := range d.Files {
			ck.checkDataPath(t.Dir, w)
		}
		if d.Period != nil {
			t.Period = d.Period.Text
			t.Settles = ck.testPeriod(d.Period)
		}
		for _, s := range d.Sets {
			p := c.params[s.Name.Text]
			tp, entry, err := c.entryOf(s.Name.Text)
			switch {
			case err != nil:
				pe := err.(*ParamError)
				ck.errorf(s.Name.Span, "undefined", "%s", pe.Message).Detail = strings.ReplaceAll(pe.Hint, "=VALUE", " = VALUE")
				continue
			case entry != nil:
				p = tp.entryParam(entry)
			case p != nil && p.IsTable():
				pe := tableWhole(p).(*ParamError)
				ck.errorf(s.Name.Span, "type-mismatch", "%s", pe.Message).Detail = strings.ReplaceAll(pe.Hint, "=VALUE", " = VALUE")
				continue
			}
			if p == nil {
				diag := ck.errorf(s.Name.Span, "undefined", "no param named %q", s.Name.Text)
				if sug := spell.Nearest(s.Name.Text, slices.Sorted(maps.Keys(c.params))); sug != "" {
					diag.Detail = fmt.Sprintf("did you mean %q?", sug)
				}
				continue
			}
			if s.Value == nil {
				continue
			}
			v, typ, ok := ck.constant(env, s.Value, "the value of "+p.Name)
			if !ok {
				continue
			}
			if msg, hint := c.overrideProblem(p, v, typ, "this value"); msg != "" {
				ck.errorf(s.Value.Span, "type-mismatch", "%s", msg).Detail = hint
				continue
			}
			t.Sets[p.Name] = &Expression{Source: s.Value, Type: typ, constant: v}
		}
		for _, r := range d.Records {
			if tr := ck.testRecord(env, r, nil); tr != nil {
				t.Records = append(t.Records, tr)
			}
		}
		for _, e := range d.Expects {
			if x := ck.expect(env, e); x != nil {
				t.Expects = append(t.Expects, x)
			}
		}
		if len(d.Expects) == 0 {
			ck.errorf(d.Name.Span, "empty-test", "test %s expects nothing", d.Name.Text).Detail = "add an expectation such as `expect total == £100.00`"
		}
		c.Tests = append(c.Tests, t)
	}
}

// checkDataPath reports a test's data file that lies outside the folder
// dir of the file holding the test: an absolute path, a path that climbs
// out with .., or one that leads out through a symbolic link. A test reads
// its own data, never whatever file on the machine it names. A file that
// does not exist is left for the test run to report.
func (ck *checker) checkDataPath(dir string, w lang.Word) {
	name := w.Unquoted()
	hint := `a test reads data files in its contract's folder: write the path from there, such as data "reviews.csv"`
	switch {
	case name == "":
		ck.errorf(w.Span, "data-path-outside", "the data file has no name").Detail = hint
		return
	case filepath.IsAbs(name) || strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) || filepath.VolumeName(name) != "":
		ck.errorf(w.Span, "data-path-outside", "data file %q is an absolute path, outside the contract's folder", name).Detail = hint
		return
	case !filepath.IsLocal(name):
		ck.errorf(w.Span, "data-path-outside", "data file %q is outside the contract's folder", name).Detail = hint
		return
	}
	if ck.c.opts.noDisk {
		return
	}
	// Follow symbolic links, where the folder is on disk: os.Root refuses
	// a path that resolves outside it.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return
	}
	defer root.Close()
	if _, err := root.Stat(name); err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
		ck.errorf(w.Span, "data-path-outside", "data file %q leads outside the contract's folder through a symbolic link", name).Detail =
			"copy the file into the folder, or link to a file inside it"
	}
}

// testPeriod reads a test's period with the contract's calendar. It must
// lie within the term and cover whole settlement periods, as a statement
// does.
func (ck *checker) testPeriod(w *lang.Word) Period {
	cal := ck.c.cal
	if cal == nil {
		return Period{} // the header's term is wrong, and reported
	}
	p, err := cal.Parse(w.Text)
	if err == nil {
		_, _, err = cal.Settle(p)
	}
	var pe *PeriodError
	if errors.As(err, &pe) {
		ck.errorf(w.Span, "bad-period", "%s", pe.Message).Detail = pe.Hint
		return Period{}
	}
	return p
}

func (ck *checker) testRecord(env *cel.Env, r *lang.Record, parent *Schema) *TestRecord {
	s := ck.c.schemas[r.Schema.Text]
	if s == nil {
		d := ck.errorf(r.Schema.Span, "undefined", "no data named %q", r.Schema.Text)
		if sug := spell.Nearest(r.Schema.Text, append(slices.Sorted(maps.Keys(ck.c.schemas)), "period", "set", "data", "expect")); sug != "" {
			d.Detail = fmt.Sprintf("did you mean %q?", sug)
		}
		return nil
	}
	if s.Parent != parent {
		if parent == nil {
			ck.errorf(r.Schema.Span, "bad-record", "%s records are nested in %s; write them inside a %s record", s.Name, s.Parent.Name, s.Parent.Name)
		} else {
			ck.errorf(r.Schema.Span, "bad-record", "%s records are not nested in %s", s.Name, parent.Name)
		}
		return nil
	}
	tr := &TestRecord{Schema: s, Values: map[string]ref.Val{}, Span: r.Stmt.Span}
	// given holds the fields written, with a valid value or not, and the
	// fields a misspelt name suggests, so that neither is reported missing.
	given, written := map[string]bool{}, map[string]bool{}
	for _, fv := range r.Values {
		f := s.FieldByName(fv.Name.Text)
		if f == nil || f.Kind == ListField {
			d := ck.errorf(fv.Name.Span, "undefined-field", "data %s has no field %q", s.Name, fv.Name.Text)
			names := make([]string, 0, len(s.Fields))
			for _, f := range s.Fields {
				names = append(names, f.Name)
			}
			if sug := spell.Nearest(fv.Name.Text, names); sug != "" {
				d.Detail = fmt.Sprintf("did you mean %q?", sug)
				given[sug] = true
			}
			continue
		}
		if written[f.Name] {
			ck.errorf(fv.Name.Span, "duplicate", "%s is given twice", f.Name)
			continue
		}
		given[f.Name], written[f.Name] = true, true
		if fv.Value == nil {
			continue
		}
		v, typ, ok := ck.constant(env, fv.Value, s.Name+"."+f.Name)
		if !ok {
			continue
		}
		cv, err := ConvertField(f, v)
		if err != nil {
			ck.errorf(fv.Value.Span, "type-mismatch", "%s.%s: %v (this value is %s)", s.Name, f.Name, err, describeType(typ))
			continue
		}
		tr.Values[f.Name] = cv
	}
	for _, f := range s.Fields {
		if !given[f.Name] && !f.Optional && f.Kind != ListField {
			ck.errorf(r.Schema.Span, "missing-field", "this %s record has no %s", s.Name, f.Name).Detail = fmt.Sprintf("add `%s = ...`; only optional fields may be left out", f.Name)
		}
	}
	for _, child := range r.Children {
		if ct := ck.testRecord(env, child, s); ct != nil {
			tr.Children = append(tr.Children, ct)
		}
	}
	return tr
}

// ConvertField converts a constant to a field's type: an int becomes a
// decimal for a decimal field; text must be one of an enum's values; a value
// outside the field's range is an error.
func ConvertField(f *Field, v ref.Val) (ref.Val, error) {
	var out ref.Val
	switch f.Kind {
	case TextField, EnumField:
		s, ok := v.(types.String)
		if !ok {
			return nil, fmt.Errorf("expected text in quotes")
		}
		if f.Kind == EnumField && !containsStr(f.Enum, string(s)) {
			msg := fmt.Sprintf("%q is not one of %s", string(s), strings.Join(f.Enum, ", "))
			return nil, fmt.Errorf("%s", msg)
		}
		out = s
	case IntField:
		n, ok := v.(types.Int)
		if !ok {
			return nil, fmt.Errorf("expected a whole number")
		}
		out = n
	case DecimalField:
		switch x := v.(type) {
		case types.Int:
			out = value.DecimalFromInt(int64(x))
		case value.Decimal:
			out = x
		default:
			return nil, fmt.Errorf("expected a number")
		}
	case MoneyField:
		m, ok := v.(value.Money)
		if !ok {
			return nil, fmt.Errorf("expected an amount such as £12.50")
		}
		out = m
	case BoolField:
		b, ok := v.(types.Bool)
		if !ok {
			return nil, fmt.Errorf("expected true or false")
		}
		out = b
	case DateField:
		d, ok := v.(value.Date)
		if !ok {
			return nil, fmt.Errorf("expected a date such as 2026-04-01")
		}
		out = d
	default:
		return nil, fmt.Errorf("a list is given as nested records")
	}
	if f.Min != nil && compareVals(out, f.Min) < 0 || f.Max != nil && compareVals(out, f.Max) > 0 {
		return nil, fmt.Errorf("%v is outside the range %v .. %v", out, f.Min, f.Max)
	}
	return out, nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var kindNames = []string{"payment", "incentive", "sanction", "share", "adjustment"}

func (ck *checker) expect(env *cel.Env, e *lang.Expect) *Expect {
	what := e.What.Text
	example, ok := expectArity[what]
	if !ok {
		d := ck.errorf(e.What.Span, "bad-expect", "unknown expectation %q", what)
		d.Detail = "expect total, line, lines, subtotal, standard, excluded, flag, no or error"
		if sug := spell.Nearest(what, slices.Sorted(maps.Keys(expectArity))); sug != "" {
			d.Detail = fmt.Sprintf("did you mean %q?", sug)
		}
		return nil
	}
	x := &Expect{Decl: e, What: what, Op: "", Span: e.Stmt.Span}
	for _, a := range e.Args {
		x.Args = append(x.Args, a.Unquoted())
	}
	if e.Op != nil {
		x.Op = e.Op.Text
	}
	bad := func() *Expect {
		ck.errorf(e.Stmt.Span, "bad-expect", "write %s", example)
		return nil
	}
	needRule := func(name string, span lang.Span, lines bool) bool {
		r := ck.c.rules[name]
		if r == nil {
			d := ck.errorf(span, "undefined", "no rule named %q", name)
			if sug := spell.Nearest(name, slices.Sorted(maps.Keys(ck.c.rules))); sug != "" {
				d.Detail = fmt.Sprintf("did you mean %q?", sug)
			}
			return false
		}
		if lines && !r.HasLines() && r.Kind != lang.Cap && r.Kind != lang.Floor {
			ck.errorf(span, "bad-expect", "%s %s has no lines", r.Kind, r.Name)
			return false
		}
		return true
	}
	compare := func(w want) bool {
		if x.Op == "=" {
			ck.errorf(e.Op.Span, "bad-expect", "use == to compare; = gives a value").Detail = "write " + example
			return false
		}
		if x.Op == "" || e.Value == nil {
			bad()
			return false
		}
		v, typ, ok := ck.constant(env, e.Value, "the expected value")
		if !ok {
			return false
		}
		if w.types != nil && !typeIn(typ, w.types) {
			ck.errorf(e.Value.Span, "type-mismatch", "the expected value must be %s, but it is %s", w.desc, describeType(typ))
			return false
		}
		x.Value = &Expression{Source: e.Value, Type: typ, constant: v}
		return true
	}
	args := e.Args
	switch what {
	case "total":
		if len(args) != 0 {
			return bad()
		}
		if !compare(wantMoney) {
			return nil
		}
	case "line":
		if len(args) != 2 || args[1].Kind != lang.StringWord {
			return bad()
		}
		if !needRule(args[0].Text, args[0].Span, true) || !compare(wantMoney) {
			return nil
		}
	case "lines":
		if len(args) != 1 || !containsStr(kindNames, args[0].Text) && !needRule(args[0].Text, args[0].Span, false) ||
			!compare(want{types: []*types.Type{types.IntType}, desc: "a whole number"}) {
			return nil
		}
	case "payer":
		if len(args) != 1 {
			return bad()
		}
		if ck.c.PayerNamed(args[0].Text) == nil {
			ck.errorf(args[0].Span, "unknown-payer", "%s is not a payer of the contract", args[0].Text).Detail =
				"the payers are " + strings.Join(ck.c.PayerNames(), ", ")
			return nil
		}
		if !compare(wantMoney) {
			return nil
		}
	case "subtotal":
		if len(args) != 1 {
			return bad()
		}
		if !containsStr(kindNames, args[0].Text) && !needRule(args[0].Text, args[0].Span, true) {
			return nil
		}
		if !compare(wantMoney) {
			return nil
		}
	case "standard":
		if len(args) < 3 || len(args) > 4 || args[1].Kind != lang.StringWord || x.Op != "" {
			return bad()
		}
		if !needRule(args[0].Text, args[0].Span, false) {
			return nil
		}
		if r := ck.c.rules[args[0].Text]; r.Kind != lang.Standard {
			ck.errorf(args[0].Span, "bad-expect", "%s is a %s, not a standard", r.Name, r.Kind)
			return nil
		}
		if st := args[2].Text; st != "met" && st != "breach" && st != "missed" {
			ck.errorf(args[2].Span, "bad-expect", "a standard's status is met, breach or missed")
			return nil
		}
		if len(args) == 4 && args[3].Kind != lang.StringWord {
			return bad()
		}
	case "excluded":
		if len(args) < 1 || len(args) > 2 || args[0].Kind != lang.StringWord || x.Op != "" {
			return bad()
		}
	case "flag":
		if len(args) != 2 || args[1].Kind != lang.StringWord || x.Op != "" {
			return bad()
		}
		if !needRule(args[0].Text, args[0].Span, false) {
			return nil
		}
	case "no":
		if len(args) != 3 || args[0].Text != "line" && args[0].Text != "flag" || args[2].Kind != lang.StringWord || x.Op != "" {
			return bad()
		}
		if !needRule(args[1].Text, args[1].Span, false) {
			return nil
		}
	case "error":
		if len(args) != 1 || args[0].Kind != lang.StringWord || x.Op != "" {
			return bad()
		}
	}
	return x
}

// lintEnums reports comparisons of an enum field with text that is not one
// of its values: `goal.status == "achived"` can never be true.
func (ck *checker) lintEnums(pr *pendingRule) {
	for _, re := range pr.exprs {
		p := re.p
		if p == nil || *re.dst == nil {
			continue
		}
		for _, x := range p.nodes {
			if x.Kind() != ast.CallKind {
				continue
			}
			call := x.AsCall()
			if fn := call.FunctionName(); fn != "_==_" && fn != "_!=_" || len(call.Args()) != 2 {
				continue
			}
			a, b := call.Args()[0], call.Args()[1]
			if a.Kind() == ast.LiteralKind {
				a, b = b, a
			}
			if a.Kind() != ast.SelectKind || b.Kind() != ast.LiteralKind {
				continue
			}
			s := ck.selectSchema(p, a.ID(), pr.vars)
			lit, ok := b.AsLiteral().(types.String)
			if s == nil || !ok {
				continue
			}
			f := s.FieldByName(a.AsSelect().FieldName())
			if f == nil || f.Kind != EnumField || containsStr(f.Enum, string(lit)) {
				continue
			}
			d := ck.errorf(p.nodeSpan(b.ID()), "bad-enum-value", "%s.%s is never %q", s.Name, f.Name, string(lit))
			if sug := spell.Nearest(string(lit), f.Enum); sug != "" {
				d.Detail = fmt.Sprintf("did you mean %q?", sug)
			} else {
				d.Detail = "its values are " + strings.Join(f.Enum, ", ")
			}
		}
	}
}
