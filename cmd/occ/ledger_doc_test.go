package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestLedgerDocMatchesScript checks that the worked example of
// docs/ledger.md is the one testdata/script/ledger_worked.txtar runs: each
// `$ occ ...` command of the doc, in order, is a command of the script,
// and the output the doc shows under it is the output the script requires.
func TestLedgerDocMatchesScript(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "ledger.md"))
	if err != nil {
		t.Fatal(err)
	}
	ar, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "script", "ledger_worked.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range ar.Files {
		files[f.Name] = string(f.Data)
	}
	script := strings.Split(string(ar.Comment), "\n")
	at := 0
	blocks := strings.Split(string(doc), "```console\n")[1:]
	checked := 0
	for _, b := range blocks {
		b, _, _ = strings.Cut(b, "```")
		first, out, _ := strings.Cut(b, "\n")
		cmd, ok := strings.CutPrefix(first, "$ occ ")
		if !ok {
			continue
		}
		found := false
		for ; at < len(script); at++ {
			l := script[at]
			if strings.HasPrefix(l, "status ") {
				_, l, _ = strings.Cut(l[len("status "):], " ")
			}
			if l != "occ "+cmd {
				continue
			}
			found = true
			next := ""
			if at+1 < len(script) {
				next = script[at+1]
			}
			at++
			name, ok := strings.CutPrefix(next, "cmp stdout ")
			if !ok {
				name, ok = strings.CutPrefix(next, "cmp stderr ")
			}
			if !ok {
				t.Errorf("the script does not check the output of occ %s", cmd)
				break
			}
			if files[name] != out {
				t.Errorf("docs/ledger.md shows for occ %s:\n%s\nthe script requires (%s):\n%s", cmd, out, name, files[name])
			}
			checked++
			break
		}
		if !found {
			t.Errorf("docs/ledger.md runs occ %s, which the script does not, in that order", cmd)
		}
	}
	if checked < 19 {
		t.Errorf("checked %d of the doc's commands against the script; want the 19 of the worked example", checked)
	}
}
