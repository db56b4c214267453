package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
	"github.com/occ-lang/occ/runtime/diff"
)

// diffParams are the inputs of occ diff.
type diffParams struct {
	old, new       string
	data           []string
	period         string
	setOld, setNew []string
	format         string
	output         string
	failOver       string
	workers        int
	quiet          bool
	diagnostics    string
	limits         data.Limits
}

func newDiffCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &diffParams{}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW --data FILE [--data FILE...]",
		Short: "Evaluate the same data under two contracts and show what changes",
		Long: `Diff evaluates the same data under two contracts, OLD and NEW (each a .occ
file, or a directory holding contract.occ): two versions of one contract, or
two contracts such as time and task and individual outcomes on the same
people. It shows the change of the total, by period, by kind, by rule, by
payer and by person, largest change first, and the params and rules that
differ.

Each --data file goes to every contract that reads its data: NAME=FILE to
each contract that declares data NAME, a plain FILE to each contract that
can tell its data from its columns. A file neither contract reads is a usage
error.

--set-old and --set-new override a param of one side for a what-if, as
eval's --set does. --fail-over AMOUNT exits 1 when any period's total moves
by more than AMOUNT either way, for CI on a proposed variation.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.old, p.new = args[0], args[1]
			return runDiff(cmd.Context(), p, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&p.data, "data", nil, "a data file, or NAME=FILE, or FILE#SHEET, given to each contract that reads it (repeatable)")
	addDataLimitFlags(f, &p.limits)
	f.StringVar(&p.period, "period", "", "the period to compare: 2026-05, 2026-Q1, 2026/27, term or FROM..TO")
	f.StringArrayVar(&p.setOld, "set-old", nil, "override a param of the old contract: NAME=VALUE (repeatable)")
	f.StringArrayVar(&p.setNew, "set-new", nil, "override a param of the new contract: NAME=VALUE (repeatable)")
	f.StringVar(&p.format, "format", "table", "output format: table, json, csv, html or xlsx (a workbook: needs -o FILE.xlsx, or -o - for standard output)")
	f.StringVarP(&p.output, "output", "o", "", "write the comparison to this file (atomically; never over an input) instead of standard output; - is standard output")
	f.StringVar(&p.failOver, "fail-over", "", "exit 1 when any period's total moves by more than this amount either way, e.g. £500")
	f.IntVar(&p.workers, "workers", 0, "goroutines evaluating records (default: one per CPU); the output does not depend on it")
	f.BoolVarP(&p.quiet, "quiet", "q", false, "draw no progress line while the data are read and checked")
	addDiagnosticsFlag(cmd, &p.diagnostics)
	return cmd
}

// diffSide is one contract of a comparison, as the command reads it.
type diffSide struct {
	name string // "old" or "new"
	spec string
	c    *compiler.Contract
	src  sources
	data []string // its --data values
	set  []string
	st   *runtime.Statement
}

func runDiff(ctx context.Context, p *diffParams, stdout, stderr io.Writer) error {
	switch p.format {
	case "table", "json", "csv", "html":
	case "xlsx":
		if err := checkXLSXOutput(p.output); err != nil {
			return err
		}
	default:
		return usageError("unknown format %q: use table, json, csv, html or xlsx", p.format)
	}
	ctx, stop := notifyContext(ctx)
	defer stop()
	stderr = quiet(stderr, p.quiet)
	diagFormat, err := diagnosticsFormat(p.diagnostics, p.format)
	if err != nil {
		return err
	}
	sides := []*diffSide{{name: "old", spec: p.old, set: p.setOld}, {name: "new", spec: p.new, set: p.setNew}}
	for _, s := range sides {
		if s.c, s.src, err = compileSpec(s.spec, stderr, diagFormat); err != nil {
			return err
		}
	}
	oldC, newC := sides[0].c, sides[1].c
	if oldC.Currency != newC.Currency {
		return usageError("the contracts are in different currencies (%s in %s, %s in %s), so their amounts cannot be compared",
			p.old, oldC.Currency, p.new, newC.Currency)
	}
	var limit *value.Money
	if p.failOver != "" {
		m, err := parseAmount(p.failOver, oldC.Currency)
		if err != nil {
			return usageError("--fail-over %q: %v", p.failOver, err)
		}
		limit = &m
	}
	settle := make([]compiler.Period, 2)
	if p.period != "" {
		for i, s := range sides {
			settle[i], err = s.c.Calendar().Parse(p.period)
			if err == nil {
				_, _, err = s.c.Calendar().Settle(settle[i])
			}
			if err != nil {
				return usageError("the %s contract (%s): %v", s.name, s.spec, err)
			}
		}
	}
	if err := assignData(sides, p.data, p.limits); err != nil {
		return err
	}
	inputs := map[string]string{}
	for _, s := range sides {
		maps.Copy(inputs, evalInputs(s.c, s.src, s.data))
	}
	if err := checkNotInput("-o "+p.output, p.output, inputs); err != nil {
		return err
	}
	for i, s := range sides {
		if err := s.evaluate(ctx, p, settle[i], stderr, diagFormat); err != nil {
			return err
		}
	}
	d, err := diff.Compare(diff.Side{Contract: oldC, Statement: sides[0].st}, diff.Side{Contract: newC, Statement: sides[1].st})
	if err != nil {
		return &exitError{code: exitFindings, msg: err.Error()}
	}
	r := &diffReport{d: d, old: sides[0], new: sides[1], limit: limit}
	if limit != nil {
		r.over = d.PeriodsOver(*limit)
	}
	if p.format == "xlsx" {
		err = writeOutput(ctx, p.output, stdout, func(w io.Writer) error { return xlsxFailed(diffXLSX(w, r)) })
	} else {
		err = writeOutput(ctx, p.output, stdout, func(w io.Writer) error {
			switch p.format {
			case "json":
				return writeDiffJSON(w, r)
			case "csv":
				return writeDiffCSV(w, r)
			case "html":
				return writeDiffHTML(w, r)
			}
			return writeDiffTable(w, r)
		})
	}
	if err != nil {
		return err
	}
	if len(r.over) > 0 {
		return &exitError{code: exitFindings, msg: r.overText()}
	}
	return nil
}

// evaluate loads the side's data and evaluates its contract for period.
func (s *diffSide) evaluate(ctx context.Context, p *diffParams, period compiler.Period, stderr io.Writer, diagFormat string) error {
	prog, err := programFor(s.c, s.set, p.workers, runtime.WithoutInputs())
	if err != nil {
		return usageError("the %s contract (%s): %v", s.name, s.spec, err)
	}
	d, err := loadData(s.c, s.data, p.limits, p.workers, stderr, diagFormat)
	if err != nil {
		return err
	}
	st, err := prog.Eval(ctx, d, period)
	if sig := interruptedBy(ctx); sig != nil {
		return interrupted(sig, "nothing compared")
	}
	if err != nil {
		return evalError(err, stderr, diagFormat, s.src)
	}
	for _, n := range st.Notes {
		fmt.Fprintf(stderr, "occ: note: %s contract: %s\n", s.name, n)
	}
	s.st = st
	return nil
}

// assignData gives each --data value to the sides that read it: NAME=FILE
// to each whose contract declares data NAME; a plain FILE to each that
// can tell the file's data from its columns (data.Holds). A file that
// neither can tell is given to both, so that its problems are reported
// as eval reports them, unless both say only that the file is not of
// their data: then it is a usage error. A side left with no file is a
// usage error too.
func assignData(sides []*diffSide, specs []string, lim data.Limits) error {
	if len(specs) == 0 {
		return usageError("give the data to evaluate with --data FILE")
	}
	for _, spec := range specs {
		var named []*diffSide
		name, _, hasName := strings.Cut(spec, "=")
		for _, s := range sides {
			if hasName && s.c.Schema(name) != nil {
				named = append(named, s)
			}
		}
		if len(named) > 0 {
			for _, s := range named {
				s.data = append(s.data, spec)
			}
			continue
		}
		path, sheet := splitSheet(spec)
		if _, err := os.Stat(path); err != nil && hasName {
			return usageError("--data %s: neither contract has data named %s (the old has %s; the new has %s)",
				spec, name, dataNames(sides[0].c), dataNames(sides[1].c))
		}
		var holders []*diffSide
		notTheirs := true
		for _, s := range sides {
			names, ds := data.Holds(s.c, data.Input{Path: path, Sheet: sheet, Open: data.File(path)}, lim)
			if len(names) > 0 {
				holders = append(holders, s)
			}
			for _, d := range ds {
				if d.Code != "unknown-data" && d.Code != "ambiguous-data" {
					notTheirs = false
				}
			}
		}
		if len(holders) == 0 && notTheirs {
			return usageError("--data %s: neither contract reads this file's data (the old reads %s; the new reads %s); write NAME=FILE to say which data it holds",
				spec, dataNames(sides[0].c), dataNames(sides[1].c))
		}
		if len(holders) == 0 {
			holders = sides
		}
		for _, s := range holders {
			s.data = append(s.data, spec)
		}
	}
	for _, s := range sides {
		if len(s.data) == 0 {
			return usageError("no --data file holds data the %s contract (%s) reads: it reads %s", s.name, s.spec, dataNames(s.c))
		}
	}
	return nil
}

// dataNames lists a contract's data, as "review and goal".
func dataNames(c *compiler.Contract) string {
	var names []string
	for _, s := range c.Schemas {
		names = append(names, s.Name)
	}
	if len(names) == 0 {
		return "no data"
	}
	return words.And(names)
}

// reAmount is an amount as a commissioner writes one: 500, 1250.50 or
// 1,250.50, after its currency symbol.
var reAmount = regexp.MustCompile(`^(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$`)

// parseAmount parses an amount of money in currency, written with or
// without its symbol: £500, £1,250.50, 1250.50. It must not be negative.
func parseAmount(text, currency string) (value.Money, error) {
	t := strings.TrimSpace(text)
	if sym := value.CurrencySymbols[currency]; sym != "" {
		t = strings.TrimPrefix(t, sym)
	}
	t = strings.TrimSpace(strings.TrimSuffix(t, currency))
	if !reAmount.MatchString(t) {
		return value.Money{}, fmt.Errorf("write an amount in %s, such as %s", currency, moneyText(value.MoneyOf(value.DecimalFromInt(500)), currency, 0))
	}
	return value.ParseMoney(strings.ReplaceAll(t, ",", ""))
}
