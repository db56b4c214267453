package compiler

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/spell"
)

// Option configures Compile.
type Option func(*options)

type options struct {
	costLimit  uint64
	maxRecords uint64
	noDisk     bool
}

// WithoutDisk compiles source that is not in a folder on disk, such as a
// contract version kept in a settlement ledger: nothing on disk is looked
// at, so a test's data file is checked by its name alone, never against
// whatever folder occ happens to run in.
func WithoutDisk() Option { return func(o *options) { o.noDisk = true } }

// WithCostLimit sets the largest static cost an expression may have. The
// default is 10^10.
func WithCostLimit(n uint64) Option { return func(o *options) { o.costLimit = n } }

// WithMaxRecords sets how many records an aggregate may range over when
// expression costs are estimated. The default is 10^7.
func WithMaxRecords(n uint64) Option { return func(o *options) { o.maxRecords = n } }

// builtins are names every scope may declare; nothing else may use them.
var builtins = []string{"first", "period_start", "period_end", "true", "false", "null"}

// Compile checks the files of one contract (its contract file and any test
// files beside it) and returns the checked contract, or nil and the
// diagnostics when there are errors. Warnings come back with a contract.
func Compile(files []*lang.File, opts ...Option) (*Contract, lang.Diagnostics) {
	o := options{costLimit: 1e10, maxRecords: 1e7}
	for _, opt := range opts {
		opt(&o)
	}
	c := &Contract{
		Files: files, opts: o,
		params: map[string]*Param{}, schemas: map[string]*Schema{}, rules: map[string]*Rule{},
		envs: map[envKey]*cel.Env{},
	}
	ck := &checker{c: c, files: map[string]*lang.File{}}
	for _, f := range files {
		ck.files[f.Name] = f
	}
	ck.run()
	ck.diags.Sort()
	if ck.diags.HasErrors() {
		return nil, ck.diags
	}
	return c, ck.diags
}

// checker holds the state of one compilation.
type checker struct {
	c     *Contract
	files map[string]*lang.File
	diags lang.Diagnostics

	header   *lang.Contract
	params   []*lang.Param
	datas    []*lang.Data
	rules    []*lang.Rule
	tests    []*lang.Test
	testDirs []string
	names    map[string]lang.Span // every declared name
	ruleDecl map[*Rule]*lang.Rule
	termSet  bool // the header's term is well formed
	// warnedShare holds the params already reported as whole-number
	// shares.
	warnedShare map[string]bool
	// lintSrc and subjects serve the lints that find money traps
	// (lint_*.go).
	lintSrc  map[*Expression]lintSource
	subjects map[string]*subject
	// tableWarned holds the table params already warned of keys that an
	// enumeration field reading them never has, as "param data.field".
	tableWarned map[string]bool
}

func (ck *checker) errorf(span lang.Span, code, format string, args ...any) *lang.Diagnostic {
	return ck.diags.Errorf(span, code, format, args...)
}

func (ck *checker) run() {
	c := ck.c
	h := sha256.New()
	for _, f := range c.Files {
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(f.Name), len(f.Src))
		h.Write(f.Src)
		if f.Body == nil {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *lang.Contract:
				if ck.header != nil {
					ck.errorf(d.Stmt.Head.Span, "duplicate", "a contract has one header; another is at %s", ck.header.Stmt.Span)
					continue
				}
				ck.header = d
			case *lang.Param:
				ck.params = append(ck.params, d)
			case *lang.Data:
				ck.datas = append(ck.datas, d)
			case *lang.Rule:
				ck.rules = append(ck.rules, d)
			case *lang.Test:
				ck.tests = append(ck.tests, d)
				ck.testDirs = append(ck.testDirs, filepath.Dir(f.Name))
			}
		}
	}
	c.Hash = hex.EncodeToString(h.Sum(nil))
	ck.checkHeader()
	if ck.termSet {
		c.cal = NewCalendar(c.TermFrom, c.TermTo, c.Settlement)
	}
	ck.checkPayers()
	ck.declareNames()
	ck.checkParams()
	ck.checkSchemas()
	ck.checkRules()
	ck.lintTraps()
	ck.checkTests()
	ck.lintUnused()
}

