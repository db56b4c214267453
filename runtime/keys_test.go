package runtime_test

import (
	"strings"
	"testing"
)

// TestKeysEscapeSeparators: a key part holding "/", "@" or "%" escapes it,
// so that keys of different records never collide; keys of ordinary
// values are their values joined, as before; explain finds a line by its
// escaped key.
func TestKeysEscapeSeparators(t *testing.T) {
	contract := `contract "Keys" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data review "One monthly review" {
  person text key
  month  date key
  goals  list goal max 5
}

data goal "A goal" {
  goal   text key
  status achieved | not_feasible
}

exclude infeasible "Goal not feasible" {
  for  goal
  when goal.status == "not_feasible"
}

incentive goal_fee "Goal achieved" {
  for    goal
  amount = £100.00
}

payment per_person "Once for each person" {
  per    person
  amount = £10.00
}
`
	reviews := "person,month\nP1/X,2026-05-01\nP1,2026-05-01\nP1%2FX,2026-05-01\nP2,2026-05-01\n"
	goals := "person,month,goal,status\n" +
		"P1/X,2026-05-01,G1,achieved\n" + // person P1/X, goal G1
		"P1,2026-05-01,X/G1,achieved\n" + // person P1, goal X/G1
		"P1%2FX,2026-05-01,G1,achieved\n" + // a person named as the first one's escaped key
		"P2,2026-05-01,G1,achieved\n" +
		"P2,2026-05-01,Y@Z,not_feasible\n"
	st := mustEvalText(t, contract, "2026-05", "reviews.csv", reviews, "goals.csv", goals)
	wantLines(t, st, []line{
		{"goal_fee", "incentive", "P1%2FX/G1", "100.00"},
		{"goal_fee", "incentive", "P1/X%2FG1", "100.00"},
		{"goal_fee", "incentive", "P1%252FX/G1", "100.00"},
		{"goal_fee", "incentive", "P2/G1", "100.00"}, // an ordinary key, unchanged
		// People in sorted order: P1, P1%2FX, P1/X, P2.
		{"per_person", "payment", "P1", "10.00"},
		{"per_person", "payment", "P1%252FX", "10.00"},
		{"per_person", "payment", "P1%2FX", "10.00"},
		{"per_person", "payment", "P2", "10.00"},
	})
	if len(st.Excluded) != 1 || st.Excluded[0].Key != "P2/Y%40Z" {
		t.Errorf("excluded %+v, want the goal P2/Y%%40Z", st.Excluded)
	}
	xs, err := st.Explain("P1%2FX/G1")
	if err != nil || len(xs) != 1 || xs[0].Line.Source != "goals.csv:2" {
		t.Errorf("explain P1%%2FX/G1: %v, %v; want the goal on goals.csv:2", xs, err)
	}
	xs, err = st.Explain("goal_fee:P1/X%2FG1")
	if err != nil || len(xs) != 1 || xs[0].Line.Source != "goals.csv:3" {
		t.Errorf("explain goal_fee:P1/X%%2FG1: %v, %v; want the goal on goals.csv:3", xs, err)
	}
	_, err = st.Explain("P1/X/G1")
	want := `no line or flag has the key "P1/X/G1"; a key writes / @ % inside a value as %2F %40 %25: did you mean "P1%2FX/G1" or "P1/X%2FG1"?`
	if err == nil || err.Error() != want {
		t.Errorf("explain P1/X/G1: %v, want %s", err, want)
	}
	var js strings.Builder
	if err := st.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"key":"P1%2FX/G1"`) {
		t.Error("the JSON statement does not carry the escaped key")
	}
}

// TestKeysOfRecordsWithoutKeysFromTwoFiles: records with no key fields are
// named by their rows; two files of the same data have the same rows, and
// on the same day even the date leaves their keys alike, so each key
// carries where its record was read.
func TestKeysOfRecordsWithoutKeysFromTwoFiles(t *testing.T) {
	contract := `contract "Keyless" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data visit "A visit" {
  day  date
  mins int
}

payment pay "Minutes paid" {
  for    visit
  amount = £1.00 * visit.mins
}
`
	st := mustEvalText(t, contract, "2026-05", "a.csv", "day,mins\n2026-05-01,10\n2026-05-02,5\n", "b.csv", "day,mins\n2026-05-01,20\n2026-05-03,7\n")
	wantLines(t, st, []line{
		// Row 2 of each file, both on 1 May: told apart by file.
		{"pay", "payment", "row 2@a.csv:2", "10.00"},
		// Row 3 of each, on 2 and 3 May: told apart by date.
		{"pay", "payment", "row 3@2026-05-02", "5.00"},
		{"pay", "payment", "row 2@b.csv:2", "20.00"},
		{"pay", "payment", "row 3@2026-05-03", "7.00"},
	})
}
