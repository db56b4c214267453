package lang

import "slices"

// The words the language takes in each place. The decoder checks against
// these lists, and the exported functions give copies of them to tools
// that offer the words, such as an editor's completion.
var (
	topKeywords = []string{"contract", "param", "data", "test", "payment", "incentive", "sanction", "share", "cap", "floor", "standard", "flag", "exclude", "let"}

	headerSettings = []string{"model", "commissioner", "provider", "reference", "version", "term", "settlement", "currency", "rounding", "budget", "payer", "split"}

	// ruleClauses lists the clauses each rule kind accepts.
	ruleClauses = map[RuleKind][]string{
		Payment:   {"for", "per", "once", "when", "amount", "instalments", "split", "due"},
		Incentive: {"for", "per", "once", "when", "amount", "instalments", "split", "due"},
		Sanction:  {"for", "per", "once", "when", "amount", "split", "due"},
		Share:     {"for", "per", "once", "when", "basis", "part", "split", "due"},
		Cap:       {"per", "covers", "limit", "split", "payer"},
		Floor:     {"per", "covers", "limit", "split", "payer"},
		Standard:  {"per", "measure", "target", "breach", "repeated"},
		Flag:      {"for", "per", "when", "due"},
		Exclude:   {"for", "when", "reason"},
		Let:       {"for", "per", "value"},
	}

	fieldTypes     = []string{"text", "int", "decimal", "money", "bool", "date", "list"}
	fieldModifiers = []string{"key", "period", "max", "format", "optional"}
	testStatements = []string{"period", "set", "data", "expect"}

	// expectations lists what an expect statement can check.
	expectations = []string{"total", "line", "lines", "subtotal", "payer", "standard", "excluded", "flag", "no", "error"}
)

// Declarations returns the keywords that start a top-level declaration.
func Declarations() []string { return slices.Clone(topKeywords) }

// HeaderSettings returns the settings a contract header takes.
func HeaderSettings() []string { return slices.Clone(headerSettings) }

// RuleClauses returns the clauses a rule of the kind takes, or nil for a
// kind that is not a rule kind.
func RuleClauses(k RuleKind) []string { return slices.Clone(ruleClauses[k]) }

// FieldWords returns the field types and the words that may follow a
// field's type.
func FieldWords() []string { return slices.Concat(fieldTypes, fieldModifiers) }

// Expectations returns what an expect statement in a test can check.
func Expectations() []string { return slices.Clone(expectations) }

// TestStatements returns the statements a test block takes besides its
// records.
func TestStatements() []string { return slices.Clone(testStatements) }
