package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/compiler/schedule"
)

// docParams are the inputs of occ doc.
type docParams struct {
	spec        string
	format      string
	output      string
	diagnostics string // the format of errors on standard error
}

func newDocCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &docParams{}
	cmd := &cobra.Command{
		Use:   "doc SPEC",
		Short: "Write the contract as a payment schedule in plain English (Markdown or HTML)",
		Long: `Doc writes the contract as a payment schedule a tender pack can carry: the
parties, term, settlement, currency, rounding and budget; the params as
commissioners write them (£19.60, 25%, 1 April 2026); the data the contract
is paid on, field by field; every rule in plain English, read from its
checked expressions, with its title, kind and scope; and the contract's
tests as worked examples, with their records and the expected lines.

--format markdown (the default) or html: one self-contained page, with no
external resources, that prints on A4.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.spec = args[0]
			return runDoc(cmd.Context(), p, stdout, stderr)
		},
	}
	cmd.Flags().StringVar(&p.format, "format", "markdown", "output format: markdown or html")
	cmd.Flags().StringVarP(&p.output, "output", "o", "", "write the schedule to this file (atomically; never over an input) instead of standard output; - is standard output")
	addDiagnosticsFlag(cmd, &p.diagnostics)
	return cmd
}

func runDoc(ctx context.Context, p *docParams, stdout, stderr io.Writer) error {
	if p.format != "markdown" && p.format != "html" {
		return usageError("unknown format %q: use markdown or html", p.format)
	}
	diagFormat, err := diagnosticsFormat(p.diagnostics, "")
	if err != nil {
		return err
	}
	// The schedule's worked examples are the contract's tests, so its
	// X_test.occ is read with it.
	u, err := specUnit(p.spec)
	if err != nil {
		return err
	}
	if test := strings.TrimSuffix(u.main, ".occ") + "_test.occ"; fileExists(test) {
		units, err := findContracts([]string{u.main, test})
		if err != nil {
			return err
		}
		u = units[0]
	}
	src := sources{}
	l := loadContract(u, src)
	if l.contract == nil || l.diags.HasErrors() {
		return reportFindings(stderr, diagFormat, l.diags, src, "contract", "no schedule written")
	}
	c := l.contract
	inputs := evalInputs(c, src, nil)
	for _, t := range c.Tests {
		for _, f := range t.Decl.Files {
			inputs[filepath.Join(t.Dir, f.Unquoted())] = "a test's data file"
		}
	}
	if err := checkNotInput("-o "+p.output, p.output, inputs); err != nil {
		return err
	}
	s, err := schedule.Build(c)
	if err != nil {
		return err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return writeOutput(ctx, p.output, stdout, func(w io.Writer) error {
		if p.format == "html" {
			return s.WriteHTML(w)
		}
		return s.WriteMarkdown(w)
	})
}

// fileExists reports whether path names a file.
func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}
