package main

// The forms of occ diff's comparison: a table to read, JSON (version 1,
// docs/diff.md) and CSV for finance systems. The HTML page is in
// diff_html.go and the workbook in diff_xlsx.go.

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime/diff"
)

// diffVersion is the version of occ diff's JSON, described in docs/diff.md.
const diffVersion = 1

// diffReport is a comparison with what the command line adds to it: the
// two sides as given and the --fail-over limit with the periods over it.
type diffReport struct {
	d        *diff.Diff
	old, new *diffSide
	limit    *value.Money
	over     []diff.PeriodChange
}

// sides returns the two sides, old first.
func (r *diffReport) sides() []*diffSide { return []*diffSide{r.old, r.new} }

// money writes an amount as the statement does: 1,234.50.
func (r *diffReport) money(m value.Money) string { return m.Grouped(r.d.MinorUnits) }

// change writes a change with its sign: +630.00, -534.94, 0.00.
func (r *diffReport) change(m value.Money) string {
	if m.Sign() > 0 {
		return "+" + r.money(m)
	}
	return r.money(m)
}

// plain writes an amount as a plain decimal, for JSON and CSV: -534.94.
func (r *diffReport) plain(m value.Money) string {
	return m.Decimal().StringFixed(r.d.MinorUnits)
}

// withSymbol writes an amount with the currency's symbol: -£107.48.
func (r *diffReport) withSymbol(m value.Money) string {
	return moneyText(m, r.d.Currency, r.d.MinorUnits)
}

// isOver reports whether period p moved by more than --fail-over.
func (r *diffReport) isOver(p string) bool {
	for _, o := range r.over {
		if o.Name == p {
			return true
		}
	}
	return false
}

// overText says which periods moved by more than --fail-over.
func (r *diffReport) overText() string {
	var ps []string
	for _, p := range r.over {
		ps = append(ps, fmt.Sprintf("%s (%s)", p.Name, r.withSymbol(p.Delta)))
	}
	return fmt.Sprintf("%s moved by more than %s (--fail-over): %s",
		words.Count(len(r.over), "period"), r.withSymbol(*r.limit), strings.Join(ps, ", "))
}

// paramText writes a param's value on one side as its contract writes it
// (£19.60, 25%), or "" when the side's contract has no such param.
func (r *diffReport) paramText(p diff.ParamChange, new bool) string {
	if new {
		if p.NewParam == nil {
			return ""
		}
		return contractValue(p.NewParam, p.New, r.new.c)
	}
	if p.OldParam == nil {
		return ""
	}
	return contractValue(p.OldParam, p.Old, r.old.c)
}

// personName names a person in a table: "" is the lines for no one
// person.
func personName(p string) string {
	if p == "" {
		return "(no one person)"
	}
	return p
}

// payerName names a payer in a table.
func payerName(p string) string {
	if p == "" {
		return "(the commissioner, unnamed)"
	}
	return p
}

// breakdown is one of the lists of changes, as the forms show it.
type breakdown struct {
	key, title, column string
	changes            []diff.Change
	name               func(string) string
}

// breakdowns returns the lists of changes in the order they are shown.
func (r *diffReport) breakdowns() []breakdown {
	same := func(s string) string { return s }
	var periods []diff.Change
	for _, p := range r.d.Periods {
		periods = append(periods, p.Change)
	}
	return []breakdown{
		{"period", "By period", "PERIOD", periods, same},
		{"kind", "By kind", "KIND", r.d.Kinds, same},
		{"rule", "By rule", "RULE", r.d.Rules, same},
		{"payer", "By payer", "PAYER", r.d.Payers, payerName},
		{"person", "By person", "PERSON", r.d.Persons, personName},
	}
}

