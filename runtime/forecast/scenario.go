package forecast

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/spell"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime/data"
)

// Scenario describes the simulated cohorts of a forecast for one contract:
// who is served each month, and how each data field the contract reads is
// distributed. It is immutable once parsed and safe for concurrent use.
type Scenario struct {
	// File is the scenario's file name, as given; messages name it.
	File string
	// SHA256 is the hex SHA-256 of the file's contents.
	SHA256 string
	// Vars are the scenario's named values, in file order, with any
	// overrides applied.
	Vars []Var

	src    []byte
	c      *compiler.Contract
	cal    *calendar
	start  int // term month of the cohort's first month
	length int // months simulated
	size   int
	join   *dist
	leave  *dist
	tops   []*schemaGen
	over   map[string]value.Decimal
}

// Var is a named number of a scenario, written under vars: and used as
// $name; Options.Vars and Options.Vary change it.
type Var struct {
	Name  string
	Value value.Decimal
	// Set is true when the value was overridden rather than read from the
	// file.
	Set bool
}

// ParseScenario reads a scenario file written for contract c and checks it
// against the contract. Every mistake found is reported: the error is then
// a lang.Diagnostics, in file order, each with the span of the mistake in
// the file and a message that starts with its place in the scenario in
// words ("data goal, field status: ...").
func ParseScenario(c *compiler.Contract, file string, src []byte) (*Scenario, error) {
	return parseScenario(c, file, src, nil)
}

// WithVars returns the scenario re-read with some vars set to other values.
// Every check is made again, so a value that makes the scenario invalid
// (a probability above 1, say) is reported, as by ParseScenario, at the
// line that uses it.
func (s *Scenario) WithVars(over map[string]value.Decimal) (*Scenario, error) {
	all := map[string]value.Decimal{}
	for k, v := range s.over {
		all[k] = v
	}
	for k, v := range over {
		all[k] = v
	}
	return parseScenario(s.c, s.File, s.src, all)
}

// HasVar reports whether the scenario defines the named var.
func (s *Scenario) HasVar(name string) bool {
	for _, v := range s.Vars {
		if v.Name == name {
			return true
		}
	}
	return false
}

// VarNames lists the scenario's vars.
func (s *Scenario) VarNames() []string {
	var out []string
	for _, v := range s.Vars {
		out = append(out, v.Name)
	}
	return out
}

// genKind says how a field's values are made.
type genKind int

const (
	gDist   genKind = iota // drawn from a distribution
	gDate                  // a base date plus a number of days drawn
	gList                  // a number of nested records drawn
	gPerson                // the person's name, from the cohort
	gPeriod                // the record's month, from the cohort
	gKey                   // a nested record's position: G1, G2, ...
	gConst                 // a placeholder for a field the contract never reads
)

// probOne is a probability of 1 in the units probabilities are drawn in.
const probOne = 1_000_000_000

// schemaGen makes the records of one data schema.
type schemaGen struct {
	s      *compiler.Schema
	id     int
	fields []*fieldGen // by field index
	order  []*fieldGen // in the order values are made: dependencies first
	node   *yaml.Node
	where  string
}

// fieldGen makes the values of one field.
type fieldGen struct {
	f      *compiler.Field
	kind   genKind
	d      *dist     // the values, the days (gDate) or the count (gList)
	times  *fieldGen // the value is d's draw times this field's value
	places int32     // decimal places of a number drawn
	from   *fieldGen // gDate: the base date; nil for the record's period date
	chance uint64    // presence, in units of 1/probOne
	when   []gate
	// perPerson fields are drawn once for each person and kept for all
	// their months.
	perPerson bool
	child     *schemaGen
	konst     ref.Val
	keys      []ref.Val // gKey: the values for positions 1, 2, ...
	node      *yaml.Node
	where     string
	given     bool // the scenario gives the field
	// The range of values the field can take: numbers scaled by
	// 10^places, dates, and whether it can be blank.
	lo, hi     int64
	dlo, dhi   value.Date
	maybeBlank bool
	deps       []*fieldGen
}

// gate makes a field present only when another field of the record has one
// of some values.
type gate struct {
	f    *compiler.Field
	vals []ref.Val
}

// parser reads one scenario file.
type parser struct {
	c      *compiler.Contract
	cal    *calendar
	file   string
	src    []byte
	errs   lang.Diagnostics
	vars   map[string]*varDef
	over   map[string]value.Decimal
	reads  map[*compiler.Field]bool
	nextID int
}

