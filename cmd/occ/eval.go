package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"occ/compiler"
	"occ/compiler/value"
	"occ/lang/words"
	"occ/runtime"
	"occ/runtime/data"
)

// evalParams are the inputs of occ eval and occ explain.
type evalParams struct {
	spec    string
	data    []string
	period  string
	set     []string
	format  string
	output  string
	explain string
	workers int
	limits  data.Limits
}

func init() {
	extraCommands = append(extraCommands, newEvalCmd, newExplainCmd)
}

func newEvalCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &evalParams{}
	cmd := &cobra.Command{
		Use:   "eval SPEC --data FILE [--data FILE...]",
		Short: "Evaluate a contract on review data into a statement",
		Long: `Eval evaluates a contract (a .occ file, or a directory holding contract.occ)
on data files and prints the statement: every line with the inputs it read,
subtotals, caps, standards, flags, exclusions and the total, which is always
the sum of the lines.

Data files are CSV, XLSX, JSON, JSON Lines or YAML. A file's data name is
found from its columns; write NAME=FILE to say it (--data goal=goals.csv),
and FILE#SHEET for one sheet of a workbook. --max-field-bytes,
--max-row-bytes and --max-file-bytes bound what one file may hold.

--period settles one period: a month (2026-05), a contract quarter (2026-Q1),
a contract year (2026/27) or term, or a run of them written FROM..TO
(2026-04..2026-06). Without it, every period the data touches.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.spec = args[0]
			return runEval(cmd.Context(), p, stdout, stderr)
		},
	}
	addEvalFlags(cmd, p)
	cmd.Flags().StringVar(&p.format, "format", "table", "output format: table, json or csv")
	cmd.Flags().StringVarP(&p.output, "output", "o", "", "write the statement to this file (atomically) instead of standard output")
	cmd.Flags().StringVar(&p.explain, "explain", "", "explain the line with this key (e.g. P2 or hours:P2) instead of printing the statement")
	return cmd
}

func newExplainCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &evalParams{format: "table"}
	cmd := &cobra.Command{
		Use:   "explain SPEC KEY --data FILE [--data FILE...]",
		Short: "Explain one line of a statement: its rule, expression and every value it used",
		Long: `Explain evaluates the contract like eval and then shows, for each line whose
key is KEY (or RULE:KEY), the rule, its expressions with their file and line,
and the value of every part of them.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.spec, p.explain = args[0], args[1]
			return runEval(cmd.Context(), p, stdout, stderr)
		},
	}
	addEvalFlags(cmd, p)
	return cmd
}

func addEvalFlags(cmd *cobra.Command, p *evalParams) {
	cmd.Flags().StringArrayVar(&p.data, "data", nil, "a data file, or NAME=FILE, or FILE#SHEET for one sheet of a workbook (repeatable)")
	addDataLimitFlags(cmd.Flags(), &p.limits)
	cmd.Flags().StringVar(&p.period, "period", "", "the period to settle: 2026-05, 2026-Q1, 2026/27, term or FROM..TO")
	cmd.Flags().StringArrayVar(&p.set, "set", nil, "override a param: NAME=VALUE, e.g. hourly_rate=£20.00 (repeatable)")
	cmd.Flags().IntVar(&p.workers, "workers", 0, "goroutines evaluating records (default: one per CPU); the output does not depend on it")
}

// specUnit finds the contract a SPEC argument names: a .occ file, or a
// directory holding contract.occ, with the test files beside it.
func specUnit(spec string) (unit, error) {
	info, err := os.Stat(spec)
	if err != nil {
		return unit{}, usageError("%s: no such file or directory", spec)
	}
	if info.IsDir() {
		spec = filepath.Join(spec, "contract.occ")
		if _, err := os.Stat(spec); err != nil {
			return unit{}, usageError("%s: no contract.occ in this directory", filepath.Dir(spec))
		}
	}
	units, err := findContracts([]string{spec})
	if err != nil {
		return unit{}, err
	}
	return units[0], nil
}

// compileSpec loads and compiles a contract, printing diagnostics on error.
func compileSpec(spec string, stderr io.Writer) (*compiler.Contract, error) {
	u, err := specUnit(spec)
	if err != nil {
		return nil, err
	}
	src := sources{}
	l := loadContract(u, src)
	if l.contract == nil || l.diags.HasErrors() {
		writeDiagnostics(stderr, "text", l.diags, src, false)
		return nil, findings
	}
	return l.contract, nil
}

