package main

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/lang"
)

// fmtParams are the inputs of occ fmt.
type fmtParams struct {
	paths []string
	write bool
	check bool
	diff  bool
	// diagnostics is the format of parse errors on standard error.
	diagnostics string
}

func newFmtCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &fmtParams{}
	cmd := &cobra.Command{
		Use:   "fmt [paths...]",
		Short: "Print contracts in the canonical layout",
		Long: `Fmt prints each contract in the one canonical layout. With -w it rewrites the
files; with --check it lists the files that are not formatted and exits 1;
with --diff it shows what would change.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			p.paths = args
			return runFmt(p, stdout, stderr)
		},
	}
	cmd.Flags().BoolVarP(&p.write, "write", "w", false, "rewrite the files in place")
	cmd.Flags().BoolVar(&p.check, "check", false, "list files that would change and exit 1 if any")
	cmd.Flags().BoolVar(&p.diff, "diff", false, "print a diff of the changes")
	addDiagnosticsFlag(cmd, &p.diagnostics)
	return cmd
}

func runFmt(p *fmtParams, stdout, stderr io.Writer) error {
	diagFormat, err := diagnosticsFormat(p.diagnostics, "")
	if err != nil {
		return err
	}
	units, err := findContracts(p.paths)
	if err != nil {
		return err
	}
	var files []string
	for _, u := range units {
		files = append(files, u.files...)
	}
	if len(files) == 0 {
		return usageError("no .occ files found in %v", p.paths)
	}
	src := sources{}
	var diags lang.Diagnostics
	changed := false
	for _, name := range files {
		b, err := lang.ReadFile(name)
		if err != nil {
			return &exitError{code: exitFindings, msg: err.Error()}
		}
		src[name] = b
		f, ds := lang.Parse(name, b)
		if f.Body == nil || ds.HasErrors() {
			diags = append(diags, ds...)
			continue
		}
		out := lang.Format(f)
		same := bytes.Equal(out, b)
		switch {
		case p.check:
			if !same {
				fmt.Fprintln(stdout, name)
				changed = true
			}
		case p.diff:
			if !same {
				stdout.Write(diff.Diff(name, b, name+" (formatted)", out))
				changed = true
			}
		case p.write:
			if !same {
				if err := writeFileAtomic(context.Background(), name, func(w io.Writer) error {
					_, err := w.Write(out)
					return err
				}); err != nil {
					return err
				}
			}
		default:
			stdout.Write(out)
		}
	}
	if len(diags) > 0 {
		diags.Sort()
		return reportFindings(stderr, diagFormat, diags, src, "fmt", "not formatted")
	}
	if changed && (p.check || p.diff) {
		return findings
	}
	return nil
}
