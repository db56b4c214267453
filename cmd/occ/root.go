package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// exitError ends a command with an exit code, after the command has printed
// what it had to say.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// findings is returned by a command that ran but found problems.
var findings = &exitError{code: exitFindings}

// usageError reports a mistake in how occ was called.
func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

// Main runs the occ command line and returns its exit code.
func Main() int {
	return run(os.Args[1:], os.Stdout, os.Stderr)
}

// run executes occ with the given arguments and streams.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintf(stderr, "occ: %s\n", ee.msg)
		}
		if ee.code == exitUsage {
			fmt.Fprintln(stderr, "Run 'occ help' for usage.")
		}
		return ee.code
	}
	// Flag parsing and unknown commands are usage errors.
	fmt.Fprintf(stderr, "occ: %v\nRun 'occ help' for usage.\n", err)
	return exitUsage
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "occ",
		Short: "occ compiles, tests and evaluates outcome-based care contracts",
		Long: `occ is the outcome contract compiler. A contract's payment mechanism is written
in a .occ file; occ checks it, formats it, runs its tests, and evaluates it
against review data into a statement that reconciles to the penny.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.CompletionOptions.DisableDefaultCmd = true
	// occ --version prints what occ version does.
	var versionText strings.Builder
	writeVersion(&versionText, currentVersion())
	root.Version = currentVersion().Version
	root.SetVersionTemplate(versionText.String())
	root.Flags().Bool("version", false, "print occ's version, as occ version does")
	// Every command, in the order of the README's command table; each
	// is built by the file of its name.
	for _, add := range []func(stdout, stderr io.Writer) *cobra.Command{
		newCheckCmd, newFmtCmd, newTestCmd, newEvalCmd, newExplainCmd, newSchemaCmd, newForecastCmd, newDiffCmd, newDocCmd, newBoundCmd, newSettleCmd, newLedgerCmd, newLspCmd,
		newVersionCmd,
	} {
		root.AddCommand(add(stdout, stderr))
	}
	return root
}
