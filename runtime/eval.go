package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"

	"occ/compiler"
	"occ/compiler/value"
	"occ/lang"
	"occ/runtime/data"
)

// recInfo is one record taking part in an evaluation.
type recInfo struct {
	rec    *value.Record
	month  int32 // index of the month holding the record's period date
	person int32 // index of the person, or -1
	parent int32 // index of the parent record in its schema's list, or -1
}

// scopeRef identifies a scope for the evaluator: a schema's records, or an
// aggregate.
type scopeRef struct {
	kind   compiler.ScopeKind
	schema *compiler.Schema
}

func refOf(s compiler.Scope) scopeRef { return scopeRef{kind: s.Kind, schema: s.Schema} }

// ruleState holds a rule's value in every instance of its scope.
type ruleState struct {
	rule  *compiler.Rule
	vals  []ref.Val // the line amount, let value, standard met, flag fired
	fired []bool
	// Once a rule over records is evaluated, its results are compacted
	// (see compact): vals and fired give way to res, each instance's
	// index into table. Read them with val and isFired.
	n     int
	res   indexes
	table []result
	// adjust holds a cap's or floor's adjustment lines.
	adjust []adjustment
	// standards holds a standard's results per instance.
	standards []StandardResult
	// instalments holds the split lines of a rule paid in instalments.
	instalments []instalment
	// lazy is set for lets: an instance is evaluated when first read, so a
	// value nothing needs (such as a ratio over a year with no reviews) is
	// never computed. once guards each instance's computation.
	lazy bool
	once []sync.Once
	rs   *ruleCtx
}

type adjustment struct {
	inst    int
	period  int
	amount  value.Money
	covered value.Money
	limit   value.Money
}

type instalment struct {
	inst   int
	month  int // first month of the instalment
	period int
	amount value.Money
}

// evaluation is the state of one Eval call.
type evaluation struct {
	p        *Program
	ctx      context.Context
	cal      *calendar
	lastMon  int // the last month evaluated
	recs     map[*compiler.Schema][]recInfo
	persons  []string
	excluded []Exclusion
	states   map[*compiler.Rule]*ruleState
	sums     map[sumKey][]ref.Val
	lists    map[listKey][]ref.Val
	mu       sync.Mutex
	errs     lang.Diagnostics
	zero     value.Money
	// paths and inputCtxs serve eachInput.
	paths     map[*compiler.Expression][]inputPath
	inputCtxs map[*compiler.Rule]*ruleCtx
	// personLast holds each person's last month with a record.
	personLast []int
}

type sumKey struct {
	rule *compiler.Rule
	to   scopeRef
}

type listKey struct {
	schema *compiler.Schema
	to     scopeRef
}

// ErrNoRecordsInTerm is the error, wrapped with the term's dates, of an
// evaluation for every period the data touches when the data touches none:
// name a period to settle it anyway.
var ErrNoRecordsInTerm = errors.New("the data has no records in the term")

// Eval evaluates the contract on the data and returns the statement for the
// named period (a settlement period, or a longer period made of whole
// settlement periods), or for every period the data touches when period is
// "". Rules that cannot be evaluated produce no statement: the error is
// then a lang.Diagnostics, one diagnostic for each rule and record (or
// scope instance) that failed, sorted.
func (p *Program) Eval(ctx context.Context, d *data.Set, periodText string) (*Statement, error) {
	var per period
	if periodText == "" {
		ps := p.DataPeriods(d)
		if len(ps) == 0 {
			return nil, fmt.Errorf("%w %s .. %s", ErrNoRecordsInTerm, p.c.TermFrom, p.c.TermTo)
		}
		first, err := p.cal.parsePeriod(ps[0])
		if err != nil {
			return nil, err
		}
		last, _ := p.cal.parsePeriod(ps[len(ps)-1])
		per = period{label: ps[0], first: first.first, last: last.last}
		if len(ps) > 1 || first.first != last.last {
			per.label = ps[0] + " .. " + ps[len(ps)-1]
		}
	} else {
		var err error
		per, err = p.cal.parsePeriod(periodText)
		if err != nil {
			return nil, err
		}
	}
	ev := &evaluation{p: p, ctx: ctx, cal: p.cal, recs: map[*compiler.Schema][]recInfo{},
		states: map[*compiler.Rule]*ruleState{}, sums: map[sumKey][]ref.Val{}, lists: map[listKey][]ref.Val{},
		zero: value.MoneyOf(value.DecimalFromInt(0))}
	_, ev.lastMon = p.cal.monthRange(p.c.Settlement, per.last)
	if p.hasPersonScope() {
		// A person's scope is the whole term: later records count too.
		ev.lastMon = max(ev.lastMon, p.lastDataMonth(d))
	}
	ev.collect(d)
	for _, r := range p.c.Rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if r.Kind == lang.Exclude {
			continue
		}
		ev.rule(r)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(ev.errs) > 0 {
		ev.errs.Sort()
		return nil, ev.errs
	}
	return ev.statement(d, per), nil
}

