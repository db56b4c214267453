package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/occ-lang/occ/lang"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/diagnostics, and the files of testdata/script/*.txtar that cmp compares with standard output or error")

const (
	goldenDir       = "../../testdata/diagnostics"
	sarifSchemaFile = "../../testdata/sarif/sarif-schema-2.1.0.json"
)

// goldenFormats maps each output format to the archive section holding its
// expected output.
var goldenFormats = []struct{ format, section string }{
	{"text", "want.text"},
	{"json", "want.json"},
	{"sarif", "want.sarif"},
	{"github", "want.github"},
}

// A golden case is a txtar archive in testdata/diagnostics:
//
//   - every file whose name ends in ".occ" is a source file; its name is the
//     Span.File the diagnostics refer to;
//
//   - the file "diagnostics" lists the diagnostics, one a line (blank lines
//     and lines starting with "#" are skipped):
//
//     SEVERITY POSITION CODE MESSAGE [| DETAIL]
//
//     SEVERITY is "error" or "warning". POSITION is [FILE:]L:C-L:C, the
//     1-based start and exclusive end; FILE defaults to the archive's only
//     .occ file. "FILE:-" is a file without a position and "-" is neither.
//     CODE "-" means no code. MESSAGE and DETAIL may use \n, \r and \\.
//
//   - the files "want.text", "want.json", "want.sarif" and "want.github" hold
//     the expected output of each format; go test -update rewrites them.
type goldenCase struct {
	name string
	path string
	ar   *txtar.Archive
	src  sources
	ds   lang.Diagnostics
}

func loadGoldenCases(t *testing.T) []goldenCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(goldenDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no golden files in %s", goldenDir)
	}
	var cases []goldenCase
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := goldenCase{name: strings.TrimSuffix(filepath.Base(p), ".txtar"), path: p, ar: ar, src: sources{}}
		var occFiles []string
		var spec []byte
		haveSpec := false
		for _, f := range ar.Files {
			switch {
			case strings.HasSuffix(f.Name, ".occ"):
				c.src[f.Name] = f.Data
				occFiles = append(occFiles, f.Name)
			case f.Name == "diagnostics":
				spec, haveSpec = f.Data, true
			}
		}
		if !haveSpec {
			t.Fatalf("%s: no diagnostics section", p)
		}
		defaultFile := ""
		if len(occFiles) == 1 {
			defaultFile = occFiles[0]
		}
		c.ds, err = parseDiagnosticSpec(string(spec), defaultFile, c.src)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		cases = append(cases, c)
	}
	return cases
}

