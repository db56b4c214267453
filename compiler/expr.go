package compiler

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/spell"
)

// parsed is an expression after rewriting and parsing, before checking.
type parsed struct {
	src       *lang.Expr
	file      *lang.File
	rewritten string
	mapping   *value.Mapping
	ast       *cel.Ast
	nodes     map[int64]ast.Expr
	idents    []identRef
}

// identRef is an identifier an expression reads, with its span in the file.
type identRef struct {
	name string
	span lang.Span
}

// parse rewrites the commissioner's literals and parses the expression.
// It returns nil after reporting errors.
func (ck *checker) parse(env *cel.Env, e *lang.Expr) *parsed {
	if e.Broken {
		return nil // lang reported the unclosed bracket
	}
	f := ck.files[e.Span.File]
	p := &parsed{src: e, file: f}
	rw, m, err := value.Rewrite(e.Text)
	if err != nil {
		if re, ok := err.(*value.RewriteError); ok {
			start := e.Span.Start.Offset + re.Offset
			ck.errorf(f.SpanAt(start, start+max(re.Length, 1)), "bad-literal", "%s", re.Msg).Detail = re.Hint
		} else {
			ck.errorf(e.Span, "bad-literal", "%v", err)
		}
		return nil
	}
	p.rewritten, p.mapping = rw, m
	for sym, off := range m.Symbols() {
		if _, known := currencies[ck.c.Currency]; !known {
			break // the header's currency is itself wrong, and reported
		}
		if want := value.CurrencySymbols[ck.c.Currency]; want != sym {
			start := e.Span.Start.Offset + off
			d := ck.errorf(f.SpanAt(start, start+len(sym)), "wrong-currency", "this contract is in %s, but this amount is in %s", ck.c.Currency, sym)
			if want != "" {
				d.Detail = fmt.Sprintf("write amounts in %s as %s1,250.50", ck.c.Currency, want)
			} else {
				d.Detail = fmt.Sprintf("%s has no symbol here: write money(\"1250.50\")", ck.c.Currency)
			}
		}
	}
	a, iss := env.Parse(rw)
	if iss != nil && iss.Err() != nil {
		for _, ce := range iss.Errors() {
			span := p.locSpan(ce.Location)
			if msg, hint, ok := historyError(ce.Message); ok {
				span = historySpan(span, msg)
				ck.diags = append(ck.diags, lang.Diagnostic{Severity: lang.Error, Code: "bad-history", Span: span, Message: msg, Detail: hint})
				continue
			}
			if i := strings.Index(ce.Message, lagError); i >= 0 {
				ck.diags = append(ck.diags, lang.Diagnostic{Severity: lang.Error, Code: "bad-previous", Span: span,
					Message: ce.Message[i+len(lagError):], Detail: lagHint})
				continue
			}
			ck.diags = append(ck.diags, lang.Diagnostic{
				Severity: lang.Error, Code: "syntax", Span: span,
				Message: syntaxMessage(ce.Message), Detail: syntaxHint(ce.Message),
			})
		}
		return nil
	}
	p.ast = a
	p.nodes = map[int64]ast.Expr{}
	ast.PreOrderVisit(a.NativeRep().Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		p.nodes[x.ID()] = x
		if x.Kind() == ast.IdentKind {
			p.idents = append(p.idents, identRef{name: x.AsIdent(), span: p.nodeSpan(x.ID())})
		}
	}))
	return p
}

// fileOffset maps a byte offset in the rewritten text to the file.
func (p *parsed) fileOffset(rw int) int {
	return p.src.Span.Start.Offset + p.mapping.Original(rw)
}

// runeToByte converts a code point offset in the rewritten text to bytes.
func (p *parsed) runeToByte(runes int) int {
	off := 0
	for i := 0; i < runes && off < len(p.rewritten); i++ {
		_, size := utf8.DecodeRuneInString(p.rewritten[off:])
		off += size
	}
	return off
}

