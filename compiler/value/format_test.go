package value

import (
	"strings"
	"testing"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

func TestFormat(t *testing.T) {
	money := func(s string) Money { return MoneyOf(MustParseDecimal(s)) }
	list := types.NewRefValList(types.DefaultTypeAdapter, []ref.Val{types.Int(1), types.Int(2)})
	for _, tc := range []struct {
		v     ref.Val
		minor int32
		want  string
	}{
		{nil, 2, ""},
		{money("19.60"), 2, "19.60"},
		{money("20"), 2, "20.00"},
		{money("19.6"), 2, "19.60"},
		{money("-0.5"), 2, "-0.50"},
		{money("950.600"), 2, "950.600"}, // not yet rounded: every digit stays
		{money("1808"), 0, "1808"},
		{money("1807.5"), 0, "1807.5"},
		{money("1808.00"), 0, "1808.00"},
		{money("12.5"), 3, "12.500"},
		{MustParseDecimal("0.25"), 2, "0.25"},
		{MustParseDecimal("2"), 2, "2"}, // only money takes the minor units
		{MustParseDate("2026-05-01"), 2, "2026-05-01"},
		{Days(42), 2, "42 days"},
		{Days(1), 2, "1 day"},
		{types.Int(-7), 2, "-7"},
		{types.Bool(true), 2, "true"},
		{types.String("achieved"), 2, "achieved"},
		{types.String("  two\nlines "), 2, "two lines"},
		{types.String(""), 2, ""},
		{list, 2, "[1, 2]"},
	} {
		if got := Format(tc.v, tc.minor); got != tc.want {
			t.Errorf("Format(%v, %d) = %q, want %q", tc.v, tc.minor, got, tc.want)
		}
		if got := string(AppendFormat([]byte("x"), tc.v, tc.minor)); got != "x"+tc.want {
			t.Errorf("AppendFormat(%v, %d) = %q, want %q", tc.v, tc.minor, got, "x"+tc.want)
		}
	}
}

// TestFormatMoneyExact checks that Format never changes an amount: read
// back, it is the same number, with at least the minor units.
func TestFormatMoneyExact(t *testing.T) {
	for _, d := range randomDecimals(2000) {
		for _, minor := range []int32{0, 2, 3} {
			s := Format(MoneyOf(d), minor)
			back, err := ParseDecimal(s)
			if err != nil || back.Cmp(d) != 0 {
				t.Fatalf("Format(%s, %d) = %q, which reads back as %v (%v)", d, minor, s, back, err)
			}
			places := 0
			if i := strings.IndexByte(s, '.'); i >= 0 {
				places = len(s) - i - 1
			}
			if places < int(minor) {
				t.Fatalf("Format(%s, %d) = %q has fewer than %d places", d, minor, s, minor)
			}
		}
	}
}
