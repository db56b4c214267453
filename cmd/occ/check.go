package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/lang"
)

// checkParams are the inputs of occ check.
type checkParams struct {
	paths  []string
	format string
	strict bool
	color  bool
}

func newCheckCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &checkParams{}
	cmd := &cobra.Command{
		Use:   "check [paths...]",
		Short: "Check contracts and report every error and warning",
		Long: `Check parses and type-checks contracts: the files named, or every *.occ file
under the directories named (default: the current directory). It exits 0 when
clean, 1 when there are errors (or warnings, with --strict), 2 on a usage
error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			p.paths = args
			return runCheck(p, stdout)
		},
	}
	cmd.Flags().StringVar(&p.format, "format", "text", "output format: text, json, sarif or github")
	cmd.Flags().BoolVar(&p.strict, "strict", false, "treat warnings as errors")
	cmd.Flags().BoolVar(&p.color, "color", false, "colour the text output")
	return cmd
}

func runCheck(p *checkParams, stdout io.Writer) error {
	if !validFormat(p.format) {
		return usageError("unknown format %q: use text, json, sarif or github", p.format)
	}
	units, err := findContracts(p.paths)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return usageError("no .occ files found in %v", p.paths)
	}
	src := sources{}
	var all lang.Diagnostics
	for _, u := range units {
		all = append(all, loadContract(u, src).diags...)
	}
	all.Sort()
	if err := writeDiagnostics(stdout, p.format, all, src, p.color); err != nil {
		return err
	}
	if all.HasErrors() || p.strict && len(all) > 0 {
		return findings
	}
	return nil
}

func validFormat(f string) bool {
	switch f {
	case "text", "json", "sarif", "github":
		return true
	}
	return false
}
