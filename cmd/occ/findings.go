package main

// Reporting the findings of a command that could not finish: bad data, an
// evaluation error, a bad scenario or option. They are diagnostics like
// occ check's, rendered by the same writer in the same formats.

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/words"

	"github.com/spf13/cobra"
)

// maxShown is how many diagnostics a command prints; the rest are counted.
const maxShown = 1000

// reportFindings writes ds to stderr in format (text, json, sarif or
// github) and returns the findings exit. Only the first maxShown are
// printed; the text says how many there were in all. In text, a last line
// says which stage found them and what was not produced, as in
// "data: 2 errors; no statement produced" (stage "data", outcome "no
// statement produced").
func reportFindings(stderr io.Writer, format string, ds lang.Diagnostics, src sources, stage, outcome string) error {
	shown := ds
	if len(shown) > maxShown {
		shown = shown[:maxShown]
	}
	if format == "" || format == "text" {
		var b bytes.Buffer
		if writeTextItems(&b, shown, src, false, true) {
			b.WriteByte('\n')
		}
		stderr.Write(b.Bytes())
		errs, _ := countSeverities(ds)
		if len(ds) > len(shown) {
			fmt.Fprintf(stderr, "%s: %s of %s errors shown; %s\n", stage, words.Number(len(shown)), words.Number(errs), outcome)
			return findings
		}
		fmt.Fprintf(stderr, "%s: %s; %s\n", stage, words.Count(errs, "error"), outcome)
		return findings
	}
	if format == "json" {
		// The report lists what is shown and counts the rest.
		var b bytes.Buffer
		if err := writeJSON(&b, shown, len(ds)-len(shown)); err != nil {
			return err
		}
		stderr.Write(b.Bytes())
		return findings
	}
	if err := writeDiagnostics(stderr, format, shown, src, false); err != nil {
		return err
	}
	return findings
}

// addDiagnosticsFlag adds --diagnostics, the format of the errors and
// warnings a command reports on standard error, to cmd.
func addDiagnosticsFlag(cmd *cobra.Command, format *string) {
	cmd.Flags().StringVar(format, "diagnostics", "",
		"how errors are written on standard error: text, json, sarif or github (default: json with --format json or summary, else text)")
}

// diagnosticsFormat returns the format of a command's errors: the one
// asked for with --diagnostics, or else JSON when the command's output is
// JSON, so that a program reading it can read the errors too, and text
// otherwise. A format occ does not know is a usage error.
func diagnosticsFormat(asked, output string) (string, error) {
	switch {
	case asked != "":
		if !slices.Contains(diagnosticFormats, asked) {
			return "", usageError("unknown diagnostics format %q: use %s", asked, words.Or(diagnosticFormats))
		}
		return asked, nil
	case output == "json" || output == "summary":
		return "json", nil
	}
	return "text", nil
}
