package forecast

import (
	"bytes"
	"encoding/json"

	"github.com/occ-lang/occ/compiler/value"
)

// The JSON form of a forecast, described in docs/forecast.md. Objects are
// structs so keys come out in a fixed order; amounts are decimal strings.

type jsonForecast struct {
	Version          int              `json:"version"`
	Contract         jsonContract     `json:"contract"`
	Source           jsonSource       `json:"source"`
	Runs             int              `json:"runs"`
	Seed             uint64           `json:"seed"`
	Payer            *jsonPayer       `json:"payer,omitempty"`
	PercentileMethod string           `json:"percentile_method"`
	Params           []jsonParam      `json:"params"`
	Vars             []jsonParam      `json:"vars"`
	Payers           []jsonPayer      `json:"payers,omitempty"`
	Term             jsonPeriod       `json:"term"`
	Periods          []jsonPeriod     `json:"periods"`
	Settled          int              `json:"settled,omitempty"`
	Caps             []jsonChance     `json:"caps"`
	Standards        []jsonChance     `json:"standards"`
	Budget           *jsonBudget      `json:"budget"`
	Histogram        []jsonBin        `json:"histogram"`
	Sensitivity      *jsonSensitivity `json:"sensitivity"`
}

type jsonContract struct {
	Title        string `json:"title"`
	Commissioner string `json:"commissioner"`
	Provider     string `json:"provider"`
	TermFrom     string `json:"term_from"`
	TermTo       string `json:"term_to"`
	Settlement   string `json:"settlement"`
	Currency     string `json:"currency"`
	SpecSHA256   string `json:"spec_sha256"`
}

type jsonSource struct {
	Kind       string     `json:"kind"`
	Files      []jsonFile `json:"files"`
	People     int        `json:"people"`
	FirstMonth string     `json:"first_month"`
	LastMonth  string     `json:"last_month"`
}

type jsonFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

type jsonParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Set   bool   `json:"set"`
}

type jsonStats struct {
	Mean string `json:"mean"`
	P10  string `json:"p10"`
	P50  string `json:"p50"`
	P90  string `json:"p90"`
	Min  string `json:"min"`
	Max  string `json:"max"`
}

type jsonKinds struct {
	Payment    jsonStats `json:"payment"`
	Incentive  jsonStats `json:"incentive"`
	Sanction   jsonStats `json:"sanction"`
	Share      jsonStats `json:"share"`
	Adjustment jsonStats `json:"adjustment"`
}

