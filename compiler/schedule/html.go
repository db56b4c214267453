package schedule

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// pageCSS styles the schedule for the screen and for A4 paper: each
// section starts clear of a page break inside its heading, and tables and
// rules are not split across pages where that can be avoided.
const pageCSS = `
@page { size: A4; margin: 18mm 16mm; }
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: #111; margin: 0; background: #fff; }
main { max-width: 180mm; margin: 0 auto; padding: 12mm 0; }
h1 { font-size: 20pt; margin: 0 0 2pt; }
p.sub { font-size: 13pt; color: #444; margin: 0 0 12pt; }
h2 { font-size: 14pt; margin: 18pt 0 6pt; border-bottom: 1px solid #999; padding-bottom: 2pt; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 12pt 0 3pt; break-after: avoid; }
code { font: 9.5pt ui-monospace, Menlo, Consolas, monospace; color: #333; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; font-size: 10pt; break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 3pt 6pt; text-align: left; vertical-align: top; }
thead th { background: #eee; }
th[scope=row] { width: 28%; background: #f6f6f6; font-weight: normal; }
.rule, .example { break-inside: avoid; }
.kind { color: #555; font-style: italic; margin: 0 0 3pt; }
.rule p.text { margin: 0 0 6pt; }
.note { color: #333; }
pre.note { font: 9pt ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; break-inside: avoid; }
ul.expects { margin: 2pt 0 10pt; }
footer { margin-top: 18pt; border-top: 1px solid #999; padding-top: 4pt; font-size: 9pt; color: #555; }
@media print { main { padding: 0; } }
`

// pageScript records in data-status, once the page has loaded, whether
// every section the schedule must have is there ("ok"), for tests that
// read the page from a headless browser. It contains no less-than sign or
// ampersand.
const pageScript = `
(function () {
  var root = document.documentElement;
  window.addEventListener("error", function (e) {
    root.setAttribute("data-status", "error: " + e.message);
  });
  window.addEventListener("load", function () {
    var missing = [];
    ["contract", "params", "data", "rules"].forEach(function (id) {
      if (!document.getElementById(id)) { missing.push(id); }
    });
    root.setAttribute("data-rules", String(document.querySelectorAll(".rule").length));
    root.setAttribute("data-examples", String(document.querySelectorAll(".example").length));
    if (root.getAttribute("data-status") === "loading") {
      root.setAttribute("data-status", missing.length ? "missing: " + missing.join(" ") : "ok");
    }
  });
})();
`

