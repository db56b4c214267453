package value

import (
	"fmt"
	"reflect"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// RecordList is the CEL list of the records nested in a record, such as a
// review's goals. It behaves exactly as a list made by types.NewRefValList
// over the records, but is smaller: data of a million records holds a
// million of these, allocated in blocks (see RecordLists), each holding
// pointers rather than CEL values.
type RecordList struct {
	Records []*Record
}

// RecordLists returns n empty lists allocated together.
func RecordLists(n int) []RecordList { return make([]RecordList, n) }

var _ traits.Lister = (*RecordList)(nil)

// list returns the equivalent CEL list, for the operations that are not
// on a rule's hot path.
func (l *RecordList) list() traits.Lister {
	return types.NewRefValList(types.DefaultTypeAdapter, l.vals())
}

// vals returns the records as CEL values.
func (l *RecordList) vals() []ref.Val {
	vs := make([]ref.Val, len(l.Records))
	for i, r := range l.Records {
		vs[i] = r
	}
	return vs
}

// Get implements traits.Indexer.
func (l *RecordList) Get(index ref.Val) ref.Val {
	if i, ok := index.(types.Int); ok && i >= 0 && int64(i) < int64(len(l.Records)) {
		return l.Records[i]
	}
	return l.list().Get(index)
}

// Size implements traits.Sizer.
func (l *RecordList) Size() ref.Val { return types.Int(len(l.Records)) }

// Iterator implements traits.Iterable.
func (l *RecordList) Iterator() traits.Iterator { return &recordListIterator{recs: l.Records} }

// Fold implements traits.Foldable, which comprehensions use.
func (l *RecordList) Fold(f traits.Folder) {
	for i, r := range l.Records {
		if !f.FoldEntry(i, r) {
			break
		}
	}
}

// IsZeroValue reports whether the list is empty.
func (l *RecordList) IsZeroValue() bool { return len(l.Records) == 0 }

// AggregateSize implements types.AggregateSizeVisitor, as the list made by
// types.NewRefValList does.
func (l *RecordList) AggregateSize(sizer types.AggregateSizer) uint32 {
	if v, ok := l.list().(interface {
		AggregateSize(types.AggregateSizer) uint32
	}); ok {
		return v.AggregateSize(sizer)
	}
	return uint32(len(l.Records))
}

// String formats the list as the list made by types.NewRefValList does.
func (l *RecordList) String() string { return fmt.Sprint(l.list()) }

// Add implements traits.Adder.
func (l *RecordList) Add(other ref.Val) ref.Val { return l.list().Add(other) }

// Contains implements traits.Container.
func (l *RecordList) Contains(v ref.Val) ref.Val { return l.list().Contains(v) }

// ConvertToNative implements ref.Val.
func (l *RecordList) ConvertToNative(t reflect.Type) (any, error) { return l.list().ConvertToNative(t) }

// ConvertToType implements ref.Val.
func (l *RecordList) ConvertToType(t ref.Type) ref.Val { return l.list().ConvertToType(t) }

// Equal implements ref.Val.
func (l *RecordList) Equal(other ref.Val) ref.Val { return l.list().Equal(other) }

// Type implements ref.Val.
func (l *RecordList) Type() ref.Type { return types.ListType }

// Value implements ref.Val.
func (l *RecordList) Value() any { return l.vals() }

type recordListIterator struct {
	recs []*Record
	i    int
}

func (it *recordListIterator) HasNext() ref.Val { return types.Bool(it.i < len(it.recs)) }

func (it *recordListIterator) Next() ref.Val {
	if it.i >= len(it.recs) {
		return nil
	}
	r := it.recs[it.i]
	it.i++
	return r
}

func (it *recordListIterator) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("iterator cannot be converted to %v", t)
}

func (it *recordListIterator) ConvertToType(ref.Type) ref.Val {
	return types.NewErr("iterator cannot be converted")
}

func (it *recordListIterator) Equal(ref.Val) ref.Val {
	return types.NewErr("iterators cannot be compared")
}

func (it *recordListIterator) Type() ref.Type { return types.IteratorType }

func (it *recordListIterator) Value() any { return nil }
