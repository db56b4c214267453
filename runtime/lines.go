package runtime

import (
	"bytes"
	"hash/maphash"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// A statement can hold millions of lines. They are gathered as lineRefs,
// sixteen bytes each, in statement order, and each is rendered, with its
// key, source and inputs as strings, only when it is reached: as a Line by
// Statement.Lines or an explanation, as JSON by the JSON writer.

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

// datedKey marks, in lineRef.aux, a line whose key carries its record's
// date; sourcedKey one whose key carries, in place of the date, where its
// record was read, because the date repeats too.
const (
	datedKey   = 1 << 30
	sourcedKey = 1 << 29
)

// index returns the index in lineRef.aux, without the key's marks.
func (l lineRef) index() int { return int(l.aux &^ (datedKey | sourcedKey)) }

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
			for i := range st.n {
				if !st.isFired(i) {
					continue
				}
				if p := ev.linePeriod(r, st, i); p >= 0 && in(p) {
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
// their rule and period, so that their keys carry the record's date. Each
// rule and period is marked on its own, on the program's workers.
func (ev *evaluation) markDuplicateKeys(refs []lineRef) {
	rules := ev.p.c.Rules
	var groups [][]lineRef
	for lo := 0; lo < len(refs); {
		hi := lo + 1
		for hi < len(refs) && refs[hi].rule == refs[lo].rule && refs[hi].period == refs[lo].period {
			hi++
		}
		if hi-lo >= 2 && refOf(rules[refs[lo].rule].Scope).kind == compiler.RecordScope && !ev.keysDistinct(refs[lo:hi]) {
			groups = append(groups, refs[lo:hi])
		}
		lo = hi
	}
	seed := maphash.MakeSeed()
	workers := min(ev.p.workers, len(groups))
	if workers < 2 {
		m := keyMarker{ev: ev, seed: seed}
		for _, g := range groups {
			m.mark(g)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			m := keyMarker{ev: ev, seed: seed}
			for i := int(next.Add(1)) - 1; i < len(groups); i = int(next.Add(1)) - 1 {
				m.mark(groups[i])
			}
		})
	}
	wg.Wait()
}

// keyMarker marks the repeated keys of the lines of one rule and period
// at a time, with buffers it uses again for the next.
type keyMarker struct {
	ev         *evaluation
	seed       maphash.Seed
	seen       map[uint64]int
	key, other []byte
}

// mark marks the lines of group, of one rule over records and one period,
// whose keys repeat.
func (m *keyMarker) mark(group []lineRef) {
	ev := m.ev
	if m.seen == nil {
		m.seen = make(map[uint64]int, len(group))
	} else {
		clear(m.seen)
	}
	exact := false
	for i := range group {
		m.key = ev.appendLineKey(m.key[:0], group[i])
		h := maphash.Bytes(m.seed, m.key)
		j, dup := m.seen[h]
		if !dup {
			m.seen[h] = i
			continue
		}
		m.other = ev.appendLineKey(m.other[:0], group[j])
		if !bytes.Equal(m.key, m.other) {
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
			k := string(ev.appendLineKey(m.key[:0], group[i]))
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
	ev.markSourcedKeys(group)
}

// markSourcedKeys marks the lines of one rule and period whose keys repeat
// even with their dates, so that their keys carry where their records
// were read: records with no key fields, named by their rows, from two
// files of the same data on the same day.
func (ev *evaluation) markSourcedKeys(group []lineRef) {
	var dated []int
	for i, l := range group {
		if l.aux&datedKey != 0 {
			dated = append(dated, i)
		}
	}
	if len(dated) < 2 {
		return
	}
	seen := map[string][]int{}
	var key []byte
	for _, i := range dated {
		key = ev.appendFullKey(key[:0], group[i])
		seen[string(key)] = append(seen[string(key)], i)
	}
	for _, is := range seen {
		if len(is) > 1 {
			for _, i := range is {
				group[i].aux |= sourcedKey
			}
		}
	}
}

// markFlagKeys marks, as markDuplicateKeys does for lines, the flags of
// one rule whose keys repeat within a period, so that their keys carry the
// record's date; refs stay in record order.
func (ev *evaluation) markFlagKeys(refs []lineRef) {
	byPeriod := make([]int, len(refs))
	for i := range byPeriod {
		byPeriod[i] = i
	}
	sort.SliceStable(byPeriod, func(a, b int) bool { return refs[byPeriod[a]].period < refs[byPeriod[b]].period })
	sorted := make([]lineRef, len(refs))
	for k, i := range byPeriod {
		sorted[k] = refs[i]
	}
	ev.markDuplicateKeys(sorted)
	for k, i := range byPeriod {
		refs[i].aux = sorted[k].aux
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

// line makes a Line of a lineRef, with its inputs unless the program
// leaves them out.
func (ev *evaluation) line(l lineRef) Line {
	r, rs := ev.lineRule(l)
	out := Line{Rule: r.Name, Title: r.Title, Kind: lineKind(r), Period: ev.cal.label(ev.p.c.Settlement, int(l.period)),
		Key: string(ev.appendFullKey(nil, l)), Amount: ev.lineAmount(l), rule: r, scope: rs, inst: int(l.inst)}
	if r.HasLines() && r.Instalments == 0 {
		out.Source = ev.sourceOf(rs, int(l.inst))
	}
	out.Person = ev.personOf(rs, int(l.inst))
	out.Parts = ev.lineParts(l)
	if !ev.p.noInputs {
		out.Inputs = ev.inputs(&out)
	}
	return out
}

// personOf returns the person of instance i of scope s, or "" when it is
// not one person's.
func (ev *evaluation) personOf(s scopeRef, i int) string {
	switch s.kind {
	case compiler.RecordScope:
		if p := ev.recs[s.schema][i].person; p >= 0 {
			return ev.persons[p]
		}
	case compiler.PersonScope:
		return ev.persons[i]
	case compiler.GroupScope:
		return ev.groupPerson(s.group, i)
	}
	return ""
}

// sourceOf returns where instance i of scope s was read, for a record, or
// "".
func (ev *evaluation) sourceOf(s scopeRef, i int) string {
	if s.kind != compiler.RecordScope {
		return ""
	}
	return source(ev.recs[s.schema][i].rec)
}