func (ck *checker) checkHeader() {
	c := ck.c
	h := ck.header
	if h == nil {
		span := lang.Span{}
		if len(c.Files) > 0 {
			f := c.Files[0]
			span = lang.Span{File: f.Name, Start: lang.Pos{Line: 1, Col: 1}, End: lang.Pos{Line: 1, Col: 1}}
			if len(f.Src) == 0 {
				ck.errorf(span, "empty-file", "the file is empty").Detail = `a contract starts with contract "Title" { ... }`
				return
			}
		}
		ck.errorf(span, "missing-contract", "no contract header").Detail = `add contract "Title" { model ...  term ...  settlement ... }`
		return
	}
	c.Title = h.Title.Unquoted()
	need := func(w *lang.Word, what, example string) bool {
		if w == nil {
			ck.errorf(h.Stmt.Head.Span, "missing-setting", "the contract header has no %s", what).Detail = "add `" + example + "`"
			return false
		}
		return true
	}
	if h.Model != nil {
		c.Model = h.Model.Text
	}
	if h.Commissioner != nil {
		c.Commissioner = h.Commissioner.Unquoted()
	}
	if h.Provider != nil {
		c.Provider = h.Provider.Unquoted()
	}
	if h.Reference != nil {
		c.Reference = h.Reference.Unquoted()
	}
	if h.Version != nil {
		c.Version = h.Version.Unquoted()
	}
	if need(h.TermFrom, "term", "term 2026-04-01 .. 2027-03-31") {
		from, err1 := value.ParseDate(h.TermFrom.Text, "")
		to, err2 := value.ParseDate(h.TermTo.Text, "")
		switch {
		case err1 != nil:
			ck.errorf(h.TermFrom.Span, "bad-date", "%v", err1)
		case err2 != nil:
			ck.errorf(h.TermTo.Span, "bad-date", "%v", err2)
		case !from.Before(to):
			ck.errorf(h.TermTo.Span, "bad-term", "the term ends on %s, before it starts on %s", to, from)
		default:
			c.TermFrom, c.TermTo = from, to
			ck.termSet = true
		}
	}
	c.Settlement = MonthScope
	if need(h.Settlement, "settlement", "settlement monthly") {
		s, ok := parseSettlement(h.Settlement.Text)
		if !ok {
			d := ck.errorf(h.Settlement.Span, "bad-setting", "unknown settlement %q", h.Settlement.Text)
			d.Detail = "settlement is monthly, quarterly, yearly or term"
			if sug := spell.Nearest(h.Settlement.Text, []string{"monthly", "quarterly", "yearly", "term"}); sug != "" {
				d.Detail = fmt.Sprintf("did you mean %q?", sug)
			}
		} else {
			c.Settlement = s
		}
	}
	c.Currency, c.MinorUnits = "GBP", 2
	if h.Currency != nil {
		units, ok := currencies[h.Currency.Text]
		if !ok {
			ck.errorf(h.Currency.Span, "bad-setting", "unknown currency %q", h.Currency.Text).Detail = "use an ISO 4217 code such as GBP or EUR"
		}
		c.Currency, c.MinorUnits = h.Currency.Text, units
	}
	c.Rounding = value.HalfUp
	if h.Rounding != nil {
		r, err := value.ParseRounding(h.Rounding.Text)
		if err != nil {
			d := ck.errorf(h.Rounding.Span, "bad-setting", "unknown rounding %q", h.Rounding.Text)
			modes := []string{"half_up", "half_even", "down", "up", "ceiling", "floor"}
			d.Detail = "rounding is one of " + strings.Join(modes, ", ")
			if sug := spell.Nearest(h.Rounding.Text, modes); sug != "" {
				d.Detail = fmt.Sprintf("did you mean %q?", sug)
			}
		}
		c.Rounding = r
	}
	if h.Budget != nil {
		d, err := parseMoneyWord(h.Budget.Text)
		if err != nil {
			ck.errorf(h.Budget.Span, "bad-amount", "%v", err)
		} else {
			m := value.MoneyOf(d)
			c.Budget = &m
		}
	}
}