var (
	spanRE   = regexp.MustCompile(`^(?:(.*):)?(\d+):(\d+)-(\d+):(\d+)$`)
	noPosRE  = regexp.MustCompile(`^(?:(.*):)?-$`)
	unescape = strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\r`, "\r")
)

func parseDiagnosticSpec(spec, defaultFile string, src sources) (lang.Diagnostics, error) {
	var ds lang.Diagnostics
	for n, line := range strings.Split(spec, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, " ", 4)
		if len(fields) < 4 {
			return nil, fmt.Errorf("diagnostics line %d: want SEVERITY POSITION CODE MESSAGE", n+1)
		}
		var d lang.Diagnostic
		switch fields[0] {
		case "error":
			d.Severity = lang.Error
		case "warning":
			d.Severity = lang.Warning
		default:
			return nil, fmt.Errorf("diagnostics line %d: bad severity %q", n+1, fields[0])
		}
		switch pos := fields[1]; {
		case pos == "-":
		case noPosRE.MatchString(pos):
			d.Span.File = noPosRE.FindStringSubmatch(pos)[1]
		case spanRE.MatchString(pos):
			m := spanRE.FindStringSubmatch(pos)
			d.Span.File = m[1]
			if d.Span.File == "" {
				d.Span.File = defaultFile
			}
			num := func(s string) int { v, _ := strconv.Atoi(s); return v }
			d.Span.Start = posAt(src[d.Span.File], num(m[2]), num(m[3]))
			d.Span.End = posAt(src[d.Span.File], num(m[4]), num(m[5]))
		default:
			return nil, fmt.Errorf("diagnostics line %d: bad position %q", n+1, pos)
		}
		if fields[2] != "-" {
			d.Code = fields[2]
		}
		msg, detail, _ := strings.Cut(fields[3], " | ")
		d.Message, d.Detail = unescape.Replace(msg), unescape.Replace(detail)
		ds = append(ds, d)
	}
	return ds, nil
}

// posAt builds a Pos for line and col (code points), with the byte offset
// taken from data when the position lies in it.
func posAt(data []byte, line, col int) lang.Pos {
	p := lang.Pos{Line: line, Col: col}
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return p
		}
		off += i + 1
	}
	for c := 1; c < col && off < len(data) && data[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	p.Offset = off
	return p
}

func render(t *testing.T, format string, ds lang.Diagnostics, src sources, color bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := writeDiagnostics(&b, format, ds, src, color); err != nil {
		t.Fatalf("writeDiagnostics(%s): %v", format, err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	for _, c := range loadGoldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			changed := false
			for _, f := range goldenFormats {
				got := render(t, f.format, c.ds, c.src, false)
				idx := -1
				for i, af := range c.ar.Files {
					if af.Name == f.section {
						idx = i
					}
				}
				if *update {
					if idx < 0 {
						c.ar.Files = append(c.ar.Files, txtar.File{Name: f.section})
						idx = len(c.ar.Files) - 1
					}
					if !bytes.Equal(c.ar.Files[idx].Data, got) {
						c.ar.Files[idx].Data = got
						changed = true
					}
					continue
				}
				if idx < 0 {
					t.Errorf("%s: no %s section (run go test -update)", c.path, f.section)
					continue
				}
				if want := c.ar.Files[idx].Data; !bytes.Equal(got, want) {
					t.Errorf("%s: %s output differs\n--- got ---\n%s--- want ---\n%s", c.path, f.format, got, want)
				}
			}
			if changed {
				if err := os.WriteFile(c.path, txtar.Format(c.ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// The golden cases must between them cover the situations the formats have
// to get right; this keeps someone from deleting one by accident.
func TestGoldenCoverage(t *testing.T) {
	var sawPound, sawEOL, sawMulti, sawWarning, sawUnknownFile, sawEmpty, sawEscape bool
	for _, c := range loadGoldenCases(t) {
		if len(c.ds) == 0 {
			sawEmpty = true
		}
		for _, d := range c.ds {
			data, known := c.src[d.Span.File]
			if !known {
				sawUnknownFile = true
			}
			if d.Severity == lang.Warning {
				sawWarning = true
			}
			if d.Span.End.Line > d.Span.Start.Line {
				sawMulti = true
			}
			if line, ok := sourceLine(data, d.Span.Start.Line); known && ok && d.Span.IsValid() {
				r := []rune(line)
				if n := min(d.Span.Start.Col-1, len(r)); strings.ContainsRune(string(r[:max(n, 0)]), '£') {
					sawPound = true
				}
				if d.Span.End.Line == d.Span.Start.Line && d.Span.End.Col > len(r) {
					sawEOL = true
				}
			}
			if strings.ContainsAny(d.Message+d.Detail+d.Code+d.Span.File, "%:,\n") {
				sawEscape = true
			}
		}
	}
	for what, saw := range map[string]bool{
		"a span after a £": sawPound, "a span at end of line": sawEOL, "a multi-line span": sawMulti,
		"a warning": sawWarning, "an unknown file": sawUnknownFile, "zero diagnostics": sawEmpty,
		"characters GitHub must escape": sawEscape,
	} {
		if !saw {
			t.Errorf("no golden case has %s", what)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	var b bytes.Buffer
	ds := lang.Diagnostics{{Message: "x", Code: "c"}}
	if err := writeDiagnostics(&b, "xml", ds, nil, false); err == nil {
		t.Fatal("writeDiagnostics accepted format xml")
	}
	if b.Len() != 0 {
		t.Errorf("an unknown format wrote %q", b.String())
	}
}

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestTextColor(t *testing.T) {
	for _, c := range loadGoldenCases(t) {
		plain := render(t, "text", c.ds, c.src, false)
		colored := render(t, "text", c.ds, c.src, true)
		if bytes.ContainsRune(plain, '\x1b') {
			t.Errorf("%s: plain text output contains an escape sequence", c.name)
		}
		if len(c.ds) > 0 && !bytes.ContainsRune(colored, '\x1b') {
			t.Errorf("%s: colored output has no escape sequence", c.name)
		}
		if stripped := ansiRE.ReplaceAll(colored, nil); !bytes.Equal(stripped, plain) {
			t.Errorf("%s: colored output without its escapes differs from plain:\n%s---\n%s", c.name, stripped, plain)
		}
	}
	// Errors are red, warnings yellow.
	ds := lang.Diagnostics{
		{Severity: lang.Error, Code: "e", Message: "bad"},
		{Severity: lang.Warning, Code: "w", Message: "odd"},
	}
	out := string(render(t, "text", ds, nil, true))
	if !strings.Contains(out, ansiRed+"error:"+ansiReset) || !strings.Contains(out, ansiYellow+"warning:"+ansiReset) {
		t.Errorf("severities not colored: %q", out)
	}
}

func TestTextNeverPanics(t *testing.T) {
	src := sources{
		"a.occ":     []byte("line one\n\tta£b\r\nlast"),
		"empty.occ": nil,
	}
	spans := []lang.Span{
		{},
		{File: "a.occ"},
		{File: "a.occ", Start: lang.Pos{Line: 1, Col: 0}},
		{File: "a.occ", Start: lang.Pos{Line: 1, Col: -5}, End: lang.Pos{Line: 1, Col: -1}},
		{File: "a.occ", Start: lang.Pos{Line: 2, Col: 99}, End: lang.Pos{Line: 2, Col: 200}},
		{File: "a.occ", Start: lang.Pos{Line: 2, Col: 3}, End: lang.Pos{Line: 1, Col: 1}},
		{File: "a.occ", Start: lang.Pos{Line: 3, Col: 1}, End: lang.Pos{Line: 9, Col: 1}},
		{File: "a.occ", Start: lang.Pos{Line: 4, Col: 1}, End: lang.Pos{Line: 4, Col: 2}},
		{File: "a.occ", Start: lang.Pos{Line: 1 << 30, Col: 1}},
		{File: "empty.occ", Start: lang.Pos{Line: 1, Col: 1}, End: lang.Pos{Line: 1, Col: 5}},
		{File: "empty.occ", Start: lang.Pos{Line: 2, Col: 1}},
	}
	for _, s := range spans {
		ds := lang.Diagnostics{{Span: s, Code: "c", Message: "m", Detail: "d"}}
		for _, f := range diagnosticFormats {
			render(t, f, ds, src, true)
		}
	}
	// The CRLF line is quoted without its \r and the tab is expanded.
	out := string(render(t, "text", lang.Diagnostics{{
		Span: lang.Span{File: "a.occ", Start: lang.Pos{Line: 2, Col: 4}, End: lang.Pos{Line: 2, Col: 5}},
		Code: "c", Message: "m",
	}}, src, false))
	want := "a.occ:2:4: error: m [c]\n    ta£b\n      ^\n\n1 error\n"
	if out != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
}

func FuzzQuote(f *testing.F) {
	f.Add([]byte("a£\tb\nc"), 1, 2, 1, 4)
	f.Add([]byte(""), 1, 1, 3, 1)
	f.Add([]byte("\xff\xfe\n"), 1, 1, 1, 9)
	f.Fuzz(func(t *testing.T, data []byte, sl, sc, el, ec int) {
		s := lang.Span{File: "f", Start: lang.Pos{Line: sl, Col: sc}, End: lang.Pos{Line: el, Col: ec}}
		line, marks, ok := quote(s, sources{"f": data})
		if !ok {
			return
		}
		if !strings.Contains(marks, "^") || strings.Count(marks, "^") != 1 {
			t.Fatalf("marks %q need exactly one caret", marks)
		}
		if w, lw := len([]rune(marks)), len([]rune(line)); w > lw+1 {
			t.Fatalf("marks %q run more than one column past line %q", marks, line)
		}
	})
}

func TestGitHubEscaping(t *testing.T) {
	if got, want := escapeData("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad"; got != want {
		t.Errorf("escapeData = %q, want %q", got, want)
	}
	if got, want := escapeProperty("100% a:b,c\r\nd"), "100%25 a%3Ab%2Cc%0D%0Ad"; got != want {
		t.Errorf("escapeProperty = %q, want %q", got, want)
	}
	// Columns only on single-line annotations.
	out := string(render(t, "github", lang.Diagnostics{{
		Span: lang.Span{File: "x.occ", Start: lang.Pos{Line: 1, Col: 2}, End: lang.Pos{Line: 3, Col: 4}},
		Code: "c", Message: "m",
	}}, nil, false))
	if want := "::error file=x.occ,line=1,endLine=3,title=c::m\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// jsonRoundTrip mirrors the documented JSON shape (docs/diagnostics.md).
type jsonRoundTrip struct {
	Version     int `json:"version"`
	Diagnostics []struct {
		File      string  `json:"file"`
		Line      int     `json:"line"`
		Column    int     `json:"column"`
		EndLine   int     `json:"end_line"`
		EndColumn int     `json:"end_column"`
		Severity  string  `json:"severity"`
		Code      string  `json:"code"`
		Message   string  `json:"message"`
		Detail    *string `json:"detail"`
	} `json:"diagnostics"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
}

