package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDocHTMLInChromium renders occ doc's HTML schedule of the
// individual-outcomes contract in headless Chromium: it loads without
// errors, its script finds every section (data-status ok) and counts the
// contract's 7 rules and 7 tests, a screenshot is not blank, and printed
// to PDF it makes A4 pages (595 × 842 points).
//
// Without chromium the test is skipped, unless OCC_CHROMIUM=1.
func TestDocHTMLInChromium(t *testing.T) {
	bin := chromiumBin(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "schedule.html")
	if code, _, stderr := evalRun(t, "doc", outcomesDir, "--format", "html", "-o", page); code != 0 {
		t.Fatalf("doc: exit %d: %s", code, stderr)
	}
	dom := dumpDOM(t, bin, dir, page)
	// hours, goal_fee, satisfied, missed, reduced_package, outcome_cap and
	// feasibility; and the seven tests of contract_test.occ.
	for attr, want := range map[string]string{"data-rules": "7", "data-examples": "7"} {
		m := regexp.MustCompile(attr + `="(\d+)"`).FindStringSubmatch(dom)
		if m == nil || m[1] != want {
			t.Errorf("%s is %v, want %s", attr, m, want)
		}
	}
	for _, id := range []string{"contract", "params", "data", "rules", "payments", "caps", "exclusions", "examples"} {
		if !strings.Contains(dom, `id="`+id+`"`) {
			t.Errorf("the page has no section %s", id)
		}
	}
	img := screenshot(t, bin, dir, page, filepath.Join(dir, "shot.png"), 900, 1200)
	if n := inked(img); n < 5000 {
		t.Errorf("the screenshot has %d inked pixels: it looks blank", n)
	}

	pdf := filepath.Join(dir, "schedule.pdf")
	chrome(t, bin, dir, page, "--print-to-pdf="+pdf, "--no-pdf-header-footer")
	b, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatalf("no PDF: %v", err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("%s is not a PDF", pdf)
	}
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]`).FindAllSubmatch(b, -1)
	if len(boxes) < 2 {
		t.Fatalf("the PDF has %d pages with a media box; a schedule of 7 rules and 7 examples takes more than one A4 page", len(boxes))
	}
	for _, m := range boxes {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if w < 593 || w > 597 || h < 840 || h > 844 {
			t.Errorf("a page is %.1f × %.1f points, not A4 (595 × 842)", w, h)
		}
	}
	t.Logf("%d A4 pages", len(boxes))
}

// The documentation's screenshots: the schedule occ doc writes for
// specs/individual-outcomes, the board paper of its scenario, and the
// comparison of time-and-task with it on the shadow data that docs/ci.md
// shows as a CI job's report, at these sizes.
var docScreenshots = []struct {
	png, doc      string
	width, height int
	args          []string
}{
	{"doc.png", "doc.md", 900, 2400, []string{"doc", outcomesDir, "--format", "html", "-o"}},
	{"diff.png", "ci.md", 1000, 1400, shadowDiffArgs("--format", "html", "-o")},
	{"forecast.png", "forecast.md", 1000, 2300, []string{"forecast", outcomesDir, "--scenario", outcomesDir + "/scenario.yaml", "--runs", "200", "-q", "--date", "2026-12-03", "--html"}},
}

// TestDocsScreenshots checks the screenshots under docs/img/: each exists,
// the page of the docs it illustrates shows it, and a fresh render is not
// blank and has the same size. Pixels are not compared, since they move
// with the fonts installed. With OCC_UPDATE_SCREENSHOTS=1 it writes them
// afresh.
//
// Without chromium the test is skipped, unless OCC_CHROMIUM=1.
func TestDocsScreenshots(t *testing.T) {
	bin := chromiumBin(t)
	dir := t.TempDir()
	for _, s := range docScreenshots {
		committed := filepath.Join("..", "..", "docs", "img", s.png)
		page := filepath.Join(dir, strings.TrimSuffix(s.png, ".png")+".html")
		if code, _, stderr := evalRun(t, append(s.args, page)...); code != 0 {
			t.Fatalf("%s: exit %d: %s", s.args[0], code, stderr)
		}
		fresh := filepath.Join(dir, s.png)
		img := screenshot(t, bin, dir, page, fresh, s.width, s.height)
		if n := inked(img); n < 5000 {
			t.Errorf("%s: the fresh render has %d inked pixels: it looks blank", s.png, n)
		}
		if os.Getenv("OCC_UPDATE_SCREENSHOTS") == "1" {
			b, err := os.ReadFile(fresh)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(committed, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		old := readPNG(t, committed)
		if old.Bounds() != img.Bounds() {
			t.Errorf("%s is %v, a fresh render %v: run with OCC_UPDATE_SCREENSHOTS=1", committed, old.Bounds(), img.Bounds())
		}
		if n := inked(old); n < 5000 {
			t.Errorf("%s has %d inked pixels: it looks blank", committed, n)
		}
		doc, err := os.ReadFile(filepath.Join("..", "..", "docs", s.doc))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(doc, []byte("(img/"+s.png+")")) {
			t.Errorf("docs/%s does not show img/%s", s.doc, s.png)
		}
	}
}
