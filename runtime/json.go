package runtime

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/occ-lang/occ/compiler/value"
)

// The JSON form of a statement, version 1, documented in docs/statement.md.
// Money is a decimal string with the currency's minor units ("3153.64"),
// never a JSON number. WriteJSON writes the statement's object field by
// field with a jsonWriter; these types are the values of its fields, and
// the lines and flags are rendered by hand (see jsonlines.go).

// jsonContract is the statement's "contract" object.
type jsonContract struct {
	Title        string   `json:"title"`
	Model        string   `json:"model,omitempty"`
	Commissioner string   `json:"commissioner,omitempty"`
	Provider     string   `json:"provider,omitempty"`
	Reference    string   `json:"reference,omitempty"`
	Version      string   `json:"version,omitempty"`
	Term         jsonTerm `json:"term"`
	Settlement   string   `json:"settlement"`
	Currency     string   `json:"currency"`
	Rounding     string   `json:"rounding"`
	SpecSHA256   string   `json:"spec_sha256"`
}

// jsonTerm is the contract's term.
type jsonTerm struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// jsonFile is one of the data files read.
type jsonFile struct {
	File    string `json:"file"`
	Data    string `json:"data"`
	Format  string `json:"format"`
	SHA256  string `json:"sha256"`
	Records int    `json:"records"`
}

// jsonPeriod is one settlement period with its total.
type jsonPeriod struct {
	Period string `json:"period"`
	From   string `json:"from"`
	To     string `json:"to"`
	Total  string `json:"total"`
}

// jsonParam is one param and the value used.
type jsonParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Set   bool   `json:"set"`
}

// jsonSubtotals is the statement's "subtotals" object.
type jsonSubtotals struct {
	ByKind []jsonSubtotal `json:"by_kind"`
	ByRule []jsonSubtotal `json:"by_rule"`
}

// jsonSubtotal is the sum of the lines of one kind or rule.
type jsonSubtotal struct {
	Name   string `json:"name"`
	Amount string `json:"amount"`
	Lines  int    `json:"lines"`
}

// jsonPayer is one payer's total: the sum of its parts of the lines.
type jsonPayer struct {
	Payer string `json:"payer"`
	Title string `json:"title,omitempty"`
	Total string `json:"total"`
	Lines int    `json:"lines"`
}

// jsonCap is one adjustment of a cap or floor.
type jsonCap struct {
	Rule       string `json:"rule"`
	Kind       string `json:"kind"`
	Instance   string `json:"instance"`
	Period     string `json:"period"`
	Covered    string `json:"covered"`
	Limit      string `json:"limit"`
	Adjustment string `json:"adjustment"`
}

// jsonStandard is one standard measured in one instance.
type jsonStandard struct {
	Standard    string  `json:"standard"`
	Title       string  `json:"title,omitempty"`
	Instance    string  `json:"instance"`
	Period      string  `json:"period"`
	Measure     *string `json:"measure"` // null when not measured
	Percent     string  `json:"percent,omitempty"`
	Numerator   *int64  `json:"numerator,omitempty"`
	Denominator *int64  `json:"denominator,omitempty"`
	Op          string  `json:"op"`
	Target      string  `json:"target"`
	Status      string  `json:"status"`
	Consequence string  `json:"consequence,omitempty"`
	Consecutive int     `json:"consecutive_breaches"`
	NotMeasured string  `json:"not_measured,omitempty"`
}

// jsonExclusion is one record left out, with the reason.
type jsonExclusion struct {
	Rule   string `json:"rule,omitempty"`
	Data   string `json:"data"`
	Key    string `json:"key"`
	Source string `json:"source,omitempty"`
	Period string `json:"period,omitempty"`
	Reason string `json:"reason"`
}

// jsonRecords accounts for every input record.
type jsonRecords struct {
	Input     int `json:"input"`
	Evaluated int `json:"evaluated"`
	Earlier   int `json:"earlier"`
	Later     int `json:"later"`
	Excluded  int `json:"excluded"`
}

// jsonBudget is the contract's budget beside the statement's total.
type jsonBudget struct {
	Amount    string `json:"amount"`
	Total     string `json:"total"`
	Headroom  string `json:"headroom"`
	WholeTerm bool   `json:"whole_term"`
}