// loadData reads the --data files and validates them against the
// contract, within the limits lim. Problems in the data are reported on
// stderr in errFormat (see reportFindings).
func loadData(c *compiler.Contract, specs []string, lim data.Limits, stderr io.Writer, errFormat string) (*data.Set, error) {
	if len(specs) == 0 {
		return nil, usageError("give the data to evaluate with --data FILE")
	}
	var inputs []data.Input
	for _, s := range specs {
		in := data.Input{Path: s}
		if name, path, ok := strings.Cut(s, "="); ok && c.Schema(name) != nil {
			in.Schema, in.Path = name, path
		}
		in.Path, in.Sheet = splitSheet(in.Path)
		st, err := os.Stat(in.Path)
		if err != nil {
			return nil, usageError("cannot read data file %s: %v", in.Path, errors.Unwrap(err))
		}
		if st.IsDir() {
			return nil, usageError("cannot read data file %s: it is a directory", in.Path)
		}
		in.Open = data.File(in.Path)
		inputs = append(inputs, in)
	}
	d, ds := data.Load(c, inputs, lim)
	if len(ds) > 0 {
		hintLimits(ds)
		return nil, reportFindings(stderr, errFormat, ds, nil, "data", "no statement produced")
	}
	return d, nil
}

// programFor prepares the evaluator with --set overrides and --workers.
func programFor(c *compiler.Contract, set []string, workers int, more ...runtime.Option) (*runtime.Program, error) {
	opts := append([]runtime.Option(nil), more...)
	for _, kv := range set {
		name, val, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, usageError("--set %q: write NAME=VALUE", kv)
		}
		opts = append(opts, runtime.WithParamText(strings.TrimSpace(name), strings.TrimSpace(val)))
	}
	if workers < 0 {
		return nil, usageError("--workers must be 1 or more (0 means one per CPU)")
	}
	if workers > 0 {
		opts = append(opts, runtime.WithWorkers(workers))
	}
	p, err := runtime.New(c, opts...)
	if err != nil {
		return nil, usageError("%v", err)
	}
	return p, nil
}

func runEval(ctx context.Context, p *evalParams, stdout, stderr io.Writer) error {
	switch p.format {
	case "table", "json", "csv":
	default:
		return usageError("unknown format %q: use table, json or csv", p.format)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	// The data and the evaluation stay in memory to the end, so the heap
	// is mostly live: collecting when it has grown by 40% rather than
	// doubled keeps a million reviews under 1 GiB for a few percent more
	// CPU time (docs/performance.md). GOGC, when set, wins.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(40))
	}
	c, err := compileSpec(p.spec, stderr)
	if err != nil {
		return err
	}
	var opts []runtime.Option
	if p.format != "json" && p.explain == "" {
		// The table and CSV do not show each line's inputs: do not
		// gather them.
		opts = append(opts, runtime.WithoutInputs())
	}
	prog, err := programFor(c, p.set, p.workers, opts...)
	if err != nil {
		return err
	}
	d, err := loadData(c, p.data, p.limits, stderr, errorFormat(p.format))
	if err != nil {
		return err
	}
	if p.explain != "" {
		st, err := prog.EvalStream(ctx, d, p.period)
		if err != nil {
			return evalError(err, stderr)
		}
		var buf bytes.Buffer
		if err := writeExplain(&buf, prog, d, st, p.explain); err != nil {
			return err
		}
		return writeOutput(p.output, stdout, func(w io.Writer) error {
			_, err := w.Write(buf.Bytes())
			return err
		})
	}
	// The statement's lines are rendered as they are written, never held
	// whole: a statement of millions of lines needs little memory beyond
	// the evaluation. Evaluation errors come before anything is written.
	st, err := prog.EvalStream(ctx, d, p.period)
	if err != nil {
		return evalError(err, stderr)
	}
	return writeOutput(p.output, stdout, func(w io.Writer) error {
		switch p.format {
		case "json":
			return st.WriteJSON(w)
		case "csv":
			return writeStatementCSV(w, st)
		}
		return writeStatementTable(w, st)
	})
}

// writeOutput writes through a buffer to the output file, atomically, or to
// standard output when there is no output file.
func writeOutput(output string, stdout io.Writer, write func(io.Writer) error) error {
	buffered := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	if output == "" {
		return buffered(stdout)
	}
	if err := writeFileAtomicFunc(output, buffered); err != nil {
		return &exitError{code: exitFindings, msg: err.Error()}
	}
	return nil
}

// evalError reports an evaluation that produced no statement.
func evalError(err error, stderr io.Writer) error {
	var ee runtime.EvalErrors
	if errors.As(err, &ee) {
		fmt.Fprintln(stderr, ee.Error())
		fmt.Fprintf(stderr, "evaluation: %s; no statement produced\n", words.Count(len(ee), "error"))
		return findings
	}
	return &exitError{code: exitFindings, msg: err.Error()}
}

