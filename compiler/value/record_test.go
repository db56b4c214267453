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
				return target.(*Record).Fields()[i] != nil
			},
			GetFrom: func(target any) (any, error) {
				r := target.(*Record)
				if v := r.Fields()[i]; v != nil {
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
	return NewRecord(&Origin{Schema: reviewType, File: "reviews.csv"}, []ref.Val{MustParseDecimal(hours), types.Int(missed), score}, 2, nil)
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

// TestRecordBlocks: records from RecordBlocks are distinct, start with nil
// fields, and their field slices never overlap, across block boundaries
// and when a field slice is appended to.
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
		if len(r.Fields()) != nf || r.Origin != o {
			t.Fatalf("record %d: %d fields, origin %v", i, len(r.Fields()), r.Origin)
		}
		for j, f := range r.Fields() {
			if f != nil {
				t.Fatalf("record %d field %d starts as %v", i, j, f)
			}
			r.Fields()[j] = types.Int(i)
		}
		recs = append(recs, r)
	}
	_ = append(recs[0].Fields(), types.Int(-1)) // must not reach recs[1]
	for i, r := range recs {
		if i > 0 && r == recs[i-1] {
			t.Fatalf("record %d handed out twice", i)
		}
		for j, f := range r.Fields() {
			if f != types.Int(i) {
				t.Fatalf("record %d field %d = %v: field slices overlap", i, j, f)
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
	NewRecord(o, make([]ref.Val, 3), 1, nil)
	defer func() {
		if recover() == nil {
			t.Fatal("a record of 2 fields was made with an Origin of 3")
		}
	}()
	NewRecord(o, make([]ref.Val, 2), 2, nil)
}

// TestRecordCopy: a copy's fields are its own.
func TestRecordCopy(t *testing.T) {
	r := newReview("7.5", 1, types.Int(4))
	cp := r.Copy()
	cp.Fields()[1] = types.Int(9)
	if r.Fields()[1] != types.Int(1) || cp.Fields()[1] != types.Int(9) || cp.Row != r.Row || cp.Origin != r.Origin {
		t.Fatalf("copy shares fields or lost its row: %v %v", r.Fields(), cp.Fields())
	}
}
