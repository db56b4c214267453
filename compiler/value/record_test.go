package value

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// reviewType is the object type of the test schema's review records.
var reviewType = types.NewObjectType("review")

// reviewFields is the test schema: name and type of each field, in order.
// score is optional.
var reviewFields = []struct {
	name string
	typ  *types.Type
}{
	{"hours", DecimalType},
	{"missed", types.IntType},
	{"score", types.IntType},
}

// reviewProvider is a miniature of the provider the compiler builds: it
// serves one object type, review, whose fields are read from a *Record by
// position.
type reviewProvider struct {
	*types.Registry
}

func newReviewProvider(t testing.TB) *reviewProvider {
	reg, err := types.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	return &reviewProvider{reg}
}

func (p *reviewProvider) FindStructType(name string) (*types.Type, bool) {
	if name == reviewType.TypeName() {
		return types.NewTypeTypeWithParam(reviewType), true
	}
	return p.Registry.FindStructType(name)
}

func (p *reviewProvider) FindStructFieldNames(name string) ([]string, bool) {
	if name != reviewType.TypeName() {
		return p.Registry.FindStructFieldNames(name)
	}
	var names []string
	for _, f := range reviewFields {
		names = append(names, f.name)
	}
	return names, true
}

func (p *reviewProvider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if name != reviewType.TypeName() {
		return p.Registry.FindStructFieldType(name, field)
	}
	for i, f := range reviewFields {
		if f.name != field {
			continue
		}
		return &types.FieldType{
			Type: f.typ,
			IsSet: func(target any) bool {
				return target.(*Record).Field(i) != nil
			},
			GetFrom: func(target any) (any, error) {
				r := target.(*Record)
				if v := r.Field(i); v != nil {
					return v, nil
				}
				return nil, fmt.Errorf("%s has no %s", r, field)
			},
		}, true
	}
	return nil, false
}

func reviewEnv(t testing.TB) *cel.Env {
	t.Helper()
	env, err := cel.NewCustomEnv(
		cel.CustomTypeProvider(newReviewProvider(t)),
		Library(),
		cel.Variable("review", reviewType),
		cel.Variable("reviews", types.NewListType(reviewType)),
		cel.Variable("rate", DecimalType),
	)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func newReview(hours string, missed int64, score ref.Val) *Record {
	return newRecord(&Origin{Schema: reviewType, File: "reviews.csv"}, MustParseDecimal(hours), types.Int(missed), score)
}

// newRecord returns a record of origin o, at row 2, with the field values
// vals.
func newRecord(o *Origin, vals ...ref.Val) *Record {
	r := NewRecord(o, len(vals), 2, nil)
	for i, v := range vals {
		if err := r.SetField(i, v); err != nil {
			panic(err)
		}
	}
	return r
}

func TestRecordFields(t *testing.T) {
	env := reviewEnv(t)
	full := newReview("7.5", 1, types.Int(4))
	partial := newReview("2.25", 0, nil)
	vars := func(r *Record) map[string]any {
		return map[string]any{
			"review":  r,
			"reviews": []ref.Val{full, partial},
			"rate":    MustParseDecimal("19.60"),
		}
	}
	tests := []struct {
		expr    string
		rec     *Record
		want    string
		wantErr string
	}{
		{`review.hours * 2`, full, "15.0", ""},
		{`review.hours * rate`, full, "147.000", ""},
		{`money(review.hours * rate)`, partial, "44.1000", ""},
		{`review.missed + 1`, full, "2", ""},
		{`has(review.score)`, full, "true", ""},
		{`has(review.score)`, partial, "false", ""},
		{`has(review.score) ? review.score : 0`, partial, "0", ""},
		{`review.score`, full, "4", ""},
		{`review.score`, partial, "", "review record at reviews.csv row 2 has no score"},
		{`review.score + 1 > 0`, partial, "", "has no score"},
		{`review == review`, full, "true", ""},
		{`sum(reviews.map(r, r.hours))`, full, "9.75", ""},
		{`reviews.filter(r, has(r.score)).size()`, full, "1", ""},
		{`reviews[0] == reviews[1]`, full, "false", ""},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			out, _, err := run(t, env, tc.expr, vars(tc.rec))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%s = %v, %v; want error containing %q", tc.expr, out, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.expr, err)
			}
			if got := show(out); got != tc.want {
				t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
			}
		})
	}

	// Type checking sees the schema.
	for expr, want := range map[string]string{
		`review.hours + review.missed`: "decimal",
		`review.hours * 2`:             "decimal",
		`review.nope`:                  "undefined field 'nope'",
		`review.hours + money("1")`:    "no matching overload",
		`review.hours && true`:         "expected type 'bool' but found 'decimal'",
	} {
		ast, iss := env.Compile(expr)
		var got string
		if iss.Err() != nil {
			got = iss.Err().Error()
		} else {
			got = ast.OutputType().String()
		}
		if !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", expr, got, want)
		}
	}
}