// locSpan maps a CEL location (1-based line, 0-based code point column in
// the rewritten text) to a span in the file covering the token there.
func (p *parsed) locSpan(loc common.Location) lang.Span {
	line, col := loc.Line(), loc.Column()
	off := 0
	for l := 1; l < line && off < len(p.rewritten); l++ {
		i := strings.IndexByte(p.rewritten[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	for i := 0; i < col && off < len(p.rewritten); i++ {
		_, size := utf8.DecodeRuneInString(p.rewritten[off:])
		off += size
	}
	start := p.fileOffset(off)
	return p.file.SpanAt(start, start+tokenLen(p.file.Src[min(start, len(p.file.Src)):]))
}

// tokenLen is the length of the identifier, number or operator at b.
func tokenLen(b []byte) int {
	n := 0
	for n < len(b) && (b[n] == '_' || b[n] >= 'a' && b[n] <= 'z' || b[n] >= 'A' && b[n] <= 'Z' || b[n] >= '0' && b[n] <= '9' || b[n] == '.' && n > 0) {
		n++
	}
	if n == 0 && len(b) > 0 {
		_, size := utf8.DecodeRune(b)
		n = size
		if len(b) > size && strings.ContainsRune("=<>!&|", rune(b[0])) && strings.ContainsRune("=&|", rune(b[1])) {
			n = 2
		}
	}
	return n
}

// nodeSpan returns the file span of an expression node and everything below
// it.
func (p *parsed) nodeSpan(id int64) lang.Span {
	x, ok := p.nodes[id]
	info := p.ast.NativeRep().SourceInfo()
	lo, hi := -1, -1 // byte offsets in the rewritten text
	visit := func(n ast.Expr) {
		if r, ok := info.GetOffsetRange(n.ID()); ok {
			s, e := widen(p.rewritten, p.runeToByte(int(r.Start)), p.runeToByte(int(r.Stop)))
			if lo < 0 || s < lo {
				lo = s
			}
			if e > hi {
				hi = e
			}
		}
	}
	if ok {
		ast.PreOrderVisit(x, ast.NewExprVisitor(visit))
	} else if r, ok := info.GetOffsetRange(id); ok {
		lo, hi = widen(p.rewritten, p.runeToByte(int(r.Start)), p.runeToByte(int(r.Stop)))
	}
	if lo < 0 {
		return p.src.Span
	}
	start := p.fileOffset(lo)
	end := p.fileOffset(hi)
	if hi > lo && end <= start {
		end = start + 1
	}
	// An identifier's range may stop at its start; cover the whole token.
	if end <= start+1 {
		end = start + tokenLen(p.file.Src[min(start, len(p.file.Src)):])
	}
	start, end = balance(p.file.Src, start, end, p.src.Span.Start.Offset, p.src.Span.End.Offset)
	return p.file.SpanAt(start, end)
}

// balance widens [start, end) within [lo, hi) until its brackets match: CEL
// ranges leave out the brackets around a sub-expression, so `(a - b) * c`
// would otherwise be cut to `a - b) * c`.
func balance(src []byte, start, end, lo, hi int) (int, int) {
	for range 64 {
		open, unmatchedClose := 0, 0
		inString := byte(0)
		for i := start; i < end && i < len(src); i++ {
			c := src[i]
			switch {
			case inString != 0:
				if c == '\\' {
					i++
				} else if c == inString {
					inString = 0
				}
			case c == '"' || c == '\'':
				inString = c
			case c == '(' || c == '[':
				open++
			case c == ')' || c == ']':
				if open > 0 {
					open--
				} else {
					unmatchedClose++
				}
			}
		}
		if open == 0 && unmatchedClose == 0 {
			return start, end
		}
		if unmatchedClose > 0 {
			j := start - 1
			for j >= lo && src[j] != '(' && src[j] != '[' {
				j--
			}
			if j < lo {
				return start, end
			}
			start = j
		}
		if open > 0 {
			j := end
			for j < hi && src[j] != ')' && src[j] != ']' {
				j++
			}
			if j >= hi {
				return start, end
			}
			end = j + 1
		}
	}
	return start, end
}

// widen stretches the range CEL records for a node, [s, e) in the rewritten
// text rw, over the source the node stands for. CEL places a field
// selection at its dot, a call at its opening bracket, an index or a list at
// its `[` and a map at its `{`: the field name, the function name and
// everything up to the closing bracket belong to the node too.
func widen(rw string, s, e int) (int, int) {
	if s >= len(rw) {
		return s, e
	}
	switch rw[s] {
	case '.':
		j := s + 1
		for j < len(rw) && (rw[j] == '?' || rw[j] == ' ' || rw[j] == '\t' || rw[j] == '\n' || rw[j] == '\r') {
			j++
		}
		for j < len(rw) && isIdentByte(rw[j]) {
			j++
		}
		e = max(e, j)
	case '(', '[', '{':
		e = max(e, closing(rw, s))
		if rw[s] == '(' {
			for s > 0 && isIdentByte(rw[s-1]) {
				s--
			}
		}
	}
	return s, e
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// closing returns the offset just past the bracket that closes the one at
// rw[open], skipping quoted strings, or len(rw) if it is never closed.
func closing(rw string, open int) int {
	depth := 0
	for i := open; i < len(rw); i++ {
		switch c := rw[i]; c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"', '\'':
			for i++; i < len(rw) && rw[i] != c && rw[i] != '\n'; i++ {
				if rw[i] == '\\' {
					i++
				}
			}
		}
	}
	return len(rw)
}

// want describes the type an expression must have.
type want struct {
	types []*types.Type // any of these; nil means any type
	desc  string        // "money", "a condition (true or false)"
	hint  string
}

var (
	wantMoney = want{types: []*types.Type{value.MoneyType}, desc: "money",
		hint: "an amount is money: multiply a quantity by a money param, e.g. review.actual_hours * hourly_rate"}
	wantBool = want{types: []*types.Type{types.BoolType}, desc: "a condition (true or false)",
		hint: "compare values to get a condition, e.g. review.missed_visits > 2"}
	wantNumber = want{types: []*types.Type{value.DecimalType, types.IntType}, desc: "a number",
		hint: "a percentage such as 50% or a number such as 0.5"}
	wantAny = want{}
)

// check type-checks a parsed expression and builds its program. what names
// the expression in messages ("the amount of payment hours").
func (ck *checker) check(env *cel.Env, p *parsed, w want, what string, vars map[string]*Schema) *Expression {
	checked, iss := env.Check(p.ast)
	if iss != nil && iss.Err() != nil {
		if w := widenLiterals(env, p, len(iss.Errors())); w != nil {
			checked, iss = w, nil
		}
	}
	if iss != nil && iss.Err() != nil {
		for _, ce := range iss.Errors() {
			ck.diags = append(ck.diags, ck.checkError(p, ce, vars))
		}
		return nil
	}
	out := checked.OutputType()
	if w.types != nil && !typeIn(out, w.types) {
		ck.diags = append(ck.diags, lang.Diagnostic{
			Severity: lang.Error, Code: "type-mismatch", Span: p.src.Span,
			Message: fmt.Sprintf("%s must be %s, but this expression is %s", what, w.desc, describeType(out)),
			Detail:  w.hint,
		})
		return nil
	}
	e := &Expression{Source: p.src, AST: checked, Type: out}
	est, err := env.EstimateCost(checked, estimator{vars: vars, maxRecords: ck.c.opts.maxRecords})
	if err == nil {
		e.Cost = est.Max
		if est.Max > ck.c.opts.costLimit {
			ck.errorf(p.src.Span, "too-costly", "%s may cost up to %d steps to evaluate, over the limit of %d", what, est.Max, ck.c.opts.costLimit).Detail =
				"an aggregate inside another aggregate loops over every record for every record; compute the inner value once with a let"
		}
	}
	prg, err := env.Program(checked,
		cel.CostLimit(ck.c.opts.costLimit),
		cel.InterruptCheckFrequency(64),
		cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		ck.errorf(p.src.Span, "internal", "preparing %s: %v", what, err)
		return nil
	}
	e.Program = prg
	names := map[string]bool{}
	prev := map[string]bool{}
	for _, id := range p.idents {
		if l, ok := ParseLag(id.name); ok {
			prev[l.Name] = true
		} else if !strings.HasPrefix(id.name, "@") {
			names[id.name] = true
		}
	}
	e.env = env
	if ck.lintSrc == nil {
		ck.lintSrc = map[*Expression]lintSource{}
	}
	ck.lintSrc[e] = lintSource{p: p, vars: vars}
	e.Parts = parts(p)
	e.Branches = branches(p)
	e.Reads = slices.Sorted(maps.Keys(names))
	e.Inputs = inputPaths(p, vars, ck)
	e.Previous = slices.Sorted(maps.Keys(prev))
	return e
}

func typeIn(t *types.Type, list []*types.Type) bool {
	if t.Kind() == types.DynKind || t.Kind() == types.ErrorKind {
		return true
	}
	for _, x := range list {
		if t.IsExactType(x) {
			return true
		}
	}
	return false
}

// describeType names a type in words.
func describeType(t *types.Type) string {
	switch {
	case t.IsExactType(value.MoneyType):
		return "money"
	case t.IsExactType(value.DecimalType):
		return "a decimal number"
	case t.IsExactType(types.IntType):
		return "a whole number"
	case t.IsExactType(types.BoolType):
		return "a condition (true or false)"
	case t.IsExactType(types.StringType):
		return "text"
	case t.IsExactType(value.DateType):
		return "a date"
	case t.IsExactType(value.DaysType):
		return "a number of days"
	}
	return t.String()
}

var (
	reUndeclared = regexp.MustCompile(`undeclared reference to '([^']+)'`)
	reField      = regexp.MustCompile(`undefined field '([^']+)'`)
	reTypeSelect = regexp.MustCompile(`type 'type\(([^)]+)\)' does not support field selection`)
	reOverload   = regexp.MustCompile(`found no matching overload for '([^']+)' applied to '\((.*)\)'`)
)

var operatorWords = map[string]string{
	"_+_": "add", "_-_": "subtract", "_*_": "multiply", "_/_": "divide", "_%_": "take the remainder of",
	"_<_": "compare", "_<=_": "compare", "_>_": "compare", "_>=_": "compare", "_==_": "compare", "_!=_": "compare",
	"_&&_": "combine with &&", "_||_": "combine with ||", "!_": "negate", "-_": "negate", "_?_:_": "choose between",
}

// checkError turns a CEL checker error into a diagnostic that speaks the
// contract's language.
func (ck *checker) checkError(p *parsed, ce *common.Error, vars map[string]*Schema) lang.Diagnostic {
	d := lang.Diagnostic{Severity: lang.Error, Code: "type-error", Span: p.locSpan(ce.Location), Message: ce.Message}
	if ce.ExprID != 0 {
		if _, ok := p.nodes[ce.ExprID]; ok {
			d.Span = p.nodeSpan(ce.ExprID)
		}
	}
	msg := ce.Message
	switch {
	case reUndeclared.MatchString(msg):
		name := reUndeclared.FindStringSubmatch(msg)[1]
		d.Code = "undefined"
		switch {
		case strings.HasPrefix(name, AllPrefix):
			s := strings.TrimPrefix(name, AllPrefix)
			d.Code = "bad-aggregate"
			d.Message = fmt.Sprintf("cannot range over %s records here", s)
			d.Detail = "count, sum, avg, min, max and ratio over a data name work in a `per` scope, or in a `for` scope over the records nested in it"
			if sc := ck.c.schemas[s]; sc != nil && sc.Reference {
				d.Message = fmt.Sprintf("reference data %s is looked up by key, not ranged over", s)
				d.Detail = fmt.Sprintf("read one record as %s[KEY].FIELD, and test a key with KEY in %s", s, s)
			}
		case strings.HasPrefix(name, PrevPrefix) || strings.HasPrefix(name, LagPrefix):
			l, _ := ParseLag(name)
			d.Code = "bad-previous"
			d.Message = fmt.Sprintf("%s: %s is not a rule or let", l, l.Name)
			d.Detail = "previous() and the sums and counts over earlier periods read a rule or let, in the instances of this rule's scope before this one"
		default:
			d.Message = fmt.Sprintf("unknown name %q", name)
			if sug := spell.Nearest(name, ck.knownNames(vars)); sug != "" {
				d.Detail = fmt.Sprintf("did you mean %q?", sug)
			} else if ck.c.schemas[name] != nil {
				d.Detail = fmt.Sprintf("%s records are not in reach here: use `for %s`, or an aggregate such as count(%s)", name, name, name)
			}
		}
	case reField.MatchString(msg):
		field := reField.FindStringSubmatch(msg)[1]
		d.Code = "undefined-field"
		if s := ck.selectSchema(p, ce.ExprID, vars); s != nil {
			d.Message = fmt.Sprintf("data %s has no field %q", s.Name, field)
			names := make([]string, len(s.Fields))
			for i, f := range s.Fields {
				names[i] = f.Name
			}
			if sug := spell.Nearest(field, names); sug != "" {
				d.Detail = fmt.Sprintf("did you mean %q?", sug)
			} else {
				d.Detail = "its fields are: " + strings.Join(names, ", ")
			}
		} else {
			d.Message = fmt.Sprintf("no field %q here", field)
		}
	case reTypeSelect.MatchString(msg) && ck.c.schemas[reTypeSelect.FindStringSubmatch(msg)[1]] != nil:
		// Outside `for review`, review names the data, not one record.
		s := reTypeSelect.FindStringSubmatch(msg)[1]
		d.Code = "undefined"
		d.Message = fmt.Sprintf("no single %s record is in reach here", s)
		d.Detail = fmt.Sprintf("use `for %s` to run the rule for each record, or an aggregate such as count(%s) or sum(%s, ...)", s, s, s)
	case reOverload.MatchString(msg):
		m := reOverload.FindStringSubmatch(msg)
		fn, args := m[1], m[2]
		d.Code = "type-mismatch"
		if fn == "_?_:_" {
			// The first of the three is the condition: name the branches.
			args = strings.TrimPrefix(args, "bool, ")
		}
		if key, ok := tableKeyMismatch(fn, args); ok {
			d.Message = key
			d.Detail = "a table param is keyed by text: read it at a text or enumeration field, or at text in quotes; reference data at a value of its key field's type"
		} else if verb, ok := operatorWords[fn]; ok {
			d.Message = fmt.Sprintf("cannot %s %s", verb, strings.ReplaceAll(args, ", ", " and "))
			d.Detail = operatorHint(fn, args)
		} else {
			d.Message = fmt.Sprintf("%s cannot be applied to (%s)", fn, args)
		}
	default:
		d.Message = strings.TrimSuffix(msg, ".")
	}
	return d
}

func operatorHint(fn, args string) string {
	switch {
	case strings.Contains(args, "money") && (fn == "_+_" || fn == "_-_"):
		return "money adds only to money: turn a quantity into money by multiplying it by a rate"
	case strings.Contains(args, "money, money") && fn == "_*_":
		return "multiply money by a number or a percentage, not by money"
	case fn == "_+_" || fn == "_-_" || fn == "_*_" || fn == "_/_":
		return "both sides must be numbers, amounts of money, dates or days that fit together"
	case (fn == "_==_" || fn == "_!=_") && strings.Contains(args, "decimal") && strings.Contains(args, "int"):
		return "a whole number equals a decimal only as a decimal: convert a whole-number field with decimal(...), e.g. decimal(review.visits); a number written in the contract, such as 30, is converted by itself"
	case fn == "_?_:_":
		return "both branches of ? : must be alike: money with money, numbers with numbers; a whole number written in the contract, such as 0, is converted by itself"
	case strings.HasPrefix(fn, "_") && strings.Contains("_<_ _<=_ _>_ _>=_ _==_ _!=_", fn):
		return "compare like with like: money with money, numbers with numbers, dates with dates"
	}
	return ""
}

// selectSchema finds the schema whose field a select expression reads.
func (ck *checker) selectSchema(p *parsed, id int64, vars map[string]*Schema) *Schema {
	x, ok := p.nodes[id]
	if !ok || x.Kind() != ast.SelectKind {
		return nil
	}
	op := x.AsSelect().Operand()
	switch op.Kind() {
	case ast.IdentKind:
		return vars[op.AsIdent()]
	case ast.SelectKind:
		if parent := ck.selectSchema(p, op.ID(), vars); parent != nil {
			if f := parent.FieldByName(op.AsSelect().FieldName()); f != nil && f.Elem != nil {
				return f.Elem
			}
		}
	case ast.CallKind:
		// A record of reference data read at a key: care_package[K].
		if t, _, ok := indexOf(op); ok && vars[t.AsIdent()] == nil {
			if s := ck.c.schemas[t.AsIdent()]; s != nil && s.Reference {
				return s
			}
		}
	}
	return nil
}

// knownNames lists the names an expression could mean, for suggestions.
func (ck *checker) knownNames(vars map[string]*Schema) []string {
	var names []string
	for n := range ck.names {
		names = append(names, n)
	}
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// reExpecting is the list of tokens the CEL parser could have accepted,
// which says more about the grammar than about the mistake.
var reExpecting = regexp.MustCompile(` expecting \{[^}]*\}$`)

func syntaxMessage(msg string) string {
	msg = strings.TrimPrefix(msg, "Syntax error: ")
	msg = reExpecting.ReplaceAllString(msg, "")
	return "syntax error in expression: " + msg
}

func syntaxHint(msg string) string {
	switch {
	case strings.Contains(msg, "mismatched input '<EOF>'"), strings.Contains(msg, "missing"):
		return "the expression is incomplete; an expression may continue on the next line only inside brackets"
	case strings.Contains(msg, "token recognition error"):
		return "this character has no meaning in an expression"
	}
	return ""
}

// inputPaths lists the record fields, params and rules an expression reads,
// in source order, without repeats.
func inputPaths(p *parsed, vars map[string]*Schema, ck *checker) []string {
	type at struct {
		off  int
		path string
	}
	var found []at
	// A table read at a key is one input, the entry read (see table.go).
	indexed := map[int64]bool{}
	for _, x := range p.nodes {
		if path, table, ok := ck.tableRead(x, vars); ok {
			indexed[table] = true
			found = append(found, at{p.nodeSpan(x.ID()).Start.Offset, path})
		}
	}
	for _, x := range p.nodes {
		switch x.Kind() {
		case ast.SelectKind:
			op := x.AsSelect().Operand()
			if op.Kind() == ast.IdentKind && vars[op.AsIdent()] != nil && !x.AsSelect().IsTestOnly() {
				found = append(found, at{p.nodeSpan(x.ID()).Start.Offset, op.AsIdent() + "." + x.AsSelect().FieldName()})
			}
		case ast.IdentKind:
			n := x.AsIdent()
			if indexed[x.ID()] {
				continue
			}
			if _, isLag := ParseLag(n); ck.c.params[n] != nil || ck.c.rules[n] != nil || isLag {
				found = append(found, at{p.nodeSpan(x.ID()).Start.Offset, n})
			}
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].off != found[j].off {
			return found[i].off < found[j].off
		}
		return found[i].path < found[j].path
	})
	var out []string
	seen := map[string]bool{}
	for _, f := range found {
		if !seen[f.path] {
			seen[f.path] = true
			out = append(out, f.path)
		}
	}
	return out
}

// parts lists the calls, field selections and names of an expression with
// their source text, outermost and leftmost first, skipping the machinery
// that aggregate macros expand into.
func parts(p *parsed) []Part {
	macro := map[int64]bool{}
	for id := range p.ast.NativeRep().SourceInfo().MacroCalls() {
		macro[id] = true
	}
	var out []Part
	seen := map[string]bool{}
	var visit func(x ast.Expr)
	visit = func(x ast.Expr) {
		if macro[x.ID()] {
			// Show an aggregate as written: sum(review, review.hours).
			sp := p.nodeSpan(x.ID())
			call, ok := p.ast.NativeRep().SourceInfo().GetMacroCall(x.ID())
			if ok {
				sp = macroSpan(p, call, sp)
			}
			out = append(out, Part{ID: x.ID(), Text: string(p.file.Src[sp.Start.Offset:sp.End.Offset]), Span: sp})
			// min(a, b, c) folds into min(min(a, b), c): show the values
			// it was given, as for min(a, b).
			if ok && folded(call, x) {
				for _, a := range call.AsCall().Args() {
					visit(a)
				}
			}
			return
		}
		if _, parsedNode := p.nodes[x.ID()]; !parsedNode && x.Kind() == ast.CallKind {
			// A literal widened after the parse (see widenLiterals): it
			// shows as the literal it was written as, which is no part.
			return
		}
		switch x.Kind() {
		case ast.CallKind, ast.SelectKind, ast.IdentKind:
			sp := p.nodeSpan(x.ID())
			text := string(p.file.Src[sp.Start.Offset:sp.End.Offset])
			if !seen[text] && !strings.HasPrefix(text, "@") {
				seen[text] = true
				out = append(out, Part{ID: x.ID(), Text: text, Span: sp})
			}
		}
		switch x.Kind() {
		case ast.CallKind:
			c := x.AsCall()
			if c.IsMemberFunction() {
				visit(c.Target())
			}
			for _, a := range c.Args() {
				visit(a)
			}
		case ast.SelectKind:
			visit(x.AsSelect().Operand())
		}
	}
	visit(p.ast.NativeRep().Expr())
	return out
}

// folded reports whether x is the expansion of a call of min or max with
// more than two values (not an aggregate, which expands into a call on a
// list).
func folded(call, x ast.Expr) bool {
	if call.Kind() != ast.CallKind || x.Kind() != ast.CallKind {
		return false
	}
	fn := call.AsCall().FunctionName()
	return (fn == "min" || fn == "max") && len(call.AsCall().Args()) > 2 &&
		x.AsCall().FunctionName() == fn && len(x.AsCall().Args()) == 2
}

// macroSpan widens a macro's span to cover the call as written, up to its
// closing bracket.
func macroSpan(p *parsed, call ast.Expr, sp lang.Span) lang.Span {
	start := sp.Start.Offset
	if r, ok := p.ast.NativeRep().SourceInfo().GetOffsetRange(call.ID()); ok {
		start = p.fileOffset(p.runeToByte(int(r.Start)))
	}
	// Walk back to the function name and forward to the matching ')'.
	src := p.file.Src
	for start > p.src.Span.Start.Offset && (src[start-1] == '_' || src[start-1] >= 'a' && src[start-1] <= 'z') {
		start--
	}
	depth, end := 0, start
	for end < p.src.Span.End.Offset {
		if src[end] == '(' {
			depth++
		} else if src[end] == ')' {
			depth--
			if depth == 0 {
				end++
				break
			}
		}
		end++
	}
	return p.file.SpanAt(start, end)
}

// branches lists the conditions of the expression's `? :` choices in source
// order.
func branches(p *parsed) []Part {
	var out []Part
	for _, x := range p.nodes {
		if x.Kind() != ast.CallKind || x.AsCall().FunctionName() != "_?_:_" {
			continue
		}
		cond := x.AsCall().Args()[0]
		sp := p.nodeSpan(cond.ID())
		out = append(out, Part{ID: cond.ID(), Text: string(p.file.Src[sp.Start.Offset:sp.End.Offset]), Span: sp})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Span.Start.Offset < out[j].Span.Start.Offset })
	return out
}
