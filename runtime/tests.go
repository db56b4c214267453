package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"occ/compiler"
	"occ/compiler/value"
	"occ/lang"
	"occ/runtime/data"
)

// TestResult is the outcome of one test block.
type TestResult struct {
	Name     string
	Span     lang.Span
	Failures []TestFailure
}

// Passed reports whether every expectation held.
func (r TestResult) Passed() bool { return len(r.Failures) == 0 }

// TestFailure is one expectation that did not hold, or a problem that
// stopped the test.
type TestFailure struct {
	Span lang.Span
	// Expect is the expectation as written.
	Expect string
	Want   string
	Got    string
	Msg    string
}

// TestOptions configures RunTest.
type TestOptions struct {
	// Defaults replace params' defaults; a test's own `set` still wins.
	Defaults map[string]ref.Val
	Coverage *Coverage
	Workers  int
}

// RunTest runs one test block of a contract: it builds the test's data from
// its inline records and data files, evaluates the contract for the test's
// period with the test's param settings, and checks every expectation.
func RunTest(ctx context.Context, c *compiler.Contract, t *compiler.Test, o TestOptions) TestResult {
	res := TestResult{Name: t.Name, Span: t.Span}
	fail := func(span lang.Span, format string, args ...any) {
		res.Failures = append(res.Failures, TestFailure{Span: span, Msg: fmt.Sprintf(format, args...)})
	}
	var opts []Option
	for name, v := range o.Defaults {
		opts = append(opts, WithParam(name, v))
	}
	for name, e := range t.Sets {
		opts = append(opts, WithParam(name, e.Constant()))
	}
	if o.Coverage != nil {
		opts = append(opts, WithCoverage(o.Coverage))
	}
	if o.Workers > 0 {
		opts = append(opts, WithWorkers(o.Workers))
	}
	prog, err := New(c, opts...)
	if err != nil {
		fail(t.Span, "%v", err)
		return res
	}
	var runErr error
	d, dataErrs := testData(c, t)
	if len(dataErrs) > 0 {
		runErr = dataErrs
	}
	var st *Statement
	if runErr == nil {
		st, runErr = prog.Eval(ctx, d, t.Period)
	}
	if st != nil && o.Coverage != nil {
		o.Coverage.observe(st)
	}
	for _, x := range t.Expects {
		f := check(x, st, runErr)
		if f != nil {
			f.Span = x.Span
			f.Expect = expectText(x)
			res.Failures = append(res.Failures, *f)
		}
	}
	return res
}

// expectText rebuilds an expectation as written, on one line.
func expectText(x *compiler.Expect) string {
	if x.Decl == nil {
		return x.What
	}
	s := x.Decl.Stmt
	parts := []string{s.Head.Text}
	for _, a := range s.Args {
		parts = append(parts, a.Text)
	}
	if s.Op != nil {
		parts = append(parts, s.Op.Text)
	}
	if s.Expr != nil {
		parts = append(parts, strings.Join(strings.Fields(s.Expr.Text), " "))
	}
	return strings.Join(parts, " ")
}

