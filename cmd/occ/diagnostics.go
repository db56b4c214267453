package main

// Rendering of compiler diagnostics for people (text) and for CI pipelines
// (json, sarif, github). The JSON shape is documented in docs/diagnostics.md;
// change it only together with that document and the version number.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/words"
)

// sources maps a file name (as in Span.File) to its contents, for quoting lines.
type sources map[string][]byte

// diagnosticFormats lists the values writeDiagnostics accepts for format.
var diagnosticFormats = []string{"text", "json", "sarif", "github"}

// jsonVersion is the version of the JSON shape written by the json format.
const jsonVersion = 1

// writeDiagnostics renders ds to w in the named format: "text" for people,
// "json", "sarif" (SARIF 2.1.0) or "github" (workflow commands) for CI. src
// supplies file contents so the text format can quote the offending line;
// color adds ANSI colours to the text format and is ignored by the others.
// Diagnostics are written in the order given. An unknown format is an error
// and nothing is written.
func writeDiagnostics(w io.Writer, format string, ds lang.Diagnostics, src sources, color bool) error {
	var buf bytes.Buffer
	switch format {
	case "text":
		writeText(&buf, ds, src, color)
	case "json":
		if err := writeJSON(&buf, ds, 0); err != nil {
			return err
		}
	case "sarif":
		if err := writeSARIF(&buf, ds); err != nil {
			return err
		}
	case "github":
		writeGitHub(&buf, ds)
	default:
		return fmt.Errorf("unknown diagnostics format %q (want one of: %s)", format, strings.Join(diagnosticFormats, ", "))
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// countSeverities returns the number of errors and of warnings in ds.
func countSeverities(ds lang.Diagnostics) (errors, warnings int) {
	for _, d := range ds {
		if d.Severity == lang.Warning {
			warnings++
		} else {
			errors++
		}
	}
	return errors, warnings
}

// ---- text ----

// ANSI escape sequences used when color is on.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
)

// tabWidth is how many columns a tab in a quoted source line takes. Tabs are
// expanded to spaces so that the caret line lines up whatever the terminal's
// tab stops are.
const tabWidth = 4

type painter bool

func (p painter) paint(style, s string) string {
	if !p || s == "" {
		return s
	}
	return style + s + ansiReset
}

func severityStyle(s lang.Severity) string {
	if s == lang.Warning {
		return ansiYellow
	}
	return ansiRed
}

func writeText(b *bytes.Buffer, ds lang.Diagnostics, src sources, color bool) {
	writeTextItems(b, ds, src, color, false)
	p := painter(color)
	if summary := summaryLine(ds); summary != "" {
		b.WriteByte('\n')
		style := ansiRed
		if errs, _ := countSeverities(ds); errs == 0 {
			style = ansiYellow
		}
		b.WriteString(p.paint(style, summary))
		b.WriteByte('\n')
	}
}

// writeTextItems writes each diagnostic with its quoted source line and
// hint, and no summary, with a blank line between diagnostics. When
// compact is set, the blank line only sets apart a diagnostic of more than
// one line: those of one line (a data file's, which is not quoted) follow
// each other line by line.
//
// It reports whether the last diagnostic took more than one line.
func writeTextItems(b *bytes.Buffer, ds lang.Diagnostics, src sources, color, compact bool) (lastLong bool) {
	p := painter(color)
	prevLong := false
	lines := &lineFinder{src: src}
	for i, d := range ds {
		_, _, quoted := lines.quote(d.Span)
		long := !compact || quoted || d.Detail != ""
		if i > 0 && (long || prevLong) {
			b.WriteByte('\n')
		}
		prevLong = long
		// Header: file:line:col: severity: message [code]
		if loc := location(d.Span); loc != "" {
			b.WriteString(p.paint(ansiBold, loc+":"))
			b.WriteByte(' ')
		}
		b.WriteString(p.paint(severityStyle(d.Severity), d.Severity.String()+":"))
		b.WriteByte(' ')
		b.WriteString(p.paint(ansiBold, d.Message))
		if d.Code != "" {
			b.WriteString(" [" + d.Code + "]")
		}
		b.WriteByte('\n')

		if line, marks, ok := lines.quote(d.Span); ok {
			b.WriteString(line)
			b.WriteByte('\n')
			b.WriteString(p.paint(severityStyle(d.Severity), marks))
			b.WriteByte('\n')
		}
		if d.Detail != "" {
			// Continuation lines of a multi-line hint line up under its text.
			hint := strings.ReplaceAll(d.Detail, "\n", "\n        ")
			b.WriteString("  " + p.paint(ansiBold, "hint:") + " " + hint + "\n")
		}
	}
	return prevLong
}

// location formats as much of file:line:col as the span knows. A span
// with a line but no column in a file that is not quoted (a row of a data
// file, a line of JSON) is file:line.
func location(s lang.Span) string {
	switch {
	case s.File != "" && lineOnly(s):
		return fmt.Sprintf("%s:%d", s.File, s.Start.Line)
	case s.IsValid() && s.File != "":
		return fmt.Sprintf("%s:%d:%d", s.File, s.Start.Line, max(s.Start.Col, 1))
	case s.IsValid():
		return fmt.Sprintf("%d:%d", s.Start.Line, max(s.Start.Col, 1))
	default:
		return s.File
	}
}

// lineOnly reports whether the span names a line but no column, as a row
// of a data file or a line of JSON does.
func lineOnly(s lang.Span) bool {
	return s.IsValid() && s.Start.Col == 0 && s.Start.Offset == 0 && s.End == s.Start
}

// summaryLine returns e.g. "2 errors, 1 warning", or "" when ds is empty.
func summaryLine(ds lang.Diagnostics) string {
	errs, warns := countSeverities(ds)
	var parts []string
	if errs > 0 {
		parts = append(parts, words.Count(errs, "error"))
	}
	if warns > 0 {
		parts = append(parts, words.Count(warns, "warning"))
	}
	return strings.Join(parts, ", ")
}

// lineFinder finds the lines of the sources for quoting, indexing where
// each file's lines start once, so that quoting many diagnostics of one file
// does not read the file from its start for each.
type lineFinder struct {
	src    sources
	starts map[string][]int
}

// line returns line n (1-based) of the named file without its terminator.
func (lf *lineFinder) line(file string, n int) (string, bool) {
	data, found := lf.src[file]
	if !found {
		return "", false
	}
	starts, indexed := lf.starts[file]
	if !indexed {
		starts = lineStarts(data)
		if lf.starts == nil {
			lf.starts = map[string][]int{}
		}
		lf.starts[file] = starts
	}
	return lineAt(data, starts, n)
}

// quote returns the span's first line, with tabs expanded, and a line of
// spaces and "^~~~" marking the span's columns on it. A span that runs past
// the end of the line (or onto later lines) is marked to the end of the line;
// a span at or beyond the end of the line gets a single caret just after its
// last character. ok is false when the file or line is not available.
func quote(s lang.Span, src sources) (line, marks string, ok bool) {
	return (&lineFinder{src: src}).quote(s)
}

// quote is the package's quote, finding the line with lf.
func (lf *lineFinder) quote(s lang.Span) (line, marks string, ok bool) {
	if !s.IsValid() {
		return "", "", false
	}
	text, found := lf.line(s.File, s.Start.Line)
	if !found {
		return "", "", false
	}
	runes := []rune(text)
	eol := len(runes) + 1 // column just past the last character

	start := min(max(s.Start.Col, 1), eol)
	end := eol
	if s.End.Line == s.Start.Line {
		end = min(s.End.Col, eol)
	} else if s.End.Line < s.Start.Line {
		end = start // End unset or before Start: mark only the start
	}
	end = max(end, start+1)

	var l, m strings.Builder
	for i, r := range runes {
		w := 1
		if r == '\t' {
			w = tabWidth
			l.WriteString(strings.Repeat(" ", tabWidth))
		} else {
			l.WriteRune(r)
		}
		col := i + 1
		switch {
		case col < start:
			m.WriteString(strings.Repeat(" ", w))
		case col < end:
			markColumns(&m, col == start, w)
		}
	}
	for col := max(eol, start); col < end; col++ {
		markColumns(&m, col == start, 1)
	}
	return l.String(), m.String(), true
}

func markColumns(m *strings.Builder, first bool, w int) {
	if first {
		m.WriteByte('^')
		w--
	}
	m.WriteString(strings.Repeat("~", w))
}

// sourceLine returns line n (1-based) of data without its line terminator.
func sourceLine(data []byte, n int) (string, bool) {
	return lineAt(data, lineStarts(data), n)
}

// lineStarts returns the offsets at which the lines of data start.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineAt returns line n (1-based) of data, whose lines start at starts,
// without its line terminator.
func lineAt(data []byte, starts []int, n int) (string, bool) {
	if n < 1 || n > len(starts) {
		return "", false
	}
	start, end := starts[n-1], len(data)
	if n < len(starts) {
		end = starts[n] - 1
	} else if start == len(data) && n > 1 {
		// Nothing follows the file's final newline: editors do not count
		// that as a line, so neither do we.
		return "", false
	}
	return string(bytes.TrimSuffix(data[start:end], []byte("\r"))), true
}

// ---- json ----

// jsonReport is the top-level object of the json format (version 1). Keep it
// in step with docs/diagnostics.md.
type jsonReport struct {
	Version     int              `json:"version"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
	Errors      int              `json:"errors"`
	Warnings    int              `json:"warnings"`
	// Omitted counts the diagnostics found but not listed, beyond the
	// most a command prints.
	Omitted int `json:"omitted,omitempty"`
}

// jsonDiagnostic is one finding in the json format. Lines and columns are
// 1-based, columns count Unicode code points, and the end is exclusive; all
// four are 0 when the position is unknown; the columns are 0 when only the
// line is known (a row of a data file, a line of JSON).
type jsonDiagnostic struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	Detail    string `json:"detail,omitempty"`
}

func writeJSON(b *bytes.Buffer, ds lang.Diagnostics, omitted int) error {
	r := jsonReport{Version: jsonVersion, Diagnostics: []jsonDiagnostic{}, Omitted: omitted}
	r.Errors, r.Warnings = countSeverities(ds)
	for _, d := range ds {
		jd := jsonDiagnostic{
			File:     d.Span.File,
			Severity: d.Severity.String(),
			Code:     d.Code,
			Message:  d.Message,
			Detail:   d.Detail,
		}
		switch {
		case lineOnly(d.Span):
			jd.Line, jd.EndLine = d.Span.Start.Line, d.Span.Start.Line
		case d.Span.IsValid():
			start, end := normalRange(d.Span)
			jd.Line, jd.Column = start.Line, start.Col
			jd.EndLine, jd.EndColumn = end.Line, end.Col
		}
		r.Diagnostics = append(r.Diagnostics, jd)
	}
	return encodeJSON(b, r)
}

// normalRange returns the span's start and end with columns at least 1 and
// the end no earlier than the start (an unset end is taken to be the start).
func normalRange(s lang.Span) (start, end lang.Pos) {
	start = s.Start
	start.Col = max(start.Col, 1)
	end = s.End
	end.Col = max(end.Col, 1)
	if end.Line < start.Line || (end.Line == start.Line && end.Col < start.Col) {
		end = start
	}
	return start, end
}

func encodeJSON(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v) // Encode ends the document with a newline.
}

// ---- sarif ----

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations,omitempty"`
	Results     []sarifResult     `json:"results"`
	ColumnKind  string            `json:"columnKind"`
}

// sarifInvocation carries the diagnostics that name no file: they are about
// the run rather than about a source file, and GitHub code scanning rejects a
// whole upload if any result lacks a location.
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level          string           `json:"level"`
	Message        sarifMessage     `json:"message"`
	AssociatedRule *sarifRuleRef    `json:"associatedRule,omitempty"`
	Properties     *sarifProperties `json:"properties,omitempty"`
}

type sarifRuleRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	Rules           []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID     string           `json:"ruleId,omitempty"`
	RuleIndex  *int             `json:"ruleIndex,omitempty"`
	Level      string           `json:"level"`
	Message    sarifMessage     `json:"message"`
	Locations  []sarifLocation  `json:"locations,omitempty"`
	Properties *sarifProperties `json:"properties,omitempty"`
}

// sarifProperties is the property bag (SARIF 2.1.0, 3.8) of a result or
// notification. The hint stays out of message.text, which is the message
// alone, as in every other format: code scanning shows the text as the
// alert's title.
type sarifProperties struct {
	Hint string `json:"hint"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

func writeSARIF(b *bytes.Buffer, ds lang.Diagnostics) error {
	// One rule per distinct code, sorted by id.
	var codes []string
	for _, d := range ds {
		if d.Code != "" && !slices.Contains(codes, d.Code) {
			codes = append(codes, d.Code)
		}
	}
	slices.Sort(codes)
	rules := make([]sarifRule, len(codes))
	for i, c := range codes {
		rules[i] = sarifRule{ID: c, ShortDescription: sarifMessage{Text: ruleDescription(c)}}
	}

	results := make([]sarifResult, 0, len(ds))
	var notes []sarifNotification
	for _, d := range ds {
		level := "error"
		if d.Severity == lang.Warning {
			level = "warning"
		}
		msg := sarifMessage{Text: d.Message}
		var props *sarifProperties
		if d.Detail != "" {
			props = &sarifProperties{Hint: d.Detail}
		}
		ruleIndex := -1
		if d.Code != "" {
			ruleIndex, _ = slices.BinarySearch(codes, d.Code)
		}
		if d.Span.File == "" {
			n := sarifNotification{Level: level, Message: msg, Properties: props}
			if ruleIndex >= 0 {
				n.AssociatedRule = &sarifRuleRef{ID: d.Code, Index: ruleIndex}
			}
			notes = append(notes, n)
			continue
		}
		r := sarifResult{Level: level, Message: msg, Properties: props}
		if ruleIndex >= 0 {
			r.RuleID, r.RuleIndex = d.Code, &ruleIndex
		}
		// GitHub wants a region with at least a start line; a diagnostic
		// about a whole file is anchored at its first line.
		region := &sarifRegion{StartLine: 1}
		if d.Span.IsValid() {
			start, end := normalRange(d.Span)
			region = &sarifRegion{
				StartLine: start.Line, StartColumn: start.Col,
				EndLine: end.Line, EndColumn: end.Col,
			}
		}
		r.Locations = []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
			ArtifactLocation: sarifArtifactLocation{URI: sarifURI(d.Span.File)},
			Region:           region,
		}}}
		results = append(results, r)
	}

	v := currentVersion()
	driver := sarifDriver{Name: "occ", Version: v.String(), Rules: rules}
	driver.SemanticVersion, _ = v.Semantic()
	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool:       sarifTool{Driver: driver},
			Results:    results,
			ColumnKind: "unicodeCodePoints",
		}},
	}
	if len(notes) > 0 {
		log.Runs[0].Invocations = []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: notes}}
	}
	return encodeJSON(b, log)
}

// ruleDescription is the short description of a diagnostic code in SARIF: the
// code with its separators turned into spaces, e.g. "undefined name".
func ruleDescription(code string) string {
	return strings.NewReplacer("-", " ", "_", " ").Replace(code)
}

// sarifURI turns a file name into a URI reference: relative paths stay
// relative (with forward slashes, percent-encoded where a URI needs it),
// absolute paths become file: URIs.
func sarifURI(file string) string {
	p := filepath.ToSlash(file)
	u := &url.URL{Path: p}
	if filepath.IsAbs(file) || strings.HasPrefix(p, "/") || filepath.VolumeName(file) != "" {
		u.Scheme = "file"
		if !strings.HasPrefix(p, "/") {
			u.Path = "/" + p
		}
	}
	// URL.String writes "./a:b" for a relative path whose first segment has a
	// colon, so it cannot be mistaken for a scheme.
	return u.String()
}

// ---- github ----

func writeGitHub(b *bytes.Buffer, ds lang.Diagnostics) {
	for _, d := range ds {
		cmd := "error"
		if d.Severity == lang.Warning {
			cmd = "warning"
		}
		var props []string
		if d.Span.File != "" {
			props = append(props, "file="+escapeProperty(filepath.ToSlash(d.Span.File)))
		}
		if d.Span.IsValid() {
			start, end := normalRange(d.Span)
			props = append(props, "line="+strconv.Itoa(start.Line))
			if start.Line == end.Line {
				props = append(props, "col="+strconv.Itoa(start.Col))
			}
			props = append(props, "endLine="+strconv.Itoa(end.Line))
			// GitHub accepts columns only for an annotation on a single line.
			if start.Line == end.Line {
				props = append(props, "endColumn="+strconv.Itoa(end.Col))
			}
		}
		if d.Code != "" {
			props = append(props, "title="+escapeProperty(d.Code))
		}
		msg := d.Message
		if d.Detail != "" {
			msg += "\n" + d.Detail
		}
		b.WriteString("::" + cmd)
		if len(props) > 0 {
			b.WriteString(" " + strings.Join(props, ","))
		}
		b.WriteString("::" + escapeData(msg) + "\n")
	}
}

// escapeData escapes a workflow command's message as the GitHub runner
// expects.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
