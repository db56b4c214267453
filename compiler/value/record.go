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
// The field holding the record's CEL object type is called Schema rather
// than Type because Type is the ref.Val method that returns it.
type Record struct {
	// Schema is the CEL object type of the record, such as the type named
	// "review".
	Schema *types.Type
	// Fields holds the field values in schema order. An element is nil when
	// an optional field is missing; a list field holds a CEL list value.
	Fields []ref.Val
	// File is the data file the record was read from.
	File string
	// Row is the record's row in File, as the reader counts rows.
	Row int
	// Parent is the record this one is nested in, or nil.
	Parent *Record
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
		return r.Schema
	case r.Schema != nil && typeVal.TypeName() == r.Schema.TypeName():
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

// Type implements ref.Val and returns Schema.
func (r *Record) Type() ref.Type {
	return r.Schema
}

// Value implements ref.Val and returns the record itself, which is what a
// provider's FieldType.GetFrom receives.
func (r *Record) Value() any {
	return r
}

// String describes the record by type, file and row, for messages.
func (r *Record) String() string {
	if r.File == "" {
		return fmt.Sprintf("%s record", r.typeName())
	}
	return fmt.Sprintf("%s record at %s row %d", r.typeName(), r.File, r.Row)
}

func (r *Record) typeName() string {
	if r.Schema == nil {
		return "untyped"
	}
	return r.Schema.TypeName()
}