// currencies maps the supported ISO 4217 codes to their minor units.
var currencies = map[string]int32{"GBP": 2, "EUR": 2, "USD": 2, "JPY": 0, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "AUD": 2, "NZD": 2, "CAD": 2}

// parseMoneyWord parses £1,250.50 (or a plain number) into a decimal.
func parseMoneyWord(s string) (value.Decimal, error) {
	t := strings.TrimLeft(s, "£€$¥")
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	if strings.Contains(t, ",") {
		parts := strings.Split(strings.SplitN(t, ".", 2)[0], ",")
		for i, p := range parts {
			if i > 0 && len(p) != 3 || i == 0 && (len(p) == 0 || len(p) > 3) {
				return value.Decimal{}, fmt.Errorf("%q is not a well-formed amount: thousands are grouped in threes", s)
			}
		}
		t = strings.ReplaceAll(t, ",", "")
	}
	if neg {
		t = "-" + t
	}
	d, err := value.ParseDecimal(t)
	if err != nil {
		return d, fmt.Errorf("%q is not an amount", s)
	}
	return d, nil
}

// declareNames records every name in the contract's one namespace and
// reports duplicates.
func (ck *checker) declareNames() {
	ck.names = map[string]lang.Span{}
	declare := func(w lang.Word, what string) bool {
		if w.Text == "" {
			return false
		}
		if prev, ok := ck.names[w.Text]; ok {
			ck.errorf(w.Span, "duplicate", "%s %q is already declared at %s", what, w.Text, prev).Detail =
				"params, data, rules and lets share one set of names; choose another name"
			return false
		}
		if isReserved(w.Text) {
			ck.errorf(w.Span, "reserved-name", "%q is a reserved word and cannot name a %s", w.Text, what)
			return false
		}
		ck.names[w.Text] = w.Span
		return true
	}
	for _, p := range ck.params {
		declare(p.Name, "param")
	}
	for _, d := range ck.datas {
		declare(d.Name, "data")
	}
	for _, r := range ck.rules {
		declare(r.Name, string(r.Kind))
	}
}

var reserved = map[string]bool{
	"first": true, "period_start": true, "period_end": true, "true": true, "false": true, "null": true,
	"int": true, "uint": true, "double": true, "bool": true, "string": true, "bytes": true, "list": true,
	"map": true, "type": true, "decimal": true, "money": true, "date": true, "days": true, "text": true,
	"in": true, "as": true, "break": true, "const": true, "continue": true, "else": true, "for": true,
	"function": true, "if": true, "import": true, "let": true, "loop": true, "package": true,
	"namespace": true, "return": true, "var": true, "void": true, "while": true, "dyn": true,
	"count": true, "sum": true, "avg": true, "min": true, "max": true, "ratio": true, "previous": true,
	"sum_previous": true, "count_previous": true, "period_number": true,
	"has": true, "size": true, "round": true, "abs": true, "ceil": true, "floor": true, "percent": true,
	"total": true,
}

func isReserved(name string) bool { return reserved[name] || strings.HasPrefix(name, "_") }

