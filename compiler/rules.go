package compiler

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/spell"
)

// ruleExpr is one expression slot of a rule while it is being checked.
type ruleExpr struct {
	src  *lang.Expr
	dst  **Expression
	want want
	what string
	p    *parsed
}

type pendingRule struct {
	r     *Rule
	decl  *lang.Rule
	exprs []*ruleExpr
	reads map[string]lang.Span // rule names read, first span
	prev  map[string]lang.Span
	// lags are the lags read, by variable name, first span.
	lags map[string]lang.Span
	// after are rules that must be evaluated first without being read:
	// caps and floors over a subset of this one's rules.
	after []string
	env   *cel.Env
	vars  map[string]*Schema
}

func (ck *checker) checkRules() {
	c := ck.c
	var pending []*pendingRule
	for _, d := range ck.rules {
		if _, dup := c.rules[d.Name.Text]; dup || ck.names[d.Name.Text] != d.Name.Span {
			continue
		}
		r := &Rule{Name: d.Name.Text, Kind: d.Kind, Span: d.Name.Span}
		if d.Title != nil {
			r.Title = d.Title.Unquoted()
		}
		c.rules[r.Name] = r
		pr := &pendingRule{r: r, decl: d, reads: map[string]lang.Span{}, prev: map[string]lang.Span{}, lags: map[string]lang.Span{}}
		if !ck.ruleScope(pr) {
			continue
		}
		ck.onceClause(pr)
		ck.ruleShape(pr)
		pending = append(pending, pr)
	}
	// Parse every expression and collect the names each rule reads.
	for _, pr := range pending {
		env, err := ck.scopeEnv(pr.r.Scope)
		if err != nil {
			ck.errorf(pr.r.Span, "internal", "building the environment of %s: %v", pr.r.Name, err)
			continue
		}
		pr.env = env
		pr.vars = map[string]*Schema{}
		for _, s := range recordVars(pr.r.Scope) {
			pr.vars[s.Name] = s
		}
		for _, s := range c.aggregatable(pr.r.Scope) {
			pr.vars[s.Name] = s
			pr.vars[AllPrefix+s.Name] = s
		}
		for _, re := range pr.exprs {
			re.p = ck.parse(env, re.src)
			if re.p == nil {
				continue
			}
			for _, id := range re.p.idents {
				ck.historyInExclude(pr, id.name, id.span)
				name, isPrev := id.name, false
				if l, ok := ParseLag(name); ok {
					name, isPrev = l.Name, true
					if _, seen := pr.lags[id.name]; !seen {
						pr.lags[id.name] = id.span
					}
				}
				if t := c.rules[name]; t != nil {
					if isPrev {
						if _, seen := pr.prev[name]; !seen {
							pr.prev[name] = id.span
						}
					} else if _, seen := pr.reads[name]; !seen {
						pr.reads[name] = id.span
					}
				}
				if prm := c.params[name]; prm != nil {
					prm.Used = true
				}
			}
		}
	}
	order := ck.order(pending)
	for _, pr := range order {
		ck.checkRule(pr)
		c.Rules = append(c.Rules, pr.r)
	}
}

