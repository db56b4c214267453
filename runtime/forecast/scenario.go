package forecast

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"occ/compiler"
	"occ/compiler/value"
	"occ/lang/spell"
	"occ/lang/words"
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
// $name; --set and --vary change it.
type Var struct {
	Name  string
	Value value.Decimal
	// Set is true when the value was overridden rather than read from the
	// file.
	Set bool
}

// ScenarioError is one mistake in a scenario file, at a line and column,
// with the place in the scenario described in words.
type ScenarioError struct {
	File      string
	Line, Col int
	// Where is the place in the scenario, such as "data goal, field status".
	Where string
	Msg   string
}

func (e ScenarioError) Error() string {
	if e.Where == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Col, e.Where, e.Msg)
}

// ScenarioErrors lists every mistake found in a scenario, in file order.
type ScenarioErrors []ScenarioError

func (es ScenarioErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// ParseScenario reads a scenario file written for contract c and checks it
// against the contract. Errors are ScenarioErrors pointing at file:line:col.
func ParseScenario(c *compiler.Contract, file string, src []byte) (*Scenario, error) {
	return parseScenario(c, file, src, nil)
}

// WithVars returns the scenario re-read with some vars set to other values.
// Every check is made again, so a value that makes the scenario invalid
// (a probability above 1, say) is reported at the line that uses it.
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
	errs   ScenarioErrors
	vars   map[string]*varDef
	over   map[string]value.Decimal
	reads  map[*compiler.Field]bool
	nextID int
}

type varDef struct {
	val  value.Decimal
	node *yaml.Node
	used bool
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func parseScenario(c *compiler.Contract, file string, src []byte, over map[string]value.Decimal) (*Scenario, error) {
	cal, err := newCalendar(c)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(src)
	s := &Scenario{File: file, SHA256: hex.EncodeToString(sum[:]), src: src, c: c, cal: cal, over: over}
	p := &parser{c: c, cal: cal, file: file, vars: map[string]*varDef{}, over: over, reads: readFields(c)}
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
		return nil, ScenarioErrors{{File: file, Line: line, Col: 1, Msg: "not valid YAML: " + msg}}
	}
	if len(doc.Content) == 0 {
		return nil, ScenarioErrors{{File: file, Line: 1, Col: 1, Msg: "the scenario is empty; it needs a cohort and data"}}
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "", "a scenario is a mapping with cohort, vars and data; found %s", describe(root))
		return nil, p.errs
	}
	keys := p.mapping(root, "", []string{"version", "description", "cohort", "vars", "data"})
	if v := keys["version"]; v != nil {
		if n, ok := p.integer(v, "version"); ok && n != 1 {
			p.errorf(v, "version", "this occ reads scenario version 1, not %d", n)
		}
	}
	if v := keys["vars"]; v != nil {
		p.parseVars(v, s)
	}
	for name := range over {
		if p.vars[name] == nil {
			p.errorf(root, "", "the scenario has no var %q to set%s", name, didYouMean(name, sortedVarNames(p.vars)))
		}
	}
	if v := keys["cohort"]; v != nil {
		p.parseCohort(v, s)
	} else {
		p.errorf(root, "", "the scenario has no cohort; say how many people are served (cohort: {size: 200})")
	}
	if v := keys["data"]; v != nil {
		p.parseData(v, s, keyNode(root, "data"))
	} else {
		p.errorf(root, "", "the scenario has no data; give a distribution for each field the contract reads")
	}
	for _, name := range sortedVarNames(p.vars) {
		if v := p.vars[name]; !v.used {
			p.errorf(v.node, "vars, "+name, "var %s is never used; use it as $%s or remove it", name, name)
		}
	}
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool {
			a, b := p.errs[i], p.errs[j]
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Col < b.Col
		})
		return nil, p.errs
	}
	return s, nil
}

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

func (p *parser) errorf(n *yaml.Node, where, format string, args ...any) {
	e := ScenarioError{File: p.file, Line: 1, Col: 1, Where: where, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// suggestOrList returns "; did you mean X?" when a candidate is close to
// name, and otherwise "; WHAT a, b and c".
func suggestOrList(name string, candidates []string, what string) string {
	if s := didYouMean(name, candidates); s != "" {
		return s
	}
	return "; " + what + " " + words.And(candidates)
}

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
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, where, "expected a mapping of %s; found %s", strings.Join(allowed, ", "), describe(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if _, dup := out[k.Value]; dup {
			p.errorf(k, where, "%s is given twice", k.Value)
			continue
		}
		known := false
		for _, a := range allowed {
			if a == k.Value {
				known = true
			}
		}
		if !known {
			p.errorf(k, where, "unknown key %q; expected %s%s", k.Value, words.Or(allowed), didYouMean(k.Value, allowed))
			continue
		}
		out[k.Value] = v
	}
	return out
}

// keyNode returns the key node of key in mapping n, for positions.
func keyNode(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return n
}

// ---- scalars ----

// text returns a scalar's text, with $name replaced by the var's value.
func (p *parser) text(n *yaml.Node, where string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, where, "expected a value; found %s", describe(n))
		return "", false
	}
	t := strings.TrimSpace(n.Value)
	if strings.HasPrefix(t, "$") {
		name := t[1:]
		v := p.vars[name]
		if v == nil {
			p.errorf(n, where, "no var named %q under vars%s", name, didYouMean(name, sortedVarNames(p.vars)))
			return "", false
		}
		v.used = true
		return v.val.String(), true
	}
	return t, true
}