func TestJSONRoundTrip(t *testing.T) {
	for _, c := range loadGoldenCases(t) {
		out := render(t, "json", c.ds, c.src, false)
		if !bytes.HasSuffix(out, []byte("}\n")) {
			t.Errorf("%s: json output does not end in a newline", c.name)
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.DisallowUnknownFields()
		var r jsonRoundTrip
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r.Version != 1 {
			t.Errorf("%s: version %d", c.name, r.Version)
		}
		if r.Diagnostics == nil {
			t.Errorf("%s: diagnostics is null, want a list", c.name)
		}
		if len(r.Diagnostics) != len(c.ds) {
			t.Fatalf("%s: %d diagnostics, want %d", c.name, len(r.Diagnostics), len(c.ds))
		}
		errs, warns := 0, 0
		for i, d := range c.ds {
			got := r.Diagnostics[i]
			if d.Severity == lang.Warning {
				warns++
			} else {
				errs++
			}
			if got.File != d.Span.File || got.Severity != d.Severity.String() || got.Code != d.Code || got.Message != d.Message {
				t.Errorf("%s #%d: got %+v from %+v", c.name, i, got, d)
			}
			if d.Span.IsValid() && (got.Line != d.Span.Start.Line || got.Column != d.Span.Start.Col ||
				got.EndLine != d.Span.End.Line || got.EndColumn != d.Span.End.Col) {
				t.Errorf("%s #%d: position %d:%d-%d:%d, want %v-%v", c.name, i, got.Line, got.Column, got.EndLine, got.EndColumn, d.Span.Start, d.Span.End)
			}
			if (got.Detail == nil) != (d.Detail == "") || got.Detail != nil && *got.Detail != d.Detail {
				t.Errorf("%s #%d: detail %v, want %q (omitted when empty)", c.name, i, got.Detail, d.Detail)
			}
		}
		if r.Errors != errs || r.Warnings != warns {
			t.Errorf("%s: counts %d errors %d warnings, want %d and %d", c.name, r.Errors, r.Warnings, errs, warns)
		}
	}
	out := render(t, "json", nil, nil, false)
	if !bytes.Contains(out, []byte(`"diagnostics": []`)) {
		t.Errorf("no diagnostics: got %s, want an empty list", out)
	}
}

var compiledSARIFSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open(sarifSchemaFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // check "uri", "uri-reference" and the like too
	const url = "https://json.schemastore.org/sarif-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
})

