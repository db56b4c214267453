package main

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/cmd/occ/lsp"
)

// lspParams are the inputs of occ lsp.
type lspParams struct {
	// stdio is accepted and ignored: editors' clients add --stdio when they
	// talk to a server over its standard streams, which is the only way
	// occ lsp talks.
	stdio bool
}

func newLspCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &lspParams{}
	cmd := &cobra.Command{
		Use:   "lsp",
		Short: "Run the language server for editors, over standard input and output",
		Long: `Lsp runs the occ language server. An editor starts it and speaks the Language
Server Protocol with it over standard input and output: diagnostics as you
type, hover, go to definition, find references, completion, formatting and
document symbols. Nothing but protocol messages is written to standard
output; the server's own messages go to standard error. It exits 0 after the
client's shutdown and exit, 1 after an exit without shutdown or when the
client goes away. See docs/editors.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLsp(cmd.Context(), p, cmd.InOrStdin(), stdout, stderr)
		},
	}
	cmd.Flags().BoolVar(&p.stdio, "stdio", false, "talk over standard input and output (the default, and the only way)")
	return cmd
}

// runLsp serves one session on the given streams.
func runLsp(ctx context.Context, _ *lspParams, stdin io.Reader, stdout, stderr io.Writer) error {
	err := lsp.Serve(ctx, stdin, stdout, lsp.WithLog(stderr))
	switch {
	case err == nil:
		return nil
	case errors.Is(err, lsp.ErrNoShutdown):
		return findings
	}
	return &exitError{code: exitFindings, msg: err.Error()}
}