// number reads a decimal number: 12, 12.5, 55% (0.55), £1,250.00 or $var.
func (p *parser) number(n *yaml.Node, where string) (value.Decimal, bool) {
	t, ok := p.text(n, where)
	if !ok {
		return value.Decimal{}, false
	}
	d, err := parseNumber(t)
	if err != nil {
		p.errorf(n, where, "%s", err)
		return value.Decimal{}, false
	}
	return d, true
}

func parseNumber(t string) (value.Decimal, error) {
	s := t
	pct := strings.HasSuffix(s, "%")
	s = strings.TrimSuffix(s, "%")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "£"), "€")
	if strings.Contains(s, ",") {
		s = strings.ReplaceAll(s, ",", "")
	}
	if neg {
		s = "-" + s
	}
	d, err := value.ParseDecimal(s)
	if err != nil {
		return value.Decimal{}, fmt.Errorf("%q is not a number; write digits with an optional point, like 12.5, or a percentage like 55%%", t)
	}
	if pct {
		d, err = d.Quo(value.DecimalFromInt(100))
		if err != nil {
			return value.Decimal{}, err
		}
	}
	return d, nil
}

// integer reads a whole number.
func (p *parser) integer(n *yaml.Node, where string) (int64, bool) {
	d, ok := p.number(n, where)
	if !ok {
		return 0, false
	}
	i, err := d.Int64()
	if err != nil {
		p.errorf(n, where, "%s is not a whole number", d)
		return 0, false
	}
	return i, true
}

// probability reads a number between 0 and 1, returned in units of
// 1/probOne.
func (p *parser) probability(n *yaml.Node, where string) (uint64, bool) {
	d, ok := p.number(n, where)
	if !ok {
		return 0, false
	}
	if d.Sign() < 0 || d.Cmp(value.DecimalFromInt(1)) > 0 {
		p.errorf(n, where, "a probability must lie between 0 and 1 (or 0%% and 100%%); %s is outside", d)
		return 0, false
	}
	u, ok := scaled(d, 9, value.HalfUp)
	return uint64(u), ok
}

// scaled returns d×10^places as a whole number, rounded with mode.
func scaled(d value.Decimal, places int32, mode value.Rounding) (int64, bool) {
	s := value.Round(d, places, mode).String()
	s = strings.Replace(s, ".", "", 1)
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// placesOf returns the number of decimal places d is written with.
func placesOf(d value.Decimal) int32 {
	s := d.String()
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return int32(len(s) - i - 1)
	}
	return 0
}

// unscale returns n/10^places as a decimal.
func unscale(n int64, places int32) value.Decimal {
	d := value.DecimalFromInt(n)
	if places == 0 {
		return d
	}
	q, _ := d.Quo(pow10(places))
	return value.Round(q, places, value.HalfUp)
}

func pow10(p int32) value.Decimal {
	n := int64(1)
	for range p {
		n *= 10
	}
	return value.DecimalFromInt(n)
}

// ---- vars ----

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (p *parser) parseVars(n *yaml.Node, s *Scenario) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "vars", "vars is a mapping of names to numbers; found %s", describe(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		where := "vars, " + k.Value
		if !identRE.MatchString(k.Value) {
			p.errorf(k, "vars", "%q is not a var name; use letters, digits and _", k.Value)
			continue
		}
		if p.vars[k.Value] != nil {
			p.errorf(k, "vars", "var %s is given twice", k.Value)
			continue
		}
		if v.Kind != yaml.ScalarNode || strings.HasPrefix(strings.TrimSpace(v.Value), "$") {
			p.errorf(v, where, "a var is a number; found %s", describe(v))
			continue
		}
		d, err := parseNumber(strings.TrimSpace(v.Value))
		if err != nil {
			p.errorf(v, where, "%s", err)
			continue
		}
		def := &varDef{val: d, node: k}
		set := false
		if o, ok := p.over[k.Value]; ok {
			def.val, set = o, true
		}
		p.vars[k.Value] = def
		s.Vars = append(s.Vars, Var{Name: k.Value, Value: def.val, Set: set})
	}
}

