package forecast

import (
	"strings"
	"testing"

	"github.com/occ-lang/occ/lang"
)

// baseScenario is a valid scenario for the individual-outcomes contract;
// the error cases below each change one line of it. Keep its lines where
// they are: the expected messages name them.
const baseScenario = `cohort:
  size: 20
  joiners: 1
  leavers: 1
data:
  review:
    planned_hours: {uniform: [20, 40], places: 1, per: person}
    actual_hours: {uniform: [0.9, 1.0], times: planned_hours, places: 1}
    missed_visits: {categorical: {0: 8, 3: 2}}
    satisfaction: {chance: 0.8, categorical: {3: 1, 4: 2, 5: 2}}
    goals: {count: {uniform: [0, 2]}}
  goal:
    status: {categorical: {achieved: 0.5, partly: 0.2, not_met: rest}}
    agreed_on: {days: {uniform: [-90, -10]}}
    met_on: {when: {status: achieved}, from: agreed_on, days: {normal: {mean: 40, sd: 10, min: 5, max: 90}}}
`

// edit returns baseScenario with line n (from 1) replaced by text, or
// with text inserted before line n when insert is set.
func edit(n int, text string) string {
	lines := strings.Split(baseScenario, "\n")
	lines[n-1] = text
	return strings.Join(lines, "\n")
}

func TestBaseScenarioIsValid(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	if _, err := ParseScenario(c, "s.yaml", []byte(baseScenario)); err != nil {
		t.Fatal(err)
	}
}

// TestScenarioErrors pins the message of each kind of mistake: the file,
// line and column, where in the scenario in words, and what is wrong.
func TestScenarioErrors(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	for _, tc := range scenarioCases() {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScenario(c, "s.yaml", []byte(tc.src))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
			ds, ok := err.(lang.Diagnostics)
			if !ok {
				t.Fatalf("%T is not lang.Diagnostics", err)
			}
			for _, d := range ds {
				checkSpan(t, d, tc.src)
			}
		})
	}
}

type scenarioCase struct{ name, src, want string }

