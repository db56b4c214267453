package forecast

import (
	"fmt"
	"math/rand/v2"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime/data"
)

// generator makes the data of simulated runs from a scenario. Each worker
// has its own: it keeps caches, and is not safe for concurrent use.
//
// The random numbers of a run are common to every step of a sweep: each
// field of each record draws from a stream of its own, seeded from the
// forecast's seed, the run, the record (its data, person and month, or
// its parent and position) and the field, and so do the cohort's joiners
// and leavers of each month. What one field draws, or whether it draws at
// all, never moves another field's numbers, so a var or param that
// changes one field (the chance a goal is achieved) leaves every other
// field, and every figure that does not depend on it, exactly as it was.
type generator struct {
	sc *Scenario
	// pcg is reseeded for each stream; rng draws from it.
	pcg     rand.PCG
	rng     *rand.Rand
	runKey  uint64
	names   []ref.Val
	origins map[*compiler.Schema]*value.Origin
	decs    map[decKey]value.Decimal
	scratch [][]int64
	// blocks allocates the records of the run being made, and origins
	// holds their values; each run starts new ones (see dataset).
	blocks value.RecordBlocks
	empty  ref.Val
	row    int
}

type decKey struct {
	n int64
	p int32
}

// memo holds a person's per-person values of one schema.
type memo struct {
	vals []ref.Val
	nums []int64
	set  []bool
}

func newGenerator(sc *Scenario) *generator {
	g := &generator{sc: sc, decs: map[decKey]value.Decimal{},
		empty: types.NewRefValList(types.DefaultTypeAdapter, []ref.Val{})}
	g.rng = rand.New(&g.pcg)
	var size func(sg *schemaGen)
	size = func(sg *schemaGen) {
		for len(g.scratch) <= sg.id {
			g.scratch = append(g.scratch, nil)
		}
		g.scratch[sg.id] = make([]int64, len(sg.fields))
		for _, fg := range sg.fields {
			if fg.child != nil {
				size(fg.child)
			}
		}
	}
	for _, sg := range sc.tops {
		size(sg)
	}
	return g
}

// span returns the term months the scenario's cohort covers.
func (sc *Scenario) span() (int, int) { return sc.start, sc.start + sc.length - 1 }

// personName names the cohort's person i: P00001, P00002, ...
func (g *generator) personName(i int) ref.Val {
	for len(g.names) <= i {
		g.names = append(g.names, types.String(fmt.Sprintf("P%05d", len(g.names)+1)))
	}
	return g.names[i]
}

// The kinds of stream a run draws from (see generator).
const (
	streamJoin uint64 = iota + 1
	streamLeave
	streamRecord
	streamPerson
)

// mix scrambles x (the finalizer of SplitMix64), so that keys that differ
// in a bit seed unrelated streams.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// streamKey combines the key of a stream with one more part of its name.
func streamKey(key, part uint64) uint64 { return mix(key ^ mix(part+0x9e3779b97f4a7c15)) }

// stream returns the random numbers of one stream of the run: the
// generator's, reseeded.
func (g *generator) stream(key uint64) *rand.Rand {
	g.pcg.Seed(g.runKey, key)
	return g.rng
}

// dataset simulates run run of a forecast with seed seed: the cohort month
// by month up to lastMonth, with a record of each top-level data for every
// active person.
func (g *generator) dataset(seed, run uint64, lastMonth int) (*data.Set, error) {
	sc := g.sc
	g.row = 0
	g.runKey = streamKey(mix(seed), run)
	// A run's records come from blocks of their own. A block that outlived
	// the run would hold the run's last records, which reach (through
	// parents, lists and shared field blocks) every record of the run,
	// whose first block holds the run before's last records, and so on:
	// every run a worker made would stay live to the end of the forecast.
	// The run's Origins are its own too: their tables hold every list the
	// run makes, and would otherwise grow with every run.
	g.blocks = value.RecordBlocks{}
	g.origins = nil
	d := &data.Set{Records: map[string][]*value.Record{}}
	memos := make([]map[int]*memo, len(sc.tops))
	for i, sg := range sc.tops {
		for _, fg := range sg.fields {
			if fg.perPerson {
				memos[i] = map[int]*memo{}
				break
			}
		}
		d.Records[sg.s.Name] = make([]*value.Record, 0, sc.size*min(sc.length, lastMonth-sc.start+1))
	}
	active := make([]int, sc.size)
	for i := range active {
		active[i] = i
	}
	next := sc.size
	for m := 0; m < sc.length; m++ {
		month := sc.start + m
		if month > lastMonth {
			break
		}
		if m > 0 && sc.join != nil {
			for range sc.join.draw(g.stream(streamKey(streamJoin, uint64(month)))) {
				active = append(active, next)
				next++
			}
		}
		period := sc.cal.months[month].from
		for _, id := range active {
			for i, sg := range sc.tops {
				var mm *memo
				if memos[i] != nil {
					mm = memos[i][id]
					if mm == nil {
						n := len(sg.fields)
						mm = &memo{vals: make([]ref.Val, n), nums: make([]int64, n), set: make([]bool, n)}
						memos[i][id] = mm
					}
				}
				who := streamKey(uint64(sg.id), uint64(id))
				key := streamKey(streamKey(streamRecord, who), uint64(month))
				rec, err := g.record(sg, key, streamKey(streamPerson, who), period, g.personName(id), nil, 0, mm)
				if err != nil {
					return nil, err
				}
				d.Records[sg.s.Name] = append(d.Records[sg.s.Name], rec)
			}
		}
		if sc.leave != nil {
			r := g.stream(streamKey(streamLeave, uint64(month)))
			k := min(int(sc.leave.draw(r)), len(active))
			for range k {
				j := r.IntN(len(active))
				active = append(active[:j], active[j+1:]...)
			}
		}
	}
	return d, nil
}

