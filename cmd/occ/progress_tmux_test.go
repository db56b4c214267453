package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestProgressInTerminal runs the built occ forecast in a real terminal, a
// tmux pane of 120 by 30, and watches the screen: while the runs are made
// there is a progress line with the runs done, the rate and the time
// left; at the end the report, and nothing left of the line. Then the
// same with --quiet, where tmux must receive no progress at all.
//
// It runs only with OCC_TMUX=1 (as .ci/run sets), and then fails without
// tmux (Debian's tmux package).
func TestProgressInTerminal(t *testing.T) {
	if os.Getenv("OCC_TMUX") != "1" {
		t.Skip("set OCC_TMUX=1 to run occ forecast in a tmux pane")
	}
	tmuxBin, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatalf("OCC_TMUX=1 but tmux is not installed: %v (apt-get install tmux)", err)
	}
	dir := t.TempDir()
	occ := buildOcc(t, dir)
	spec, err := filepath.Abs(outcomesDir)
	if err != nil {
		t.Fatal(err)
	}
	// A server of its own, on a socket in dir, with no configuration.
	sock := filepath.Join(dir, "tmux.sock")
	tmux := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmuxBin, append([]string{"-S", sock, "-f", os.DevNull}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	t.Cleanup(func() { exec.Command(tmuxBin, "-S", sock, "kill-server").Run() })

	// run starts occ forecast with args in a new session's pane, recording
	// every byte the pane receives in raw, and returns the session's name.
	// The command waits for the recording to start.
	n := 0
	run := func(raw string, args ...string) string {
		t.Helper()
		n++
		session := "occ" + string(rune('0'+n))
		start := filepath.Join(dir, session+".start")
		script := `while [ ! -e '` + start + `' ]; do sleep 0.05; done; '` + occ + `' forecast '` + spec + `' --scenario '` +
			filepath.Join(spec, "scenario.yaml") + `' ` + strings.Join(args, " ") + `; echo "[occ exit $?]"; exec sleep 600`
		tmux("new-session", "-d", "-x", "120", "-y", "30", "-s", session, "sh", "-c", script)
		tmux("pipe-pane", "-o", "-t", session, "cat > '"+raw+"'")
		if err := os.WriteFile(start, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		return session
	}
	// waitFor polls the pane until its screen matches re, and returns the
	// screen.
	waitFor := func(session string, re *regexp.Regexp, within time.Duration) string {
		t.Helper()
		deadline := time.Now().Add(within)
		var screen string
		for time.Now().Before(deadline) {
			screen = tmux("capture-pane", "-p", "-t", session)
			if re.MatchString(screen) {
				return screen
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("after %s the screen does not match %s:\n%s", within, re, screen)
		return ""
	}
	exited := regexp.MustCompile(`(?m)^\[occ exit (\d+)\]`)

	raw := filepath.Join(dir, "bar.raw")
	s := run(raw, "--runs", "150")
	bar := regexp.MustCompile(`(?m)^forecast \[#*\.*\] +\d+% \d+/150 runs  \d+(\.\d)? runs/s  \d+s left *$`)
	line := bar.FindString(waitFor(s, bar, time.Minute))
	t.Logf("progress line: %q", line)
	final := waitFor(s, exited, 5*time.Minute)
	if m := exited.FindStringSubmatch(final); m[1] != "0" {
		t.Fatalf("occ forecast exited %s:\n%s", m[1], final)
	}
	// The whole pane, its history too, with wrapped lines joined.
	all := tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", s)
	if strings.Contains(all, "runs/s") || strings.Contains(all, "forecast [") {
		t.Errorf("the progress line is left on the screen:\n%s", all)
	}
	lines := strings.Split(all, "\n")
	first := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "Forecast: ") {
			first = i
			break
		}
	}
	if first < 0 {
		t.Fatalf("no report on the screen:\n%s", all)
	}
	if got := strings.TrimRight(lines[first], " "); got != "Forecast: Help to Live at Home: individual outcomes" {
		t.Errorf("the report's first line is %q: not on a clean line", got)
	}
	if !strings.Contains(all, "150 runs, seed 1") || !strings.Contains(all, "Whole term (GBP)") || !strings.Contains(final, "Percentiles:") {
		t.Errorf("the report is not all there:\n%s", all)
	}
	if b, _ := os.ReadFile(raw); !bytes.Contains(b, []byte("runs/s")) {
		t.Errorf("tmux received no progress line: %q", b)
	}

	// With --quiet, standard error is still the terminal, but no progress
	// reaches it.
	raw = filepath.Join(dir, "quiet.raw")
	s = run(raw, "--runs", "40", "--quiet")
	final = waitFor(s, exited, 5*time.Minute)
	if m := exited.FindStringSubmatch(final); m[1] != "0" {
		t.Fatalf("occ forecast --quiet exited %s:\n%s", m[1], final)
	}
	b, _ := os.ReadFile(raw)
	if bytes.Contains(b, []byte("forecast [")) || bytes.Contains(b, []byte("runs/s")) || !bytes.Contains(b, []byte("40 runs, seed 1")) {
		t.Errorf("with --quiet tmux received:\n%q", b)
	}
}
