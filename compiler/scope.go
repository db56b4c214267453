package compiler

import "fmt"

// ScopeKind says how a rule is instantiated: once per record of a schema, or
// once per instance of an aggregate such as a month or a person.
type ScopeKind int

// The scope kinds. The time scopes nest: Month within Quarter within Year
// within Term. Quarters and years are contract quarters and contract years,
// counted from the first day of the term.
const (
	RecordScope ScopeKind = iota
	MonthScope
	QuarterScope
	YearScope
	TermScope
	PersonScope
	GroupScope
)

var scopeNames = map[ScopeKind]string{
	RecordScope: "record", MonthScope: "month", QuarterScope: "quarter", YearScope: "year",
	TermScope: "term", PersonScope: "person", GroupScope: "group",
}

// String returns the scope kind's keyword.
func (k ScopeKind) String() string { return scopeNames[k] }

// IsTime reports whether the scope is a calendar scope.
func (k ScopeKind) IsTime() bool { return k >= MonthScope && k <= TermScope }

// Scope is where a rule runs: for each record of a schema, or per aggregate.
type Scope struct {
	Kind   ScopeKind
	Schema *Schema // for RecordScope
	Group  *Group  // for GroupScope
}

// String describes the scope as a contract would: "for review", "per quarter".
func (s Scope) String() string {
	switch {
	case s.Kind == RecordScope:
		return fmt.Sprintf("for %s", s.Schema.Name)
	case s.Kind == GroupScope:
		return fmt.Sprintf("per %s", s.Group)
	}
	return fmt.Sprintf("per %s", s.Kind)
}

// Settlement is how often the contract settles.
type Settlement = ScopeKind

// SettlementWord describes a settlement of this kind as statements show
// it: monthly, quarterly, yearly, or once for the term.
func (k ScopeKind) SettlementWord() string {
	switch k {
	case MonthScope:
		return "monthly"
	case QuarterScope:
		return "quarterly"
	case YearScope:
		return "yearly"
	}
	return "once for the term"
}

// parseSettlement maps the header's settlement word to a time scope.
func parseSettlement(word string) (ScopeKind, bool) {
	switch word {
	case "monthly":
		return MonthScope, true
	case "quarterly":
		return QuarterScope, true
	case "yearly", "annually":
		return YearScope, true
	case "term":
		return TermScope, true
	}
	return 0, false
}
