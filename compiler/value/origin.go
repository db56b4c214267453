package value

import (
	"fmt"
	"unsafe"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// Origin is what the records of one schema read from one file share: their
// type, the file and, for each field, the table of the values the records'
// codes stand for. Code 0 stands for a missing value; a value set twice,
// in one record or two, is held once, with one code, when it is a plain
// value (text, a number, an amount, a date); other values, such as lists,
// take a code each time they are set. A field's table holds fewer than
// 2^31 values; setting one more fails.
//
// The fields of an Origin's records are set by one goroutine at a time:
// the one that made the Origin (a loader reading a file, a forecast worker
// making a run) until it hands the records on, after which they are only
// read, by any number of goroutines. To change a field of a record others
// may read, set it on a Copy, which has an Origin of its own.
type Origin struct {
	// Schema is the CEL object type of the records, such as the type
	// named "review".
	Schema *types.Type
	// File is the data file the records were read from, or "" for records
	// made in memory.
	File string
	// nf is how many fields the records have, set by the first record
	// made with fields.
	nf int
	// base is the Origin whose values the codes below ownCode stand for,
	// when this one was made by Copy; codes at or above ownCode stand for
	// values set in this one. It is nil otherwise, and every code is this
	// Origin's own.
	base *Origin
	// tables holds each field's values, up to the last field one has been
	// set on.
	tables []fieldTable
}

// fieldTable holds the values of one field of an Origin's records.
type fieldTable struct {
	// vals are the values by code, less the Origin's ownCode offset; vals[0]
	// is nil, the missing value.
	vals []ref.Val
	// texts and others give the code of each plain value in vals, text
	// and the rest by plainOf's key, once vals holds more than a few;
	// fewer are found by looking through vals.
	texts  map[string]uint32
	others map[uint64]uint32
}

// The kinds of plain value, in the top byte of a key from plainOf.
const (
	notPlain = iota
	plainText
	plainInt
	plainUint
	plainBool
	plainDate
	plainDays
	plainDecimal
	plainMoney
)

// plainOf returns v's kind, with its key for a table's index: its text
// for text, else its kind in the top byte and below it its number (a
// whole number, a day, a number of days, 1 for true) or the address of
// its decimal. The kind is notPlain when v is not a value a table holds
// once however often it is set, or its key does not fit. A plain value is
// one whose sameness is equality: text, a whole number or a date by its
// value, a decimal or an amount by the number it shares, so a number
// computed again takes a code of its own. The table holds the values, so
// the address of a decimal it indexes (the collector does not move it) is
// not reused.
func plainOf(v ref.Val) (int, uint64, string) {
	var kind int
	var n uint64
	switch x := v.(type) {
	case types.String:
		return plainText, 0, string(x)
	case types.Int:
		kind, n = plainInt, uint64(x)+1<<55
	case types.Uint:
		kind, n = plainUint, uint64(x)
	case types.Bool:
		kind = plainBool
		if x {
			n = 1
		}
	case Date:
		kind, n = plainDate, uint64(x.n)+1<<55
	case Days:
		kind, n = plainDays, uint64(x)+1<<55
	case Decimal:
		kind, n = plainDecimal, uint64(uintptr(unsafe.Pointer(x.v)))
	case Money:
		kind, n = plainMoney, uint64(uintptr(unsafe.Pointer(x.amount.v)))
	default:
		return notPlain, 0, ""
	}
	if n>>56 != 0 {
		return notPlain, 0, ""
	}
	return kind, uint64(kind)<<56 | n, ""
}

// ownCode is the first code that stands for a value of a copy's own Origin
// rather than of its base. An Origin's table holds at most ownCode values.
const ownCode = 1 << 31

// codeLimit is how many values one field's table may hold, missing
// included: ownCode, lowered only by tests.
var codeLimit = ownCode

// scanLimit is how many values a table looks through before it keeps an
// index of them.
const scanLimit = 8

// indexLimit is how many values a table's index holds: a field with more
// distinct values has mostly unique ones, which then take a code each.
const indexLimit = 1 << 18

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

// derive returns a new Origin for a copy of a record of o: it has o's
// schema, file and field count and stands, for codes below ownCode, for
// the values of o's base (or of o itself when it has none).
func (o *Origin) derive() *Origin {
	base := o
	if o.base != nil {
		base = o.base
	}
	return &Origin{Schema: o.Schema, File: o.File, nf: o.nf, base: base}
}

// owns reports whether code c, of a record of o, stands for a value of o's
// own rather than of its base.
func (o *Origin) owns(c uint32) bool {
	return o.base != nil && c >= ownCode
}

// value returns the value of field i that code c (not 0) stands for.
func (o *Origin) value(i int, c uint32) ref.Val {
	if o.base != nil {
		if c < ownCode {
			return o.base.tables[i].vals[c]
		}
		c -= ownCode
	}
	return o.tables[i].vals[c]
}

// code returns the code of v as the value of field i, adding v to the
// field's table unless it is a plain value the table holds already. It
// fails when the table is full.
func (o *Origin) code(i int, v ref.Val) (uint32, error) {
	if v == nil {
		return 0, nil
	}
	if i >= len(o.tables) {
		// Tables up to the field's: a copy's Origin often holds one.
		o.tables = append(o.tables, make([]fieldTable, i+1-len(o.tables))...)
	}
	t := &o.tables[i]
	if t.vals == nil {
		t.vals = []ref.Val{nil}
	}
	var off uint32
	if o.base != nil {
		off = ownCode
	}
	kind, key, text := plainOf(v)
	if kind != notPlain {
		if c, ok := t.find(kind, key, text, v); ok {
			return off + c, nil
		}
	}
	if len(t.vals) >= codeLimit {
		return 0, fmt.Errorf("the %s records of %s hold more than %d distinct values of one field", o.typeName(), o.fileName(), codeLimit-1)
	}
	c := uint32(len(t.vals))
	t.vals = append(t.vals, v)
	if kind != notPlain {
		switch {
		case t.texts != nil:
			t.add(kind, key, text, c)
		case len(t.vals) > scanLimit:
			t.texts, t.others = map[string]uint32{}, map[uint64]uint32{}
			for j, w := range t.vals[1:] {
				if kind, key, text := plainOf(w); kind != notPlain {
					t.add(kind, key, text, uint32(j)+1)
				}
			}
		}
	}
	return off + c, nil
}

// find returns the code of the plain value v, of kind kind with key or
// text, when the table holds it.
func (t *fieldTable) find(kind int, key uint64, text string, v ref.Val) (uint32, bool) {
	switch {
	case t.texts == nil:
		for c, w := range t.vals[1:] {
			if w == v {
				return uint32(c) + 1, true
			}
		}
		return 0, false
	case kind == plainText:
		c, ok := t.texts[text]
		return c, ok
	}
	c, ok := t.others[key]
	return c, ok
}

// add indexes code c of the plain value of kind kind with key or text,
// unless the index is full.
func (t *fieldTable) add(kind int, key uint64, text string, c uint32) {
	if kind == plainText {
		if len(t.texts) < indexLimit {
			t.texts[text] = c
		}
	} else if len(t.others) < indexLimit {
		t.others[key] = c
	}
}

func (o *Origin) typeName() string {
	if o.Schema == nil {
		return "untyped"
	}
	return o.Schema.TypeName()
}

func (o *Origin) fileName() string {
	if o.File == "" {
		return "memory"
	}
	return o.File
}