type jsonPeriod struct {
	Period string    `json:"period"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Total  jsonStats `json:"total"`
	ByKind jsonKinds `json:"by_kind"`
	// Paid is present only for a settled period: what it paid.
	Paid *jsonPaid `json:"paid,omitempty"`
	// ByPayer is present only when the contract declares two payers or
	// more: each payer's total.
	ByPayer []jsonPayerStats `json:"by_payer,omitempty"`
}

type jsonPayer struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

type jsonPayerStats struct {
	Payer string    `json:"payer"`
	Total jsonStats `json:"total"`
}

type jsonPaid struct {
	Current     string `json:"current"`
	Adjustments string `json:"adjustments"`
	Held        string `json:"held"`
	Total       string `json:"total"`
}

type jsonChance struct {
	Rule     string             `json:"rule"`
	Title    string             `json:"title"`
	Kind     string             `json:"kind"`
	Runs     int                `json:"runs"`
	Chance   string             `json:"chance"`
	ByPeriod []jsonPeriodChance `json:"by_period"`
}

type jsonPeriodChance struct {
	Period string `json:"period"`
	Runs   int    `json:"runs"`
	Chance string `json:"chance"`
}

type jsonBudget struct {
	Amount   string             `json:"amount"`
	Term     jsonBudgetChance   `json:"term"`
	ByPeriod []jsonBudgetChance `json:"by_period"`
}

type jsonBudgetChance struct {
	Period string `json:"period"`
	Budget string `json:"budget"`
	Runs   int    `json:"runs"`
	Chance string `json:"chance"`
}

func (r *Result) jsonBudgetChance(b BudgetChance) jsonBudgetChance {
	return jsonBudgetChance{Period: b.Period, Budget: r.amount(b.Budget), Runs: b.Runs, Chance: b.Chance.StringFixed(4)}
}

type jsonBin struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int    `json:"count"`
}

type jsonSensitivity struct {
	Name  string     `json:"name"`
	Kind  string     `json:"kind"`
	Steps []jsonStep `json:"steps"`
}

type jsonStep struct {
	Value string    `json:"value"`
	Total jsonStats `json:"total"`
}

func (r *Result) amount(d value.Decimal) string { return d.StringFixed(r.Places) }

func (r *Result) jsonStats(s Stats) jsonStats {
	return jsonStats{Mean: r.amount(s.Mean), P10: r.amount(s.P10), P50: r.amount(s.P50), P90: r.amount(s.P90),
		Min: r.amount(s.Min), Max: r.amount(s.Max)}
}

func (r *Result) jsonPeriod(p PeriodResult) jsonPeriod {
	jp := jsonPeriod{Period: p.Period, From: p.From.String(), To: p.To.String(), Total: r.jsonStats(p.Total)}
	if pd := p.Paid; pd != nil {
		jp.Paid = &jsonPaid{Current: r.amount(pd.Current), Adjustments: r.amount(pd.Adjustments), Held: r.amount(pd.Held), Total: r.amount(pd.Total)}
	}
	for _, b := range p.ByPayer {
		jp.ByPayer = append(jp.ByPayer, jsonPayerStats{Payer: b.Payer, Total: r.jsonStats(b.Stats)})
	}
	for _, k := range p.ByKind {
		s := r.jsonStats(k.Stats)
		switch k.Kind {
		case "payment":
			jp.ByKind.Payment = s
		case "incentive":
			jp.ByKind.Incentive = s
		case "sanction":
			jp.ByKind.Sanction = s
		case "share":
			jp.ByKind.Share = s
		case "adjustment":
			jp.ByKind.Adjustment = s
		}
	}
	return jp
}

func jsonChances(cs []Chance) []jsonChance {
	out := []jsonChance{}
	for _, c := range cs {
		jc := jsonChance{Rule: c.Rule, Title: c.Title, Kind: c.Kind, Runs: c.Runs, Chance: c.Chance.StringFixed(4), ByPeriod: []jsonPeriodChance{}}
		for _, p := range c.ByPeriod {
			jc.ByPeriod = append(jc.ByPeriod, jsonPeriodChance{Period: p.Period, Runs: p.Runs, Chance: p.Chance.StringFixed(4)})
		}
		out = append(out, jc)
	}
	return out
}

// MarshalJSON encodes the forecast in the documented JSON form. The same
// forecast always gives the same bytes.
func (r *Result) MarshalJSON() ([]byte, error) {
	j := jsonForecast{
		Version: Version, Runs: r.Runs, Seed: r.Seed, PercentileMethod: PercentileMethod,
		Contract: jsonContract{Title: r.Contract.Title, Commissioner: r.Contract.Commissioner, Provider: r.Contract.Provider,
			TermFrom: r.Contract.TermFrom.String(), TermTo: r.Contract.TermTo.String(), Settlement: r.Contract.Settlement,
			Currency: r.Contract.Currency, SpecSHA256: r.Contract.SpecSHA256},
		Source: jsonSource{Kind: r.Source.Kind, Files: []jsonFile{}, People: r.Source.People,
			FirstMonth: r.Source.FirstMonth, LastMonth: r.Source.LastMonth},
		Params: []jsonParam{}, Vars: []jsonParam{}, Periods: []jsonPeriod{}, Histogram: []jsonBin{},
		Term: r.jsonPeriod(r.Term), Settled: r.Settled, Caps: jsonChances(r.Caps), Standards: jsonChances(r.Standards),
	}
	if r.Payer != "" {
		j.Payer = &jsonPayer{Name: r.Payer, Title: r.PayerTitle}
	}
	for _, p := range r.Payers {
		j.Payers = append(j.Payers, jsonPayer{Name: p.Payer, Title: p.Title})
	}
	for _, f := range r.Source.Files {
		j.Source.Files = append(j.Source.Files, jsonFile{Path: f.Path, SHA256: f.SHA256})
	}
	for _, p := range r.Params {
		j.Params = append(j.Params, jsonParam{Name: p.Name, Value: p.Value, Set: p.Set})
	}
	for _, v := range r.Vars {
		j.Vars = append(j.Vars, jsonParam{Name: v.Name, Value: v.Value.String(), Set: v.Set})
	}
	for _, p := range r.Periods {
		j.Periods = append(j.Periods, r.jsonPeriod(p))
	}
	for _, b := range r.Histogram {
		j.Histogram = append(j.Histogram, jsonBin{From: r.amount(b.From), To: r.amount(b.To), Count: b.Count})
	}
	if b := r.Budget; b != nil {
		j.Budget = &jsonBudget{Amount: r.amount(b.Amount), Term: r.jsonBudgetChance(b.Term), ByPeriod: []jsonBudgetChance{}}
		for _, p := range b.ByPeriod {
			j.Budget.ByPeriod = append(j.Budget.ByPeriod, r.jsonBudgetChance(p))
		}
	}
	if s := r.Sensitivity; s != nil {
		js := &jsonSensitivity{Name: s.Name, Kind: s.Kind, Steps: []jsonStep{}}
		for _, st := range s.Steps {
			js.Steps = append(js.Steps, jsonStep{Value: st.Value, Total: r.jsonStats(st.Total)})
		}
		j.Sensitivity = js
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