// testData builds the dataset of a test: its data files, loaded as occ eval
// loads them, then its inline records.
func testData(c *compiler.Contract, t *compiler.Test) (*data.Set, lang.Diagnostics) {
	var inputs []data.Input
	var errs lang.Diagnostics
	for _, f := range t.Decl.Files {
		path := filepath.Join(t.Dir, f.Unquoted())
		b, err := os.ReadFile(path)
		if err != nil {
			errs.Errorf(lang.Span{File: path}, "cannot-read", "cannot read the data file: %s", errors.Unwrap(err))
			continue
		}
		inputs = append(inputs, data.Input{Path: path, Open: data.Bytes(b)})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	d := &data.Set{Records: map[string][]*value.Record{}}
	if len(inputs) > 0 {
		var lerrs lang.Diagnostics
		d, lerrs = data.Load(c, inputs)
		if len(lerrs) > 0 {
			return nil, lerrs
		}
	}
	for _, tr := range t.Records {
		d.Records[tr.Schema.Name] = append(d.Records[tr.Schema.Name], inlineRecord(tr, nil))
	}
	return d, nil
}

// inlineRecord turns a test's inline record into a data record.
func inlineRecord(tr *compiler.TestRecord, parent *value.Record) *value.Record {
	s := tr.Schema
	r := &value.Record{Origin: &value.Origin{Schema: s.Type, File: tr.Span.File}, Fields: make([]ref.Val, len(s.Fields)), Row: tr.Span.Start.Line, Parent: parent}
	for _, f := range s.Fields {
		if v, ok := tr.Values[f.Name]; ok {
			r.Fields[f.Index] = v
		}
	}
	for _, lf := range s.Lists {
		var kids []ref.Val
		for _, ct := range tr.Children {
			if ct.Schema == lf.Elem {
				kids = append(kids, inlineRecord(ct, r))
			}
		}
		r.Fields[lf.Index] = types.NewRefValList(types.DefaultTypeAdapter, kids)
	}
	return r
}

// check evaluates one expectation against the statement (or the error that
// prevented one).
func check(x *compiler.Expect, st *Statement, runErr error) *TestFailure {
	if x.What == "error" {
		want := x.Args[0]
		if runErr == nil {
			return &TestFailure{Want: "an error containing " + quote(want), Got: "no error", Msg: "the evaluation succeeded"}
		}
		if !strings.Contains(runErr.Error(), want) {
			return &TestFailure{Want: "an error containing " + quote(want), Got: runErr.Error()}
		}
		return nil
	}
	if runErr != nil {
		return &TestFailure{Msg: "no statement: " + runErr.Error()}
	}
	switch x.What {
	case "total":
		return compareMoney(x, st, st.Total)
	case "line":
		rule, key := x.Args[0], x.Args[1]
		sum, n := zeroMoney(), 0
		for _, l := range st.Lines {
			if l.Rule == rule && l.Key == key {
				sum, _ = sum.Add(l.Amount)
				n++
			}
		}
		if n == 0 {
			return &TestFailure{Msg: fmt.Sprintf("no %s line for %s", rule, quote(key)), Got: "lines for " + keysOf(st, rule)}
		}
		return compareMoney(x, st, sum)
	case "lines":
		n := 0
		for _, l := range st.Lines {
			if l.Rule == x.Args[0] {
				n++
			}
		}
		return compare(x, types.Int(n), st)
	case "subtotal":
		sum := zeroMoney()
		for _, l := range st.Lines {
			if l.Kind == x.Args[0] || l.Rule == x.Args[0] {
				sum, _ = sum.Add(l.Amount)
			}
		}
		return compareMoney(x, st, sum)
	case "standard":
		name, inst, status := x.Args[0], x.Args[1], x.Args[2]
		for _, s := range st.Standards {
			if s.Rule != name || s.Instance != inst {
				continue
			}
			got := s.Status()
			if s.Consequence != "" {
				got += " " + quote(s.Consequence)
			}
			want := status
			if len(x.Args) == 4 {
				want += " " + quote(x.Args[3])
			}
			if got != want && !(len(x.Args) == 3 && s.Status() == status) {
				m, tg := s.Display()
				return &TestFailure{Want: want, Got: got + fmt.Sprintf(" (measure %s against %s)", m, tg)}
			}
			return nil
		}
		return &TestFailure{Msg: fmt.Sprintf("standard %s was not measured for %s in this statement", name, quote(inst))}
	case "excluded":
		for _, e := range st.Excluded {
			if e.Key == x.Args[0] {
				if len(x.Args) == 2 && !strings.Contains(e.Reason, x.Args[1]) {
					return &TestFailure{Want: "excluded: " + x.Args[1], Got: "excluded: " + e.Reason}
				}
				return nil
			}
		}
		return &TestFailure{Msg: fmt.Sprintf("%s was not excluded", quote(x.Args[0]))}
	case "flag":
		for _, f := range st.Flags {
			if f.Rule == x.Args[0] && f.Key == x.Args[1] {
				return nil
			}
		}
		return &TestFailure{Msg: fmt.Sprintf("%s did not flag %s", x.Args[0], quote(x.Args[1]))}
	case "no":
		what, rule, key := x.Args[0], x.Args[1], x.Args[2]
		if what == "line" {
			for _, l := range st.Lines {
				if l.Rule == rule && l.Key == key {
					return &TestFailure{Msg: fmt.Sprintf("%s has a line for %s of %s", rule, quote(key), l.Amount.Decimal().StringFixed(2))}
				}
			}
			return nil
		}
		for _, f := range st.Flags {
			if f.Rule == rule && f.Key == key {
				return &TestFailure{Msg: fmt.Sprintf("%s flagged %s", rule, quote(key))}
			}
		}
		return nil
	}
	return &TestFailure{Msg: "unknown expectation " + x.What}
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func zeroMoney() value.Money { return value.MoneyOf(value.DecimalFromInt(0)) }

func keysOf(st *Statement, rule string) string {
	var keys []string
	for _, l := range st.Lines {
		if l.Rule == rule {
			keys = append(keys, l.Key)
		}
	}
	if len(keys) == 0 {
		return "none"
	}
	if len(keys) > 10 {
		keys = append(keys[:10], "…")
	}
	return strings.Join(keys, ", ")
}

func compareMoney(x *compiler.Expect, st *Statement, got value.Money) *TestFailure {
	return compare(x, got, st)
}

// compare checks got against the expectation's operator and value.
func compare(x *compiler.Expect, got ref.Val, st *Statement) *TestFailure {
	want := x.Value.Constant()
	var c int
	switch g := got.(type) {
	case value.Money:
		c = g.Cmp(want.(value.Money))
	case types.Int:
		c = int(g.Compare(want).(types.Int))
	default:
		return &TestFailure{Msg: "cannot compare " + got.Type().TypeName()}
	}
	ok := false
	switch x.Op {
	case "==":
		ok = c == 0
	case "!=":
		ok = c != 0
	case "<":
		ok = c < 0
	case "<=":
		ok = c <= 0
	case ">":
		ok = c > 0
	case ">=":
		ok = c >= 0
	}
	if ok {
		return nil
	}
	return &TestFailure{Want: x.Op + " " + show(want, st), Got: show(got, st)}
}

// show renders a value as the contract writes it: -£1,234.50.
func show(v ref.Val, st *Statement) string {
	m, ok := v.(value.Money)
	if !ok {
		return formatVal(v)
	}
	g := m.Grouped(st.Contract.MinorUnits)
	sign := ""
	if strings.HasPrefix(g, "-") {
		sign, g = "-", g[1:]
	}
	return sign + value.CurrencySymbols[st.Contract.Currency] + g
}
