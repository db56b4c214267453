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
	bin := chromiumBin(t)
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
	dom := dumpDOM(t, bin, dir, page)
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
	img := screenshot(t, bin, dir, page, filepath.Join(dir, "shot.png"), 1000, 1200)
	if n := countColour(img, 0x31, 0x82, 0xce); n < 2000 {
		t.Errorf("the screenshot has %d pixels of the new bars' blue", n)
	}
	if n := countColour(img, 0xe5, 0x3e, 0x3e); n < 2000 {
		t.Errorf("the screenshot has %d pixels of the fall's red", n)
	}
}
