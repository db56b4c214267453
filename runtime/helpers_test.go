package runtime_test

import (
	"strconv"
	"testing"

	"occ/compiler/value"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// sumStrings adds decimal strings exactly and returns the sum with two
// places.
func sumStrings(t *testing.T, amounts []string) string {
	t.Helper()
	total := value.DecimalFromInt(0)
	for _, a := range amounts {
		d, err := value.ParseDecimal(a)
		if err != nil {
			t.Fatalf("amount %q: %v", a, err)
		}
		total, err = total.Add(d)
		if err != nil {
			t.Fatal(err)
		}
	}
	return total.StringFixed(2)
}
