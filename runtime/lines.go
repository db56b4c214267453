package runtime

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"math"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"occ/compiler"
	"occ/compiler/value"
	"occ/lang"
)

// A statement can hold millions of lines. They are gathered as lineRefs,
// sixteen bytes each, in statement order, and only made into Lines (with
// their keys, sources and inputs as strings) when a caller asks for the
// Statement; a statement written straight to JSON renders each line from
// its lineRef as it goes.

// lineRef is one line of a statement: which rule, which instance of the
// rule's scope, and in which settlement period.
type lineRef struct {
	rule   int32 // index in the contract's rules
	inst   int32 // instance of the rule's scope
	period int32 // settlement period
	// aux is the index of the adjustment (caps and floors) or instalment
	// the line shows; datedKey is set when the key carries the record's
	// date to tell it from another line's.
	aux int32
}

const datedKey = 1 << 30

func (l lineRef) index() int { return int(l.aux &^ datedKey) }

// eachLine calls fn for every line of the statement for per, rule by rule
// in contract order and, within a rule, in the order of its instances.
func (ev *evaluation) eachLine(per period, fn func(lineRef)) {
	in := func(p int) bool { return p >= per.first && p <= per.last }
	for ri, r := range ev.p.c.Rules {
		st := ev.states[r]
		if st == nil {
			continue
		}
		switch {
		case r.Kind == lang.Cap || r.Kind == lang.Floor:
			for j, a := range st.adjust {
				if in(a.period) {
					fn(lineRef{rule: int32(ri), inst: int32(a.inst), period: int32(a.period), aux: int32(j)})
				}
			}
		case r.Kind == lang.Standard || r.Kind == lang.Flag:
		case r.HasLines() && r.Instalments != 0:
			for j, in2 := range st.instalments {
				if in(in2.period) {
					fn(lineRef{rule: int32(ri), inst: int32(in2.inst), period: int32(in2.period), aux: int32(j)})
				}
			}
		case r.HasLines():
			rs := refOf(r.Scope)
			for i := range st.n {
				if !st.isFired(i) {
					continue
				}
				if p := ev.periodOf(rs, i); in(p) {
					fn(lineRef{rule: int32(ri), inst: int32(i), period: int32(p)})
				}
			}
		}
	}
}

// lineRefs returns the lines of the statement for per in statement order:
// by period, then by rule in contract order, then by instance; keys that
// would repeat within a rule and period are marked to carry their date.
func (ev *evaluation) lineRefs(per period) []lineRef {
	nper := per.last - per.first + 1
	if nper <= 0 {
		return nil
	}
	// A counting sort by period keeps the rule and instance order.
	pos := make([]int, nper+1)
	ev.eachLine(per, func(l lineRef) { pos[int(l.period)-per.first+1]++ })
	for i := 1; i <= nper; i++ {
		pos[i] += pos[i-1]
	}
	refs := make([]lineRef, pos[nper])
	ev.eachLine(per, func(l lineRef) {
		k := int(l.period) - per.first
		refs[pos[k]] = l
		pos[k]++
	})
	ev.markDuplicateKeys(refs)
	return refs
}

// markDuplicateKeys marks the lines over records whose key repeats within
// their rule and period, so that their keys carry the record's date.
func (ev *evaluation) markDuplicateKeys(refs []lineRef) {
	rules := ev.p.c.Rules
	seed := maphash.MakeSeed()
	var seen map[uint64]int
	var key, other []byte
	for lo := 0; lo < len(refs); {
		hi := lo + 1
		for hi < len(refs) && refs[hi].rule == refs[lo].rule && refs[hi].period == refs[lo].period {
			hi++
		}
		group := refs[lo:hi]
		lo = hi
		if refOf(rules[group[0].rule].Scope).kind != compiler.RecordScope || len(group) < 2 {
			continue
		}
		if seen == nil {
			seen = make(map[uint64]int, len(group))
		} else {
			clear(seen)
		}
		exact := false
		for i := range group {
			key = ev.appendLineKey(key[:0], group[i])
			h := maphash.Bytes(seed, key)
			j, dup := seen[h]
			if !dup {
				seen[h] = i
				continue
			}
			other = ev.appendLineKey(other[:0], group[j])
			if !bytes.Equal(key, other) {
				exact = true // two keys with one hash: count them exactly
				break
			}
			group[i].aux |= datedKey
			group[j].aux |= datedKey
		}
		if exact {
			count := map[string][]int{}
			for i := range group {
				group[i].aux &^= datedKey
				k := string(ev.appendLineKey(key[:0], group[i]))
				count[k] = append(count[k], i)
			}
			for _, is := range count {
				if len(is) > 1 {
					for _, i := range is {
						group[i].aux |= datedKey
					}
				}
			}
		}
	}
}

