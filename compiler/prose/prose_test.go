package prose_test

import (
	"testing"

	"cel.dev/cel-go/common/types"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/prose"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// contract is the head of a contract each case adds one rule to.
const contract = `contract "Test" {
  commissioner "A Council"
  provider     "A Provider"
  term         2026-04-01 .. 2027-03-31
  settlement   monthly
  currency     GBP
  rounding     half_up
}

param rate "Price per hour" = £19.60
param big "A large amount" = £1,250.50
param bonus "Uplift" = 25%
param within "Quick" = 42 days
param from "Lowest score" = 4
param start "Start" = 2026-04-01

data review "A review" {
  person       text key
  month        date key
  hours        decimal 0 .. 400
  missed       int 0 .. 200
  satisfaction optional int 1 .. 5
  verified     bool
  code         text
  goals        list goal max 20
}

data goal "A goal" {
  goal      text key
  status    achieved | not_met
  agreed_on date
  met_on    optional date
}

payment hours "Hours delivered" {
  for    review
  amount = review.hours * rate
}
`

// compileWith compiles the contract with one more declaration and returns
// the rule it declares, named r.
func compileWith(t *testing.T, decl string) (*compiler.Contract, *compiler.Rule) {
	t.Helper()
	f, ds := lang.Parse("test.occ", []byte(contract+"\n"+decl+"\n"))
	if ds.HasErrors() {
		t.Fatalf("%s\n%v", decl, ds)
	}
	c, ds := compiler.Compile([]*lang.File{f})
	if c == nil {
		t.Fatalf("%s\n%v", decl, ds)
	}
	return c, c.Rule("r")
}

// TestExpr writes one expression of each construct the language has, as
// the value of a let or the amount or condition of a rule.
func TestExpr(t *testing.T) {
	forReview := func(e string) string { return "let r {\n  for review\n  value = " + e + "\n}" }
	forGoal := func(e string) string { return "let r {\n  for goal\n  value = " + e + "\n}" }
	perMonth := func(e string) string { return "let r {\n  per month\n  value = " + e + "\n}" }
	for _, c := range []struct{ decl, want string }{
		// Fields of the rule's own record lose the record's name; params
		// are shown as written.
		{forReview("review.hours * rate"), "the hours × £19.60"},
		{forReview("review.hours * rate + big"), "the hours × £19.60 + £1,250.50"},
		// Brackets where the order of operations needs them, and only there.
		{forReview("(review.hours - 1) * rate"), "(the hours - 1) × £19.60"},
		{forReview("review.hours - (1 - 0.5)"), "the hours - (1 - 0.5)"},
		{forReview("review.hours / 60 / 2"), "the hours ÷ 60 ÷ 2"},
		{forReview("review.hours / (60 / 2)"), "the hours ÷ (60 ÷ 2)"},
		{forReview("-review.hours"), "-the hours"},
		{forReview("review.missed % 2"), "the remainder of the missed ÷ 2"},
		// Literals as commissioners write them.
		{forReview("£19.60 * (1 + 12.5%)"), "£19.60 × (1 + 12.5%)"},
		{forReview("£1,250 + £0.125"), "£1,250.00 + £0.125"},
		{forReview("review.month + 6 weeks"), "the month + 42 days"},
		{forReview("review.month <= 2026-05-01"), "the month is on or before 1 May 2026"},
		{forReview("review.month > start"), "the month is after 1 April 2026"},
		{forReview("review.hours * 1.5"), "the hours × 1.5"},
		{forReview("review.missed > 1000"), "the missed is more than 1,000"},
		// Comparisons.
		{forReview("review.missed > 2"), "the missed is more than 2"},
		{forReview("review.missed >= from"), "the missed is at least 4"},
		{forReview("review.missed < 2"), "the missed is less than 2"},
		{forReview("review.missed <= 2"), "the missed is at most 2"},
		{forReview("review.missed == 2"), "the missed is 2"},
		{forReview("review.code != \"X\""), `the code is not "X"`},
		{forReview("review.code in [\"P1\", \"P2\"]"), `the code is one of "P1" or "P2"`},
		// Conditions.
		{forReview("review.missed > 2 && review.hours > 1.0"), "the missed is more than 2 and the hours is more than 1.0"},
		{forReview("review.missed > 2 || review.missed == 0"), "the missed is more than 2 or the missed is 0"},
		{forReview("(review.missed > 2 || review.missed == 0) && review.verified"), "(the missed is more than 2 or the missed is 0) and verified is yes"},
		{forReview("review.missed > 2 || review.missed == 0 && review.verified"), "the missed is more than 2 or (the missed is 0 and verified is yes)"},
		{forReview("!review.verified"), "verified is no"},
		{forReview("review.verified == false"), "verified is no"},
		{forReview("!(review.missed > 2)"), "not (the missed is more than 2)"},
		{forReview("has(review.satisfaction) && review.satisfaction >= 4"), "the satisfaction is given and the satisfaction is at least 4"},
		{forReview("!has(review.satisfaction)"), "the satisfaction is not given"},
		{forReview("review.code.startsWith(\"TEST\")"), `the code starts with "TEST"`},
		{forReview("review.code.endsWith(\"X\")"), `the code ends with "X"`},
		{forReview("review.month.month() == 4"), "the month of the month is 4"},
		// Choices.
		{forReview("review.missed > 2 ? £5.00 : £0.00"), "if the missed is more than 2 then £5.00, otherwise £0.00"},
		{forReview("review.missed > 9 ? £9.00 : review.missed > 2 ? £5.00 : £0.00"), "if the missed is more than 9 then £9.00, otherwise if the missed is more than 2 then £5.00, otherwise £0.00"},
		{forReview("rate * (review.verified ? 2 : 1)"), "£19.60 × (if verified is yes then 2, otherwise 1)"},
		// Functions.
		{forReview("min(review.hours, 10.0)"), "the smaller of the hours and 10.0"},
		{forReview("max(review.hours, 10.0, 2 * review.hours)"), "the largest of the hours, 10.0 and 2 × the hours"},
		{forReview("max(review.hours - 10, 0) * rate"), "(the larger of (the hours - 10) and 0) × £19.60"},
		{forReview("abs(review.hours - 10)"), "(the hours - 10) without its sign"},
		{forReview("round(review.hours * rate, 2)"), "(the hours × £19.60) rounded half up to 2 decimal places"},
		{forReview("round_half_even(review.hours, 0)"), "the hours rounded half to even to a whole number"},
		{forReview("ceil(review.hours / 15) * 15"), "((the hours ÷ 15) rounded up to a whole number) × 15"},
		{forReview("floor(review.hours)"), "the hours rounded down to a whole number"},
		{forReview("trunc(review.hours)"), "the hours with any fraction dropped"},
		{forReview("decimal(review.missed) + review.hours"), "the missed + the hours"},
		{forReview("money(review.hours)"), "the hours"},
		{forReview("days(review.missed)"), "the missed days"},
		{forReview("ratio(review.missed, 10)"), "the missed out of 10"},
		{forReview("size(review.goals)"), "the number of goals"},
		{forReview("size(review.code)"), "the length of the code"},
		{forReview("review.goals.exists(g, g.status == \"achieved\")"), `at least one of the goals is such that the status is "achieved"`},
		{forReview("review.goals.all(g, g.status == \"achieved\")"), `every one of the goals is such that the status is "achieved"`},
		// Aggregates, with the records they range over.
		{forReview("count(goal)"), "the number of goals"},
		{forReview("count(goal, goal.status == \"achieved\") * £10"), `(the number of goals where the status is "achieved") × £10.00`},
		{perMonth("sum(review, review.hours)"), "the total of the hours over the reviews"},
		{perMonth("sum(review, review.hours, review.verified)"), "the total of the hours over the reviews where verified is yes"},
		{perMonth("avg(review, review.hours)"), "the average of the hours over the reviews"},
		{perMonth("max(review, review.missed)"), "the largest missed over the reviews"},
		{perMonth("min(review, review.hours, review.verified)"), "the smallest hours over the reviews where verified is yes"},
		{perMonth("ratio(review, review.verified)"), "the share of reviews where verified is yes"},
		{perMonth("ratio(review, review.satisfaction >= 4, has(review.satisfaction))"), "among the reviews where the satisfaction is given, the share where the satisfaction is at least 4"},
		// Dates of the record and of a record around it.
		{forGoal("has(goal.met_on) && goal.met_on - goal.agreed_on <= within"), "the date met is given and the days from the date agreed to the date met is at most 42 days"},
		{forGoal("review.month"), "the review's month"},
		// Rules read by name, and the names of a period.
		{forReview("hours * 5%"), "“Hours delivered” × 5%"},
		{perMonth("first ? £0 : previous(r)"), "if this is the first month of the term then £0.00, otherwise the r in the previous month"},
		{perMonth("period_number > 3 ? previous(r, 3) : £0"), "if the number of the month in the term is more than 3 then the r 3 months before, otherwise £0.00"},
		{perMonth("sum_previous(r, 12)"), "the total of the r over the 12 months before"},
		{perMonth("period_end - period_start"), "the days from the first day of the month to the last day of the month"},
	} {
		cc, r := compileWith(t, c.decl)
		got, err := prose.New(cc).Expr(r, r.Value)
		if err != nil {
			t.Errorf("%s: %v", c.decl, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.decl, got, c.want)
		}
	}
}

// TestValue writes each kind of value as a commissioner writes it.
func TestValue(t *testing.T) {
	c, _ := compileWith(t, "")
	w := prose.New(c)
	for _, v := range []struct {
		got, want string
	}{
		{w.Value(value.MoneyOf(value.MustParseDecimal("19.6")), false), "£19.60"},
		{w.Value(value.MoneyOf(value.MustParseDecimal("905000")), false), "£905,000.00"},
		{w.Value(value.MoneyOf(value.MustParseDecimal("-5")), false), "-£5.00"},
		{w.Value(value.MoneyOf(value.MustParseDecimal("0.125")), false), "£0.125"},
		{w.Value(value.MustParseDecimal("0.25"), true), "25%"},
		{w.Value(value.MustParseDecimal("0.125"), true), "12.5%"},
		{w.Value(value.MustParseDecimal("1.00"), true), "100%"},
		{w.Value(value.MustParseDecimal("0.5"), false), "0.5"},
		{w.Value(types.Int(1250), false), "1,250"},
		{w.Value(value.MustParseDate("2026-04-01"), false), "1 April 2026"},
		{w.Value(value.Days(42), false), "42 days"},
		{w.Value(value.Days(1), false), "1 day"},
		{w.Value(types.True, false), "yes"},
		{w.Value(types.String("achieved"), false), `"achieved"`},
		{w.Param(c.Param("bonus")), "25%"},
		{w.Param(c.Param("rate")), "£19.60"},
		{w.Param(c.Param("start")), "1 April 2026"},
		{w.Term(), "1 April 2026 to 31 March 2027"},
		{w.Field(c.Schema("review").FieldByName("hours")), "a number from 0 to 400"},
		{w.Field(c.Schema("review").FieldByName("satisfaction")), "a whole number from 1 to 5; may be blank"},
		{w.Field(c.Schema("review").FieldByName("person")), "text; part of the record's key"},
		{w.Field(c.Schema("review").FieldByName("goals")), "up to 20 goals"},
		{w.Field(c.Schema("goal").FieldByName("status")), `one of "achieved" or "not_met"`},
		{w.Field(c.Schema("review").FieldByName("verified")), "yes or no"},
		{prose.Plural("category"), "categories"},
		{prose.Plural("day"), "days"},
		{prose.Plural("status"), "statuses"},
	} {
		if v.got != v.want {
			t.Errorf("got %q, want %q", v.got, v.want)
		}
	}
}

// TestRule writes each kind of rule as a sentence.
func TestRule(t *testing.T) {
	for _, c := range []struct{ decl, want string }{
		{"payment r \"Block\" {\n  per month\n  amount = £100\n}", "In each month: £100.00."},
		{"incentive r \"Quick\" {\n  for goal\n  when goal.status == \"achieved\"\n  amount = £240\n}", `For each goal, when the status is "achieved": £240.00.`},
		{"sanction r \"Missed\" {\n  for review\n  when review.missed > 2\n  amount = hours * 5%\n}", "For each review, when the missed is more than 2: “Hours delivered” × 5%, deducted from the payment."},
		{"share r \"Saving\" {\n  for review\n  basis = (400 - review.hours) * rate\n  part = 50%\n}", "For each review: the provider is paid 50% of (400 - the hours) × £19.60."},
		{"share r \"Saving\" {\n  per month\n  basis = hours - £10\n  part = 50%\n}", "In each month: the provider is paid 50% of (“Hours delivered” - £10.00)."},
		{"cap r \"Cap\" {\n  per period\n  covers hours\n  limit = £1,000\n}", "In each month, “Hours delivered” pays at most £1,000.00; anything above that is taken off."},
		{"floor r \"Floor\" {\n  per person\n  covers hours\n  limit = £10\n}", "For each person, over the term, “Hours delivered” pays at least £10.00; any shortfall is added."},
		{"standard r \"Verified\" {\n  per quarter\n  measure = ratio(review, review.verified)\n  target >= 90%\n  breach \"Performance notice\"\n  repeated 2 \"Contract review\"\n}",
			"In each contract quarter, the share of reviews where verified is yes must be at least 90%. If it is not: performance notice. After 2 breaches in a row: contract review."},
		{"flag r \"Odd\" {\n  for review\n  when review.hours > 300.0\n}", "For each review, when the hours is more than 300.0: the review is flagged for attention."},
		{"exclude r \"Test records\" {\n  for review\n  when review.code.startsWith(\"TEST\")\n}", `A review is left out of the payment when the code starts with "TEST".`},
		{"let r \"Budget\" {\n  per year\n  value = first ? £900 : previous(r) * 95%\n}", "In each contract year, “Budget” is: if this is the first contract year of the term then £900.00, otherwise (“Budget” in the previous contract year) × 95%."},
		{"payment r \"Instalment\" {\n  per year\n  amount = £1,200\n  instalments monthly\n}", "In each contract year: £1,200.00, paid in equal monthly instalments, the last taking any remainder."},
		{"let r \"Total\" {\n  per term\n  value = hours\n}", "Over the whole term, “Total” is “Hours delivered”."},
	} {
		cc, r := compileWith(t, c.decl)
		got, err := prose.New(cc).Rule(r)
		if err != nil {
			t.Errorf("%s: %v", c.decl, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.decl, got, c.want)
		}
	}
}
