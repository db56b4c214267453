package runtime

import (
	"fmt"
	"slices"
	"strings"

	"cel.dev/cel-go/common/types"

	"github.com/occ-lang/occ/compiler"
)

// A group (compiler.Group) has one instance for each combination of its
// fields' values among the records: `per person, outcome` runs once for
// each person and outcome that some record has. A record belongs to the
// instance of its values, each read from the record or the nearest record
// it is nested in; a record with a blank value belongs to none. The
// statement's evaluation numbers the instances in the order of their
// values, so that output does not depend on input order, and its as-of
// evaluations keep those numbers.

// groupIndex holds the instances of one group in an evaluation.
type groupIndex struct {
	g *compiler.Group
	// values holds each instance's field values, in order, and byKey each
	// instance's number by its values joined with "\x00".
	values [][]string
	byKey  map[string]int32
	// of holds, for each schema whose records lie in the group, each
	// record's instance, or -1.
	of map[*compiler.Schema][]int32
	// first and last are each instance's first and last month with a
	// record.
	first, last []int
}

// indexGroups numbers the instances of each of the contract's groups for
// the statement's evaluation.
func (ev *evaluation) indexGroups() {
	c := ev.p.c
	if len(c.Groups) == 0 {
		return
	}
	ev.groups = map[*compiler.Group]*groupIndex{}
	for _, g := range c.Groups {
		keys := map[*compiler.Schema][]string{}
		for _, s := range c.Schemas {
			fields, up, ok := g.Resolve(s)
			if !ok {
				continue
			}
			ks := make([]string, len(ev.recs[s]))
			for j := range ev.recs[s] {
				ks[j] = ev.groupKey(s, j, fields, up)
			}
			keys[s] = ks
		}
		gi := &groupIndex{g: g, byKey: map[string]int32{}, of: map[*compiler.Schema][]int32{}}
		var all []string
		for _, ks := range keys {
			for _, k := range ks {
				if _, seen := gi.byKey[k]; !seen && k != "" {
					gi.byKey[k] = -1
					all = append(all, k)
				}
			}
		}
		slices.Sort(all)
		for i, k := range all {
			gi.byKey[k] = int32(i)
			gi.values = append(gi.values, strings.Split(k[1:], "\x00"))
		}
		for s, ks := range keys {
			of := make([]int32, len(ks))
			for j, k := range ks {
				of[j] = -1
				if k != "" {
					of[j] = gi.byKey[k]
				}
			}
			gi.of[s] = of
		}
		gi.noteMonths(ev)
		ev.groups[g] = gi
	}
}

// childGroups gives as-of evaluation ch the groups of the statement's
// evaluation root, with root's numbers: each record ch keeps (kept maps a
// record's index in root to its index in ch, or -1) is in the instance it
// is in in root.
func (ch *evaluation) childGroups(root *evaluation, kept map[*compiler.Schema][]int32) {
	if root.groups == nil {
		return
	}
	ch.groups = map[*compiler.Group]*groupIndex{}
	for g, rg := range root.groups {
		gi := &groupIndex{g: g, values: rg.values, byKey: rg.byKey, of: map[*compiler.Schema][]int32{}}
		for s, rof := range rg.of {
			of := make([]int32, len(ch.recs[s]))
			for j, k := range kept[s] {
				if k >= 0 {
					of[k] = rof[j]
				}
			}
			gi.of[s] = of
		}
		gi.noteMonths(ch)
		ch.groups[g] = gi
	}
}

// noteMonths sets each instance's first and last month with a record of
// evaluation ev.
func (gi *groupIndex) noteMonths(ev *evaluation) {
	n := len(gi.values)
	gi.first, gi.last = make([]int, n), make([]int, n)
	for i := range n {
		gi.first[i], gi.last[i] = -1, -1
	}
	for s, of := range gi.of {
		for j, inst := range of {
			if inst < 0 {
				continue
			}
			m := int(ev.recs[s][j].month)
			if gi.first[inst] < 0 || m < gi.first[inst] {
				gi.first[inst] = m
			}
			gi.last[inst] = max(gi.last[inst], m)
		}
	}
}