// MarshalJSON encodes the statement in the documented JSON form; for a
// summary it fails, as WriteJSON does.
func (s *Statement) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := s.WriteJSON(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteJSON writes the statement in the documented JSON form to w, the
// bytes of MarshalJSON. It writes field by field, in order; the lines,
// nearly all of a large statement, are rendered as they are written rather
// than held in memory. A summary, which has no lines, is not written: see
// WriteSummaryJSON.
func (s *Statement) WriteJSON(w io.Writer) error {
	if s.summary {
		return errNoLines{}
	}
	return s.writeJSON(w, true)
}

// writeJSON writes the JSON statement, with its lines or, for its
// summary, without the "lines" field.
func (s *Statement) writeJSON(w io.Writer, lines bool) error {
	places := s.Contract.MinorUnits
	m := func(v value.Money) string { return v.Round(places, value.HalfEven).Decimal().StringFixed(places) }
	j := newJSONWriter(w)
	j.field("version", StatementVersion)
	j.field("contract", jsonContract{
		Title: s.Contract.Title, Model: s.Contract.Model, Commissioner: s.Contract.Commissioner,
		Provider: s.Contract.Provider, Reference: s.Contract.Reference, Version: s.Contract.Version,
		Term:       jsonTerm{From: s.Contract.TermFrom.String(), To: s.Contract.TermTo.String()},
		Settlement: s.Contract.Settlement, Currency: s.Contract.Currency, Rounding: s.Contract.Rounding,
		SpecSHA256: s.Contract.SpecSHA256,
	})
	files := []jsonFile{}
	for _, f := range s.Data {
		files = append(files, jsonFile{File: f.Path, Data: f.Schema, Format: f.Format, SHA256: f.SHA256, Records: f.Records})
	}
	j.field("data", files)
	j.field("period", s.Period)
	if s.Payer != "" {
		j.field("payer", s.Payer)
	}
	if len(s.Notes) > 0 {
		j.field("notes", s.Notes)
	}
	periods := []jsonPeriod{}
	for _, p := range s.Periods {
		periods = append(periods, jsonPeriod{Period: p.Period, From: p.From.String(), To: p.To.String(), Total: m(p.Total)})
	}
	j.field("periods", periods)
	params := []jsonParam{}
	for _, p := range s.Params {
		params = append(params, jsonParam(p))
	}
	j.field("params", params)
	if lines {
		n := s.lineCount()
		j.list("lines", n, func(w io.Writer) error { return s.writeLines(w, n, places) })
	}
	subtotals := jsonSubtotals{ByKind: []jsonSubtotal{}, ByRule: []jsonSubtotal{}}
	for _, st := range s.ByKind {
		subtotals.ByKind = append(subtotals.ByKind, jsonSubtotal{Name: st.Name, Amount: m(st.Amount), Lines: st.Lines})
	}
	for _, st := range s.ByRule {
		subtotals.ByRule = append(subtotals.ByRule, jsonSubtotal{Name: st.Name, Amount: m(st.Amount), Lines: st.Lines})
	}
	j.field("subtotals", subtotals)
	if len(s.ByPayer) > 1 || s.Payer != "" {
		payers := []jsonPayer{}
		for _, p := range s.ByPayer {
			payers = append(payers, jsonPayer{Payer: p.Payer, Title: p.Title, Total: m(p.Amount), Lines: p.Lines})
		}
		j.field("payers", payers)
	}
	caps := []jsonCap{}
	for _, c := range s.Caps {
		caps = append(caps, jsonCap{Rule: c.Rule, Kind: c.Kind, Instance: c.Instance, Period: c.Period,
			Covered: m(c.Covered), Limit: m(c.Limit), Adjustment: m(c.Adjustment)})
	}
	j.field("caps", caps)
	standards := []jsonStandard{}
	for _, st := range s.Standards {
		js := jsonStandard{Standard: st.Rule, Title: st.Title, Instance: st.Instance, Period: st.Period,
			Numerator: st.Numerator, Denominator: st.Denominator,
			Op: st.Op, Target: st.Target.String(), Status: st.Status(), Consequence: st.Consequence, Consecutive: st.Consecutive, NotMeasured: st.NotMeasured}
		if st.NotMeasured == "" {
			measure := st.Measure.String()
			js.Measure, js.Percent = &measure, st.PercentIfAny()
		}
		standards = append(standards, js)
	}
	j.field("standards", standards)
	j.list("flags", len(s.Flags), s.writeFlags)
	excluded := []jsonExclusion{}
	for _, x := range s.Excluded {
		excluded = append(excluded, jsonExclusion(x))
	}
	j.field("excluded", excluded)
	j.field("records", jsonRecords{Input: s.Records.Input, Evaluated: s.Records.Evaluated, Earlier: s.Records.Earlier,
		Later: s.Records.Later, Excluded: s.Records.Excluded})
	if b := s.Budget; b != nil {
		j.field("budget", jsonBudget{Amount: m(b.Amount), Total: m(b.Total), Headroom: m(b.Headroom), WholeTerm: b.WholeTerm})
	}
	j.field("total", m(s.Total))
	return j.end()
}

// jsonWriter writes a JSON object field by field, as encoding/json's
// Encoder, indenting by two spaces and not escaping HTML, writes the whole
// object: the value of each field is encoded on its own, indented for its
// depth, and a list of lines and flags is written by its own function, an
// element a line. The first error is kept, and ends the writing.
type jsonWriter struct {
	w      io.Writer
	buf    bytes.Buffer
	enc    *json.Encoder
	fields int
	err    error
}

// newJSONWriter returns a jsonWriter writing an object to w.
func newJSONWriter(w io.Writer) *jsonWriter {
	j := &jsonWriter{w: w}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetIndent("  ", "  ")
	j.enc.SetEscapeHTML(false)
	return j
}

// write writes b unless an earlier write failed.
func (j *jsonWriter) write(b []byte) {
	if j.err == nil {
		_, j.err = j.w.Write(b)
	}
}

// name starts the next field: the object's opening brace or the comma
// after the field before, then the name.
func (j *jsonWriter) name(name string) {
	b := []byte(",\n  ")
	if j.fields == 0 {
		b = []byte("{\n  ")
	}
	j.fields++
	b = appendJSONString(b, name)
	j.write(append(b, ": "...))
}

// field writes a field whose value encoding/json encodes.
func (j *jsonWriter) field(name string, v any) {
	j.name(name)
	if j.err != nil {
		return
	}
	j.buf.Reset()
	if j.err = j.enc.Encode(v); j.err == nil {
		j.write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	}
}

// list writes a field whose value is a list of n elements, which write
// writes to the writer each compact on a line of its own, indented by four
// spaces and separated by ",\n".
func (j *jsonWriter) list(name string, n int, write func(io.Writer) error) {
	j.name(name)
	if n == 0 {
		j.write([]byte("[]"))
		return
	}
	j.write([]byte("[\n"))
	if j.err == nil {
		j.err = write(j.w)
	}
	j.write([]byte("\n  ]"))
}

// end closes the object, as Encode ends it with a newline, and returns the
// first error.
func (j *jsonWriter) end() error {
	j.write([]byte("\n}\n"))
	return j.err
}