func scenarioCases() []scenarioCase {
	return []scenarioCase{
		{"unknown field", edit(8, "    actual_hour: {uniform: [0.9, 1.0], times: planned_hours, places: 1}"), `s.yaml:6:3: error: data review: the contract reads field actual_hours, but the scenario gives no distribution for it; give it (write blank for an optional field that is always empty) [scenario-missing]
s.yaml:8:5: error: data review: data review has no field "actual_hour"; did you mean "actual_hours"? [scenario-unknown-key]`},
		{"unknown data", edit(12, "  gaol:"), `s.yaml:11:5: error: data goal: the contract reads fields status, agreed_on and met_on of data goal, but the scenario does not give data goal; add goal: with a distribution for each [scenario-missing]
s.yaml:12:3: error: data: the contract has no data "gaol"; did you mean "goal"? [scenario-unknown-key]`},
		{"probability above 1", edit(10, "    satisfaction: {chance: 1.2, categorical: {3: 1, 4: 2, 5: 2}}"), `s.yaml:10:28: error: data review, field satisfaction, chance: a probability must lie between 0 and 1 (or 0% and 100%); 1.2 is outside [scenario-bad-value]`},
		{"negative probability", edit(15, "    met_on: {when: {status: achieved}, from: agreed_on, days: 30, chance: -10%}"), `s.yaml:15:75: error: data goal, field met_on, chance: a probability must lie between 0 and 1 (or 0% and 100%); -0.1 is outside [scenario-bad-value]`},
		{"out of range", edit(7, "    planned_hours: {uniform: [20, 500]}"), `s.yaml:7:30: error: data review, field planned_hours: the distribution can produce 20 .. 500, outside the range of planned_hours (0 .. 400); keep its bounds inside the range [scenario-bad-value]
s.yaml:8:29: error: data review, field actual_hours: the distribution can produce 18 .. 500, outside the range of actual_hours (0 .. 400); keep its bounds inside the range [scenario-bad-value]`},
		{"normal without bounds", edit(7, "    planned_hours: {normal: {mean: 30, sd: 5}}"), `s.yaml:7:29: error: data review, field planned_hours, normal: a normal distribution needs bounds: give min and max (inside the field's range) as well as mean and sd [scenario-missing]`},
		{"normal bounds outside range", edit(7, "    planned_hours: {normal: {mean: 30, sd: 5, min: -5, max: 60}}"), `s.yaml:7:29: error: data review, field planned_hours: the distribution can produce -5 .. 60, outside the range of planned_hours (0 .. 400); keep its bounds inside the range [scenario-bad-value]
s.yaml:8:29: error: data review, field actual_hours: the distribution can produce -5 .. 60, outside the range of actual_hours (0 .. 400); keep its bounds inside the range [scenario-bad-value]`},
		{"fixed outside range", edit(9, "    missed_visits: 250"), `s.yaml:9:20: error: data review, field missed_visits: 250 is outside the range of missed_visits (0 .. 200) [scenario-bad-value]`},
		{"categorical outside range", edit(10, "    satisfaction: {chance: 0.8, categorical: {3: 1, 4: 2, 6: 2}}"), `s.yaml:10:46: error: data review, field satisfaction: the distribution can produce 3 .. 6, outside the range of satisfaction (1 .. 5); keep its bounds inside the range [scenario-bad-value]`},
		{"times outside range", edit(8, "    actual_hours: {uniform: [0.9, 12], times: planned_hours}"), `s.yaml:8:29: error: data review, field actual_hours: the distribution can produce 18 .. 480, outside the range of actual_hours (0 .. 400); keep its bounds inside the range [scenario-bad-value]`},
		{"not an enum value", edit(13, "    status: {categorical: {achieved: 0.5, parly: 0.2, not_met: rest}}"), `s.yaml:13:43: error: data goal, field status, categorical: "parly" is not a value of status; it is one of achieved, partly, not_met or not_feasible; did you mean "partly"? [scenario-bad-value]`},
		{"weights all zero", edit(9, "    missed_visits: {categorical: {0: 0, 3: 0}}"), `s.yaml:9:34: error: data review, field missed_visits, categorical: the weights are all 0; give at least one a positive weight [scenario-bad-value]`},
		{"negative weight", edit(9, "    missed_visits: {categorical: {0: 8, 3: -2}}"), `s.yaml:9:44: error: data review, field missed_visits, categorical, weight of 3: a weight cannot be negative [scenario-bad-value]`},
		{"rest below zero", edit(13, "    status: {categorical: {achieved: 0.9, partly: 0.2, not_met: rest}}"), `s.yaml:13:65: error: data goal, field status, categorical, weight of not_met: rest is 1 minus the other weights, but they add up to 1.1, more than 1 [scenario-bad-value]`},
		{"empty cohort", strings.Replace(edit(3, "  joiners: 0"), "size: 20", "size: 0", 1), `s.yaml:2:3: error: cohort: the cohort is empty: size is 0 and nobody joins, so there is nothing to forecast; give a size or joiners [scenario-bad-value]`},
		{"chance on a required field", edit(9, "    missed_visits: {chance: 0.5, categorical: {0: 8, 3: 2}}"), `s.yaml:9:29: error: data review, field missed_visits, chance: missed_visits is required, so it is always present; chance is for optional fields [scenario-bad-value]`},
		{"per person on nested data", edit(14, "    agreed_on: {days: {uniform: [-90, -10]}, per: person}"), `s.yaml:14:51: error: data goal, field agreed_on, per: per: person is for fields of the monthly data; goal is nested in review [scenario-bad-value]`},
		{"count above the list's maximum", edit(11, "    goals: {count: {uniform: [0, 25]}}"), `s.yaml:11:30: error: data review, field goals, count: the count can be 0 .. 25; it must lie between 0 and 20 [scenario-bad-value]`},
		{"missing field", edit(9, ""), `s.yaml:6:3: error: data review: the contract reads field missed_visits, but the scenario gives no distribution for it; give it (write blank for an optional field that is always empty) [scenario-missing]`},
		{"generated field given", edit(9, "    person: P1"), `s.yaml:6:3: error: data review: the contract reads field missed_visits, but the scenario gives no distribution for it; give it (write blank for an optional field that is always empty) [scenario-missing]
s.yaml:9:5: error: data review, field person: person is made from the cohort's people; remove it from the scenario [scenario-unknown-key]`},
		{"unknown var", edit(10, "    satisfaction: {chance: $satisfied, categorical: {3: 1, 4: 2, 5: 2}}"), `s.yaml:10:28: error: data review, field satisfaction, chance: no var named "satisfied" under vars [scenario-unknown-key]`},
		{"two distributions", edit(7, "    planned_hours: {uniform: [20, 40], fixed: 30}"), `s.yaml:7:21: error: data review, field planned_hours: give one distribution, not both fixed and uniform [scenario-bad-value]`},
		{"unknown key", edit(7, "    planned_hours: {uniform: [20, 40], place: 1}"), `s.yaml:7:40: error: data review, field planned_hours: unknown key "place"; expected fixed, uniform, normal, categorical, bernoulli, chance, when, per, places, times, from, days or count; did you mean "places"? [scenario-unknown-key]`},
		{"bad yaml", edit(7, "    planned_hours: {uniform: [20, 40]"), `s.yaml:7:1: error: not valid YAML: did not find expected ',' or '}' [scenario-yaml]`},
	}
}

