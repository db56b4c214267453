package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"occ/compiler/value"
)

// The JSON form of a statement, version 1, documented in docs/statement.md.
// Money is a decimal string with the currency's minor units ("3153.64"),
// never a JSON number.

type jsonStatement struct {
	Version   int             `json:"version"`
	Contract  jsonContract    `json:"contract"`
	Data      []jsonFile      `json:"data"`
	Period    string          `json:"period"`
	Periods   []jsonPeriod    `json:"periods"`
	Params    []jsonParam     `json:"params"`
	Lines     []jsonLine      `json:"lines"`
	Subtotals jsonSubtotals   `json:"subtotals"`
	Caps      []jsonCap       `json:"caps"`
	Standards []jsonStandard  `json:"standards"`
	Flags     []jsonFlag      `json:"flags"`
	Excluded  []jsonExclusion `json:"excluded"`
	Records   jsonRecords     `json:"records"`
	Total     string          `json:"total"`
}

type jsonContract struct {
	Title        string   `json:"title"`
	Model        string   `json:"model,omitempty"`
	Commissioner string   `json:"commissioner,omitempty"`
	Provider     string   `json:"provider,omitempty"`
	Version      string   `json:"version,omitempty"`
	Term         jsonTerm `json:"term"`
	Settlement   string   `json:"settlement"`
	Currency     string   `json:"currency"`
	Rounding     string   `json:"rounding"`
	SpecSHA256   string   `json:"spec_sha256"`
}

type jsonTerm struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type jsonFile struct {
	File    string `json:"file"`
	Data    string `json:"data"`
	Format  string `json:"format"`
	SHA256  string `json:"sha256"`
	Records int    `json:"records"`
}

type jsonPeriod struct {
	Period string `json:"period"`
	From   string `json:"from"`
	To     string `json:"to"`
	Total  string `json:"total"`
}

type jsonParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Set   bool   `json:"set"`
}

type jsonLine struct {
	Rule   string      `json:"rule"`
	Kind   string      `json:"kind"`
	Period string      `json:"period"`
	Key    string      `json:"key"`
	Amount string      `json:"amount"`
	Title  string      `json:"title,omitempty"`
	Source string      `json:"source,omitempty"`
	Inputs []jsonInput `json:"inputs"`
}

type jsonInput struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type jsonSubtotals struct {
	ByKind []jsonSubtotal `json:"by_kind"`
	ByRule []jsonSubtotal `json:"by_rule"`
}

type jsonSubtotal struct {
	Name   string `json:"name"`
	Amount string `json:"amount"`
	Lines  int    `json:"lines"`
}

type jsonCap struct {
	Rule       string `json:"rule"`
	Kind       string `json:"kind"`
	Instance   string `json:"instance"`
	Period     string `json:"period"`
	Covered    string `json:"covered"`
	Limit      string `json:"limit"`
	Adjustment string `json:"adjustment"`
}

type jsonStandard struct {
	Standard    string `json:"standard"`
	Title       string `json:"title,omitempty"`
	Instance    string `json:"instance"`
	Period      string `json:"period"`
	Measure     string `json:"measure"`
	Percent     string `json:"percent,omitempty"`
	Numerator   *int64 `json:"numerator,omitempty"`
	Denominator *int64 `json:"denominator,omitempty"`
	Op          string `json:"op"`
	Target      string `json:"target"`
	Status      string `json:"status"`
	Consequence string `json:"consequence,omitempty"`
	Consecutive int    `json:"consecutive_breaches"`
	NotMeasured string `json:"not_measured,omitempty"`
}

type jsonFlag struct {
	Rule   string `json:"rule"`
	Title  string `json:"title,omitempty"`
	Period string `json:"period"`
	Key    string `json:"key"`
	Source string `json:"source,omitempty"`
}

type jsonExclusion struct {
	Rule   string `json:"rule,omitempty"`
	Data   string `json:"data"`
	Key    string `json:"key"`
	Source string `json:"source,omitempty"`
	Period string `json:"period,omitempty"`
	Reason string `json:"reason"`
}

type jsonRecords struct {
	Input     int `json:"input"`
	Evaluated int `json:"evaluated"`
	Earlier   int `json:"earlier"`
	Later     int `json:"later"`
	Excluded  int `json:"excluded"`
}

// Status returns "met"; for a standard not met, "breach" when it has a
// consequence and "missed" when it has none; "not measured" when there was
// nothing to measure.
func (s StandardResult) Status() string {
	switch {
	case s.NotMeasured != "":
		return "not measured"
	case s.Met:
		return "met"
	case s.Consequence != "":
		return "breach"
	}
	return "missed"
}

// PercentIfAny returns Percent when the standard's target is a
// percentage, and "" otherwise.
func (s StandardResult) PercentIfAny() string {
	if !s.AsPercent {
		return ""
	}
	return s.Percent()
}

