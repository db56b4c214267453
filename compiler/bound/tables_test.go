package bound_test

import (
	"testing"

	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler/bound"
)

// tableRules are a table param read at a score (1 .. 5, written as text
// for the table's key) and at text the analysis cannot know.
const tableRules = `
param fee_by_band "Fee by band" {
  low     = £5.00
  mid     = £12.50
  default = £1.00
}

payment known "Read at keys it can know" {
  for    review
  amount = fee_by_band[review.score > 3 ? "mid" : "low"]
}

payment unknown "Read at any text" {
  for    review
  amount = fee_by_band[review.person]
}
`

// TestTableParamBound: read at "low" or "mid" a line is 5.00 .. 12.50;
// read at any text, the default joins in: 1.00 .. 12.50. Setting one
// entry, fee_by_band.mid = £20.00, moves the most to 20.00.
func TestTableParamBound(t *testing.T) {
	for _, tc := range []struct {
		rule, least, most string
		set               map[string]ref.Val
	}{
		{"known", "5.00", "12.50", nil},
		{"unknown", "1.00", "12.50", nil},
		{"known", "5.00", "20.00", map[string]ref.Val{"fee_by_band.mid": money(t, "20.00")}},
	} {
		rb := ruleBound(t, analyze(t, tableRules, bound.Options{Params: tc.set}), tc.rule)
		if rb.Each == nil {
			t.Fatalf("%s: no bound of one line", tc.rule)
		}
		if got := text(rb.Each.Least); got != tc.least {
			t.Errorf("%s %v: least %s, want %s", tc.rule, tc.set, got, tc.least)
		}
		if got := text(rb.Each.Most); got != tc.most {
			t.Errorf("%s %v: most %s, want %s", tc.rule, tc.set, got, tc.most)
		}
	}
}