func TestRecordVal(t *testing.T) {
	parent := newReview("1", 0, nil)
	r := newReview("2", 0, nil)
	r.Parent = parent
	twin := newReview("2", 0, nil)
	if r.Equal(r) != types.True || r.Equal(twin) != types.False || r.Equal(types.Int(1)) != types.False {
		t.Error("Record equality is not identity")
	}
	if r.Type() != reviewType || r.Value() != r {
		t.Error("Record Type or Value wrong")
	}
	if got, err := r.ConvertToNative(reflect.TypeFor[*Record]()); err != nil || got != r {
		t.Errorf("ConvertToNative(*Record) = %v, %v", got, err)
	}
	if _, err := r.ConvertToNative(reflect.TypeFor[string]()); err == nil {
		t.Error("ConvertToNative(string) succeeded")
	}
	if r.ConvertToType(types.TypeType) != reviewType || r.ConvertToType(reviewType) != r {
		t.Error("ConvertToType wrong")
	}
	if !types.IsError(r.ConvertToType(types.StringType)) {
		t.Error("ConvertToType(string) succeeded")
	}
	if got := r.String(); got != "review record at reviews.csv row 2" {
		t.Errorf("String() = %q", got)
	}
}

// TestRecordBlocks: records from RecordBlocks are distinct, start with
// missing fields, and their fields never overlap, across block boundaries.
func TestRecordBlocks(t *testing.T) {
	var b RecordBlocks
	// The records of one Origin have one size: an Origin per size.
	var origins [7]*Origin
	for i := range origins {
		origins[i] = &Origin{Schema: reviewType, File: "reviews.csv"}
	}
	var recs []*Record
	for i := range 3*blockRecords + 7 {
		nf := 1 + i%6
		o := origins[nf]
		r := b.New(o, nf)
		if r.NumFields() != nf || r.Origin != o {
			t.Fatalf("record %d: %d fields, origin %v", i, r.NumFields(), r.Origin)
		}
		for j := range nf {
			if f := r.Field(j); f != nil {
				t.Fatalf("record %d field %d starts as %v", i, j, f)
			}
			if err := r.SetField(j, types.Int(i)); err != nil {
				t.Fatal(err)
			}
		}
		recs = append(recs, r)
	}
	for i, r := range recs {
		if i > 0 && r == recs[i-1] {
			t.Fatalf("record %d handed out twice", i)
		}
		for j := range r.NumFields() {
			if f := r.Field(j); f != types.Int(i) {
				t.Fatalf("record %d field %d = %v: fields overlap", i, j, f)
			}
		}
	}
}

// TestRecordSize: a record is four words, its fields held apart; data of
// millions of records depends on it (docs/performance.md).
func TestRecordSize(t *testing.T) {
	if n := reflect.TypeFor[Record]().Size(); n != 4*reflect.TypeFor[uintptr]().Size() {
		t.Fatalf("a Record is %d bytes, want 4 words", n)
	}
}

// TestRecordOriginSize: records of one Origin with different numbers of
// fields are refused rather than read with the wrong count.
func TestRecordOriginSize(t *testing.T) {
	o := &Origin{Schema: reviewType}
	NewRecord(o, 3, 1, nil)
	defer func() {
		if recover() == nil {
			t.Fatal("a record of 2 fields was made with an Origin of 3")
		}
	}()
	NewRecord(o, 2, 2, nil)
}