func (ck *checker) checkParams() {
	env, err := ck.constEnv()
	if err != nil {
		ck.errorf(lang.Span{}, "internal", "building the expression environment: %v", err)
		return
	}
	for _, p := range ck.params {
		cp := &Param{Name: p.Name.Text, Span: p.Name.Span}
		if p.Title != nil {
			cp.Title = p.Title.Unquoted()
		}
		if p.Stmt.Block != nil {
			if ck.checkTable(env, p, cp) {
				ck.addParam(cp)
			}
			continue
		}
		if p.Value == nil {
			continue
		}
		v, typ, ok := ck.constant(env, p.Value, "param "+cp.Name)
		if !ok {
			continue
		}
		cp.Default, cp.Type = v, typ
		cp.literal, cp.valueSpan = strings.TrimSpace(p.Value.Text), p.Value.Span
		cp.Percent = strings.HasSuffix(cp.literal, "%")
		ck.addParam(cp)
	}
}

// addParam adds a checked param to the contract, unless one of its name
// is there already (declareNames reported the duplicate).
func (ck *checker) addParam(cp *Param) {
	if _, dup := ck.c.params[cp.Name]; !dup {
		ck.c.params[cp.Name] = cp
		ck.c.Params = append(ck.c.Params, cp)
	}
}

// paramTypes are the types a param or an inline value may have.
var paramTypes = map[string]bool{"money": true, "decimal": true, "int": true, "days": true, "date": true, "bool": true, "string": true}

// ParseParam parses a param override such as `£20.00`, `30%` or `6 weeks`,
// written as a param's value is written in a contract, and checks it has
// the param's type, as a test's `set` is checked: money needs an amount
// (£21.00, not 21), a decimal or percentage a point or a % (25% or 0.25,
// never 25), an int a whole number. The error is a *ParamError.
func (c *Contract) ParseParam(name, text string) (ref.Val, error) {
	p := c.params[name]
	tp, entry, err := c.entryOf(name)
	switch {
	case err != nil:
		return nil, err
	case entry != nil:
		p = tp.entryParam(entry)
	case p != nil && p.IsTable():
		return nil, tableWhole(p)
	}
	if p == nil {
		names := make([]string, 0, len(c.params))
		for n := range c.params {
			names = append(names, n)
		}
		e := &ParamError{Message: fmt.Sprintf("the contract has no param %q", name)}
		if sug := spell.Nearest(name, names); sug != "" {
			e.Hint = fmt.Sprintf("did you mean %q?", sug)
		}
		return nil, e
	}
	env, err := constEnvFor()
	if err != nil {
		return nil, err
	}
	f := &lang.File{Name: "value of param " + name, Src: []byte(text)}
	e := &lang.Expr{Text: text, Span: f.SpanAt(0, len(text))}
	ck := &checker{c: c, files: map[string]*lang.File{f.Name: f}}
	v, typ, ok := ck.constant(env, e, "param "+name)
	if !ok {
		return nil, &ParamError{Message: ck.diags[0].Message, Hint: ck.diags[0].Detail}
	}
	if msg, hint := c.overrideProblem(p, v, typ, fmt.Sprintf("%q", text)); msg != "" {
		return nil, &ParamError{Message: msg, Hint: hint}
	}
	return v, nil
}

// ParamError says why a param override was refused, and how to write it.
type ParamError struct {
	Message string
	// Hint says how to write the value, when there is more to say.
	Hint string
}

// Error returns the message and, after a semicolon, the hint.
func (e *ParamError) Error() string {
	if e.Hint == "" {
		return e.Message
	}
	return e.Message + "; " + e.Hint
}

