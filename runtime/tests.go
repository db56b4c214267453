package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime/data"
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
	// Code is "test-failed" when the expectation did not hold, and
	// "test-error" when a problem (the test's data, its params, an
	// evaluation error it did not expect) stopped the test from checking
	// it.
	Code string
	// Expect is the expectation as written.
	Expect string
	Want   string
	Got    string
	Msg    string
}

// The codes of test failures.
const (
	codeTestFailed = "test-failed"
	codeTestError  = "test-error"
)

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
		res.Failures = append(res.Failures, TestFailure{Span: span, Code: codeTestError, Msg: fmt.Sprintf(format, args...)})
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
		st, runErr = prog.Eval(ctx, d, t.Settles)
	}
	if st != nil && o.Coverage != nil {
		o.Coverage.observe(st)
	}
	for _, x := range t.Expects {
		f := check(x, st, runErr)
		if f != nil {
			f.Span = x.Span
			f.Expect = expectText(x)
			if f.Code == "" {
				f.Code = codeTestFailed
			}
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

// maxTestDataSize bounds the size of a test's data file.
const maxTestDataSize = 64 << 20

// testData builds the dataset of a test: its data files, loaded as occ eval
// loads them, then its inline records.
//
// A test reads only files in its folder (t.Dir, or below it): a file
// named with .. or reached through a symbolic link that leads out of the
// folder is refused before it is opened, so nothing of it (data
// diagnostics quote cell values) can reach a test's output. The file is
// then read through an os.Root of the folder, so that a link swapped in
// after the check cannot lead out either.
func testData(c *compiler.Contract, t *compiler.Test) (*data.Set, lang.Diagnostics) {
	var inputs []data.Input
	var errs lang.Diagnostics
	for _, f := range t.Decl.Files {
		path := filepath.Join(t.Dir, f.Unquoted())
		b, err := readTestData(t.Dir, path)
		if err != nil {
			errs.Errorf(f.Span, "cannot-read", "cannot read the data file %s: %s", path, err)
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

// readTestData reads the data file path of a test in folder dir, which
// must lie in dir once symbolic links are resolved. Its errors say why in
// words of their own, and never quote the file.
func readTestData(dir, path string) ([]byte, error) {
	if dir == "" {
		dir = "."
	}
	outside := fmt.Errorf("it is outside the folder of the test (%s); a test reads only files in its folder", dir)
	if !within(filepath.Clean(dir), filepath.Clean(path)) {
		return nil, outside // by its name, before anything is looked up
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, pathError(err)
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, pathError(err)
	}
	absRoot, err1 := filepath.Abs(root)
	absTarget, err2 := filepath.Abs(target)
	if err1 != nil || err2 != nil {
		return nil, errors.New("cannot resolve its path")
	}
	if !within(absRoot, absTarget) {
		return nil, outside
	}
	rel, _ := filepath.Rel(absRoot, absTarget)
	r, err := os.OpenRoot(absRoot)
	if err != nil {
		return nil, pathError(err)
	}
	defer r.Close()
	fh, err := r.Open(rel)
	if err != nil {
		return nil, pathError(err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, pathError(err)
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("it is not a regular file")
	}
	if info.Size() > maxTestDataSize {
		return nil, fmt.Errorf("it is %d MB; a test's data file is at most %d MB", info.Size()>>20, maxTestDataSize>>20)
	}
	b, err := io.ReadAll(io.LimitReader(fh, maxTestDataSize+1))
	if err != nil {
		return nil, pathError(err)
	}
	if len(b) > maxTestDataSize {
		return nil, fmt.Errorf("it is over %d MB; a test's data file is at most %d MB", maxTestDataSize>>20, maxTestDataSize>>20)
	}
	return b, nil
}

// within reports whether path lies in the folder dir or below it, as
// written: both cleaned, and both relative or both absolute.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && !filepath.IsAbs(rel) && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// pathError is the reason of a failed file operation, without the path
// (the message names the file already).
func pathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// inlineRecord turns a test's inline record into a data record.
func inlineRecord(tr *compiler.TestRecord, parent *value.Record) *value.Record {
	s := tr.Schema
	r := value.NewRecord(&value.Origin{Schema: s.Type, File: tr.Span.File}, len(s.Fields), tr.Span.Start.Line, parent)
	set := func(i int, v ref.Val) {
		if err := r.SetField(i, v); err != nil {
			panic(err) // the record's own Origin holds one value a field
		}
	}
	for _, f := range s.Fields {
		if v, ok := tr.Values[f.Name]; ok {
			set(f.Index, v)
		}
	}
	for _, lf := range s.Lists {
		var kids []ref.Val
		for _, ct := range tr.Children {
			if ct.Schema == lf.Elem {
				kids = append(kids, inlineRecord(ct, r))
			}
		}
		set(lf.Index, types.NewRefValList(types.DefaultTypeAdapter, kids))
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
			return &TestFailure{Want: "an error containing " + quote(want), Got: errorText(runErr)}
		}
		return nil
	}
	if runErr != nil {
		return &TestFailure{Code: codeTestError, Msg: "no statement: " + errorText(runErr)}
	}
	switch x.What {
	case "total":
		return compareMoney(x, st, st.Total)
	case "line":
		return checkLine(x, st)
	case "lines":
		n := 0
		for l := range st.Lines() {
			if l.Kind == x.Args[0] || l.Rule == x.Args[0] {
				n++
			}
		}
		return compare(x, types.Int(n), st)
	case "subtotal":
		sum := zeroMoney()
		for l := range st.Lines() {
			if l.Kind == x.Args[0] || l.Rule == x.Args[0] {
				sum, _ = sum.Add(l.Amount)
			}
		}
		return compareMoney(x, st, sum)
	case "payer":
		for _, p := range st.ByPayer {
			if p.Payer == x.Args[0] {
				return compareMoney(x, st, p.Amount)
			}
		}
		return compareMoney(x, st, zeroMoney())
	case "standard":
		return checkStandard(x, st)
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
		return checkNo(x, st)
	}
	return &TestFailure{Code: codeTestError, Msg: "unknown expectation " + x.What}
}

// checkLine checks `expect line RULE "KEY" OP AMOUNT`: the sum of the
// rule's lines with that key.
func checkLine(x *compiler.Expect, st *Statement) *TestFailure {
	rule, key := x.Args[0], x.Args[1]
	sum, n := zeroMoney(), 0
	for l := range st.Lines() {
		if l.Rule == rule && l.Key == key {
			sum, _ = sum.Add(l.Amount)
			n++
		}
	}
	if n == 0 {
		return &TestFailure{Msg: fmt.Sprintf("no %s line for %s", rule, quote(key)), Got: "lines for " + keysOf(st, rule)}
	}
	return compareMoney(x, st, sum)
}

// checkStandard checks `expect standard NAME "INSTANCE" STATUS ["CONSEQUENCE"]`.
func checkStandard(x *compiler.Expect, st *Statement) *TestFailure {
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
}

// checkNo checks `expect no line RULE "KEY"` and `expect no flag RULE "KEY"`.
func checkNo(x *compiler.Expect, st *Statement) *TestFailure {
	what, rule, key := x.Args[0], x.Args[1], x.Args[2]
	if what == "line" {
		for l := range st.Lines() {
			if l.Rule == rule && l.Key == key {
				return &TestFailure{Msg: fmt.Sprintf("%s has a line for %s of %s", rule, quote(key), value.Format(l.Amount, st.Contract.MinorUnits))}
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

// maxErrorLines is how many of an evaluation's errors a test failure
// shows; the rest are counted.
const maxErrorLines = 50

// errorText renders the error that stopped a test's evaluation, one
// diagnostic a line, at most maxErrorLines of them.
func errorText(err error) string {
	var ds lang.Diagnostics
	if !errors.As(err, &ds) || len(ds) <= maxErrorLines {
		return err.Error()
	}
	return fmt.Sprintf("%s\nand %d more errors", ds[:maxErrorLines].Error(), len(ds)-maxErrorLines)
}

// quote returns s quoted as Go quotes strings.
func quote(s string) string { return fmt.Sprintf("%q", s) }

// zeroMoney returns no money.
func zeroMoney() value.Money { return value.MoneyOf(value.DecimalFromInt(0)) }

// keysOf lists, for a failure, the keys of a rule's lines: at most ten.
func keysOf(st *Statement, rule string) string {
	var keys []string
	for l := range st.Lines() {
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

// compareMoney checks an amount against the expectation.
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
		return &TestFailure{Code: codeTestError, Msg: "cannot compare " + got.Type().TypeName()}
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
		return value.Format(v, st.Contract.MinorUnits)
	}
	g := m.Grouped(st.Contract.MinorUnits)
	sign := ""
	if strings.HasPrefix(g, "-") {
		sign, g = "-", g[1:]
	}
	return sign + value.CurrencySymbols[st.Contract.Currency] + g
}