// ---- cohort ----

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
				p.errorf(v, "cohort, start", "%q is not a month of the term %s .. %s; write yyyy-mm, like %s",
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
				p.errorf(v, "cohort, length", "the cohort must run for at least 1 month")
			case n > int64(remaining):
				p.errorf(v, "cohort, length", "%d months from %s runs past the end of the term (%s); at most %d months fit",
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
				p.errorf(v, "cohort, size", "the cohort size cannot be negative")
			} else if n > 1_000_000 {
				p.errorf(v, "cohort, size", "%d people is more than the forecast simulates (at most 1,000,000)", n)
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
		p.errorf(at, "cohort", "the cohort is empty: size is 0 and nobody joins, so there is nothing to forecast; give a size or joiners")
	}
}

func zeroDec() value.Decimal { return value.DecimalFromInt(0) }

// ---- data ----

func (p *parser) parseData(n *yaml.Node, s *Scenario, at *yaml.Node) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "data", "data is a mapping of data names to their fields; found %s", describe(n))
		return
	}
	var names []string
	for _, sc := range p.c.Schemas {
		names = append(names, sc.Name)
	}
	given := map[*compiler.Schema]*yaml.Node{}
	keyOf := map[*compiler.Schema]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		sc := p.c.Schema(k.Value)
		if sc == nil {
			p.errorf(k, "data", "the contract has no data %q%s", k.Value, suggestOrList(k.Value, names, "its data are"))
			continue
		}
		if given[sc] != nil {
			p.errorf(k, "data", "data %s is given twice", k.Value)
			continue
		}
		given[sc], keyOf[sc] = v, k
	}
	anyTop := false
	for _, top := range p.c.TopSchemas() {
		if given[top] == nil {
			if p.schemaRead(top) {
				p.errorf(at, "data", "the scenario has no data %s, which the contract reads; add %s: with a distribution for each of its fields", top.Name, top.Name)
			}
			continue
		}
		anyTop = true
		if sg := p.topSchema(top, given, keyOf); sg != nil {
			s.tops = append(s.tops, sg)
		}
	}
	for _, sc := range p.c.Schemas {
		if sc.Parent != nil && given[sc] != nil && given[sc.Root()] == nil {
			p.errorf(keyOf[sc], "data "+sc.Name, "data %s is nested in %s, which the scenario does not give", sc.Name, sc.Root().Name)
		}
	}
	if !anyTop && len(p.errs) == 0 {
		p.errorf(at, "data", "the scenario gives no top-level data; give one of %s", words.And(topNames(p.c)))
	}
}

func topNames(c *compiler.Contract) []string {
	var out []string
	for _, s := range c.TopSchemas() {
		out = append(out, s.Name)
	}
	return out
}

// schemaRead reports whether the contract reads any field of s or of the
// data nested in it, or counts its records.
func (p *parser) schemaRead(s *compiler.Schema) bool {
	for _, f := range s.Fields {
		if p.reads[f] {
			return true
		}
	}
	for _, r := range p.c.Rules {
		if r.Scope.Schema == s {
			return true
		}
		for _, e := range r.Expressions() {
			for _, v := range e.Vars {
				if v == s.Name || v == compiler.AllPrefix+s.Name {
					return true
				}
			}
		}
	}
	return false
}

// topSchema checks that the cohort model fits a top-level schema: one
// record per active person per month, keyed by person and month.
func (p *parser) topSchema(s *compiler.Schema, given, keyOf map[*compiler.Schema]*yaml.Node) *schemaGen {
	where := "data " + s.Name
	at := keyOf[s]
	if s.PersonField == nil {
		p.errorf(at, where, "data %s has no person field; a scenario makes one record per person per month, which does not fit this contract (use --from to resample real data instead)", s.Name)
		return nil
	}
	for _, k := range s.Keys {
		if k != s.PersonField && k != s.PeriodField {
			p.errorf(at, where, "data %s is keyed by %s as well as person and %s; a scenario makes one record per person per month, which does not fit this contract (use --from to resample real data instead)",
				s.Name, k.Name, s.PeriodField.Name)
			return nil
		}
	}
	return p.schema(s, given, keyOf, true, at)
}

// fieldKeys are the keys a field's mapping may hold.
var fieldKeys = []string{"fixed", "uniform", "normal", "categorical", "bernoulli", "chance", "when", "per", "places", "times", "from", "days", "count"}

var distKeys = []string{"fixed", "uniform", "normal", "categorical", "bernoulli"}

