package forecast

// The diagnostics of a scenario and of the options of a forecast.

import (
	"bytes"
	"fmt"
	"sort"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/words"
)

// The codes of the diagnostics about a scenario file. Each has the span in
// the file that it is about. The codes are stable: tools match on them,
// not on the messages.
const (
	// CodeYAML: the file is not valid YAML.
	CodeYAML = "scenario-yaml"
	// CodeUnknownKey: a key, data, field or var name that is not known,
	// or not allowed where it is written.
	CodeUnknownKey = "scenario-unknown-key"
	// CodeDuplicate: a key, data, field, var or category given twice.
	CodeDuplicate = "scenario-duplicate"
	// CodeMissing: something needed is not given: the cohort, the data, a
	// field the contract reads, a distribution or one of its bounds.
	CodeMissing = "scenario-missing"
	// CodeBadValue: a value that is not of the right form, lies outside
	// its range, or does not fit with the values it depends on.
	CodeBadValue = "scenario-bad-value"
	// CodeUnusedVar: a var that nothing uses.
	CodeUnusedVar = "scenario-unused-var"
	// CodeDoesNotFit: the contract's data is not one record per person
	// per month, so a scenario cannot describe it; its data can be
	// resampled instead (NewBootstrap).
	CodeDoesNotFit = "scenario-does-not-fit"
)

// The codes of the diagnostics about the Options of a forecast. They have
// no span: an option is not written in a file.
const (
	// CodeUnknownParam: a name that is no contract param or scenario var
	// (of the kind expected).
	CodeUnknownParam = "unknown-param"
	// CodeAmbiguousParam: a name that is both a contract param and a
	// scenario var.
	CodeAmbiguousParam = "ambiguous-param"
	// CodeBadParamValue: a value of the wrong type for its param.
	CodeBadParamValue = "bad-param-value"
	// CodeBadVary: a sweep that cannot be made: too few or too many
	// steps, or a param of a type that cannot be swept.
	CodeBadVary = "bad-vary"
	// CodeBadPeriods: settlement periods that are not the term's.
	CodeBadPeriods = "bad-periods"
	// CodeUnknownPayer: a payer that is not one of the contract's.
	CodeUnknownPayer = "unknown-payer"
	// CodeBadRuns: a number of runs out of range.
	CodeBadRuns = "bad-runs"
)

// errorf records a mistake at node n (the top of the file when n is nil).
// where, when not empty, names the place in the scenario in words, as in
// "data goal, field status", and starts the message. It returns the
// diagnostic, for a detail to be added.
func (p *parser) errorf(n *yaml.Node, where, code, format string, args ...any) *lang.Diagnostic {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	line, col := 1, 1
	if n != nil {
		line, col = n.Line, n.Column
	}
	return p.add(lang.Diagnostic{Severity: lang.Error, Code: code, Message: msg, Span: p.span(n, line, col)})
}

// errorAt records a mistake at a line and column of the file.
func (p *parser) errorAt(line, col int, code, format string, args ...any) *lang.Diagnostic {
	return p.add(lang.Diagnostic{Severity: lang.Error, Code: code, Message: fmt.Sprintf(format, args...), Span: p.span(nil, line, col)})
}

// add records a diagnostic and returns it.
func (p *parser) add(d lang.Diagnostic) *lang.Diagnostic {
	p.errs = append(p.errs, d)
	return &p.errs[len(p.errs)-1]
}

// span returns the span of node n, which starts at line and col (1-based;
// the column counts characters). A plain scalar's span covers its text;
// any other's is empty, at its start.
func (p *parser) span(n *yaml.Node, line, col int) lang.Span {
	off, ok := p.offset(line, col)
	start := lang.Pos{Line: line, Col: col, Offset: off}
	end := start
	if ok && n != nil && n.Kind == yaml.ScalarNode && n.Style == 0 && n.Value != "" && bytes.HasPrefix(p.src[off:], []byte(n.Value)) {
		end.Col += utf8.RuneCountInString(n.Value)
		end.Offset += len(n.Value)
	}
	return lang.Span{File: p.file, Start: start, End: end}
}

// offset returns the byte offset of line and col in the file; ok is false,
// and the offset that of the end of the file, when the file has no such
// place.
func (p *parser) offset(line, col int) (off int, ok bool) {
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(p.src[off:], '\n')
		if i < 0 {
			return len(p.src), false
		}
		off += i + 1
	}
	for c := 1; c < col; c++ {
		if off >= len(p.src) || p.src[off] == '\n' {
			return off, false
		}
		_, size := utf8.DecodeRune(p.src[off:])
		off += size
	}
	return off, true
}

// optionError returns a diagnostic about an option of a forecast, as an
// error.
func optionError(code, format string, args ...any) error {
	return lang.Diagnostics{{Severity: lang.Error, Code: code, Message: fmt.Sprintf(format, args...)}}
}

// withDetail adds detail to each diagnostic of err, when it is a
// lang.Diagnostics, and returns err unchanged otherwise.
func withDetail(err error, detail string) error {
	ds, ok := err.(lang.Diagnostics)
	if !ok {
		return err
	}
	out := make(lang.Diagnostics, len(ds))
	for i, d := range ds {
		if d.Detail != "" {
			d.Detail += "; " + detail
		} else {
			d.Detail = detail
		}
		out[i] = d
	}
	return out
}

// varsText lists vars and their values, by name: "a = 1 and b = 2".
func varsText(vars map[string]value.Decimal) string {
	names := make([]string, 0, len(vars))
	for name := range vars {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		names[i] = name + " = " + vars[name].String()
	}
	return words.And(names)
}
