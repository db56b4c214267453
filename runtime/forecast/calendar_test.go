package forecast

import (
	"slices"
	"testing"

	"github.com/occ-lang/occ/runtime"
)

// TestCalendarAsEvaluator: the forecast names and lays out settlement
// periods exactly as the evaluator does, and reads a contract year either
// way it is written.
func TestCalendarAsEvaluator(t *testing.T) {
	for _, dir := range []string{"individual-outcomes", "lead-provider", "reducing-budget"} {
		c := compileSpec(t, dir)
		cal, err := newCalendar(c)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := runtime.New(c, runtime.WithWorkers(1))
		if err != nil {
			t.Fatal(err)
		}
		if want := prog.Periods(); !slices.Equal(cal.labels, want) {
			t.Errorf("%s: periods %v, the evaluator's %v", dir, cal.labels, want)
		}
		for p := range cal.labels {
			if i := cal.periodIndex(cal.labels[p]); i != p {
				t.Errorf("%s: %s reads as period %d, not %d", dir, cal.labels[p], i, p)
			}
		}
	}
	src := `contract "Yearly" {
  term       2026-04-01 .. 2029-03-31
  settlement yearly
}
data review "A review" {
  person text key
  month  date key
}
payment fee "A fee" {
  for    review
  amount = £1.00
}
`
	cal, err := newCalendar(compileSource(t, "yearly.occ", src))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2026/27", "2027/28", "2028/29"}; !slices.Equal(cal.labels, want) {
		t.Errorf("yearly periods %v, want %v", cal.labels, want)
	}
	for _, text := range []string{"2027/28..2028/29", "2027-28..2028-29", "2027/28 .. 2028-29"} {
		if first, last, err := cal.parsePeriods(text); err != nil || first != 1 || last != 2 {
			t.Errorf("%s: %d..%d, %v", text, first, last, err)
		}
	}
	for _, text := range []string{"2027-Q1", "2027-04", "2029/30", "2028/29..2027/28"} {
		if _, _, err := cal.parsePeriods(text); err == nil {
			t.Errorf("%s: no error", text)
		}
	}
}