// lineRule returns the rule of a line and its scope.
func (ev *evaluation) lineRule(l lineRef) (*compiler.Rule, scopeRef) {
	r := ev.p.c.Rules[l.rule]
	return r, refOf(r.Scope)
}

// lineAmount returns a line's amount.
func (ev *evaluation) lineAmount(l lineRef) value.Money {
	r := ev.p.c.Rules[l.rule]
	st := ev.states[r]
	switch {
	case r.Kind == lang.Cap || r.Kind == lang.Floor:
		return st.adjust[l.index()].amount
	case r.Instalments != 0:
		return st.instalments[l.index()].amount
	}
	return st.val(int(l.inst)).(value.Money)
}

// lineKind returns the kind a line shows.
func lineKind(r *compiler.Rule) string {
	if r.Kind == lang.Cap || r.Kind == lang.Floor {
		return "adjustment"
	}
	return string(r.Kind)
}

// appendLineKey appends a line's key, without the date a repeated key
// carries.
func (ev *evaluation) appendLineKey(b []byte, l lineRef) []byte {
	r, rs := ev.lineRule(l)
	if r.HasLines() && r.Instalments != 0 && r.Kind != lang.Cap && r.Kind != lang.Floor {
		in2 := ev.states[r].instalments[l.index()]
		return append(b, ev.cal.label(r.Instalments, ev.cal.fromMonth(in2.month, r.Instalments))...)
	}
	return ev.appendInstanceName(b, rs, int(l.inst))
}

// appendFullKey appends a line's key as the statement shows it.
func (ev *evaluation) appendFullKey(b []byte, l lineRef) []byte {
	b = ev.appendLineKey(b, l)
	if l.aux&datedKey == 0 {
		return b
	}
	_, rs := ev.lineRule(l)
	s, i := rs.schema, int(l.inst)
	b = append(b, '@')
	if root := s.Root(); root.PeriodField != nil {
		return dateOf(ev.topRecord(s, i), root.PeriodField).AppendText(b)
	}
	return ev.cal.months[ev.recs[s][i].month].from.AppendText(b)
}

// appendInstanceName appends instanceName(s, i).
func (ev *evaluation) appendInstanceName(b []byte, s scopeRef, i int) []byte {
	switch s.kind {
	case compiler.RecordScope:
		return ev.appendRecKey(b, s.schema, i)
	case compiler.PersonScope:
		return append(b, ev.persons[i]...)
	}
	return append(b, ev.cal.label(s.kind, i)...)
}

// recKey returns the key of record i of schema s, as recordKey names it.
func (ev *evaluation) recKey(s *compiler.Schema, i int) string {
	return string(ev.appendRecKey(nil, s, i))
}

// appendRecKey appends the key of record i of schema s: its parent's key,
// then its key fields other than its period date, joined with "/", or
// "row N" when it has none (see recordKey).
func (ev *evaluation) appendRecKey(b []byte, s *compiler.Schema, i int) []byte {
	ri := ev.recs[s][i]
	sep := false
	if s.Parent != nil && ri.parent >= 0 {
		b = ev.appendRecKey(b, s.Parent, int(ri.parent))
		sep = true
	}
	own := false
	for _, k := range s.Keys {
		if k == s.PeriodField && len(s.Keys) > 1 {
			continue
		}
		v := ri.rec.Fields[k.Index]
		if v == nil {
			continue
		}
		if sep {
			b = append(b, '/')
		}
		b = appendKeyPart(b, v)
		sep, own = true, true
	}
	if !own {
		if sep {
			b = append(b, '/')
		}
		b = append(b, "row "...)
		b = strconv.AppendInt(b, int64(ri.rec.Row), 10)
	}
	return b
}