// TestRecordSetField: a field reads back what was set on it, nil when it
// is missing or set to nil, and setting one field leaves the others.
func TestRecordSetField(t *testing.T) {
	o := &Origin{Schema: reviewType}
	r := NewRecord(o, 3, 1, nil)
	if r.NumFields() != 3 {
		t.Fatalf("NumFields = %d, want 3", r.NumFields())
	}
	for i := range 3 {
		if v := r.Field(i); v != nil {
			t.Fatalf("field %d of a new record = %v, want missing", i, v)
		}
	}
	hours := MustParseDecimal("7.5")
	list := types.NewRefValList(types.DefaultTypeAdapter, []ref.Val{types.Int(1)})
	for i, v := range []ref.Val{hours, types.Int(3), list} {
		if err := r.SetField(i, v); err != nil {
			t.Fatal(err)
		}
	}
	if r.Field(0) != hours || r.Field(1) != types.Int(3) || r.Field(2) != list {
		t.Fatalf("fields = %v %v %v, want 7.5 3 [1]", r.Field(0), r.Field(1), r.Field(2))
	}
	if err := r.SetField(1, nil); err != nil {
		t.Fatal(err)
	}
	if r.Field(1) != nil || r.Field(0) != hours || r.Field(2) != list {
		t.Fatalf("after clearing field 1: %v %v %v, want 7.5 <nil> [1]", r.Field(0), r.Field(1), r.Field(2))
	}
	if none := (&Record{}); none.NumFields() != 0 {
		t.Fatalf("a record without fields has %d", none.NumFields())
	}
}

// TestRecordInterning: records of one Origin that share a plain value
// share its code, so the Origin holds it once; a list, which cannot be
// told apart by ==, takes a code each time, however many records there
// are and whether the table is small or indexed.
func TestRecordInterning(t *testing.T) {
	o := &Origin{Schema: reviewType}
	var recs []*Record
	for i := range 100 {
		person := types.String(fmt.Sprintf("P%d", i%3))
		recs = append(recs, newRecord(o, person, types.Int(i%20), types.NewRefValList(types.DefaultTypeAdapter, nil)))
	}
	if n := len(o.tables[0].vals); n != 4 {
		t.Errorf("3 people take %d codes, want 4 (with missing)", n)
	}
	if n := len(o.tables[1].vals); n != 21 {
		t.Errorf("20 numbers take %d codes, want 21 (with missing)", n)
	}
	if n := len(o.tables[2].vals); n != 101 {
		t.Errorf("100 lists take %d codes, want 101 (with missing)", n)
	}
	if recs[0].codeSlice()[0] != recs[3].codeSlice()[0] || recs[0].codeSlice()[0] == recs[1].codeSlice()[0] {
		t.Errorf("codes of P0, P0, P1: %d %d %d", recs[0].codeSlice()[0], recs[3].codeSlice()[0], recs[1].codeSlice()[0])
	}
	for i, r := range recs {
		if r.Field(0) != types.String(fmt.Sprintf("P%d", i%3)) || r.Field(1) != types.Int(i%20) {
			t.Fatalf("record %d reads %v %v", i, r.Field(0), r.Field(1))
		}
	}
}

