package runtime_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
	occruntime "github.com/occ-lang/occ/runtime"
)

// secret is what the file outside the test's folder holds, in a cell
// the data reader would quote in its diagnostic.
const secret = "SECRET-7f3a9c"

// TestTestDataStaysInFolder: a test's data file is read only when it lies
// in the test's folder once symbolic links are resolved. A file named with
// .. or reached through a link leading out is refused before it is read,
// so nothing of it reaches the test's result, which occ test prints as
// text, JSON and JUnit: `data "../../../../proc/self/environ"` used to
// print the environment. A bad file inside the folder is still quoted.
func TestTestDataStaysInFolder(t *testing.T) {
	c := specContract(t, "individual-outcomes")
	work := t.TempDir()
	folder, outside := filepath.Join(work, "contract"), filepath.Join(work, "outside")
	for _, d := range []string{folder, outside, filepath.Join(folder, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bad := "person,month,planned_hours,actual_hours,missed_visits,satisfaction\nP1,2026-05-01," + secret + ",40,0,5\n"
	for _, f := range []string{filepath.Join(outside, "reviews.csv"), filepath.Join(folder, "inside.csv")} {
		if err := os.WriteFile(f, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	symlinks := runtime.GOOS != "windows"
	if symlinks {
		if err := os.Symlink(filepath.Join(outside, "reviews.csv"), filepath.Join(folder, "link.csv")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("../outside", filepath.Join(folder, "linkdir")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("inside.csv", filepath.Join(folder, "near.csv")); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		file    string
		link    bool
		refused bool // outside the folder; else read, and the bad cell quoted
	}{
		{"dot dot", "../outside/reviews.csv", false, true},
		{"dot dot from a subfolder", "sub/../../outside/reviews.csv", false, true},
		{"far up", "../../../../../../../../../../proc/self/environ", false, true},
		{"a link to a file outside", "link.csv", true, true},
		{"a file in a linked folder outside", "linkdir/reviews.csv", true, true},
		{"inside", "inside.csv", false, false},
		{"a link inside", "near.csv", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.link && !symlinks {
				t.Skip("no symbolic links")
			}
			res := runTestWithFile(t, c, folder, tc.file)
			text := failureText(res)
			if tc.refused {
				if strings.Contains(text, secret) || strings.Contains(text, "PATH=") {
					t.Errorf("the file outside the folder reached the result:\n%s", text)
				}
				if !strings.Contains(text, "cannot read the data file "+filepath.Join(folder, tc.file)+": it is outside the folder of the test ("+folder+"); a test reads only files in its folder") {
					t.Errorf("no refusal in:\n%s", text)
				}
				return
			}
			if !strings.Contains(text, secret) {
				t.Errorf("a bad file inside the folder is not quoted:\n%s", text)
			}
		})
	}
}

// runTestWithFile runs a test of c in folder dir that reads the data file
// file and expects an error it will not get, and returns its result.
func runTestWithFile(t *testing.T, c *compiler.Contract, dir, file string) occruntime.TestResult {
	t.Helper()
	span := lang.Span{File: filepath.Join(dir, "contract_test.occ"), Start: lang.Pos{Line: 3, Col: 8}, End: lang.Pos{Line: 3, Col: 8 + len(file) + 2}}
	tc := &compiler.Test{
		Name: "reads " + file,
		Decl: &lang.Test{Files: []lang.Word{{Kind: lang.StringWord, Text: `"` + file + `"`, Span: span}}},
		Dir:  dir,
		Expects: []*compiler.Expect{
			{What: "error", Args: []string{"an error this test will not get"}, Span: span},
			{What: "total", Op: "==", Span: span},
		},
		Span: span,
	}
	res := occruntime.RunTest(context.Background(), c, tc, occruntime.TestOptions{Workers: 1})
	if res.Passed() {
		t.Fatalf("the test passed: %+v", res)
	}
	return res
}

// failureText is everything a test result would print.
func failureText(res occruntime.TestResult) string {
	var b strings.Builder
	for _, f := range res.Failures {
		b.WriteString(f.Span.String() + " " + f.Code + " " + f.Expect + " " + f.Want + " " + f.Got + " " + f.Msg + "\n")
	}
	return b.String()
}
