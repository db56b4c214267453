package runtime

import (
	"math"
	"sync"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

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
	// due holds, for a rule with a due clause, each instance's due month
	// or a mark (see due.go), and dueDates its due date.
	due      []int32
	dueDates []value.Date
	// from holds, for a per person rule with lines, the last month of the
	// as-of evaluation each person's line was taken from, or -1 for this
	// evaluation (see personDue).
	from []int32
	// repeats holds, for a claim-once rule, the records that qualified
	// after their group's first (see once.go).
	repeats []repeat
	// lazy is set for lets: an instance is evaluated when first read, so a
	// value nothing needs (such as a ratio over a year with no reviews) is
	// never computed. once guards each instance's computation.
	lazy bool
	once []sync.Once
	rs   *ruleCtx
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
// values are compacted, and only for rules of compactFrom instances or
// more.
func (st *ruleState) compact() {
	if st.lazy || st.table != nil || st.n >= math.MaxUint32 || st.n < compactFrom {
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

// compactFrom is the fewest instances compact compacts. Below it the
// saving is a few kilobytes, less than the table that finds the distinct
// outcomes costs to build: a forecast evaluates thousands of runs of a few
// thousand records each.
const compactFrom = 1 << 14

// indexes holds indexes into a table in as few bytes each as the table's
// size allows.
type indexes struct {
	u8  []uint8
	u16 []uint16
	u32 []uint32
}

// narrow returns res, indexes into a table of n entries, as indexes.
func narrow(res []uint32, n int) indexes {
	if n > math.MaxUint16+1 {
		return indexes{u32: res}
	}
	x := indexesFor(len(res), n)
	for i, k := range res {
		x.set(i, k)
	}
	return x
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

// outcomes receives one worker's results of a rule, for instances lo to
// hi-1: into the rule's vals and fired or, for a rule compacted as it is
// evaluated (see compactsAsEvaluated), as indexes into the worker's own
// table of distinct results, which gather merges into the rule's. So a
// rule over millions of records never holds the seventeen bytes an
// instance that vals and fired take.
type outcomes struct {
	st  *ruleState
	lo  int
	res indexes // the instances' indexes into table, from lo
	// table holds the distinct results, the first {nil, false}, the
	// result of an instance not evaluated; index finds them.
	table []result
	index map[result]uint32
	// last is the result set last, at index lastAt, for the runs of
	// equal results that records ordered by person make.
	last   result
	lastAt uint32
}

// outcomes returns the outcomes of the instances from lo on: compacted as
// they are evaluated into slots, a byte for each of them, when slots is
// not nil. The workers' slots are parts of one list, which becomes the
// rule's indexes when they fit in a byte.
func (st *ruleState) outcomes(lo int, slots []uint8) *outcomes {
	o := &outcomes{st: st, lo: lo}
	if slots != nil {
		o.res = indexes{u8: slots}
		o.table, o.index = []result{{}}, map[result]uint32{{}: 0}
	}
	return o
}

// set sets instance i's value and whether it fired.
func (o *outcomes) set(i int, v ref.Val, fired bool) {
	if o.index == nil {
		o.st.vals[i], o.st.fired[i] = v, fired
		return
	}
	r := result{val: v, fired: fired}
	if r != o.last {
		k, ok := o.index[r]
		if !ok {
			k = uint32(len(o.table))
			o.table = append(o.table, r)
			o.index[r] = k
		}
		o.last, o.lastAt = r, k
	}
	o.res.set(i-o.lo, o.lastAt)
}

// gather merges the outcomes of a rule compacted as it was evaluated,
// each worker's in outs (nil for a worker that had no instances), into
// the rule's table of distinct results and each instance's index into it:
// in slots, the workers' slots together, when every index fits in a byte.
// When the results are mostly distinct, it holds them in vals and fired
// instead, as compact would have left them.
func (st *ruleState) gather(outs []*outcomes, slots []uint8) {
	// Workers' equal results are told by their values' keys: each worker
	// has its own value for an amount they both pay.
	index, byKey := map[result]uint32{}, map[string]uint32{}
	var table []result
	var key []byte
	remaps := make([][]uint32, len(outs))
	for w, o := range outs {
		if o == nil {
			continue
		}
		remaps[w] = make([]uint32, len(o.table))
		for k, r := range o.table {
			var keyed bool
			key = append(key[:0], 0)
			if r.fired {
				key[0] = 1
			}
			key, keyed = value.AppendKey(key, r.val)
			var g uint32
			var ok bool
			if keyed {
				g, ok = byKey[string(key)]
			} else {
				g, ok = index[r]
			}
			if !ok {
				g = uint32(len(table))
				table = append(table, r)
				if keyed {
					byKey[string(key)] = g
				} else {
					index[r] = g
				}
			}
			remaps[w][k] = g
		}
	}
	if len(table) > st.n/4 {
		st.vals, st.fired = make([]ref.Val, st.n), make([]bool, st.n)
		for _, o := range outs {
			if o == nil {
				continue
			}
			for j := range o.res.len() {
				r := o.table[o.res.at(j)]
				st.vals[o.lo+j], st.fired[o.lo+j] = r.val, r.fired
			}
		}
		return
	}
	st.table = table
	inSlots := len(table) <= math.MaxUint8+1
	for _, o := range outs {
		inSlots = inSlots && (o == nil || o.res.u8 != nil)
	}
	if inSlots {
		for w, o := range outs {
			if o == nil {
				continue
			}
			for j, k := range o.res.u8 {
				o.res.u8[j] = uint8(remaps[w][k])
			}
		}
		st.res = indexes{u8: slots}
		return
	}
	res := indexesFor(st.n, len(table))
	for w, o := range outs {
		if o == nil {
			continue
		}
		for j := range o.res.len() {
			res.set(o.lo+j, remaps[w][o.res.at(j)])
		}
	}
	st.res = res
}

// indexesFor returns n indexes into a table of size entries, in as few
// bytes each as that allows.
func indexesFor(n, size int) indexes {
	switch {
	case size <= math.MaxUint8+1:
		return indexes{u8: make([]uint8, n)}
	case size <= math.MaxUint16+1:
		return indexes{u16: make([]uint16, n)}
	}
	return indexes{u32: make([]uint32, n)}
}

// len returns the number of indexes.
func (x *indexes) len() int {
	switch {
	case x.u8 != nil:
		return len(x.u8)
	case x.u16 != nil:
		return len(x.u16)
	}
	return len(x.u32)
}

// set sets index i to k, widening the indexes when k does not fit.
func (x *indexes) set(i int, k uint32) {
	switch {
	case x.u8 != nil && k <= math.MaxUint8:
		x.u8[i] = uint8(k)
		return
	case x.u8 != nil:
		x.u16 = make([]uint16, len(x.u8))
		for j, v := range x.u8 {
			x.u16[j] = uint16(v)
		}
		x.u8 = nil
	}
	switch {
	case x.u16 != nil && k <= math.MaxUint16:
		x.u16[i] = uint16(k)
		return
	case x.u16 != nil:
		x.u32 = make([]uint32, len(x.u16))
		for j, v := range x.u16 {
			x.u32[j] = uint32(v)
		}
		x.u16 = nil
	}
	x.u32[i] = k
}
