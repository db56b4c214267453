package main

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The composite GitHub Action, action.yml, is run here as far as it can
// be off GitHub: its shell steps, in order, with bash as Actions runs it
// (bash --noprofile --norc -eo pipefail), the inputs at their defaults,
// each step's GITHUB_OUTPUT read back for the steps after it, and the occ
// of this tree on the PATH in place of the install step. The steps that
// use other actions (setup-go, upload-sarif) are left out.

// action is the part of action.yml these tests read.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Env   map[string]string `yaml:"env"`
}

func readAction(t *testing.T) action {
	t.Helper()
	b, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// buildOcc builds this tree's occ into dir and returns its path.
func buildOcc(t *testing.T, dir string) string {
	t.Helper()
	occ := filepath.Join(dir, "occ")
	if out, err := exec.Command("go", "build", "-o", occ, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return occ
}

var reExpr = regexp.MustCompile(`\$\{\{\s*(inputs\.[a-z-]+|steps\.[a-z]+\.outputs\.[a-z-]+)\s*\}\}`)

// actionRun is the result of running the action's shell steps.
type actionRun struct {
	outputs map[string]map[string]string // by step id
	log     string                       // what the steps printed
	failed  string                       // the name of the step that failed, or ""
}

// runAction runs the shell steps of a in repo with occ on the PATH.
func runAction(t *testing.T, a action, repo, occDir string) actionRun {
	t.Helper()
	tmp := t.TempDir()
	res := actionRun{outputs: map[string]map[string]string{}}
	var log strings.Builder
	for i, st := range a.Runs.Steps {
		if st.Run == "" || st.ID == "install" {
			continue
		}
		env := append(os.Environ(), "PATH="+occDir+string(os.PathListSeparator)+os.Getenv("PATH"), "RUNNER_TEMP="+tmp)
		for k, v := range st.Env {
			v = reExpr.ReplaceAllStringFunc(v, func(e string) string {
				ref := reExpr.FindStringSubmatch(e)[1]
				if name, ok := strings.CutPrefix(ref, "inputs."); ok {
					return a.Inputs[name].Default
				}
				parts := strings.Split(ref, ".") // steps ID outputs NAME
				return res.outputs[parts[1]][parts[3]]
			})
			env = append(env, k+"="+v)
		}
		out := filepath.Join(tmp, "output-"+st.ID)
		os.WriteFile(out, nil, 0o644)
		env = append(env, "GITHUB_OUTPUT="+out)
		script := filepath.Join(tmp, "step.sh")
		os.WriteFile(script, []byte(st.Run), 0o644)
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir, cmd.Env = repo, env
		b, err := cmd.CombinedOutput()
		log.WriteString("## " + st.Name + "\n" + string(b))
		if st.ID != "" {
			res.outputs[st.ID] = map[string]string{}
			o, _ := os.ReadFile(out)
			for _, l := range strings.Split(strings.TrimSpace(string(o)), "\n") {
				if k, v, ok := strings.Cut(l, "="); ok {
					res.outputs[st.ID][k] = v
				}
			}
		}
		if err != nil {
			if i != len(a.Runs.Steps)-1 {
				t.Fatalf("step %q failed, and only the last step may: %v\n%s", st.Name, err, log.String())
			}
			res.failed = st.Name
		}
	}
	res.log = log.String()
	return res
}

// TestActionFile checks what the action runs: a composite action, each
// shell step in bash, no expression inside a script (inputs reach scripts
// through env, so that no input can become shell code), occ installed
// from the module path with go install.
func TestActionFile(t *testing.T) {
	a := readAction(t)
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using %q, want composite", a.Runs.Using)
	}
	var install, uploads bool
	for _, st := range a.Runs.Steps {
		if st.Run != "" && st.Shell != "bash" {
			t.Errorf("step %q: shell %q, want bash", st.Name, st.Shell)
		}
		if strings.Contains(st.Run, "${{") {
			t.Errorf("step %q has an expression in its script; pass it in env", st.Name)
		}
		if st.ID == "install" && strings.Contains(st.Run, `go install "github.com/occ-lang/occ/cmd/occ@${version}"`) {
			install = true
		}
		if strings.HasPrefix(st.Uses, "github/codeql-action/upload-sarif@") {
			uploads = true
		}
	}
	if !install || !uploads {
		t.Errorf("the action must install occ with go install (%v) and upload SARIF (%v)", install, uploads)
	}
}

func TestActionSteps(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	a := readAction(t)
	dir := t.TempDir()
	occDir := filepath.Join(dir, "bin")
	buildOcc(t, occDir)
	repo := filepath.Join(dir, "repo")
	if err := os.CopyFS(filepath.Join(repo, "contracts"), os.DirFS(outcomesDir)); err != nil {
		t.Fatal(err)
	}

	// A clean contract: every step passes; the SARIF has no results and
	// validates; the JUnit file lists the tests.
	res := runAction(t, a, repo, occDir)
	if res.failed != "" {
		t.Fatalf("the action fails on a clean contract, in %q:\n%s", res.failed, res.log)
	}
	sarif, err := os.ReadFile(res.outputs["check"]["sarif-file"])
	if err != nil {
		t.Fatalf("no SARIF file: %v\n%s", err, res.log)
	}
	if err := validateSARIF(t, sarif); err != nil {
		t.Errorf("the SARIF does not validate: %v", err)
	}
	if strings.Contains(string(sarif), `"ruleId"`) {
		t.Errorf("the SARIF of a clean contract has results:\n%s", sarif)
	}
	junit, err := os.ReadFile(filepath.Join(repo, res.outputs["test"]["junit-file"]))
	if err != nil {
		t.Fatalf("no JUnit file: %v", err)
	}
	var suites struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(junit, &suites); err != nil || len(suites.Suites) != 1 || suites.Suites[0].Tests == 0 || suites.Suites[0].Failures != 0 {
		t.Errorf("JUnit %+v (%v):\n%s", suites, err, junit)
	}

	// Out of layout, and a mistake: check and fmt fail, the SARIF names
	// the mistake, and the last step fails, naming both.
	contract := filepath.Join(repo, "contracts", "contract.occ")
	b, err := os.ReadFile(contract)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(b), "\n  ", "\n      ", 1)
	bad = strings.Replace(bad, "review.", "reviw.", 1)
	if bad == string(b) || !strings.Contains(bad, "reviw.") {
		t.Fatal("the contract was not changed")
	}
	os.WriteFile(contract, []byte(bad), 0o644)
	res = runAction(t, a, repo, occDir)
	if res.failed == "" {
		t.Fatalf("the action passes on a contract with a mistake:\n%s", res.log)
	}
	for _, want := range []string{"occ check exited 1", "occ fmt exited 1", "occ test exited 1", "::error title=occ fmt::"} {
		if !strings.Contains(res.log, want) {
			t.Errorf("the log does not say %q:\n%s", want, res.log)
		}
	}
	sarif, _ = os.ReadFile(res.outputs["check"]["sarif-file"])
	if err := validateSARIF(t, sarif); err != nil || !strings.Contains(string(sarif), `"uri": "contracts/contract.occ"`) {
		t.Errorf("the SARIF (%v) does not name the mistake:\n%s", err, sarif)
	}
}

// TestWorkflowExample checks that docs/ci/github-workflow.yml uses the
// action with inputs it has, and grants what uploading SARIF needs.
func TestWorkflowExample(t *testing.T) {
	a := readAction(t)
	b, err := os.ReadFile("../../docs/ci/github-workflow.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatalf("docs/ci/github-workflow.yml: %v", err)
	}
	if wf.Permissions["security-events"] != "write" {
		t.Error("the workflow does not grant security-events: write, which upload-sarif needs")
	}
	used := 0
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			if !strings.HasPrefix(st.Uses, "occ-lang/occ@") {
				continue
			}
			used++
			for k := range st.With {
				if _, ok := a.Inputs[k]; !ok {
					t.Errorf("the workflow gives the action an input it does not have: %s", k)
				}
			}
		}
	}
	if used == 0 {
		t.Error("the workflow does not use the action")
	}
}