// schema reads the fields of one schema and orders them.
func (p *parser) schema(s *compiler.Schema, given, keyOf map[*compiler.Schema]*yaml.Node, top bool, listAt *yaml.Node) *schemaGen {
	where := "data " + s.Name
	node := given[s]
	sg := &schemaGen{s: s, id: p.nextID, fields: make([]*fieldGen, len(s.Fields)), node: keyOf[s], where: where}
	p.nextID++
	fieldNodes := map[*compiler.Field]*yaml.Node{}
	fieldKey := map[*compiler.Field]*yaml.Node{}
	if node != nil {
		if node.Kind != yaml.MappingNode {
			if !(node.Kind == yaml.ScalarNode && node.Tag == "!!null") {
				p.errorf(node, where, "expected a mapping of field names to distributions; found %s", describe(node))
			}
		} else {
			var names []string
			for _, f := range s.Fields {
				names = append(names, f.Name)
			}
			for i := 0; i+1 < len(node.Content); i += 2 {
				k, v := node.Content[i], resolve(node.Content[i+1])
				f := s.FieldByName(k.Value)
				if f == nil {
					p.errorf(k, where, "data %s has no field %q%s", s.Name, k.Value, suggestOrList(k.Value, names, "its fields are"))
					continue
				}
				if fieldNodes[f] != nil {
					p.errorf(k, where, "field %s is given twice", f.Name)
					continue
				}
				fieldNodes[f], fieldKey[f] = v, k
			}
		}
	}
	at := keyOf[s]
	if at == nil {
		at = listAt // nested data the scenario does not give: point at the list
	}
	var missing []string
	for _, f := range s.Fields {
		fw := fmt.Sprintf("data %s, field %s", s.Name, f.Name)
		fg := &fieldGen{f: f, chance: probOne, node: fieldKey[f], where: fw, places: defaultPlaces(f)}
		if fg.node == nil {
			fg.node = at
		}
		sg.fields[f.Index] = fg
		v := fieldNodes[f]
		auto := ""
		switch {
		case top && f == s.PersonField:
			fg.kind, auto = gPerson, "the cohort's people"
		case top && f == s.PeriodField:
			fg.kind, auto = gPeriod, "the cohort's months"
		case !top && f.Key:
			fg.kind, auto = gKey, "each record's position (1, 2, ...)"
			switch f.Kind {
			case compiler.TextField:
				prefix := strings.ToUpper(f.Name[:1])
				for i := 1; i <= max(s.ParentField.MaxItems, 1); i++ {
					fg.keys = append(fg.keys, types.String(prefix+strconv.Itoa(i)))
				}
			case compiler.IntField:
				for i := 1; i <= max(s.ParentField.MaxItems, 1); i++ {
					fg.keys = append(fg.keys, types.Int(i))
				}
			default:
				p.errorf(at, fw, "key %s is %s; a scenario can number nested records only with a text or int key", f.Name, f.Kind)
			}
		}
		if auto != "" {
			if v != nil {
				p.errorf(fieldKey[f], fw, "%s is made from %s; remove it from the scenario", f.Name, auto)
			}
			continue
		}
		if v == nil {
			if p.reads[f] {
				missing = append(missing, f.Name)
			}
			p.placeholder(fg, s)
			continue
		}
		fg.given = true
		p.field(fg, v, s, top)
	}
	if len(missing) > 0 {
		what := "field"
		if len(missing) > 1 {
			what = "fields"
		}
		if node == nil && !top {
			p.errorf(at, where, "the contract reads %s %s of data %s, but the scenario does not give data %s; add %s: with a distribution for %s",
				what, words.And(missing), s.Name, s.Name, s.Name, map[bool]string{true: "each", false: "it"}[len(missing) > 1])
		} else {
			p.errorf(at, where, "the contract reads %s %s, but the scenario gives no distribution for %s; give %s (write blank for an optional field that is always empty)",
				what, words.And(missing), map[bool]string{true: "them", false: "it"}[len(missing) > 1], map[bool]string{true: "each one", false: "it"}[len(missing) > 1])
		}
	}
	// Nested schemas.
	for _, lf := range s.Lists {
		fg := sg.fields[lf.Index]
		if lf.Elem == nil || lf.Elem.ParentField != lf {
			continue
		}
		switch {
		case fg.given && fg.kind == gList && fg.d != nil && (fg.d.hi > 0 || given[lf.Elem] != nil):
			fg.child = p.schema(lf.Elem, given, keyOf, false, fg.node)
		case fg.given && fg.kind == gList:
			// No records are ever made, so their fields are not needed.
		case given[lf.Elem] != nil:
			p.errorf(keyOf[lf.Elem], "data "+lf.Elem.Name, "data %s is given, but %s.%s has no count, so no %s records are made; give %s: {count: ...}",
				lf.Elem.Name, s.Name, lf.Name, lf.Elem.Name, lf.Name)
		}
	}
	p.order(sg)
	return sg
}

func defaultPlaces(f *compiler.Field) int32 {
	switch f.Kind {
	case compiler.DecimalField, compiler.MoneyField:
		return 2
	}
	return 0
}