func dateOf(r *value.Record, f *compiler.Field) value.Date {
	if d, ok := r.Fields[f.Index].(value.Date); ok {
		return d
	}
	return value.Date{}
}

// collect places every record: outside the term or excluded by a rule it is
// listed as an exclusion; otherwise it joins its schema's list with its
// month, person and key.
func (ev *evaluation) collect(d *data.Set) {
	c := ev.p.c
	excludes := map[*compiler.Schema][]*compiler.Rule{}
	for _, r := range c.Rules {
		if r.Kind == lang.Exclude {
			excludes[r.Scope.Schema] = append(excludes[r.Scope.Schema], r)
		}
	}
	persons := map[string]int{}
	// Size the record lists up front: appending millions of records one
	// by one would copy them again and again.
	for _, s := range c.TopSchemas() {
		ev.recs[s] = make([]recInfo, 0, len(d.Records[s.Name]))
		ev.reserveNested(s, d.Records[s.Name])
	}
	for _, s := range c.TopSchemas() {
		for _, r := range d.Records[s.Name] {
			if s.PeriodField == nil {
				continue
			}
			m := ev.cal.monthOf(dateOf(r, s.PeriodField))
			if m < 0 {
				ev.excluded = append(ev.excluded, Exclusion{Data: s.Name, Key: recordKey(s, r, ""), Source: source(r), Period: "",
					Reason: fmt.Sprintf("outside the term (%s %s)", s.PeriodField.Name, dateOf(r, s.PeriodField))})
				continue
			}
			if m > ev.lastMon {
				continue // a later period: not part of this statement
			}
			if rule, why := ev.excludedBy(excludes[s], s, r); why != "" {
				ev.excluded = append(ev.excluded, Exclusion{Rule: rule, Data: s.Name, Key: recordKey(s, r, ""), Source: source(r),
					Period: ev.cal.label(c.Settlement, ev.cal.fromMonth(m, c.Settlement)), Reason: why})
				continue
			}
			person := -1
			if s.PersonField != nil {
				if v, ok := r.Fields[s.PersonField.Index].(types.String); ok {
					if _, seen := persons[string(v)]; !seen {
						persons[string(v)] = -1
					}
				}
			}
			if len(excludes) > 0 {
				// Without exclude rules no nested record is dropped.
				r = ev.filterChildren(s, r, excludes, recordKey(s, r, ""), m)
			}
			ev.recs[s] = append(ev.recs[s], recInfo{rec: r, month: int32(m), person: int32(person), parent: -1})
			ev.addChildren(s, len(ev.recs[s])-1)
		}
	}
	// Number the persons in sorted order so output does not depend on
	// input order.
	for name := range persons {
		ev.persons = append(ev.persons, name)
	}
	sort.Strings(ev.persons)
	for i, name := range ev.persons {
		persons[name] = i
	}
	// Top-level records first: nested records take their parent's person.
	schemas := make([]*compiler.Schema, 0, len(ev.recs))
	for s := range ev.recs {
		schemas = append(schemas, s)
	}
	depth := func(s *compiler.Schema) int {
		n := 0
		for ; s.Parent != nil; s = s.Parent {
			n++
		}
		return n
	}
	sort.SliceStable(schemas, func(i, j int) bool { return depth(schemas[i]) < depth(schemas[j]) })
	for _, s := range schemas {
		list := ev.recs[s]
		root := s.Root()
		if root.PersonField == nil {
			continue
		}
		if s.Parent != nil {
			parents := ev.recs[s.Parent]
			for i := range list {
				list[i].person = parents[list[i].parent].person
			}
			continue
		}
		for i := range list {
			if v, ok := list[i].rec.Fields[root.PersonField.Index].(types.String); ok {
				list[i].person = int32(persons[string(v)])
			}
		}
	}
	ev.personLast = make([]int, len(ev.persons))
	for i := range ev.personLast {
		ev.personLast[i] = -1
	}
	for _, sc := range c.TopSchemas() {
		for _, ri := range ev.recs[sc] {
			if p, m := int(ri.person), int(ri.month); p >= 0 && p < len(ev.personLast) && m > ev.personLast[p] {
				ev.personLast[p] = m
			}
		}
	}
}

