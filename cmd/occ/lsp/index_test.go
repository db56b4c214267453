package lsp

import (
	"strings"
	"testing"

	"github.com/occ-lang/occ/lang"
)

// scanNames finds the names an expression reads, and the fields it selects
// from a name, and nothing in strings, comments, calls or units.
func TestScanNames(t *testing.T) {
	cases := []struct {
		src  string
		want string // name or qual.name, space separated
	}{
		{`review.actual_hours * hourly_rate`, "review review.actual_hours hourly_rate"},
		{`has(review.satisfaction) && review.satisfaction >= satisfied_from`,
			"review review.satisfaction review review.satisfaction satisfied_from"},
		{`goal.status == "achieved"`, "goal goal.status"},
		{`goal.status == "goal.x hourly_rate"`, "goal goal.status"},
		{`x == 'it''s'`, "x"},
		{`x == """a "b" c""" + y`, "x y"},
		{`r"\d+" + z`, "z"}, // raw: the backslash escapes nothing
		{`r"\" + z`, "z"},
		{`"\"" + after`, "after"},
		{`goal.met_on - goal.agreed_on <= quick_within`, "goal goal.met_on goal goal.agreed_on quick_within"},
		{`review.goals.exists(g, g.status == "achieved")`, "review review.goals g g g.status"},
		{`review.person.startsWith("N")`, "review review.person"},
		{`count(review, review.missed_visits > 2)`, "review review review.missed_visits"},
		{`sum (review, review.actual_hours)`, "review review review.actual_hours"},
		{`42 days + 1.5 * w`, "w"},
		{`£240.00 * (1 + quick_bonus)`, "quick_bonus"},
		{`(a).b`, "a"},
		{"hours * missed_rate // hours is the line\n + x", "hours missed_rate x"},
		{"review\n  .month", "review review.month"},
		{`first ? budget : previous(budget) * (1 - yearly_cut)`, "first budget budget yearly_cut"},
	}
	for _, c := range cases {
		var got []string
		scanNames(c.src, func(start, end int, qual string) {
			name := c.src[start:end]
			if qual != "" {
				name = qual + "." + name
			}
			got = append(got, name)
		})
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("scanNames(%q) = %q, want %q", c.src, g, c.want)
		}
	}
}

const indexSrc = `contract "C" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

param rate "Rate" = £19.60

data review "Review" {
  person text key
  month  date key
  hours  decimal 0 .. 400
  goals  list goal
}

data goal "Goal" {
  goal   text key
  status met | unmet
}

payment pay "Pay" {
  for    review
  amount = review.hours * rate
}

incentive bonus "Bonus" {
  for    goal
  when   goal.status == "met"
  amount = rate
}

cap limit_bonus "Cap" {
  covers bonus, pay
  limit  = pay * 10%
}

test "t" {
  set rate = £20.00
  review {
    person = "P1"
    hours  = 2
    goal { goal = "G1"  status = "met" }
  }
  expect line pay "P1" == £40.00
}
`

// The index maps every written name to its declaration, in clauses, test
// blocks and expressions alike.
func TestIndex(t *testing.T) {
	f, ds := lang.Parse("c.occ", []byte(indexSrc))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	ix := buildIndex([]*lang.File{f})
	// uses lists each occurrence of a name as the text of its line, with the
	// name in brackets.
	uses := func(sym *symbol) []string {
		var out []string
		for _, p := range ix.uses(sym) {
			lineStart := strings.LastIndexByte(indexSrc[:p.start], '\n') + 1
			lineEnd := p.end + strings.IndexByte(indexSrc[p.end:], '\n')
			out = append(out, strings.TrimSpace(indexSrc[lineStart:p.start]+"["+indexSrc[p.start:p.end]+"]"+indexSrc[p.end:lineEnd]))
		}
		return out
	}
	check := func(sym *symbol, want ...string) {
		t.Helper()
		if sym == nil {
			t.Fatal("no symbol")
		}
		got := uses(sym)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("uses of %s:\n%s\nwant:\n%s", sym.name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	check(ix.lookup("rate"),
		`param [rate] "Rate" = £19.60`,
		`amount = review.hours * [rate]`,
		`amount = [rate]`,
		`set [rate] = £20.00`)
	check(ix.schema("goal"),
		`goals  list [goal]`,
		`data [goal] "Goal" {`,
		`for    [goal]`,
		`when   [goal].status == "met"`,
		`[goal] { goal = "G1"  status = "met" }`)
	check(ix.schema("goal").fields["goal"],
		`[goal]   text key`,
		`goal { [goal] = "G1"  status = "met" }`)
	check(ix.schema("review").fields["hours"],
		`[hours]  decimal 0 .. 400`,
		`amount = review.[hours] * rate`,
		`[hours]  = 2`)
	check(ix.rule("pay"),
		`payment [pay] "Pay" {`,
		`covers bonus, [pay]`,
		`limit  = [pay] * 10%`,
		`expect line [pay] "P1" == £40.00`)
	check(ix.rule("bonus"),
		`incentive [bonus] "Bonus" {`,
		`covers [bonus], pay`)
}
