package schedule

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/prose"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/words"
)

// Schedule is a contract laid out as a payment schedule.
type Schedule struct {
	Title string
	// Facts are the header's terms: parties, term, settlement, currency,
	// rounding and budget.
	Facts  []Fact
	Params []Param
	Data   []Data
	// Groups hold the rules, by what they do, each in contract order.
	Groups   []Group
	Examples []Example
	// Hash is the SHA-256 of the contract's files.
	Hash string
}

// Fact is a label and its value.
type Fact struct{ Label, Value string }

// Param is one row of the table of params.
type Param struct{ Name, Title, Value string }

// Data is one data schema: the records the contract is paid on.
type Data struct {
	Name, Title string
	// In names the schema a nested one is listed in, or is "".
	In string
	// LookedUpBy names the key field of reference data, which is looked
	// up by it rather than paid on, or is "".
	LookedUpBy string
	Fields     []Field
}

// Field is one field of a schema, with what it holds in words.
type Field struct{ Name, Holds, Title string }

// Group is a section of rules: payments, caps and floors, standards,
// values the rules use, exclusions and flags.
type Group struct {
	ID, Heading string
	Rules       []Rule
}

// Rule is one rule of the schedule.
type Rule struct {
	Name, Title, Kind, Scope string
	// Text is the rule in plain English.
	Text string
}

// Example is one of the contract's tests, as a worked example.
type Example struct {
	Name   string
	Period string
	// Note is the working the test's comments give, a line each;
	// Aligned says the lines are laid out in columns, to be kept as they
	// are rather than run together as a paragraph.
	Note    []string
	Aligned bool
	Sets    []Fact
	Files   []string
	// Tables hold the test's own records, one table a schema.
	Tables  []Table
	Expects []string
}

// Table is a captioned table of text.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// groups are the sections rules go in, in order.
var groups = []struct {
	id, heading string
	kinds       []lang.RuleKind
}{
	{"payments", "Payments", []lang.RuleKind{lang.Payment, lang.Incentive, lang.Sanction, lang.Share}},
	{"caps", "Caps and floors", []lang.RuleKind{lang.Cap, lang.Floor}},
	{"standards", "Performance standards", []lang.RuleKind{lang.Standard}},
	{"values", "Values the rules use", []lang.RuleKind{lang.Let}},
	{"exclusions", "Exclusions and flags", []lang.RuleKind{lang.Exclude, lang.Flag}},
}

// Build lays out the contract c as a schedule.
func Build(c *compiler.Contract) (*Schedule, error) {
	w := prose.New(c)
	s := &Schedule{Title: c.Title, Hash: c.Hash}
	s.facts(c, w)
	for _, p := range c.Params {
		if p.IsTable() {
			// A table param is a row for each entry, its default last.
			for _, e := range p.Entries {
				s.Params = append(s.Params, Param{Name: p.Name + "[" + e.Key + "]", Title: p.Title + ": " + e.Key, Value: w.Entry(p, e.Value)})
			}
			if d := p.Table().Default(); d != nil {
				s.Params = append(s.Params, Param{Name: p.Name + "[default]", Title: p.Title + ": any other", Value: w.Entry(p, d)})
			}
			continue
		}
		s.Params = append(s.Params, Param{Name: p.Name, Title: p.Title, Value: w.Param(p)})
	}
	for _, sc := range c.Schemas {
		d := Data{Name: sc.Name, Title: sc.Title}
		if sc.Parent != nil {
			d.In = sc.Parent.Name
		}
		if k := sc.RefKey(); k != nil {
			d.LookedUpBy = k.Name
		}
		for _, f := range sc.Fields {
			d.Fields = append(d.Fields, Field{Name: f.Name, Holds: w.Field(f), Title: f.Title})
		}
		s.Data = append(s.Data, d)
	}
	// Rules in the order the contract declares them, not the order they
	// are evaluated in.
	rules := slices.Clone(c.Rules)
	slices.SortStableFunc(rules, func(a, b *compiler.Rule) int {
		return cmp.Or(strings.Compare(a.Span.File, b.Span.File), cmp.Compare(a.Span.Start.Offset, b.Span.Start.Offset))
	})
	for _, g := range groups {
		grp := Group{ID: g.id, Heading: g.heading}
		for _, r := range rules {
			if !slices.Contains(g.kinds, r.Kind) {
				continue
			}
			text, err := w.Rule(r)
			if err != nil {
				return nil, err
			}
			grp.Rules = append(grp.Rules, Rule{Name: r.Name, Title: r.Title, Kind: kindWords(r.Kind), Scope: prose.ScopeShort(r.Scope), Text: text})
		}
		if len(grp.Rules) > 0 {
			s.Groups = append(s.Groups, grp)
		}
	}
	for _, t := range c.Tests {
		s.Examples = append(s.Examples, example(c, w, t))
	}
	return s, nil
}

