package compiler

import (
	"fmt"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/parser"

	"github.com/occ-lang/occ/lang"
)

// A rule for each record of data with a person may aggregate over the same
// person's records of top-level data D: history(D) stands for those dated
// up to and including this record, earlier(D) for those before it. The
// macros (see aggregateMacros) range over the variables HistoryPrefix+D
// and EarlierPrefix+D, which the runtime answers from an index of each
// person's records.
// within(D, N days) ranges over WithinPrefix+"N_"+D: the earlier records
// dated within N days before this record's date.
const (
	HistoryPrefix = "@history_"
	EarlierPrefix = "@earlier_"
	WithinPrefix  = "@within_"
)

// checkLimits reads each data's `max N per person`.
func (ck *checker) checkLimits(decls map[string]*lang.Data) {
	for _, s := range ck.c.Schemas {
		d := decls[s.Name]
		if d == nil || d.MaxPerPerson == nil {
			continue
		}
		w := d.MaxPerPerson
		n, err := strconv.Atoi(w.Text)
		switch {
		case err != nil || n < 1:
			ck.errorf(w.Span, "bad-clause", "the limit in `max N per person` must be a whole number of 1 or more").Detail =
				"write e.g. `max 260 per person`"
		case s.Parent != nil:
			ck.errorf(w.Span, "bad-clause", "data %s is nested in %s: `max N per person` goes in top-level data", s.Name, s.Parent.Name)
		case s.PersonField == nil:
			ck.errorf(w.Span, "bad-clause", "data %s has no person field to count records by", s.Name).Detail =
				"add a text field named person"
		default:
			s.MaxPerPerson = n
		}
	}
}

// historyUse tells, for the macros of one scope, whether history(D) may be
// written there: "" when it may, or the error and its hint.
type historyUse struct {
	scope    Scope
	contract *Contract
}

// check returns the error and hint for history(D) (fn is history or
// earlier) in the scope, or "" when it is allowed.
func (h historyUse) check(fn, d string) (msg, hint string) {
	s := h.scope
	if s.Kind != RecordScope {
		return fmt.Sprintf("%s(%s) needs a rule for each record: a rule per %s has no one person's record to count back from", fn, d, s.Kind),
			fmt.Sprintf("run the rule `for` data with a person field, or aggregate %s directly: count(%s)", d, d)
	}
	top := s.Schema
	for top.Parent != nil {
		top = top.Parent
	}
	if top.PersonField == nil {
		return fmt.Sprintf("%s(%s) needs the rule's data %s to have a person field", fn, d, top.Name), "add a text field named person"
	}
	ds := h.contract.Schema(d)
	switch {
	case ds.Parent != nil:
		return fmt.Sprintf("%s(%s) ranges over top-level data, and %s is nested in %s", fn, d, d, ds.Parent.Name),
			fmt.Sprintf("write %s(%s) and read the nested records of each", fn, ds.Parent.Name)
	case ds.PersonField == nil:
		return fmt.Sprintf("%s(%s) needs data %s to have a person field", fn, d, d), "add a text field named person"
	case ds.PeriodField == nil:
		return fmt.Sprintf("%s(%s) needs data %s to have a period date", fn, d, d), "mark the date that places a record in a period with `period`"
	case ds.MaxPerPerson == 0:
		return fmt.Sprintf("%s(%s) needs a bound on each person's records of %s", fn, d, d),
			fmt.Sprintf("declare `max 260 per person` in data %s", d)
	}
	return "", ""
}

// historyVars declares the history variables of record scope s: the same
// person's records of each top-level data with a person and a period.
func (c *Contract) historyVars(s Scope) []cel.EnvOption {
	if s.Kind != RecordScope {
		return nil
	}
	var opts []cel.EnvOption
	for _, d := range c.TopSchemas() {
		if d.PersonField == nil || d.PeriodField == nil {
			continue
		}
		opts = append(opts, cel.Variable(HistoryPrefix+d.Name, types.NewListType(d.Type)),
			cel.Variable(EarlierPrefix+d.Name, types.NewListType(d.Type)))
	}
	return opts
}

// histError marks a macro's error as a misuse of history(D), which parse
// reports with code bad-history; histHint separates the message from its
// hint.
const (
	histError = "history: "
	histHint  = " | hint: "
)

// historyError returns the message and hint of a macro error marked with
// histError.
func historyError(m string) (msg, hint string, ok bool) {
	i := strings.Index(m, histError)
	if i < 0 {
		return "", "", false
	}
	msg, hint, _ = strings.Cut(m[i+len(histError):], histHint)
	return msg, hint, true
}

