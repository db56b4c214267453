package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"occ/lang/words"
	"occ/runtime"
	"occ/runtime/data"
	"occ/runtime/forecast"
)

// forecastParams are the inputs of occ forecast.
type forecastParams struct {
	spec     string
	scenario string
	from     []string
	runs     int
	seed     uint64
	periods  string
	vary     string
	set      []string
	format   string
	html     string
	workers  int
	limits   data.Limits
}

func init() {
	extraCommands = append(extraCommands, newForecastCmd)
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
(achieved=0.3..0.8:6), each step with the same seeds.`,
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
	f.IntVar(&p.workers, "workers", 0, "runs evaluated at once (default: one per CPU); the output does not depend on it")
	addDataLimitFlags(f, &p.limits)
	return cmd
}

func runForecast(ctx context.Context, p *forecastParams, stdout, stderr io.Writer) error {
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
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	c, err := compileSpec(p.spec, stderr)
	if err != nil {
		return err
	}
	var src forecast.Source
	if p.scenario != "" {
		b, err := os.ReadFile(p.scenario)
		if err != nil {
			return usageError("cannot read scenario %s: %v", p.scenario, errors.Unwrap(err))
		}
		sc, err := forecast.ParseScenario(c, p.scenario, b)
		if err != nil {
			return scenarioFailed(err, stderr)
		}
		src = sc
	} else {
		d, err := loadData(c, p.from, p.limits, stderr, errorFormat(p.format))
		if err != nil {
			return err
		}
		b, err := forecast.NewBootstrap(c, d)
		if err != nil {
			return &exitError{code: exitFindings, msg: err.Error()}
		}
		src = b
	}
	// Runs allocate many short-lived records and statements; collecting
	// garbage half as often saves CPU time for a few hundred MB
	// (docs/performance.md). GOGC, when set, wins.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(200))
	}
	opts := forecast.Options{Runs: p.runs, Seed: p.seed, Workers: p.workers, Periods: p.periods, Set: p.set, Vary: p.vary}
	var bar *progressBar
	if isTerminal(stderr) {
		bar = &progressBar{w: stderr, start: time.Now()}
		opts.Progress = bar.update
	}
	res, err := forecast.Forecast(ctx, c, src, opts)
	if bar != nil {
		bar.clear()
	}
	if err != nil {
		var oe *forecast.OptionError
		if errors.As(err, &oe) {
			return usageError("%s", oe.Msg)
		}
		var se forecast.ScenarioErrors
		if errors.As(err, &se) {
			return scenarioFailed(err, stderr)
		}
		var ee runtime.EvalErrors
		if errors.As(err, &ee) {
			fmt.Fprintln(stderr, err.Error())
			fmt.Fprintln(stderr, "evaluation failed; no forecast produced")
			return findings
		}
		return &exitError{code: exitFindings, msg: err.Error()}
	}
	if p.html != "" {
		var buf bytes.Buffer
		if err := res.WriteHTML(&buf); err != nil {
			return err
		}
		if err := writeFileAtomic(p.html, buf.Bytes()); err != nil {
			return &exitError{code: exitFindings, msg: err.Error()}
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
	_, err = stdout.Write(buf.Bytes())
	return err
}

// scenarioFailed prints a scenario's errors, one per line with its
// file:line:col.
func scenarioFailed(err error, stderr io.Writer) error {
	fmt.Fprintln(stderr, err.Error())
	n := 1
	var se forecast.ScenarioErrors
	if errors.As(err, &se) {
		n = len(se)
	}
	fmt.Fprintf(stderr, "scenario: %s; no forecast produced\n", words.Count(n, "error"))
	return findings
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// progressBar draws the runs done on one line of a terminal, at most ten
// times a second.
type progressBar struct {
	w     io.Writer
	mu    sync.Mutex
	start time.Time
	last  time.Time
	drawn bool
}

func (b *progressBar) update(done, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if done < total && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	const width = 30
	fill := done * width / max(total, 1)
	elapsed := now.Sub(b.start).Round(100 * time.Millisecond)
	fmt.Fprintf(b.w, "\rforecast [%s%s] %3d%% %d/%d runs %s ", strings.Repeat("#", fill), strings.Repeat(".", width-fill),
		done*100/max(total, 1), done, total, elapsed)
	b.drawn = true
}

func (b *progressBar) clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprintf(b.w, "\r%s\r", strings.Repeat(" ", 72))
	}
}
