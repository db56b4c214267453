package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime/data"
	"github.com/occ-lang/occ/runtime/gen"
)

// jsonStatement is the statement's JSON object as one Go value, whose
// encoding by encoding/json WriteJSON must match (see reencode); jsonLine
// and jsonFlag are the objects of a line and a flag.
type jsonStatement struct {
	Version   int             `json:"version"`
	Contract  jsonContract    `json:"contract"`
	Data      []jsonFile      `json:"data"`
	Period    string          `json:"period"`
	Payer     string          `json:"payer,omitempty"`
	Notes     []string        `json:"notes,omitempty"`
	Periods   []jsonPeriod    `json:"periods"`
	Params    []jsonParam     `json:"params"`
	Lines     []jsonLine      `json:"lines"`
	Subtotals jsonSubtotals   `json:"subtotals"`
	Payers    []jsonPayer     `json:"payers,omitempty"`
	Caps      []jsonCap       `json:"caps"`
	Standards []jsonStandard  `json:"standards"`
	Flags     []jsonFlag      `json:"flags"`
	Excluded  []jsonExclusion `json:"excluded"`
	Records   jsonRecords     `json:"records"`
	Budget    *jsonBudget     `json:"budget,omitempty"`
	Total     string          `json:"total"`
}

type jsonLine struct {
	Rule   string      `json:"rule"`
	Kind   string      `json:"kind"`
	Period string      `json:"period"`
	Key    string      `json:"key"`
	Amount string      `json:"amount"`
	Title  string      `json:"title,omitempty"`
	Source string      `json:"source,omitempty"`
	Parts  []jsonPart  `json:"parts,omitempty"`
	Inputs []jsonInput `json:"inputs"`
}

type jsonPart struct {
	Payer  string `json:"payer"`
	Amount string `json:"amount"`
}

type jsonInput struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type jsonFlag struct {
	Rule   string `json:"rule"`
	Title  string `json:"title,omitempty"`
	Period string `json:"period"`
	Key    string `json:"key"`
	Source string `json:"source,omitempty"`
}

// reencode decodes a statement's JSON and encodes it again with
// encoding/json: the statement indented by two spaces, except that each
// line and each flag is in compact form on a line of its own.
func reencode(t *testing.T, js []byte) []byte {
	t.Helper()
	var j jsonStatement
	if err := json.Unmarshal(js, &j); err != nil {
		t.Fatal(err)
	}
	lines, flags := j.Lines, j.Flags
	j.Lines, j.Flags = []jsonLine{}, []jsonFlag{}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	out = strings.Replace(out, "\n  \"lines\": [],\n", "\n  \"lines\": "+compactList(t, lines)+",\n", 1)
	out = strings.Replace(out, "\n  \"flags\": [],\n", "\n  \"flags\": "+compactList(t, flags)+",\n", 1)
	return []byte(out)
}

// compactList renders elems as a JSON list with each element in compact
// form on a line of its own.
func compactList[T any](t *testing.T, elems []T) string {
	t.Helper()
	if len(elems) == 0 {
		return "[]"
	}
	var b strings.Builder
	b.WriteString("[\n")
	for i, e := range elems {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("    " + strings.TrimSuffix(buf.String(), "\n"))
	}
	b.WriteString("\n  ]")
	return b.String()
}

func compileSpec(t *testing.T, path string, edit func(string) string) *compiler.Contract {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	if edit != nil {
		text = edit(text)
	}
	f, ds := lang.Parse(path, []byte(text))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	c, ds := compiler.Compile([]*lang.File{f})
	if c == nil {
		t.Fatal(ds)
	}
	return c
}