// topRecord returns the top-level record above record i of schema s.
func (ev *evaluation) topRecord(s *compiler.Schema, i int) *value.Record {
	for s.Parent != nil {
		i = int(ev.recs[s][i].parent)
		s = s.Parent
	}
	return ev.recs[s][i].rec
}

// excludedBy returns the reason the first exclude rule that matches gives.
func (ev *evaluation) excludedBy(rules []*compiler.Rule, s *compiler.Schema, r *value.Record) (string, string) {
	for _, x := range rules {
		act := &recordActivation{ev: ev, schema: s, rec: r}
		out, _, err := x.When.Program.ContextEval(ev.ctx, act)
		if err != nil {
			ev.fail(x, x.When, "", recordKey(s, r, ""), r, err)
			return "", ""
		}
		if ev.p.cov != nil {
			ev.p.cov.outcome(x, x.When, out == types.True)
		}
		if out == types.True {
			return x.Name, x.Reason
		}
	}
	return "", ""
}

// filterChildren drops nested records that an exclude rule removes, listing
// them, and returns the record (a copy when its lists changed).
func (ev *evaluation) filterChildren(s *compiler.Schema, r *value.Record, excludes map[*compiler.Schema][]*compiler.Rule, key string, month int) *value.Record {
	var copied *value.Record
	for _, lf := range s.Lists {
		child := lf.Elem
		list, ok := r.Fields[lf.Index].(interface {
			Size() ref.Val
			Get(ref.Val) ref.Val
		})
		if !ok {
			continue
		}
		n := int(list.Size().(types.Int))
		var kept []ref.Val
		changed := false
		for i := 0; i < n; i++ {
			cr := list.Get(types.Int(i)).(*value.Record)
			ckey := recordKey(child, cr, key)
			if rule, why := ev.excludedBy(excludes[child], child, withParent(cr, r)); why != "" {
				ev.excluded = append(ev.excluded, Exclusion{Rule: rule, Data: child.Name, Key: ckey, Source: source(cr),
					Period: ev.cal.label(ev.p.c.Settlement, ev.cal.fromMonth(month, ev.p.c.Settlement)), Reason: why})
				changed = true
				continue
			}
			cr2 := ev.filterChildren(child, cr, excludes, ckey, month)
			if cr2 != cr {
				changed = true
			}
			kept = append(kept, cr2)
		}
		if changed {
			if copied == nil {
				cp := *r
				cp.Fields = append([]ref.Val(nil), r.Fields...)
				copied = &cp
			}
			copied.Fields[lf.Index] = types.NewRefValList(types.DefaultTypeAdapter, kept)
		}
	}
	if copied != nil {
		return copied
	}
	return r
}

func withParent(child, parent *value.Record) *value.Record {
	if child.Parent == parent {
		return child
	}
	cp := *child
	cp.Parent = parent
	return &cp
}

// reserveNested sizes the record lists of the schemas nested in s for the
// records of recs and everything nested in them.
func (ev *evaluation) reserveNested(s *compiler.Schema, recs []*value.Record) {
	counts := map[*compiler.Schema]int{}
	var count func(s *compiler.Schema, r *value.Record)
	count = func(s *compiler.Schema, r *value.Record) {
		for _, lf := range s.Lists {
			list, ok := r.Fields[lf.Index].(traits.Lister)
			if !ok {
				continue
			}
			n := int(list.Size().(types.Int))
			counts[lf.Elem] += n
			if len(lf.Elem.Lists) > 0 {
				for j := 0; j < n; j++ {
					if cr, ok := list.Get(types.Int(j)).(*value.Record); ok {
						count(lf.Elem, cr)
					}
				}
			}
		}
	}
	if len(s.Lists) == 0 {
		return
	}
	for _, r := range recs {
		count(s, r)
	}
	for cs, n := range counts {
		ev.recs[cs] = slices.Grow(ev.recs[cs], n)
	}
}