// varDef is a var of the scenario: its value, the key it is written
// at, and whether anything uses it.
type varDef struct {
	val  value.Decimal
	node *yaml.Node
	used bool
}

// yamlLine finds the line number in the YAML parser's messages.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// parseScenario reads a scenario with some vars overridden by over.
func parseScenario(c *compiler.Contract, file string, src []byte, over map[string]value.Decimal) (*Scenario, error) {
	cal, err := newCalendar(c)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(src)
	s := &Scenario{File: file, SHA256: hex.EncodeToString(sum[:]), src: src, c: c, cal: cal, over: over}
	p := &parser{c: c, cal: cal, file: file, src: src, vars: map[string]*varDef{}, over: over, reads: readFields(c)}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		line := 1
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			// The YAML parser counts the lines of an unclosed [ or { from 0.
			if strings.Contains(err.Error(), "did not find expected") {
				line++
			}
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = yamlLine.ReplaceAllString(msg, "")
		msg = strings.TrimLeft(msg, ": ")
		p.errorAt(line, 1, CodeYAML, "not valid YAML: %s", msg)
		return nil, p.errs
	}
	if len(doc.Content) == 0 {
		p.errorf(nil, "", CodeMissing, "the scenario is empty; it needs a cohort and data")
		return nil, p.errs
	}
	root := data.ResolveYAML(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "", CodeBadValue, "a scenario is a mapping with cohort, vars and data; found %s", data.DescribeYAML(root))
		return nil, p.errs
	}
	keys := p.mapping(root, "", []string{"version", "description", "cohort", "vars", "data"})
	if v := keys["version"]; v != nil {
		if n, ok := p.integer(v, "version"); ok && n != 1 {
			p.errorf(v, "version", CodeBadValue, "this occ reads scenario version 1, not %d", n)
		}
	}
	if v := keys["vars"]; v != nil {
		p.parseVars(v, s)
	}
	for name := range over {
		if p.vars[name] == nil {
			p.errorf(root, "", CodeUnknownKey, "the scenario has no var %q to set%s", name, didYouMean(name, sortedVarNames(p.vars)))
		}
	}
	if v := keys["cohort"]; v != nil {
		p.parseCohort(v, s)
	} else {
		p.errorf(root, "", CodeMissing, "the scenario has no cohort; say how many people are served (cohort: {size: 200})")
	}
	if v := keys["data"]; v != nil {
		p.parseData(v, s, keyNode(root, "data"))
	} else {
		p.errorf(root, "", CodeMissing, "the scenario has no data; give a distribution for each field the contract reads")
	}
	for _, name := range sortedVarNames(p.vars) {
		if v := p.vars[name]; !v.used {
			p.errorf(v.node, "vars, "+name, CodeUnusedVar, "var %s is never used; use it as $%s or remove it", name, name)
		}
	}
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool {
			a, b := p.errs[i].Span.Start, p.errs[j].Span.Start
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Col < b.Col
		})
		return nil, p.errs
	}
	return s, nil
}

// sortedVarNames returns the names of the vars, sorted.
func sortedVarNames(m map[string]*varDef) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// readFields returns the data fields some rule of the contract reads.
func readFields(c *compiler.Contract) map[*compiler.Field]bool {
	out := map[*compiler.Field]bool{}
	for _, r := range c.Rules {
		for _, e := range r.Expressions() {
			for _, in := range e.Inputs {
				sn, fn, ok := strings.Cut(in, ".")
				if !ok {
					continue
				}
				if s := c.Schema(sn); s != nil {
					if f := s.FieldByName(fn); f != nil {
						out[f] = true
					}
				}
			}
		}
	}
	// A list is read when any field of its records is.
	var listRead func(s *compiler.Schema) bool
	listRead = func(s *compiler.Schema) bool {
		any := false
		for _, f := range s.Fields {
			if out[f] {
				any = true
			}
			if f.Kind == compiler.ListField && f.Elem != nil && listRead(f.Elem) {
				out[f] = true
				any = true
			}
		}
		return any
	}
	for _, s := range c.TopSchemas() {
		listRead(s)
	}
	return out
}