// ruleScope resolves a rule's `for` or `per`.
func (ck *checker) ruleScope(pr *pendingRule) bool {
	d, r := pr.decl, pr.r
	switch {
	case d.For != nil && d.Per != nil:
		ck.errorf(d.Per[0].Span, "bad-scope", "%s %s has both `for` and `per`; give one", r.Kind, r.Name)
		return false
	case d.For != nil:
		s := ck.c.schemas[d.For.Text]
		if s == nil {
			diag := ck.errorf(d.For.Span, "undefined", "no data named %q", d.For.Text)
			if sug := spell.Nearest(d.For.Text, slices.Sorted(maps.Keys(ck.c.schemas))); sug != "" {
				diag.Detail = fmt.Sprintf("did you mean %q?", sug)
			}
			return false
		}
		if s.Reference {
			ck.errorf(d.For.Span, "bad-scope", "%s %s cannot run for reference data %s", r.Kind, r.Name, s.Name).Detail =
				fmt.Sprintf("reference data is looked up by key: run the rule for the data that reads it, and read %s[KEY].FIELD", s.Name)
			return false
		}
		r.Scope = Scope{Kind: RecordScope, Schema: s}
	case d.Per != nil:
		kinds := map[string]ScopeKind{"month": MonthScope, "quarter": QuarterScope, "year": YearScope, "term": TermScope,
			"person": PersonScope, "period": ck.c.Settlement}
		k, ok := kinds[d.Per[0].Text]
		if !ok || len(d.Per) > 1 {
			if !ck.groupScope(pr) {
				return false
			}
			break
		}
		r.Scope = Scope{Kind: k}
	default:
		switch r.Kind {
		case lang.Cap, lang.Floor, lang.Standard:
			r.Scope = Scope{Kind: ck.c.Settlement}
		case lang.Let:
			r.Scope = Scope{Kind: TermScope}
		case lang.Exclude:
			ck.errorf(d.Name.Span, "missing-scope", "%s %s needs a scope", r.Kind, r.Name).Detail =
				"add `for DATA`: an exclude removes records of one data"
			return false
		default:
			if attempted(d, "per") || attempted(d, "for") {
				return false // the clause is reported where it is written
			}
			ck.errorf(d.Name.Span, "missing-scope", "%s %s needs a scope", r.Kind, r.Name).Detail =
				"add `for DATA` to run it for each record, or `per month` (quarter, year, term, period, person)"
			return false
		}
	}
	if r.Kind == lang.Exclude && r.Scope.Kind != RecordScope {
		ck.errorf(d.Name.Span, "bad-scope", "exclude %s must run `for` a data name", r.Name)
		return false
	}
	if r.Scope.Kind == PersonScope {
		for _, s := range ck.c.TopSchemas() {
			if s.PersonField == nil && !s.Reference {
				ck.errorf(d.Per[0].Span, "bad-scope", "per person needs a text field named person in data %s", s.Name)
				return false
			}
		}
	}
	return true
}

