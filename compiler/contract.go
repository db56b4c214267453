package compiler

import (
	"fmt"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
)

// Contract is a checked contract, ready to evaluate.
type Contract struct {
	Title        string
	Model        string
	Commissioner string
	Provider     string
	// Reference is the contract's reference in the commissioner's
	// finance system, from the header's reference setting; "" when the
	// header has none.
	Reference  string
	Version    string
	TermFrom   value.Date
	TermTo     value.Date
	Settlement ScopeKind
	Currency   string
	// MinorUnits is the number of decimal places of the currency (2 for GBP).
	MinorUnits int32
	Rounding   value.Rounding
	// Budget is the optional contract budget from the header.
	Budget *value.Money
	// Payers are the header's payers in declaration order, or the one
	// payer CommissionerPayer when it declares none; Splits are the
	// header's splits, the first in force from the term's start and each
	// later one from its From date (see payers.go).
	Payers []*Payer
	Splits []*Split

	Params  []*Param
	Schemas []*Schema
	// Groups are the groups rules run per or pay once per, each once.
	Groups []*Group
	// Rules are in dependency order: every rule comes after the rules,
	// lets and standards it reads.
	Rules []*Rule
	Tests []*Test

	// Files are the parsed source files, for quoting and hashing.
	Files []*lang.File
	// Hash is the SHA-256 of the source files, hex encoded.
	Hash string

	params  map[string]*Param
	schemas map[string]*Schema
	rules   map[string]*Rule
	envs    map[envKey]*cel.Env
	opts    options
	cal     *Calendar // nil until the header's term is checked
}

// Param is a named constant with a default that evaluation may override.
type Param struct {
	Name    string
	Title   string
	Type    *types.Type
	Default ref.Val
	Span    lang.Span
	Used    bool
	// Percent is set when the default is written as a percentage (25%).
	Percent bool
	// Entries are a table param's entries in the order written, its
	// default not among them, and Default then a *value.Table; Elem is the
	// type of every entry, and Type the map from text to Elem (see
	// table.go). Entries is nil for a param with one value.
	Entries    []*Entry
	HasDefault bool
	Elem       *types.Type

	defaultEntry *Entry

	literal   string    // the default as written, for hints
	valueSpan lang.Span // where it is written
}

// FieldKind is the type of a data field.
type FieldKind int

// The field kinds.
const (
	TextField FieldKind = iota
	IntField
	DecimalField
	MoneyField
	BoolField
	DateField
	EnumField
	ListField
)

var fieldKindNames = []string{"text", "int", "decimal", "money", "bool", "date", "enum", "list"}

// String returns the kind's keyword.
func (k FieldKind) String() string { return fieldKindNames[k] }

// Schema is a checked data schema.
type Schema struct {
	Name   string
	Title  string
	Fields []*Field
	// Keys are the key fields in declaration order.
	Keys []*Field
	// PeriodField is the date that places a record in a period. Nested
	// schemas take their parent's.
	PeriodField *Field
	// PersonField is the field named "person", if any.
	PersonField *Field
	// Parent is the schema whose list field holds this one, and ParentField
	// that list field.
	Parent      *Schema
	ParentField *Field
	// Lists are this schema's list fields.
	Lists []*Field
	// Type is the CEL object type of a record.
	Type *types.Type
	Span lang.Span
	// MaxPerPerson is the most records one person may have, from the
	// setting `max N per person`, or 0 for no limit (see history.go).
	MaxPerPerson int
	// Reference is set for reference data, from the setting `reference`:
	// records looked up by their one key field, Keys[0], with no period
	// and no person, never evaluated themselves. Expressions read it as a
	// map of type Table from key to record (see reference.go).
	Reference bool
	Table     *types.Type

	fields map[string]*Field
}

// Field is one field of a schema.
type Field struct {
	Name     string
	Title    string
	Kind     FieldKind
	Optional bool
	Key      bool
	Enum     []string
	// Min and Max bound a number, amount or date (nil when unbounded).
	Min, Max ref.Val
	Elem     *Schema
	MaxItems int
	// DateFormat is "" for ISO dates or "dd/mm/yyyy".
	DateFormat string
	// Index is the field's position in value.Record.Fields.
	Index int
	Type  *types.Type
	Span  lang.Span
}

// FieldByName returns the named field, or nil.
func (s *Schema) FieldByName(name string) *Field { return s.fields[name] }

// Root returns the top-level schema this one is nested in (itself at the top).
func (s *Schema) Root() *Schema {
	for s.Parent != nil {
		s = s.Parent
	}
	return s
}