// suggestOrList returns "; did you mean X?" when a candidate is close to
// name, and otherwise "; WHAT a, b and c".
func suggestOrList(name string, candidates []string, what string) string {
	if s := didYouMean(name, candidates); s != "" {
		return s
	}
	return "; " + what + " " + words.And(candidates)
}

// didYouMean returns "; did you mean X?" when a candidate is close to
// name, and "" otherwise.
func didYouMean(name string, candidates []string) string {
	if s := spell.Nearest(name, candidates); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// mapping reads a mapping's keys, reporting unknown and repeated ones, and
// returns the value nodes by key.
func (p *parser) mapping(n *yaml.Node, where string, allowed []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	n = data.ResolveYAML(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, where, CodeBadValue, "expected a mapping of %s; found %s", strings.Join(allowed, ", "), data.DescribeYAML(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], data.ResolveYAML(n.Content[i+1])
		if _, dup := out[k.Value]; dup {
			p.errorf(k, where, CodeDuplicate, "%s is given twice", k.Value)
			continue
		}
		known := false
		for _, a := range allowed {
			if a == k.Value {
				known = true
			}
		}
		if !known {
			p.errorf(k, where, CodeUnknownKey, "unknown key %q; expected %s%s", k.Value, words.Or(allowed), didYouMean(k.Value, allowed))
			continue
		}
		out[k.Value] = v
	}
	return out
}

// keyNode returns the key node of key in mapping n, for positions.
func keyNode(n *yaml.Node, key string) *yaml.Node {
	n = data.ResolveYAML(n)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return n
}

// parseCohort reads the cohort: its start, length, size, joiners and
// leavers.
func (p *parser) parseCohort(n *yaml.Node, s *Scenario) {
	keys := p.mapping(n, "cohort", []string{"start", "length", "size", "joiners", "leavers"})
	cal := p.cal
	s.start = 0
	if v := keys["start"]; v != nil {
		t, ok := p.text(v, "cohort, start")
		if ok {
			found := -1
			for m := range cal.months {
				if cal.monthLabel(m) == t {
					found = m
				}
			}
			if found < 0 {
				p.errorf(v, "cohort, start", CodeBadValue, "%q is not a month of the term %s .. %s; write yyyy-mm, like %s",
					t, cal.monthLabel(0), cal.monthLabel(len(cal.months)-1), cal.monthLabel(0))
			} else {
				s.start = found
			}
		}
	}
	remaining := len(cal.months) - s.start
	s.length = remaining
	if v := keys["length"]; v != nil {
		if n, ok := p.integer(v, "cohort, length"); ok {
			switch {
			case n < 1:
				p.errorf(v, "cohort, length", CodeBadValue, "the cohort must run for at least 1 month")
			case n > int64(remaining):
				p.errorf(v, "cohort, length", CodeBadValue, "%d months from %s runs past the end of the term (%s); at most %d months fit",
					n, cal.monthLabel(s.start), cal.monthLabel(len(cal.months)-1), remaining)
			default:
				s.length = int(n)
			}
		}
	}
	sizeOK := false
	if v := keys["size"]; v != nil {
		if n, ok := p.integer(v, "cohort, size"); ok {
			if n < 0 {
				p.errorf(v, "cohort, size", CodeBadValue, "the cohort size cannot be negative")
			} else if n > 1_000_000 {
				p.errorf(v, "cohort, size", CodeBadValue, "%d people is more than the forecast simulates (at most 1,000,000)", n)
			} else {
				s.size, sizeOK = int(n), true
			}
		}
	} else {
		sizeOK = true
	}
	count := spec{kind: compiler.IntField, places: 0, min: zeroDec(), max: value.DecimalFromInt(100_000)}
	if v := keys["joiners"]; v != nil {
		s.join = p.parseDist(v, "cohort, joiners", count, nil)
	}
	if v := keys["leavers"]; v != nil {
		s.leave = p.parseDist(v, "cohort, leavers", count, nil)
	}
	joinMax := int64(0)
	if s.join != nil {
		joinMax = s.join.hi
	}
	if sizeOK && s.size == 0 && (joinMax == 0 || s.length == 1) {
		at := keyNode(n, "size")
		if keys["size"] == nil {
			at = n
		}
		p.errorf(at, "cohort", CodeBadValue, "the cohort is empty: size is 0 and nobody joins, so there is nothing to forecast; give a size or joiners")
	}
}