// ruleShape checks which clauses the rule has and lists its expressions.
func (ck *checker) ruleShape(pr *pendingRule) {
	d, r := pr.decl, pr.r
	add := func(src *lang.Expr, dst **Expression, w want, what string) {
		if src != nil {
			pr.exprs = append(pr.exprs, &ruleExpr{src: src, dst: dst, want: w, what: what})
		}
	}
	needs := func(e *lang.Expr, clause, example string) {
		if e == nil && !attempted(d, clause) {
			ck.errorf(d.Name.Span, "missing-clause", "%s %s has no %s", r.Kind, r.Name, clause).Detail = "add `" + example + "`"
		}
	}
	name := fmt.Sprintf("%s %s", r.Kind, r.Name)
	add(d.When, &r.When, wantBool, "the condition of "+name)
	switch r.Kind {
	case lang.Payment, lang.Incentive, lang.Sanction:
		needs(d.Amount, "amount", "amount = ...")
		add(d.Amount, &r.Amount, wantMoney, "the amount of "+name)
		r.Type = value.MoneyType
	case lang.Share:
		needs(d.Basis, "basis", "basis = ...")
		needs(d.Part, "part", "part = 50%")
		add(d.Basis, &r.Basis, wantMoney, "the basis of "+name)
		add(d.Part, &r.Part, wantNumber, "the provider's part in "+name)
		r.Type = value.MoneyType
	case lang.Cap, lang.Floor:
		needs(d.Limit, "limit", "limit = ...")
		add(d.Limit, &r.Limit, wantMoney, "the limit of "+name)
		r.Type = value.MoneyType
		if len(d.Covers) == 0 {
			ck.errorf(d.Name.Span, "missing-clause", "%s has no covers", name).Detail = "add `covers RULE, RULE` naming the rules it limits"
		}
	case lang.Standard:
		needs(d.Measure, "measure", "measure = ratio(review, review.at_home)")
		add(d.Measure, &r.Measure, wantNumber, "the measure of "+name)
		if d.Target == nil {
			if !attempted(d, "target") {
				ck.errorf(d.Name.Span, "missing-clause", "%s has no target", name).Detail = "add `target >= 85%`"
			}
		} else {
			r.TargetOp = d.TargetOp.Text
			add(d.Target, &r.Target, wantNumber, "the target of "+name)
		}
		if d.Breach != nil {
			r.Breach = d.Breach.Unquoted()
		}
		if d.RepeatCount != nil {
			n, err := strconv.Atoi(d.RepeatCount.Text)
			if err != nil || n < 2 {
				ck.errorf(d.RepeatCount.Span, "bad-clause", "repeated needs a count of 2 or more consecutive breaches")
			}
			r.RepeatCount, r.Repeated = n, d.Repeated.Unquoted()
		}
		if !r.Scope.Kind.IsTime() {
			ck.errorf(d.Name.Span, "bad-scope", "%s must run per month, quarter, year, term or period", name)
		}
		r.Type = types.BoolType
	case lang.Flag:
		needs(d.When, "when", "when ...")
		r.Type = types.BoolType
	case lang.Exclude:
		needs(d.When, "when", "when ...")
		r.Reason = r.Title
		if d.Reason != nil {
			r.Reason = d.Reason.Unquoted()
		}
		if r.Reason == "" {
			ck.errorf(d.Name.Span, "missing-clause", "%s needs a reason", name).Detail = `add a title, exclude NAME "Reason shown in the statement" { ... }`
		}
	case lang.Let:
		needs(d.Value, "value", "value = ...")
		add(d.Value, &r.Value, wantAny, "the value of "+name)
	}
	if d.Instalments != nil {
		k, ok := map[string]ScopeKind{"monthly": MonthScope, "quarterly": QuarterScope}[d.Instalments.Text]
		switch {
		case !ok:
			ck.errorf(d.Instalments.Span, "bad-clause", "instalments are monthly or quarterly")
		case !r.Scope.Kind.IsTime() || k >= r.Scope.Kind:
			ck.errorf(d.Instalments.Span, "bad-clause", "%s instalments need a rule per a longer period, e.g. per year", d.Instalments.Text)
		default:
			r.Instalments = k
		}
	}
	ck.ruleDue(pr)
	ck.rulePayers(d, r)
}

// attempted reports whether the rule has a statement for clause that lang
// already reported: the clause written wrongly (`target = 5`, `amount 5`) or
// misspelt (`amout = ...`). The clause is then not reported missing too.
func attempted(d *lang.Rule, clause string) bool {
	if d.Stmt.Block == nil {
		return false
	}
	for _, st := range d.Stmt.Block.Stmts {
		if st.Head.Text == clause || !clauseWords[st.Head.Text] && spell.Nearest(st.Head.Text, []string{clause}) == clause {
			return true
		}
	}
	return false
}

// clauseWords are the clauses of every rule kind.
var clauseWords = map[string]bool{
	"for": true, "per": true, "when": true, "amount": true, "instalments": true, "basis": true, "part": true,
	"covers": true, "limit": true, "measure": true, "target": true, "breach": true, "repeated": true,
	"value": true, "reason": true, "due": true,
}

