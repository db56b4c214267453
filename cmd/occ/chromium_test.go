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

// chromiumBin returns the path of headless Chromium (Debian's chromium
// package), skipping the test without it unless OCC_CHROMIUM=1 (as
// .ci/run sets), when the test fails instead.
func chromiumBin(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("OCC_CHROMIUM") == "1" {
			t.Fatalf("OCC_CHROMIUM=1 but chromium is not installed: %v (apt-get install chromium)", err)
		}
		t.Skipf("chromium is not installed, so the HTML is not rendered (set OCC_CHROMIUM=1 to require it): %v", err)
	}
	return bin
}

// chrome runs headless Chromium on the page with the extra flags and
// returns what it wrote on standard output and standard error. Its
// profile lives in dir.
func chrome(t *testing.T, bin, dir, page string, extra ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--enable-logging=stderr", "--v=0", "--user-data-dir=" + filepath.Join(dir, "profile"),
		"--virtual-time-budget=5000"}, extra...)
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	args = append(args, "file://"+abs)
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(extra, " "), err, errb.String())
	}
	return out.String(), errb.String()
}

// dumpDOM loads the page in Chromium, fails the test on any error the
// page reported, and returns the DOM after the page's script has run.
func dumpDOM(t *testing.T, bin, dir, page string) string {
	t.Helper()
	dom, logs := chrome(t, bin, dir, page, "--dump-dom")
	for _, bad := range []string{"Uncaught", "Refused to", "ERR_"} {
		for _, line := range strings.Split(logs, "\n") {
			if strings.Contains(line, bad) && strings.Contains(line, filepath.Base(page)) {
				t.Errorf("chromium reported a page error: %s", line)
			}
		}
	}
	if m := regexp.MustCompile(`<html[^>]*data-status="([^"]*)"`).FindStringSubmatch(dom); m == nil {
		t.Fatalf("the dumped DOM has no data-status:\n%.2000s", dom)
	} else if m[1] != "ok" {
		t.Errorf("the page's status is %q, not ok", m[1])
	}
	return dom
}

// screenshot renders the page at width × height into the PNG file out and
// returns the image.
func screenshot(t *testing.T, bin, dir, page, out string, width, height int) image.Image {
	t.Helper()
	chrome(t, bin, dir, page, "--screenshot="+out, "--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height), "--hide-scrollbars")
	return readPNG(t, out)
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// inked counts the pixels of img that are not (nearly) white or the
// page's light background: the text, rules and charts on it.
func inked(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 < 200 || g>>8 < 200 || bl>>8 < 200 {
				n++
			}
		}
	}
	return n
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