// overrideProblem says why v, of type typ and written what, cannot replace
// param p's value, and how to write it instead; msg is "" when it can. The
// value must have the param's type exactly, which is the type its own
// literal gave it: a whole number is never taken for a decimal, because 25
// for a param written 25% would be a 2,500% uplift, and 15 for a cap rate
// of 15% would lift the cap.
func (c *Contract) overrideProblem(p *Param, v ref.Val, typ *types.Type, what string) (msg, hint string) {
	if typ.String() == p.Type.String() {
		return "", ""
	}
	kind := describeType(p.Type)
	if p.Percent {
		kind = "a percentage"
	}
	msg = fmt.Sprintf("param %s is %s, but %s is %s", p.Name, kind, what, describeType(typ))
	var num value.Decimal
	isNum := true
	switch x := v.(type) {
	case types.Int:
		num = value.DecimalFromInt(int64(x))
	case value.Decimal:
		num = x
	default:
		isNum = false
	}
	switch {
	case p.Type.IsExactType(value.DecimalType) && isNum:
		if p.Percent {
			// Moving the point two places is exact: 25 is 0.25, 100 is 1.00.
			share, _ := num.Mul(value.MustParseDecimal("0.01"))
			hint = fmt.Sprintf("write %s%% or %s", num, share)
		} else {
			hint = fmt.Sprintf("write %s.0, or %s%% for a percentage", num, num)
		}
	case p.Type.IsExactType(value.MoneyType) && isNum:
		amount := num.String()
		if places := decimalPlaces(amount); places < int(c.MinorUnits) {
			amount = num.StringFixed(c.MinorUnits)
		}
		if sym := value.CurrencySymbols[c.Currency]; sym != "" {
			hint = "write " + strings.Replace(sym+amount, sym+"-", "-"+sym, 1)
		} else {
			hint = fmt.Sprintf("write money(%q)", amount)
		}
	case p.Type.IsExactType(types.IntType) && isNum:
		if n, err := num.Int64(); err == nil {
			hint = fmt.Sprintf("write %d", n)
		} else {
			hint = "write a whole number, such as " + p.literal
		}
	case p.Type.IsExactType(value.DaysType) && typ.IsExactType(types.IntType):
		hint = fmt.Sprintf("write %s days", num)
	default:
		hint = "write a value like its own: " + p.literal
	}
	return msg, hint
}

// decimalPlaces returns the number of digits after the point in a plain
// decimal.
func decimalPlaces(s string) int {
	if _, frac, ok := strings.Cut(s, "."); ok {
		return len(frac)
	}
	return 0
}

func atoi(w *lang.Word) (int, error) {
	n, err := strconv.Atoi(w.Text)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a whole number", w.Text)
	}
	return n, nil
}

func typeName(t *types.Type) string {
	if t == nil {
		return "unknown"
	}
	return t.String()
}

// Source is one contract file to compile: its name and text, or the error
// met reading it.
type Source struct {
	Name string
	Text []byte
	Err  error
}

// CompileSources parses each source and compiles the files together, the
// way every command reads a contract. A file that could not be read is a
// "read" diagnostic. The contract comes back when no file has a syntax
// error; when some do but every file has a tree, the compiler still runs,
// so that its findings are reported too, and no contract comes back. The
// parsed files are returned in the order given, and the diagnostics sorted.
func CompileSources(srcs []Source, opts ...Option) ([]*lang.File, *Contract, lang.Diagnostics) {
	var files []*lang.File
	var diags lang.Diagnostics
	parsedOK := true
	for _, s := range srcs {
		if s.Err != nil {
			diags = append(diags, lang.Diagnostic{Severity: lang.Error, Code: "read", Message: s.Err.Error(),
				Span: lang.Span{File: s.Name, Start: lang.Pos{Line: 1, Col: 1}, End: lang.Pos{Line: 1, Col: 1}}})
			parsedOK = false
			continue
		}
		f, ds := lang.Parse(s.Name, s.Text)
		diags = append(diags, ds...)
		if f.Body == nil || ds.HasErrors() {
			parsedOK = false
		}
		files = append(files, f)
	}
	var c *Contract
	switch {
	case parsedOK || !diags.HasErrors():
		var ds lang.Diagnostics
		c, ds = Compile(files, opts...)
		diags = append(diags, ds...)
	case allParsed(files):
		_, ds := Compile(files, opts...)
		diags = append(diags, ds...)
	}
	diags.Sort()
	return files, c, diags
}

// allParsed reports whether every file has a syntax tree.
func allParsed(files []*lang.File) bool {
	for _, f := range files {
		if f.Body == nil {
			return false
		}
	}
	return len(files) > 0
}