func validateSARIF(t *testing.T, doc []byte) error {
	t.Helper()
	sch, err := compiledSARIFSchema()
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("sarif output is not JSON: %v", err)
	}
	return sch.Validate(inst)
}

func TestSARIFValidates(t *testing.T) {
	for _, c := range loadGoldenCases(t) {
		if err := validateSARIF(t, render(t, "sarif", c.ds, c.src, false)); err != nil {
			t.Errorf("%s: sarif output does not validate: %v", c.name, err)
		}
	}
	// Paths that need percent-encoding, or that look like a scheme, and an
	// absolute path, still give a valid uri-reference.
	for _, file := range []string{"dir/with space/£.occ", "a:b.occ", "/abs/path/x.occ", `50%.occ`} {
		ds := lang.Diagnostics{{Span: lang.Span{File: file, Start: lang.Pos{Line: 1, Col: 1}, End: lang.Pos{Line: 1, Col: 2}}, Code: "c", Message: "m"}}
		if err := validateSARIF(t, render(t, "sarif", ds, nil, false)); err != nil {
			t.Errorf("file %q: %v", file, err)
		}
	}
}

// The validation must be able to fail: documents broken in ways GitHub would
// reject are rejected.
func TestSARIFValidationRejects(t *testing.T) {
	ds := lang.Diagnostics{{
		Severity: lang.Error, Code: "undefined-name", Message: "no such field",
		Span: lang.Span{File: "a.occ", Start: lang.Pos{Line: 1, Col: 2}, End: lang.Pos{Line: 1, Col: 5}},
	}}
	good := render(t, "sarif", ds, nil, false)
	if err := validateSARIF(t, good); err != nil {
		t.Fatalf("the unbroken document does not validate: %v", err)
	}
	breakages := map[string]func(log map[string]any){
		"result without message": func(log map[string]any) { delete(logResult(log), "message") },
		"unknown level":          func(log map[string]any) { logResult(log)["level"] = "fatal" },
		"line 0":                 func(log map[string]any) { logRegion(log)["startLine"] = 0 },
		"wrong version":          func(log map[string]any) { log["version"] = "2.0.0" },
		"run without tool":       func(log map[string]any) { delete(logRun(log), "tool") },
		"unknown property":       func(log map[string]any) { logResult(log)["severity"] = "error" },
		"bad columnKind":         func(log map[string]any) { logRun(log)["columnKind"] = "bytes" },
	}
	for name, breakIt := range breakages {
		var log map[string]any
		if err := json.Unmarshal(good, &log); err != nil {
			t.Fatal(err)
		}
		breakIt(log)
		bad, err := json.Marshal(log)
		if err != nil {
			t.Fatal(err)
		}
		if validateSARIF(t, bad) == nil {
			t.Errorf("%s: the schema accepted a broken document", name)
		}
	}
}

