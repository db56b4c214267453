package main

import (
	"bytes"
	"context"
	"image"
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

// TestForecastHTMLInChromium renders the forecast's HTML report in
// headless Chromium (Debian's chromium package) and checks that it loads
// without errors and that every chart drew something: the page's own
// script measures each chart's marks once loaded and records the result in
// data-status and data-drawn, which the dumped DOM shows; a screenshot
// must show the charts' colours.
//
// Without chromium the test is skipped, unless OCC_CHROMIUM=1 (as .ci/run
// sets), when it fails.
func TestForecastHTMLInChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("OCC_CHROMIUM") == "1" {
			t.Fatalf("OCC_CHROMIUM=1 but chromium is not installed: %v (apt-get install chromium)", err)
		}
		t.Skipf("chromium is not installed, so the HTML report is not rendered (set OCC_CHROMIUM=1 to require it): %v", err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	code, _, stderr := evalRun(t, "forecast", outcomesDir, "--scenario", outcomesDir+"/scenario.yaml", "--runs", "20",
		"--vary", "hourly_rate=£18.00..£22.00:4", "--html", page, "--format", "json")
	if code != 0 {
		t.Fatalf("forecast: exit %d: %s", code, stderr)
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
	for _, bad := range []string{"Uncaught", "Refused to", "ERR_"} {
		for _, line := range strings.Split(logs, "\n") {
			if strings.Contains(line, bad) && strings.Contains(line, "report.html") {
				t.Errorf("chromium reported a page error: %s", line)
			}
		}
	}
	if m := regexp.MustCompile(`<html[^>]*data-status="([^"]*)"`).FindStringSubmatch(dom); m == nil {
		t.Fatalf("the dumped DOM has no data-status:\n%.2000s", dom)
	} else if m[1] != "ok" {
		t.Errorf("the page's status is %q, not ok", m[1])
	}
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

	shot := filepath.Join(dir, "shot.png")
	chrome("--screenshot="+shot, "--window-size=1000,3000", "--hide-scrollbars")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// The histogram's bars (#4299e1) and the sensitivity band (#bee3f8)
	// must be on screen.
	if n := countColour(img, 0x42, 0x99, 0xe1); n < 500 {
		t.Errorf("the screenshot has %d pixels of the bars' blue", n)
	}
	if n := countColour(img, 0xbe, 0xe3, 0xf8); n < 500 {
		t.Errorf("the screenshot has %d pixels of the sensitivity band", n)
	}
}

func countColour(img image.Image, r, g, b uint8) int {
	n := 0
	bounds := img.Bounds()
	near := func(a uint32, want uint8) bool {
		d := int(a>>8) - int(want)
		return d >= -6 && d <= 6
	}
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if near(cr, r) && near(cg, g) && near(cb, b) {
				n++
			}
		}
	}
	return n
}