// kindWords names a rule's kind for a reader, with its keyword:
// "deduction (sanction)".
func kindWords(k lang.RuleKind) string {
	if w := prose.KindWord(k); w != string(k) {
		return w + " (" + string(k) + ")"
	}
	return string(k)
}

// facts writes the header's terms.
func (s *Schedule) facts(c *compiler.Contract, w *prose.Writer) {
	add := func(label, v string) {
		if v != "" {
			s.Facts = append(s.Facts, Fact{label, v})
		}
	}
	add("Commissioner", c.Commissioner)
	add("Payers", payers(c))
	add("Provider", c.Provider)
	add("Term", w.Term())
	add("Settlement", settlement(c.Settlement))
	add("Currency", c.Currency)
	add("Rounding", rounding(c))
	if c.Budget != nil {
		add("Budget", w.Money(c.Budget.Decimal())+" for the term")
	}
	add("Model", prose.Name(c.Model))
	add("Version", c.Version)
}

func settlement(k compiler.ScopeKind) string {
	switch k {
	case compiler.MonthScope:
		return "monthly: a statement for each calendar month of the term"
	case compiler.QuarterScope:
		return "quarterly: a statement for each contract quarter, counted from the start of the term"
	case compiler.YearScope:
		return "yearly: a statement for each contract year, counted from the start of the term"
	}
	return "once, for the whole term"
}

func rounding(c *compiler.Contract) string {
	unit := "to the currency's smallest unit"
	if c.MinorUnits == 2 {
		unit = "to the penny"
		if c.Currency != "GBP" {
			unit = "to the cent"
		}
	}
	how := prose.Name(c.Rounding.String())
	switch c.Rounding {
	case value.HalfUp:
		how = "halves rounded up"
	case value.HalfEven:
		how = "halves rounded to the even digit"
	}
	return "each line is rounded once, " + unit + ", " + how + "; totals are sums of the rounded lines"
}

// example lays out one test.
func example(c *compiler.Contract, w *prose.Writer, t *compiler.Test) Example {
	ex := Example{Name: t.Name, Period: "every period its data touches"}
	if !t.Settles.IsZero() {
		ex.Period = periodWords(t.Settles)
	}
	if t.Decl != nil && t.Decl.Stmt.Block != nil {
		for _, st := range t.Decl.Stmt.Block.Stmts {
			for _, cm := range st.Comments {
				line := strings.TrimPrefix(strings.TrimPrefix(cm.Text, "//"), " ")
				ex.Note = append(ex.Note, strings.TrimRight(line, " "))
				ex.Aligned = ex.Aligned || strings.Contains(strings.TrimSpace(line), "  ")
			}
		}
		for _, f := range t.Decl.Files {
			ex.Files = append(ex.Files, f.Unquoted())
		}
	}
	for _, name := range slices.Sorted(maps.Keys(t.Sets)) {
		v, _ := w.Source(nil, t.Sets[name].Source)
		title := name
		if p := c.SettableParam(name); p != nil && p.Title != "" {
			title = p.Title + " (" + name + ")" // a param, or one entry of a table
		}
		ex.Sets = append(ex.Sets, Fact{title, v})
	}
	ex.Tables = recordTables(w, t.Records)
	for _, e := range t.Expects {
		ex.Expects = append(ex.Expects, expectation(c, w, e))
	}
	return ex
}

// periodWords writes a test's period: May 2026, or 2026-Q1 (1 April 2026
// to 30 June 2026).
func periodWords(p compiler.Period) string {
	first, last := p.Months()
	if p.Kind == compiler.MonthScope && first == last {
		return prose.Month(p.From())
	}
	return p.Label() + " (" + prose.Date(p.From()) + " to " + prose.Date(p.To()) + ")"
}

