package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestKilledOccSettle kills occ settle itself, as a process, with SIGKILL
// after each statement of its transaction in turn (OCC_LEDGER_KILL_AFTER,
// the ledger's fault hook), on a SQLite ledger with April settled and May
// being settled: 25 visits, so 25 lines, the entry and the chain's update.
// After every kill the ledger is as it was (May not settled) and occ ledger
// verify passes; settling May again then works. runtime/ledger's
// TestKilledSettle does the same to the store, on both backends.
func TestKilledOccSettle(t *testing.T) {
	if args := os.Getenv("OCC_TEST_SETTLE_ARGS"); args != "" {
		os.Exit(run(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	dir := t.TempDir()
	var visits strings.Builder
	visits.WriteString("visit,person,date,planned_minutes,actual_minutes\n")
	for i := 1; i <= 25; i++ {
		fmt.Fprintf(&visits, "V%02d,P%d,2026-05-%02d,30,30\n", i, i%4, i)
	}
	data := filepath.Join(dir, "visits.csv")
	if err := os.WriteFile(data, []byte(visits.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := "../../specs/time-and-task"
	settle := func(led, period, on string) []string {
		return []string{"settle", spec, "--data", data, "--period", period, "--ledger", led, "--on", on, "-q"}
	}
	killed := 0
	for after := 1; after <= 30; after++ {
		led := filepath.Join(dir, "l"+strconv.Itoa(after)+".db")
		if code, _, stderr := evalRun(t, settle(led, "2026-04", "2026-05-04")...); code != 0 {
			t.Fatalf("settling April: exit %d: %s", code, stderr)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledOccSettle$")
		cmd.Env = append(os.Environ(), "OCC_TEST_SETTLE_ARGS="+strings.Join(settle(led, "2026-05", "2026-06-03"), "\x1f"),
			"OCC_LEDGER_KILL_AFTER="+strconv.Itoa(after))
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee) && ee.ExitCode() == -1:
			killed++
			if code, hist, _ := evalRun(t, "ledger", "history", led); code != 0 || strings.Contains(hist, "settle 2026-05") {
				t.Errorf("killed after %d statements: May is settled, or the history fails (exit %d):\n%s", after, code, hist)
			}
		case err != nil:
			t.Fatalf("after %d: %v\n%s", after, err, out)
		}
		if code, stdout, stderr := evalRun(t, "ledger", "verify", led); code != 0 {
			t.Errorf("after %d: verify: exit %d: %s%s", after, code, stdout, stderr)
		}
		if err == nil {
			continue // the transaction had fewer statements: May was settled whole
		}
		// 25 visits of 30 minutes at £24.10 an hour: 25 × £12.05.
		if code, stdout, stderr := evalRun(t, settle(led, "2026-05", "2026-06-04")...); code != 0 || !strings.Contains(stdout, "DUE GBP 301.25") {
			t.Errorf("after %d: settling May again: exit %d:\n%s%s", after, code, stdout, stderr)
		}
	}
	t.Logf("occ settle killed at %d points", killed)
	if killed < 20 {
		t.Errorf("occ settle was killed at %d points, want at least 20", killed)
	}
}
