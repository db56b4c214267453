package runtime

import (
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// A rule over records is a pure function of the few values its expressions
// read: some fields of the record (and of its parents), the params, which
// are fixed for the evaluation, and other rules' values for the record.
// Records repeat those values a great deal (hours in half hours, a handful
// of statuses, one hourly rate), so the evaluator remembers each rule's
// result by the values it read and evaluates the expressions again only for
// a combination it has not seen. A memoized result is exactly what
// evaluating would give: the key encodes every value read exactly (see
// value.AppendKey), expressions have no side effects, and results that
// raised an error are never remembered.

// memoLimit bounds the results one worker remembers for one rule.
const memoLimit = 1 << 16

// memoPlan lists the values that determine a rule's result for a record.
// lasting is set when they determine it in every evaluation with the
// program, not only in this one (see Session): the rule reads no
// reference data and pays no instalments.
type memoPlan struct {
	slots   []memoSlot
	lasting bool
}

// memoSlot is one value a rule reads: another rule's value, or a field of
// the record or of one of its parents.
type memoSlot struct {
	rule  *compiler.Rule // a rule read; nil for a field
	depth int            // parent hops from the rule's records to the field's
	field int            // field index
}

// planMemo returns the plan for rule rs, or nil when its result cannot be
// remembered: rules not over records, lets and standards, coverage runs,
// and expressions that read anything beyond scalar fields, params and
// other rules' values computed already (comprehensions, lists of records,
// previous values, period dates).
func (ev *evaluation) planMemo(rs *ruleCtx) *memoPlan {
	r := rs.rule
	if rs.scope.kind != compiler.RecordScope || ev.p.cov != nil || r.Due != nil {
		return nil
	}
	switch r.Kind {
	case lang.Payment, lang.Incentive, lang.Sanction, lang.Share, lang.Flag:
	default:
		return nil
	}
	mp := &memoPlanner{ev: ev, rs: rs, depth: map[string]int{}, seen: map[memoSlot]bool{}, ok: true}
	mp.plan.lasting = r.Instalments == 0
	d := 0
	for s := rs.scope.schema; s != nil; s = s.Parent {
		if _, ok := mp.depth[s.Name]; !ok {
			mp.depth[s.Name] = d
		}
		d++
	}
	for _, e := range r.Expressions() {
		if e.AST == nil {
			return nil
		}
		mp.visit(e.AST.NativeRep().Expr())
		if !mp.ok {
			return nil
		}
	}
	return &mp.plan
}

// memoPlanner finds the values a rule's expressions read, for planMemo.
type memoPlanner struct {
	ev    *evaluation
	rs    *ruleCtx
	depth map[string]int // parent hops from the rule's records to each schema's
	plan  memoPlan
	seen  map[memoSlot]bool
	ok    bool // false once an expression reads something a slot cannot hold
}

// add adds a slot to the plan, once.
func (mp *memoPlanner) add(sl memoSlot) {
	if !mp.seen[sl] {
		mp.seen[sl] = true
		mp.plan.slots = append(mp.plan.slots, sl)
	}
}

// schemaAt returns the schema hops parents above the rule's.
func (mp *memoPlanner) schemaAt(hops int) *compiler.Schema {
	s := mp.rs.scope.schema
	for ; hops > 0; hops-- {
		s = s.Parent
	}
	return s
}

// visit adds the values expression x reads, or clears ok.
func (mp *memoPlanner) visit(x ast.Expr) {
	if !mp.ok {
		return
	}
	switch x.Kind() {
	case ast.LiteralKind:
	case ast.IdentKind:
		name := x.AsIdent()
		if _, isParam := mp.ev.p.params[name]; isParam {
			return // fixed for the whole evaluation
		}
		if isReference(mp.ev.p.c, name) {
			// Reference data: fixed too, and read at keys the plan holds;
			// but another evaluation may have other reference data.
			mp.plan.lasting = false
			return
		}
		if t, isRule := mp.rs.reads[name]; isRule && t.Kind != lang.Let && mp.ev.state(t) != nil {
			mp.add(memoSlot{rule: t})
			return
		}
		mp.ok = false // a record used whole, a list, previous(), first, ...
	case ast.SelectKind:
		mp.visitSelect(x.AsSelect())
	case ast.CallKind:
		call := x.AsCall()
		if call.IsMemberFunction() {
			mp.visit(call.Target())
		}
		for _, a := range call.Args() {
			mp.visit(a)
		}
	case ast.ListKind:
		for _, e := range x.AsList().Elements() {
			mp.visit(e)
		}
	case ast.MapKind:
		for _, e := range x.AsMap().Entries() {
			me := e.AsMapEntry()
			mp.visit(me.Key())
			mp.visit(me.Value())
		}
	default: // comprehensions, structs
		mp.ok = false
	}
}

// visitSelect adds the field that name.field reads, for a record of the
// rule's schema or one of its parents.
func (mp *memoPlanner) visitSelect(sel ast.SelectExpr) {
	op := sel.Operand()
	if op.Kind() != ast.IdentKind {
		mp.visit(op)
		return
	}
	name := op.AsIdent()
	if _, isParam := mp.ev.p.params[name]; isParam {
		return
	}
	if _, isRule := mp.rs.reads[name]; isRule {
		mp.visit(op)
		return
	}
	hops, isRec := mp.depth[name]
	if !isRec {
		mp.ok = false
		return
	}
	f := mp.schemaAt(hops).FieldByName(sel.FieldName())
	if f == nil || f.Kind == compiler.ListField {
		mp.ok = false
		return
	}
	mp.add(memoSlot{depth: hops, field: f.Index})
}

// memoWorker remembers one rule's results for one worker.
type memoWorker struct {
	ev   *evaluation
	rs   *ruleCtx
	out  *outcomes
	plan *memoPlan
	memo *memoTable
	key  []byte
}

// memoTable holds one rule's remembered results, by the key of the values
// they read. A short key is held in the table itself, so that a table of
// many thousands of results is a few flat arrays with no pointers for the
// garbage collector to follow. The results repeat far more than their
// inputs (a handful of fees for thousands of dates), so each distinct
// value is kept once, in vals, found by its own key in index.
type memoTable struct {
	short  map[memoKey]memoResult
	long   map[string]memoResult
	vals   []ref.Val
	index  map[string]uint32
	valKey []byte
}

// memoKey is a key of up to 31 bytes: its length, then its bytes.
type memoKey [32]byte

// newMemoTable returns an empty table.
func newMemoTable() *memoTable {
	return &memoTable{short: map[memoKey]memoResult{}, long: map[string]memoResult{}, index: map[string]uint32{}}
}

// memoResult is a remembered result: the value, by its place in the
// table's vals, and whether the rule fired.
type memoResult struct {
	val   uint32
	fired bool
}

// len returns the number of results remembered.
func (t *memoTable) len() int { return len(t.short) + len(t.long) }

// get returns the result remembered for key.
func (t *memoTable) get(key []byte) (v ref.Val, fired, ok bool) {
	var r memoResult
	if len(key) < len(memoKey{}) {
		var k memoKey
		k[0] = byte(len(key))
		copy(k[1:], key)
		r, ok = t.short[k]
	} else {
		r, ok = t.long[string(key)]
	}
	if !ok {
		return nil, false, false
	}
	return t.vals[r.val], r.fired, true
}

// add remembers value v and fired for key, with the value of an equal
// result remembered before in place of its own, and returns the value
// remembered. Values with one key are the same to the last digit and
// exponent (see value.AppendKey), so either stands for the other.
func (t *memoTable) add(key []byte, v ref.Val, fired bool) ref.Val {
	r := memoResult{val: uint32(len(t.vals)), fired: fired}
	vk, ok := value.AppendKey(t.valKey[:0], v)
	t.valKey = vk
	if i, seen := t.index[string(vk)]; ok && seen {
		r.val = i
	} else {
		if ok {
			t.index[string(vk)] = r.val
		}
		t.vals = append(t.vals, v)
	}
	if len(key) < len(memoKey{}) {
		var k memoKey
		k[0] = byte(len(key))
		copy(k[1:], key)
		t.short[k] = r
	} else {
		t.long[string(key)] = r
	}
	return t.vals[r.val]
}

// memoWorker returns a worker remembering the results of rule rs by plan
// in memo, putting them in out.
func (ev *evaluation) memoWorker(rs *ruleCtx, out *outcomes, plan *memoPlan, memo *memoTable) *memoWorker {
	return &memoWorker{ev: ev, rs: rs, out: out, plan: plan, memo: memo}
}

// eval sets instance i's value and whether it fired, from memory when the
// values it reads were seen before.
func (w *memoWorker) eval(i int) {
	ev := w.ev
	key, ok := w.appendKey(w.key[:0], i)
	w.key = key
	if ok {
		if v, fired, hit := w.memo.get(key); hit {
			w.out.set(i, v, fired)
			return
		}
	}
	nerr := ev.failed()
	v, fired := ev.outcome(w.rs, w.out.st, i)
	if ok && w.memo.len() < memoLimit && ev.failed() == nerr {
		// An equal value remembered before stands for this one, so that
		// the rule's distinct results are few (see outcomes).
		v = w.memo.add(key, v, fired)
	}
	w.out.set(i, v, fired)
}

// appendKey encodes the values instance i reads; ok is false when one of
// them cannot be encoded.
func (w *memoWorker) appendKey(b []byte, i int) ([]byte, bool) {
	ev, scope := w.ev, w.rs.scope
	for _, sl := range w.plan.slots {
		var v ref.Val
		if sl.rule != nil {
			v = ev.read(sl.rule, scope, i)
		} else {
			s, j := scope.schema, i
			for range sl.depth {
				j = ev.parentOf(s, j)
				s = s.Parent
			}
			v = ev.recs[s][j].rec.Field(sl.field)
		}
		var ok bool
		if b, ok = value.AppendKey(b, v); !ok {
			return b, false
		}
	}
	return b, true
}