// addChildren appends the nested records of record i of schema s.
func (ev *evaluation) addChildren(s *compiler.Schema, i int) {
	parent := ev.recs[s][i]
	for _, lf := range s.Lists {
		list, ok := parent.rec.Fields[lf.Index].(interface {
			Size() ref.Val
			Get(ref.Val) ref.Val
		})
		if !ok {
			continue
		}
		n := int(list.Size().(types.Int))
		for j := 0; j < n; j++ {
			cr := list.Get(types.Int(j)).(*value.Record)
			ev.recs[lf.Elem] = append(ev.recs[lf.Elem], recInfo{rec: cr, month: parent.month, person: -1, parent: int32(i)})
			ev.addChildren(lf.Elem, len(ev.recs[lf.Elem])-1)
		}
	}
}

// recordKey is how a record is named in a statement: its key fields other
// than its period date, joined with "/", after its parent's key.
func recordKey(s *compiler.Schema, r *value.Record, parent string) string {
	var parts []string
	if parent != "" {
		parts = append(parts, parent)
	}
	for _, k := range s.Keys {
		if k == s.PeriodField && len(s.Keys) > 1 {
			continue
		}
		if v := r.Fields[k.Index]; v != nil {
			parts = append(parts, fmt.Sprint(v.Value()))
		}
	}
	if len(parts) == (map[bool]int{true: 1, false: 0})[parent != ""] {
		parts = append(parts, fmt.Sprintf("row %d", r.Row))
	}
	return strings.Join(parts, "/")
}

func source(r *value.Record) string {
	if r.File() == "" {
		return ""
	}
	if r.Row > 0 {
		return fmt.Sprintf("%s:%d", r.File(), r.Row)
	}
	return r.File()
}

// count returns the number of instances of a scope in this evaluation.
func (ev *evaluation) count(s scopeRef) int {
	switch s.kind {
	case compiler.RecordScope:
		return len(ev.recs[s.schema])
	case compiler.PersonScope:
		return len(ev.persons)
	case compiler.TermScope:
		return 1
	}
	return ev.cal.fromMonth(ev.lastMon, s.kind) + 1
}

// contain returns the instance of scope to that holds instance i of scope
// from, or -1.
func (ev *evaluation) contain(from scopeRef, i int, to scopeRef) int {
	if from == to {
		return i
	}
	switch from.kind {
	case compiler.RecordScope:
		switch to.kind {
		case compiler.RecordScope:
			s := from.schema
			for s != nil && s != to.schema {
				i = int(ev.recs[s][i].parent)
				s = s.Parent
			}
			if s == nil {
				return -1
			}
			return i
		case compiler.PersonScope:
			return int(ev.recs[from.schema][i].person)
		default:
			return ev.cal.fromMonth(int(ev.recs[from.schema][i].month), to.kind)
		}
	case compiler.PersonScope:
		return -1
	default:
		if !to.kind.IsTime() || to.kind < from.kind {
			return -1
		}
		first, _ := ev.cal.monthRange(from.kind, i)
		return ev.cal.fromMonth(first, to.kind)
	}
}

// wider reports whether instances of scope a each lie within one instance of
// scope b (so reading b from a takes the containing instance).
func wider(b, a scopeRef) bool {
	if a == b {
		return true
	}
	switch {
	case a.kind == compiler.RecordScope && b.kind == compiler.RecordScope:
		for s := a.schema.Parent; s != nil; s = s.Parent {
			if s == b.schema {
				return true
			}
		}
		return false
	case a.kind == compiler.RecordScope:
		return true
	case b.kind == compiler.RecordScope || a.kind == compiler.PersonScope || b.kind == compiler.PersonScope:
		return false
	}
	return b.kind >= a.kind
}

