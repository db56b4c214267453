package bound

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/cockroachdb/apd/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
)

// kind is what an abstract value stands for.
type kind int

const (
	kTop  kind = iota // any value of its type: the analysis cannot follow it
	kNum              // a number, amount, length of time or date within an interval
	kBool             // true, false, or either
	kStr              // one of some texts, or any text
	kRec              // any record of a schema
	kList             // a list of up to some number of elements
)

// numType is the type of a number.
type numType int

const (
	tInt numType = iota
	tDec
	tMoney
	tDays
	tDate
)

// val is an abstract value: what an expression may evaluate to on any
// valid data.
type val struct {
	k    kind
	nt   numType
	iv   Interval
	canT bool
	canF bool
	// strs are the texts a kStr may be; nil is any text.
	strs []string
	// schema is a kRec's schema, or the schema of a kList's records.
	schema *compiler.Schema
	// elem is a kList's element; size the most elements it holds.
	elem *val
	size End
	// fromAll marks the records of a scope instance (count(review)), over
	// which a ratio's parts are counted.
	fromAll bool
	why     string // a kTop's reason
}

func top(why string) val { return val{k: kTop, why: why} }

func num(nt numType, iv Interval) val { return val{k: kNum, nt: nt, iv: iv} }

func boolean(canT, canF bool) val { return val{k: kBool, canT: canT, canF: canF} }

// numOf returns v's interval, unbounded when v is not a number the
// analysis follows.
func numOf(v val) Interval {
	if v.k == kNum {
		return v.iv
	}
	why := v.why
	if why == "" {
		why = "a value occ bound cannot follow"
	}
	return unbounded(why)
}

// truth returns whether v can be true and whether it can be false.
func truth(v val) (canT, canF bool) {
	if v.k == kBool {
		return v.canT, v.canF
	}
	return true, true
}

// hullVal returns a value holding both a and b.
func hullVal(a, b val) val {
	switch {
	case a.k == kNum && b.k == kNum:
		return num(a.nt, hull(a.iv, b.iv))
	case a.k == kBool && b.k == kBool:
		return boolean(a.canT || b.canT, a.canF || b.canF)
	case a.k == kStr && b.k == kStr:
		if a.strs == nil || b.strs == nil {
			return val{k: kStr}
		}
		return val{k: kStr, strs: union(a.strs, b.strs)}
	case a.k == kRec && b.k == kRec && a.schema == b.schema:
		return a
	}
	if a.k == kTop {
		return a
	}
	return top(b.why)
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// epoch is the date a date's number counts days from.
var epoch value.Date

// constVal returns the abstract value of a constant, such as a param's
// value, reached by the input named by why.
func (a *analysis) constVal(v ref.Val, name string) val {
	if d, nt, ok := decimalOf(v); ok {
		if name == "" {
			return num(nt, exact(d))
		}
		shown := a.show(nt, d)
		if p := a.c.Param(name); p != nil && p.Percent {
			pct := new(apd.Decimal)
			ctxUp.Mul(pct, d, apd.New(100, 0))
			pct.Reduce(pct)
			shown = decimalValue(pct).String() + "%"
		}
		return num(nt, exact(d, name+" = "+shown))
	}
	switch x := v.(type) {
	case types.Bool:
		return boolean(bool(x), !bool(x))
	case types.String:
		return val{k: kStr, strs: []string{string(x)}}
	}
	return top(name + " is a value occ bound cannot follow")
}

// decimalOf returns a number's value and type.
func decimalOf(v ref.Val) (*apd.Decimal, numType, bool) {
	switch x := v.(type) {
	case types.Int:
		return apd.New(int64(x), 0), tInt, true
	case value.Decimal:
		return new(apd.Decimal).Set(x.Apd()), tDec, true
	case value.Money:
		return new(apd.Decimal).Set(x.Decimal().Apd()), tMoney, true
	case value.Days:
		return apd.New(int64(x), 0), tDays, true
	case value.Date:
		return apd.New(x.Sub(epoch), 0), tDate, true
	}
	return nil, 0, false
}

// show writes a number of type nt as a contract would: £19.60, 25%, 42
// days, 2026-04-01.
func (a *analysis) show(nt numType, d *apd.Decimal) string {
	switch nt {
	case tMoney:
		return a.money(d)
	case tDays:
		return value.Days(intOf(d)).String()
	case tDate:
		return epoch.AddDays(intOf(d)).String()
	}
	return d.Text('f')
}

// money writes an amount with the currency's symbol and its minor units.
func (a *analysis) money(d *apd.Decimal) string {
	m := value.MoneyOf(decimalValue(d))
	s := m.Grouped(a.c.MinorUnits)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sym, ok := value.CurrencySymbols[a.c.Currency]
	if !ok {
		sym = a.c.Currency + " "
	}
	if neg {
		return "-" + sym + s
	}
	return sym + s
}

// decimalValue converts an apd decimal to a value.Decimal.
func decimalValue(d *apd.Decimal) value.Decimal {
	v, err := value.ParseDecimal(d.Text('f'))
	if err != nil {
		panic(fmt.Sprintf("bound: %v", err))
	}
	return v
}

// intOf returns a whole number held in d, clamped to int64.
func intOf(d *apd.Decimal) int64 {
	n, err := d.Int64()
	if err != nil {
		if d.Sign() < 0 {
			return -1 << 62
		}
		return 1 << 62
	}
	return n
}

// fieldVal returns the abstract value of field f of a record of schema s,
// read through path (review.actual_hours).
func (a *analysis) fieldVal(s *compiler.Schema, f *compiler.Field, path string) val {
	switch f.Kind {
	case compiler.BoolField:
		return boolean(true, true)
	case compiler.TextField:
		return val{k: kStr}
	case compiler.EnumField:
		return val{k: kStr, strs: append([]string(nil), f.Enum...)}
	case compiler.ListField:
		n := infEnd(1, fmt.Sprintf("the list %s has no maximum size", path))
		if f.MaxItems > 0 {
			n = intEnd(int64(f.MaxItems), fmt.Sprintf("at most %d %s in a %s", f.MaxItems, f.Elem.Name, s.Name))
		}
		return val{k: kList, schema: f.Elem, elem: &val{k: kRec, schema: f.Elem}, size: n}
	}
	nt := map[compiler.FieldKind]numType{compiler.IntField: tInt, compiler.DecimalField: tDec,
		compiler.MoneyField: tMoney, compiler.DateField: tDate}[f.Kind]
	iv := Interval{infEnd(-1, path+" has no lower bound"), infEnd(1, path+" has no upper bound")}
	if d, _, ok := decimalOf(f.Min); ok {
		iv.Lo = point(d, path+" = "+a.show(nt, d))
	}
	if d, _, ok := decimalOf(f.Max); ok {
		iv.Hi = point(d, path+" = "+a.show(nt, d))
	}
	if f == s.PeriodField {
		// A record dated outside the term is excluded, not evaluated.
		from, to := a.c.TermFrom, a.c.TermTo
		lo, _, _ := decimalOf(from)
		hi, _, _ := decimalOf(to)
		iv.Lo = maxEnd(iv.Lo, point(lo, path+" = "+from.String()))
		iv.Hi = minEnd(iv.Hi, point(hi, path+" = "+to.String()))
	}
	return num(nt, iv)
}
