package runtime_test

// Property tests: pseudo-random but reproducible review, goal and visit data
// (math/rand/v2 PCG with fixed seeds), evaluated on the real contracts in
// specs/, checked against
//
//   - reconciliation, recomputed here with exact rational arithmetic
//     (math/big), independent of the runtime's decimal type;
//   - determinism: identical JSON bytes across evaluations and worker
//     counts, with enough records to take the parallel path;
//   - the contracts' own invariants (caps, sanctions, flags);
//   - an independent model of each contract (an oracle) computing every
//     line, cap, flag, exclusion and record count;
//   - insensitivity to the order of the input rows.
//
// A failure names the seed; rerun one with -run 'TestProperty.*/seed=17'.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// propSeeds is how many seeds each property test runs.
const propSeeds = 50

func propSeedsFor(t *testing.T) int {
	if testing.Short() {
		return 5
	}
	return propSeeds
}

// ---------------------------------------------------------------------------
// Dates

var propTermStart = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

// propTermMonth returns the first day of month k of the term (k = 0 is April
// 2026; -1 and 12 lie outside the term).
func propTermMonth(k int) time.Time { return propTermStart.AddDate(0, k, 0) }

func propDay(t time.Time) string { return t.Format("2006-01-02") }

func propMonthLabel(k int) string { return propTermMonth(k).Format("2006-01") }

// propMonthIndex returns the term month holding t, or -1 outside the term.
func propMonthIndex(t time.Time) int {
	k := (t.Year()-2026)*12 + int(t.Month()) - 4
	if k < 0 || k > 11 {
		return -1
	}
	return k
}

// ---------------------------------------------------------------------------
// Exact arithmetic for the oracle and the reconciliation checks

func propRat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("bad number " + s)
	}
	return r
}

func propAddR(a, b *big.Rat) *big.Rat { return new(big.Rat).Add(a, b) }
func propSubR(a, b *big.Rat) *big.Rat { return new(big.Rat).Sub(a, b) }
func propMulR(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }
func propNegR(a *big.Rat) *big.Rat    { return new(big.Rat).Neg(a) }

// propRoundHalfUp rounds to the penny, halves away from zero.
func propRoundHalfUp(x *big.Rat) *big.Rat {
	n := new(big.Int).Mul(x.Num(), big.NewInt(100))
	d := x.Denom()
	neg := n.Sign() < 0
	n.Abs(n)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if new(big.Int).Mul(r, big.NewInt(2)).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, big.NewInt(100))
}

// propPennies formats an amount that is a whole number of pennies.
func propPennies(x *big.Rat) string {
	if !new(big.Rat).Mul(x, big.NewRat(100, 1)).IsInt() {
		panic("not a whole number of pennies: " + x.RatString())
	}
	return x.FloatString(2)
}

var propMoneyRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)\.[0-9]{2}$`)

// ---------------------------------------------------------------------------
// The statement as decoded from its JSON form

type propPStatement struct {
	Version int    `json:"version"`
	Period  string `json:"period"`
	Periods []struct {
		Period string `json:"period"`
		From   string `json:"from"`
		To     string `json:"to"`
		Total  string `json:"total"`
	} `json:"periods"`
	Lines     []propPLine `json:"lines"`
	Subtotals struct {
		ByKind []propPSub `json:"by_kind"`
		ByRule []propPSub `json:"by_rule"`
	} `json:"subtotals"`
	Caps     []propPCap     `json:"caps"`
	Flags    []propPFlag    `json:"flags"`
	Excluded []propPExclude `json:"excluded"`
	Records  propPRecords   `json:"records"`
	Total    string         `json:"total"`
}

type propPLine struct {
	Rule   string `json:"rule"`
	Kind   string `json:"kind"`
	Period string `json:"period"`
	Key    string `json:"key"`
	Amount string `json:"amount"`
	Source string `json:"source"`
}

type propPSub struct {
	Name   string `json:"name"`
	Amount string `json:"amount"`
	Lines  int    `json:"lines"`
}

type propPCap struct {
	Rule       string `json:"rule"`
	Instance   string `json:"instance"`
	Period     string `json:"period"`
	Covered    string `json:"covered"`
	Limit      string `json:"limit"`
	Adjustment string `json:"adjustment"`
}

type propPFlag struct {
	Rule   string `json:"rule"`
	Period string `json:"period"`
	Key    string `json:"key"`
	Source string `json:"source"`
}

type propPExclude struct {
	Data   string `json:"data"`
	Key    string `json:"key"`
	Source string `json:"source"`
	Period string `json:"period"`
	Reason string `json:"reason"`
}

type propPRecords struct {
	Input     int `json:"input"`
	Evaluated int `json:"evaluated"`
	Earlier   int `json:"earlier"`
	Later     int `json:"later"`
	Excluded  int `json:"excluded"`
}

// propEvalBytes evaluates and returns the statement's JSON bytes.
func propEvalBytes(t *testing.T, c *compiler.Contract, d *data.Set, period string, opts ...runtime.Option) []byte {
	t.Helper()
	p, err := runtime.New(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Eval(context.Background(), d, settleOf(t, p, period))
	if err != nil {
		t.Fatalf("eval %s: %v", period, err)
	}
	b, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// propEvalJSON evaluates and returns the statement's JSON bytes, decoded too.
func propEvalJSON(t *testing.T, c *compiler.Contract, d *data.Set, period string, opts ...runtime.Option) ([]byte, *propPStatement) {
	t.Helper()
	b := propEvalBytes(t, c, d, period, opts...)
	var ps propPStatement
	if err := json.Unmarshal(b, &ps); err != nil {
		t.Fatal(err)
	}
	return b, &ps
}

func propLoadInputs(t *testing.T, c *compiler.Contract, inputs ...data.Input) *data.Set {
	t.Helper()
	d, errs := data.Load(c, inputs)
	if len(errs) > 0 {
		t.Fatalf("generated data does not load:\n%v", errs)
	}
	return d
}

// propCheckReconcilesExactly recomputes every total of the statement from its
// lines with exact arithmetic, and checks the documented ordering: periods
// in order, then rules in the contract's order.
func propCheckReconcilesExactly(t *testing.T, c *compiler.Contract, s *propPStatement) {
	t.Helper()
	ruleIdx := map[string]int{}
	for i, r := range c.Rules {
		ruleIdx[r.Name] = i
	}
	periodIdx := map[string]int{}
	for i, p := range s.Periods {
		periodIdx[p.Period] = i
		if !propMoneyRE.MatchString(p.Total) || p.Total == "-0.00" {
			t.Errorf("period %s total %q is not a decimal string with two places", p.Period, p.Total)
		}
	}
	total := new(big.Rat)
	byKind := map[string]*big.Rat{}
	byRule := map[string]*big.Rat{}
	byPeriod := map[string]*big.Rat{}
	nKind, nRule := map[string]int{}, map[string]int{}
	for i, l := range s.Lines {
		if !propMoneyRE.MatchString(l.Amount) || l.Amount == "-0.00" {
			t.Fatalf("line %d (%s %s) amount %q is not a decimal string with two places", i, l.Rule, l.Key, l.Amount)
		}
		a := propRat(l.Amount)
		total = propAddR(total, a)
		for _, m := range []struct {
			sums map[string]*big.Rat
			name string
		}{{byKind, l.Kind}, {byRule, l.Rule}, {byPeriod, l.Period}} {
			if m.sums[m.name] == nil {
				m.sums[m.name] = new(big.Rat)
			}
			m.sums[m.name] = propAddR(m.sums[m.name], a)
		}
		nKind[l.Kind]++
		nRule[l.Rule]++
		if _, ok := periodIdx[l.Period]; !ok {
			t.Errorf("line %d (%s %s) is in period %q, which the statement does not list", i, l.Rule, l.Key, l.Period)
		}
		if _, ok := ruleIdx[l.Rule]; !ok {
			t.Errorf("line %d names rule %q, which the contract does not have", i, l.Rule)
		}
		if i > 0 {
			prev := s.Lines[i-1]
			if periodIdx[prev.Period] > periodIdx[l.Period] ||
				periodIdx[prev.Period] == periodIdx[l.Period] && ruleIdx[prev.Rule] > ruleIdx[l.Rule] {
				t.Errorf("line %d (%s %s %s) comes after (%s %s %s): lines are ordered by period, then rule", i,
					l.Period, l.Rule, l.Key, prev.Period, prev.Rule, prev.Key)
			}
		}
	}
	if got := propRat(s.Total); got.Cmp(total) != 0 {
		t.Errorf("total %s is not the sum of the lines %s", s.Total, propPennies(total))
	}
	checkSubs := func(what string, subs []propPSub, sums map[string]*big.Rat, counts map[string]int, order func(string) int) {
		seen := map[string]bool{}
		for i, sub := range subs {
			if seen[sub.Name] {
				t.Errorf("%s subtotal %s listed twice", what, sub.Name)
			}
			seen[sub.Name] = true
			if sums[sub.Name] == nil {
				t.Errorf("%s subtotal %s has no lines", what, sub.Name)
				continue
			}
			if propRat(sub.Amount).Cmp(sums[sub.Name]) != 0 || sub.Lines != counts[sub.Name] {
				t.Errorf("%s subtotal %s = %s over %d lines; its lines sum to %s over %d", what, sub.Name, sub.Amount, sub.Lines,
					propPennies(sums[sub.Name]), counts[sub.Name])
			}
			if i > 0 && order(subs[i-1].Name) > order(sub.Name) {
				t.Errorf("%s subtotals out of order: %s before %s", what, subs[i-1].Name, sub.Name)
			}
		}
		for name := range sums {
			if !seen[name] {
				t.Errorf("%s %s has lines but no subtotal", what, name)
			}
		}
	}
	kinds := []string{"payment", "incentive", "sanction", "share", "adjustment"}
	checkSubs("kind", s.Subtotals.ByKind, byKind, nKind, func(k string) int { return slices.Index(kinds, k) })
	checkSubs("rule", s.Subtotals.ByRule, byRule, nRule, func(r string) int { return ruleIdx[r] })
	for _, p := range s.Periods {
		want := byPeriod[p.Period]
		if want == nil {
			want = new(big.Rat)
		}
		if propRat(p.Total).Cmp(want) != 0 {
			t.Errorf("period %s total %s; its lines sum to %s", p.Period, p.Total, propPennies(want))
		}
	}
	for _, cp := range s.Caps {
		found := false
		for _, l := range s.Lines {
			if l.Rule == cp.Rule && l.Kind == "adjustment" && l.Period == cp.Period && l.Key == cp.Instance {
				found = true
				if l.Amount != cp.Adjustment {
					t.Errorf("cap %s %s: adjustment %s, its line %s", cp.Rule, cp.Period, cp.Adjustment, l.Amount)
				}
			}
		}
		if !found {
			t.Errorf("cap %s %s has no adjustment line", cp.Rule, cp.Period)
		}
	}
	r := s.Records
	if r.Input != r.Evaluated+r.Earlier+r.Later+r.Excluded {
		t.Errorf("records do not add up: %+v", r)
	}
}

// propCheckDeterministic evaluates again, and with 1, 2 and 8 workers, and
// compares the JSON bytes with want.
func propCheckDeterministic(t *testing.T, c *compiler.Contract, inputs []data.Input, period string, want []byte) {
	t.Helper()
	// Load the data again too: the loader must not depend on its hash seed.
	d := propLoadInputs(t, c, inputs...)
	runs := []struct {
		name string
		opts []runtime.Option
	}{
		{"again", nil},
		{"workers=1", []runtime.Option{runtime.WithWorkers(1)}},
		{"workers=2", []runtime.Option{runtime.WithWorkers(2)}},
		{"workers=8", []runtime.Option{runtime.WithWorkers(8)}},
	}
	for _, r := range runs {
		got := propEvalBytes(t, c, d, period, r.opts...)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the JSON statement differs (%s)", r.name, propFirstDiff(want, got))
		}
	}
}

func propFirstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < min(len(al), len(bl)); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d: %q vs %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines vs %d", len(al), len(bl))
}

// propWithoutSources returns the lines with their sources blanked, sorted.
func propWithoutSources(ls []propPLine) []propPLine {
	out := slices.Clone(ls)
	for i := range out {
		out[i].Source = ""
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Period+"\x00"+a.Rule+"\x00"+a.Key < b.Period+"\x00"+b.Rule+"\x00"+b.Key
	})
	return out
}

// propCheckSameButSources compares two statements of the same records given
// in different row orders: everything but the sources (and the order of
// records within one rule and period, which follows the input) is equal.
func propCheckSameButSources(t *testing.T, a, b *propPStatement) {
	t.Helper()
	la, lb := propWithoutSources(a.Lines), propWithoutSources(b.Lines)
	if !slices.Equal(la, lb) {
		t.Errorf("shuffled rows changed the lines: %d vs %d lines", len(la), len(lb))
		for i := 0; i < min(len(la), len(lb)); i++ {
			if la[i] != lb[i] {
				t.Errorf("first difference: %+v vs %+v", la[i], lb[i])
				break
			}
		}
	}
	if a.Total != b.Total || a.Records != b.Records {
		t.Errorf("shuffled rows changed the total or records: %s %+v vs %s %+v", a.Total, a.Records, b.Total, b.Records)
	}
	if !slices.Equal(a.Subtotals.ByKind, b.Subtotals.ByKind) || !slices.Equal(a.Subtotals.ByRule, b.Subtotals.ByRule) {
		t.Errorf("shuffled rows changed the subtotals")
	}
	if !slices.Equal(a.Caps, b.Caps) {
		t.Errorf("shuffled rows changed the caps:\n%+v\n%+v", a.Caps, b.Caps)
	}
	if fmt.Sprint(a.Periods) != fmt.Sprint(b.Periods) {
		t.Errorf("shuffled rows changed the period totals")
	}
	flags := func(fs []propPFlag) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Period+" "+f.Rule+" "+f.Key)
		}
		sort.Strings(out)
		return out
	}
	if !slices.Equal(flags(a.Flags), flags(b.Flags)) {
		t.Errorf("shuffled rows changed the flags")
	}
	excl := func(xs []propPExclude) []string {
		var out []string
		for _, x := range xs {
			out = append(out, x.Data+" "+x.Key+" "+x.Period+" "+x.Reason)
		}
		sort.Strings(out)
		return out
	}
	if !slices.Equal(excl(a.Excluded), excl(b.Excluded)) {
		t.Errorf("shuffled rows changed the exclusions")
	}
}

// propCompareWithOracle compares the statement's lines, flags, exclusions, caps
// and record counts with what the model of the contract says, in order.
func propCompareWithOracle(t *testing.T, s *propPStatement, want *propOracleResult) {
	t.Helper()
	if len(s.Lines) != len(want.lines) {
		t.Errorf("%d lines, the model has %d", len(s.Lines), len(want.lines))
	}
	for i := 0; i < min(len(s.Lines), len(want.lines)); i++ {
		if s.Lines[i] != want.lines[i] {
			t.Errorf("line %d:\n  got  %+v\n  want %+v", i, s.Lines[i], want.lines[i])
			break
		}
	}
	if len(s.Flags) != len(want.flags) {
		t.Errorf("%d flags, the model has %d", len(s.Flags), len(want.flags))
	}
	for i := 0; i < min(len(s.Flags), len(want.flags)); i++ {
		if s.Flags[i] != want.flags[i] {
			t.Errorf("flag %d:\n  got  %+v\n  want %+v", i, s.Flags[i], want.flags[i])
			break
		}
	}
	if !slices.Equal(s.Excluded, want.excluded) {
		t.Errorf("exclusions:\n  got  %+v\n  want %+v", s.Excluded, want.excluded)
	}
	if want.caps != nil || len(s.Caps) > 0 {
		if !slices.Equal(s.Caps, want.caps) {
			t.Errorf("caps:\n  got  %+v\n  want %+v", s.Caps, want.caps)
		}
	}
	if s.Records != want.records {
		t.Errorf("records %+v, the model has %+v", s.Records, want.records)
	}
	if s.Total != want.total {
		t.Errorf("total %s, the model has %s", s.Total, want.total)
	}
}

type propOracleResult struct {
	lines    []propPLine
	flags    []propPFlag
	excluded []propPExclude
	caps     []propPCap
	records  propPRecords
	total    string
}

// propDisambiguateKeys adds "@date" to the keys that repeat within one rule and
// period, as the statement does.
func propDisambiguateKeys(lines []propPLine, dates []string) {
	type k struct{ rule, period, key string }
	n := map[k]int{}
	for _, l := range lines {
		n[k{l.Rule, l.Period, l.Key}]++
	}
	for i, l := range lines {
		if n[k{l.Rule, l.Period, l.Key}] > 1 && dates[i] != "" {
			lines[i].Key += "@" + dates[i]
		}
	}
}

// ---------------------------------------------------------------------------
// Individual outcomes: reviews with goals

type propGenReview struct {
	person          string
	month           time.Time // the review date; its month is the period
	planned, actual string    // hours, as written
	missed          int
	satisfaction    int            // 0 when blank
	monthK          int            // term month, or -1 outside the term
	row             int            // set by inputs
	goals           []*propGenGoal // in goals-file order, set by inputs
}

type propGenGoal struct {
	review          *propGenReview
	id, status      string
	agreedOn, metOn time.Time // metOn zero when blank
	agreedS, metOnS string    // as written
	row             int       // set by inputs
}

type propOutcomesData struct {
	reviews []*propGenReview
	goals   []*propGenGoal
}

// propHoursText writes an amount of hours in one of the ways people do.
func propHoursText(r *rand.Rand, hundredths int) string {
	switch r.IntN(4) {
	case 0:
		hundredths = hundredths / 100 * 100 // whole hours
	case 1:
		hundredths = hundredths / 25 * 25 // quarter hours
	}
	if hundredths%100 == 0 {
		return fmt.Sprint(hundredths / 100)
	}
	s := fmt.Sprintf("%d.%02d", hundredths/100, hundredths%100)
	if r.IntN(2) == 0 {
		s = strings.TrimSuffix(s, "0")
	}
	return s
}

// propGenOutcomes makes at least n reviews of persons across the term (a few
// outside it, a few persons reviewed twice in a month), with 0-4 goals each.
func propGenOutcomes(seed uint64, n int) *propOutcomesData {
	r := rand.New(rand.NewPCG(seed, 0x0cc0cc))
	persons := n/9 + 1
	used := map[string]bool{}
	var out propOutcomesData
	for len(out.reviews) < n {
		person := fmt.Sprintf("P%d", r.IntN(persons)+1)
		k := r.IntN(12)
		switch x := r.IntN(100); {
		case x < 2:
			k = -1 // before the term
		case x < 4:
			k = 12 // after the term
		}
		dayOf := 0
		if r.IntN(20) == 0 {
			dayOf = 1 + r.IntN(27) // a second review in the month
		}
		date := propTermMonth(k).AddDate(0, 0, dayOf)
		id := person + " " + propDay(date)
		if used[id] {
			continue
		}
		used[id] = true
		planned := r.IntN(40001)
		if r.IntN(3) == 0 {
			planned = r.IntN(8001)
		}
		actual := planned
		switch r.IntN(10) {
		case 0, 1, 2, 3:
			actual = planned - r.IntN(planned/2+1)
		case 4, 5:
			actual = min(40000, planned+r.IntN(2001))
		case 6:
			actual = 0
		}
		rv := &propGenReview{person: person, month: date, monthK: propMonthIndex(date)}
		rv.planned, rv.actual = propHoursText(r, planned), propHoursText(r, actual)
		switch x := r.IntN(10); {
		case x < 5:
			rv.missed = r.IntN(3)
		case x < 9:
			rv.missed = 3 + r.IntN(5)
		default:
			rv.missed = r.IntN(201)
		}
		if r.IntN(5) > 0 {
			rv.satisfaction = 1 + r.IntN(5)
		}
		out.reviews = append(out.reviews, rv)
		statuses := []string{"achieved", "partly", "not_met", "not_feasible"}
		for g := range r.IntN(5) {
			gl := &propGenGoal{review: rv, id: fmt.Sprintf("G%d", g+1), status: statuses[r.IntN(4)]}
			gl.agreedOn = date.AddDate(0, 0, -r.IntN(200))
			gl.agreedS = propDay(gl.agreedOn)
			switch {
			case gl.status == "achieved":
				delta := r.IntN(90)
				if r.IntN(4) == 0 {
					delta = 41 + r.IntN(3) // around the quick_within boundary
				}
				gl.metOn = gl.agreedOn.AddDate(0, 0, delta)
			case gl.status == "partly" && r.IntN(3) == 0:
				gl.metOn = gl.agreedOn.AddDate(0, 0, r.IntN(60))
			}
			if !gl.metOn.IsZero() {
				gl.metOnS = propDay(gl.metOn)
			}
			out.goals = append(out.goals, gl)
		}
	}
	return &out
}

// shuffled returns a copy of the reviews and goals in another row order.
func (d *propOutcomesData) shuffled(seed uint64) *propOutcomesData {
	r := rand.New(rand.NewPCG(seed, 0x5e1f))
	out := &propOutcomesData{}
	copies := map[*propGenReview]*propGenReview{}
	for _, rv := range d.reviews {
		cp := *rv
		copies[rv] = &cp
		out.reviews = append(out.reviews, &cp)
	}
	for _, g := range d.goals {
		cp := *g
		cp.review = copies[g.review]
		out.goals = append(out.goals, &cp)
	}
	r.Shuffle(len(out.reviews), func(i, j int) { out.reviews[i], out.reviews[j] = out.reviews[j], out.reviews[i] })
	r.Shuffle(len(out.goals), func(i, j int) { out.goals[i], out.goals[j] = out.goals[j], out.goals[i] })
	return out
}

// inputs writes reviews.csv and goals.csv, numbering the rows, and sets
// each review's goals in goals-file order.
func (d *propOutcomesData) inputs() []data.Input {
	var rb, gb strings.Builder
	rb.WriteString("person,month,planned_hours,actual_hours,missed_visits,satisfaction\n")
	for i, rv := range d.reviews {
		rv.row = i + 2
		rv.goals = nil
		sat := ""
		if rv.satisfaction > 0 {
			sat = fmt.Sprint(rv.satisfaction)
		}
		fmt.Fprintf(&rb, "%s,%s,%s,%s,%d,%s\n", rv.person, propDay(rv.month), rv.planned, rv.actual, rv.missed, sat)
	}
	gb.WriteString("person,month,goal,status,agreed_on,met_on\n")
	for i, g := range d.goals {
		g.row = i + 2
		g.review.goals = append(g.review.goals, g)
		fmt.Fprintf(&gb, "%s,%s,%s,%s,%s,%s\n", g.review.person, propDay(g.review.month), g.id, g.status, g.agreedS, g.metOnS)
	}
	return []data.Input{
		{Path: "reviews.csv", Open: data.Bytes([]byte(rb.String()))},
		{Path: "goals.csv", Open: data.Bytes([]byte(gb.String()))},
	}
}

// oracle computes the individual-outcomes statement for term months
// first..last from the contract's text, with its default params.
func (d *propOutcomesData) oracle(first, last int) *propOracleResult {
	rate, fee, share, capRate := propRat("19.60"), propRat("240.00"), propRat("0.5"), propRat("0.15")
	res := &propOracleResult{records: propPRecords{Input: len(d.reviews)}}
	total := new(big.Rat)
	for _, rv := range d.reviews {
		switch {
		case rv.monthK < 0:
			res.records.Excluded++
			res.excluded = append(res.excluded, propPExclude{Data: "review", Key: rv.person, Source: fmt.Sprintf("reviews.csv:%d", rv.row),
				Reason: "outside the term (month " + propDay(rv.month) + ")"})
		case rv.monthK < first:
			res.records.Earlier++
		case rv.monthK > last:
			res.records.Later++
		default:
			res.records.Evaluated++
		}
	}
	for k := first; k <= last; k++ {
		var lines []propPLine
		var dates []string
		add := func(rule, kind, key string, amount *big.Rat, source, date string) {
			lines = append(lines, propPLine{Rule: rule, Kind: kind, Period: propMonthLabel(k), Key: key, Amount: propPennies(amount), Source: source})
			dates = append(dates, date)
		}
		var revs []*propGenReview
		for _, rv := range d.reviews {
			if rv.monthK == k {
				revs = append(revs, rv)
			}
		}
		src := func(rv *propGenReview) string { return fmt.Sprintf("reviews.csv:%d", rv.row) }
		hours := map[*propGenReview]*big.Rat{}
		hoursTotal, covered := new(big.Rat), new(big.Rat)
		for _, rv := range revs {
			h := propRoundHalfUp(propMulR(propRat(rv.actual), rate))
			hours[rv] = h
			hoursTotal = propAddR(hoursTotal, h)
			add("hours", "payment", rv.person, h, src(rv), propDay(rv.month))
		}
		for _, rv := range revs {
			for _, g := range rv.goals {
				if g.status != "achieved" {
					continue
				}
				amt := fee
				if g.metOn.Sub(g.agreedOn) <= 42*24*time.Hour {
					amt = propMulR(fee, propRat("1.25"))
				}
				amt = propRoundHalfUp(amt)
				covered = propAddR(covered, amt)
				add("goal_fee", "incentive", rv.person+"/"+g.id, amt, fmt.Sprintf("goals.csv:%d", g.row), propDay(rv.month))
			}
		}
		for _, rv := range revs {
			if rv.satisfaction >= 4 {
				covered = propAddR(covered, propRat("30.00"))
				add("satisfied", "incentive", rv.person, propRat("30.00"), src(rv), propDay(rv.month))
			}
		}
		for _, rv := range revs {
			if rv.missed > 2 {
				add("missed", "sanction", rv.person, propNegR(propRoundHalfUp(propMulR(hours[rv], propRat("0.05")))), src(rv), propDay(rv.month))
			}
		}
		for _, rv := range revs {
			if propRat(rv.actual).Cmp(propRat(rv.planned)) < 0 {
				amt := propRoundHalfUp(propMulR(propMulR(propSubR(propRat(rv.planned), propRat(rv.actual)), rate), share))
				covered = propAddR(covered, amt)
				add("reduced_package", "share", rv.person, amt, src(rv), propDay(rv.month))
			}
		}
		limit := propRoundHalfUp(propMulR(hoursTotal, capRate))
		if covered.Cmp(limit) > 0 {
			adj := propSubR(limit, covered)
			add("outcome_cap", "adjustment", propMonthLabel(k), adj, "", "")
			res.caps = append(res.caps, propPCap{Rule: "outcome_cap", Instance: propMonthLabel(k), Period: propMonthLabel(k),
				Covered: propPennies(covered), Limit: propPennies(limit), Adjustment: propPennies(adj)})
		}
		propDisambiguateKeys(lines, dates)
		for _, l := range lines {
			total = propAddR(total, propRat(l.Amount))
		}
		res.lines = append(res.lines, lines...)
		// Flags too: a key that repeats in the month carries the
		// review's date.
		var flags []propPLine
		var flagDates []string
		var flagSources []string
		for _, rv := range revs {
			for _, g := range rv.goals {
				if g.status == "not_feasible" {
					flags = append(flags, propPLine{Rule: "feasibility", Period: propMonthLabel(k), Key: rv.person + "/" + g.id})
					flagDates = append(flagDates, propDay(rv.month))
					flagSources = append(flagSources, fmt.Sprintf("goals.csv:%d", g.row))
				}
			}
		}
		propDisambiguateKeys(flags, flagDates)
		for i, f := range flags {
			res.flags = append(res.flags, propPFlag{Rule: f.Rule, Period: f.Period, Key: f.Key, Source: flagSources[i]})
		}
	}
	res.total = propPennies(total)
	return res
}

// propCheckOutcomesInvariants checks the contract's invariants on a statement
// of the data, without the oracle.
func propCheckOutcomesInvariants(t *testing.T, s *propPStatement, d *propOutcomesData) {
	t.Helper()
	coveredRules := map[string]bool{"goal_fee": true, "satisfied": true, "reduced_package": true}
	hoursIn := map[string]*big.Rat{}
	coveredIn := map[string]*big.Rat{}
	for _, l := range s.Lines {
		a := propRat(l.Amount)
		switch {
		case l.Rule == "hours":
			hoursIn[l.Period] = propAddR(propOrZero(hoursIn[l.Period]), a)
		case coveredRules[l.Rule]:
			coveredIn[l.Period] = propAddR(propOrZero(coveredIn[l.Period]), a)
		}
		switch l.Kind {
		case "sanction":
			if a.Sign() > 0 {
				t.Errorf("sanction line %s %s is positive: %s", l.Period, l.Key, l.Amount)
			}
		case "payment", "incentive", "share":
			if a.Sign() < 0 {
				t.Errorf("%s line %s %s %s is negative: %s", l.Kind, l.Rule, l.Period, l.Key, l.Amount)
			}
		case "adjustment":
			if a.Sign() > 0 {
				t.Errorf("cap adjustment %s %s is positive: %s", l.Rule, l.Period, l.Amount)
			}
		}
	}
	capped := map[string]bool{}
	for _, cp := range s.Caps {
		capped[cp.Period] = true
		adj, cov, lim := propRat(cp.Adjustment), propRat(cp.Covered), propRat(cp.Limit)
		if adj.Sign() > 0 {
			t.Errorf("cap %s: positive adjustment %s", cp.Period, cp.Adjustment)
		}
		if propAddR(cov, adj).Cmp(lim) > 0 {
			t.Errorf("cap %s: covered %s + adjustment %s exceeds the limit %s", cp.Period, cp.Covered, cp.Adjustment, cp.Limit)
		}
		if cov.Cmp(propOrZero(coveredIn[cp.Period])) != 0 {
			t.Errorf("cap %s: covered %s, the covered rules' lines sum to %s", cp.Period, cp.Covered, propPennies(propOrZero(coveredIn[cp.Period])))
		}
		if want := propRoundHalfUp(propMulR(propOrZero(hoursIn[cp.Period]), propRat("0.15"))); lim.Cmp(want) != 0 {
			t.Errorf("cap %s: limit %s, want 15%% of hours = %s", cp.Period, cp.Limit, propPennies(want))
		}
	}
	// A period whose covered lines exceed the limit must have been capped.
	for p, cov := range coveredIn {
		lim := propRoundHalfUp(propMulR(propOrZero(hoursIn[p]), propRat("0.15")))
		if cov.Cmp(lim) > 0 && !capped[p] {
			t.Errorf("period %s: covered %s exceeds the limit %s but nothing was capped", p, propPennies(cov), propPennies(lim))
		}
	}
	// Every not_feasible goal in the statement's periods is flagged exactly
	// once, and earns no goal fee; every flag is such a goal.
	inStatement := map[string]bool{}
	for _, p := range s.Periods {
		inStatement[p.Period] = true
	}
	flagged := map[string]int{}
	for _, f := range s.Flags {
		if f.Rule != "feasibility" {
			t.Errorf("unexpected flag %+v", f)
		}
		flagged[f.Source]++
	}
	feeBySource := map[string]bool{}
	for _, l := range s.Lines {
		if l.Rule == "goal_fee" {
			feeBySource[l.Source] = true
		}
	}
	nInfeasible := 0
	for _, g := range d.goals {
		src := fmt.Sprintf("goals.csv:%d", g.row)
		if g.review.monthK < 0 || !inStatement[propMonthLabel(g.review.monthK)] {
			if flagged[src] > 0 || feeBySource[src] {
				t.Errorf("goal %s/%s of a review outside the statement has a line or flag", g.review.person, g.id)
			}
			continue
		}
		if g.status == "not_feasible" {
			nInfeasible++
			if flagged[src] != 1 {
				t.Errorf("not feasible goal %s/%s (%s) flagged %d times, want once", g.review.person, g.id, src, flagged[src])
			}
			if feeBySource[src] {
				t.Errorf("not feasible goal %s/%s (%s) earned a goal fee", g.review.person, g.id, src)
			}
		}
	}
	if len(s.Flags) != nInfeasible {
		t.Errorf("%d flags for %d not feasible goals", len(s.Flags), nInfeasible)
	}
}

func propOrZero(x *big.Rat) *big.Rat {
	if x == nil {
		return new(big.Rat)
	}
	return x
}

func TestPropertyIndividualOutcomes(t *testing.T) {
	c := specContract(t, "individual-outcomes")
	for seed := range uint64(propSeedsFor(t)) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			data := propGenOutcomes(seed, 600+int(seed*7%200))
			inputs := data.inputs()
			want := data.oracle(0, 11)
			d := propLoadInputs(t, c, inputs...)
			js, s := propEvalJSON(t, c, d, "term")

			propCheckReconcilesExactly(t, c, s)
			propCompareWithOracle(t, s, want)
			propCheckOutcomesInvariants(t, s, data)
			propCheckDeterministic(t, c, inputs, "term", js)

			// One month on its own: the same lines as in the term's
			// statement, and records before and after it accounted for.
			k := int(seed % 12)
			_, month := propEvalJSON(t, c, d, propMonthLabel(k))
			propCheckReconcilesExactly(t, c, month)
			propCompareWithOracle(t, month, data.oracle(k, k))
			propCheckOutcomesInvariants(t, month, data)

			// The same rows in another order.
			mixed := data.shuffled(seed)
			mixedInputs := mixed.inputs()
			mixedWant := mixed.oracle(0, 11)
			_, ms := propEvalJSON(t, c, propLoadInputs(t, c, mixedInputs...), "term")
			propCheckReconcilesExactly(t, c, ms)
			propCompareWithOracle(t, ms, mixedWant)
			propCheckOutcomesInvariants(t, ms, mixed)
			propCheckSameButSources(t, s, ms)
		})
	}
}

// ---------------------------------------------------------------------------
// Time and task: visits

type propGenVisit struct {
	id, person string
	date       time.Time
	planned    int
	actual     int
	row        int
}

func propGenVisits(seed uint64, n int) []*propGenVisit {
	r := rand.New(rand.NewPCG(seed, 0x7a5c))
	var out []*propGenVisit
	for i := range n {
		v := &propGenVisit{id: fmt.Sprintf("V%05d", i+1), person: fmt.Sprintf("P%d", r.IntN(n/20+1)+1)}
		v.date = propTermStart.AddDate(0, 0, r.IntN(365+60)-30) // some outside the term
		v.planned = 15 * (1 + r.IntN(8))
		switch x := r.IntN(10); {
		case x < 2:
			v.actual = 0 // missed
		case x < 4:
			v.actual = 1 + r.IntN(35) // around the minimum charge
		case x < 9:
			v.actual = max(1, v.planned+r.IntN(31)-15)
		default:
			v.actual = r.IntN(1441)
		}
		out = append(out, v)
	}
	return out
}

func propVisitInputs(vs []*propGenVisit) []data.Input {
	var b strings.Builder
	b.WriteString("visit,person,date,planned_minutes,actual_minutes\n")
	for i, v := range vs {
		v.row = i + 2
		fmt.Fprintf(&b, "%s,%s,%s,%d,%d\n", v.id, v.person, propDay(v.date), v.planned, v.actual)
	}
	return []data.Input{{Path: "visits.csv", Open: data.Bytes([]byte(b.String()))}}
}

// propVisitsOracle computes the time-and-task statement for the whole term.
func propVisitsOracle(vs []*propGenVisit) *propOracleResult {
	res := &propOracleResult{records: propPRecords{Input: len(vs)}}
	total := new(big.Rat)
	for _, v := range vs {
		if propMonthIndex(v.date) < 0 {
			res.records.Excluded++
			res.excluded = append(res.excluded, propPExclude{Data: "visit", Key: v.id, Source: fmt.Sprintf("visits.csv:%d", v.row),
				Reason: "outside the term (date " + propDay(v.date) + ")"})
		} else {
			res.records.Evaluated++
		}
	}
	for k := range 12 {
		for _, v := range vs {
			if propMonthIndex(v.date) != k || v.actual == 0 {
				continue
			}
			billed := max((v.actual+14)/15*15, 30)
			amt := propRoundHalfUp(propMulR(big.NewRat(int64(billed), 60), propRat("24.10")))
			total = propAddR(total, amt)
			res.lines = append(res.lines, propPLine{Rule: "visits", Kind: "payment", Period: propMonthLabel(k), Key: v.id, Amount: propPennies(amt),
				Source: fmt.Sprintf("visits.csv:%d", v.row)})
		}
		for _, v := range vs {
			if propMonthIndex(v.date) == k && v.actual == 0 {
				res.flags = append(res.flags, propPFlag{Rule: "missed", Period: propMonthLabel(k), Key: v.id, Source: fmt.Sprintf("visits.csv:%d", v.row)})
			}
		}
	}
	res.total = propPennies(total)
	return res
}

func TestPropertyTimeAndTask(t *testing.T) {
	c := specContract(t, "time-and-task")
	for seed := range uint64(propSeedsFor(t)) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			vs := propGenVisits(seed, 600+int(seed*13%300))
			inputs := propVisitInputs(vs)
			want := propVisitsOracle(vs)
			js, s := propEvalJSON(t, c, propLoadInputs(t, c, inputs...), "term")
			propCheckReconcilesExactly(t, c, s)
			propCompareWithOracle(t, s, want)
			propCheckDeterministic(t, c, inputs, "term", js)

			// Invariants: a missed visit is flagged once and not billed; a
			// delivered one is billed at least the 30-minute minimum.
			billed := map[string]bool{}
			for _, l := range s.Lines {
				billed[l.Key] = true
				if propRat(l.Amount).Cmp(propRat("12.05")) < 0 {
					t.Errorf("visit %s billed %s, less than the minimum charge", l.Key, l.Amount)
				}
			}
			flagged := map[string]int{}
			for _, f := range s.Flags {
				flagged[f.Key]++
			}
			for _, v := range vs {
				if propMonthIndex(v.date) < 0 {
					continue
				}
				if v.actual == 0 && (flagged[v.id] != 1 || billed[v.id]) {
					t.Errorf("missed visit %s: flagged %d times, billed %v", v.id, flagged[v.id], billed[v.id])
				}
				if v.actual > 0 && (flagged[v.id] != 0 || !billed[v.id]) {
					t.Errorf("delivered visit %s: flagged %d times, billed %v", v.id, flagged[v.id], billed[v.id])
				}
			}

			var mixed []*propGenVisit
			for _, v := range vs {
				cp := *v
				mixed = append(mixed, &cp)
			}
			rand.New(rand.NewPCG(seed, 0x5)).Shuffle(len(mixed), func(i, j int) { mixed[i], mixed[j] = mixed[j], mixed[i] })
			mixedInputs := propVisitInputs(mixed)
			_, ms := propEvalJSON(t, c, propLoadInputs(t, c, mixedInputs...), "term")
			propCheckReconcilesExactly(t, c, ms)
			propCompareWithOracle(t, ms, propVisitsOracle(mixed))
			propCheckSameButSources(t, s, ms)
		})
	}
}

// TestPropertyGeneratorCoverage checks that the generated data exercises
// the cases the properties are about, so that a change to the generator
// cannot quietly make them vacuous.
func TestPropertyGeneratorCoverage(t *testing.T) {
	counts := map[string]int{}
	for seed := range uint64(propSeedsFor(t)) {
		data := propGenOutcomes(seed, 600+int(seed*7%200))
		data.inputs()
		res := data.oracle(0, 11)
		counts["capped months"] += len(res.caps)
		counts["uncapped months"] += 12 - len(res.caps)
		counts["excluded reviews"] += len(res.excluded)
		counts["flags"] += len(res.flags)
		for _, l := range res.lines {
			switch {
			case l.Rule == "missed" && l.Amount == "0.00":
				counts["zero sanctions"]++
			case l.Rule == "goal_fee" && l.Amount == "300.00":
				counts["quick goals"]++
			case l.Rule == "goal_fee" && l.Amount == "240.00":
				counts["slow goals"]++
			}
			if strings.Contains(l.Key, "@") {
				counts["keys with @date"]++
			}
		}
		for _, rv := range data.reviews {
			if rv.satisfaction == 0 {
				counts["blank satisfaction"]++
			}
			if len(rv.goals) == 0 {
				counts["reviews without goals"]++
			}
		}
		vs := propGenVisits(seed, 600+int(seed*13%300))
		propVisitInputs(vs)
		vres := propVisitsOracle(vs)
		counts["missed visits"] += len(vres.flags)
		counts["excluded visits"] += len(vres.excluded)
		for _, l := range vres.lines {
			if l.Amount == "12.05" {
				counts["minimum charges"]++
			}
		}
	}
	for _, k := range []string{"capped months", "uncapped months", "excluded reviews", "flags", "zero sanctions", "quick goals",
		"slow goals", "keys with @date", "blank satisfaction", "reviews without goals", "missed visits", "excluded visits", "minimum charges"} {
		if counts[k] == 0 {
			t.Errorf("the generated data has no %s", k)
		}
	}
	t.Logf("%v", counts)
}

// propExcludeContract is the time-and-task contract with an exclude rule
// removing test visits.
func propExcludeContract(t *testing.T) *compiler.Contract {
	t.Helper()
	path := filepath.Join("..", "specs", "time-and-task", "contract.occ")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, []byte(`