// writeFileAtomicFunc is writeFileAtomic with the contents written by
// write, which may be large: nothing replaces name unless write succeeds.
func writeFileAtomicFunc(name string, write func(io.Writer) error) error {
	mode := os.FileMode(0o644)
	if info, err := os.Stat(name); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// money formats an amount with thousands separators: -1,234.50.
func money(m value.Money) string { return moneyIn(m, 2) }

// moneyIn formats an amount with the given decimal places.
func moneyIn(m value.Money, places int32) string { return m.Grouped(places) }

func writeStatementTable(w io.Writer, s *runtime.Statement) error {
	c := s.Contract
	m := func(v value.Money) string { return moneyIn(v, c.MinorUnits) }
	fmt.Fprintf(w, "%s\n", c.Title)
	if c.Commissioner != "" || c.Provider != "" {
		fmt.Fprintf(w, "%s / %s\n", c.Commissioner, c.Provider)
	}
	fmt.Fprintf(w, "Statement for %s (settled %s, %s, rounding %s)\n", s.Period, c.Settlement, c.Currency, c.Rounding)
	fmt.Fprintf(w, "Spec sha256 %s\n", c.SpecSHA256)
	for _, f := range s.Data {
		fmt.Fprintf(w, "Data %s (%s, %d records) sha256 %s\n", f.Path, f.Schema, f.Records, f.SHA256)
	}
	fmt.Fprintln(w)
	if err := writeLinesTable(w, s, m); err != nil {
		return err
	}
	section := func(title string) { fmt.Fprintf(w, "\n%s\n", title) }
	if len(s.ByKind) > 0 {
		section("Subtotals by kind")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		for _, st := range s.ByKind {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t\n", st.Name, words.Count(st.Lines, "line"), m(st.Amount))
		}
		tw.Flush()
		section("Subtotals by rule")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		for _, st := range s.ByRule {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t\n", st.Name, words.Count(st.Lines, "line"), m(st.Amount))
		}
		tw.Flush()
	}
	if len(s.Caps) > 0 {
		section("Caps and floors")
		for _, cp := range s.Caps {
			fmt.Fprintf(w, "  %s %s %s: covered %s, limit %s, adjustment %s\n", cp.Kind, cp.Rule, cp.Instance,
				m(cp.Covered), m(cp.Limit), m(cp.Adjustment))
		}
	}
	if len(s.Standards) > 0 {
		section("Standards")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, st := range s.Standards {
			measure, target := st.Display()
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", st.Instance, st.Rule, measure, target, st.Status(), st.Consequence)
		}
		tw.Flush()
	}
	if len(s.Flags) > 0 {
		section("Flags")
		for _, f := range s.Flags {
			fmt.Fprintf(w, "  %s %s: %s\n", f.Rule, f.Key, f.Title)
		}
	}
	if len(s.Excluded) > 0 {
		section("Excluded")
		for _, x := range s.Excluded {
			src := ""
			if x.Source != "" {
				src = " (" + x.Source + ")"
			}
			fmt.Fprintf(w, "  %s %s%s: %s\n", x.Data, x.Key, src, x.Reason)
		}
	}
	r := s.Records
	fmt.Fprintf(w, "\nRecords: %d in the data; %d evaluated for this statement, %d for earlier periods, %d later, %d excluded\n",
		r.Input, r.Evaluated, r.Earlier, r.Later, r.Excluded)
	if len(s.Periods) > 1 {
		section("Totals by period")
		for _, p := range s.Periods {
			fmt.Fprintf(w, "  %s  %s\n", p.Period, m(p.Total))
		}
	}
	_, err := fmt.Fprintf(w, "\nTOTAL %s %s\n", c.Currency, m(s.Total))
	return err
}

// writeLinesTable writes the statement's lines as aligned columns under
// the header RULE KIND PERIOD KEY AMOUNT, amounts right-aligned. It visits
// the lines twice, first for the columns' widths, so that it never holds
// them all.
func writeLinesTable(w io.Writer, s *runtime.Statement, m func(value.Money) string) error {
	head := [5]string{"RULE", "KIND", "PERIOD", "KEY", "AMOUNT"}
	var width [5]int
	for i, h := range head {
		width[i] = utf8.RuneCountInString(h)
	}
	s.EachLine(func(l *runtime.Line) error {
		for i, c := range [4]string{l.Rule, l.Kind, l.Period, l.Key} {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
		width[4] = max(width[4], len(m(l.Amount)))
		return nil
	})
	var b []byte
	row := func(cells [5]string) error {
		b = b[:0]
		for i, c := range cells[:4] {
			b = append(b, c...)
			for range width[i] - utf8.RuneCountInString(c) + 2 {
				b = append(b, ' ')
			}
		}
		for range width[4] - len(cells[4]) {
			b = append(b, ' ')
		}
		b = append(b, cells[4]...)
		b = append(b, '\n')
		_, err := w.Write(b)
		return err
	}
	if err := row(head); err != nil {
		return err
	}
	return s.EachLine(func(l *runtime.Line) error {
		return row([5]string{l.Rule, l.Kind, l.Period, l.Key, m(l.Amount)})
	})
}

// writeStatementCSV writes one row per line, for finance systems.
func writeStatementCSV(w io.Writer, s *runtime.Statement) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"period", "rule", "kind", "key", "amount", "currency", "title", "source"})
	rec := make([]string, 8)
	err := s.EachLine(func(l *runtime.Line) error {
		rec[0], rec[1], rec[2], rec[3] = l.Period, l.Rule, l.Kind, l.Key
		rec[4], rec[5], rec[6], rec[7] = l.Amount.Decimal().StringFixed(s.Contract.MinorUnits), s.Contract.Currency, l.Title, l.Source
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
