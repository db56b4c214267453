package lang

import "strings"

// RuleKind is the kind of a rule declaration.
type RuleKind string

// The rule kinds. Payment, incentive, sanction and share produce money
// lines; cap and floor adjust the lines of the rules they cover; standard
// measures performance against a target; flag lists records for attention
// with no amount; exclude removes records from evaluation with a reason; let
// names a derived value.
const (
	Payment   RuleKind = "payment"
	Incentive RuleKind = "incentive"
	Sanction  RuleKind = "sanction"
	Share     RuleKind = "share"
	Cap       RuleKind = "cap"
	Floor     RuleKind = "floor"
	Standard  RuleKind = "standard"
	Flag      RuleKind = "flag"
	Exclude   RuleKind = "exclude"
	Let       RuleKind = "let"
)

// RuleKinds lists every rule kind in the order the reference documents them.
var RuleKinds = []RuleKind{Payment, Incentive, Sanction, Share, Cap, Floor, Standard, Flag, Exclude, Let}

// Contract is the contract header.
//
//	contract "Help to Live at Home" {
//	  model        individual_outcomes
//	  commissioner "Example County Council"
//	  provider     "Example Home Care Ltd"
//	  term         2026-04-01 .. 2027-03-31
//	  settlement   monthly
//	  currency     GBP
//	  rounding     half_up
//	  payer        council "Example County Council"
//	  payer        icb     "NHS Example Integrated Care Board"
//	  split        council 60%, icb 40%
//	}
type Contract struct {
	Stmt         *Stmt
	Title        Word
	Model        *Word
	Commissioner *Word
	Provider     *Word
	Reference    *Word
	Version      *Word
	TermFrom     *Word
	TermTo       *Word
	Settlement   *Word
	Currency     *Word
	Rounding     *Word
	Budget       *Word
	// Payers and Splits are the header's payer and split settings, in
	// the order written (see payers.go).
	Payers []*PayerDecl
	Splits []*SplitDecl
}

// Param is a named constant that evaluation may override: one value, or
// a table of values by key (see table.go).
//
//	param hourly_rate "Price per delivered hour" = £19.60
//	param job_fee "Job outcome fee by payment group" {
//	  jsa_18_24 = £1,200.00
//	  default   = £0.00
//	}
type Param struct {
	Stmt  *Stmt
	Name  Word
	Title *Word
	Value *Expr
	// Entries are a table param's entries in the order written, the
	// default among them; nil for a param with one value.
	Entries []*Entry
}

// Data is a data schema: the shape of one kind of input record, or with
// `reference`, of reference data looked up by key.
//
//	data review "One monthly review" {
//	  person       text    key
//	  actual_hours decimal 0 .. 400
//	  goals        list goal max 20
//	}
//	data care_package "Care package rates" {
//	  reference
//	  code        text  key
//	  weekly_rate money
//	}
type Data struct {
	Stmt   *Stmt
	Name   Word
	Title  *Word
	Fields []*Field
	// MaxPerPerson is N in the setting `max N per person`: at most N
	// records of one person (see history.go).
	MaxPerPerson *Word
	// Reference is the setting `reference`: the data is looked up by its
	// key, with no period and no person (see table.go).
	Reference *Word
}

// Field is one field of a data schema.
//
//	satisfaction optional int 1 .. 5 "Score the person gave"
//	status       achieved | partly | not_met | not_feasible
//	reviewed_on  date format "dd/mm/yyyy" period
type Field struct {
	Stmt     *Stmt
	Name     Word
	Optional bool
	// Type is the type word: text, int, decimal, money, bool, date or list.
	// For an enumeration it is the first alternative and Enum is set.
	Type     Word
	Enum     []Word
	Elem     *Word // the schema of a list's items
	MaxItems *Word // a list's maximum size
	Min, Max *Word // an inclusive range
	Key      bool
	Period   bool
	Format   *Word
	Title    *Word
}

// Rule is a payment, incentive, sanction, share, cap, floor, standard,
// flag, exclude or let declaration.
//
//	incentive goal_fee "Goal achieved" {
//	  for    goal
//	  when   goal.status == "achieved"
//	  amount = outcome_fee
//	}
type Rule struct {
	Stmt  *Stmt
	Kind  RuleKind
	Name  Word
	Title *Word

	For         *Word  // a record scope: the schema the rule runs for
	Per         []Word // an aggregate scope: person, period, month, quarter, year, term, or fields of a group
	Once        []Word // claim once: the fields of the group each pays one record of
	When        *Expr
	Amount      *Expr // payment, incentive, sanction
	Basis       *Expr // share
	Part        *Expr // share: the provider's part of the basis
	Covers      []Word
	Limit       *Expr // cap, floor
	Measure     *Expr // standard
	TargetOp    *Word
	Target      *Expr
	Breach      *Word      // standard: the consequence of a breach
	RepeatCount *Word      // standard: consecutive breaches that escalate
	Repeated    *Word      // standard: the escalated consequence
	Instalments *Word      // monthly or quarterly
	Value       *Expr      // let
	Reason      *Word      // exclude: the reason shown (defaults to the title)
	Split       *SplitDecl // the rule's own split between payers
	Payer       *Word      // cap, floor: the one payer whose parts it limits
	Due         *Expr      // the date a record's line falls due (see due.go)
}

// Test is a test of the contract: data, a period and expectations.
//
//	test "a quick goal earns the uplift" {
//	  period 2026-05
//	  set    hourly_rate = £20.00
//	  data   "reviews.csv"
//	  review { person = "P1"  month = 2026-05-01  actual_hours = 40 }
//	  expect total == £3,153.64
//	}
type Test struct {
	Stmt    *Stmt
	Name    Word
	Period  *Word
	Sets    []*Setting
	Files   []Word
	Records []*Record
	Expects []*Expect
}

// Setting is `name = expr`: a param override in a test or a field value in
// an inline record.
type Setting struct {
	Stmt  *Stmt
	Name  Word
	Value *Expr
}

// Record is an inline data record in a test.
//
//	review {
//	  person = "P1"
//	  goal { goal = "G1"  status = "achieved" }
//	}
type Record struct {
	Stmt     *Stmt
	Schema   Word
	Values   []*Setting
	Children []*Record
}

// Expect is one expectation of a test.
//
//	expect total == £3,153.64
//	expect line hours "P1" == £784.00
//	expect subtotal sanction == -£47.04
//	expect standard at_home "2026-Q1" breach "Performance notice"
//	expect excluded "V10" "outside the term"
//	expect flag feasibility "P2/G2"
//	expect no line goal_fee "P3/G1"
//	expect error "division by zero"
type Expect struct {
	Stmt  *Stmt
	What  Word
	Args  []Word
	Op    *Word
	Value *Expr
}

func (c *Contract) declSpan() Span { return c.Stmt.Span }
func (p *Param) declSpan() Span    { return p.Stmt.Span }
func (d *Data) declSpan() Span     { return d.Stmt.Span }
func (r *Rule) declSpan() Span     { return r.Stmt.Span }
func (t *Test) declSpan() Span     { return t.Stmt.Span }

// JoinWords joins the words' texts with commas, as a list of names is
// written: `person, outcome`.
func JoinWords(ws []Word) string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Text
	}
	return strings.Join(out, ", ")
}