// appendKeyPart appends fmt.Sprint(v.Value()), quickly for the usual types.
func appendKeyPart(b []byte, v ref.Val) []byte {
	switch x := v.(type) {
	case types.String:
		return append(b, x...)
	case types.Int:
		return strconv.AppendInt(b, int64(x), 10)
	case value.Date:
		return x.AppendText(b)
	case value.Decimal:
		return x.AppendText(b)
	case value.Money:
		return x.AppendText(b)
	}
	return fmt.Append(b, v.Value())
}

// appendSource appends source(r).
func appendSource(b []byte, r *value.Record) []byte {
	if r.File() == "" {
		return b
	}
	b = append(b, r.File()...)
	if r.Row > 0 {
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(r.Row), 10)
	}
	return b
}

// line makes a Line of a lineRef, with its inputs unless the program
// leaves them out.
func (ev *evaluation) line(l lineRef) Line {
	r, rs := ev.lineRule(l)
	out := Line{Rule: r.Name, Title: r.Title, Kind: lineKind(r), Period: ev.cal.label(ev.p.c.Settlement, int(l.period)),
		Key: string(ev.appendFullKey(nil, l)), Amount: ev.lineAmount(l), rule: r, scope: rs, inst: int(l.inst)}
	if r.HasLines() && r.Instalments == 0 {
		out.Source = ev.sourceOf(rs, int(l.inst))
	}
	if !ev.p.noInputs {
		out.Inputs = ev.inputs(&out)
	}
	return out
}

// inputPath is one path of Expression.Inputs, taken apart once.
type inputPath struct {
	path  string
	head  string // the name before the first dot
	field int    // for name.field: the field's index, or -1 when the name has no such field
	pair  bool   // the path is name.field
	// How the head resolves, as activation.ResolveName would resolve it
	// for the expression's rule.
	kind  headKind
	param ref.Val        // headParam: the param's value
	rule  *compiler.Rule // headRule: the rule read
	depth int            // headRecord: parent hops to the record
}

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
	case strings.HasPrefix(name, compiler.AllPrefix), strings.HasPrefix(name, compiler.PrevPrefix),
		name == "first", name == "period_start", name == "period_end":
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

// inputPaths returns the input paths of an expression, taken apart, as
// prepareInputs kept them.
func (ev *evaluation) inputPaths(e *compiler.Expression) []inputPath {
	if ps, ok := ev.paths[e]; ok {
		return ps
	}
	return splitInputs(ev.p.c, e)
}

