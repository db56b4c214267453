package value

import (
	"fmt"
	"reflect"

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
	// Origin holds the record's type and file.
	Origin *Origin
	// Fields holds the field values in schema order. An element is nil when
	// an optional field is missing; a list field holds a CEL list value.
	Fields []ref.Val
	// Row is the record's row in its file, as the reader counts rows.
	Row int
	// Parent is the record this one is nested in, or nil.
	Parent *Record
}

// Origin is what the records of one schema read from one file share.
type Origin struct {
	// Schema is the CEL object type of the records, such as the type
	// named "review".
	Schema *types.Type
	// File is the data file the records were read from, or "" for records
	// made in memory.
	File string
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
	r.Fields = b.vals[:nf:nf]
	b.vals = b.vals[nf:]
	return r
}
