package value

import (
	"fmt"
	"reflect"
	"unsafe"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// Record is one data record of a contract's schema, such as a row of a
// review file. The compiler's CEL type provider reads its fields by
// position, and rules are evaluated over it.
//
// A record is kept small, for data of millions of records: what the
// records of one file share, their type and the file's name, is held once
// in their Origin.
type Record struct {
	// Origin holds the record's type and file, and how many fields the
	// records of its schema have.
	Origin *Origin
	// fields points at the first of the record's Origin.nf field values,
	// which Fields returns as a slice. A pointer and a count kept once per
	// Origin, rather than a slice header per record, make a record 32
	// bytes instead of 48: 56 MB less for 1M reviews and 2.5M goals.
	fields *ref.Val
	// Row is the record's row in its file, as the reader counts rows.
	Row int
	// Parent is the record this one is nested in, or nil.
	Parent *Record
}

// NewRecord returns a record of origin o holding the field values fields
// (which it keeps, not copies), at row row of o's file, nested in parent
// (or nil). Every record of one Origin has the same number of fields.
func NewRecord(o *Origin, fields []ref.Val, row int, parent *Record) *Record {
	r := &Record{Origin: o, Row: row, Parent: parent}
	r.setFields(fields)
	return r
}

// setFields makes fields the record's field values.
func (r *Record) setFields(fields []ref.Val) {
	if r.Origin == nil {
		panic("value: a record with fields needs an Origin")
	}
	if len(fields) == 0 {
		r.fields = nil
		return
	}
	r.Origin.setFieldCount(len(fields))
	r.fields = &fields[0]
}

// Copy returns a copy of the record with field values of its own, which
// can then be set without changing r.
func (r *Record) Copy() *Record {
	cp := *r
	if r.fields != nil {
		cp.setFields(append([]ref.Val(nil), r.Fields()...))
	}
	return &cp
}

// Fields returns the field values in schema order. An element is nil when
// an optional field is missing; a list field holds a CEL list value.
// Setting an element sets the record's field.
func (r *Record) Fields() []ref.Val {
	if r.fields == nil {
		return nil
	}
	return unsafe.Slice(r.fields, r.Origin.nf)
}

// Origin is what the records of one schema read from one file share.
type Origin struct {
	// Schema is the CEL object type of the records, such as the type
	// named "review".
	Schema *types.Type
	// File is the data file the records were read from, or "" for records
	// made in memory.
	File string
	// nf is how many fields the records have, set by the first record
	// made with fields: the records of one Origin are made by one
	// goroutine (a loader, a forecast worker), or after its first record.
	nf int
}

// setFieldCount records that the records of o have n fields; one Origin
// is never shared by records of different sizes.
func (o *Origin) setFieldCount(n int) {
	switch o.nf {
	case n:
	case 0:
		o.nf = n
	default:
		panic(fmt.Sprintf("value: records of one Origin with %d and %d fields", o.nf, n))
	}
}

// Schema returns the record's CEL object type, or nil when it has none.
func (r *Record) Schema() *types.Type {
	if r.Origin == nil {
		return nil
	}
	return r.Origin.Schema
}

// File returns the data file the record was read from, or "".
func (r *Record) File() string {
	if r.Origin == nil {
		return ""
	}
	return r.Origin.File
}

// recordPtrType is the reflect type of *Record.
var recordPtrType = reflect.TypeFor[*Record]()

// ConvertToNative implements ref.Val. A record converts only to *Record (or
// any), returning itself.
func (r *Record) ConvertToNative(typeDesc reflect.Type) (any, error) {
	if typeDesc == recordPtrType || typeDesc == reflect.TypeFor[any]() {
		return r, nil
	}
	return nil, fmt.Errorf("type conversion error from %s record to %v", r.typeName(), typeDesc)
}

// ConvertToType implements ref.Val. A record converts to its own type and
// to its type's type.
func (r *Record) ConvertToType(typeVal ref.Type) ref.Val {
	switch {
	case typeVal == types.TypeType:
		return r.Schema()
	case r.Schema() != nil && typeVal.TypeName() == r.Schema().TypeName():
		return r
	}
	return types.NewErr("type conversion error from %s record to %s", r.typeName(), typeVal.TypeName())
}

// Equal implements ref.Val. Records are equal only to themselves: two
// records with the same field values are still different records.
func (r *Record) Equal(other ref.Val) ref.Val {
	o, ok := other.(*Record)
	return types.Bool(ok && o == r)
}

// Type implements ref.Val and returns the record's schema type.
func (r *Record) Type() ref.Type {
	return r.Schema()
}

// Value implements ref.Val and returns the record itself, which is what a
// provider's FieldType.GetFrom receives.
func (r *Record) Value() any {
	return r
}

// String describes the record by type, file and row, for messages.
func (r *Record) String() string {
	if r.File() == "" {
		return fmt.Sprintf("%s record", r.typeName())
	}
	return fmt.Sprintf("%s record at %s row %d", r.typeName(), r.File(), r.Row)
}

func (r *Record) typeName() string {
	if r.Schema() == nil {
		return "untyped"
	}
	return r.Schema().TypeName()
}

// RecordBlocks hands out records, and their field slices, from larger
// blocks: data of millions of records then costs a few large allocations
// rather than two each. The zero value is ready to use; it is not safe for
// concurrent use.
type RecordBlocks struct {
	recs []Record
	vals []ref.Val
}

// blockRecords is how many records a block holds.
const blockRecords = 1024

// New returns a record of origin o with nf fields, all nil.
func (b *RecordBlocks) New(o *Origin, nf int) *Record {
	if len(b.recs) == 0 {
		b.recs = make([]Record, blockRecords)
	}
	if len(b.vals) < nf {
		b.vals = make([]ref.Val, blockRecords*max(nf, 4))
	}
	r := &b.recs[0]
	b.recs = b.recs[1:]
	r.Origin = o
	if nf > 0 {
		r.setFields(b.vals[:nf:nf])
	}
	b.vals = b.vals[nf:]
	return r
}
