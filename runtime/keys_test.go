package runtime_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/occ-lang/occ/runtime"
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

// TestKeysRepeatWithinPeriod: a review's key leaves out its date, so two
// reviews of one person in one month have the same key, and each of
// their lines and flags, and those of their goals, carries the review's
// date; another person's, and those of a month with one review each, do
// not.
func TestKeysRepeatWithinPeriod(t *testing.T) {
	contract := `contract "Twice a month" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data review "A review" {
  person text key
  day    date key
  hours  int
  goals  list goal max 5
}

data goal "A goal" {
  goal   text key
  status achieved | not_met
}

payment hours "Hours" {
  for    review
  amount = £1.00 * review.hours
}

incentive fee "Goal achieved" {
  for    goal
  when   goal.status == "achieved"
  amount = £10.00
}

flag unmet "Goal not met" {
  for  goal
  when goal.status == "not_met"
}
`
	reviews := "person,day,hours\nP1,2026-05-01,3\nP1,2026-05-15,4\nP2,2026-05-01,5\nP1,2026-06-01,6\nP2,2026-06-01,7\n"
	goals := "person,day,goal,status\n" +
		"P1,2026-05-01,G1,achieved\n" +
		"P1,2026-05-15,G1,not_met\n" +
		"P1,2026-05-15,G2,achieved\n" +
		"P2,2026-05-01,G1,not_met\n" +
		"P1,2026-06-01,G1,not_met\n" +
		"P2,2026-06-01,G1,not_met\n"
	files := []string{"reviews.csv", reviews, "goals.csv", goals}
	may := mustEvalText(t, contract, "2026-05", files...)
	wantLines(t, may, []line{
		{"hours", "payment", "P1@2026-05-01", "3.00"},
		{"hours", "payment", "P1@2026-05-15", "4.00"},
		{"hours", "payment", "P2", "5.00"},
		// P1's G1 of 1 May is paid, of 15 May flagged: each key is one
		// of its rule's in the month, so neither carries a date.
		{"fee", "incentive", "P1/G1", "10.00"},
		{"fee", "incentive", "P1/G2", "10.00"},
	})
	if got, want := flagKeys(may), []string{"unmet P1/G1", "unmet P2/G1"}; !slices.Equal(got, want) {
		t.Errorf("May's flags %q, want %q", got, want)
	}
	june := mustEvalText(t, contract, "2026-06", files...)
	wantLines(t, june, []line{
		{"hours", "payment", "P1", "6.00"},
		{"hours", "payment", "P2", "7.00"},
	})
	if got, want := flagKeys(june), []string{"unmet P1/G1", "unmet P2/G1"}; !slices.Equal(got, want) {
		t.Errorf("June's flags %q, want %q", got, want)
	}
}

// TestKeysRepeatNestedWithinPeriod: goals of two reviews of one person in
// one month with the same key carry their review's date, as lines and as
// flags.
func TestKeysRepeatNestedWithinPeriod(t *testing.T) {
	contract := `contract "Goals twice a month" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data review "A review" {
  person text key
  day    date key
  goals  list goal max 5
}

data goal "A goal" {
  goal   text key
  status achieved | not_met
}

incentive fee "Goal achieved" {
  for    goal
  when   goal.status == "achieved"
  amount = £10.00
}

flag unmet "Goal not met" {
  for  goal
  when goal.status == "not_met"
}
`
	reviews := "person,day\nP1,2026-05-01\nP1,2026-05-15\nP2,2026-05-01\n"
	goals := "person,day,goal,status\n" +
		"P1,2026-05-01,G1,achieved\n" +
		"P1,2026-05-15,G1,achieved\n" +
		"P1,2026-05-01,G2,not_met\n" +
		"P1,2026-05-15,G2,not_met\n" +
		"P2,2026-05-01,G1,achieved\n"
	st := mustEvalText(t, contract, "2026-05", "reviews.csv", reviews, "goals.csv", goals)
	wantLines(t, st, []line{
		{"fee", "incentive", "P1/G1@2026-05-01", "10.00"},
		{"fee", "incentive", "P1/G1@2026-05-15", "10.00"},
		{"fee", "incentive", "P2/G1", "10.00"},
	})
	if got, want := flagKeys(st), []string{"unmet P1/G2@2026-05-01", "unmet P1/G2@2026-05-15"}; !slices.Equal(got, want) {
		t.Errorf("flags %q, want %q", got, want)
	}
}

// flagKeys returns each of the statement's flags as its rule and key.
func flagKeys(st *runtime.Statement) []string {
	var out []string
	for _, f := range st.Flags {
		out = append(out, f.Rule+" "+f.Key)
	}
	return out
}
