package runtime

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// scopeRef identifies a scope for the evaluator: a schema's records, or an
// aggregate.
type scopeRef struct {
	kind   compiler.ScopeKind
	schema *compiler.Schema
	group  *compiler.Group
}

// refOf returns the scopeRef of a rule's scope.
func refOf(s compiler.Scope) scopeRef {
	return scopeRef{kind: s.Kind, schema: s.Schema, group: s.Group}
}

// count returns the number of instances of a scope in this evaluation.
func (ev *evaluation) count(s scopeRef) int {
	switch s.kind {
	case compiler.RecordScope:
		return len(ev.recs[s.schema])
	case compiler.PersonScope:
		return len(ev.persons)
	case compiler.GroupScope:
		return len(ev.groups[s.group].values)
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
				i = ev.parentOf(s, i)
				s = s.Parent
			}
			if s == nil {
				return -1
			}
			return i
		case compiler.PersonScope:
			return int(ev.recs[from.schema][i].person)
		case compiler.GroupScope:
			return ev.groupOf(to.group, from.schema, i)
		default:
			return ev.cal.fromMonth(int(ev.recs[from.schema][i].month), to.kind)
		}
	case compiler.GroupScope:
		return ev.groupIn(from.group, i, to)
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
	case b.kind == compiler.RecordScope || !a.kind.IsTime() || !b.kind.IsTime():
		return false // people and groups line up with nothing but their records
	}
	return b.kind >= a.kind
}

// instanceName names instance i of a scope for messages and line keys.
func (ev *evaluation) instanceName(s scopeRef, i int) string {
	switch s.kind {
	case compiler.RecordScope:
		return ev.recKey(s.schema, i)
	case compiler.PersonScope:
		return string(appendEscaped(nil, ev.persons[i]))
	case compiler.GroupScope:
		return string(ev.appendGroupName(nil, s.group, i))
	}
	return ev.cal.label(s.kind, i)
}

// periodOf returns the settlement period a value of instance i belongs to:
// the period holding its month (see monthOf).
func (ev *evaluation) periodOf(s scopeRef, i int) int {
	return ev.cal.fromMonth(ev.monthOf(s, i), ev.p.c.Settlement)
}

// monthOf returns the month a value of instance i of scope s falls in: the
// record's month, the month of the person's last record, or the last month
// of a month, quarter, year or the term.
func (ev *evaluation) monthOf(s scopeRef, i int) int {
	switch s.kind {
	case compiler.RecordScope:
		return int(ev.recs[s.schema][i].month)
	case compiler.PersonScope:
		last := -1
		if i >= 0 && i < len(ev.personLast) {
			last = ev.personLast[i]
		}
		return max(last, 0)
	case compiler.GroupScope:
		return max(ev.groups[s.group].last[i], 0)
	}
	_, last := ev.cal.monthRange(s.kind, i)
	return last
}

// span returns the first and last month of instance i of scope s: a
// record's month, a person's first and last month with a record, or a
// period's months.
func (ev *evaluation) span(s scopeRef, i int) (first, last int) {
	switch s.kind {
	case compiler.RecordScope:
		m := int(ev.recs[s.schema][i].month)
		return m, m
	case compiler.PersonScope:
		if i < 0 || i >= len(ev.personLast) {
			return 0, 0
		}
		return max(ev.personFirst[i], 0), max(ev.personLast[i], 0)
	case compiler.GroupScope:
		gi := ev.groups[s.group]
		return max(gi.first[i], 0), max(gi.last[i], 0)
	}
	return ev.cal.monthRange(s.kind, i)
}

// spans reports whether the instances of scope s can run over several
// settlement periods, so that a value read from one as of an earlier
// period can differ from its value: periods, persons and groups.
func spans(s scopeRef) bool { return s.kind != compiler.RecordScope }

