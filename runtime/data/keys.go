package data

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
)

// keyIndex finds records by the hash of their full key. Different keys
// with the same hash are kept apart in more.
type keyIndex struct {
	m    map[uint64]int32
	more map[uint64][]int32
}

func newKeyIndex() *keyIndex {
	return &keyIndex{m: map[uint64]int32{}, more: map[uint64][]int32{}}
}

func (x *keyIndex) find(h uint64, match func(int32) bool) int32 {
	if i, ok := x.m[h]; ok && match(i) {
		return i
	}
	for _, i := range x.more[h] {
		if match(i) {
			return i
		}
	}
	return -1
}

func (x *keyIndex) add(h uint64, i int32) {
	if _, ok := x.m[h]; !ok {
		x.m[h] = i
		return
	}
	x.more[h] = append(x.more[h], i)
}

// keyVals appends r's full key, root first: its ancestors' keys, then its
// own.
func (l *loader) keyVals(s *compiler.Schema, r *value.Record, dst []ref.Val) []ref.Val {
	if s.Parent != nil {
		if r.Parent == nil {
			for range l.infos[s].anc {
				dst = append(dst, nil)
			}
		} else {
			dst = l.keyVals(s.Parent, r.Parent, dst)
		}
	}
	for _, k := range s.Keys {
		dst = append(dst, r.Field(k.Index))
	}
	return dst
}

func complete(vals []ref.Val) bool {
	for _, v := range vals {
		if v == nil {
			return false
		}
	}
	return true
}

func (l *loader) hashVals(vals []ref.Val) uint64 {
	b := l.keyBuf[:0]
	for _, v := range vals {
		b = appendKey(b, v)
	}
	l.keyBuf = b
	return maphash.Bytes(l.seed, b)
}

// appendKey appends a canonical encoding of v: values equal as values
// (dates as dates, 1.50 and 1.5 as numbers) encode alike.
func appendKey(b []byte, v ref.Val) []byte {
	switch x := v.(type) {
	case types.String:
		b = append(b, 's')
		b = binary.AppendUvarint(b, uint64(len(x)))
		b = append(b, x...)
	case types.Int:
		b = append(b, 'i')
		b = binary.LittleEndian.AppendUint64(b, uint64(x))
	case types.Bool:
		if x {
			b = append(b, 't')
		} else {
			b = append(b, 'f')
		}
	case value.Date:
		b = append(b, 'd')
		b = binary.LittleEndian.AppendUint64(b, uint64(x.Sub(value.Date{})))
	case value.Decimal:
		b = append(b, 'n')
		b = appendCanonical(b, x)
		b = append(b, 0)
	case value.Money:
		b = append(b, 'm')
		b = appendCanonical(b, x.Decimal())
		b = append(b, 0)
	default:
		b = append(b, 0)
	}
	return b
}

func appendCanonical(b []byte, d value.Decimal) []byte {
	s := d.String()
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return append(b, s...)
}

func equalVal(a, b ref.Val) bool {
	switch x := a.(type) {
	case types.String:
		y, ok := b.(types.String)
		return ok && x == y
	case types.Int:
		y, ok := b.(types.Int)
		return ok && x == y
	case types.Bool:
		y, ok := b.(types.Bool)
		return ok && x == y
	case value.Date:
		y, ok := b.(value.Date)
		return ok && x == y
	case value.Decimal:
		y, ok := b.(value.Decimal)
		return ok && x.Cmp(y) == 0
	case value.Money:
		y, ok := b.(value.Money)
		return ok && x.Cmp(y) == 0
	case nil:
		return b == nil
	}
	return false
}

func equalVals(a, b []ref.Val) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalVal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// describeKey writes key values with their names: "person P1 and month
// 2026-05-01".
func describeKey(names []string, vals []ref.Val) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = names[i] + " " + showVal(v)
	}
	return words.And(parts)
}

func showVal(v ref.Val) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case types.String:
		return string(x)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v.Value())
}

// fullKeyNames names the fields of s's full key.
func (l *loader) fullKeyNames(s *compiler.Schema) []string {
	var names []string
	for _, a := range l.infos[s].anc {
		names = append(names, a.f.Name)
	}
	for _, k := range s.Keys {
		names = append(names, k.Name)
	}
	return names
}

// describeRecord names a record for messages: "the review with person P1
// and month 2026-05-01", or by its place when its schema has no keys.
func (l *loader) describeRecord(s *compiler.Schema, r *value.Record) string {
	if len(s.Keys) > 0 {
		vals := l.keyVals(s, r, nil)
		return fmt.Sprintf("the %s with %s", s.Name, describeKey(l.fullKeyNames(s), vals))
	}
	return fmt.Sprintf("the %s on %s %d of %s", s.Name, l.unitOf(r), r.Row, r.File())
}

func (l *loader) unitOf(r *value.Record) string {
	return l.files[l.fileIdx[r.File()]].unit
}

// where says where an earlier record is, relative to file fs.
func (l *loader) where(fs *fileState, r *value.Record) string {
	unit := l.unitOf(r)
	if r.File() == fs.name {
		return fmt.Sprintf("%s %d", unit, r.Row)
	}
	return fmt.Sprintf("%s %s %d", r.File(), unit, r.Row)
}