// TestRecordCopy: a copy's fields are its own, in an Origin of its own
// that shares the values it did not change, and a copy of a copy keeps
// what was set on the first.
func TestRecordCopy(t *testing.T) {
	r := newReview("7.5", 1, types.Int(4))
	cp := r.Copy()
	if err := cp.SetField(1, types.Int(9)); err != nil {
		t.Fatal(err)
	}
	if r.Field(1) != types.Int(1) || cp.Field(1) != types.Int(9) || cp.Row != r.Row {
		t.Fatalf("copy shares fields or lost its row: %v %v", r.Field(1), cp.Field(1))
	}
	if cp.Origin == r.Origin || cp.Schema() != r.Schema() || cp.File() != r.File() {
		t.Fatalf("copy's Origin %p (%v, %q), want a new one with %v, %q", cp.Origin, cp.Schema(), cp.File(), r.Schema(), r.File())
	}
	if cp.Field(0).Equal(MustParseDecimal("7.5")) != types.True || cp.Field(2) != types.Int(4) {
		t.Fatalf("copy reads %v, %v for the fields it kept", cp.Field(0), cp.Field(2))
	}
	if len(cp.Origin.tables) != 2 || len(cp.Origin.tables[0].vals) != 0 {
		t.Fatalf("copy's Origin has %d tables, %d values of a field it kept; want 2 tables, 0 values", len(cp.Origin.tables), len(cp.Origin.tables[0].vals))
	}
	cc := cp.Copy()
	if err := cc.SetField(2, nil); err != nil {
		t.Fatal(err)
	}
	if cc.Field(1) != types.Int(9) || cc.Field(2) != nil || cp.Field(2) != types.Int(4) || cc.Origin.base != r.Origin {
		t.Fatalf("copy of a copy reads %v, %v; the copy %v", cc.Field(1), cc.Field(2), cp.Field(2))
	}
}

// TestRecordTableFull: a value that would take a field's table past its
// codes is refused with an error and leaves the field as it was; values
// the table holds can still be set.
func TestRecordTableFull(t *testing.T) {
	defer func(n int) { codeLimit = n }(codeLimit)
	codeLimit = 4 // missing and three values
	o := &Origin{Schema: reviewType, File: "reviews.csv"}
	r := NewRecord(o, 1, 1, nil)
	for i := range 3 {
		if err := r.SetField(0, types.Int(i)); err != nil {
			t.Fatalf("value %d: %v", i, err)
		}
	}
	err := r.SetField(0, types.Int(3))
	if err == nil || err.Error() != "the review records of reviews.csv hold more than 3 distinct values of one field" {
		t.Fatalf("a fourth value: %v", err)
	}
	if r.Field(0) != types.Int(2) {
		t.Fatalf("the refused value left %v, want 2", r.Field(0))
	}
	if err := r.SetField(0, types.Int(0)); err != nil || r.Field(0) != types.Int(0) {
		t.Fatalf("a value the table holds: %v, %v", r.Field(0), err)
	}
	// A copy's own values have a table of their own, bounded alike.
	cp := r.Copy()
	for i := 10; i < 13; i++ {
		if err := cp.SetField(0, types.Int(i)); err != nil {
			t.Fatalf("copy's value %d: %v", i, err)
		}
	}
	if err := cp.SetField(0, types.Int(13)); err == nil {
		t.Fatal("a copy's fourth value was taken")
	}
	if cp.Field(0) != types.Int(12) || r.Field(0) != types.Int(0) {
		t.Fatalf("copy reads %v, record %v; want 12 and 0", cp.Field(0), r.Field(0))
	}
}

// TestRecordInterningKinds: values of different types that share a number
// keep their own codes and read back as they were set, before and after a
// field's table holds enough values to be indexed; so do whole numbers too
// large to index, and amounts that share their decimal's number.
func TestRecordInterningKinds(t *testing.T) {
	d := MustParseDecimal("1")
	vals := []ref.Val{types.Int(1), types.Uint(1), types.Bool(true), Date{n: 1}, Days(1), d, MoneyOf(d), types.String("1"),
		types.Int(1 << 60), types.Int(-1 << 60), types.Int(-1), Date{n: -1}}
	o := &Origin{Schema: reviewType}
	var recs []*Record
	for range 2 {
		for _, v := range vals {
			recs = append(recs, newRecord(o, v))
		}
	}
	for i, r := range recs {
		want := vals[i%len(vals)]
		if got := r.Field(0); got != want {
			t.Errorf("record %d reads %v (%T), want %v (%T)", i, got, got, want, want)
		}
	}
	// 12 values, the two too large to index taking a code each time.
	if n := len(o.tables[0].vals); n != 1+len(vals)+2 {
		t.Errorf("the field holds %d values, want %d", n, 1+len(vals)+2)
	}
	if recs[0].codeSlice()[0] != recs[len(vals)].codeSlice()[0] || recs[8].codeSlice()[0] == recs[8+len(vals)].codeSlice()[0] {
		t.Error("a plain value set again took a new code, or a large one was indexed")
	}
}
