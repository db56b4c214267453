package ledger

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/occ-lang/occ/compiler/value"
)

// settleEntry is a settle entry for period with n lines of £1.25 each.
func settleEntry(period string, n int) *Entry {
	e := &Entry{Kind: KindSettle, Period: period, On: "2026-05-03", By: "finance", Settlement: &Settlement{Version: 1}}
	for i := range n {
		e.Lines = append(e.Lines, Line{ID: fmt.Sprintf("%s:hours:P%d", period, i), Period: period, Rule: "hours", Kind: "payment",
			Key: fmt.Sprintf("P%d", i), Amount: value.MoneyOf(value.MustParseDecimal("1.25")), Status: StatusDue})
	}
	return e
}

// refuseSettled refuses a period already settled.
func refuseSettled(period string) func(*State) error {
	return func(s *State) error {
		if s.Settlement(period) != nil {
			return fmt.Errorf("%s is already settled", period)
		}
		return nil
	}
}

func TestAppendAndRead(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		arg := b.new(t)
		l := open(t, arg)
		if err := l.Append(ctx, func(*State) error { return nil }, &Entry{Kind: KindContract, On: "2026-04-30", Contract: &ContractVersion{Version: 1, Hash: "abc", Effective: "2026-04-01"}}); err != nil {
			t.Fatal(err)
		}
		if err := l.Append(ctx, refuseSettled("2026-04"), settleEntry("2026-04", 3)); err != nil {
			t.Fatal(err)
		}
		err := l.Append(ctx, refuseSettled("2026-04"), settleEntry("2026-04", 1))
		if err == nil || !strings.Contains(err.Error(), "2026-04 is already settled") {
			t.Fatalf("settling 2026-04 twice: %v", err)
		}
		l.Close()
		l = open(t, arg)
		es, err := l.Entries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 2 || es[1].Period != "2026-04" || len(es[1].Lines) != 3 || es[1].Prev != es[0].Hash {
			t.Fatalf("read back %d entries: %+v", len(es), es)
		}
		// Three lines of £1.25 were paid for: P1's is £1.25.
		s := NewState(es)
		if got := s.Paid("2026-04:hours:P1").String(); got != "1.25" {
			t.Errorf("paid for P1 = %s, want 1.25", got)
		}
		if ps, _, err := l.Verify(ctx); err != nil || len(ps) != 0 {
			t.Fatalf("verify: %v %v", ps, err)
		}
	})
}

func TestVerifyFindsEdits(t *testing.T) {
	edits := []struct {
		name, stmt, want string
	}{
		{"amount", `UPDATE occ_lines SET amount = '9.25' WHERE entry_seq = 2 AND n = 1`, "entry 2: settle: its contents do not match its hash"},
		{"body", `UPDATE occ_entries SET by_name = 'someone else' WHERE seq = 1`, "entry 1: settle: its contents do not match its hash"},
		{"line deleted", `DELETE FROM occ_lines WHERE entry_seq = 3 AND n = 0`, "entry 3: settle: its contents do not match its hash"},
		{"entry deleted", `DELETE FROM occ_entries WHERE seq = 2`, "entry 2: missing"},
		{"last deleted", `DELETE FROM occ_entries WHERE seq = 3`, "the ledger counts 3 entries but holds 2"},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		for _, ed := range edits {
			t.Run(strings.ReplaceAll(ed.name, " ", "_"), func(t *testing.T) {
				ctx := context.Background()
				arg := b.new(t)
				l := open(t, arg)
				for _, p := range []string{"2026-04", "2026-05", "2026-06"} {
					if err := l.Append(ctx, refuseSettled(p), settleEntry(p, 2)); err != nil {
						t.Fatal(err)
					}
				}
				b.sql(t, arg, ed.stmt)
				ps, _, err := l.Verify(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, p := range ps {
					got = append(got, p.String())
				}
				if !strings.Contains(strings.Join(got, "\n"), ed.want) {
					t.Errorf("after %s, verify says %q; want %q", ed.stmt, got, ed.want)
				}
			})
		}
	})
}

func TestNewerSchemaRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		arg := b.new(t)
		open(t, arg).Close()
		b.sql(t, arg, `UPDATE occ_meta SET value = '99' WHERE name = 'schema_version'`)
		_, err := Open(context.Background(), arg, true)
		if err == nil || !strings.Contains(err.Error(), "made by a newer occ (schema version 99; this occ reads versions up to 2)") {
			t.Fatalf("opening a version 99 ledger: %v", err)
		}
	})
}

// TestMigrateFromVersion1 opens a ledger of schema version 1 and finds it
// migrated, its entries kept.
func TestMigrateFromVersion1(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		arg := b.new(t)
		l := open(t, arg)
		if err := l.Append(ctx, refuseSettled("2026-04"), settleEntry("2026-04", 2)); err != nil {
			t.Fatal(err)
		}
		l.Close()
		b.sql(t, arg, `DROP INDEX occ_lines_by_id`)
		b.sql(t, arg, `UPDATE occ_meta SET value = '1' WHERE name = 'schema_version'`)
		l = open(t, arg)
		var v string
		if err := l.db.QueryRow(`SELECT value FROM occ_meta WHERE name = 'schema_version'`).Scan(&v); err != nil || v != "2" {
			t.Fatalf("schema version after migrating: %q %v", v, err)
		}
		if ps, n, err := l.Verify(ctx); err != nil || len(ps) != 0 || n != 1 {
			t.Fatalf("verify after migrating: %v %d %v", ps, n, err)
		}
	})
}

// TestConcurrentSettles settles one period from eight goroutines, each
// with its own connection: one wins, the others are refused, and the
// ledger holds one settlement, whole.
func TestConcurrentSettles(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		arg := b.new(t)
		open(t, arg).Close()
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l, err := Open(ctx, arg, true)
				if err != nil {
					errs[i] = err
					return
				}
				defer l.Close()
				errs[i] = l.Append(ctx, refuseSettled("2026-04"), settleEntry("2026-04", 40))
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !strings.Contains(err.Error(), "2026-04 is already settled"):
				t.Errorf("a losing settle: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d settles won, want 1", won)
		}
		l := open(t, arg)
		es, err := l.Entries(ctx)
		if err != nil || len(es) != 1 || len(es[0].Lines) != 40 {
			t.Fatalf("after the race: %d entries, %v", len(es), err)
		}
		if ps, _, err := l.Verify(ctx); err != nil || len(ps) != 0 {
			t.Fatalf("verify: %v %v", ps, err)
		}
	})
}

// TestKilledSettle kills a process settling 2026-05 (30 lines: 32
// statements) after each of its statements, and finds the ledger as it
// was (April alone) or with May settled whole, verifying clean.
func TestKilledSettle(t *testing.T) {
	if arg := os.Getenv("OCC_LEDGER_TEST_SETTLE"); arg != "" {
		l, err := Open(context.Background(), arg, true)
		if err == nil {
			err = l.Append(context.Background(), refuseSettled("2026-05"), settleEntry("2026-05", 30))
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		points := 0
		for after := 1; after <= 33; after++ {
			arg := b.new(t)
			l := open(t, arg)
			if err := l.Append(ctx, refuseSettled("2026-04"), settleEntry("2026-04", 5)); err != nil {
				t.Fatal(err)
			}
			l.Close()
			cmd := exec.Command(os.Args[0], "-test.run=^TestKilledSettle$")
			cmd.Env = append(os.Environ(), "OCC_LEDGER_TEST_SETTLE="+arg, "OCC_LEDGER_KILL_AFTER="+strconv.Itoa(after))
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			killed := errors.As(err, &ee) && ee.ExitCode() == -1
			if killed {
				points++
			} else if err != nil {
				t.Fatalf("kill after %d: %v\n%s", after, err, out)
			}
			l = open(t, arg)
			es, err := l.Entries(ctx)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case len(es) == 1:
			case len(es) == 2 && len(es[1].Lines) == 30:
			default:
				t.Errorf("kill after %d: %d entries, the last with %d lines", after, len(es), len(es[len(es)-1].Lines))
			}
			if killed && len(es) != 1 {
				t.Errorf("kill after %d, before the commit: May is settled", after)
			}
			if ps, _, err := l.Verify(ctx); err != nil || len(ps) != 0 {
				t.Errorf("kill after %d: verify: %v %v", after, ps, err)
			}
			l.Close()
		}
		// 1 insert of the entry, 30 of lines, 1 update: 32 points.
		if points < 20 {
			t.Errorf("killed at %d points, want at least 20", points)
		}
	})
}