func logRun(log map[string]any) map[string]any {
	return log["runs"].([]any)[0].(map[string]any)
}

func logResult(log map[string]any) map[string]any {
	return logRun(log)["results"].([]any)[0].(map[string]any)
}

func logRegion(log map[string]any) map[string]any {
	loc := logResult(log)["locations"].([]any)[0].(map[string]any)
	return loc["physicalLocation"].(map[string]any)["region"].(map[string]any)
}

func TestSARIFRules(t *testing.T) {
	at := lang.Span{File: "a.occ", Start: lang.Pos{Line: 1, Col: 1}, End: lang.Pos{Line: 1, Col: 2}}
	ds := lang.Diagnostics{
		{Span: at, Code: "zeta", Message: "a"},
		{Span: at, Code: "alpha", Message: "b", Severity: lang.Warning},
		{Span: at, Code: "zeta", Message: "c"},
		{Span: at, Message: "no code"},
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex *int
				Level     string
			}
		}
	}
	if err := json.Unmarshal(render(t, "sarif", ds, nil, false), &log); err != nil {
		t.Fatal(err)
	}
	rules := log.Runs[0].Tool.Driver.Rules
	if len(rules) != 2 || rules[0].ID != "alpha" || rules[1].ID != "zeta" {
		t.Fatalf("rules %+v, want alpha and zeta", rules)
	}
	for i, r := range log.Runs[0].Results {
		if ds[i].Code == "" {
			if r.RuleID != "" || r.RuleIndex != nil {
				t.Errorf("result %d without a code has rule %q %v", i, r.RuleID, r.RuleIndex)
			}
			continue
		}
		if r.RuleIndex == nil || rules[*r.RuleIndex].ID != r.RuleID || r.RuleID != ds[i].Code {
			t.Errorf("result %d: ruleId %q ruleIndex %v", i, r.RuleID, r.RuleIndex)
		}
	}
	if log.Runs[0].Results[1].Level != "warning" || log.Runs[0].Results[0].Level != "error" {
		t.Errorf("levels wrong: %+v", log.Runs[0].Results)
	}
	// Deterministic: the same input gives the same bytes.
	if a, b := render(t, "sarif", ds, nil, false), render(t, "sarif", ds, nil, false); !bytes.Equal(a, b) {
		t.Error("sarif output is not deterministic")
	}
}

