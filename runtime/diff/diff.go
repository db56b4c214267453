package diff

import (
	"fmt"
	"sort"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
)

// Side is one of the two evaluations compared: the contract and the
// statement it gave for the data.
type Side struct {
	Contract  *compiler.Contract
	Statement *runtime.Statement
}

// Diff is what changes from the old contract's statement to the new one's.
// Every list of Changes is sorted largest change first (by its absolute
// value), ties by name; periods tie by their start date, then name. Each
// list adds up, in Old, New and Delta, to Total.
type Diff struct {
	// Old and New are the statements compared.
	Old, New *runtime.Statement
	// Currency and MinorUnits are the two contracts' currency, which is
	// the same.
	Currency   string
	MinorUnits int32
	// Total is the change of the statement's total.
	Total Change
	// Periods is the change of each settlement period's total. A period
	// only one statement has is zero in the other.
	Periods []PeriodChange
	// Kinds, Rules, Payers and Persons are the changes by line kind
	// (payment, incentive, sanction, share, adjustment), by rule name, by
	// payer and by person. A contract that declares no payers has one,
	// its header's commissioner, the payer of every line; a line several
	// payers share counts in each payer's change by its part (see Payer).
	// A line for no one person (a cap over a period, say) is under the
	// person "".
	Kinds, Rules, Payers, Persons []Change
	// Params are the params whose values differ, or that only one
	// contract has, in the old contract's order and then the new one's.
	Params []ParamChange
	// RuleChanges are the rules added, removed or changed, in the old
	// contract's order and then the new one's.
	RuleChanges []RuleChange
}

// Change is the old and new amount of one part of the statements, the
// difference Delta (new less old), and the lines each had.
type Change struct {
	Name               string
	Old, New, Delta    value.Money
	OldLines, NewLines int
}

// PeriodChange is the change of one settlement period's total, with the
// period's dates (from whichever statement has it, the old first).
type PeriodChange struct {
	Change
	From, To value.Date
}

// Compare compares the statements of two contracts evaluated on the same
// data. It refuses contracts in different currencies, whose amounts
// cannot be set against each other.
func Compare(old, new Side) (*Diff, error) {
	ost, nst := old.Statement, new.Statement
	if ost.Contract.Currency != nst.Contract.Currency || ost.Contract.MinorUnits != nst.Contract.MinorUnits {
		return nil, fmt.Errorf("the contracts are in different currencies (the old in %s, the new in %s), so their amounts cannot be compared",
			ost.Contract.Currency, nst.Contract.Currency)
	}
	d := &Diff{Old: ost, New: nst, Currency: ost.Contract.Currency, MinorUnits: ost.Contract.MinorUnits}
	var err error
	if d.Total, err = change("total", ost.Total, nst.Total, lineCount(ost), lineCount(nst)); err != nil {
		return nil, err
	}
	if d.Periods, err = periods(ost, nst); err != nil {
		return nil, err
	}
	if d.Kinds, err = subtotals(ost.ByKind, nst.ByKind); err != nil {
		return nil, err
	}
	if d.Rules, err = subtotals(ost.ByRule, nst.ByRule); err != nil {
		return nil, err
	}
	oldPay, oldPer, err := byLine(ost)
	if err != nil {
		return nil, err
	}
	newPay, newPer, err := byLine(nst)
	if err != nil {
		return nil, err
	}
	if d.Payers, err = merge(oldPay, newPay); err != nil {
		return nil, err
	}
	if d.Persons, err = merge(oldPer, newPer); err != nil {
		return nil, err
	}
	d.Params = params(old, new)
	d.RuleChanges = rules(old.Contract, new.Contract)
	return d, nil
}

