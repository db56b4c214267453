package runtime

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/spell"
)

// Explanation shows how one statement line was computed.
type Explanation struct {
	Line  Line
	Rule  *compiler.Rule
	Steps []Step
	// Notes explain what the steps do not show, such as how a cap's
	// adjustment follows from the covered total and the limit.
	Notes []string
}

// Step is one expression of the rule, with the value of each part.
type Step struct {
	Clause string // when, amount, basis, part, limit, value
	Source *lang.Expr
	Value  string
	Parts  []PartValue
}

// PartValue is a sub-expression and the value it had.
type PartValue struct {
	Text  string
	Span  lang.Span
	Value string
}

// Explain returns, for every line and every flag of the statement whose key
// is key (or whose rule:key is key), the rule's expressions evaluated again
// with every sub-expression's value recorded. A flag is explained as a line
// of kind "flag" with no amount.
func (st *Statement) Explain(key string) ([]Explanation, error) {
	ev := st.ev
	if ev == nil {
		return nil, fmt.Errorf("the statement cannot be explained")
	}
	var out []Explanation
	err := st.eachLineKeyed(key, func(l Line) {
		x := ev.explain(l)
		if l.Kind == "adjustment" {
			x.Notes = st.capNotes(l)
		} else {
			x.Notes = st.boundNotes(l)
		}
		x.Notes = append(ev.dueNotes(l), x.Notes...)
		out = append(out, x)
	})
	if err != nil {
		return nil, err
	}
	for _, f := range st.Flags {
		if f.Key != key && f.Rule+":"+f.Key != key {
			continue
		}
		l := Line{Rule: f.Rule, Title: f.Title, Kind: "flag", Period: f.Period, Key: f.Key, Source: f.Source,
			rule: f.rule, scope: refOf(f.rule.Scope), inst: f.inst}
		l.Inputs = ev.inputs(&l)
		x := ev.explain(l)
		x.Notes = append(ev.dueNotes(l), ev.repeatNotes(l)...)
		out = append(out, x)
	}
	if len(out) == 0 {
		return nil, st.noKey(key)
	}
	return out, nil
}

// capNotes explains how a cap's or floor's adjustment line follows from
// the covered total and the limit.
func (st *Statement) capNotes(l Line) []string {
	m := func(v value.Money) string { return value.Format(v, st.Contract.MinorUnits) }
	var notes []string
	for _, c := range st.Caps {
		if c.Rule != l.Rule || c.Instance != l.Key || c.Period != l.Period {
			continue
		}
		var covers []string
		for _, r := range l.rule.Covers {
			covers = append(covers, r.Name)
		}
		word, verb := "at most", "removes the excess"
		if c.Kind == "floor" {
			word, verb = "at least", "makes up the shortfall"
		}
		notes = append(notes,
			fmt.Sprintf("the lines of %s total %s in %s so far; the %s allows %s %s",
				strings.Join(covers, ", "), m(c.Covered), c.Instance, c.Kind, word, m(c.Limit)),
			fmt.Sprintf("the adjustment %s: %s", verb, m(c.Adjustment)))
	}
	return notes
}

// boundNotes says which caps and floors covering a line's rule adjusted
// the instance the line counts in: the line stands as computed, and the
// cap's or floor's own line takes off the excess (or adds the shortfall)
// of all the lines it covers there.
func (st *Statement) boundNotes(l Line) []string {
	ev := st.ev
	r := l.rule
	if r == nil || !r.HasLines() || r.Instalments != 0 {
		return nil
	}
	m := func(v value.Money) string { return value.Format(v, st.Contract.MinorUnits) }
	ls := refOf(r.Scope)
	var notes []string
	for _, c := range ev.p.c.Rules {
		if (c.Kind != lang.Cap && c.Kind != lang.Floor) || !slices.Contains(c.Covers, r) {
			continue
		}
		cs := refOf(c.Scope)
		k := ev.countIn(ls, l.inst, ev.lineMonth(r, ev.states[r], l.inst), cs)
		for _, a := range ev.states[c].adjust {
			if a.inst != k {
				continue
			}
			inst := ev.instanceName(cs, a.inst)
			period := ev.cal.label(ev.p.c.Settlement, a.period)
			word, verb := "capped", "at most"
			if c.Kind == lang.Floor {
				word, verb = "floored", "at least"
			}
			covered := "the lines it covers"
			if c.Payer != nil {
				covered = "payer " + c.Payer.Name + "'s parts of the lines it covers"
			}
			notes = append(notes, fmt.Sprintf("%s: %s %s allows %s %s for %s; %s there came to %s by %s, so its line %s:%s adjusts them by %s",
				word, c.Kind, c.Name, verb, m(a.limit), inst, covered, m(a.covered), period, c.Name, inst, m(a.amount)))
		}
	}
	return notes
}

