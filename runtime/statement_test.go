package runtime_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// visitsContract pays each visit, with a standard on them per month.
const visitsContract = `contract "Visits" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data visit "A visit" {
  visit text key
  day   date
  ok    bool
}

payment pay "Visit" {
  for    visit
  amount = £10.00
}

standard on_time "Visits on time" {
  per     month
  measure = ratio(visit, visit.ok)
  target  >= 80%
}
`

// TestStatementNotesNoRecords: a statement no record falls in says so, in
// Notes and in the JSON statement, whether the data is empty or for
// other periods.
func TestStatementNotesNoRecords(t *testing.T) {
	for _, tc := range []struct {
		name, csv, want string
	}{
		{"a file of headers only", "visit,day,ok\n", "no record falls in 2026-05: the data has no records"},
		{"records of other months", "visit,day,ok\nV1,2026-04-03,true\nV2,2026-06-01,true\nV3,2027-04-01,true\n",
			"no record falls in 2026-05: the data's 3 records are 1 earlier, 1 later and 1 excluded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := mustEvalText(t, visitsContract, "2026-05", "visits.csv", tc.csv)
			wantTotal(t, st, "0.00")
			if len(st.Notes) != 1 || st.Notes[0] != tc.want {
				t.Fatalf("notes %q, want %q", st.Notes, tc.want)
			}
			var js struct{ Notes []string }
			b, err := st.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &js); err != nil {
				t.Fatal(err)
			}
			if len(js.Notes) != 1 || js.Notes[0] != tc.want {
				t.Errorf("JSON notes %q, want %q", js.Notes, tc.want)
			}
		})
	}
	// A statement with records in its period has no notes, and no
	// "notes" key in its JSON.
	st := mustEvalText(t, visitsContract, "2026-04", "visits.csv", "visit,day,ok\nV1,2026-04-03,true\n")
	b, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Notes) != 0 || strings.Contains(string(b), `"notes"`) {
		t.Errorf("notes %q in a statement with a record", st.Notes)
	}
}

// TestStandardNotMeasuredJSON: a standard with nothing to measure has a
// null measure and no percent in the JSON statement, and the status "not
// measured", rather than a measure of 0.
func TestStandardNotMeasuredJSON(t *testing.T) {
	// April: V1 on time, V2 late: 1 of 2, 50%, missed. May: no visits.
	st := mustEvalText(t, visitsContract, "2026-04..2026-05", "visits.csv", "visit,day,ok\nV1,2026-04-03,true\nV2,2026-04-09,false\n")
	b, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		Standards []map[string]any
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	if len(js.Standards) != 2 {
		t.Fatalf("%d standards, want April's and May's", len(js.Standards))
	}
	april, may := js.Standards[0], js.Standards[1]
	if april["measure"] != "0.5" || april["percent"] != "50.00" || april["status"] != "missed" {
		t.Errorf("April: %v, want measure 0.5, percent 50.00, missed", april)
	}
	m, hasMeasure := may["measure"]
	if _, hasPercent := may["percent"]; !hasMeasure || m != nil || hasPercent || may["status"] != "not measured" || may["not_measured"] == nil {
		t.Errorf("May: %v, want measure null, no percent, status not measured, and why", may)
	}
}

// TestStatementBudget: the header's budget, for the whole term, is shown
// beside the statement's total, with the headroom left after it.
func TestStatementBudget(t *testing.T) {
	contract := strings.Replace(visitsContract, "  settlement monthly\n", "  settlement monthly\n  budget     £25.00\n", 1)
	visits := "visit,day,ok\nV1,2026-04-03,true\nV2,2026-05-09,true\nV3,2026-05-10,true\n"
	for _, tc := range []struct {
		period, total, headroom string
		whole                   bool
	}{
		// May: two visits of £10: 25 - 20 = 5 left after this statement.
		{"2026-05", "20.00", "5.00", false},
		// The term: three visits, £30, £5 over the budget.
		{"term", "30.00", "-5.00", true},
	} {
		st := mustEvalText(t, contract, tc.period, "visits.csv", visits)
		b := st.Budget
		if b == nil {
			t.Fatalf("%s: no budget", tc.period)
		}
		got := []string{b.Amount.Decimal().StringFixed(2), b.Total.Decimal().StringFixed(2), b.Headroom.Decimal().StringFixed(2)}
		if want := []string{"25.00", tc.total, tc.headroom}; strings.Join(got, " ") != strings.Join(want, " ") || b.WholeTerm != tc.whole {
			t.Errorf("%s: budget %v whole term %v, want %v %v", tc.period, got, b.WholeTerm, want, tc.whole)
		}
		js, err := st.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var out struct{ Budget map[string]any }
		if err := json.Unmarshal(js, &out); err != nil {
			t.Fatal(err)
		}
		if out.Budget["amount"] != "25.00" || out.Budget["total"] != tc.total || out.Budget["headroom"] != tc.headroom || out.Budget["whole_term"] != tc.whole {
			t.Errorf("%s: JSON budget %v", tc.period, out.Budget)
		}
	}
	// No budget in the header, none in the statement.
	st := mustEvalText(t, visitsContract, "2026-05", "visits.csv", visits)
	js, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if st.Budget != nil || strings.Contains(string(js), `"budget"`) {
		t.Error("a budget in the statement of a contract without one")
	}
}
