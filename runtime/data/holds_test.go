package data

import (
	"strings"
	"testing"
)

// TestHolds asks the individual-outcomes contract which of its data files
// hold, as Load would choose: reviews by their columns, goals (nested) by
// theirs, a visits file not at all, and a name given with the file.
func TestHolds(t *testing.T) {
	c := loadContract(t, "../../specs/individual-outcomes/contract.occ")
	holds := func(name, schema, text string) (string, string) {
		names, ds := Holds(c, Input{Path: name, Schema: schema, Open: Bytes([]byte(text))})
		var codes []string
		for _, d := range ds {
			codes = append(codes, d.Code)
		}
		return strings.Join(names, ","), strings.Join(codes, ",")
	}
	for _, tc := range []struct{ name, schema, text, names, codes string }{
		{"reviews.csv", "", "person,month,planned_hours,actual_hours,missed_visits,satisfaction\nP1,2026-05-01,1,1,0,\n", "review", ""},
		{"goals.csv", "", "person,month,goal,status,agreed_on,met_on\n", "goal", ""},
		{"visits.csv", "", "visit,person,date,planned_minutes,actual_minutes\nV1,P1,2026-05-01,30,30\n", "", "unknown-data"},
		{"visits.csv", "review", "visit,person,date\n", "review", ""},
		{"x.csv", "visit", "visit\n", "", "unknown-data"},
	} {
		names, codes := holds(tc.name, tc.schema, tc.text)
		if names != tc.names || codes != tc.codes {
			t.Errorf("%s (%q): holds %q with problems %q; want %q and %q", tc.name, tc.schema, names, codes, tc.names, tc.codes)
		}
	}
}
