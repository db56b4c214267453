package main

// The CLI scripts of occ eval, occ explain and occ schema:
// testdata/script/{eval,explain,schema}_*.txtar, run with testscript. Each
// script carries its own copy of the contract and data it evaluates.
//
// Once a TestMain running every testdata/script/*.txtar exists in this
// package (cmd/occ/script_test.go), this file is redundant and must go: a
// package has one TestMain.

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{"occ": Main}))
}

func TestScriptsEvalExplainSchema(t *testing.T) {
	var files []string
	for _, prefix := range []string{"eval_", "explain_", "schema_"} {
		matches, err := filepath.Glob(filepath.Join("..", "..", "testdata", "script", prefix+"*.txtar"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/script")
	}
	testscript.Run(t, testscript.Params{Files: files, RequireUniqueNames: true})
}