// order sorts the rules so that each comes after the rules it reads, and
// reports cycles along their path.
func (ck *checker) order(pending []*pendingRule) []*pendingRule {
	byName := map[string]*pendingRule{}
	for _, pr := range pending {
		byName[pr.r.Name] = pr
	}
	// Caps and floors read the rules they cover.
	for _, pr := range pending {
		for _, w := range pr.decl.Covers {
			t := byName[w.Text]
			switch {
			case t == nil:
				d := ck.errorf(w.Span, "undefined", "no rule named %q", w.Text)
				if sug := spell.Nearest(w.Text, slices.Sorted(maps.Keys(byName))); sug != "" {
					d.Detail = fmt.Sprintf("did you mean %q?", sug)
				}
			case !t.r.HasLines():
				ck.errorf(w.Span, "bad-covers", "%s %s has no money lines to limit", t.r.Kind, t.r.Name).Detail =
					"caps and floors cover payments, incentives, sanctions and shares"
			default:
				pr.r.Covers = append(pr.r.Covers, t.r)
				if _, seen := pr.reads[t.r.Name]; !seen {
					pr.reads[t.r.Name] = w.Span
				}
			}
		}
	}
	// A cap or floor over sanctions limits their size, the money taken
	// back; over the other rules, the money paid. One over both would
	// net the two, so it is refused.
	for _, pr := range pending {
		var sanction, other *Rule
		for _, c := range pr.r.Covers {
			if c.Kind == lang.Sanction {
				sanction = c
			} else {
				other = c
			}
		}
		if sanction != nil && other != nil {
			ck.errorf(pr.decl.Name.Span, "bad-covers", "%s %s covers both sanction %s and %s %s", pr.r.Kind, pr.r.Name, sanction.Name, other.Kind, other.Name).Detail =
				"a cap or floor limits either the size of sanctions or the total of payments, incentives and shares; write one for each"
		}
	}
	// A cap or floor over a subset of another's rules runs first, so the
	// wider one sees its adjustments whatever the order of declaration; of
	// two over the same rules, the one at the narrower scope runs first
	// (a cap per person before a cap on the term).
	for _, a := range pending {
		for _, b := range pending {
			if a != b && len(a.r.Covers) > 0 && len(b.r.Covers) > 0 && (strictSubset(b.r.Covers, a.r.Covers) ||
				sameRules(b.r.Covers, a.r.Covers) && stackRank(b.r.Scope) < stackRank(a.r.Scope)) {
				a.after = append(a.after, b.r.Name)
			}
		}
	}
	cyclic := ck.cyclicLags(pending, byName)
	const (
		white = iota
		grey
		black
	)
	state := map[*pendingRule]int{}
	var out []*pendingRule
	var stack []*pendingRule
	reported := map[string]bool{}
	var visit func(pr *pendingRule)
	visit = func(pr *pendingRule) {
		state[pr] = grey
		stack = append(stack, pr)
		var deps []string
		for _, name := range slices.Sorted(maps.Keys(pr.prev)) {
			if !cyclic[pr][name] {
				deps = append(deps, name)
			}
		}
		deps = append(append(slices.Sorted(maps.Keys(pr.reads)), deps...), pr.after...)
		for _, name := range deps {
			t := byName[name]
			if t == nil || t == pr {
				if t == pr {
					if _, self := pr.reads[name]; self {
						d := ck.errorf(pr.reads[name], "cycle", "%s %s reads itself", pr.r.Kind, pr.r.Name)
						d.Detail = "to use its value in the previous period, write previous(" + name + ")"
						if k := pr.r.Scope.Kind; !k.IsTime() || k == TermScope {
							d.Detail = "a rule " + pr.r.Scope.String() + " has no earlier value of its own to read; to carry a value from period to period, read it with previous() in a rule per month, quarter or year"
						}
					}
				}
				continue
			}
			switch state[t] {
			case white:
				visit(t)
			case grey:
				var path []string
				start := 0
				for i, s := range stack {
					if s == t {
						start = i
					}
				}
				for _, s := range stack[start:] {
					path = append(path, s.r.Name)
				}
				path = append(path, t.r.Name)
				key := strings.Join(path, ">")
				if !reported[key] {
					reported[key] = true
					span := pr.reads[name]
					if !span.IsValid() {
						span = pr.prev[name]
					}
					ck.errorf(span, "cycle", "rules depend on each other in a cycle: %s", strings.Join(path, " → ")).Detail =
						"each rule on the cycle needs another's value first; break the cycle, or read an earlier period with previous()"
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[pr] = black
		out = append(out, pr)
	}
	// Visit in declaration order so the result is deterministic and close to
	// the order the contract was written in.
	for _, pr := range pending {
		if state[pr] == white {
			visit(pr)
		}
	}
	return out
}

// checkRule type-checks a rule's expressions now that everything it reads
// has a type.
func (ck *checker) checkRule(pr *pendingRule) {
	r, c := pr.r, ck.c
	if pr.env == nil {
		return
	}
	var opts []cel.EnvOption
	var optNames []string
	for _, name := range slices.Sorted(maps.Keys(pr.reads)) {
		t := c.rules[name]
		if t == r {
			// Reported as a cycle; declared so that it is not also unknown.
			opts = append(opts, cel.Variable(name, types.DynType))
			optNames = append(optNames, name)
			continue
		}
		if r.Kind == lang.Exclude {
			ck.errorf(pr.reads[name], "bad-read", "exclude %s cannot read %s: an exclusion is decided from the record and the params alone", r.Name, name).Detail =
				"records are excluded before any rule runs; test the record's own fields"
			continue
		}
		r.Deps = append(r.Deps, t)
		t.ReadBy = true
		if why := readable(r.Scope, t); why != "" {
			ck.errorf(pr.reads[name], "bad-read", "%s cannot be read here: %s", name, why)
		} else {
			ck.dueRead(pr, t, pr.reads[name])
		}
		typ := t.Type
		if typ == nil {
			typ = types.DynType
		}
		opts = append(opts, cel.Variable(name, typ))
		optNames = append(optNames, name)
	}
	for _, v := range slices.Sorted(maps.Keys(pr.lags)) {
		l, _ := ParseLag(v)
		t := c.rules[l.Name]
		if t == nil {
			continue // reported as not a rule or let when the expression is checked
		}
		t.ReadBy = true
		typ := ck.checkLag(pr, l, t, pr.lags[v])
		opts = append(opts, cel.Variable(v, typ))
		optNames = append(optNames, v)
	}
	env := pr.env
	opts, optNames = ck.withinVars(pr, opts, optNames)
	if len(opts) > 0 {
		var err error
		env, err = env.Extend(opts...)
		if err != nil {
			ck.errorf(r.Span, "internal", "extending the environment of %s: %v", r.Name, err)
			return
		}
	}
	for _, re := range pr.exprs {
		if re.p == nil {
			continue
		}
		*re.dst = ck.check(env, re.p, re.want, re.what, pr.vars)
	}
	if r.Kind == lang.Let && r.Value != nil {
		r.Type = r.Value.Type
		if _, self := pr.prev[r.Name]; self && r.Type.Kind() != types.DynKind {
			// Re-check with the lags of itself typed, so misuse is caught.
			var opts2 []cel.EnvOption
			for i, o := range opts {
				if l, ok := ParseLag(optNames[i]); ok && l.Name == r.Name {
					o = cel.Variable(optNames[i], ck.lagType(l, r, r.Type, pr.lags[optNames[i]]))
				}
				opts2 = append(opts2, o)
			}
			env2, err := pr.env.Extend(opts2...)
			if err == nil {
				for _, re := range pr.exprs {
					if re.p != nil && *re.dst != nil {
						*re.dst = ck.check(env2, re.p, re.want, re.what, pr.vars)
					}
				}
			}
		}
	}
	if r.Kind == lang.Standard && r.Target != nil {
		r.TargetPercent = strings.Contains(r.Target.Source.Text, "%")
		for _, name := range r.Target.Reads {
			if prm := c.params[name]; prm != nil && prm.Percent {
				r.TargetPercent = true
			}
		}
	}
	if r.Kind == lang.Standard && r.Measure != nil && r.Target != nil && !r.Measure.Type.IsExactType(r.Target.Type) &&
		!(isNumber(r.Measure.Type) && isNumber(r.Target.Type)) {
		ck.errorf(pr.decl.Target.Span, "type-mismatch", "the target of standard %s is %s but its measure is %s",
			r.Name, describeType(r.Target.Type), describeType(r.Measure.Type))
	}
	ck.lintEnums(pr)
	ck.lintTables(pr)
	ck.lintOptional(pr)
	ck.checkRatioTarget(pr)
	ck.lintShares(pr)
}

func isNumber(t *types.Type) bool {
	return t.IsExactType(value.DecimalType) || t.IsExactType(types.IntType)
}

// readable says why rule t cannot be read from scope s, or "" if it can.
func readable(s Scope, t *Rule) string {
	ts := t.Scope
	summable := t.Type == nil || t.Type.IsExactType(value.MoneyType) || isNumber(t.Type) || t.Type.Kind() == types.DynKind
	switch {
	case t.Kind == lang.Exclude:
		return "an exclude rule has no value"
	case ts == s:
		return ""
	case ts.Kind == RecordScope && s.Kind == RecordScope:
		if isAncestor(s.Schema, ts.Schema) || isAncestor(ts.Schema, s.Schema) {
			if isAncestor(s.Schema, ts.Schema) && !summable {
				return fmt.Sprintf("it runs for each %s and its values cannot be added up per %s", ts.Schema.Name, s.Schema.Name)
			}
			return ""
		}
		return fmt.Sprintf("it runs for each %s, which is not nested in or around %s", ts.Schema.Name, s.Schema.Name)
	case ts.Kind == RecordScope && s.Kind == GroupScope && !s.Group.Holds(ts.Schema):
		return fmt.Sprintf("it runs for each %s, and a %s record has no %s to place it in a group", ts.Schema.Name, ts.Schema.Name, s.Group)
	case ts.Kind == RecordScope:
		if !summable {
			return fmt.Sprintf("it runs for each %s and its values cannot be added up %s", ts.Schema.Name, s)
		}
		return ""
	case s.Kind == RecordScope && ts.Kind == GroupScope && !ts.Group.Holds(s.Schema):
		return fmt.Sprintf("it is %s, and a %s record has no %s to find its group by", ts, s.Schema.Name, ts.Group)
	case s.Kind == RecordScope:
		return "" // the instance containing the record
	case ts.Kind == PersonScope || s.Kind == PersonScope || ts.Kind == GroupScope || s.Kind == GroupScope:
		return fmt.Sprintf("it is %s, which does not line up with %s", ts, s)
	case ts.Kind < s.Kind && !summable:
		return fmt.Sprintf("it is %s and its values cannot be added up %s", ts, s)
	}
	return ""
}

func (ck *checker) lintUnused() {
	for _, p := range ck.c.Params {
		if !p.Used {
			ck.diags.Warnf(p.Span, "unused", "param %s is never used", p.Name).Detail = "remove it, or use it in a rule"
		}
	}
	for _, r := range ck.c.Rules {
		if r.Kind == lang.Let && !r.ReadBy {
			ck.diags.Warnf(r.Span, "unused", "let %s is never read", r.Name).Detail = "remove it, or use it in a rule"
		}
	}
}

// strictSubset reports whether every rule of a is in b, and b has more.
func strictSubset(a, b []*Rule) bool {
	in := map[*Rule]bool{}
	for _, r := range b {
		in[r] = true
	}
	for _, r := range a {
		if !in[r] {
			return false
		}
	}
	return len(a) < len(b)
}

// sameRules reports whether a and b name the same rules.
func sameRules(a, b []*Rule) bool {
	return subsetOf(a, b) && subsetOf(b, a)
}

// subsetOf reports whether every rule of a is in b.
func subsetOf(a, b []*Rule) bool {
	in := map[*Rule]bool{}
	for _, r := range b {
		in[r] = true
	}
	for _, r := range a {
		if !in[r] {
			return false
		}
	}
	return true
}

// stackRank orders the scopes of caps and floors over the same rules,
// narrowest first: a record, a group (more fields first), a person, a month, a quarter, a year, the
// term. A wider one then counts the narrower one's adjustments.
func stackRank(s Scope) int {
	switch s.Kind {
	case RecordScope:
		return 0
	case GroupScope:
		return 100 - len(s.Group.Fields) // more fields, fewer records each
	case PersonScope:
		return 100
	}
	return 100 + int(s.Kind) // MonthScope is 101, TermScope 104
}
