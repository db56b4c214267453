package value

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// ErrMissingKey is the error (by errors.Is) of reading a table at a key it
// has no entry for and no default: a table param such as job_fee["esa"],
// or reference data such as care_package["P9"]. It is never read as zero.
var ErrMissingKey = errors.New("missing key")

// MissingKeyError says which table was read at which key.
type MissingKeyError struct {
	// Table names what was read: "param job_fee" or "data care_package".
	Table string
	// Key is the key as a value shows it: "esa" quoted, 7 bare.
	Key string
	// KeyName is the key field of reference data ("code"), or "" for a
	// table param.
	KeyName string
}

// Error names the table and the key.
func (e *MissingKeyError) Error() string {
	if e.KeyName != "" {
		return fmt.Sprintf("%s has no record with %s %s", e.Table, e.KeyName, e.Key)
	}
	return fmt.Sprintf("%s has no entry for key %s, and no default", e.Table, e.Key)
}

// Is makes errors.Is(err, ErrMissingKey) true.
func (e *MissingKeyError) Is(target error) bool { return target == ErrMissingKey }

// Table is a map from keys to values that CEL reads as a map: the value
// of a table param (money by payment group) or of reference data (records
// by their key). t[k] is the entry at k, or the default when there is
// one, and otherwise an error naming the table and the key (see
// MissingKeyError); `k in t` is true only for a key the table lists. A
// table is not changed once made: With returns a changed copy.
type Table struct {
	name    string
	keyName string
	typ     *types.Type
	keys    []ref.Val
	entries map[ref.Val]ref.Val
	def     ref.Val
}

// NewTable returns an empty table of CEL type typ (a map type), named
// name in messages.
func NewTable(name string, typ *types.Type) *Table {
	return &Table{name: name, typ: typ, entries: map[ref.Val]ref.Val{}}
}

// NewRecordTable returns an empty table of records of reference data, of
// CEL type typ, named name in messages and looked up by the field keyName.
func NewRecordTable(name, keyName string, typ *types.Type) *Table {
	t := NewTable(name, typ)
	t.keyName = keyName
	return t
}

// Set adds or replaces the entry at key; a new key goes last. It is for
// building a table, before anything reads it.
func (t *Table) Set(key, v ref.Val) {
	if _, ok := t.entries[key]; !ok {
		t.keys = append(t.keys, key)
	}
	t.entries[key] = v
}

// SetDefault sets the value of every key the table does not list.
func (t *Table) SetDefault(v ref.Val) { t.def = v }

// With returns a copy of the table with the entry at key (or, for key
// nil, the default) set to v.
func (t *Table) With(key, v ref.Val) *Table {
	c := &Table{name: t.name, keyName: t.keyName, typ: t.typ, keys: append([]ref.Val(nil), t.keys...), entries: make(map[ref.Val]ref.Val, len(t.entries)), def: t.def}
	for k, x := range t.entries {
		c.entries[k] = x
	}
	if key == nil {
		c.def = v
	} else {
		c.Set(key, v)
	}
	return c
}

// Name returns what the table is called in messages.
func (t *Table) Name() string { return t.name }

// Keys returns the listed keys in the order they were set.
func (t *Table) Keys() []ref.Val { return t.keys }

// Entry returns the value listed at key, not the default.
func (t *Table) Entry(key ref.Val) (ref.Val, bool) {
	v, ok := t.entries[key]
	return v, ok
}

// Default returns the default, or nil when the table has none.
func (t *Table) Default() ref.Val { return t.def }

// Len returns the number of listed keys.
func (t *Table) Len() int { return len(t.keys) }

// Find implements traits.Mapper: the entry, else the default, else an
// error value naming the table and the key.
func (t *Table) Find(key ref.Val) (ref.Val, bool) {
	if v, ok := t.entries[key]; ok {
		return v, true
	}
	if types.IsError(key) || types.IsUnknown(key) {
		return key, false
	}
	if t.def != nil {
		return t.def, true
	}
	return types.WrapErr(&MissingKeyError{Table: t.name, Key: keyText(key), KeyName: t.keyName}), false
}

// keyText shows a key in a message: text quoted, anything else as
// Format shows it.
func keyText(k ref.Val) string {
	if s, ok := k.(types.String); ok {
		return fmt.Sprintf("%q", string(s))
	}
	return Format(k, 2)
}

// Get implements traits.Indexer.
func (t *Table) Get(key ref.Val) ref.Val {
	v, _ := t.Find(key)
	return v
}

// Contains implements traits.Container: whether the table lists key (a
// default does not make every key listed).
func (t *Table) Contains(key ref.Val) ref.Val {
	_, ok := t.entries[key]
	return types.Bool(ok)
}

// Size implements traits.Sizer: the number of listed keys.
func (t *Table) Size() ref.Val { return types.Int(len(t.keys)) }

// Iterator implements traits.Iterable, over the listed keys in order.
func (t *Table) Iterator() traits.Iterator { return &tableIter{keys: t.keys} }

// ConvertToNative implements ref.Val: a table converts only to itself.
func (t *Table) ConvertToNative(typeDesc reflect.Type) (any, error) {
	if typeDesc == reflect.TypeFor[*Table]() || typeDesc == reflect.TypeFor[any]() {
		return t, nil
	}
	return nil, fmt.Errorf("type conversion error from %s to %v", t.name, typeDesc)
}

// ConvertToType implements ref.Val.
func (t *Table) ConvertToType(typeVal ref.Type) ref.Val {
	switch typeVal {
	case types.TypeType:
		return types.MapType
	case types.MapType:
		return t
	}
	return types.NewErr("type conversion error from %s to %s", t.name, typeVal.TypeName())
}

// Equal implements ref.Val: a table is equal only to itself.
func (t *Table) Equal(other ref.Val) ref.Val {
	o, ok := other.(*Table)
	return types.Bool(ok && o == t)
}

// Type implements ref.Val.
func (t *Table) Type() ref.Type { return types.MapType }

// Value implements ref.Val and returns the table itself.
func (t *Table) Value() any { return t }

// CELType returns the table's CEL map type, as the compiler declared it.
func (t *Table) CELType() *types.Type { return t.typ }

// tableIter iterates over a table's keys.
type tableIter struct {
	ref.Val
	keys []ref.Val
	i    int
}

func (it *tableIter) HasNext() ref.Val { return types.Bool(it.i < len(it.keys)) }

func (it *tableIter) Next() ref.Val {
	if it.i >= len(it.keys) {
		return nil
	}
	k := it.keys[it.i]
	it.i++
	return k
}

var _ traits.Mapper = (*Table)(nil)

// String lists the table's entries, {key: value, ...}, its default last;
// a table of records is shown by its size alone.
func (t *Table) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range t.keys {
		if i > 0 {
			b.WriteString(", ")
		}
		v := t.entries[k]
		if _, isRec := v.(*Record); isRec {
			return fmt.Sprintf("%s (%d records)", t.name, len(t.keys))
		}
		b.WriteString(Format(k, 2) + ": " + Format(v, 2))
	}
	if t.def != nil {
		b.WriteString(", default: " + Format(t.def, 2))
	}
	b.WriteByte('}')
	return b.String()
}
