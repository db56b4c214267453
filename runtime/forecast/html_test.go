package forecast

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler/value"
)

// svgChart is what the structural test learns about one chart.
type svgChart struct {
	id    string
	marks int // rects with area, and paths, circles with size, that are not axes
}

// parsePage checks that the page is well-formed (as XML: every element
// closed, attributes quoted) and returns its charts.
func parsePage(t *testing.T, page []byte) []svgChart {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(page))
	dec.Strict = true
	var charts []svgChart
	var stack []string
	cur := -1
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the page is not well-formed: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			stack = append(stack, el.Name.Local)
			attr := map[string]string{}
			for _, a := range el.Attr {
				attr[a.Name.Local] = a.Value
			}
			if el.Name.Local == "script" && attr["src"] != "" {
				t.Errorf("external script %s", attr["src"])
			}
			if el.Name.Local == "svg" {
				charts = append(charts, svgChart{id: attr["data-chart"]})
				cur = len(charts) - 1
			}
			if cur < 0 || attr["data-mark"] == "" || attr["data-mark"] == "axis" {
				continue
			}
			switch el.Name.Local {
			case "rect":
				w, _ := strconv.ParseFloat(attr["width"], 64)
				h, _ := strconv.ParseFloat(attr["height"], 64)
				if w > 0 && h > 0 {
					charts[cur].marks++
				}
			case "path":
				if len(strings.Fields(attr["d"])) >= 2 {
					charts[cur].marks++
				}
			case "circle":
				if r, _ := strconv.ParseFloat(attr["r"], 64); r > 0 {
					charts[cur].marks++
				}
			}
		case xml.EndElement:
			if el.Name.Local == "svg" {
				cur = -1
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 {
		t.Errorf("unclosed elements %v", stack)
	}
	return charts
}

func TestHTMLStructure(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	sc := parse(t, c, baseScenario)
	res := run(t, c, sc, Options{Runs: 30, Seed: 1, Vary: &Vary{Name: "hourly_rate", From: value.MustParseDecimal("18.00"), To: value.MustParseDecimal("22.00"), Steps: 5}})
	var buf bytes.Buffer
	if err := res.WriteHTML(&buf, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	page := buf.Bytes()
	if !bytes.HasPrefix(page, []byte("<!DOCTYPE html>\n<html")) {
		t.Error("the page does not start with a doctype")
	}
	if bytes.Contains(bytes.ToLower(page), []byte("<script src")) || bytes.Contains(page, []byte("<link")) || bytes.Contains(page, []byte("@import")) {
		t.Error("the page loads something from outside")
	}
	for _, m := range regexp.MustCompile(`https?://[^"' )<>]*`).FindAll(page, -1) {
		if string(m) != "http://www.w3.org/2000/svg" {
			t.Errorf("the page names the URL %s", m)
		}
	}
	if !bytes.Contains(page, []byte("Content-Security-Policy")) {
		t.Error("no content security policy")
	}
	charts := parsePage(t, page)
	want := map[string]int{"total": 3, "kinds": 5, "periods": 12, "sensitivity": 5}
	seen := map[string]bool{}
	for _, ch := range charts {
		seen[ch.id] = true
		if min, ok := want[ch.id]; !ok {
			t.Errorf("unexpected chart %q", ch.id)
		} else if ch.marks < min {
			t.Errorf("chart %s has %d marks, want at least %d", ch.id, ch.marks, min)
		}
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("no chart %s", id)
		}
	}
	// Every figure shown is the forecast's own.
	for _, s := range []string{res.money(res.Term.Total.Mean), res.money(res.Term.Total.P10), res.money(res.Term.Total.P90)} {
		if !bytes.Contains(page, []byte(s)) {
			t.Errorf("the page does not show %s", s)
		}
	}
}

// TestHTMLWithoutSweep: without a sweep the page says so, with the hint
// given, and still has its other charts; a forecast where every run is the
// same (one histogram bar) still draws.
func TestHTMLWithoutSweep(t *testing.T) {
	c := compileSpec(t, "individual-outcomes")
	res := run(t, c, parse(t, c, fixedScenario), Options{Runs: 5, Seed: 1})
	var buf bytes.Buffer
	if err := res.WriteHTML(&buf, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	charts := parsePage(t, buf.Bytes())
	if len(charts) != 3 {
		t.Fatalf("%d charts, want 3", len(charts))
	}
	for _, ch := range charts {
		if ch.marks == 0 {
			t.Errorf("chart %s is empty", ch.id)
		}
	}
	if !bytes.Contains(buf.Bytes(), []byte(`<p class="note">No sweep was run.</p>`)) {
		t.Error("no note that no sweep was run")
	}
	buf.Reset()
	if err := res.WriteHTML(&buf, HTMLOptions{SweepHint: "sweep <x>"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`<p class="note">No sweep was run; sweep &lt;x&gt;.</p>`)) {
		t.Error("no hint, escaped, in the note")
	}
}
