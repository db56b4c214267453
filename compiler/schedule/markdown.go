package schedule

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the schedule as Markdown: headings, tables and
// paragraphs, with the characters Markdown would read as markup escaped.
func (s *Schedule) WriteMarkdown(w io.Writer) error {
	ew := &errWriter{w: w}
	p := func(format string, args ...any) { fmt.Fprintf(ew, format, args...) }
	p("# %s\n\nPayment schedule\n\n", md(s.Title))
	p("## The contract\n\n")
	s.mdTable(ew, []string{"", ""}, factRows(s.Facts), true)
	if len(s.Params) > 0 {
		p("## Prices and values\n\nThe rules below use these values; they are shown as the contract sets them.\n\n")
		var rows [][]string
		for _, pr := range s.Params {
			rows = append(rows, []string{pr.Title, pr.Value, "`" + pr.Name + "`"})
		}
		s.mdTable(ew, []string{"what", "value", "name"}, rows, false)
	}
	p("## The data the contract is paid on\n\n")
	for _, d := range s.Data {
		p("### %s (`%s`)\n\n", md(orName(d.Title, d.Name)), d.Name)
		if d.In != "" {
			p("Listed in each %s.\n\n", md(d.In))
		}
		if d.LookedUpBy != "" {
			p("Reference data: not paid on itself, but looked up by its %s.\n\n", md(d.LookedUpBy))
		}
		header, rows := fieldRows(d, func(s string) string { return "`" + s + "`" }, func(s string) string { return s })
		s.mdTable(ew, header, rows, false)
	}
	for _, g := range s.Groups {
		p("## %s\n\n", md(g.Heading))
		for _, r := range g.Rules {
			p("### %s (`%s`)\n\n*%s, %s.*\n\n%s\n\n", md(orName(r.Title, r.Name)), r.Name, r.Kind, md(r.Scope), md(r.Text))
		}
	}
	if len(s.Examples) > 0 {
		p("## Worked examples\n\nEach example is one of the contract's tests: occ checks that the contract pays exactly this.\n\n")
		for _, ex := range s.Examples {
			p("### %s\n\nPeriod: %s.\n\n", md(upperFirst(ex.Name)), md(ex.Period))
			if ex.Aligned {
				p("```\n%s\n```\n\n", strings.Join(ex.Note, "\n"))
			} else if len(ex.Note) > 0 {
				p("%s\n\n", md(strings.Join(ex.Note, " ")))
			}
			for _, st := range ex.Sets {
				p("With %s set to %s.\n\n", md(st.Label), md(st.Value))
			}
			if len(ex.Files) > 0 {
				p("Data: %s.\n\n", md(strings.Join(ex.Files, ", ")))
			}
			for _, t := range ex.Tables {
				p("%s:\n\n", md(t.Caption))
				s.mdTable(ew, t.Header, t.Rows, false)
			}
			p("Expected:\n\n")
			for _, e := range ex.Expects {
				p("- %s\n", md(e))
			}
			p("\n")
		}
	}
	p("---\n\nContract files sha256 %s.\n", s.Hash)
	return ew.err
}

func orName(title, name string) string {
	if title != "" {
		return title
	}
	return name
}

func factRows(fs []Fact) [][]string {
	var rows [][]string
	for _, f := range fs {
		rows = append(rows, []string{"**" + md(f.Label) + "**", md(f.Value)})
	}
	return rows
}

// mdTable writes a Markdown table; escaped says the cells are already
// escaped.
func (s *Schedule) mdTable(w io.Writer, header []string, rows [][]string, escaped bool) {
	cell := func(c string) string {
		if !escaped {
			if strings.HasPrefix(c, "`") && strings.HasSuffix(c, "`") {
				return c
			}
			c = md(c)
		}
		return strings.ReplaceAll(c, "|", `\|`)
	}
	fmt.Fprintf(w, "|")
	for _, h := range header {
		fmt.Fprintf(w, " %s |", cell(h))
	}
	fmt.Fprintf(w, "\n|")
	for range header {
		fmt.Fprintf(w, " --- |")
	}
	fmt.Fprintf(w, "\n")
	for _, r := range rows {
		fmt.Fprintf(w, "|")
		for _, c := range r {
			fmt.Fprintf(w, " %s |", cell(c))
		}
		fmt.Fprintf(w, "\n")
	}
	fmt.Fprintf(w, "\n")
}

// md escapes the characters Markdown reads as emphasis, code or links.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;")

func md(s string) string { return mdEscaper.Replace(s) }

// errWriter keeps the first write error and drops later writes.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return len(b), nil
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

// fieldRows lays out a schema's fields as table rows, with a column of
// their titles only when some field has one; name and text format the
// cells.
func fieldRows(d Data, name, text func(string) string) ([]string, [][]string) {
	titled := false
	for _, f := range d.Fields {
		titled = titled || f.Title != ""
	}
	header := []string{"field", "holds"}
	if titled {
		header = append(header, "meaning")
	}
	var rows [][]string
	for _, f := range d.Fields {
		row := []string{name(f.Name), text(f.Holds)}
		if titled {
			row = append(row, text(f.Title))
		}
		rows = append(rows, row)
	}
	return header, rows
}