// arg reads an aggregate's first argument when it is history(D) or
// earlier(D): the data name D and the variable the aggregate ranges over.
// s is "" when the argument is neither.
func (h historyUse) arg(eh parser.ExprHelper, a ast.Expr, schemas map[string]bool) (s, list string, err *common.Error) {
	if a.Kind() != ast.CallKind {
		return "", "", nil
	}
	call := a.AsCall()
	fn := call.FunctionName()
	prefix := map[string]string{"history": HistoryPrefix, "earlier": EarlierPrefix, "within": WithinPrefix}[fn]
	if prefix == "" || call.IsMemberFunction() {
		return "", "", nil
	}
	args := call.Args()
	if fn == "within" {
		return h.within(eh, a, args, schemas)
	}
	if len(args) != 1 || args[0].Kind() != ast.IdentKind || !schemas[args[0].AsIdent()] {
		return "", "", eh.NewError(a.ID(), histError+fmt.Sprintf("%s takes one data name: %s(week)", fn, fn)+histHint+
			"write count(history(week), week.in_work) for the same person's records of week up to this one")
	}
	d := args[0].AsIdent()
	if msg, hint := h.check(fn, d); msg != "" {
		return "", "", eh.NewError(a.ID(), histError+msg+histHint+hint)
	}
	return d, prefix + d, nil
}

// historySize bounds history(D) and earlier(D) by D's `max N per person`.
func (e estimator) historySize(path []string) *cost.SizeEstimate {
	name, ok := strings.CutPrefix(path[0], HistoryPrefix)
	if !ok {
		name, ok = strings.CutPrefix(path[0], EarlierPrefix)
	}
	if !ok {
		_, name, ok = ParseWithin(path[0])
	}
	if !ok || len(path) != 1 {
		return nil
	}
	n := e.maxRecords
	if s := e.vars[name]; s != nil && s.MaxPerPerson > 0 {
		n = uint64(s.MaxPerPerson)
	}
	est := cost.RangedSizeEstimate(0, n)
	return &est
}

// historySpan moves a macro error's span, which CEL places at the call's
// opening parenthesis, back to the start of the function's name, which
// the message starts with (history, earlier).
func historySpan(span lang.Span, msg string) lang.Span {
	fn, _, ok := strings.Cut(msg, "(")
	if n := len(fn); ok && n > 0 && n < 12 && span.Start.Col > n && span.Start.Offset >= n {
		span.Start.Col -= n
		span.Start.Offset -= n
	}
	return span
}

// historyInExclude reports history(D) or earlier(D) in an exclude rule:
// records are excluded before persons' histories are gathered.
func (ck *checker) historyInExclude(pr *pendingRule, name string, span lang.Span) {
	if pr.r.Kind != lang.Exclude || !strings.HasPrefix(name, HistoryPrefix) && !strings.HasPrefix(name, EarlierPrefix) && !strings.HasPrefix(name, WithinPrefix) {
		return
	}
	ck.errorf(span, "bad-history", "exclude %s cannot read a person's history: records are excluded one by one, before any rule runs", pr.r.Name).Detail =
		"test the record's own fields, or flag the record with a flag rule that reads history"
}

// within reads within(D, N days): the data name and the variable of the
// earlier records dated within N days before this record's.
func (h historyUse) within(eh parser.ExprHelper, a ast.Expr, args []ast.Expr, schemas map[string]bool) (s, list string, err *common.Error) {
	n := int64(-1)
	if len(args) == 2 && args[1].Kind() == ast.CallKind && args[1].AsCall().FunctionName() == "days" && len(args[1].AsCall().Args()) == 1 {
		if lit := args[1].AsCall().Args()[0]; lit.Kind() == ast.LiteralKind {
			if v, ok := lit.AsLiteral().(types.Int); ok {
				n = int64(v)
			}
		}
	}
	if len(args) != 2 || args[0].Kind() != ast.IdentKind || !schemas[args[0].AsIdent()] || n < 1 {
		return "", "", eh.NewError(a.ID(), histError+"within(D, N days) takes a data name and a number of days or weeks, e.g. within(spell, 30 days)"+histHint+
			"write the length as a number of days or weeks, e.g. 30 days or 26 weeks")
	}
	d := args[0].AsIdent()
	if msg, hint := h.check("within", d); msg != "" {
		return "", "", eh.NewError(a.ID(), histError+msg+histHint+hint)
	}
	return d, fmt.Sprintf("%s%d_%s", WithinPrefix, n, d), nil
}

// ParseWithin splits a within variable into its number of days and data
// name; ok is false for any other name.
func ParseWithin(name string) (days int64, data string, ok bool) {
	rest, ok := strings.CutPrefix(name, WithinPrefix)
	if !ok {
		return 0, "", false
	}
	num, data, ok := strings.Cut(rest, "_")
	days, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || days < 1 {
		return 0, "", false
	}
	return days, data, true
}

// withinVars declares the within variables rule pr's expressions read.
func (ck *checker) withinVars(pr *pendingRule, opts []cel.EnvOption, names []string) ([]cel.EnvOption, []string) {
	seen := map[string]bool{}
	for _, re := range pr.exprs {
		if re.p == nil {
			continue
		}
		for _, id := range re.p.idents {
			_, d, ok := ParseWithin(id.name)
			if s := ck.c.Schema(d); ok && s != nil && !seen[id.name] {
				seen[id.name] = true
				opts = append(opts, cel.Variable(id.name, types.NewListType(s.Type)))
				names = append(names, id.name)
			}
		}
	}
	return opts, names
}
