package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestForecastHTMLInChromium renders the forecast's board paper in
// headless Chromium and checks that it loads without errors, that every
// chart drew something (the page's own script measures each chart's marks
// once loaded and records the result in data-status and data-drawn, which
// the dumped DOM shows), that it has its sections, from the summary in
// words at the top to the footer, and that a screenshot shows the charts'
// colours, the budget's red among them. The contract is individual
// outcomes with a budget of £2,000,000.00 added to its header.
//
// Without chromium the test is skipped, unless OCC_CHROMIUM=1.
func TestForecastHTMLInChromium(t *testing.T) {
	bin := chromiumBin(t)
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec")
	if err := os.MkdirAll(spec, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(outcomesDir + "/contract.occ")
	if err != nil {
		t.Fatal(err)
	}
	withBudget := strings.Replace(string(src), "  currency     GBP\n", "  currency     GBP\n  budget       £2,000,000.00\n", 1)
	if err := os.WriteFile(filepath.Join(spec, "contract.occ"), []byte(withBudget), 0o644); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "report.html")
	code, _, stderr := evalRun(t, "forecast", spec, "--scenario", outcomesDir+"/scenario.yaml", "--runs", "20",
		"--vary", "hourly_rate=£18.00..£22.00:4", "--html", page, "--format", "json", "--date", "2026-12-03")
	if code != 0 {
		t.Fatalf("forecast: exit %d: %s", code, stderr)
	}
	dom := dumpDOM(t, bin, dir, page)
	drawn := map[string]int{}
	for _, m := range regexp.MustCompile(`<svg[^>]*data-chart="([^"]+)"[^>]*data-drawn="(\d+)"`).FindAllStringSubmatch(dom, -1) {
		drawn[m[1]], _ = strconv.Atoi(m[2])
	}
	for _, id := range []string{"total", "kinds", "periods", "sensitivity"} {
		if drawn[id] == 0 {
			t.Errorf("chart %s drew nothing in chromium (data-drawn %d)", id, drawn[id])
		}
	}
	t.Logf("marks drawn per chart: %v", drawn)
	for _, id := range []string{"board-summary", "summary", "distribution", "kinds", "periods", "sensitivity", "budget", "chances", "inputs", "notes", "footer"} {
		if !strings.Contains(dom, `id="`+id+`"`) {
			t.Errorf("the page has no section %s", id)
		}
	}
	for _, want := range []string{`data-summary="expected"`, `data-summary="budget"`, `data-summary="cap"`, "Dated 3 December 2026.", `data-mark="budget"`} {
		if !strings.Contains(dom, want) {
			t.Errorf("the page has no %s", want)
		}
	}

	img := screenshot(t, bin, dir, page, filepath.Join(dir, "shot.png"), 1000, 3400)
	// The histogram's bars (#4299e1), the sensitivity band (#bee3f8) and
	// the budget's lines (#c53030) must be on screen.
	if n := countColour(img, 0x42, 0x99, 0xe1); n < 500 {
		t.Errorf("the screenshot has %d pixels of the bars' blue", n)
	}
	if n := countColour(img, 0xbe, 0xe3, 0xf8); n < 500 {
		t.Errorf("the screenshot has %d pixels of the sensitivity band", n)
	}
	if n := countColour(img, 0xc5, 0x30, 0x30); n < 100 {
		t.Errorf("the screenshot has %d pixels of the budget's red", n)
	}
}