exclude test_visits "Test visits in the export" {
  for    visit
  when   visit.person.startsWith("TEST")
  reason "test record, not a real person"
}
`)...)
	return compileText(t, path, src)
}

// propTestVisits makes visits of which about one in six is a test visit.
func propTestVisits(seed uint64) []*propGenVisit {
	vs := propGenVisits(seed, 300)
	r := rand.New(rand.NewPCG(seed, 0x7e57))
	for _, v := range vs {
		if r.IntN(6) == 0 {
			v.person = "TEST" + v.person
		}
	}
	return vs
}

// TestPropertyExclude: in every month's statement, each test visit of the
// month is listed under excluded with the rule's reason and makes no line
// or flag, the statement reconciles, and every record is accounted for.
func TestPropertyExclude(t *testing.T) {
	c := propExcludeContract(t)
	for seed := range uint64(propSeedsFor(t)) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			vs := propTestVisits(seed)
			d := propLoadInputs(t, c, propVisitInputs(vs)...)
			for k := range 12 {
				_, s := propEvalJSON(t, c, d, propMonthLabel(k))
				propCheckReconcilesExactly(t, c, s)
				listed := map[string]string{}
				for _, x := range s.Excluded {
					listed[x.Key] = x.Reason
				}
				keyed := map[string]bool{}
				for _, l := range s.Lines {
					keyed[l.Key] = true
				}
				for _, f := range s.Flags {
					keyed[f.Key] = true
				}
				want := propPRecords{Input: len(vs)}
				for _, v := range vs {
					m := propMonthIndex(v.date)
					test := strings.HasPrefix(v.person, "TEST")
					switch {
					case m < 0:
						want.Excluded++
					case m > k:
						want.Later++
					case m < k:
						want.Earlier++ // evaluated or excluded in an earlier month's statement
					case test:
						want.Excluded++ // listed as excluded in this month's statement
					default:
						want.Evaluated++
					}
					if m == k && test {
						if listed[v.id] != "test record, not a real person" {
							t.Errorf("%s: test visit %s listed with reason %q", propMonthLabel(k), v.id, listed[v.id])
						}
						if keyed[v.id] {
							t.Errorf("%s: test visit %s has a line or flag", propMonthLabel(k), v.id)
						}
					}
				}
				if s.Records != want {
					t.Errorf("%s: records %+v, want %+v", propMonthLabel(k), s.Records, want)
				}
			}
		})
	}
}

// TestPropertyExcludedCountMatchesList: records.excluded counts the
// records "listed under Excluded" (runtime.RecordCounts), so it equals the
// number of top-level records the statement lists as excluded.
//
// BUG (runtime/statement.go, counts and statement): a record an exclude
// rule removed in an earlier month is counted in records.excluded of every
// later month's statement but listed only in its own month's; e.g. with
// test visits in April and May, the June statement says "excluded": 3 and
// lists one exclusion (the visit outside the term).
func TestPropertyExcludedCountMatchesList(t *testing.T) {
	c := propExcludeContract(t)
	vs := propTestVisits(1)
	d := propLoadInputs(t, c, propVisitInputs(vs)...)
	for k := range 12 {
		_, s := propEvalJSON(t, c, d, propMonthLabel(k))
		n := 0
		for _, x := range s.Excluded {
			if x.Data == "visit" {
				n++
			}
		}
		if s.Records.Excluded != n {
			t.Errorf("%s: records.excluded is %d, but %d records are listed as excluded", propMonthLabel(k), s.Records.Excluded, n)
		}
	}
}
