package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// evalParams are the inputs of occ eval and occ explain.
type evalParams struct {
	spec    string
	data    []string
	period  string
	set     []string
	format  string
	sheet   string // which table --format csv writes
	output  string
	explain string
	// ledger, with eval, shows what settling the period now would record.
	ledger  string
	workers int
	// quiet turns off the progress line on a terminal.
	quiet bool
	// diagnostics is the format of errors on standard error; "" chooses
	// by format (see diagnosticsFormat).
	diagnostics string
	limits      data.Limits
	// payer, when set, gives that payer's statement (see payerStatement).
	payer string
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
(2026-04..2026-06). Without it, every period the data touches.

--payer NAME gives one payer's statement, for a contract several payers
share: each line's amount is that payer's part of it, and the totals are
sums of the parts.

--format summary writes the JSON statement without its lines: the totals
by period, kind, rule and payer, caps, standards, flags, exclusions, the
records' accounting and the budget, the same to the penny as --format
json's. It makes no lines, so it is faster and far smaller: use it for
runs that need only the money.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.spec = args[0]
			return runEval(cmd.Context(), p, stdout, stderr)
		},
	}
	addEvalFlags(cmd, p)
	cmd.Flags().StringVar(&p.format, "format", "table", "output format: table, json, summary (the JSON statement without its lines), csv or xlsx (a workbook: needs -o FILE.xlsx, or -o - for standard output)")
	cmd.Flags().StringVar(&p.sheet, "sheet", "", "with --format csv, the table to write: lines (the default), caps, standards, flags or exclusions")
	cmd.Flags().StringVarP(&p.output, "output", "o", "", "write the statement to this file (atomically; never over an input) instead of standard output; - is standard output")
	cmd.Flags().StringVar(&p.explain, "explain", "", "explain the line with this key (e.g. P2 or hours:P2) instead of printing the statement")
	cmd.Flags().StringVar(&p.ledger, "ledger", "", "with --period, show what settling it into this ledger would record: its lines, prior-period adjustments and held lines (docs/ledger.md)")
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
	cmd.Flags().BoolVarP(&p.quiet, "quiet", "q", false, "draw no progress line while the data are read and checked")
	cmd.Flags().StringVar(&p.payer, "payer", "", "give this payer's statement: each line's amount is the payer's part of it (docs/language.md#payers)")
	addDiagnosticsFlag(cmd, &p.diagnostics)
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

// compileSpec loads and compiles a contract. It returns the contract's
// source files too, for quoting in later diagnostics. When the contract
// has errors, they are reported on stderr in errFormat (see
// reportFindings).
func compileSpec(spec string, stderr io.Writer, errFormat string) (*compiler.Contract, sources, error) {
	u, err := specUnit(spec)
	if err != nil {
		return nil, nil, err
	}
	src := sources{}
	l := loadContract(u, src)
	if l.contract == nil || l.diags.HasErrors() {
		return nil, nil, reportFindings(stderr, errFormat, l.diags, src, "contract", "nothing evaluated")
	}
	return l.contract, src, nil
}

// evalInputs returns the files a command reads, to be kept from being
// written over: the contract's files (the keys of src) and the data files
// of the --data values specs (the workbook of FILE#SHEET), each with what
// it is.
func evalInputs(c *compiler.Contract, src sources, specs []string) map[string]string {
	in := map[string]string{}
	for name := range src {
		in[name] = "the contract file"
	}
	for _, s := range specs {
		file, _ := splitSheet(dataPath(c, s))
		in[file] = "the data file"
	}
	return in
}

// dataPath returns the file of a --data value: FILE, or NAME=FILE when
// NAME is one of the contract's data.
func dataPath(c *compiler.Contract, spec string) string {
	if name, path, ok := strings.Cut(spec, "="); ok && c.Schema(name) != nil {
		return path
	}
	return spec
}