// placeholder fills a field the scenario does not give: blank when
// optional, else the smallest value its range allows (0 when it can be),
// the first enum value, false, "", the record's month, or no records.
func (p *parser) placeholder(fg *fieldGen, s *compiler.Schema) {
	f := fg.f
	fg.kind = gConst
	if f.Optional {
		fg.maybeBlank = true
		return
	}
	switch f.Kind {
	case compiler.IntField, compiler.DecimalField, compiler.MoneyField:
		d := zeroDec()
		if f.Min != nil && cmpBound(d, f.Min) < 0 {
			d = boundDec(f.Min)
		}
		if f.Max != nil && cmpBound(d, f.Max) > 0 {
			d = boundDec(f.Max)
		}
		fg.places = placesOf(d)
		fg.lo, _ = scaled(d, fg.places, value.HalfUp)
		fg.hi = fg.lo
		fg.konst = numVal(f.Kind, d)
	case compiler.BoolField:
		fg.konst = types.False
	case compiler.EnumField:
		fg.konst = types.String(f.Enum[0])
	case compiler.TextField:
		fg.konst = types.String("")
	case compiler.DateField:
		fg.kind = gDate
		fg.d = &dist{kind: dFixed, numeric: true}
	case compiler.ListField:
		fg.kind = gList
		fg.d = &dist{kind: dFixed, numeric: true}
	}
}

// numVal makes a field value from a decimal.
func numVal(k compiler.FieldKind, d value.Decimal) ref.Val {
	switch k {
	case compiler.IntField:
		n, _ := d.Int64()
		return types.Int(n)
	case compiler.MoneyField:
		return value.MoneyOf(d)
	}
	return d
}

func boundDec(v ref.Val) value.Decimal {
	switch x := v.(type) {
	case types.Int:
		return value.DecimalFromInt(int64(x))
	case value.Decimal:
		return x
	case value.Money:
		return x.Decimal()
	}
	return zeroDec()
}

func cmpBound(d value.Decimal, b ref.Val) int { return d.Cmp(boundDec(b)) }

