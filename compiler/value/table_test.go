package value

import (
	"errors"
	"testing"

	"cel.dev/cel-go/common/types"
)

// A table reads an entry, else its default, else an error naming the
// table and the key; `in` sees only listed keys; With leaves the original
// as it was.
func TestTable(t *testing.T) {
	typ := types.NewMapType(types.StringType, MoneyType)
	fee := NewTable("param job_fee", typ)
	esa := MoneyOf(MustParseDecimal("3500.00"))
	fee.Set(types.String("esa"), esa)
	fee.Set(types.String("jsa"), MoneyOf(MustParseDecimal("1200.00")))

	if v, ok := fee.Find(types.String("esa")); !ok || v.Equal(esa) != types.True {
		t.Errorf("job_fee[esa] = %v, %v; want 3500.00", v, ok)
	}
	v, ok := fee.Find(types.String("ib"))
	if ok || !types.IsError(v) {
		t.Fatalf("job_fee[ib] = %v, %v; want an error", v, ok)
	}
	err := v.(*types.Err).Unwrap()
	if !errors.Is(err, ErrMissingKey) || err.Error() != `param job_fee has no entry for key "ib", and no default` {
		t.Errorf("error %q, want ErrMissingKey naming the table and key", err)
	}
	if fee.Contains(types.String("esa")) != types.True || fee.Contains(types.String("ib")) != types.False {
		t.Error("Contains: want true for a listed key, false for another")
	}

	zero := MoneyOf(MustParseDecimal("0.00"))
	withDef := fee.With(nil, zero)
	if v, ok := withDef.Find(types.String("ib")); !ok || v.Equal(zero) != types.True {
		t.Errorf("with a default, job_fee[ib] = %v, %v; want 0.00", v, ok)
	}
	if withDef.Contains(types.String("ib")) != types.False {
		t.Error("a default made key ib listed")
	}
	if _, ok := fee.Find(types.String("ib")); ok {
		t.Error("With changed the table it copied")
	}
	cut := fee.With(types.String("esa"), MoneyOf(MustParseDecimal("3000.00")))
	if v, _ := cut.Find(types.String("esa")); Format(v, 2) != "3000.00" {
		t.Errorf("after With, job_fee[esa] = %s, want 3000.00", Format(v, 2))
	}
	if v, _ := fee.Find(types.String("esa")); Format(v, 2) != "3500.00" {
		t.Errorf("the original's job_fee[esa] = %s, want 3500.00", Format(v, 2))
	}
	if got := fee.String(); got != "{esa: 3500.00, jsa: 1200.00}" {
		t.Errorf("String() = %q", got)
	}

	rates := NewRecordTable("data care_package", "code", types.NewMapType(types.IntType, types.DynType))
	v, _ = rates.Find(types.Int(9))
	if got := v.(*types.Err).Unwrap().Error(); got != "data care_package has no record with code 9" {
		t.Errorf("record table error %q", got)
	}
}