// writeColumns writes rows as aligned columns under head: the first
// column (and those in left) aligned left, the rest right, two spaces
// apart, each row indented by two spaces. Cells are already safe text.
func writeColumns(w io.Writer, head []string, rows [][]string, left int) {
	width := make([]int, len(head))
	for _, row := range append([][]string{head}, rows...) {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range append([][]string{head}, rows...) {
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < left {
				b.WriteString(c)
				if i < len(row)-1 {
					b.WriteString(pad)
				}
			} else {
				b.WriteString(pad + c)
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// writeDiffTable writes the comparison for people to read. Text from the
// contracts, the data and the command line goes through tableText.
func writeDiffTable(w io.Writer, r *diffReport) error {
	t := tableText
	d := r.d
	for _, s := range r.sides() {
		if wi := whatIfSettings(s.c, s.st); len(wi) > 0 {
			fmt.Fprintf(w, "WHAT-IF (%s contract): %s (not the contract's values)\n", s.name, t(strings.Join(wi, ", ")))
		}
	}
	for _, s := range r.sides() {
		c := s.st.Contract
		label := "Old"
		if s == r.new {
			label = "New"
		}
		fmt.Fprintf(w, "%s: %s (%s), %s, spec sha256 %s\n", label, t(c.Title), t(s.spec), t(s.st.Period), c.SpecSHA256)
		for _, f := range s.st.Data {
			fmt.Fprintf(w, "  data %s (%s, %s) sha256 %s\n", t(f.Path), t(f.Schema), words.Count(f.Records, "record"), f.SHA256)
		}
	}
	fmt.Fprintf(w, "Amounts in %s; change is new less old, largest first\n", t(d.Currency))
	head := func(first string) []string { return []string{first, "OLD", "NEW", "CHANGE", "LINES"} }
	cells := func(name string, c diff.Change) []string {
		return []string{name, r.money(c.Old), r.money(c.New), r.change(c.Delta), fmt.Sprintf("%d -> %d", c.OldLines, c.NewLines)}
	}
	fmt.Fprintln(w)
	writeColumns(w, head(""), [][]string{cells("TOTAL", d.Total)}, 1)
	for _, b := range r.breakdowns() {
		fmt.Fprintf(w, "\n%s\n", b.title)
		var rows [][]string
		for _, c := range b.changes {
			row := cells(t(b.name(c.Name)), c)
			if b.key == "period" && r.isOver(c.Name) {
				row[0] += " *"
			}
			rows = append(rows, row)
		}
		writeColumns(w, head(b.column), rows, 1)
	}
	if r.limit != nil {
		if len(r.over) > 0 {
			fmt.Fprintf(w, "\n* %s\n", r.overText())
		} else {
			fmt.Fprintf(w, "\nNo period moved by more than %s (--fail-over)\n", r.withSymbol(*r.limit))
		}
	}
	fmt.Fprintln(w, "\nParams that differ")
	if len(d.Params) == 0 {
		fmt.Fprintln(w, "  none")
	} else {
		var rows [][]string
		for _, p := range d.Params {
			o, n := r.paramText(p, false), r.paramText(p, true)
			if p.OldSet {
				o += " (set)"
			}
			if p.NewSet {
				n += " (set)"
			}
			rows = append(rows, []string{p.Change(), t(p.Name), t(orDash(o)), t(orDash(n))})
		}
		writeColumns(w, []string{"", "PARAM", "OLD", "NEW"}, rows, 4)
	}
	fmt.Fprintln(w, "\nRules that differ")
	if len(d.RuleChanges) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, rc := range d.RuleChanges {
		fmt.Fprintf(w, "  %s %s %s %q\n", rc.Change, rc.Kind, t(rc.Name), t(rc.Title))
		for _, p := range rc.Parts {
			fmt.Fprintf(w, "      %-11s - %s\n      %-11s + %s\n", p.Clause, t(orNone(p.Old)), "", t(orNone(p.New)))
		}
	}
	_, err := fmt.Fprintf(w, "\nTOTAL CHANGE %s %s (old %s, new %s)\n", t(d.Currency), r.change(d.Total.Delta), r.money(d.Total.Old), r.money(d.Total.New))
	return err
}

// orNone is s, or "(none)" for a clause a rule does not have.
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// orDash is s, or "-" for nothing.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// The JSON form of a comparison, version 1 (docs/diff.md). Money is a
// decimal string with the currency's minor units, as in a statement.
type (
	jsonDiff struct {
		Version     int              `json:"diff_version"`
		Currency    string           `json:"currency"`
		Old         jsonDiffSide     `json:"old"`
		New         jsonDiffSide     `json:"new"`
		Total       jsonChange       `json:"total"`
		Periods     []jsonChange     `json:"periods"`
		Kinds       []jsonChange     `json:"kinds"`
		Rules       []jsonChange     `json:"rules"`
		Payers      []jsonChange     `json:"payers"`
		Persons     []jsonChange     `json:"persons"`
		Params      []jsonParamDiff  `json:"params"`
		RuleChanges []jsonRuleChange `json:"rule_changes"`
		FailOver    *jsonFailOver    `json:"fail_over,omitempty"`
	}
	jsonDiffSide struct {
		Spec         string     `json:"spec"`
		Title        string     `json:"title"`
		Commissioner string     `json:"commissioner,omitempty"`
		Provider     string     `json:"provider,omitempty"`
		SpecSHA256   string     `json:"spec_sha256"`
		Period       string     `json:"period"`
		Data         []jsonFile `json:"data"`
		WhatIf       []string   `json:"what_if,omitempty"`
	}
	jsonFile struct {
		File    string `json:"file"`
		Data    string `json:"data"`
		Records int    `json:"records"`
		SHA256  string `json:"sha256"`
	}
	jsonChange struct {
		Name     string `json:"name"`
		From     string `json:"from,omitempty"`
		To       string `json:"to,omitempty"`
		Old      string `json:"old"`
		New      string `json:"new"`
		Change   string `json:"change"`
		OldLines int    `json:"old_lines"`
		NewLines int    `json:"new_lines"`
		Over     *bool  `json:"over,omitempty"`
	}
	jsonParamDiff struct {
		Name   string `json:"name"`
		Change string `json:"change"`
		Old    string `json:"old,omitempty"`
		New    string `json:"new,omitempty"`
		OldSet bool   `json:"old_set,omitempty"`
		NewSet bool   `json:"new_set,omitempty"`
	}
	jsonRuleChange struct {
		Name   string     `json:"name"`
		Change string     `json:"change"`
		Kind   string     `json:"kind"`
		Title  string     `json:"title,omitempty"`
		Parts  []jsonPart `json:"parts,omitempty"`
	}
	jsonPart struct {
		Clause string `json:"clause"`
		Old    string `json:"old"`
		New    string `json:"new"`
	}
	jsonFailOver struct {
		Limit   string   `json:"limit"`
		Periods []string `json:"periods"`
	}
)

// writeDiffJSON writes the comparison as JSON.
func writeDiffJSON(w io.Writer, r *diffReport) error {
	d := r.d
	jc := func(c diff.Change) jsonChange {
		return jsonChange{Name: c.Name, Old: r.plain(c.Old), New: r.plain(c.New), Change: r.plain(c.Delta), OldLines: c.OldLines, NewLines: c.NewLines}
	}
	list := func(cs []diff.Change) []jsonChange {
		out := []jsonChange{}
		for _, c := range cs {
			out = append(out, jc(c))
		}
		return out
	}
	side := func(s *diffSide) jsonDiffSide {
		c := s.st.Contract
		js := jsonDiffSide{Spec: s.spec, Title: c.Title, Commissioner: c.Commissioner, Provider: c.Provider,
			SpecSHA256: c.SpecSHA256, Period: s.st.Period, Data: []jsonFile{}, WhatIf: whatIfSettings(s.c, s.st)}
		for _, f := range s.st.Data {
			js.Data = append(js.Data, jsonFile{File: f.Path, Data: f.Schema, Records: f.Records, SHA256: f.SHA256})
		}
		return js
	}
	out := jsonDiff{Version: diffVersion, Currency: d.Currency, Old: side(r.old), New: side(r.new), Total: jc(d.Total),
		Periods: []jsonChange{}, Kinds: list(d.Kinds), Rules: list(d.Rules), Payers: list(d.Payers), Persons: list(d.Persons),
		Params: []jsonParamDiff{}, RuleChanges: []jsonRuleChange{}}
	for _, p := range d.Periods {
		c := jc(p.Change)
		c.From, c.To = p.From.String(), p.To.String()
		if r.limit != nil {
			over := r.isOver(p.Name)
			c.Over = &over
		}
		out.Periods = append(out.Periods, c)
	}
	for _, p := range d.Params {
		out.Params = append(out.Params, jsonParamDiff{Name: p.Name, Change: p.Change(), Old: r.paramText(p, false), New: r.paramText(p, true),
			OldSet: p.OldSet, NewSet: p.NewSet})
	}
	for _, rc := range d.RuleChanges {
		jr := jsonRuleChange{Name: rc.Name, Change: rc.Change, Kind: rc.Kind, Title: rc.Title}
		for _, p := range rc.Parts {
			jr.Parts = append(jr.Parts, jsonPart(p))
		}
		out.RuleChanges = append(out.RuleChanges, jr)
	}
	if r.limit != nil {
		out.FailOver = &jsonFailOver{Limit: r.plain(*r.limit), Periods: []string{}}
		for _, p := range r.over {
			out.FailOver.Periods = append(out.FailOver.Periods, p.Name)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// writeDiffCSV writes the changes of money, one row per part of each
// breakdown, for finance systems: breakdown (total, period, kind, rule,
// payer or person), name, old, new, change, the lines of each side, the
// currency, and over (true or false on period rows with --fail-over).
// Text cells go through csvText; amounts are plain decimals.
func writeDiffCSV(w io.Writer, r *diffReport) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"breakdown", "name", "old", "new", "change", "old_lines", "new_lines", "currency", "over"})
	row := func(by string, c diff.Change) {
		over := ""
		if by == "period" && r.limit != nil {
			over = fmt.Sprint(r.isOver(c.Name))
		}
		cw.Write([]string{by, csvText(c.Name), r.plain(c.Old), r.plain(c.New), r.plain(c.Delta),
			fmt.Sprint(c.OldLines), fmt.Sprint(c.NewLines), csvText(r.d.Currency), over})
	}
	row("total", r.d.Total)
	for _, b := range r.breakdowns() {
		for _, c := range b.changes {
			row(b.key, c)
		}
	}
	cw.Flush()
	return cw.Error()
}