// noKey returns the error for a key no line or flag has, suggesting the
// nearest key one has.
func (st *Statement) noKey(key string) error {
	var keys []string
	seen := map[string]bool{}
	st.eachKey(func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	})
	for _, f := range st.Flags {
		if !seen[f.Key] {
			seen[f.Key] = true
			keys = append(keys, f.Key)
		}
	}
	msg := fmt.Sprintf("no line or flag has the key %q", key)
	var escaped []string
	for _, k := range keys {
		if unescapeKey(k) == key && k != key {
			escaped = append(escaped, strconv.Quote(k))
		}
	}
	if len(escaped) > 0 {
		// The key was typed with a value's "/", "@" or "%" as it is.
		return errors.New(msg + "; a key writes / @ % inside a value as %2F %40 %25: did you mean " + strings.Join(escaped, " or ") + "?")
	}
	if sug := spell.Nearest(key, keys); sug != "" {
		msg += fmt.Sprintf("; did you mean %q?", sug)
	}
	return errors.New(msg)
}

// eachLineKeyed calls fn with each line whose key, or rule:key, is key,
// rendering only those lines.
func (s *Statement) eachLineKeyed(key string, fn func(Line)) error {
	ev := s.ev
	var b []byte
	for _, r := range s.refs {
		if err := ev.context().Err(); err != nil {
			return err
		}
		b = ev.appendFullKey(b[:0], r)
		if string(b) != key {
			rule, _ := ev.lineRule(r)
			name, k, ok := strings.Cut(key, ":")
			if !ok || name != rule.Name || k != string(b) {
				continue
			}
		}
		fn(ev.line(r))
	}
	return nil
}

// eachKey calls fn with the key of each line.
func (s *Statement) eachKey(fn func(string)) {
	var b []byte
	for _, r := range s.refs {
		b = s.ev.appendFullKey(b[:0], r)
		fn(string(b))
	}
}

// explain evaluates the expressions of line l's rule again for its
// instance, recording the value of each part.
func (ev *evaluation) explain(l Line) Explanation {
	r := l.rule
	x := Explanation{Line: l, Rule: r}
	if c := ev.lineSource(r, l.inst); c != nil && l.scope == refOf(r.Scope) {
		// A per person line paid as of an earlier period is explained
		// by that period's evaluation, which computed it.
		ev = c
	}
	x.Steps = ev.steps(r, l.scope, l.inst, "")
	// The lets the rule read, and the lets they read, each once, computed
	// for the instance of their scope that holds the line's, as of the
	// period they were read as of (see asof.go).
	seen := map[*compiler.Rule]bool{}
	var lets func(ev *evaluation, r *compiler.Rule, s scopeRef, inst int)
	lets = func(ev *evaluation, r *compiler.Rule, s scopeRef, inst int) {
		for _, d := range r.Deps {
			if d.Kind != lang.Let || seen[d] {
				continue
			}
			seen[d] = true
			ds := refOf(d.Scope)
			di := ev.contain(s, inst, ds)
			if di < 0 {
				continue
			}
			src := ev
			if c := ev.readSource(r, d, ds, di, s, inst); c != nil {
				src = c
			}
			x.Steps = append(x.Steps, src.steps(d, ds, di, "let "+d.Name+" ")...)
			lets(src, d, ds, di)
		}
	}
	lets(ev, r, l.scope, l.inst)
	return x
}

// steps evaluates rule r's expressions again for instance inst of scope s,
// recording every part's value; each step's clause is prefixed.
func (ev *evaluation) steps(r *compiler.Rule, s scopeRef, inst int, prefix string) []Step {
	var out []Step
	rs := &ruleCtx{rule: r, scope: s, reads: map[string]*compiler.Rule{}}
	for _, d := range r.Deps {
		rs.reads[d.Name] = d
	}
	if r.Due != nil {
		rs.self = ev.states[r] // reads as of the due period (see due.go)
	}
	clauses := []struct {
		name string
		e    *compiler.Expression
	}{{"when", r.When}, {"due", r.Due}, {"amount", r.Amount}, {"basis", r.Basis}, {"part", r.Part}, {"limit", r.Limit}, {"value", r.Value}}
	for _, c := range clauses {
		if c.e == nil {
			continue
		}
		step := Step{Clause: prefix + c.name, Source: c.e.Source}
		prg, err := c.e.TraceProgram()
		if err != nil {
			step.Value = "error: " + err.Error()
			out = append(out, step)
			continue
		}
		act := &activation{ev: ev, rs: rs, inst: inst}
		v, det, err := prg.ContextEval(ev.context(), act)
		if err != nil {
			step.Value = "error: " + err.Error()
		} else {
			step.Value = value.Format(v, ev.p.c.MinorUnits)
		}
		if det != nil {
			for _, part := range c.e.Parts {
				v, ok := det.State().Value(part.ID)
				if !ok {
					continue
				}
				step.Parts = append(step.Parts, PartValue{Text: oneLine(part.Text), Span: part.Span, Value: ev.formatPart(v)})
			}
		}
		out = append(out, step)
	}
	return out
}

// formatPart renders the value a sub-expression had, or says that it was
// not evaluated (the branch of a choice not taken, say).
func (ev *evaluation) formatPart(v ref.Val) string {
	if v == nil {
		return "(not evaluated)"
	}
	return value.Format(v, ev.p.c.MinorUnits)
}

// oneLine returns s with its runs of white space, line breaks too, made
// single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