// checkSpan checks that a diagnostic's span is consistent with the file:
// its offsets are those of its lines and columns, and a span that is not
// empty covers one plain scalar's text on one line.
func checkSpan(t *testing.T, d lang.Diagnostic, src string) {
	t.Helper()
	s := d.Span
	if s.File != "s.yaml" || !s.IsValid() || s.Start.Col < 1 {
		t.Errorf("%s: span %+v", d.Message, s)
		return
	}
	lines := strings.SplitAfter(src, "\n")
	off := 0
	for _, l := range lines[:s.Start.Line-1] {
		off += len(l)
	}
	off += len(string([]rune(lines[s.Start.Line-1])[:s.Start.Col-1]))
	if s.Start.Offset != off {
		t.Errorf("%s: offset %d, but line %d column %d is at %d", d.Message, s.Start.Offset, s.Start.Line, s.Start.Col, off)
	}
	if s.End == s.Start {
		return
	}
	text := src[s.Start.Offset:s.End.Offset]
	if s.End.Line != s.Start.Line || s.End.Col != s.Start.Col+len([]rune(text)) || strings.ContainsAny(text, " \n:{}[],") {
		t.Errorf("%s: span %s .. %d:%d covers %q", d.Message, s, s.End.Line, s.End.Col, text)
	}
}

// TestScenarioSpan: a diagnostic about a plain key or value spans its
// text; one about a mapping points at its start.
func TestScenarioSpan(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	_, err := ParseScenario(c, "s.yaml", []byte(edit(10, "    satisfaction: {chance: 1.25, categorical: {3: 1, 4: 2, 5: 2}}")))
	ds, _ := err.(lang.Diagnostics)
	if len(ds) != 1 {
		t.Fatalf("got %v", err)
	}
	if s := ds[0].Span; s.Start.Line != 10 || s.Start.Col != 28 || s.End.Line != 10 || s.End.Col != 32 {
		t.Errorf("the span of 1.25 is %d:%d .. %d:%d, want 10:28 .. 10:32", s.Start.Line, s.Start.Col, s.End.Line, s.End.Col)
	}
	_, err = ParseScenario(c, "s.yaml", []byte(edit(7, "    planned_hours: {normal: {mean: 30, sd: 5}}")))
	ds, _ = err.(lang.Diagnostics)
	if len(ds) != 1 || ds[0].Span.End != ds[0].Span.Start || ds[0].Span.Start.Col != 29 {
		t.Errorf("a mapping's span: %+v", ds)
	}
}