func TestOpenFaults(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, c := range []struct {
		arg    string
		create bool
		want   string
	}{
		{filepath.Join(dir, "none.db"), false, "no ledger at " + filepath.Join(dir, "none.db")},
		{filepath.Join(dir, "no", "such", "x.db"), true, "cannot create ledger " + filepath.Join(dir, "no", "such", "x.db") + ": no directory"},
		{dir, true, "is a directory, not a ledger file"},
		{"postgres://occ:secret@127.0.0.1:1/none?connect_timeout=2", true, "cannot open ledger postgres://occ:xxxxx@127.0.0.1:1/none"},
	} {
		_, err := Open(ctx, c.arg, c.create)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%s): %v, want %q", c.arg, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%s) shows the password: %v", c.arg, err)
		}
	}
}

// TestReadOnlyLedger: a ledger file its user cannot write opens for
// reading, and refuses a write with a plain error. Root writes any file,
// so run as root (as CI is) the test runs its check as the user nobody,
// in a child process.
func TestReadOnlyLedger(t *testing.T) {
	if ro := os.Getenv("OCC_LEDGER_TEST_READONLY"); ro != "" {
		if err := writeReadOnly(ro); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	dir := t.TempDir()
	// The test's temporary folder, which anyone may write (so that it is
	// the file that is read-only, not the folder), and the one testing
	// made for it, which anyone may enter.
	for p, mode := range map[string]os.FileMode{filepath.Dir(dir): 0o755, dir: 0o777} {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	ro := filepath.Join(dir, "ro.db")
	open(t, ro).Close()
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		if err := writeReadOnly(ro); err != nil {
			t.Error(err)
		}
		return
	}
	// As nobody: a copy of this test binary it can run, in a folder it
	// can read.
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "ledger.test")
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Dir(filepath.Dir(dir))); err == nil && fi.Mode().Perm()&0o005 != 0o005 {
		t.Skipf("%s is not open to other users, so nobody cannot reach the ledger", filepath.Dir(filepath.Dir(dir)))
	}
	cmd := exec.Command(bin, "-test.run=^TestReadOnlyLedger$")
	cmd.Env = append(os.Environ(), "OCC_LEDGER_TEST_READONLY="+ro, "HOME="+dir)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		t.Errorf("as nobody: %v\n%s", err, out)
	case err != nil:
		// A temporary folder mounted noexec, say.
		t.Skipf("cannot run the check as nobody: %v", err)
	}
}

// writeReadOnly opens the read-only ledger ro, which must work, and
// appends to it, which must fail with a plain error.
func writeReadOnly(ro string) error {
	ctx := context.Background()
	l, err := Open(ctx, ro, true)
	if err != nil {
		return fmt.Errorf("opening a read-only ledger: %v", err)
	}
	defer l.Close()
	if _, err := l.Entries(ctx); err != nil {
		return fmt.Errorf("reading a read-only ledger: %v", err)
	}
	if err := l.Append(ctx, refuseSettled("2026-04"), settleEntry("2026-04", 1)); err == nil || !strings.Contains(err.Error(), "cannot write ledger") {
		return fmt.Errorf("writing a read-only ledger: %v, want a plain \"cannot write ledger\" error", err)
	}
	return nil
}