// field reads the distribution of one field.
func (p *parser) field(fg *fieldGen, v *yaml.Node, s *compiler.Schema, top bool) {
	f := fg.f
	where := fg.where
	// A scalar is a fixed value; blank leaves an optional field empty.
	var keys map[string]*yaml.Node
	if v.Kind == yaml.ScalarNode {
		if t := strings.TrimSpace(v.Value); v.Tag == "!!null" || t == "blank" {
			if !f.Optional {
				p.errorf(v, where, "%s is required, so it cannot be blank", f.Name)
				return
			}
			fg.kind, fg.maybeBlank = gConst, true
			return
		}
		keys = map[string]*yaml.Node{"fixed": v}
		if f.Kind == compiler.ListField {
			keys = map[string]*yaml.Node{"count": v}
		}
	} else {
		keys = p.mapping(v, where, fieldKeys)
	}
	fixedNode := keys["fixed"]
	if f.Kind == compiler.DateField && fixedNode == nil && keys["days"] == nil {
		p.errorf(v, where, "a date is a fixed date or {from: ..., days: ...}: the number of days after the record's month (from: period, the default) or after another date field")
		return
	}
	// Modifiers that apply to any field.
	if c := keys["chance"]; c != nil {
		if !f.Optional {
			p.errorf(c, where+", chance", "%s is required, so it is always present; chance is for optional fields", f.Name)
		} else if u, ok := p.probability(c, where+", chance"); ok {
			fg.chance = u
			fg.maybeBlank = fg.maybeBlank || u < probOne
		}
	}
	if w := keys["when"]; w != nil {
		p.when(fg, w, s)
	}
	if per := keys["per"]; per != nil {
		t, ok := p.text(per, where+", per")
		switch {
		case !ok:
		case t == "record":
		case t != "person":
			p.errorf(per, where+", per", "per is person (drawn once for each person, kept for all their months) or record (the default); found %q", t)
		case !top:
			p.errorf(per, where+", per", "per: person is for fields of the monthly data; %s is nested in %s", s.Name, s.Parent.Name)
		default:
			fg.perPerson = true
		}
	}
	if pl := keys["places"]; pl != nil {
		if f.Kind != compiler.DecimalField && f.Kind != compiler.MoneyField {
			p.errorf(pl, where+", places", "places is for decimal and money fields; %s is %s", f.Name, f.Kind)
		} else if n, ok := p.integer(pl, where+", places"); ok {
			if n < 0 || n > 6 {
				p.errorf(pl, where+", places", "places must be between 0 and 6")
			} else {
				fg.places = int32(n)
			}
		}
	}
	for _, k := range []string{"times", "from", "days", "count"} {
		if keys[k] == nil {
			continue
		}
		ok := true
		switch k {
		case "times":
			ok = f.Kind == compiler.IntField || f.Kind == compiler.DecimalField || f.Kind == compiler.MoneyField
		case "from", "days":
			ok = f.Kind == compiler.DateField
		case "count":
			ok = f.Kind == compiler.ListField
		}
		if !ok {
			p.errorf(keyNode(v, k), where, "%s is not for %s fields", k, f.Kind)
			delete(keys, k)
		}
	}
	var dk []string
	for _, k := range distKeys {
		if keys[k] != nil {
			dk = append(dk, k)
		}
	}
	switch f.Kind {
	case compiler.ListField:
		if len(dk) > 0 || keys["count"] == nil {
			p.errorf(v, where, "a list is given as the number of records each %s holds: %s: {count: ...}", s.Name, f.Name)
			return
		}
		fg.kind = gList
		fg.d = p.parseDist(keys["count"], where+", count", spec{kind: compiler.IntField, min: zeroDec(), max: value.DecimalFromInt(int64(f.MaxItems))}, nil)
		return
	case compiler.DateField:
		if fixedNode != nil {
			if len(dk) > 1 || keys["days"] != nil || keys["from"] != nil {
				p.errorf(v, where, "give a fixed date, or from and days, not both")
				return
			}
			t, ok := p.text(fixedNode, where)
			if !ok {
				return
			}
			d, err := value.ParseDate(t, "")
			if err != nil {
				p.errorf(fixedNode, where, "%q is not a date; write yyyy-mm-dd", t)
				return
			}
			fg.kind, fg.konst = gConst, d
			fg.dlo, fg.dhi = d, d
			p.checkDate(fg, fixedNode)
			return
		}
		if len(dk) > 0 {
			p.errorf(keyNode(v, dk[0]), where, "a date is given as days: a distribution of the number of days after its base date; put %s under days", dk[0])
			return
		}
		fg.kind = gDate
		if fr := keys["from"]; fr != nil {
			t, ok := p.text(fr, where+", from")
			if ok && t != "period" {
				base := s.FieldByName(t)
				switch {
				case base == nil || base.Kind != compiler.DateField:
					var dates []string
					for _, x := range s.Fields {
						if x.Kind == compiler.DateField && x != f {
							dates = append(dates, x.Name)
						}
					}
					p.errorf(fr, where+", from", "from is period (the record's month) or another date field of %s (%s); found %q%s", s.Name, words.Or(dates), t, didYouMean(t, dates))
				case base == f:
					p.errorf(fr, where+", from", "%s cannot be counted from itself", f.Name)
				default:
					fg.from = &fieldGen{f: base} // resolved in order()
				}
			}
		}
		fg.d = p.parseDist(keys["days"], where+", days", spec{kind: compiler.IntField, min: value.DecimalFromInt(-36500), max: value.DecimalFromInt(36500)}, nil)
		return
	}
	if len(dk) == 0 {
		p.errorf(v, where, "give a distribution: one of %s", words.Or(distKeys))
		return
	}
	if len(dk) > 1 {
		p.errorf(keyNode(v, dk[1]), where, "give one distribution, not both %s and %s", dk[0], dk[1])
		return
	}
	sp := specOf(f, fg.places)
	if t := keys["times"]; t != nil {
		name, ok := p.text(t, where+", times")
		if ok {
			base := s.FieldByName(name)
			switch {
			case base == nil || (base.Kind != compiler.IntField && base.Kind != compiler.DecimalField && base.Kind != compiler.MoneyField):
				var nums []string
				for _, x := range s.Fields {
					if x != f && (x.Kind == compiler.IntField || x.Kind == compiler.DecimalField || x.Kind == compiler.MoneyField) {
						nums = append(nums, x.Name)
					}
				}
				p.errorf(t, where+", times", "times names another number field of %s (%s); found %q%s", s.Name, words.Or(nums), name, didYouMean(name, nums))
				return
			case base == f:
				p.errorf(t, where+", times", "%s cannot be a multiple of itself", f.Name)
				return
			}
			fg.times = &fieldGen{f: base}
			// The distribution is of the factor: any number, with 4 places.
			sp = spec{kind: compiler.DecimalField, places: 4, factor: true}
		}
	}
	fg.kind = gDist
	d := p.parseDist(v, where, sp, keys)
	if d == nil {
		return
	}
	fg.d = d
	if d.numeric && fg.times == nil {
		fg.places = d.places
		fg.lo, fg.hi = d.lo, d.hi
		p.checkRange(fg, d.node)
	}
}