// Rule is a checked rule.
type Rule struct {
	Name  string
	Title string
	Kind  lang.RuleKind
	Scope Scope

	When    *Expression
	Amount  *Expression // payment, incentive, sanction
	Basis   *Expression // share
	Part    *Expression // share
	Limit   *Expression // cap, floor
	Measure *Expression // standard
	Target  *Expression // standard
	// TargetOp is the comparison of a standard: >=, >, <=, <, == or !=.
	TargetOp string
	// TargetPercent is set when a standard's target is written as a
	// percentage, directly or through a param: its measure is then shown as
	// a percentage too.
	TargetPercent bool
	Value         *Expression // let
	Covers        []*Rule
	Breach        string
	Repeated      string
	RepeatCount   int
	// Instalments splits each amount into equal lines per month or quarter,
	// the last taking the remainder.
	Instalments ScopeKind
	Reason      string
	// Split is the rule's own split between payers, or nil for the
	// contract's; Payer, for a cap or floor, the one payer whose parts it
	// limits, or nil (see payers.go).
	Split *Split
	Payer *Payer
	// Due is the date a record's line falls due, or nil for the record's
	// own period (see due.go).
	Due *Expression
	// Once is the group a rule for records pays one record of, the first
	// that qualifies; a repeat is flagged on itself (claim once), or nil.
	Once *Group

	// Type is what the rule's name evaluates to: money for rules with
	// lines, bool for a standard, the value's type for a let.
	Type *types.Type
	// Deps are the rules this one reads (not counting previous()).
	Deps []*Rule
	// CyclicLags names the rules this one reads through a lag (previous()
	// and the sums and counts over earlier instances) that read this one
	// in turn: each earlier instance is then evaluated as of its own
	// period, before this one.
	CyclicLags map[string]bool
	// ReadBy is set when some expression reads this rule.
	ReadBy bool
	Span   lang.Span
}

// HasLines reports whether the rule produces money lines.
func (r *Rule) HasLines() bool {
	switch r.Kind {
	case lang.Payment, lang.Incentive, lang.Sanction, lang.Share:
		return true
	}
	return false
}

// Expressions returns the rule's expressions that are set, in a fixed order.
func (r *Rule) Expressions() []*Expression {
	var out []*Expression
	for _, e := range []*Expression{r.When, r.Amount, r.Basis, r.Part, r.Limit, r.Measure, r.Target, r.Value, r.Due} {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// Expression is a checked CEL expression and its program.
type Expression struct {
	Source  *lang.Expr
	AST     *cel.Ast
	Program cel.Program
	Type    *types.Type
	// Reads are the params, rules and lets the expression reads, by name,
	// sorted; Previous are those read through previous().
	Reads    []string
	Previous []string
	// Inputs are the values a line built from the expression shows: the
	// record fields (review.actual_hours), params, rules and lags of rules
	// (as their variables, @prev_NAME; see ParseLag) it reads, in the order
	// they appear.
	Inputs []string
	// Vars are the variables the expression's environment declares.
	Vars []string
	// Cost is the static upper bound of the expression's cost.
	Cost uint64

	// Parts are the sub-expressions an explanation shows, in source order.
	Parts []Part
	// Branches are the conditions of the expression's `? :` choices, for
	// test coverage.
	Branches []Part

	constant ref.Val
	env      *cel.Env
}

// Part is a sub-expression: its node in the checked AST and its source.
type Part struct {
	ID   int64
	Text string
	Span lang.Span
}

// ProgramWith builds another program for the expression with extra
// options, such as a decorator that observes sub-expressions.
func (e *Expression) ProgramWith(opts ...cel.ProgramOption) (cel.Program, error) {
	if e.env == nil {
		return nil, fmt.Errorf("expression has no environment")
	}
	return e.env.Program(e.AST, opts...)
}

// TraceProgram returns a program that records the value of every
// sub-expression, for explanations. It is slower than Program.
func (e *Expression) TraceProgram() (cel.Program, error) {
	if e.env == nil {
		return nil, fmt.Errorf("expression has no environment")
	}
	return e.env.Program(e.AST, cel.EvalOptions(cel.OptTrackState))
}

// Constant returns the value of an expression that reads nothing, such as
// a test's expected total or a param override, or nil.
func (e *Expression) Constant() ref.Val { return e.constant }

// Test is a checked test block; the runtime runs it.
type Test struct {
	Name string
	Decl *lang.Test
	Dir  string // the directory of the file holding the test
	// Period is the test's period as written ("" for every period its
	// data touches), and Settles the same read with the contract's
	// calendar (the zero Period when Period is "").
	Period  string
	Settles Period
	Sets    map[string]*Expression
	// Records hold the inline records' field values, each a constant.
	Records []*TestRecord
	Expects []*Expect
	Span    lang.Span
}

// TestRecord is an inline record of a test.
type TestRecord struct {
	Schema   *Schema
	Values   map[string]ref.Val
	Children []*TestRecord
	Span     lang.Span
}

// Expect is one checked expectation.
type Expect struct {
	Decl *lang.Expect
	What string
	Args []string
	Op   string
	// Value is a constant expression, when the expectation compares one.
	Value *Expression
	Span  lang.Span
}

// Param returns the named param, or nil.
func (c *Contract) Param(name string) *Param { return c.params[name] }

// Schema returns the named schema, or nil.
func (c *Contract) Schema(name string) *Schema { return c.schemas[name] }

// Rule returns the named rule, or nil.
func (c *Contract) Rule(name string) *Rule { return c.rules[name] }

// TopSchemas returns the schemas that are not nested in another.
func (c *Contract) TopSchemas() []*Schema {
	var out []*Schema
	for _, s := range c.Schemas {
		if s.Parent == nil {
			out = append(out, s)
		}
	}
	return out
}