func splitInputs(c *compiler.Contract, e *compiler.Expression) []inputPath {
	ps := make([]inputPath, 0, len(e.Inputs))
	for _, path := range e.Inputs {
		parts := strings.Split(path, ".")
		ip := inputPath{path: path, head: parts[0], field: -1, pair: len(parts) == 2}
		if ip.pair {
			if sc := c.Schema(parts[0]); sc != nil {
				if f := sc.FieldByName(parts[1]); f != nil {
					ip.field = f.Index
				}
			}
		}
		ps = append(ps, ip)
	}
	return ps
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
	act := &activation{ev: ev, rs: rs, inst: inst}
	shared := ev.inputCtxs[r] == rs // the paths were resolved for rs
	for _, e := range r.Expressions() {
		for _, ip := range ev.inputPaths(e) {
			var v any
			kind := ip.kind
			if !shared || !fastHeads {
				kind = headAny
			}
			switch kind {
			case headParam:
				v = ip.param
			case headRule:
				v = ev.read(ip.rule, scope, inst)
			case headRecord:
				s, i := scope.schema, inst
				for range ip.depth {
					i = int(ev.recs[s][i].parent)
					s = s.Parent
				}
				v = ev.recs[s][i].rec
			case headNone:
				continue
			default:
				var ok bool
				if v, ok = act.ResolveName(ip.head); !ok {
					continue
				}
			}
			if ip.pair {
				rec, isRec := v.(*value.Record)
				if !isRec || ip.field < 0 {
					continue
				}
				fv := rec.Fields[ip.field]
				if fv == nil {
					seen = append(seen, ip.path)
					emit(ip.path, nil)
					continue
				}
				add(ip.path, fv)
				continue
			}
			if _, isRec := v.(*value.Record); isRec {
				continue
			}
			if strings.HasPrefix(ip.head, "@") {
				continue
			}
			add(ip.path, v.(ref.Val))
		}
	}
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

// prepareInputs takes apart every rule's input paths before lines are
// made, possibly by several goroutines at once, which then only read
// paths and inputCtxs.
func (ev *evaluation) prepareInputs() {
	ev.paths = map[*compiler.Expression][]inputPath{}
	ev.inputCtxs = map[*compiler.Rule]*ruleCtx{}
	for _, r := range ev.p.c.Rules {
		rs := ev.inputCtx(r, refOf(r.Scope))
		ev.inputCtxs[r] = rs
		for _, e := range r.Expressions() {
			ps := splitInputs(ev.p.c, e)
			for i := range ps {
				ev.resolveHead(&ps[i], rs)
			}
			ev.paths[e] = ps
		}
	}
}

// totals adds up the lines: in all, by kind, by rule and by period. Every
// total starts from zero, as a chain of Money.Add calls would.
func (ev *evaluation) totals(s *Statement, refs []lineRef) (byKind, byRule map[string]*Subtotal, byPeriod map[string]value.Money, ruleNames []string) {
	c := ev.p.c
	settle := c.Settlement
	zero := ev.zero.Decimal()
	kindIdx := map[string]int{}
	ruleKind := make([]int, len(c.Rules))
	var kinds []string
	for i, r := range c.Rules {
		k := lineKind(r)
		if _, ok := kindIdx[k]; !ok {
			kindIdx[k] = len(kinds)
			kinds = append(kinds, k)
		}
		ruleKind[i] = kindIdx[k]
	}
	var total value.Sum
	total.Add(zero)
	ruleSum, ruleN := make([]value.Sum, len(c.Rules)), make([]int, len(c.Rules))
	kindSum, kindN := make([]value.Sum, len(kinds)), make([]int, len(kinds))
	periodSum := map[int32]*value.Sum{}
	var periods []int32
	for _, l := range refs {
		a := ev.lineAmount(l).Decimal()
		total.Add(a)
		if ruleN[l.rule] == 0 {
			ruleSum[l.rule].Add(zero)
		}
		ruleSum[l.rule].Add(a)
		ruleN[l.rule]++
		k := ruleKind[l.rule]
		if kindN[k] == 0 {
			kindSum[k].Add(zero)
		}
		kindSum[k].Add(a)
		kindN[k]++
		ps := periodSum[l.period]
		if ps == nil {
			ps = &value.Sum{}
			ps.Add(zero)
			periodSum[l.period] = ps
			periods = append(periods, l.period)
		}
		ps.Add(a)
	}
	failed := false
	money := func(sum *value.Sum) value.Money {
		d, err := sum.Decimal()
		if err != nil {
			failed = true
		}
		return value.MoneyOf(d)
	}
	s.Total = money(&total)
	byKind, byRule, byPeriod = map[string]*Subtotal{}, map[string]*Subtotal{}, map[string]value.Money{}
	for k, name := range kinds {
		if kindN[k] > 0 {
			byKind[name] = &Subtotal{Name: name, Amount: money(&kindSum[k]), Lines: kindN[k]}
		}
	}
	for i, r := range c.Rules {
		if ruleN[i] > 0 {
			byRule[r.Name] = &Subtotal{Name: r.Name, Amount: money(&ruleSum[i]), Lines: ruleN[i]}
			ruleNames = append(ruleNames, r.Name)
		}
	}
	for _, p := range periods {
		byPeriod[ev.cal.label(settle, int(p))] = money(periodSum[p])
	}
	if failed {
		return ev.totalsSlow(s, refs)
	}
	return byKind, byRule, byPeriod, ruleNames
}

// totalsSlow is totals by chains of Money.Add, for sums that overflow.
func (ev *evaluation) totalsSlow(s *Statement, refs []lineRef) (byKind, byRule map[string]*Subtotal, byPeriod map[string]value.Money, ruleNames []string) {
	s.Total = ev.zero
	byKind, byRule, byPeriod = map[string]*Subtotal{}, map[string]*Subtotal{}, map[string]value.Money{}
	for _, l := range refs {
		r, _ := ev.lineRule(l)
		kind, period, amount := lineKind(r), ev.cal.label(ev.p.c.Settlement, int(l.period)), ev.lineAmount(l)
		s.Total, _ = s.Total.Add(amount)
		if byKind[kind] == nil {
			byKind[kind] = &Subtotal{Name: kind, Amount: ev.zero}
		}
		if byRule[r.Name] == nil {
			byRule[r.Name] = &Subtotal{Name: r.Name, Amount: ev.zero}
			ruleNames = append(ruleNames, r.Name)
		}
		for _, st := range []*Subtotal{byKind[kind], byRule[r.Name]} {
			st.Amount, _ = st.Amount.Add(amount)
			st.Lines++
		}
		pt, ok := byPeriod[period]
		if !ok {
			pt = ev.zero
		}
		byPeriod[period], _ = pt.Add(amount)
	}
	return byKind, byRule, byPeriod, ruleNames
}

// result is one distinct outcome of a rule: its value and whether it fired.
type result struct {
	val   ref.Val
	fired bool
}

// val returns instance i's value (not computing a let's; see value).
func (st *ruleState) val(i int) ref.Val {
	if st.table != nil {
		return st.table[st.res.at(i)].val
	}
	return st.vals[i]
}

// isFired reports whether instance i fired.
func (st *ruleState) isFired(i int) bool {
	if st.table != nil {
		return st.table[st.res.at(i)].fired
	}
	return st.fired[i]
}

// compact replaces vals and fired, seventeen bytes an instance, by an
// index into the rule's distinct outcomes: over millions of records a rule
// has few (an amount per number of hours, say). Only money and yes-or-no
// values are compacted.
func (st *ruleState) compact() {
	if st.lazy || st.table != nil || st.n >= math.MaxUint32 {
		return
	}
	for _, v := range st.vals {
		switch v.(type) {
		case nil, value.Money, types.Bool:
		default:
			return
		}
	}
	index := map[result]uint32{}
	res := make([]uint32, st.n)
	var table []result
	last, lastIdx := result{}, uint32(0)
	for i, v := range st.vals {
		r := result{val: v, fired: st.fired[i]}
		if i > 0 && r == last {
			res[i] = lastIdx
			continue
		}
		k, ok := index[r]
		if !ok {
			if len(table) > st.n/4 {
				return // mostly distinct: compacting would not pay
			}
			k = uint32(len(table))
			table = append(table, r)
			index[r] = k
		}
		res[i], last, lastIdx = k, r, k
	}
	st.res, st.table, st.vals, st.fired = narrow(res, len(table)), table, nil, nil
}

// indexes holds indexes into a table in as few bytes each as the table's
// size allows.
type indexes struct {
	u8  []uint8
	u16 []uint16
	u32 []uint32
}

// narrow returns res, indexes into a table of n entries, as indexes.
func narrow(res []uint32, n int) indexes {
	switch {
	case n <= math.MaxUint8+1:
		u8 := make([]uint8, len(res))
		for i, k := range res {
			u8[i] = uint8(k)
		}
		return indexes{u8: u8}
	case n <= math.MaxUint16+1:
		u16 := make([]uint16, len(res))
		for i, k := range res {
			u16[i] = uint16(k)
		}
		return indexes{u16: u16}
	}
	return indexes{u32: res}
}

// at returns index i.
func (x *indexes) at(i int) int {
	switch {
	case x.u8 != nil:
		return int(x.u8[i])
	case x.u16 != nil:
		return int(x.u16[i])
	}
	return int(x.u32[i])
}
