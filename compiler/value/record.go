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
// records of one file share, their type, the file's name and the distinct
// values of each field, is held once in their Origin, and the record holds
// a 4-byte code per field that picks its value from its Origin's table of
// that field (see Origin).
type Record struct {
	// Origin holds the record's type and file, how many fields the
	// records of its schema have and the values their codes stand for.
	Origin *Origin
	// codes points at the first of the record's Origin.nf field codes. A
	// pointer and a count kept once per Origin, rather than a slice header
	// per record, make a record 32 bytes instead of 48; codes rather than
	// CEL values make a field 4 bytes instead of 16, in memory the garbage
	// collector does not scan.
	codes *uint32
	// Row is the record's row in its file, as the reader counts rows.
	Row int
	// Parent is the record this one is nested in, or nil.
	Parent *Record
}

// NewRecord returns a record of origin o with nf fields, all missing, at
// row row of o's file, nested in parent (or nil). Every record of one
// Origin has the same number of fields.
func NewRecord(o *Origin, nf, row int, parent *Record) *Record {
	r := &Record{Origin: o, Row: row, Parent: parent}
	if nf > 0 {
		r.setCodes(make([]uint32, nf))
	}
	return r
}

// setCodes makes codes the record's field codes.
func (r *Record) setCodes(codes []uint32) {
	if r.Origin == nil {
		panic("value: a record with fields needs an Origin")
	}
	r.Origin.setFieldCount(len(codes))
	r.codes = &codes[0]
}

// codeSlice returns the record's field codes in schema order.
func (r *Record) codeSlice() []uint32 {
	if r.codes == nil {
		return nil
	}
	return unsafe.Slice(r.codes, r.Origin.nf)
}

// NumFields returns how many fields the record has: those of its schema,
// or 0 for a record made without fields.
func (r *Record) NumFields() int {
	if r.codes == nil {
		return 0
	}
	return r.Origin.nf
}

// Field returns the value of field i, in schema order, or nil when an
// optional field is missing; a list field holds a CEL list value. It
// panics when i is not below NumFields.
func (r *Record) Field(i int) ref.Val {
	c := r.codeSlice()[i]
	if c == 0 {
		return nil
	}
	return r.Origin.value(i, c)
}

// SetField makes v (nil for missing) the value of field i, in schema
// order; it panics when i is not below NumFields. It fails, leaving the
// field as it was, only when the Origin's table of field i is full (see
// Origin). Only the goroutine that may set the fields of the record's
// Origin may call it (see Origin).
func (r *Record) SetField(i int, v ref.Val) error {
	codes := r.codeSlice()
	_ = codes[i]
	c, err := r.Origin.code(i, v)
	if err != nil {
		return err
	}
	codes[i] = c
	return nil
}

// Copy returns a copy of the record with field values of its own, which
// can then be set without changing r. The copy has an Origin of its own,
// with r's schema and file, which shares the values of r's Origin and
// holds those set on the copy: any one goroutine may set the copy's
// fields while others read r and its Origin's other records.
func (r *Record) Copy() *Record {
	cp := *r
	if r.codes == nil {
		return &cp
	}
	src := r.Origin
	cp.Origin = src.derive()
	codes := make([]uint32, src.nf)
	cp.setCodes(codes)
	for i, c := range r.codeSlice() {
		if !src.owns(c) {
			codes[i] = c
			continue
		}
		// A value set on a copy r was: the new Origin holds it too.
		if err := cp.SetField(i, src.value(i, c)); err != nil {
			panic(err) // a fresh table holds one value at most
		}
	}
	return &cp
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

// RecordBlocks hands out records, and their field codes, from larger
// blocks: data of millions of records then costs a few large allocations
// rather than two each. The zero value is ready to use; it is not safe for
// concurrent use.
type RecordBlocks struct {
	recs  []Record
	codes []uint32
}

// blockRecords is how many records a block holds.
const blockRecords = 1024

// New returns a record of origin o with nf fields, all missing.
func (b *RecordBlocks) New(o *Origin, nf int) *Record {
	if len(b.recs) == 0 {
		b.recs = make([]Record, blockRecords)
	}
	if len(b.codes) < nf {
		b.codes = make([]uint32, blockRecords*max(nf, 4))
	}
	r := &b.recs[0]
	b.recs = b.recs[1:]
	r.Origin = o
	if nf > 0 {
		r.setCodes(b.codes[:nf:nf])
	}
	b.codes = b.codes[nf:]
	return r
}