func (g *generator) newRecord(s *compiler.Schema) *value.Record {
	o, ok := g.origins[s]
	if !ok {
		if g.origins == nil {
			g.origins = map[*compiler.Schema]*value.Origin{}
		}
		o = &value.Origin{Schema: s.Type}
		g.origins[s] = o
	}
	rec := g.blocks.New(o, len(s.Fields))
	g.row++
	rec.Row = g.row
	return rec
}

// record makes one record of sg: the record at position pos (from 0) of
// its parent's list, or a top-level record of person for period. key names
// the record's streams; per names the person's, from which the fields
// drawn once for each person (kept in mm) draw. It fails only when a
// field's table in the run's Origin is full.
func (g *generator) record(sg *schemaGen, key, per uint64, period value.Date, person ref.Val, parent *value.Record, pos int, mm *memo) (*value.Record, error) {
	rec := g.newRecord(sg.s)
	rec.Parent = parent
	nums := g.scratch[sg.id]
	for _, fg := range sg.order {
		i := fg.f.Index
		if fg.perPerson && mm != nil && mm.set[i] {
			if err := rec.SetField(i, mm.vals[i]); err != nil {
				return nil, err
			}
			nums[i] = mm.nums[i]
			continue
		}
		var v ref.Val
		var r *rand.Rand
		if fg.kind == gDist || fg.kind == gDate || fg.kind == gList {
			if fg.perPerson && mm != nil {
				r = g.stream(streamKey(per, uint64(i)))
			} else {
				r = g.stream(streamKey(key, uint64(i)))
			}
		}
		switch fg.kind {
		case gPerson:
			v = person
		case gPeriod:
			v = period
		case gKey:
			v = fg.keys[min(pos, len(fg.keys)-1)]
		case gConst:
			v = fg.konst
			nums[i] = fg.lo
		default:
			if !present(fg, rec, r) {
				break
			}
			switch fg.kind {
			case gDist:
				if !fg.d.numeric {
					v = fg.d.pick(r)
					break
				}
				n := fg.d.draw(r)
				if b := fg.times; b != nil {
					n = mulRound(n, fg.d.places, nums[b.f.Index], b.places, fg.places)
				}
				nums[i] = n
				v = g.number(fg, n)
			case gDate:
				base := period
				if fg.from != nil {
					b, ok := rec.Field(fg.from.f.Index).(value.Date)
					if !ok {
						break
					}
					base = b
				}
				v = base.AddDays(fg.d.draw(r))
			case gList:
				n := int(fg.d.draw(r))
				if n == 0 || fg.child == nil {
					v = g.empty
					break
				}
				// r is not used again: each child reseeds it.
				kids := make([]ref.Val, n)
				for j := range kids {
					kid, err := g.record(fg.child, streamKey(streamKey(key, uint64(i)), uint64(j+1)), 0, period, person, rec, j, nil)
					if err != nil {
						return nil, err
					}
					kids[j] = kid
				}
				v = types.NewRefValList(types.DefaultTypeAdapter, kids)
			}
		}
		if err := rec.SetField(i, v); err != nil {
			return nil, err
		}
		if fg.perPerson && mm != nil {
			mm.vals[i], mm.nums[i], mm.set[i] = v, nums[i], true
		}
	}
	return rec, nil
}

// present reports whether an optional field has a value in this record:
// its when conditions hold, and its chance comes up.
func present(fg *fieldGen, rec *value.Record, r *rand.Rand) bool {
	for _, gt := range fg.when {
		v := rec.Field(gt.f.Index)
		if v == nil {
			return false
		}
		match := false
		for _, want := range gt.vals {
			if v.Equal(want) == types.True {
				match = true
				break
			}
		}
		if !match {
			return false
		}
	}
	if fg.chance < probOne {
		return r.Uint64N(probOne) < fg.chance
	}
	return true
}

// number makes a field value from n/10^places.
func (g *generator) number(fg *fieldGen, n int64) ref.Val {
	switch fg.f.Kind {
	case compiler.IntField:
		return types.Int(n)
	case compiler.MoneyField:
		return value.MoneyOf(g.dec(n, fg.places))
	}
	return g.dec(n, fg.places)
}

func (g *generator) dec(n int64, p int32) value.Decimal {
	k := decKey{n, p}
	if d, ok := g.decs[k]; ok {
		return d
	}
	d := unscale(n, p)
	if len(g.decs) < 1<<16 {
		g.decs[k] = d
	}
	return d
}

// mulRound multiplies a/10^pa by b/10^pb and rounds the product half-up
// (away from zero) to p places, returning it scaled by 10^p.
func mulRound(a int64, pa int32, b int64, pb int32, p int32) int64 {
	prod := a * b
	shift := pa + pb - p
	for ; shift < 0; shift++ {
		prod *= 10
	}
	if shift == 0 {
		return prod
	}
	div := int64(1)
	for range shift {
		div *= 10
	}
	q, rem := prod/div, prod%div
	if rem < 0 {
		rem = -rem
	}
	if 2*rem >= div {
		if prod < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}
