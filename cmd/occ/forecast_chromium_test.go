package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
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

// TestForecastLedgerHTMLInChromium renders the board paper of a forecast
// from a ledger (testdata/script/forecast_ledger.txtar's: April paid
// 600.00, May 640.00, each month after 400.00) in headless Chromium: it
// loads, every chart draws, the summary says what has been paid, and the
// settled periods' grey columns are on screen.
func TestForecastLedgerHTMLInChromium(t *testing.T) {
	bin := chromiumBin(t)
	ar, err := txtar.ParseFile("../../testdata/script/forecast_ledger.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in := func(name string) string { return filepath.Join(dir, name) }
	led := in("payments.db")
	for _, s := range [][]string{{"2026-04", "reviews-04.csv", "2026-05-05"}, {"2026-05", "reviews-05.csv", "2026-06-03"}} {
		if code, _, stderr := evalRun(t, "settle", in("contract.occ"), "--data", in(s[1]), "--period", s[0], "--ledger", led, "--on", s[2], "-q"); code != 0 {
			t.Fatalf("settle %s: exit %d: %s", s[0], code, stderr)
		}
	}
	page := in("report.html")
	if code, _, stderr := evalRun(t, "forecast", in("contract.occ"), "--scenario", in("scenario.yaml"), "--runs", "5", "--ledger", led, "--html", page, "-q"); code != 0 {
		t.Fatalf("forecast: exit %d: %s", code, stderr)
	}
	dom := dumpDOM(t, bin, dir, page)
	for _, m := range regexp.MustCompile(`<svg[^>]*data-chart="([^"]+)"[^>]*data-drawn="(\d+)"`).FindAllStringSubmatch(dom, -1) {
		if m[2] == "0" && m[1] != "sensitivity" {
			t.Errorf("chart %s drew nothing in chromium", m[1])
		}
	}
	// 600.00 + 640.00 = 1,240.00 paid so far.
	if !strings.Contains(dom, "Of this, <strong>£1,240.00</strong> has been paid for the 2 periods settled (2026-04, 2026-05") {
		t.Error("the summary does not say £1,240.00 has been paid")
	}
	img := screenshot(t, bin, dir, page, in("shot.png"), 1000, 2400)
	// The settled columns' grey (#718096) and the forecast ones' blue.
	if n := countColour(img, 0x71, 0x80, 0x96); n < 500 {
		t.Errorf("the screenshot has %d pixels of the settled columns' grey", n)
	}
	if n := countColour(img, 0x42, 0x99, 0xe1); n < 500 {
		t.Errorf("the screenshot has %d pixels of the forecast columns' blue", n)
	}
}