// loadData reads the --data files and validates them against the
// contract, within the limits lim, CSV files on workers goroutines (0 for
// one per CPU). Problems in the data are reported on stderr in errFormat
// (see reportFindings).
func loadData(c *compiler.Contract, specs []string, lim data.Limits, workers int, stderr io.Writer, errFormat string) (*data.Set, error) {
	if len(specs) == 0 {
		return nil, usageError("give the data to evaluate with --data FILE")
	}
	var inputs []data.Input
	for _, s := range specs {
		in := data.Input{Path: dataPath(c, s)}
		if in.Path != s {
			in.Schema, _, _ = strings.Cut(s, "=")
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
	d, ds := loadInputs(c, inputs, lim, workers, stderr)
	if len(ds) > 0 {
		hintLimits(ds)
		return nil, reportFindings(stderr, errFormat, ds, nil, "data", "no statement produced")
	}
	return d, nil
}

// programFor prepares the evaluator with --set overrides and --workers.
func programFor(c *compiler.Contract, set []string, workers int, more ...runtime.Option) (*runtime.Program, error) {
	opts := append([]runtime.Option(nil), more...)
	sets, err := parseSet(set)
	if err != nil {
		return nil, err
	}
	for _, s := range sets {
		v, err := c.ParseParam(s.name, s.value)
		if err != nil {
			return nil, usageError("%v", err)
		}
		opts = append(opts, runtime.WithParam(s.name, v))
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
	if p.ledger != "" {
		if p.sheet != "" || p.explain != "" || p.payer != "" {
			return usageError("--ledger shows what is due; it takes no --sheet, --explain or --payer")
		}
		if p.format == "summary" {
			return usageError("--ledger shows what is due, line by line; use --format table, json, csv or xlsx")
		}
		return runSettle(ctx, &settleParams{spec: p.spec, data: p.data, period: p.period, ledger: p.ledger, set: p.set,
			format: p.format, output: p.output, quiet: p.quiet, diagnostics: p.diagnostics, limits: p.limits}, stdout, stderr, false)
	}
	switch p.format {
	case "table", "json", "csv":
	case "summary":
		if p.explain != "" {
			return usageError("--explain shows a line; --format summary has none")
		}
	case "xlsx":
		if err := checkXLSXOutput(p.output); err != nil {
			return err
		}
	default:
		return usageError("unknown format %q: use table, json, summary, csv or xlsx", p.format)
	}
	sheet := statementSheets[0]
	if p.sheet != "" {
		var ok bool
		if sheet, ok = sheetNamed(p.sheet); !ok {
			return usageError("unknown --sheet %q: use %s", p.sheet, strings.Join(sheetNames(), ", "))
		}
		if p.format == "summary" {
			return usageError("--sheet picks the table --format csv writes; --format summary writes every table but the lines")
		}
		if p.format != "csv" {
			return usageError("--sheet picks the table --format csv writes; --format %s writes every table", p.format)
		}
	}
	ctx, stop := notifyContext(ctx)
	defer stop()
	stderr = quiet(stderr, p.quiet)
	// The data and the evaluation stay in memory to the end, so the heap
	// is mostly live: collecting when it has grown by 40% rather than
	// doubled keeps a million reviews under 1 GiB for a few percent more
	// CPU time (docs/performance.md). GOGC, when set, wins.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(40))
	}
	diagFormat, err := diagnosticsFormat(p.diagnostics, p.format)
	if err != nil {
		return err
	}
	c, src, err := compileSpec(p.spec, stderr, diagFormat)
	if err != nil {
		return err
	}
	// A period the contract does not have is a mistake in the command
	// line, found before any data is read.
	var settle compiler.Period // the zero Period: every period the data touches
	if p.period != "" {
		settle, err = c.Calendar().Parse(p.period)
		if err == nil {
			_, _, err = c.Calendar().Settle(settle)
		}
		if err != nil {
			return usageError("%v", err)
		}
	}
	if err := checkPayer(c, p.payer); err != nil {
		return err
	}
	if err := checkNotInput("-o "+p.output, p.output, evalInputs(c, src, p.data)); err != nil {
		return err
	}
	var opts []runtime.Option
	switch {
	case p.format == "summary":
		// A summary shows no line: its totals are added up from the
		// evaluation's results, and no line is made.
		opts = append(opts, runtime.WithoutLines())
	case p.format != "json" && p.format != "xlsx" && p.explain == "":
		// The table and CSV do not show each line's inputs: do not
		// gather them.
		opts = append(opts, runtime.WithoutInputs())
	}
	prog, err := programFor(c, p.set, p.workers, opts...)
	if err != nil {
		return err
	}
	d, err := loadData(c, p.data, p.limits, p.workers, stderr, diagFormat)
	if err != nil {
		return err
	}
	// The statement's lines are rendered as they are written, never held
	// whole: a statement of millions of lines needs little memory beyond
	// the evaluation. Evaluation errors come before anything is written.
	st, err := prog.Eval(ctx, d, settle)
	if sig := interruptedBy(ctx); sig != nil {
		return interrupted(sig, "no statement written")
	}
	if err != nil {
		return evalError(err, stderr, diagFormat, src)
	}
	if st, err = payerStatement(st, p.payer); err != nil {
		return err
	}
	// What a reader must be told (no record in the period, say) goes to
	// standard error too, whatever the format, so that a statement of
	// nothing is never silent.
	for _, n := range st.Notes {
		fmt.Fprintf(stderr, "occ: note: %s\n", n)
	}
	// A statement made with --set is a what-if: every form of it says so,
	// so that nobody pays from it by mistake.
	whatIf := whatIfSettings(c, st)
	if p.explain != "" {
		var buf bytes.Buffer
		if len(whatIf) > 0 {
			fmt.Fprintf(&buf, "%s\n\n", whatIfBanner(whatIf))
		}
		if err := writeExplain(&buf, st, p.explain); err != nil {
			return err
		}
		return writeOutput(ctx, p.output, stdout, func(w io.Writer) error {
			_, err := w.Write(buf.Bytes())
			return err
		})
	}
	if p.format == "xlsx" {
		return writeStatementXLSXOutput(ctx, p.output, stdout, st, whatIf)
	}
	return writeOutput(ctx, p.output, stdout, func(w io.Writer) error {
		switch p.format {
		case "json":
			return st.WriteJSON(w)
		case "summary":
			return st.WriteSummaryJSON(w)
		case "csv":
			return writeStatementCSV(w, st, sheet, whatIf)
		}
		return writeStatementTable(w, st, whatIf)
	})
}

// writeOutput writes through a buffer to the output file, atomically (see
// writeFileAtomic), or to standard output when there is no output file or
// it is "-".
func writeOutput(ctx context.Context, output string, stdout io.Writer, write func(io.Writer) error) error {
	buffered := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	if output == "" || output == "-" {
		return buffered(stdout)
	}
	return writeFileAtomic(ctx, output, buffered)
}

// evalError reports an evaluation that produced no statement: its
// diagnostics in format (text or json), quoting the contract's sources.
func evalError(err error, stderr io.Writer, format string, src sources) error {
	var ds lang.Diagnostics
	if errors.As(err, &ds) {
		return reportFindings(stderr, format, ds, src, "evaluation", "no statement produced")
	}
	if errors.Is(err, runtime.ErrNoRecordsInTerm) {
		return &exitError{code: exitFindings, msg: err.Error() + "; give --period to settle a period anyway"}
	}
	return &exitError{code: exitFindings, msg: err.Error()}
}

// whatIfSettings returns the params of a statement that --set gave other
// values than the contract's, as NAME=VALUE with the value written as in
// the contract (hourly_rate=£21.00, quick_bonus=30%), in the contract's
// order; none for a statement of the contract as written.
func whatIfSettings(c *compiler.Contract, st *runtime.Statement) []string {
	var out []string
	for _, p := range st.Params {
		if !p.Set {
			continue
		}
		v := p.Value
		if prm := c.SettableParam(p.Name); prm != nil {
			v = contractValue(prm, v, c)
		}
		out = append(out, p.Name+"="+v)
	}
	return out
}

// contractValue writes a param's value, as the statement holds it (money
// without its sign, a percentage as a fraction), as the contract writes
// it: £21.00, 30%.
func contractValue(prm *compiler.Param, v string, c *compiler.Contract) string {
	d, err := value.ParseDecimal(v)
	if err != nil {
		return v
	}
	_, money := prm.Default.(value.Money)
	switch {
	case money:
		return moneyText(value.MoneyOf(d), c.Currency, c.MinorUnits)
	case prm.Percent:
		x, err := d.Mul(value.DecimalFromInt(100))
		if err != nil {
			return v
		}
		t := x.String()
		if strings.Contains(t, ".") {
			t = strings.TrimSuffix(strings.TrimRight(t, "0"), ".")
		}
		return t + "%"
	}
	return v
}

// moneyText writes an amount with its currency's symbol and its thousands
// grouped, to places decimal places: £1,250.50, -£3.20; a currency with no
// symbol of its own by its code: 1,250.50 CHF.
func moneyText(m value.Money, currency string, places int32) string {
	g := m.Grouped(places)
	sym, ok := value.CurrencySymbols[currency]
	if !ok {
		return g + " " + currency
	}
	if neg, ok := strings.CutPrefix(g, "-"); ok {
		return "-" + sym + neg
	}
	return sym + g
}

// whatIfBanner is the line that heads a what-if statement's table.
func whatIfBanner(settings []string) string {
	return "WHAT-IF: " + tableText(strings.Join(settings, ", ")) + " (not the contract's values; do not pay from this statement)"
}

// writeStatementTable writes the statement for people to read. Text from
// the data, the command line and the contract is shown through tableText,
// so that no control character reaches the terminal. A what-if (whatIf,
// from whatIfSettings) says so on its first line and on its total.
func writeStatementTable(w io.Writer, s *runtime.Statement, whatIf []string) error {
	c := s.Contract
	m := func(v value.Money) string { return v.Grouped(c.MinorUnits) }
	t := tableText
	if len(whatIf) > 0 {
		fmt.Fprintf(w, "%s\n\n", whatIfBanner(whatIf))
	}
	fmt.Fprintf(w, "%s\n", t(c.Title))
	if c.Commissioner != "" || c.Provider != "" {
		fmt.Fprintf(w, "%s / %s\n", t(c.Commissioner), t(c.Provider))
	}
	if c.Reference != "" {
		fmt.Fprintf(w, "Contract reference %s\n", t(c.Reference))
	}
	fmt.Fprintf(w, "Statement for %s (settled %s, %s, rounding %s)\n", t(s.Period), c.Settlement, t(c.Currency), c.Rounding)
	writePayerHeading(w, s)
	fmt.Fprintf(w, "Spec sha256 %s\n", c.SpecSHA256)
	for _, f := range s.Data {
		fmt.Fprintf(w, "Data %s (%s, %d records) sha256 %s\n", t(f.Path), t(f.Schema), f.Records, f.SHA256)
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "Note: %s\n", t(n))
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
			fmt.Fprintf(tw, "  %s\t%s\t%s\t\n", t(st.Name), words.Count(st.Lines, "line"), m(st.Amount))
		}
		tw.Flush()
		section("Subtotals by rule")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		for _, st := range s.ByRule {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t\n", t(st.Name), words.Count(st.Lines, "line"), m(st.Amount))
		}
		tw.Flush()
		writeByPayer(w, s, m)
	}
	if len(s.Caps) > 0 {
		section("Caps and floors")
		for _, cp := range s.Caps {
			fmt.Fprintf(w, "  %s %s %s: covered %s, limit %s, adjustment %s\n", cp.Kind, t(cp.Rule), t(cp.Instance),
				m(cp.Covered), m(cp.Limit), m(cp.Adjustment))
		}
	}
	if len(s.Standards) > 0 {
		section("Standards")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, st := range s.Standards {
			measure, target := st.Display()
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", t(st.Instance), t(st.Rule), measure, target, st.Status(), t(st.Consequence))
		}
		tw.Flush()
	}
	if len(s.Flags) > 0 {
		section("Flags")
		for _, f := range s.Flags {
			fmt.Fprintf(w, "  %s %s: %s\n", t(f.Rule), t(f.Key), t(f.Title))
		}
	}
	if len(s.Excluded) > 0 {
		section("Excluded")
		for _, x := range s.Excluded {
			src := ""
			if x.Source != "" {
				src = " (" + t(x.Source) + ")"
			}
			if s.DueLine(x) {
				src += ", the line of " + t(x.Rule)
			}
			fmt.Fprintf(w, "  %s %s%s: %s\n", t(x.Data), t(x.Key), src, t(x.Reason))
		}
	}
	r := s.Records
	fmt.Fprintf(w, "\nRecords: %d in the data; %d evaluated for this statement, %d for earlier periods, %d later, %d excluded\n",
		r.Input, r.Evaluated, r.Earlier, r.Later, r.Excluded)
	if len(s.Periods) > 1 {
		section("Totals by period")
		for _, p := range s.Periods {
			fmt.Fprintf(w, "  %s  %s\n", t(p.Period), m(p.Total))
		}
	}
	mark := ""
	if len(whatIf) > 0 {
		mark = "  (WHAT-IF: not the contract's values)"
	}
	if b := s.Budget; b != nil {
		section("Budget")
		of := "this statement (" + t(s.Period) + " alone)"
		if b.WholeTerm {
			of = "the whole term"
		}
		fmt.Fprintf(w, "  term budget %s; %s %s; headroom %s\n", m(b.Amount), of, m(b.Total), m(b.Headroom))
		if b.Headroom.Decimal().Sign() < 0 {
			fmt.Fprintf(w, "  OVER BUDGET by %s\n", m(value.MoneyOf(b.Headroom.Decimal().Neg())))
		}
	}
	_, err := fmt.Fprintf(w, "\nTOTAL %s %s%s\n", t(c.Currency), m(s.Total), mark)
	return err
}

// writeLinesTable writes the statement's lines as aligned columns under
// the header RULE KIND PERIOD KEY AMOUNT, amounts right-aligned, text
// through tableText. It visits the lines twice, first for the columns'
// widths, so that it never holds them all.
func writeLinesTable(w io.Writer, s *runtime.Statement, m func(value.Money) string) error {
	head := [5]string{"RULE", "KIND", "PERIOD", "KEY", "AMOUNT"}
	var width [5]int
	for i, h := range head {
		width[i] = utf8.RuneCountInString(h)
	}
	t := tableText
	for l := range s.Lines() {
		for i, c := range [4]string{t(l.Rule), t(l.Kind), t(l.Period), t(l.Key)} {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
		width[4] = max(width[4], len(m(l.Amount)))
	}
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
	for l := range s.Lines() {
		if err := row([5]string{t(l.Rule), t(l.Kind), t(l.Period), t(l.Key), m(l.Amount)}); err != nil {
			return err
		}
	}
	return nil
}
