package lang

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// Unicode code points, so a caret lines up under text containing "£".
// Offset is the 0-based byte offset into the file.
type Pos struct {
	Line   int
	Col    int
	Offset int
}

// IsValid reports whether the position has been set.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Span is a half-open range of source text [Start, End) in the named file.
type Span struct {
	File  string
	Start Pos
	End   Pos
}

// IsValid reports whether the span has been set.
func (s Span) IsValid() bool { return s.Start.IsValid() }

// Contains reports whether inner lies entirely within s.
func (s Span) Contains(inner Span) bool {
	return s.Start.Offset <= inner.Start.Offset && inner.End.Offset <= s.End.Offset
}

// String formats the span's start as file:line:col.
func (s Span) String() string {
	return fmt.Sprintf("%s:%d:%d", s.File, s.Start.Line, s.Start.Col)
}

// Severity says how serious a diagnostic is.
type Severity int

// The severities, most serious first.
const (
	Error Severity = iota
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one finding about a source file: a short lower-case message,
// a stable code that tools can match on, an optional hint, and the exact span
// it is about.
type Diagnostic struct {
	Severity Severity
	Code     string
	Message  string
	Detail   string
	Span     Span
}

// Error formats the diagnostic as file:line:col: severity: message [code].
func (d Diagnostic) Error() string {
	return fmt.Sprintf("%s: %s: %s [%s]", d.Span, d.Severity, d.Message, d.Code)
}

// Diagnostics is a list of findings.
type Diagnostics []Diagnostic

// Add appends a diagnostic built from its parts.
func (ds *Diagnostics) Add(sev Severity, span Span, code, format string, args ...any) *Diagnostic {
	*ds = append(*ds, Diagnostic{Severity: sev, Code: code, Message: fmt.Sprintf(format, args...), Span: span})
	return &(*ds)[len(*ds)-1]
}

// Errorf appends an error diagnostic.
func (ds *Diagnostics) Errorf(span Span, code, format string, args ...any) *Diagnostic {
	return ds.Add(Error, span, code, format, args...)
}

// Warnf appends a warning diagnostic.
func (ds *Diagnostics) Warnf(span Span, code, format string, args ...any) *Diagnostic {
	return ds.Add(Warning, span, code, format, args...)
}

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders the diagnostics by file, position, severity, code and message,
// and removes exact duplicates.
func (ds *Diagnostics) Sort() {
	list := *ds
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.Span.File != b.Span.File {
			return a.Span.File < b.Span.File
		}
		if a.Span.Start.Offset != b.Span.Start.Offset {
			return a.Span.Start.Offset < b.Span.Start.Offset
		}
		if a.Severity != b.Severity {
			return a.Severity < b.Severity
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
	out := list[:0]
	for i, d := range list {
		if i > 0 && d == list[i-1] {
			continue
		}
		out = append(out, d)
	}
	*ds = out
}

// Err returns the diagnostics as an error when any of them is an error, and
// nil otherwise.
func (ds Diagnostics) Err() error {
	if !ds.HasErrors() {
		return nil
	}
	return ds
}

// Error joins the diagnostics one per line.
func (ds Diagnostics) Error() string {
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	return b.String()
}
