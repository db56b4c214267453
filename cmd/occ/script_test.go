package main

// The CLI scripts: every testdata/script/*.txtar, run with testscript, with
// the occ command running this package's Main. Each script carries its own
// copy of the contracts and data it uses, and paths in messages are as given
// on the command line, so expected outputs are stable.
//
// Besides testscript's own commands the scripts may use
//
//	status N program [args...]
//
// which runs the program and requires exit status N (testscript's `!` only
// says "not 0"; occ tells findings, 1, from usage errors, 2).

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"occ": func() { os.Exit(Main()) },
	})
}

func TestScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "script", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 7 {
		t.Fatalf("found %d scripts in testdata/script", len(files))
	}
	testscript.Run(t, testscript.Params{
		Files:              files,
		RequireUniqueNames: true,
		// go test -update rewrites the goldens a script compares with
		// cmp stdout or cmp stderr (want-may.json in eval_summary.txtar).
		UpdateScripts: *update,
		Cmds:          map[string]func(ts *testscript.TestScript, neg bool, args []string){"status": cmdStatus},
	})
}

// cmdStatus implements `status N program [args...]`.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: %q is not an exit status", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("status: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