// groupKey returns the key of record j of schema s in a group whose fields
// s reaches as fields, up parents up: "\x00" before each value, or "" when
// a value is blank.
func (ev *evaluation) groupKey(s *compiler.Schema, j int, fields []*compiler.Field, up []int) string {
	var b strings.Builder
	for k, f := range fields {
		sc, i := s, j
		for range up[k] {
			i = ev.parentOf(sc, i)
			sc = sc.Parent
		}
		v, ok := ev.recs[sc][i].rec.Field(f.Index).(types.String)
		if !ok || v == "" {
			return ""
		}
		b.WriteByte(0)
		b.WriteString(string(v))
	}
	return b.String()
}

// groupOf returns the instance of group g record i of schema s belongs
// to, or -1.
func (ev *evaluation) groupOf(g *compiler.Group, s *compiler.Schema, i int) int {
	gi := ev.groups[g]
	if gi == nil {
		return -1
	}
	of, ok := gi.of[s]
	if !ok || i < 0 || i >= len(of) {
		return -1
	}
	return int(of[i])
}

// appendGroupName appends the name of instance i of group g: its values,
// escaped, joined with "/".
func (ev *evaluation) appendGroupName(b []byte, g *compiler.Group, i int) []byte {
	for k, v := range ev.groups[g].values[i] {
		if k > 0 {
			b = append(b, '/')
		}
		b = appendEscaped(b, v)
	}
	return b
}

// groupPerson returns the person of instance i of group g, when person is
// one of its fields, or "".
func (ev *evaluation) groupPerson(g *compiler.Group, i int) string {
	if k := slices.Index(g.Fields, "person"); k >= 0 {
		return ev.groups[g].values[i][k]
	}
	return ""
}

// groupIn returns the instance of scope to, a person or a group with some
// of g's fields, holding instance i of group g, or -1.
func (ev *evaluation) groupIn(g *compiler.Group, i int, to scopeRef) int {
	vals := ev.groups[g].values[i]
	switch to.kind {
	case compiler.PersonScope:
		k := slices.Index(g.Fields, "person")
		if k < 0 {
			return -1
		}
		if j, ok := slices.BinarySearch(ev.persons, vals[k]); ok {
			return j
		}
	case compiler.GroupScope:
		var b strings.Builder
		for _, f := range to.group.Fields {
			k := slices.Index(g.Fields, f)
			if k < 0 {
				return -1
			}
			b.WriteByte(0)
			b.WriteString(vals[k])
		}
		if j, ok := ev.groups[to.group].byKey[b.String()]; ok {
			return int(j)
		}
	}
	return -1
}

// blankFields returns the fields of group g that record i of schema s has
// blank, which keep it out of every instance.
func (ev *evaluation) blankFields(g *compiler.Group, s *compiler.Schema, i int) []string {
	fields, up, ok := g.Resolve(s)
	if !ok {
		return g.Fields
	}
	var out []string
	for k, f := range fields {
		if ev.groupKey(s, i, fields[k:k+1], up[k:k+1]) == "" {
			out = append(out, f.Name)
		}
	}
	return out
}

// groupNotes says, for each group some rule runs per, how many records of
// the statement's periods belong to none of its instances because a field
// of the group is blank: they count in no instance of those rules.
func (ev *evaluation) groupNotes(per period) []string {
	var out []string
	seen := map[*compiler.Group]bool{}
	for _, r := range ev.p.c.Rules {
		g := r.Scope.Group
		if r.Scope.Kind != compiler.GroupScope || seen[g] {
			continue
		}
		seen[g] = true
		for _, s := range ev.p.c.Schemas {
			of, ok := ev.groups[g].of[s]
			if !ok {
				continue
			}
			n := 0
			for j, inst := range of {
				if p := ev.cal.fromMonth(int(ev.recs[s][j].month), ev.p.c.Settlement); inst < 0 && p >= per.first && p <= per.last {
					n++
				}
			}
			if n > 0 {
				out = append(out, fmt.Sprintf("%d %s %s a blank %s, and so no part in the rules per %s", n, s.Name, recordsWord(n, "has", "have"),
					strings.Join(g.Fields, " or "), g))
			}
		}
	}
	return out
}

// recordsWord returns "record has" for one, "records have" otherwise.
func recordsWord(n int, one, many string) string {
	if n == 1 {
		return "record " + one
	}
	return "records " + many
}