// read returns the value of rule t as seen from instance i of scope s.
func (ev *evaluation) read(t *compiler.Rule, s scopeRef, i int) ref.Val {
	st := ev.states[t]
	ts := refOf(t.Scope)
	if wider(ts, s) {
		j := ev.contain(s, i, ts)
		if j < 0 || j >= st.n {
			return types.NewErr("%s has no value here", t.Name)
		}
		return ev.value(st, j)
	}
	key := sumKey{rule: t, to: s}
	ev.mu.Lock()
	sums, ok := ev.sums[key]
	ev.mu.Unlock()
	if !ok {
		if sums = ev.sumsFast(t, st, ts, s); sums != nil {
			ev.mu.Lock()
			ev.sums[key] = sums
			ev.mu.Unlock()
		}
	}
	if sums == nil {
		sums = make([]ref.Val, ev.count(s))
		var err error
		for j := range st.n {
			v := ev.value(st, j)
			k := ev.contain(ts, j, s)
			if k < 0 || k >= len(sums) || v == nil {
				continue
			}
			if sums[k] == nil {
				sums[k] = v
				continue
			}
			sums[k], err = add(sums[k], v)
			if err != nil {
				sums[k] = types.WrapErr(err)
			}
		}
		zero := zeroOf(t)
		for k := range sums {
			if sums[k] == nil {
				sums[k] = zero
			}
		}
		ev.mu.Lock()
		ev.sums[key] = sums
		ev.mu.Unlock()
	}
	return sums[i]
}

func zeroOf(t *compiler.Rule) ref.Val {
	switch {
	case t.Type == nil:
		return types.Int(0)
	case t.Type.IsExactType(value.DecimalType):
		return value.DecimalFromInt(0)
	case t.Type.IsExactType(types.IntType):
		return types.Int(0)
	}
	return value.MoneyOf(value.DecimalFromInt(0))
}

// add sums two values of one numeric type.
func add(a, b ref.Val) (ref.Val, error) {
	switch x := a.(type) {
	case value.Money:
		return x.Add(b.(value.Money))
	case value.Decimal:
		return x.Add(b.(value.Decimal))
	case types.Int:
		return x.Add(b), nil
	}
	return nil, fmt.Errorf("cannot add %s values", a.Type().TypeName())
}

// records returns the records of schema s in instance i of scope to.
func (ev *evaluation) records(s *compiler.Schema, to scopeRef, i int) ref.Val {
	key := listKey{schema: s, to: to}
	ev.mu.Lock()
	lists, ok := ev.lists[key]
	ev.mu.Unlock()
	if !ok {
		groups := make([][]ref.Val, ev.count(to))
		from := scopeRef{kind: compiler.RecordScope, schema: s}
		for j, ri := range ev.recs[s] {
			k := ev.contain(from, j, to)
			if k >= 0 && k < len(groups) {
				groups[k] = append(groups[k], ri.rec)
			}
		}
		lists = make([]ref.Val, len(groups))
		for k, g := range groups {
			lists[k] = types.NewRefValList(types.DefaultTypeAdapter, g)
		}
		ev.mu.Lock()
		ev.lists[key] = lists
		ev.mu.Unlock()
	}
	return lists[i]
}

// instanceName names instance i of a scope for messages and line keys.
func (ev *evaluation) instanceName(s scopeRef, i int) string {
	switch s.kind {
	case compiler.RecordScope:
		return ev.recKey(s.schema, i)
	case compiler.PersonScope:
		return ev.persons[i]
	}
	return ev.cal.label(s.kind, i)
}

// periodOf returns the settlement period a value of instance i belongs to:
// the record's period, or the period holding the instance's last month.
func (ev *evaluation) periodOf(s scopeRef, i int) int {
	settle := ev.p.c.Settlement
	switch s.kind {
	case compiler.RecordScope:
		return ev.cal.fromMonth(int(ev.recs[s.schema][i].month), settle)
	case compiler.PersonScope:
		last := -1
		if i >= 0 && i < len(ev.personLast) {
			last = ev.personLast[i]
		}
		return ev.cal.fromMonth(max(last, 0), settle)
	}
	_, last := ev.cal.monthRange(s.kind, i)
	return ev.cal.fromMonth(last, settle)
}

// activation resolves the names an expression reads for one instance.
type activation struct {
	ev   *evaluation
	rs   *ruleCtx
	inst int
}

// ruleCtx holds what every activation of one rule shares.
type ruleCtx struct {
	rule  *compiler.Rule
	scope scopeRef
	reads map[string]*compiler.Rule
}