var opWords = map[string]string{"==": "", "!=": "not ", "<": "less than ", "<=": "at most ", ">": "more than ", ">=": "at least "}

var kindPlurals = map[string]string{"payment": "payments", "incentive": "incentives", "sanction": "sanctions", "share": "shares", "adjustment": "adjustments"}

// expectation writes one expectation of a test as a sentence.
func expectation(c *compiler.Contract, w *prose.Writer, e *compiler.Expect) string {
	val := ""
	if e.Value != nil {
		val = opWords[e.Op] + w.Value(e.Value.Constant(), false)
	}
	rule := func(name string) string {
		if r := c.Rule(name); r != nil {
			return prose.RuleName(r)
		}
		return name
	}
	a := e.Args
	switch e.What {
	case "total":
		return "The total is " + val + "."
	case "line":
		return rule(a[0]) + " for " + a[1] + " is " + val + "."
	case "lines":
		n := val
		return rule(a[0]) + " makes " + n + " " + plural(n, "line") + "."
	case "subtotal":
		if p, ok := kindPlurals[a[0]]; ok {
			return "The " + p + " add up to " + val + "."
		}
		return rule(a[0]) + " adds up to " + val + "."
	case "standard":
		s := rule(a[0]) + " in " + a[1] + " is "
		switch a[2] {
		case "met":
			s += "met"
		case "breach":
			s += "breached"
		default:
			s += "missed"
		}
		if len(a) == 4 {
			s += ": " + lowerFirst(a[3])
		}
		return s + "."
	case "excluded":
		s := a[0] + " is left out"
		if len(a) == 2 {
			s += ": " + a[1]
		}
		return s + "."
	case "flag":
		return rule(a[0]) + " flags " + a[1] + "."
	case "no":
		if a[0] == "flag" {
			return rule(a[1]) + " does not flag " + a[2] + "."
		}
		return rule(a[1]) + " makes no line for " + a[2] + "."
	case "error":
		return "The evaluation stops with an error: " + a[0] + "."
	}
	return e.What + " " + strings.Join(a, " ") + " " + val
}

func plural(n, noun string) string {
	if n == "1" {
		return noun
	}
	return noun + "s"
}

func lowerFirst(s string) string {
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z') {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

// recordTables lays out a test's records: one table for each schema, the
// records nested in another named by their parent's key.
func recordTables(w *prose.Writer, recs []*compiler.TestRecord) []Table {
	type acc struct {
		schema *compiler.Schema
		table  Table
	}
	var order []*acc
	by := map[*compiler.Schema]*acc{}
	var walk func(rs []*compiler.TestRecord, parent string)
	walk = func(rs []*compiler.TestRecord, parent string) {
		for _, r := range rs {
			a := by[r.Schema]
			if a == nil {
				a = &acc{schema: r.Schema}
				if r.Schema.Parent != nil {
					a.table.Header = append(a.table.Header, prose.Name(r.Schema.Parent.Name))
				}
				for _, f := range r.Schema.Fields {
					if f.Kind != compiler.ListField {
						a.table.Header = append(a.table.Header, prose.Name(f.Name))
					}
				}
				by[r.Schema] = a
				order = append(order, a)
			}
			var row []string
			if r.Schema.Parent != nil {
				row = append(row, parent)
			}
			var key []string
			for _, f := range r.Schema.Fields {
				if f.Kind == compiler.ListField {
					continue
				}
				v := r.Values[f.Name]
				cell := ""
				if v != nil {
					cell = strings.Trim(w.Value(v, false), `"`)
				}
				row = append(row, cell)
				if f.Key && f.Kind != compiler.DateField {
					key = append(key, cell)
				}
			}
			a.table.Rows = append(a.table.Rows, row)
			k := strings.Join(key, "/")
			if parent != "" {
				k = parent + "/" + k
			}
			walk(r.Children, k)
		}
	}
	walk(recs, "")
	out := make([]Table, len(order))
	for i, a := range order {
		a.table.Caption = upperFirst(words.Count(len(a.table.Rows), prose.Name(a.schema.Name)))
		out[i] = a.table
	}
	return out
}

func upperFirst(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