// when reads a gate: {field: value} or {field: [values]}; every field
// listed must have one of its values.
func (p *parser) when(fg *fieldGen, w *yaml.Node, s *compiler.Schema) {
	where := fg.where + ", when"
	if !fg.f.Optional {
		p.errorf(w, where, "%s is required, so it is always present; when is for optional fields", fg.f.Name)
		return
	}
	if w.Kind != yaml.MappingNode || len(w.Content) == 0 {
		p.errorf(w, where, "when is a mapping of another field of %s to the value (or list of values) it must have, like {status: achieved}; found %s", s.Name, describe(w))
		return
	}
	var names []string
	for _, x := range s.Fields {
		names = append(names, x.Name)
	}
	for i := 0; i+1 < len(w.Content); i += 2 {
		k, v := w.Content[i], resolve(w.Content[i+1])
		gf := s.FieldByName(k.Value)
		if gf == nil {
			p.errorf(k, where, "data %s has no field %q%s", s.Name, k.Value, didYouMean(k.Value, names))
			continue
		}
		if gf == fg.f {
			p.errorf(k, where, "%s cannot depend on itself", fg.f.Name)
			continue
		}
		switch gf.Kind {
		case compiler.EnumField, compiler.TextField, compiler.BoolField, compiler.IntField:
		default:
			p.errorf(k, where, "when can test enum, text, bool and int fields; %s is %s", gf.Name, gf.Kind)
			continue
		}
		g := gate{f: gf}
		items := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			items = v.Content
		}
		for _, it := range items {
			if val, ok := p.fieldValue(resolve(it), gf, where+", "+gf.Name); ok {
				g.vals = append(g.vals, val)
			}
		}
		if len(g.vals) > 0 {
			fg.when = append(fg.when, g)
			fg.maybeBlank = true
		}
	}
}

// fieldValue reads one value of field f, as written in fixed or as a
// categorical category.
func (p *parser) fieldValue(n *yaml.Node, f *compiler.Field, where string) (ref.Val, bool) {
	t, ok := p.text(n, where)
	if !ok {
		return nil, false
	}
	switch f.Kind {
	case compiler.EnumField:
		for _, e := range f.Enum {
			if e == t {
				return types.String(e), true
			}
		}
		p.errorf(n, where, "%q is not a value of %s; it is one of %s%s", t, f.Name, words.Or(f.Enum), didYouMean(t, f.Enum))
		return nil, false
	case compiler.TextField:
		return types.String(t), true
	case compiler.BoolField:
		switch strings.ToLower(t) {
		case "true":
			return types.True, true
		case "false":
			return types.False, true
		}
		p.errorf(n, where, "%q is not true or false", t)
		return nil, false
	case compiler.IntField, compiler.DecimalField, compiler.MoneyField:
		d, err := parseNumber(t)
		if err != nil {
			p.errorf(n, where, "%s", err)
			return nil, false
		}
		if f.Kind == compiler.IntField && !d.IsInteger() {
			p.errorf(n, where, "%s is not a whole number; %s is an int", d, f.Name)
			return nil, false
		}
		return numVal(f.Kind, d), true
	}
	p.errorf(n, where, "%s is %s, which a scenario cannot give this way", f.Name, f.Kind)
	return nil, false
}

// checkRange reports a numeric field whose distribution can produce values
// outside the field's declared range.
func (p *parser) checkRange(fg *fieldGen, at *yaml.Node) {
	f := fg.f
	if f.Kind != compiler.IntField && f.Kind != compiler.DecimalField && f.Kind != compiler.MoneyField {
		return
	}
	lo, hi := trimZeros(unscale(fg.lo, fg.places), 0), trimZeros(unscale(fg.hi, fg.places), 0)
	if (f.Min != nil && cmpBound(lo, f.Min) < 0) || (f.Max != nil && cmpBound(hi, f.Max) > 0) {
		if lo.Cmp(hi) == 0 {
			p.errorf(at, fg.where, "%s is outside the range of %s (%s)", lo, f.Name, rangeText(f))
			return
		}
		p.errorf(at, fg.where, "the distribution can produce %s .. %s, outside the range of %s (%s); keep its bounds inside the range",
			lo, hi, f.Name, rangeText(f))
	}
}

func (p *parser) checkDate(fg *fieldGen, at *yaml.Node) {
	f := fg.f
	lo, hi := fg.dlo, fg.dhi
	if (f.Min != nil && lo.Before(f.Min.(value.Date))) || (f.Max != nil && hi.After(f.Max.(value.Date))) {
		p.errorf(at, fg.where, "the dates can fall from %s to %s, outside the range of %s (%s)", lo, hi, f.Name, rangeText(f))
	}
}

func rangeText(f *compiler.Field) string {
	show := func(v ref.Val) string {
		if m, ok := v.(value.Money); ok {
			return m.String()
		}
		return fmt.Sprint(v.Value())
	}
	switch {
	case f.Min != nil && f.Max != nil:
		return show(f.Min) + " .. " + show(f.Max)
	case f.Min != nil:
		return "at least " + show(f.Min)
	case f.Max != nil:
		return "at most " + show(f.Max)
	}
	return "any"
}