// ResolveName implements interpreter.Activation.
func (a *activation) ResolveName(name string) (any, bool) {
	ev, rs := a.ev, a.rs
	if v, ok := ev.p.params[name]; ok {
		return v, true
	}
	if t, ok := rs.reads[name]; ok {
		return ev.read(t, rs.scope, a.inst), true
	}
	switch {
	case strings.HasPrefix(name, compiler.AllPrefix):
		s := ev.p.c.Schema(strings.TrimPrefix(name, compiler.AllPrefix))
		if s == nil {
			return nil, false
		}
		return ev.records(s, rs.scope, a.inst), true
	case strings.HasPrefix(name, compiler.PrevPrefix):
		t := ev.p.c.Rule(strings.TrimPrefix(name, compiler.PrevPrefix))
		if t == nil || a.inst == 0 {
			return types.NewErr("previous(%s) has no value in the first %s of the term; test `first` before reading it",
				strings.TrimPrefix(name, compiler.PrevPrefix), rs.scope.kind), true
		}
		return ev.value(ev.states[t], a.inst-1), true
	case name == "first":
		return types.Bool(a.inst == 0), true
	case name == "period_start":
		return ev.cal.dates(rs.scope.kind, a.inst).from, true
	case name == "period_end":
		return ev.cal.dates(rs.scope.kind, a.inst).to, true
	}
	if rs.scope.kind == compiler.RecordScope {
		s := rs.scope.schema
		i := a.inst
		for s != nil {
			if s.Name == name {
				return ev.recs[s][i].rec, true
			}
			i = int(ev.recs[s][i].parent)
			s = s.Parent
		}
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (a *activation) Parent() interpreter.Activation { return nil }

// recordActivation evaluates an exclude rule on a record before the record
// joins the evaluation: it sees the params and the record (and its parent).
type recordActivation struct {
	ev     *evaluation
	schema *compiler.Schema
	rec    *value.Record
}

// ResolveName implements interpreter.Activation.
func (a *recordActivation) ResolveName(name string) (any, bool) {
	if v, ok := a.ev.p.params[name]; ok {
		return v, true
	}
	s, r := a.schema, a.rec
	if strings.HasPrefix(name, compiler.AllPrefix) {
		target := a.ev.p.c.Schema(strings.TrimPrefix(name, compiler.AllPrefix))
		if target == nil {
			return nil, false
		}
		return types.NewRefValList(types.DefaultTypeAdapter, descendants(s, r, target)), true
	}
	for s != nil && r != nil {
		if s.Name == name {
			return r, true
		}
		s, r = s.Parent, r.Parent
	}
	return nil, false
}

// descendants returns the records of schema target nested, at any depth,
// in record r of schema s.
func descendants(s *compiler.Schema, r *value.Record, target *compiler.Schema) []ref.Val {
	var out []ref.Val
	for _, lf := range s.Lists {
		list, ok := r.Fields[lf.Index].(traits.Lister)
		if !ok {
			continue
		}
		n := int(list.Size().(types.Int))
		for i := 0; i < n; i++ {
			child, ok := list.Get(types.Int(i)).(*value.Record)
			if !ok {
				continue
			}
			if lf.Elem == target {
				out = append(out, child)
			} else {
				out = append(out, descendants(lf.Elem, child, target)...)
			}
		}
	}
	return out
}

// Parent implements interpreter.Activation.
func (a *recordActivation) Parent() interpreter.Activation { return nil }

// value returns instance i of a rule's values, computing a let's value on
// first use.
func (ev *evaluation) value(st *ruleState, i int) ref.Val {
	if !st.lazy {
		return st.val(i)
	}
	st.once[i].Do(func() { ev.instance(st.rs, st, i) })
	return st.vals[i]
}

// hasPersonScope reports whether any rule runs per person.
func (p *Program) hasPersonScope() bool {
	for _, r := range p.c.Rules {
		if r.Scope.Kind == compiler.PersonScope {
			return true
		}
	}
	return false
}

// lastDataMonth returns the last month of the term holding a record.
func (p *Program) lastDataMonth(d *data.Set) int {
	last := 0
	for _, s := range p.c.TopSchemas() {
		if s.PeriodField == nil {
			continue
		}
		for _, r := range d.Records[s.Name] {
			if m := p.cal.monthOf(dateOf(r, s.PeriodField)); m > last {
				last = m
			}
		}
	}
	return last
}