// activation resolves the names an expression reads for one instance.
type activation struct {
	ev   *evaluation
	rs   *ruleCtx
	inst int
	// each is the record an aggregate's body is evaluated for, while CEL
	// folds the aggregate's records (see recordList).
	each eachRecord
}

// eachRecord is record inst of schema, or none when schema is nil.
type eachRecord struct {
	schema *compiler.Schema
	inst   int
}

// ruleCtx holds what every activation of one rule shares.
type ruleCtx struct {
	rule  *compiler.Rule
	scope scopeRef
	reads map[string]*compiler.Rule
	// self is the rule's own state, which its lags of itself read.
	self *ruleState
}

// ResolveName implements interpreter.Activation.
func (a *activation) ResolveName(name string) (any, bool) {
	ev, rs := a.ev, a.rs
	if v, ok := ev.p.params[name]; ok {
		return v, true
	}
	if t, ok := rs.reads[name]; ok {
		if e := a.each; e.schema != nil && perRecord(t, e.schema) {
			// Inside an aggregate's body: the value for the record.
			return ev.read(t, scopeRef{kind: compiler.RecordScope, schema: e.schema}, e.inst), true
		}
		if m := rs.readerMonth(a.inst); m >= 0 {
			return ev.readAt(t, rs.scope, a.inst, m), true
		}
		return ev.read(t, rs.scope, a.inst), true
	}
	if refs := ev.top().refs; refs != nil {
		if t, ok := refs[name]; ok {
			return t, true // reference data, looked up by key
		}
	}
	switch {
	case strings.HasPrefix(name, compiler.AllPrefix):
		s := ev.p.c.Schema(strings.TrimPrefix(name, compiler.AllPrefix))
		if s == nil {
			return nil, false
		}
		return ev.records(a, s, rs.scope, a.inst), true
	case strings.HasPrefix(name, compiler.PrevPrefix), strings.HasPrefix(name, compiler.LagPrefix):
		return ev.lag(a, name), true
	case isHistory(name):
		return ev.history(a, name)
	case name == "first":
		return types.Bool(a.inst == 0), true
	case name == "period_number":
		return types.Int(a.inst + 1), true
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
			i = ev.parentOf(s, i)
			s = s.Parent
		}
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (a *activation) Parent() interpreter.Activation { return nil }

// perRecord reports whether rule t, read inside an aggregate's body over
// records of schema s, has a value for each record: a rule over the same
// records, over records they are nested in or that are nested in them,
// and any rule per a time scope or per person (each record lies in one
// month, quarter, year and person). A rule over unrelated records gives
// its value in the aggregate's own scope.
func perRecord(t *compiler.Rule, s *compiler.Schema) bool {
	if t.Scope.Kind != compiler.RecordScope {
		return true
	}
	ts, rs := refOf(t.Scope), scopeRef{kind: compiler.RecordScope, schema: s}
	return wider(ts, rs) || wider(rs, ts)
}

// sumKey identifies the sums of a rule's values over the instances of a
// wider scope.
type sumKey struct {
	rule *compiler.Rule
	to   scopeRef
}

// read returns the value of rule t as seen from instance i of scope s.
func (ev *evaluation) read(t *compiler.Rule, s scopeRef, i int) ref.Val {
	st := ev.state(t)
	ts := refOf(t.Scope)
	if wider(ts, s) {
		j := ev.contain(s, i, ts)
		if j < 0 || j >= st.n {
			return types.NewErr("%s has no value here", t.Name)
		}
		if c := ev.asOfRead(t, ts, j, s, i); c != nil {
			// Read as of the end of the reader's period (see asof.go).
			cst := c.state(t)
			if j >= cst.n {
				return types.NewErr("%s has no value here", t.Name)
			}
			return c.value(cst, j)
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

// sumsFast computes read's sums of rule t over the instances of scope s
// when every value is money, or every value a decimal, adding without
// allocating per term. It returns nil to leave the sums to read's general
// loop: for other types, and when a sum overflows.
func (ev *evaluation) sumsFast(t *compiler.Rule, st *ruleState, ts, s scopeRef) []ref.Val {
	money, dec := false, false
	for j := range st.n {
		switch ev.value(st, j).(type) {
		case nil:
		case value.Money:
			money = true
		case value.Decimal:
			dec = true
		default:
			return nil
		}
	}
	if money && dec {
		return nil
	}
	acc := make([]value.Sum, ev.count(s))
	first := make([]ref.Val, len(acc))
	for j := range st.n {
		v := ev.value(st, j)
		k := ev.contain(ts, j, s)
		if k < 0 || k >= len(acc) || v == nil {
			continue
		}
		if acc[k].Len() == 0 {
			first[k] = v
		}
		switch x := v.(type) {
		case value.Money:
			acc[k].Add(x.Decimal())
		case value.Decimal:
			acc[k].Add(x)
		}
	}
	sums := make([]ref.Val, len(acc))
	zero := zeroOf(t)
	for k := range acc {
		switch acc[k].Len() {
		case 0:
			sums[k] = zero
		case 1:
			sums[k] = first[k]
		default:
			d, err := acc[k].Decimal()
			if err != nil {
				return nil
			}
			if money {
				sums[k] = value.MoneyOf(d)
			} else {
				sums[k] = d
			}
		}
	}
	return sums
}

// zeroOf returns the zero of a rule's type: the sum of none of its values.
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

// listKey identifies the lists of a schema's records in each instance of a
// scope.
type listKey struct {
	schema *compiler.Schema
	to     scopeRef
}

// recordLists are the records of a schema in each instance of a scope, as
// CEL lists, with each record's index among the schema's records.
type recordLists struct {
	lists []ref.Val
	idx   [][]int32
}

// records returns the records of schema s in instance i of scope to, for
// activation a to range over: as CEL folds the list, a knows which record
// an aggregate's body is evaluated for (see recordList).
func (ev *evaluation) records(a *activation, s *compiler.Schema, to scopeRef, i int) ref.Val {
	key := listKey{schema: s, to: to}
	ev.mu.Lock()
	rl, ok := ev.lists[key]
	ev.mu.Unlock()
	if !ok {
		groups := make([][]ref.Val, ev.count(to))
		idx := make([][]int32, len(groups))
		from := scopeRef{kind: compiler.RecordScope, schema: s}
		for j, ri := range ev.recs[s] {
			k := ev.contain(from, j, to)
			if k >= 0 && k < len(groups) {
				groups[k] = append(groups[k], ri.rec)
				idx[k] = append(idx[k], int32(j))
			}
		}
		rl = &recordLists{lists: make([]ref.Val, len(groups)), idx: idx}
		for k, g := range groups {
			rl.lists[k] = types.NewRefValList(types.DefaultTypeAdapter, g)
		}
		ev.mu.Lock()
		ev.lists[key] = rl
		ev.mu.Unlock()
	}
	return &recordList{Lister: rl.lists[i].(traits.Lister), act: a, schema: s, idx: rl.idx[i]}
}

// recordList is a list of records an aggregate ranges over. The
// aggregates (count, sum, avg, min, max, ratio) fold it, and while CEL
// evaluates their body for one record the activation that read the list
// holds that record, so that a rule or let read by name there gives the
// record's own value: in avg(review, star_gain), each review's star_gain,
// not the scope's total.
type recordList struct {
	traits.Lister
	act    *activation
	schema *compiler.Schema
	idx    []int32 // each record's index in the schema's records
}

// Fold implements traits.Foldable.
func (l *recordList) Fold(f traits.Folder) {
	a := l.act
	saved := a.each
	defer func() { a.each = saved }()
	for k, j := range l.idx {
		a.each = eachRecord{schema: l.schema, inst: int(j)}
		if !f.FoldEntry(types.Int(k), l.Get(types.Int(k))) {
			return
		}
	}
}
