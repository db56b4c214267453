package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDiffHTMLInChromium renders occ diff's HTML page in headless
// Chromium, as TestForecastHTMLInChromium does the forecast's: the page
// loads without errors or requests, its script finds that the chart drew
// its bars (two for each of the two months and one for each change, six,
// plus the two axes), the page has its sections, and a screenshot shows
// the new bars' blue and the fall's red.
//
// Without chromium the test is skipped, unless OCC_CHROMIUM=1, when it
// fails.
func TestDiffHTMLInChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("OCC_CHROMIUM") == "1" {
			t.Fatalf("OCC_CHROMIUM=1 but chromium is not installed: %v (apt-get install chromium)", err)
		}
		t.Skipf("chromium is not installed, so the HTML page is not rendered (set OCC_CHROMIUM=1 to require it): %v", err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "diff.html")
	if code, _, stderr := evalRun(t, shadowDiffArgs("--format", "html", "-o", page)...); code != 0 {
		t.Fatalf("diff --format html: exit %d: %s", code, stderr)
	}
	src, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	// Self-contained: nothing is fetched from anywhere.
	for _, bad := range []string{"http://", "https://", "src=", "@import", "url("} {
		if i := bytes.Index(src, []byte(bad)); i >= 0 && !bytes.Contains(src[max(i-20, 0):i+len(bad)], []byte("xmlns=")) {
			t.Errorf("the page refers to something outside it: %q", src[max(i-40, 0):min(i+40, len(src))])
		}
	}
	chrome := func(extra ...string) (string, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
			"--enable-logging=stderr", "--v=0", "--user-data-dir=" + filepath.Join(dir, "profile"),
			"--virtual-time-budget=5000"}, extra...)
		args = append(args, "file://"+page)
		cmd := exec.CommandContext(ctx, bin, args...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %s: %v\n%s", strings.Join(extra, " "), err, errb.String())
		}
		return out.String(), errb.String()
	}
	dom, logs := chrome("--dump-dom")
	for _, line := range strings.Split(logs, "\n") {
		for _, bad := range []string{"Uncaught", "Refused to", "ERR_"} {
			if strings.Contains(line, bad) && strings.Contains(line, "diff.html") {
				t.Errorf("chromium reported a page error: %s", line)
			}
		}
	}
	if m := regexp.MustCompile(`<html[^>]*data-status="([^"]*)"`).FindStringSubmatch(dom); m == nil || m[1] != "ok" {
		t.Errorf("the page's status is %q, not ok", m)
	}
	m := regexp.MustCompile(`<svg[^>]*data-chart="periods"[^>]*data-drawn="(\d+)"`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the chart has no data-drawn:\n%.2000s", dom)
	}
	if n, _ := strconv.Atoi(m[1]); n != 8 {
		t.Errorf("the chart drew %d marks, want 8 (2 axes, 4 bars, 2 changes)", n)
	}
	for _, id := range []string{"summary", "periods", "kinds", "rules", "payers", "persons", "params", "rules-changed"} {
		if !strings.Contains(dom, `<section id="`+id+`"`) {
			t.Errorf("the page has no section %s", id)
		}
	}
	shot := filepath.Join(dir, "shot.png")
	chrome("--screenshot="+shot, "--window-size=1000,1200", "--hide-scrollbars")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if n := countColour(img, 0x31, 0x82, 0xce); n < 2000 {
		t.Errorf("the screenshot has %d pixels of the new bars' blue", n)
	}
	if n := countColour(img, 0xe5, 0x3e, 0x3e); n < 2000 {
		t.Errorf("the screenshot has %d pixels of the fall's red", n)
	}
}