// TestStreamedJSON checks that the JSON written field by field and line by
// line is what encoding/json writes (see reencode), for every example
// contract and for generated data with awkward text.
func TestStreamedJSON(t *testing.T) {
	type tc struct {
		name string
		c    *compiler.Contract
		in   []data.Input
	}
	var cases []tc
	specs, _ := filepath.Glob(filepath.Join("..", "specs", "*", "contract.occ"))
	for _, spec := range specs {
		dir := filepath.Dir(spec)
		csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		c := compileSpec(t, spec, nil)
		for _, f := range csvs {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, tc{filepath.Base(dir) + "/" + filepath.Base(f), c, []data.Input{{Path: f, Open: data.Bytes(b)}}})
		}
		if filepath.Base(dir) == "individual-outcomes" {
			var in []data.Input
			for _, f := range csvs {
				b, _ := os.ReadFile(f)
				in = append(in, data.Input{Path: f, Open: data.Bytes(b)})
			}
			cases = append(cases, tc{"individual-outcomes/all", c, in})
		}
	}
	// Generated data, with titles and keys that need escaping.
	var r, g bytes.Buffer
	if err := gen.IndividualOutcomes(&r, &g, 3000, 5); err != nil {
		t.Fatal(err)
	}
	odd := strings.NewReplacer(`"Hours delivered"`, `"Hours <delivered> & \"paid\" £ é \u2028 tab\t"`)
	c := compileSpec(t, filepath.Join("..", "specs", "individual-outcomes", "contract.occ"), odd.Replace)
	reviews := strings.ReplaceAll(r.String(), "P000001,", "\"P0\"\"01 é<&>\",")
	goals := strings.ReplaceAll(g.String(), "P000001,", "\"P0\"\"01 é<&>\",")
	cases = append(cases, tc{"generated", c, []data.Input{{Path: "dir/reviews \"1\".csv", Open: data.Bytes([]byte(reviews))}, {Path: "goals.csv", Open: data.Bytes([]byte(goals))}}})
	checked := 0
	for _, k := range cases {
		d, errs := data.Load(k.c, k.in)
		if len(errs) > 0 {
			if k.name == "generated" {
				t.Fatal(errs)
			}
			continue // a file that needs another beside it
		}
		checked++
		for _, workers := range []int{1, 3} {
			for _, opts := range [][]Option{{WithWorkers(workers)}, {WithWorkers(workers), WithoutInputs()}} {
				p, err := New(k.c, opts...)
				if err != nil {
					t.Fatal(err)
				}
				for _, period := range []string{"", "2026-05", "2026-Q1", "term"} {
					st, err := p.Eval(context.Background(), d, settleOf(t, p, period))
					if err != nil {
						continue
					}
					js, err := st.MarshalJSON()
					if err != nil {
						t.Fatal(err)
					}
					if want := reencode(t, js); !bytes.Equal(js, want) {
						t.Fatalf("%s %q: streamed JSON differs from encoding/json's:\n%s", k.name, period, firstDiff(js, want))
					}
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d cases checked", checked)
	}
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-200)
	return "got:\n" + string(a[lo:min(len(a), i+200)]) + "\nwant:\n" + string(b[lo:min(len(b), i+200)])
}

// TestInputHeadsResolveAsCEL checks that the input paths resolved once per
// expression (resolveHead) give every line the inputs that resolving each
// name through the activation, as CEL does, gives.
func TestInputHeadsResolveAsCEL(t *testing.T) {
	specs, _ := filepath.Glob(filepath.Join("..", "specs", "*", "contract.occ"))
	checked := 0
	for _, spec := range specs {
		dir := filepath.Dir(spec)
		c := compileSpec(t, spec, nil)
		csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		var sets [][]data.Input
		var all []data.Input
		for _, f := range csvs {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sets = append(sets, []data.Input{{Path: f, Open: data.Bytes(b)}})
			all = append(all, data.Input{Path: f, Open: data.Bytes(b)})
		}
		sets = append(sets, all)
		for _, in := range sets {
			d, errs := data.Load(c, in)
			if len(errs) > 0 || !withReference(c, d) {
				continue // records looked up in missing reference data make no lines
			}
			p, err := New(c)
			if err != nil {
				t.Fatal(err)
			}
			render := func() []byte {
				st, err := p.Eval(context.Background(), d, settleOf(t, p, ""))
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := st.WriteJSON(&buf); err != nil {
					t.Fatal(err)
				}
				return buf.Bytes()
			}
			fast := render()
			fastHeads = false
			slow := render()
			fastHeads = true
			if !bytes.Equal(fast, slow) {
				t.Fatalf("%s: inputs differ from CEL's resolution:\n%s", dir, firstDiff(fast, slow))
			}
			if !bytes.Contains(fast, []byte(`"inputs":[{`)) {
				t.Fatalf("%s: no line has inputs", dir)
			}
			checked++
		}
	}
	if checked < 8 {
		t.Fatalf("only %d data sets checked", checked)
	}
}

// withReference reports whether d holds records of every reference data
// of c, and of some other data.
func withReference(c *compiler.Contract, d *data.Set) bool {
	other := false
	for _, s := range c.TopSchemas() {
		switch {
		case s.Reference && len(d.Records[s.Name]) == 0:
			return false
		case !s.Reference && len(d.Records[s.Name]) > 0:
			other = true
		}
	}
	return other
}

// settleOf reads a period the way occ eval --period does, with the
// program's contract's calendar; "" is the zero Period, every period the
// data touches.
func settleOf(t testing.TB, p *Program, text string) compiler.Period {
	t.Helper()
	if text == "" {
		return compiler.Period{}
	}
	per, err := p.Contract().Calendar().Parse(text)
	if err != nil {
		t.Fatalf("period %q: %v", text, err)
	}
	return per
}