// WriteHTML writes the schedule as one self-contained page: inline CSS
// and a small inline script, no external resources of any kind, and a
// content security policy that forbids loading any. It prints on A4.
func (s *Schedule) WriteHTML(w io.Writer) error {
	ew := &errWriter{w: w}
	p := func(format string, args ...any) { fmt.Fprintf(ew, format, args...) }
	e := html.EscapeString
	p("<!DOCTYPE html>\n<html lang=\"en\" data-status=\"loading\">\n<head>\n<meta charset=\"utf-8\"/>\n")
	p("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\"/>\n")
	p("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
	p("<title>Payment schedule: %s</title>\n<style>%s</style>\n<script>%s</script>\n</head>\n<body>\n<main>\n", e(s.Title), pageCSS, pageScript)
	p("<h1>%s</h1>\n<p class=\"sub\">Payment schedule</p>\n", e(s.Title))

	p("<section id=\"contract\">\n<h2>The contract</h2>\n<table>\n<tbody>\n")
	for _, f := range s.Facts {
		p("<tr><th scope=\"row\">%s</th><td>%s</td></tr>\n", e(f.Label), e(f.Value))
	}
	p("</tbody>\n</table>\n</section>\n")

	p("<section id=\"params\">\n<h2>Prices and values</h2>\n")
	if len(s.Params) == 0 {
		p("<p>The contract sets no values of its own.</p>\n")
	} else {
		p("<p>The rules below use these values; they are shown as the contract sets them.</p>\n")
		var rows [][]string
		for _, pr := range s.Params {
			rows = append(rows, []string{e(pr.Title), e(pr.Value), "<code>" + e(pr.Name) + "</code>"})
		}
		htmlTable(ew, []string{"what", "value", "name"}, rows)
	}
	p("</section>\n")

	p("<section id=\"data\">\n<h2>The data the contract is paid on</h2>\n")
	for _, d := range s.Data {
		p("<h3 id=\"data-%s\">%s <code>%s</code></h3>\n", e(d.Name), e(orName(d.Title, d.Name)), e(d.Name))
		if d.In != "" {
			p("<p>Listed in each %s.</p>\n", e(d.In))
		}
		if d.LookedUpBy != "" {
			p("<p>Reference data: not paid on itself, but looked up by its %s.</p>\n", e(d.LookedUpBy))
		}
		header, rows := fieldRows(d, func(s string) string { return "<code>" + e(s) + "</code>" }, e)
		htmlTable(ew, header, rows)
	}
	p("</section>\n")

	p("<section id=\"rules\">\n")
	for _, g := range s.Groups {
		p("<section id=\"%s\">\n<h2>%s</h2>\n", e(g.ID), e(g.Heading))
		for _, r := range g.Rules {
			p("<div class=\"rule\" id=\"rule-%s\" data-kind=\"%s\">\n<h3>%s <code>%s</code></h3>\n<p class=\"kind\">%s, %s</p>\n<p class=\"text\">%s</p>\n</div>\n",
				e(r.Name), e(r.Kind), e(orName(r.Title, r.Name)), e(r.Name), e(r.Kind), e(r.Scope), e(r.Text))
		}
		p("</section>\n")
	}
	p("</section>\n")

	if len(s.Examples) > 0 {
		p("<section id=\"examples\">\n<h2>Worked examples</h2>\n<p>Each example is one of the contract's tests: occ checks that the contract pays exactly this.</p>\n")
		for _, ex := range s.Examples {
			p("<div class=\"example\">\n<h3>%s</h3>\n<p>Period: %s.</p>\n", e(upperFirst(ex.Name)), e(ex.Period))
			if ex.Aligned {
				p("<pre class=\"note\">%s</pre>\n", e(strings.Join(ex.Note, "\n")))
			} else if len(ex.Note) > 0 {
				p("<p class=\"note\">%s</p>\n", e(strings.Join(ex.Note, " ")))
			}
			for _, st := range ex.Sets {
				p("<p>With %s set to %s.</p>\n", e(st.Label), e(st.Value))
			}
			if len(ex.Files) > 0 {
				p("<p>Data: %s.</p>\n", e(strings.Join(ex.Files, ", ")))
			}
			for _, t := range ex.Tables {
				p("<p>%s:</p>\n", e(t.Caption))
				var rows [][]string
				for _, r := range t.Rows {
					var row []string
					for _, c := range r {
						row = append(row, e(c))
					}
					rows = append(rows, row)
				}
				htmlTable(ew, t.Header, rows)
			}
			p("<p>Expected:</p>\n<ul class=\"expects\">\n")
			for _, x := range ex.Expects {
				p("<li>%s</li>\n", e(x))
			}
			p("</ul>\n</div>\n")
		}
		p("</section>\n")
	}
	p("<footer>Contract files sha256 <code>%s</code>.</footer>\n</main>\n</body>\n</html>\n", e(s.Hash))
	return ew.err
}

// htmlTable writes a table whose cells are already escaped.
func htmlTable(w io.Writer, header []string, rows [][]string) {
	fmt.Fprintf(w, "<table>\n<thead><tr>")
	for _, h := range header {
		fmt.Fprintf(w, "<th>%s</th>", html.EscapeString(h))
	}
	fmt.Fprintf(w, "</tr></thead>\n<tbody>\n")
	for _, r := range rows {
		fmt.Fprintf(w, "<tr>")
		for _, c := range r {
			fmt.Fprintf(w, "<td>%s</td>", c)
		}
		fmt.Fprintf(w, "</tr>\n")
	}
	fmt.Fprintf(w, "</tbody>\n</table>\n")
}