// order resolves references between a schema's fields, puts every field
// after the fields it depends on, and works out the range of the fields
// whose values depend on others.
func (p *parser) order(sg *schemaGen) {
	for _, fg := range sg.fields {
		if fg.from != nil {
			fg.from = sg.fields[fg.from.f.Index]
			fg.deps = append(fg.deps, fg.from)
		}
		if fg.times != nil {
			fg.times = sg.fields[fg.times.f.Index]
			fg.deps = append(fg.deps, fg.times)
		}
		for _, g := range fg.when {
			fg.deps = append(fg.deps, sg.fields[g.f.Index])
		}
	}
	state := make([]int, len(sg.fields)) // 0 new, 1 visiting, 2 done
	var visit func(fg *fieldGen) bool
	visit = func(fg *fieldGen) bool {
		switch state[fg.f.Index] {
		case 1:
			p.errorf(fg.node, fg.where, "%s depends on itself through when, from or times", fg.f.Name)
			return false
		case 2:
			return true
		}
		state[fg.f.Index] = 1
		for _, d := range fg.deps {
			if !visit(d) {
				state[fg.f.Index] = 2
				return false
			}
		}
		state[fg.f.Index] = 2
		sg.order = append(sg.order, fg)
		return true
	}
	for _, fg := range sg.fields {
		visit(fg)
	}
	// Per-person values are drawn at a person's first month, so they may
	// depend only on values that are the same every month.
	for _, fg := range sg.fields {
		if !fg.perPerson {
			continue
		}
		for _, d := range fg.deps {
			if !d.perPerson && d.kind != gConst && d.kind != gPerson && d.kind != gPeriod {
				p.errorf(fg.node, fg.where, "%s is drawn per person, but depends on %s, which is drawn for every record; make %s per: person too", fg.f.Name, d.f.Name, d.f.Name)
			}
		}
	}
	// Ranges of values that depend on other fields.
	periodLo, periodHi := p.cal.months[0].from, p.cal.months[len(p.cal.months)-1].from
	for _, fg := range sg.order {
		switch {
		case fg.kind == gDist && fg.times != nil && fg.d != nil:
			b := fg.times
			if b.maybeBlank {
				p.errorf(fg.node, fg.where, "%s is a multiple of %s, which can be blank; make %s always present", fg.f.Name, b.f.Name, b.f.Name)
				continue
			}
			if am, bm := max(abs64(fg.d.lo), abs64(fg.d.hi)), max(abs64(b.lo), abs64(b.hi)); bm != 0 && am > (1<<60)/bm {
				p.errorf(fg.d.node, fg.where, "the factor and %s are too large to multiply exactly; use fewer places", b.f.Name)
				continue
			}
			lo, hi := productRange(unscale(fg.d.lo, fg.d.places), unscale(fg.d.hi, fg.d.places), unscale(b.lo, b.places), unscale(b.hi, b.places))
			places := fg.places
			if fg.f.Kind == compiler.IntField {
				places = 0
			}
			fg.places = places
			var ok1, ok2 bool
			fg.lo, ok1 = scaled(lo, places, value.HalfUp)
			fg.hi, ok2 = scaled(hi, places, value.HalfUp)
			if !ok1 || !ok2 || hi.Cmp(value.DecimalFromInt(1_000_000_000)) > 0 || lo.Cmp(value.DecimalFromInt(-1_000_000_000)) < 0 {
				p.errorf(fg.d.node, fg.where, "the values can reach %s .. %s, which is too large to simulate", lo, hi)
				continue
			}
			p.checkRange(fg, fg.d.node)
		case fg.kind == gDate && fg.d != nil && fg.d.numeric:
			blo, bhi := periodLo, periodHi
			if fg.from != nil {
				b := fg.from
				if b.maybeBlank && !fg.f.Optional {
					p.errorf(fg.node, fg.where, "%s is counted from %s, which can be blank; make %s optional or %s always present", fg.f.Name, b.f.Name, fg.f.Name, b.f.Name)
					continue
				}
				fg.maybeBlank = fg.maybeBlank || b.maybeBlank
				blo, bhi = b.dlo, b.dhi
			}
			fg.dlo, fg.dhi = blo.AddDays(fg.d.lo), bhi.AddDays(fg.d.hi)
			if fg.given {
				p.checkDate(fg, fg.d.node)
			}
		case fg.kind == gPeriod:
			fg.dlo, fg.dhi = periodLo, periodHi
		}
	}
}

// productRange returns the smallest and largest products of a number in
// [a, b] and one in [c, d].
func productRange(a, b, c, d value.Decimal) (value.Decimal, value.Decimal) {
	var lo, hi value.Decimal
	for i, x := range []value.Decimal{a, b} {
		for j, y := range []value.Decimal{c, d} {
			pr, _ := x.Mul(y)
			if (i == 0 && j == 0) || pr.Cmp(lo) < 0 {
				lo = pr
			}
			if (i == 0 && j == 0) || pr.Cmp(hi) > 0 {
				hi = pr
			}
		}
	}
	return lo, hi
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
