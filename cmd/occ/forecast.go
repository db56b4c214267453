package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime/data"
	"github.com/occ-lang/occ/runtime/forecast"
	"github.com/occ-lang/occ/runtime/ledger"
)

// forecastParams are the inputs of occ forecast.
type forecastParams struct {
	// diagnostics is the format of errors on standard error; "" chooses
	// by format (see diagnosticsFormat).
	diagnostics string
	spec        string
	scenario    string
	from        []string
	runs        int
	seed        uint64
	periods     string
	vary        string
	set         []string
	format      string
	html        string
	xlsx        string
	date        string
	workers     int
	quiet       bool
	ledger      string
	// payer, when set, makes the forecast that payer's (see
	// forecast.Options.Payer).
	payer  string
	limits data.Limits
}

func newForecastCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &forecastParams{}
	cmd := &cobra.Command{
		Use:   "forecast SPEC (--scenario FILE | --from FILE...)",
		Short: "Forecast what a contract will pay, with ranges, by simulating many cohorts",
		Long: `Forecast runs many simulated cohorts through the same evaluator occ eval uses
and reports, per period and for the whole term, the total and each kind of
line (payment, incentive, sanction, share, adjustment) as mean, P10, P50,
P90, min and max, with the chance that each cap binds and each standard is
not met.

The runs' data come from a scenario (--scenario FILE: a cohort and a
distribution for each data field the contract reads; see docs/forecast.md)
or from the provider's own review data, resampled person by person with
replacement (--from FILE...).

The output depends only on the inputs, --runs and --seed: not on --workers.

--periods limits the report to some settlement periods: term, one period
(2026-05, 2026-Q2) or FROM..TO (2026-04..2026-09). By default, the periods
the data covers.

--vary NAME=FROM..TO[:STEPS] also reports the total at evenly spaced values
of a contract param (hourly_rate=£18.00..£22.00) or scenario var
(achieved=0.3..0.8:6), each step drawing the same random numbers, so only
what the value changes moves.

--ledger LEDGER forecasts from where the contract is: every period the
ledger has settled is reported as it was paid (its lines due and the
prior-period adjustments paid in it, the same in every run), and only the
rest of the term is forecast, so the term's total is what has been paid so
far plus the forecast of the rest.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.spec = args[0]
			return runForecast(cmd.Context(), p, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&p.scenario, "scenario", "", "a scenario file (YAML) describing the simulated cohort")
	f.StringArrayVar(&p.from, "from", nil, "resample this historical data file instead of a scenario: a data file, or NAME=FILE (repeatable)")
	f.IntVar(&p.runs, "runs", 1000, "number of simulated runs")
	f.Uint64Var(&p.seed, "seed", 1, "random seed; the same seed gives the same forecast")
	f.StringVar(&p.periods, "periods", "", "the settlement periods to report: term, 2026-05, or FROM..TO (default: those the data covers)")
	f.StringVar(&p.vary, "vary", "", "sweep a param or scenario var: NAME=FROM..TO[:STEPS]")
	f.StringArrayVar(&p.set, "set", nil, "override a contract param or scenario var: NAME=VALUE (repeatable)")
	f.StringVar(&p.format, "format", "text", "output format: text or json")
	f.StringVar(&p.html, "html", "", "also write a self-contained HTML report with charts to this file")
	f.StringVar(&p.xlsx, "xlsx", "", "also write the forecast as a workbook (.xlsx) to this file")
	f.StringVar(&p.date, "date", "", "the date the --html board paper is dated, yyyy-mm-dd (default: none shown; never the clock)")
	f.IntVar(&p.workers, "workers", 0, "runs evaluated at once (default: one per CPU); the output does not depend on it")
	f.BoolVarP(&p.quiet, "quiet", "q", false, "draw no progress line while the runs are made")
	f.StringVar(&p.payer, "payer", "", "forecast this payer's part alone: every amount is the payer's parts of the lines (docs/language.md#payers)")
	f.StringVar(&p.ledger, "ledger", "", "report the periods this settlement ledger has settled as paid, and forecast the rest: a file or postgres://...")
	addDiagnosticsFlag(cmd, &p.diagnostics)
	addDataLimitFlags(f, &p.limits)
	return cmd
}

// runForecast runs occ forecast: it reads the contract, the scenario or
// data, and the flags, runs the forecast and writes its report.
func runForecast(ctx context.Context, p *forecastParams, stdout, stderr io.Writer) error {
	if err := checkForecastParams(p); err != nil {
		return err
	}
	diagFormat, err := diagnosticsFormat(p.diagnostics, p.format)
	if err != nil {
		return err
	}
	p.diagnostics = diagFormat
	ctx, stop := notifyContext(ctx)
	defer stop()
	stderr = quiet(stderr, p.quiet)
	c, contractSrc, err := compileSpec(p.spec, stderr, p.diagnostics)
	if err != nil {
		return err
	}
	if err := checkPayer(c, p.payer); err != nil {
		return err
	}
	if p.html != "" || p.xlsx != "" {
		inputs := evalInputs(c, contractSrc, p.from)
		if p.scenario != "" {
			inputs[p.scenario] = "the scenario"
		}
		if p.ledger != "" && !ledger.IsPostgres(p.ledger) {
			inputs[p.ledger] = "the ledger"
		}
		for _, out := range []struct{ flag, path string }{{"--html", p.html}, {"--xlsx", p.xlsx}} {
			if out.path == "" {
				continue
			}
			if err := checkNotInput(out.flag+" "+out.path, out.path, inputs); err != nil {
				return err
			}
		}
		// One file for both would keep only the workbook, written last.
		if p.html != "" && p.xlsx != "" && sameFile(p.html, p.xlsx) {
			return usageError("--html and --xlsx name one file, %s: give each its own", p.xlsx)
		}
	}
	src, scenarioSrc, err := forecastSource(c, p, stderr)
	if err != nil {
		return err
	}
	// Runs allocate many short-lived records and statements; collecting
	// garbage half as often saves CPU time for a few tens of MB
	// (docs/performance.md). GOGC, when set, wins.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(200))
	}
	opts, err := forecastOptions(c, src, p)
	if err != nil {
		return err
	}
	if p.ledger != "" {
		if opts.Settled, err = ledgerSettled(ctx, p.ledger, c, p.payer); err != nil {
			return err
		}
	}
	bar := newProgress(stderr, "forecast", unitRuns)
	if bar != nil {
		opts.Progress = func(done, total int) { bar.update(int64(done), int64(total)) }
	}
	res, err := forecast.Forecast(ctx, c, src, opts)
	bar.clear()
	if sig := interruptedBy(ctx); sig != nil {
		return interrupted(sig, "no forecast produced")
	}
	if err != nil {
		// Diagnostics point into the scenario or into the contract.
		all := sources{}
		maps.Copy(all, scenarioSrc)
		maps.Copy(all, contractSrc)
		return forecastFailed(err, p, all, stderr)
	}
	return writeForecast(ctx, res, p, stdout)
}

// checkForecastParams reports the mistakes in the flags that need no
// contract to see.
func checkForecastParams(p *forecastParams) error {
	switch p.format {
	case "text", "json":
	default:
		return usageError("unknown format %q: use text or json", p.format)
	}
	if (p.scenario == "") == (len(p.from) == 0) {
		return usageError("give either --scenario FILE or --from FILE... (historical data to resample)")
	}
	if p.runs < 1 {
		return usageError("--runs must be at least 1")
	}
	if p.date != "" {
		if _, err := value.ParseDate(p.date, ""); err != nil {
			return usageError("--date %q is not a date: write yyyy-mm-dd, e.g. 2026-12-03", p.date)
		}
	}
	if p.runs > forecast.MaxRuns {
		return usageError("--runs must be at most %s", words.Number(forecast.MaxRuns))
	}
	return nil
}

// forecastOptions reads --set and --vary into the options of a forecast
// of contract c on data from src.
func forecastOptions(c *compiler.Contract, src forecast.Source, p *forecastParams) (forecast.Options, error) {
	opts := forecast.Options{Runs: p.runs, Seed: p.seed, Workers: p.workers, Periods: p.periods, Payer: p.payer}
	sets, err := parseSet(p.set)
	if err != nil {
		return opts, err
	}
	for _, s := range sets {
		kind, err := forecast.TargetKind(c, src, s.name)
		if err != nil {
			return opts, usageError("--set %s: %s", s.name, diagnosticMessage(err))
		}
		if kind == "param" {
			v, err := c.ParseParam(s.name, s.value)
			if err != nil {
				return opts, usageError("--set %s: %v", s.text, err)
			}
			if opts.Params == nil {
				opts.Params = map[string]ref.Val{}
			}
			opts.Params[s.name] = v
			continue
		}
		d, err := forecast.ParseNumber(s.value)
		if err != nil {
			return opts, usageError("--set %s: %v", s.text, err)
		}
		if opts.Vars == nil {
			opts.Vars = map[string]value.Decimal{}
		}
		opts.Vars[s.name] = d
	}
	if p.vary != "" {
		if opts.Vary, err = parseVary(c, src, p.vary); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

// parseVary reads --vary NAME=FROM..TO[:STEPS]. FROM and TO of a param are
// written as in the contract (£18.00, 20%, 30 days); of a var, as numbers.
func parseVary(c *compiler.Contract, src forecast.Source, text string) (*forecast.Vary, error) {
	bad := func(format string, args ...any) error {
		return usageError("--vary %q: %s", text, fmt.Sprintf(format, args...))
	}
	name, rng, ok := strings.Cut(text, "=")
	if !ok {
		return nil, bad("write NAME=FROM..TO or NAME=FROM..TO:STEPS, e.g. hourly_rate=£18.00..£22.00:5")
	}
	v := &forecast.Vary{Name: strings.TrimSpace(name)}
	if i := strings.LastIndex(rng, ":"); i >= 0 {
		n, err := strconv.Atoi(strings.TrimSpace(rng[i+1:]))
		if err != nil || n < 2 || n > forecast.MaxSteps {
			return nil, bad("STEPS must be a whole number from 2 to %d", forecast.MaxSteps)
		}
		v.Steps, rng = n, rng[:i]
	}
	from, to, ok := strings.Cut(rng, "..")
	if !ok {
		return nil, bad("write the range as FROM..TO")
	}
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	kind, err := forecast.TargetKind(c, src, v.Name)
	if err != nil {
		return nil, usageError("--vary %s: %s", v.Name, diagnosticMessage(err))
	}
	if kind == "var" {
		if v.From, err = forecast.ParseNumber(from); err != nil {
			return nil, bad("%v", err)
		}
		if v.To, err = forecast.ParseNumber(to); err != nil {
			return nil, bad("%v", err)
		}
		return v, nil
	}
	fv, err := c.ParseParam(v.Name, from)
	if err != nil {
		return nil, bad("%v", err)
	}
	tv, err := c.ParseParam(v.Name, to)
	if err != nil {
		return nil, bad("%v", err)
	}
	var okFrom, okTo bool
	v.From, okFrom = paramNumber(fv)
	v.To, okTo = paramNumber(tv)
	if !okFrom || !okTo {
		return nil, bad("param %s is %s; only money, number, whole-number and days params can be swept", v.Name, fv.Type().TypeName())
	}
	return v, nil
}

// paramNumber returns the number a money, number, whole-number or days
// param value stands for, and false for a value of any other type.
func paramNumber(v ref.Val) (value.Decimal, bool) {
	switch x := v.(type) {
	case value.Money:
		return x.Decimal(), true
	case value.Decimal:
		return x, true
	case types.Int:
		return value.DecimalFromInt(int64(x)), true
	case value.Days:
		return value.DecimalFromInt(int64(x)), true
	}
	return value.Decimal{}, false
}

// diagnosticMessage returns the message of the first diagnostic of err,
// or err's text when it is not diagnostics.
func diagnosticMessage(err error) string {
	var ds lang.Diagnostics
	if errors.As(err, &ds) && len(ds) > 0 {
		return ds[0].Message
	}
	return err.Error()
}

// forecastSource reads the scenario, or the data to resample, and returns
// it with the sources to quote in diagnostics.
func forecastSource(c *compiler.Contract, p *forecastParams, stderr io.Writer) (forecast.Source, sources, error) {
	if p.scenario != "" {
		b, err := os.ReadFile(p.scenario)
		if err != nil {
			return nil, nil, usageError("cannot read scenario %s: %v", p.scenario, errors.Unwrap(err))
		}
		src := sources{p.scenario: b}
		sc, err := forecast.ParseScenario(c, p.scenario, b)
		if err != nil {
			return nil, nil, scenarioFailed(err, p, src, stderr)
		}
		return sc, src, nil
	}
	d, err := loadData(c, p.from, p.limits, 0, stderr, p.diagnostics)
	if err != nil {
		return nil, nil, err
	}
	b, err := forecast.NewBootstrap(c, d)
	if err != nil {
		return nil, nil, &exitError{code: exitFindings, msg: err.Error()}
	}
	return b, nil, nil
}

// forecastFailed reports why a forecast could not be made.
func forecastFailed(err error, p *forecastParams, src sources, stderr io.Writer) error {
	var re *forecast.RunError
	if errors.As(err, &re) {
		// The contract failed on the data a run drew: its diagnostics
		// point into the contract, and say which run.
		var ds lang.Diagnostics
		if !errors.As(re.Err, &ds) {
			return &exitError{code: exitFindings, msg: err.Error()}
		}
		ds = append(lang.Diagnostics(nil), ds...)
		for i := range ds {
			ds[i].Detail = fmt.Sprintf("in run %d of the forecast (seed %d)", re.Run, re.Seed)
		}
		return reportFindings(stderr, p.diagnostics, ds, src, "evaluation", "no forecast produced")
	}
	var ds lang.Diagnostics
	if errors.As(err, &ds) && len(ds) > 0 {
		switch ds[0].Code {
		case forecast.CodeBadPeriods:
			return usageError("--periods %q: %s", strings.TrimSpace(p.periods), ds[0].Message)
		case forecast.CodeBadRuns, forecast.CodeBadVary, forecast.CodeUnknownParam, forecast.CodeAmbiguousParam, forecast.CodeBadParamValue:
			// forecastOptions has checked --runs, --set and --vary.
			return usageError("%s", ds[0].Message)
		}
		return scenarioFailed(err, p, src, stderr)
	}
	return &exitError{code: exitFindings, msg: err.Error()}
}

// scenarioFailed prints the diagnostics of a scenario, in the format the
// report was asked in: JSON diagnostics for --format json, text otherwise.
// An error that is not diagnostics ends the command with its message.
func scenarioFailed(err error, p *forecastParams, src sources, stderr io.Writer) error {
	var ds lang.Diagnostics
	if !errors.As(err, &ds) {
		return &exitError{code: exitFindings, msg: err.Error()}
	}
	ds = append(lang.Diagnostics(nil), ds...)
	for i := range ds {
		if ds[i].Code == forecast.CodeDoesNotFit {
			ds[i].Detail = "use --from to resample real data instead"
		}
	}
	return reportFindings(stderr, p.diagnostics, ds, src, "scenario", "no forecast produced")
}

// writeForecast writes the report to stdout, the HTML page with --html and
// the workbook with --xlsx.
func writeForecast(ctx context.Context, res *forecast.Result, p *forecastParams, stdout io.Writer) error {
	if p.html != "" {
		var buf bytes.Buffer
		opts := forecast.HTMLOptions{SweepHint: "give --vary NAME=FROM..TO to see how the total moves with a param or scenario var", Version: currentVersion().Version}
		if p.date != "" {
			d, _ := value.ParseDate(p.date, "") // checked in checkForecastParams
			opts.Date = &d
		}
		if err := res.WriteHTML(&buf, opts); err != nil {
			return err
		}
		if err := writeFileAtomic(ctx, p.html, func(w io.Writer) error {
			_, err := w.Write(buf.Bytes())
			return err
		}); err != nil {
			return err
		}
	}
	if p.xlsx != "" {
		if err := writeForecastXLSXFile(ctx, p.xlsx, res); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if p.format == "json" {
		b, err := res.MarshalJSON()
		if err != nil {
			return err
		}
		buf.Write(b)
	} else if err := res.WriteText(&buf); err != nil {
		return err
	}
	_, err := stdout.Write(buf.Bytes())
	return err
}
