package prose

import (
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang/words"
)

// Name writes a declared name in words: actual_hours is "actual hours".
func Name(name string) string { return strings.ReplaceAll(name, "_", " ") }

// Plural writes a schema's name in the plural: reviews, discharges,
// enrolments, categories.
func Plural(name string) string {
	n := Name(name)
	switch {
	case strings.HasSuffix(n, "s") || strings.HasSuffix(n, "x") || strings.HasSuffix(n, "ch") || strings.HasSuffix(n, "sh"):
		return n + "es"
	case strings.HasSuffix(n, "y") && len(n) > 1 && !strings.ContainsRune("aeiou", rune(n[len(n)-2])):
		return n[:len(n)-1] + "ies"
	}
	return n + "s"
}

// FieldName writes a field's name as the schedule calls it: its name in
// words, with a date named X_on called "date X" (met_on is "date met").
// A field's title describes it, and is shown beside it, not used as its
// name.
func FieldName(f *compiler.Field) string {
	if f.Kind == compiler.DateField && strings.HasSuffix(f.Name, "_on") && len(f.Name) > 3 {
		return "date " + Name(strings.TrimSuffix(f.Name, "_on"))
	}
	return Name(f.Name)
}

// Field describes what a field holds, in words: "a number from 0 to 400",
// "one of achieved, partly, not_met or not_feasible", "a date; may be
// blank", "up to 20 goals".
func (w *Writer) Field(f *compiler.Field) string {
	var s string
	switch f.Kind {
	case compiler.TextField:
		s = "text"
	case compiler.IntField:
		s = "a whole number"
	case compiler.DecimalField:
		s = "a number"
	case compiler.MoneyField:
		s = "an amount of money"
	case compiler.BoolField:
		s = "yes or no"
	case compiler.DateField:
		s = "a date"
		if f.DateFormat != "" {
			s += " written " + f.DateFormat
		}
	case compiler.EnumField:
		quoted := make([]string, len(f.Enum))
		for i, e := range f.Enum {
			quoted[i] = `"` + e + `"`
		}
		s = "one of " + words.Or(quoted)
	case compiler.ListField:
		s = "a list of " + Plural(f.Elem.Name)
		if f.MaxItems > 0 {
			s = "up to " + words.Number(f.MaxItems) + " " + Plural(f.Elem.Name)
		}
	}
	switch {
	case f.Min != nil && f.Max != nil:
		s += " from " + w.Value(f.Min, false) + " to " + w.Value(f.Max, false)
	case f.Min != nil:
		s += " of at least " + w.Value(f.Min, false)
	case f.Max != nil:
		s += " of at most " + w.Value(f.Max, false)
	}
	var notes []string
	if f.Key {
		notes = append(notes, "part of the record's key")
	}
	if f.Optional {
		notes = append(notes, "may be blank")
	}
	if len(notes) > 0 {
		s += "; " + strings.Join(notes, ", ")
	}
	return s
}

// lowerFirst lowers the first letter of a title to use it inside a
// sentence, unless the title starts with a code or acronym ("K1: at
// home", "NHS referral").
func lowerFirst(s string) string {
	if len(s) == 0 || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	if len(s) > 1 && (s[1] >= 'A' && s[1] <= 'Z' || s[1] >= '0' && s[1] <= '9') {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// upperFirst starts a sentence with a capital.
func upperFirst(s string) string {
	if len(s) == 0 || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// unit names one instance of a time scope inside a sentence: "month",
// "contract quarter", "contract year", "term".
func unit(k compiler.ScopeKind) string {
	switch k {
	case compiler.MonthScope:
		return "month"
	case compiler.QuarterScope:
		return "contract quarter"
	case compiler.YearScope:
		return "contract year"
	case compiler.PersonScope:
		return "person"
	}
	return "term"
}

// Scope writes where a rule runs, as a sentence opens: "For each
// review", "In each month", "In each contract quarter", "Over the whole
// term", "For each person".
func Scope(s compiler.Scope) string {
	switch s.Kind {
	case compiler.RecordScope:
		return "For each " + Name(s.Schema.Name)
	case compiler.TermScope:
		return "Over the whole term"
	case compiler.PersonScope:
		return "For each person, over the term"
	case compiler.GroupScope:
		return "For each " + groupWords(s.Group) + ", over the term"
	}
	return "In each " + unit(s.Kind)
}

// ScopeShort writes a rule's scope for a table: "each review", "each
// month", "the term", "each person".
func ScopeShort(s compiler.Scope) string {
	switch s.Kind {
	case compiler.RecordScope:
		return "each " + Name(s.Schema.Name)
	case compiler.TermScope:
		return "the whole term"
	case compiler.GroupScope:
		return "each " + groupWords(s.Group)
	}
	return "each " + unit(s.Kind)
}

// groupWords names one instance of a group: "cohort", "person and
// outcome".
func groupWords(g *compiler.Group) string {
	names := make([]string, len(g.Fields))
	for i, f := range g.Fields {
		names[i] = Name(f)
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
