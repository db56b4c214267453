package runtime

import (
	"strings"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// inputPath is one path of Expression.Inputs, taken apart once.
type inputPath struct {
	path  string
	head  string // the name before the first dot
	field int    // for name.field: the field's index, or -1 when the name has no such field
	pair  bool   // the path is name.field
	// inAggregate is set when the head is named only inside the body of
	// aggregates over records, where a rule's value is each record's (see
	// recordList), so the line read no single value of it.
	inAggregate bool
	// How the head resolves, as activation.ResolveName would resolve it
	// for the expression's rule.
	kind  headKind
	param ref.Val        // headParam: the param's value
	rule  *compiler.Rule // headRule: the rule read
	depth int            // headRecord: parent hops to the record
	// key is set for a table read at a key, table[key]: the path of the
	// key; rest is the field read from the entry (".weekly_rate"), or "".
	key  *inputPath
	rest string
}

// headKind says how the name at the head of an input path resolves.
type headKind int

// fastHeads turns on resolving input heads as resolveHead prepared them;
// a test turns it off to check that ResolveName gives the same.
var fastHeads = true

const (
	headAny    headKind = iota // resolved by ResolveName
	headParam                  // a param
	headRule                   // another rule's value
	headRecord                 // the record, or a parent of it
	headNone                   // not resolved
)

// prepareInputs takes apart every rule's input paths before lines are
// made, possibly by several goroutines at once, which then only read
// paths and inputCtxs.
func (ev *evaluation) prepareInputs() {
	ev.paths = map[*compiler.Rule][]inputPath{}
	ev.inputCtxs = map[*compiler.Rule]*ruleCtx{}
	for _, r := range ev.p.c.Rules {
		rs := ev.inputCtx(r, refOf(r.Scope))
		ev.inputCtxs[r] = rs
		ps := splitRuleInputs(ev.p.c, r)
		for i := range ps {
			ev.resolveHead(&ps[i], rs)
			if k := ps[i].key; k != nil {
				ev.resolveHead(k, rs)
			}
		}
		ev.paths[r] = ps
	}
}

// resolveHead sets how ip's head resolves in rs, following
// activation.ResolveName.
func (ev *evaluation) resolveHead(ip *inputPath, rs *ruleCtx) {
	name := ip.head
	if v, ok := ev.p.params[name]; ok {
		ip.kind, ip.param = headParam, v
		return
	}
	if t, ok := rs.reads[name]; ok {
		ip.kind, ip.rule = headRule, t
		return
	}
	switch {
	case strings.HasPrefix(name, compiler.AllPrefix), isHistory(name), strings.HasPrefix(name, compiler.PrevPrefix), strings.HasPrefix(name, compiler.LagPrefix),
		name == "first", name == "period_start", name == "period_end", isReference(ev.p.c, name):
		ip.kind = headAny
		return
	}
	ip.kind = headNone
	if rs.scope.kind == compiler.RecordScope {
		d := 0
		for s := rs.scope.schema; s != nil; s = s.Parent {
			if s.Name == name {
				ip.kind, ip.depth = headRecord, d
				return
			}
			d++
		}
	}
}

// inputPaths returns the input paths of a rule's expressions, in order,
// taken apart, as prepareInputs kept them.
func (ev *evaluation) inputPaths(r *compiler.Rule) []inputPath {
	if ps, ok := ev.paths[r]; ok {
		return ps
	}
	return splitRuleInputs(ev.p.c, r)
}

// splitRuleInputs takes apart the input paths of every expression of rule
// r, in order, leaving their heads unresolved.
func splitRuleInputs(c *compiler.Contract, r *compiler.Rule) []inputPath {
	var ps []inputPath
	for _, e := range r.Expressions() {
		ps = append(ps, splitInputs(c, e)...)
	}
	return ps
}

// splitInputs takes apart the input paths of expression e, leaving their
// heads unresolved.
func splitInputs(c *compiler.Contract, e *compiler.Expression) []inputPath {
	ps := make([]inputPath, 0, len(e.Inputs))
	var outside map[string]bool
	if e.AST != nil {
		outside = map[string]bool{}
		namesOutsideAggregates(e.AST.NativeRep().Expr(), false, outside)
	}
	for _, path := range e.Inputs {
		ip := splitPath(c, path)
		ip.inAggregate = outside != nil && !outside[ip.head]
		ps = append(ps, ip)
	}
	return ps
}

// splitPath takes apart one input path: name, name.field, or a table
// read at a key, table[key] or table[key].field (see tables.go).
func splitPath(c *compiler.Contract, path string) inputPath {
	if head, key, rest, ok := cutIndex(path); ok {
		k := splitPath(c, key)
		return inputPath{path: path, head: head, field: -1, key: &k, rest: rest}
	}
	parts := strings.Split(path, ".")
	ip := inputPath{path: path, head: parts[0], field: -1, pair: len(parts) == 2}
	if ip.pair {
		if sc := c.Schema(parts[0]); sc != nil {
			if f := sc.FieldByName(parts[1]); f != nil {
				ip.field = f.Index
			}
		}
	}
	return ip
}

// namesOutsideAggregates adds to names the identifiers x reads outside the
// bodies of aggregates over records (comprehensions over a schema's
// records, as the compiler expands count, sum, avg, min, max and ratio);
// inside is set within such a body.
func namesOutsideAggregates(x ast.Expr, inside bool, names map[string]bool) {
	switch x.Kind() {
	case ast.IdentKind:
		if !inside {
			names[x.AsIdent()] = true
		}
	case ast.SelectKind:
		namesOutsideAggregates(x.AsSelect().Operand(), inside, names)
	case ast.CallKind:
		call := x.AsCall()
		if call.IsMemberFunction() {
			namesOutsideAggregates(call.Target(), inside, names)
		}
		for _, a := range call.Args() {
			namesOutsideAggregates(a, inside, names)
		}
	case ast.ListKind:
		for _, el := range x.AsList().Elements() {
			namesOutsideAggregates(el, inside, names)
		}
	case ast.MapKind:
		for _, en := range x.AsMap().Entries() {
			me := en.AsMapEntry()
			namesOutsideAggregates(me.Key(), inside, names)
			namesOutsideAggregates(me.Value(), inside, names)
		}
	case ast.StructKind:
		for _, f := range x.AsStruct().Fields() {
			namesOutsideAggregates(f.AsStructField().Value(), inside, names)
		}
	case ast.ComprehensionKind:
		c := x.AsComprehension()
		r := c.IterRange()
		body := inside || r.Kind() == ast.IdentKind && (strings.HasPrefix(r.AsIdent(), compiler.AllPrefix) || isHistory(r.AsIdent()))
		namesOutsideAggregates(r, inside, names)
		namesOutsideAggregates(c.AccuInit(), inside, names)
		namesOutsideAggregates(c.LoopCondition(), body, names)
		namesOutsideAggregates(c.LoopStep(), body, names)
		namesOutsideAggregates(c.Result(), inside, names)
	}
}

// inputCtx returns the context for reading a rule's inputs, shared when
// prepareInputs made it.
func (ev *evaluation) inputCtx(r *compiler.Rule, scope scopeRef) *ruleCtx {
	if rs, ok := ev.inputCtxs[r]; ok && rs.scope == scope {
		return rs
	}
	rs := &ruleCtx{rule: r, scope: scope, reads: map[string]*compiler.Rule{}}
	for _, d := range r.Deps {
		rs.reads[d.Name] = d
	}
	return rs
}

// eachInput calls emit with every value a line's rule read, in order: the
// record fields, params and rules its expressions name. A missing field is
// emitted as nil, shown as (blank).
func (ev *evaluation) eachInput(r *compiler.Rule, scope scopeRef, inst int, emit func(name string, v ref.Val)) {
	if r == nil {
		return
	}
	if c := ev.lineSource(r, inst); c != nil && scope == refOf(r.Scope) {
		// A per person line paid as of an earlier period read what that
		// period's evaluation holds.
		c.eachInput(r, scope, inst, emit)
		return
	}
	var seenBuf [16]string
	seen := seenBuf[:0]
	isSeen := func(name string) bool {
		for _, s := range seen {
			if s == name {
				return true
			}
		}
		return false
	}
	add := func(name string, v ref.Val) {
		if v == nil || isSeen(name) {
			return
		}
		seen = append(seen, name)
		emit(name, v)
	}
	rs := ev.inputCtx(r, scope)
	shared := ev.inputCtxs[r] == rs // the paths were resolved for rs
	if r.Due != nil {
		// A due line reads wider rules as of its due period (see
		// readerMonth), through its own state.
		own := *rs
		own.self = ev.states[r]
		rs = &own
	}
	// The activation, for a head only ResolveName resolves, is made when
	// the first such head is met.
	var act *activation
	// headValue resolves the head of ip; ok is false when it names
	// nothing the line read.
	headValue := func(ip inputPath) (v any, ok bool) {
		kind := ip.kind
		if !shared || !fastHeads {
			kind = headAny
		}
		switch kind {
		case headParam:
			return ip.param, true
		case headRule:
			if m := ev.dueMonth(r, inst); m >= 0 {
				return ev.readAt(ip.rule, scope, inst, m), true // as the amount read it
			}
			return ev.read(ip.rule, scope, inst), true
		case headRecord:
			s, i := scope.schema, inst
			for range ip.depth {
				i = ev.parentOf(s, i)
				s = s.Parent
			}
			return ev.recs[s][i].rec, true
		case headNone:
			return nil, false
		}
		if act == nil {
			act = &activation{ev: ev, rs: rs, inst: inst}
		}
		return act.ResolveName(ip.head)
	}
	for _, ip := range ev.inputPaths(r) {
		if _, isRule := rs.reads[ip.head]; isRule && ip.inAggregate {
			continue // each record's value, not one the line read
		}
		v, ok := headValue(ip)
		if !ok {
			continue
		}
		if ip.key != nil {
			// A table read at a key: the entry read, named by the key's
			// value, as job_fee[esa] or care_package[P1].weekly_rate.
			if name, entry, ok := tableEntry(v, *ip.key, ip.rest, headValue, ev.p.c); ok {
				add(name, entry)
			}
			continue
		}
		if ip.pair {
			rec, isRec := v.(*value.Record)
			if !isRec || ip.field < 0 {
				continue
			}
			fv := rec.Field(ip.field)
			if fv == nil {
				seen = append(seen, ip.path)
				emit(ip.path, nil)
				continue
			}
			add(ip.path, fv)
			continue
		}
		switch v.(type) {
		case *value.Record, *value.Table:
			continue
		}
		if l, isLag := compiler.ParseLag(ip.head); isLag {
			add(l.String(), v.(ref.Val)) // as the contract writes it
			continue
		}
		if strings.HasPrefix(ip.head, "@") {
			continue
		}
		add(ip.path, v.(ref.Val))
	}
}

// inputs lists the values a line's rule read: the record fields, params and
// rules its expressions name.
func (ev *evaluation) inputs(l *Line) []LineInput {
	var out []LineInput
	ev.eachInput(l.rule, l.scope, l.inst, func(name string, v ref.Val) {
		if v == nil {
			out = append(out, LineInput{Name: name, Value: "(blank)"})
			return
		}
		out = append(out, LineInput{Name: name, Value: value.Format(v, ev.p.c.MinorUnits)})
	})
	return out
}
