package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime"
)

// testParams are the inputs of occ test.
type testParams struct {
	paths       []string
	run         string
	format      string
	coverage    bool
	coverageMin float64
	verbose     bool
}

func newTestCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &testParams{}
	cmd := &cobra.Command{
		Use:   "test [paths...]",
		Short: "Run the test blocks of contracts",
		Long: `Test runs every test block found in the contracts named (files, or every
*.occ file under directories; test blocks may sit in the contract or in
*_test.occ files beside it). It exits 1 when a test fails, when a contract
has errors, and when no test ran; 2 on a usage error.

--coverage reports which rules, and which outcomes of their conditions, no
test exercised; --coverage-min N fails when coverage is below N percent.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			p.paths = args
			return runTests(cmd.Context(), p, stdout, stderr)
		},
	}
	cmd.Flags().StringVar(&p.run, "run", "", "run only tests whose name matches this regular expression")
	cmd.Flags().StringVar(&p.format, "format", "text", "output format: text, json or junit")
	cmd.Flags().BoolVar(&p.coverage, "coverage", false, "report rules and condition outcomes no test exercised")
	cmd.Flags().Float64Var(&p.coverageMin, "coverage-min", 0, "fail when coverage is below this percentage (implies --coverage)")
	cmd.Flags().BoolVarP(&p.verbose, "verbose", "v", false, "list every test, not only failures")
	return cmd
}

// contractRun is the outcome of one contract's tests.
type contractRun struct {
	File     string
	Diags    string
	Results  []runtime.TestResult
	Coverage *runtime.Coverage
}

func runTests(ctx context.Context, p *testParams, stdout, stderr io.Writer) error {
	switch p.format {
	case "text", "json", "junit":
	default:
		return usageError("unknown format %q: use text, json or junit", p.format)
	}
	var filter *regexp.Regexp
	if p.run != "" {
		var err error
		if filter, err = regexp.Compile(p.run); err != nil {
			return usageError("--run: %v", err)
		}
	}
	if p.coverageMin > 0 {
		p.coverage = true
	}
	if ctx == nil {
		ctx = context.Background()
	}
	units, err := findContracts(p.paths)
	if err != nil {
		return err
	}
	var runs []*contractRun
	for _, u := range units {
		src := sources{}
		l := loadContract(u, src)
		cr := &contractRun{File: u.main}
		runs = append(runs, cr)
		if l.contract == nil || l.diags.HasErrors() {
			var b strings.Builder
			writeDiagnostics(&b, "text", l.diags, src, false)
			cr.Diags = b.String()
			continue
		}
		var opts runtime.TestOptions
		if p.coverage {
			cr.Coverage = runtime.NewCoverage(l.contract)
			opts.Coverage = cr.Coverage
		}
		for _, t := range l.contract.Tests {
			if filter != nil && !filter.MatchString(t.Name) {
				continue
			}
			cr.Results = append(cr.Results, runtime.RunTest(ctx, l.contract, t, opts))
		}
	}
	passed, failed, broken := 0, 0, 0
	for _, cr := range runs {
		if cr.Diags != "" {
			broken++
		}
		for _, r := range cr.Results {
			if r.Passed() {
				passed++
			} else {
				failed++
			}
		}
	}
	lowCoverage := false
	if p.coverage {
		for _, cr := range runs {
			if cr.Coverage != nil && len(cr.Results) > 0 {
				if pct, _, _ := cr.Coverage.Percent(); pct < p.coverageMin {
					lowCoverage = true
				}
			}
		}
	}
	switch p.format {
	case "json":
		writeTestJSON(stdout, runs, passed, failed)
	case "junit":
		writeTestJUnit(stdout, runs)
	default:
		writeTestText(stdout, runs, p, passed, failed)
	}
	switch {
	case failed > 0 || broken > 0:
		return findings
	case passed == 0:
		return &exitError{code: exitFindings, msg: "no test ran"}
	case lowCoverage:
		return &exitError{code: exitFindings, msg: fmt.Sprintf("coverage is below %g%%", p.coverageMin)}
	}
	return nil
}

func writeTestText(w io.Writer, runs []*contractRun, p *testParams, passed, failed int) {
	for _, cr := range runs {
		if cr.Diags != "" {
			fmt.Fprintf(w, "FAIL %s: the contract has errors\n%s", cr.File, cr.Diags)
			continue
		}
		nFail := 0
		for _, r := range cr.Results {
			if r.Passed() {
				if p.verbose {
					fmt.Fprintf(w, "--- PASS: %s (%s)\n", r.Name, r.Span)
				}
				continue
			}
			nFail++
			fmt.Fprintf(w, "--- FAIL: %s (%s)\n", r.Name, r.Span)
			for _, f := range r.Failures {
				fmt.Fprintf(w, "    %s:%d: %s\n", f.Span.File, f.Span.Start.Line, f.Expect)
				if f.Msg != "" {
					fmt.Fprintf(w, "        %s\n", f.Msg)
				}
				if f.Want != "" {
					fmt.Fprintf(w, "        want %s\n", f.Want)
				}
				if f.Got != "" {
					fmt.Fprintf(w, "        got  %s\n", f.Got)
				}
			}
		}
		switch {
		case len(cr.Results) == 0:
			fmt.Fprintf(w, "?    %s: no tests\n", cr.File)
		case nFail == 0:
			fmt.Fprintf(w, "ok   %s: %s\n", cr.File, words.Count(len(cr.Results), "test"))
		default:
			fmt.Fprintf(w, "FAIL %s: %d of %d tests failed\n", cr.File, nFail, len(cr.Results))
		}
		if cr.Coverage != nil && len(cr.Results) > 0 {
			pct, cov, total := cr.Coverage.Percent()
			fmt.Fprintf(w, "     coverage %.1f%% (%d of %d rules and condition outcomes)\n", pct, cov, total)
			for _, it := range cr.Coverage.Items() {
				if !it.Covered {
					fmt.Fprintf(w, "       %s:%d: %s\n", it.Span.File, it.Span.Start.Line, it.Describe())
				}
			}
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
}

type jsonTestReport struct {
	Version   int                `json:"version"`
	Contracts []jsonContractTest `json:"contracts"`
	Passed    int                `json:"passed"`
	Failed    int                `json:"failed"`
}

type jsonContractTest struct {
	File     string        `json:"file"`
	Errors   string        `json:"errors,omitempty"`
	Tests    []jsonTest    `json:"tests"`
	Coverage *jsonCoverage `json:"coverage,omitempty"`
}

type jsonTest struct {
	Name     string        `json:"name"`
	File     string        `json:"file"`
	Line     int           `json:"line"`
	Passed   bool          `json:"passed"`
	Failures []jsonFailure `json:"failures"`
}

type jsonFailure struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Code    string `json:"code"`
	Expect  string `json:"expect"`
	Want    string `json:"want,omitempty"`
	Got     string `json:"got,omitempty"`
	Message string `json:"message,omitempty"`
}

type jsonCoverage struct {
	Percent   float64         `json:"percent"`
	Covered   int             `json:"covered"`
	Total     int             `json:"total"`
	Uncovered []jsonUncovered `json:"uncovered"`
}

type jsonUncovered struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Rule string `json:"rule"`
	What string `json:"what"`
	Text string `json:"text,omitempty"`
}

func writeTestJSON(w io.Writer, runs []*contractRun, passed, failed int) {
	rep := jsonTestReport{Version: 1, Contracts: []jsonContractTest{}, Passed: passed, Failed: failed}
	for _, cr := range runs {
		jc := jsonContractTest{File: cr.File, Errors: cr.Diags, Tests: []jsonTest{}}
		for _, r := range cr.Results {
			jt := jsonTest{Name: r.Name, File: r.Span.File, Line: r.Span.Start.Line, Passed: r.Passed(), Failures: []jsonFailure{}}
			for _, f := range r.Failures {
				jt.Failures = append(jt.Failures, jsonFailure{File: f.Span.File, Line: f.Span.Start.Line, Code: f.Code, Expect: f.Expect, Want: f.Want, Got: f.Got, Message: f.Msg})
			}
			jc.Tests = append(jc.Tests, jt)
		}
		if cr.Coverage != nil {
			pct, cov, total := cr.Coverage.Percent()
			jcov := &jsonCoverage{Percent: float64(int(pct*10+0.5)) / 10, Covered: cov, Total: total, Uncovered: []jsonUncovered{}}
			for _, it := range cr.Coverage.Items() {
				if !it.Covered {
					jcov.Uncovered = append(jcov.Uncovered, jsonUncovered{File: it.Span.File, Line: it.Span.Start.Line, Rule: it.Rule, What: it.What, Text: it.Text})
				}
			}
			jc.Coverage = jcov
		}
		rep.Contracts = append(rep.Contracts, jc)
	}
	b, _ := json.MarshalIndent(rep, "", "  ")
	fmt.Fprintf(w, "%s\n", b)
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
	Error    *junitFail  `xml:"error,omitempty"`
}

type junitCase struct {
	Name      string     `xml:"name,attr"`
	Classname string     `xml:"classname,attr"`
	File      string     `xml:"file,attr"`
	Line      int        `xml:"line,attr"`
	Failure   *junitFail `xml:"failure,omitempty"`
}

type junitFail struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func writeTestJUnit(w io.Writer, runs []*contractRun) {
	var out junitSuites
	for _, cr := range runs {
		s := junitSuite{Name: cr.File, Tests: len(cr.Results)}
		if cr.Diags != "" {
			s.Errors = 1
			s.Error = &junitFail{Message: "the contract has errors", Text: cr.Diags}
		}
		for _, r := range cr.Results {
			c := junitCase{Name: r.Name, Classname: cr.File, File: r.Span.File, Line: r.Span.Start.Line}
			if !r.Passed() {
				s.Failures++
				var b strings.Builder
				for _, f := range r.Failures {
					fmt.Fprintf(&b, "%s:%d: %s", f.Span.File, f.Span.Start.Line, f.Expect)
					if f.Msg != "" {
						fmt.Fprintf(&b, ": %s", f.Msg)
					}
					if f.Want != "" || f.Got != "" {
						fmt.Fprintf(&b, " (want %s, got %s)", f.Want, f.Got)
					}
					b.WriteByte('\n')
				}
				c.Failure = &junitFail{Message: fmt.Sprintf("%d expectation(s) failed", len(r.Failures)), Text: b.String()}
			}
			s.Cases = append(s.Cases, c)
		}
		out.Suites = append(out.Suites, s)
	}
	fmt.Fprint(w, xml.Header)
	b, _ := xml.MarshalIndent(out, "", "  ")
	fmt.Fprintf(w, "%s\n", b)
}
