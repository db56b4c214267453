package main

// Tests of the output path: -o through a symbolic link, onto another name
// of an input, and interrupted by a signal while it writes.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/occ-lang/occ/runtime/gen"
)

// TestOutputThroughSymlink: -o onto a symbolic link replaces the link's
// target, atomically in the target's directory, keeping its mode and the
// link; no temporary file is left in either directory.
func TestOutputThroughSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	_, want, _ := evalRun(t, evalOutcomesArgs("--format", "csv")...)
	dir, elsewhere := t.TempDir(), t.TempDir()
	target := filepath.Join(elsewhere, "statement.csv")
	if err := os.WriteFile(target, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := evalRun(t, evalOutcomesArgs("--format", "csv", "-o", link)...)
	if code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	info, err := os.Lstat(link)
	if err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", info.Mode(), err)
	}
	got, err := os.ReadFile(target)
	if err != nil || string(got) != want {
		t.Errorf("the target holds %q (%v), want the statement", got, err)
	}
	if info, err := os.Stat(target); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the target's mode is %v (%v), want 0600 kept", info.Mode().Perm(), err)
	}
	for d, names := range map[string][]string{dir: {"link.csv"}, elsewhere: {"statement.csv"}} {
		entries, _ := os.ReadDir(d)
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		if !slices.Equal(got, names) {
			t.Errorf("%s holds %v, want %v", d, got, names)
		}
	}
}

// TestOutputOntoHardLink: a hard link to a data file is the data file,
// and is refused like it.
func TestOutputOntoHardLink(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "reviews.csv")
	orig, err := os.ReadFile(evalSpecDir + "/reviews.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(data, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "statement.csv")
	if err := os.Link(data, other); err != nil {
		t.Skip("no hard links here:", err)
	}
	code, _, stderr := evalRun(t, "eval", evalSpecDir, "--data", data, "--data", evalSpecDir+"/goals.csv", "-o", other)
	if code != 2 || !strings.Contains(stderr, "is the data file "+data+": occ never writes over its inputs") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(data); !bytes.Equal(got, orig) {
		t.Error("the data file was written over")
	}
}

// TestOutputOntoSheetsWorkbook: -o onto the workbook of a --data
// FILE#SHEET is refused, for eval and diff (forecast --html and --xlsx
// share the same inputs check), and the workbook is left as it was. The
// check once compared the output with "FILE#SHEET", and so wrote the
// statement over the workbook.
func TestOutputOntoSheetsWorkbook(t *testing.T) {
	const dataDir = "../../testdata/data"
	dir := t.TempDir()
	book := filepath.Join(dir, "visits.xlsx")
	orig, err := os.ReadFile(dataDir + "/visits.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(book, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	spec := dataDir + "/contract.occ"
	for _, args := range [][]string{
		{"eval", spec, "--data", book + "#Visits", "-o", book},
		{"eval", spec, "--data", "visit=" + book + "#Visits", "-o", book},
		{"diff", spec, spec, "--data", book + "#Visits", "-o", book},
	} {
		code, _, stderr := evalRun(t, args...)
		if code != 2 || !strings.Contains(stderr, "is the data file "+book+": occ never writes over its inputs") {
			t.Errorf("%v: exit %d:\n%s", args, code, stderr)
		}
		if got, _ := os.ReadFile(book); !bytes.Equal(got, orig) {
			t.Fatalf("%v: the workbook was written over", args)
		}
	}
}

// TestFmtThroughSymlink: occ fmt -w on a symbolic link rewrites its
// target and keeps the link.
func TestFmtThroughSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "real.occ")
	src := "contract \"T\" {\n     term 2026-04-01 .. 2027-03-31\n  settlement monthly\n}\n"
	if err := os.WriteFile(target, []byte(src), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "contract.occ")
	if err := os.Symlink("real.occ", link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := evalRun(t, "fmt", "-w", link); code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the link was replaced by a file")
	}
	got, _ := os.ReadFile(target)
	if string(got) == src || !strings.Contains(string(got), "\n  term ") {
		t.Errorf("the target was not formatted:\n%s", got)
	}
	if info, _ := os.Stat(target); info.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 kept", info.Mode().Perm())
	}
}