// A diagnostic that names no file cannot be a code scanning result (GitHub
// rejects the whole upload if one result has no location), so it becomes a
// tool notification; one that names a file but no position is anchored at
// line 1 of that file.
func TestSARIFWithoutLocation(t *testing.T) {
	ds := lang.Diagnostics{
		{Code: "config", Message: "occ.yaml could not be read"},
		{Span: lang.Span{File: "a.occ"}, Code: "empty", Message: "nothing here", Severity: lang.Warning},
	}
	out := render(t, "sarif", ds, nil, false)
	if err := validateSARIF(t, out); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []struct {
					Level          string
					Message        struct{ Text string }
					AssociatedRule struct {
						ID    string
						Index int
					}
				}
			}
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           map[string]int
					}
				}
			}
		}
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != 1 || run.Results[0].RuleID != "empty" || len(run.Results[0].Locations) != 1 {
		t.Fatalf("results %+v, want the file-level diagnostic only, with a location", run.Results)
	}
	pl := run.Results[0].Locations[0].PhysicalLocation
	if pl.ArtifactLocation.URI != "a.occ" || len(pl.Region) != 1 || pl.Region["startLine"] != 1 {
		t.Errorf("file-level location %+v, want a.occ at startLine 1 only", pl)
	}
	if len(run.Invocations) != 1 || len(run.Invocations[0].ToolExecutionNotifications) != 1 {
		t.Fatalf("invocations %+v, want one notification", run.Invocations)
	}
	n := run.Invocations[0].ToolExecutionNotifications[0]
	if n.Level != "error" || n.Message.Text != "occ.yaml could not be read" || n.AssociatedRule.ID != "config" || n.AssociatedRule.Index != 0 {
		t.Errorf("notification %+v", n)
	}
}

// The SARIF driver carries occ's version, and a hint goes in the result's
// property bag, never into message.text, which is the message alone.
func TestSARIFVersionAndHint(t *testing.T) {
	at := lang.Span{File: "a.occ", Start: lang.Pos{Line: 1, Col: 1}, End: lang.Pos{Line: 1, Col: 2}}
	ds := lang.Diagnostics{
		{Span: at, Code: "undefined-field", Message: `data review has no field "hour"`, Detail: `did you mean "hours"?`},
		{Span: at, Code: "plain", Message: "no hint"},
		{Code: "config", Message: "no file", Detail: "a hint on a notification"},
	}
	out := render(t, "sarif", ds, nil, false)
	if err := validateSARIF(t, out); err != nil {
		t.Fatal(err)
	}
	type props struct{ Hint *string }
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Version         string
					SemanticVersion *string
				}
			}
			Results []struct {
				Message    map[string]string
				Properties *props
			}
			Invocations []struct {
				ToolExecutionNotifications []struct {
					Message    map[string]string
					Properties *props
				}
			}
		}
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if want := currentVersion().String(); run.Tool.Driver.Version != want || want == "" {
		t.Errorf("driver.version %q, want %q", run.Tool.Driver.Version, want)
	}
	if _, ok := currentVersion().Semantic(); !ok && run.Tool.Driver.SemanticVersion != nil {
		t.Errorf("driver.semanticVersion %q for a version that is not one", *run.Tool.Driver.SemanticVersion)
	}
	r := run.Results
	if len(r) != 2 {
		t.Fatalf("%d results, want 2", len(r))
	}
	if len(r[0].Message) != 1 || r[0].Message["text"] != ds[0].Message {
		t.Errorf("message %v, want the text %q alone", r[0].Message, ds[0].Message)
	}
	if r[0].Properties == nil || r[0].Properties.Hint == nil || *r[0].Properties.Hint != ds[0].Detail {
		t.Errorf("properties %+v, want the hint %q", r[0].Properties, ds[0].Detail)
	}
	if r[1].Properties != nil {
		t.Errorf("a diagnostic without a hint has properties %+v", r[1].Properties)
	}
	n := run.Invocations[0].ToolExecutionNotifications[0]
	if n.Message["text"] != "no file" || n.Properties == nil || *n.Properties.Hint != ds[2].Detail {
		t.Errorf("notification %+v", n)
	}
}
