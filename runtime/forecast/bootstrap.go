package forecast

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime/data"
)

// Bootstrap resamples a provider's historical data: each run draws as many
// people as the data has, with replacement, and takes every record of each
// person drawn (with their nested records) under a new name, so a person
// drawn twice counts as two people. Data without a person field is
// resampled record by record instead: as many records as there are, with
// replacement. Dates are kept, so each run covers the same months as the
// data.
type Bootstrap struct {
	// Files describes the data resampled.
	Files []data.FileInfo

	c       *compiler.Contract
	cal     *calendar
	persons []string
	groups  [][]personRec // by person, in the order of persons
	loose   map[*compiler.Schema][]*value.Record
	// refs holds reference data, which every resample keeps whole: it is
	// looked up, not drawn.
	refs  map[string][]*value.Record
	first int
	last  int
}

type personRec struct {
	s     *compiler.Schema
	rec   *value.Record
	month int
}

// NewBootstrap prepares the resampling of validated data.
func NewBootstrap(c *compiler.Contract, d *data.Set) (*Bootstrap, error) {
	cal, err := newCalendar(c)
	if err != nil {
		return nil, err
	}
	b := &Bootstrap{Files: d.Files, c: c, cal: cal, loose: map[*compiler.Schema][]*value.Record{}, refs: map[string][]*value.Record{}, first: -1, last: -1}
	idx := map[string]int{}
	for _, s := range c.TopSchemas() {
		if s.Reference {
			b.refs[s.Name] = d.Records[s.Name]
			continue
		}
		for _, r := range d.Records[s.Name] {
			m := -1
			if dt, ok := r.Field(s.PeriodField.Index).(value.Date); ok {
				m = cal.monthOf(dt)
			}
			if m < 0 {
				continue // outside the term: it would only be excluded
			}
			if b.first < 0 || m < b.first {
				b.first = m
			}
			b.last = max(b.last, m)
			if s.PersonField == nil {
				b.loose[s] = append(b.loose[s], r)
				continue
			}
			name, _ := r.Field(s.PersonField.Index).(types.String)
			i, ok := idx[string(name)]
			if !ok {
				i = len(b.persons)
				idx[string(name)] = i
				b.persons = append(b.persons, string(name))
				b.groups = append(b.groups, nil)
			}
			b.groups[i] = append(b.groups[i], personRec{s: s, rec: r, month: m})
		}
	}
	if b.first < 0 {
		return nil, fmt.Errorf("the data has no records in the term %s .. %s to resample", c.TermFrom, c.TermTo)
	}
	// Order people by name so the resampling does not depend on file order.
	order := make([]int, len(b.persons))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return b.persons[order[i]] < b.persons[order[j]] })
	persons := make([]string, len(order))
	groups := make([][]personRec, len(order))
	for k, i := range order {
		persons[k], groups[k] = b.persons[i], b.groups[i]
	}
	b.persons, b.groups = persons, groups
	return b, nil
}

// People returns how many people the data holds.
func (b *Bootstrap) People() int { return len(b.persons) }

func (b *Bootstrap) span() (int, int) { return b.first, b.last }

// dataset draws one resample, keeping records up to lastMonth. Its draws
// depend on nothing a sweep can change (only params can be swept over
// resampled data), so run run draws the same people at every step.
func (b *Bootstrap) dataset(seed, run uint64, lastMonth int) (*data.Set, error) {
	r := rand.New(rand.NewPCG(seed, run))
	d := &data.Set{Records: map[string][]*value.Record{}}
	for k := range b.persons {
		j := r.IntN(len(b.persons))
		var name ref.Val = types.String(fmt.Sprintf("%s~%d", b.persons[j], k+1))
		for _, pr := range b.groups[j] {
			if pr.month > lastMonth {
				continue
			}
			cp := pr.rec.Copy()
			if err := cp.SetField(pr.s.PersonField.Index, name); err != nil {
				return nil, err
			}
			d.Records[pr.s.Name] = append(d.Records[pr.s.Name], cp)
		}
	}
	for name, recs := range b.refs {
		d.Records[name] = recs
	}
	for _, s := range b.c.TopSchemas() {
		recs := b.loose[s]
		for range recs {
			rec := recs[r.IntN(len(recs))]
			if dt, ok := rec.Field(s.PeriodField.Index).(value.Date); ok && b.cal.monthOf(dt) > lastMonth {
				continue
			}
			d.Records[s.Name] = append(d.Records[s.Name], rec)
		}
	}
	return d, nil
}