// Display renders the measure and target for reading: "34/40 = 85.00%"
// against ">= 85%", or "3" against "<= 2" for a standard that counts.
func (s StandardResult) Display() (measure, target string) {
	if s.NotMeasured != "" {
		_, t := StandardResult{Measure: s.Target, Target: s.Target, Op: s.Op, AsPercent: s.AsPercent}.Display()
		return "-", t
	}
	if !s.AsPercent {
		return s.Measure.String(), s.Op + " " + s.Target.String()
	}
	measure = s.Percent() + "%"
	if s.Numerator != nil {
		measure = fmt.Sprintf("%d/%d = %s", *s.Numerator, *s.Denominator, measure)
	}
	t, err := s.Target.Mul(value.DecimalFromInt(100))
	if err != nil {
		return measure, s.Op + " " + s.Target.String()
	}
	ts := t.String()
	if strings.Contains(ts, ".") {
		ts = strings.TrimRight(strings.TrimRight(ts, "0"), ".")
	}
	return measure, s.Op + " " + ts + "%"
}

// Percent renders the measure as a percentage with two places, for reading.
func (s StandardResult) Percent() string {
	d, err := s.Measure.Mul(value.DecimalFromInt(100))
	if err != nil {
		return ""
	}
	return value.Round(d, 2, value.HalfUp).StringFixed(2)
}

// MarshalJSON encodes the statement in the documented JSON form.
func (s *Statement) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := s.WriteJSON(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteJSON writes the statement in the documented JSON form to w, the
// bytes of MarshalJSON. The lines, nearly all of a large statement, are
// written as they are rendered rather than held in memory.
func (s *Statement) WriteJSON(w io.Writer) error {
	places := s.Contract.MinorUnits
	m := func(v value.Money) string { return v.Round(places, value.HalfEven).Decimal().StringFixed(places) }
	j := jsonStatement{
		Version: StatementVersion, Period: s.Period, Total: m(s.Total),
		Contract: jsonContract{
			Title: s.Contract.Title, Model: s.Contract.Model, Commissioner: s.Contract.Commissioner,
			Provider: s.Contract.Provider, Version: s.Contract.Version,
			Term:       jsonTerm{From: s.Contract.TermFrom.String(), To: s.Contract.TermTo.String()},
			Settlement: s.Contract.Settlement, Currency: s.Contract.Currency, Rounding: s.Contract.Rounding,
			SpecSHA256: s.Contract.SpecSHA256,
		},
		Data: []jsonFile{}, Periods: []jsonPeriod{}, Params: []jsonParam{}, Lines: []jsonLine{},
		Subtotals: jsonSubtotals{ByKind: []jsonSubtotal{}, ByRule: []jsonSubtotal{}},
		Caps:      []jsonCap{}, Standards: []jsonStandard{}, Flags: []jsonFlag{}, Excluded: []jsonExclusion{},
		Records: jsonRecords{Input: s.Records.Input, Evaluated: s.Records.Evaluated, Earlier: s.Records.Earlier, Later: s.Records.Later, Excluded: s.Records.Excluded},
	}
	for _, f := range s.Data {
		j.Data = append(j.Data, jsonFile{File: f.Path, Data: f.Schema, Format: f.Format, SHA256: f.SHA256, Records: f.Records})
	}
	for _, p := range s.Periods {
		j.Periods = append(j.Periods, jsonPeriod{Period: p.Period, From: p.From.String(), To: p.To.String(), Total: m(p.Total)})
	}
	for _, p := range s.Params {
		j.Params = append(j.Params, jsonParam(p))
	}
	// The lines are written by writeLines, in place of the empty list.
	for _, st := range s.ByKind {
		j.Subtotals.ByKind = append(j.Subtotals.ByKind, jsonSubtotal{Name: st.Name, Amount: m(st.Amount), Lines: st.Lines})
	}
	for _, st := range s.ByRule {
		j.Subtotals.ByRule = append(j.Subtotals.ByRule, jsonSubtotal{Name: st.Name, Amount: m(st.Amount), Lines: st.Lines})
	}
	for _, c := range s.Caps {
		j.Caps = append(j.Caps, jsonCap{Rule: c.Rule, Kind: c.Kind, Instance: c.Instance, Period: c.Period,
			Covered: m(c.Covered), Limit: m(c.Limit), Adjustment: m(c.Adjustment)})
	}
	for _, st := range s.Standards {
		j.Standards = append(j.Standards, jsonStandard{Standard: st.Rule, Title: st.Title, Instance: st.Instance, Period: st.Period,
			Measure: st.Measure.String(), Percent: st.PercentIfAny(), Numerator: st.Numerator, Denominator: st.Denominator,
			Op: st.Op, Target: st.Target.String(), Status: st.Status(), Consequence: st.Consequence, Consecutive: st.Consecutive, NotMeasured: st.NotMeasured})
	}
	// The flags too are written by writeFlags, in place of the empty list.
	for _, x := range s.Excluded {
		j.Excluded = append(j.Excluded, jsonExclusion(x))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return err
	}
	return s.spliceLines(w, buf.Bytes(), places)
}