// PeriodsOver returns the periods whose total moves by more than limit,
// either way, in the order of Periods.
func (d *Diff) PeriodsOver(limit value.Money) []PeriodChange {
	var out []PeriodChange
	for _, p := range d.Periods {
		if p.Delta.Abs().Cmp(limit) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// Payer returns the name the changes by payer give the payer of a
// statement's lines that are one payer's: the contract's commissioner
// when it declares no payers, or else its one payer's title (its name
// when it has none). A line several payers share is counted in each
// payer's part (see PayerTitle).
func Payer(s *runtime.Statement) string {
	if len(s.ByPayer) == 1 && s.ByPayer[0].Payer != compiler.CommissionerPayer {
		return PayerTitle(s, s.ByPayer[0].Payer)
	}
	return s.Contract.Commissioner
}

// PayerTitle returns the name the changes by payer give payer name of
// statement s: its title, or its name when it has none.
func PayerTitle(s *runtime.Statement, name string) string {
	for _, p := range s.ByPayer {
		if p.Payer == name && p.Title != "" {
			return p.Title
		}
	}
	return name
}

// change makes the Change of name from old to new.
func change(name string, old, new value.Money, oldLines, newLines int) (Change, error) {
	c, err := new.Sub(old)
	if err != nil {
		return Change{}, fmt.Errorf("the change of %s cannot be computed: %v", name, err)
	}
	return Change{Name: name, Old: old, New: new, Delta: c, OldLines: oldLines, NewLines: newLines}, nil
}

// lineCount returns the number of a statement's lines.
func lineCount(s *runtime.Statement) int {
	n := 0
	for _, k := range s.ByKind {
		n += k.Lines
	}
	return n
}

// sum is an amount and its lines, gathered by name.
type sum struct {
	amount value.Money
	lines  int
}

// sums are amounts by name, with the names in the order first seen.
type sums struct {
	names []string
	by    map[string]*sum
}

func (s *sums) add(name string, amount value.Money, lines int) error {
	if s.by == nil {
		s.by = map[string]*sum{}
	}
	x := s.by[name]
	if x == nil {
		x = &sum{}
		s.by[name] = x
		s.names = append(s.names, name)
	}
	a, err := x.amount.Add(amount)
	if err != nil {
		return fmt.Errorf("the amount of %s cannot be summed: %v", name, err)
	}
	x.amount, x.lines = a, x.lines+lines
	return nil
}

// merge makes the Changes of the names of old and new, largest first.
func merge(old, new sums) ([]Change, error) {
	var out []Change
	seen := map[string]bool{}
	for _, list := range [][]string{old.names, new.names} {
		for _, n := range list {
			if seen[n] {
				continue
			}
			seen[n] = true
			var o, w sum
			if x := old.by[n]; x != nil {
				o = *x
			}
			if x := new.by[n]; x != nil {
				w = *x
			}
			c, err := change(n, o.amount, w.amount, o.lines, w.lines)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return larger(out[i], out[j]) })
	return out, nil
}

// larger orders changes largest first, by absolute value, then by name.
func larger(a, b Change) bool {
	if c := a.Delta.Abs().Cmp(b.Delta.Abs()); c != 0 {
		return c > 0
	}
	return a.Name < b.Name
}

// subtotals makes the Changes of two statements' subtotals.
func subtotals(old, new []runtime.Subtotal) ([]Change, error) {
	var o, n sums
	for _, s := range old {
		if err := o.add(s.Name, s.Amount, s.Lines); err != nil {
			return nil, err
		}
	}
	for _, s := range new {
		if err := n.add(s.Name, s.Amount, s.Lines); err != nil {
			return nil, err
		}
	}
	return merge(o, n)
}

// byLine sums a statement's lines by payer and by person.
func byLine(s *runtime.Statement) (payers, persons sums, err error) {
	payer := Payer(s)
	titles := map[string]string{}
	for _, p := range s.ByPayer {
		titles[p.Payer] = PayerTitle(s, p.Payer)
	}
	for l := range s.Lines() {
		if len(l.Parts) == 0 {
			err = payers.add(payer, l.Amount, 1)
		}
		for _, p := range l.Parts {
			if err = payers.add(titles[p.Payer], p.Amount, 1); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
		if err = persons.add(l.Person, l.Amount, 1); err != nil {
			return
		}
	}
	return
}

// periods makes the changes of the periods' totals.
func periods(old, new *runtime.Statement) ([]PeriodChange, error) {
	var o, n sums
	dates := map[string][2]value.Date{}
	for _, s := range []struct {
		st *runtime.Statement
		to *sums
	}{{old, &o}, {new, &n}} {
		for _, p := range s.st.Periods {
			if err := s.to.add(p.Period, p.Total, 0); err != nil {
				return nil, err
			}
			if _, ok := dates[p.Period]; !ok {
				dates[p.Period] = [2]value.Date{p.From, p.To}
			}
		}
	}
	lines := func(s *runtime.Statement) map[string]int {
		m := map[string]int{}
		for l := range s.Lines() {
			m[l.Period]++
		}
		return m
	}
	ol, nl := lines(old), lines(new)
	cs, err := merge(o, n)
	if err != nil {
		return nil, err
	}
	out := make([]PeriodChange, len(cs))
	for i, c := range cs {
		c.OldLines, c.NewLines = ol[c.Name], nl[c.Name]
		dt := dates[c.Name]
		out[i] = PeriodChange{Change: c, From: dt[0], To: dt[1]}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if c := a.Delta.Abs().Cmp(b.Delta.Abs()); c != 0 {
			return c > 0
		}
		if c := a.From.Cmp(b.From); c != 0 {
			return c < 0
		}
		return a.Name < b.Name
	})
	return out, nil
}
