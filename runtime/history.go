package runtime

import (
	"sort"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// personIndex holds each person's records of one top-level schema, sorted
// by date and then data order, made once per evaluation: history(D) and
// earlier(D) take a sub-slice of one person's records, with no copying.
type personIndex struct {
	recs  [][]ref.Val    // by person
	idx   [][]int32      // each record's index in the schema's records
	dates [][]value.Date // each record's period date
}

// personIndexOf returns the person index of schema s, making it first.
func (ev *evaluation) personIndexOf(s *compiler.Schema) *personIndex {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if pi := ev.hist[s]; pi != nil {
		return pi
	}
	n := len(ev.persons)
	pi := &personIndex{recs: make([][]ref.Val, n), idx: make([][]int32, n), dates: make([][]value.Date, n)}
	for j, ri := range ev.recs[s] {
		if p := ri.person; p >= 0 {
			pi.idx[p] = append(pi.idx[p], int32(j))
		}
	}
	for p, is := range pi.idx {
		ds := make([]value.Date, len(is))
		for k, j := range is {
			ds[k] = dateOf(ev.recs[s][j].rec, s.PeriodField)
		}
		sort.Stable(byDate{is, ds})
		rs := make([]ref.Val, len(is))
		for k, j := range is {
			rs[k] = ev.recs[s][j].rec
		}
		pi.recs[p], pi.dates[p] = rs, ds
	}
	if ev.hist == nil {
		ev.hist = map[*compiler.Schema]*personIndex{}
	}
	ev.hist[s] = pi
	return pi
}

// byDate sorts a person's records by date, keeping data order.
type byDate struct {
	idx   []int32
	dates []value.Date
}

func (b byDate) Len() int           { return len(b.idx) }
func (b byDate) Less(i, j int) bool { return b.dates[i].Before(b.dates[j]) }
func (b byDate) Swap(i, j int) {
	b.idx[i], b.idx[j] = b.idx[j], b.idx[i]
	b.dates[i], b.dates[j] = b.dates[j], b.dates[i]
}

// history answers the variable name, compiler.HistoryPrefix or
// compiler.EarlierPrefix and a data name D, for activation a, whose rule
// runs for each record: the same person's records of D dated up to this
// record's date (history) or before it (earlier), for an aggregate to
// range over. Records of D dated the same day as this record count as
// earlier when they come before it in the data, and, for history, when
// they are it.
func (ev *evaluation) history(a *activation, name string) (ref.Val, bool) {
	earlier := strings.HasPrefix(name, compiler.EarlierPrefix)
	d := ev.p.c.Schema(strings.TrimPrefix(strings.TrimPrefix(name, compiler.EarlierPrefix), compiler.HistoryPrefix))
	days, wd, within := compiler.ParseWithin(name)
	if within {
		earlier, d = true, ev.p.c.Schema(wd)
	}
	if d == nil || a.rs.scope.kind != compiler.RecordScope {
		return nil, false
	}
	s, i := a.rs.scope.schema, a.inst
	for s.Parent != nil {
		i = ev.parentOf(s, i)
		s = s.Parent
	}
	ri := ev.recs[s][i]
	empty := &recordList{Lister: types.NewRefValList(types.DefaultTypeAdapter, nil).(traits.Lister), act: a, schema: d}
	if ri.person < 0 || s.PeriodField == nil {
		return empty, true
	}
	pi := ev.personIndexOf(d)
	p := ri.person
	date := dateOf(ri.rec, s.PeriodField)
	idx, dates := pi.idx[p], pi.dates[p]
	// The records included are a prefix of the person's sorted records.
	hi := sort.Search(len(idx), func(k int) bool {
		switch c := dates[k].Cmp(date); {
		case c < 0:
			return false
		case c > 0:
			return true
		}
		if d != s {
			return earlier // the same day counts in history, not as earlier
		}
		if earlier {
			return int(idx[k]) >= i
		}
		return int(idx[k]) > i
	})
	lo := 0
	if within {
		// Earlier records dated on or after the day days before this one.
		from := date.AddDays(-days)
		lo = sort.Search(hi, func(k int) bool { return !dates[k].Before(from) })
	}
	list := types.NewRefValList(types.DefaultTypeAdapter, pi.recs[p][lo:hi:hi]).(traits.Lister)
	return &recordList{Lister: list, act: a, schema: d, idx: idx[lo:hi:hi]}, true
}

// isHistory reports whether name is a history variable.
func isHistory(name string) bool {
	return strings.HasPrefix(name, compiler.HistoryPrefix) || strings.HasPrefix(name, compiler.EarlierPrefix) ||
		strings.HasPrefix(name, compiler.WithinPrefix)
}
