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
// and over the list types.NewRefValList makes of the same elements, and
// requires the same results.
func TestRecordListBehavesAsList(t *testing.T) {
	elems := []ref.Val{types.Int(3), types.Int(1), types.Int(4), types.Int(1)}
	env, err := cel.NewEnv(cel.Variable("xs", cel.ListType(cel.IntType)))
	if err != nil {
		t.Fatal(err)
	}
	exprs := []string{
		"size(xs)", "xs[2]", "xs[7]", "xs[-1]", "4 in xs", "9 in xs",
		"xs.exists(x, x > 3)", "xs.all(x, x > 0)", "xs.filter(x, x == 1)", "xs.map(x, x * 2)",
		"xs + [5]", "xs == [3, 1, 4, 1]", "xs == [3]", "[3, 1, 4, 1] == xs", "xs.exists_one(x, x == 3)",
		"type(xs) == list", "xs.all(x, x < 4)",
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
		got, _, gerr := prg.Eval(map[string]any{"xs": &RecordList{Elems: elems}})
		want, _, werr := prg.Eval(map[string]any{"xs": types.NewRefValList(types.DefaultTypeAdapter, elems)})
		if fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Errorf("%s: error %v, want %v", src, gerr, werr)
			continue
		}
		if gerr != nil {
			continue
		}
		if got.Equal(want) != types.True && fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", src, got, want)
		}
	}
	l := &RecordList{Elems: elems}
	if got := l.Size(); got != types.Int(4) {
		t.Errorf("Size = %v", got)
	}
	native, err := l.ConvertToNative(reflect.TypeFor[[]int64]())
	if err != nil || !reflect.DeepEqual(native, []int64{3, 1, 4, 1}) {
		t.Errorf("ConvertToNative = %v, %v", native, err)
	}
	var seen []ref.Val
	for it := l.Iterator(); it.HasNext() == types.True; {
		seen = append(seen, it.Next())
	}
	if !reflect.DeepEqual(seen, elems) {
		t.Errorf("Iterator gave %v", seen)
	}
	if fmt.Sprint(l) != fmt.Sprint(types.NewRefValList(types.DefaultTypeAdapter, elems)) {
		t.Errorf("String = %v", l)
	}
	if (&RecordList{}).IsZeroValue() != true || l.IsZeroValue() {
		t.Error("IsZeroValue")
	}
}
