package value

import (
	"fmt"
	"reflect"
	"testing"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// TestRecordListBehavesAsList evaluates CEL expressions over a RecordList
// and over the list types.NewRefValList makes of the same records, and
// requires the same results.
func TestRecordListBehavesAsList(t *testing.T) {
	recs := []*Record{newReview("1", 0, nil), newReview("2", 1, nil), newReview("3", 2, nil)}
	vals := []ref.Val{recs[0], recs[1], recs[2]}
	env, err := cel.NewEnv(cel.Variable("xs", cel.ListType(cel.DynType)), cel.Variable("ys", cel.ListType(cel.DynType)))
	if err != nil {
		t.Fatal(err)
	}
	exprs := []string{
		"size(xs)", "xs[2] == ys[2]", "xs[0] == ys[1]", "xs[7]", "xs[-1]", "ys[0] in xs", "1 in xs",
		"xs.exists(x, x == ys[1])", "xs.all(x, x == ys[0])", "size(xs.filter(x, x != ys[0]))",
		"size(xs.map(x, 1))", "size(xs + ys)", "xs == ys", "ys == xs", "xs == [ys[0]]",
		"xs.exists_one(x, x == ys[2])", "type(xs) == list", "size(xs) == 3 && xs[1] == ys[1]",
	}
	for _, src := range exprs {
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			t.Fatalf("%s: %v", src, iss.Err())
		}
		prg, err := env.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		ys := types.NewRefValList(types.DefaultTypeAdapter, vals)
		got, _, gerr := prg.Eval(map[string]any{"xs": &RecordList{Records: recs}, "ys": ys})
		want, _, werr := prg.Eval(map[string]any{"xs": types.NewRefValList(types.DefaultTypeAdapter, vals), "ys": ys})
		if fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Errorf("%s: error %v, want %v", src, gerr, werr)
			continue
		}
		if gerr != nil {
			continue
		}
		if got.Equal(want) != types.True {
			t.Errorf("%s = %v, want %v", src, got, want)
		}
	}
	l := &RecordList{Records: recs}
	if got := l.Size(); got != types.Int(3) {
		t.Errorf("Size = %v", got)
	}
	native, err := l.ConvertToNative(reflect.TypeFor[[]*Record]())
	if err != nil || !reflect.DeepEqual(native, recs) {
		t.Errorf("ConvertToNative = %v, %v", native, err)
	}
	var seen []ref.Val
	for it := l.Iterator(); it.HasNext() == types.True; {
		seen = append(seen, it.Next())
	}
	if !reflect.DeepEqual(seen, vals) {
		t.Errorf("Iterator gave %v", seen)
	}
	if fmt.Sprint(l) != fmt.Sprint(types.NewRefValList(types.DefaultTypeAdapter, vals)) {
		t.Errorf("String = %v", l)
	}
	if (&RecordList{}).IsZeroValue() != true || l.IsZeroValue() {
		t.Error("IsZeroValue")
	}
}