// TestOutputInterrupted runs occ as a program writing a large statement
// with -o over an existing file, and stops it with SIGINT (then SIGTERM)
// once its temporary file appears: it exits 130 (143), the old file is
// intact and no temporary file is left. A signal during the evaluation,
// before anything is written, stops it the same way.
func TestOutputInterrupted(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no signals on Windows")
	}
	if testing.Short() {
		t.Skip("evaluates 60,000 reviews")
	}
	dir := t.TempDir()
	// The test binary runs as occ under that name (see TestMain).
	occ := filepath.Join(dir, "occ")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, occ); err != nil {
		t.Fatal(err)
	}
	var reviews, goals bytes.Buffer
	if err := gen.IndividualOutcomes(&reviews, &goals, 60_000, 1); err != nil {
		t.Fatal(err)
	}
	rf, gf := filepath.Join(dir, "reviews.csv"), filepath.Join(dir, "goals.csv")
	if err := os.WriteFile(rf, reviews.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gf, goals.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, err := filepath.Abs(evalSpecDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		sig      syscall.Signal
		code     int
		whenTemp bool // signal once the temporary file appears; else at once
	}{
		{"SIGINT while writing", syscall.SIGINT, 130, true},
		{"SIGTERM while writing", syscall.SIGTERM, 143, true},
		{"SIGINT while evaluating", syscall.SIGINT, 130, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "statement.json")
			old := []byte("the statement before\n")
			if err := os.WriteFile(out, old, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(occ, "eval", spec, "--data", rf, "--data", gf, "--format", "json", "-o", out)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			var err error
			if tc.whenTemp {
				err = signalWhenTemp(t, cmd, tc.sig, filepath.Dir(out), exited)
			} else {
				time.Sleep(300 * time.Millisecond)
				cmd.Process.Signal(tc.sig)
				err = <-exited
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want %d; stderr:\n%s", err, tc.code, stderr.String())
			}
			if !strings.HasPrefix(stderr.String(), "occ: interrupted; ") {
				t.Errorf("stderr %q", stderr.String())
			}
			if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, old) {
				t.Errorf("the old statement was not left as it was: %d bytes (%v)", len(got), err)
			}
			entries, _ := os.ReadDir(filepath.Dir(out))
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("the directory holds %v", names)
			}
		})
	}
}

// signalWhenTemp sends sig to cmd as soon as a temporary file appears in
// dir, and returns how cmd exited.
func signalWhenTemp(t *testing.T, cmd *exec.Cmd, sig syscall.Signal, dir string, exited chan error) error {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case err := <-exited:
			t.Fatalf("occ ended (%v) before a temporary file was seen", err)
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("no temporary file in 2 minutes")
		default:
		}
		if tmps, _ := filepath.Glob(filepath.Join(dir, ".statement.json.*.tmp")); len(tmps) > 0 {
			cmd.Process.Signal(sig)
			return <-exited
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// TestOutputDevice: a device is written to as it is, never replaced;
// an error writing it names it.
func TestOutputDevice(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	code, stdout, stderr := evalRun(t, evalOutcomesArgs("-o", "/dev/null")...)
	if code != 0 || stdout != "" || stderr != "" {
		t.Errorf("-o /dev/null: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if info, err := os.Stat("/dev/null"); err != nil || info.Mode()&os.ModeDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", info.Mode(), err)
	}
	code, _, stderr = evalRun(t, evalOutcomesArgs("-o", "/dev/full")...)
	if code != 1 || stderr != "occ: cannot write /dev/full: no space left on device\n" {
		t.Errorf("-o /dev/full: exit %d, stderr %q", code, stderr)
	}
}
