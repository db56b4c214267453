package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
	"github.com/occ-lang/occ/runtime/ledger"
)

// settleParams are the inputs of occ settle, and of occ eval --ledger.
type settleParams struct {
	spec        string
	data        []string
	period      string
	ledger      string
	set         []string
	by, on      string
	format      string
	output      string
	quiet       bool
	diagnostics string
	limits      data.Limits
}

func newSettleCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &settleParams{}
	cmd := &cobra.Command{
		Use:   "settle SPEC --data FILE... --period P --ledger LEDGER",
		Short: "Settle a period into the ledger: what it pays, with every earlier period's adjustments",
		Long: `Settle evaluates the contract for one settlement period and records it in the
ledger, in one transaction: every line, the prior-period adjustments that
earlier settled periods now need (recomputed from today's data under the
contract version in effect in each), the disputed lines held back, the
contract's hash and version, each data file's hash, the params and who
settled it on what date. A settled period is closed.

LEDGER is a SQLite file (made on first use) or a postgres:// URL. The first
settle registers the contract as version 1, in effect from the term's start;
later ones must give the contract version in effect in the period (see occ
ledger vary). A period already settled, or earlier than the last settled,
is refused. --on (default today) is recorded and never enters a figure.
See docs/ledger.md.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.spec = args[0]
			return runSettle(cmd.Context(), p, stdout, stderr, true)
		},
	}
	addSettleFlags(cmd, p)
	cmd.Flags().StringVar(&p.by, "by", "", "who settles the period, recorded in the ledger")
	cmd.Flags().StringVar(&p.on, "on", "", "the date of the settlement, recorded in the ledger (default today; it enters no figure)")
	return cmd
}

func addSettleFlags(cmd *cobra.Command, p *settleParams) {
	cmd.Flags().StringArrayVar(&p.data, "data", nil, "a data file, or NAME=FILE, or FILE#SHEET for one sheet of a workbook (repeatable)")
	addDataLimitFlags(cmd.Flags(), &p.limits)
	cmd.Flags().StringVar(&p.period, "period", "", "the settlement period: 2026-05, 2026-Q1, 2026/27 or term")
	cmd.Flags().StringVar(&p.ledger, "ledger", "", "the ledger: a SQLite file, or a postgres:// URL")
	cmd.Flags().StringArrayVar(&p.set, "set", nil, "override a param: NAME=VALUE, recorded with the settlement (repeatable)")
	cmd.Flags().BoolVarP(&p.quiet, "quiet", "q", false, "draw no progress line while the data are read and checked")
	addDiagnosticsFlag(cmd, &p.diagnostics)
}

// ledgerDate returns the --on date, ISO: as given, or today. It is the
// one use of the clock in a ledger command, and enters no figure.
func ledgerDate(on string) (string, error) {
	if on == "" {
		return time.Now().Format("2006-01-02"), nil
	}
	d, err := value.ParseDate(on, "")
	if err != nil {
		return "", usageError("--on %q is not a date: write it 2026-05-03", on)
	}
	return d.String(), nil
}

// due is a period worked out against the ledger: its statement and the
// lines a settlement of it records.
type due struct {
	c       *compiler.Contract // the contract given
	st      *runtime.Statement // the period's own statement
	state   *ledger.State
	period  compiler.Period
	number  int
	version *ledger.ContractVersion // the contract's version; Version 0 when it is to be registered
	lines   []ledger.Line
	params  []ledger.Param
	redone  []ledger.PeriodVersion
}

// openLedger opens a ledger argument, failing plainly (exit 1).
func openLedger(ctx context.Context, arg string, create bool) (*ledger.Ledger, error) {
	if arg == "" {
		return nil, usageError("give the ledger with --ledger FILE or --ledger postgres://...")
	}
	l, err := ledger.Open(ctx, arg, create)
	if err != nil {
		return nil, &exitError{code: exitFindings, msg: err.Error()}
	}
	return l, nil
}

// ledgerFailed reports a ledger that could not be read or written.
func ledgerFailed(err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	return &exitError{code: exitFindings, msg: err.Error()}
}

// workDue evaluates the period p names and every period settled before
// it, and works out what a settlement of it records.
func workDue(ctx context.Context, p *settleParams, l *ledger.Ledger, stderr io.Writer) (*due, error) {
	diagFormat, err := diagnosticsFormat(p.diagnostics, "table")
	if err != nil {
		return nil, err
	}
	c, src, err := compileSpec(p.spec, stderr, diagFormat)
	if err != nil {
		return nil, err
	}
	if p.period == "" {
		return nil, usageError("give the period to settle with --period, e.g. --period 2026-05")
	}
	per, err := c.Calendar().Parse(p.period)
	var first, last int
	if err == nil {
		first, last, err = c.Calendar().Settle(per)
	}
	if err != nil {
		return nil, usageError("%v", err)
	}
	if first != last {
		return nil, usageError("%s is more than one settlement period: settle them one at a time", per.Label())
	}
	entries, err := l.Entries(ctx)
	if err != nil {
		return nil, ledgerFailed(err)
	}
	s := ledger.NewState(entries)
	d := &due{c: c, state: s, period: per, number: first + 1}
	if err := checkSettlable(s, c, per); err != nil {
		return nil, err
	}
	d.version = s.VersionByHash(c.Hash)
	if d.version == nil {
		d.version = newVersion(c, src, 0, c.TermFrom.String())
	}
	cs := &contracts{byHash: map[string]*evalContract{}, p: p, stderr: stderr, diag: diagFormat}
	cs.byHash[c.Hash] = &evalContract{c: c}
	cur, st, err := cs.eval(ctx, c, per.Label(), d.version.Version, p.set)
	if err != nil {
		return nil, err
	}
	d.st = st
	// A period settled with no record in it is most often data for
	// another month: say so, as eval does, so that a settlement of nothing
	// is never silent.
	for _, n := range st.Notes {
		fmt.Fprintf(stderr, "occ: note: %s\n", n)
	}
	for _, pv := range st.Params {
		d.params = append(d.params, ledger.Param{Name: pv.Name, Value: pv.Value, Set: pv.Set})
	}
	var prior []ledger.Computed
	for _, e := range s.Settled {
		v := s.VersionFor(e.Settlement.From)
		if v == nil {
			v = d.version
		}
		pc, err := cs.contract(v)
		if err != nil {
			return nil, err
		}
		var sets []string
		for _, prm := range e.Settlement.Params {
			if cp := pc.SettableParam(prm.Name); prm.Set && cp != nil {
				sets = append(sets, prm.Name+"="+contractValue(cp, prm.Value, pc))
			}
		}
		comp, _, err := cs.eval(ctx, pc, e.Period, v.Version, sets)
		if err != nil {
			return nil, err
		}
		prior = append(prior, comp)
		d.redone = append(d.redone, ledger.PeriodVersion{Period: e.Period, Version: v.Version})
	}
	d.lines = ledger.Due(s, cur, prior)
	return d, nil
}

// checkSettlable refuses a period the ledger has settled, or one before
// the last settled, and a contract that is not the version in effect in
// the period.
func checkSettlable(s *ledger.State, c *compiler.Contract, per compiler.Period) error {
	if e := s.Settlement(per.Label()); e != nil {
		return &exitError{code: exitFindings, msg: fmt.Sprintf("%s is already settled (entry %d, on %s%s): a settled period is closed; its changes are paid as adjustments in the next period",
			per.Label(), e.Seq, e.On, byWhom(e.By))}
	}
	if e := s.Last(); e != nil && per.From().String() < e.Settlement.From {
		return &exitError{code: exitFindings, msg: fmt.Sprintf("%s is earlier than %s, the last period settled: settle %s or later",
			per.Label(), e.Period, e.Period)}
	}
	if len(s.Versions) == 0 {
		return nil
	}
	v := s.VersionByHash(c.Hash)
	if v == nil {
		return &exitError{code: exitFindings, msg: fmt.Sprintf("the contract (sha256 %s) is no version the ledger has registered: it has %s; register a new version with occ ledger vary",
			c.Hash[:12], s.VersionList())}
	}
	if in := s.VersionFor(per.From().String()); in != nil && in.Version != v.Version {
		return &exitError{code: exitFindings, msg: fmt.Sprintf("the contract is version %d, but version %d is in effect in %s (from %s): give that version's contract",
			v.Version, in.Version, per.Label(), in.Effective)}
	}
	return nil
}

func byWhom(by string) string {
	if by == "" {
		return ""
	}
	return " by " + by
}

// newVersion is the record of a contract as version n, in effect from
// effective.
func newVersion(c *compiler.Contract, src sources, n int, effective string) *ledger.ContractVersion {
	v := &ledger.ContractVersion{Version: n, Hash: c.Hash, Effective: effective, Title: c.Title, Reference: c.Reference,
		Commissioner: c.Commissioner, Currency: c.Currency, MinorUnits: c.MinorUnits}
	for _, f := range c.Files {
		text := src[f.Name]
		if text == nil {
			text = f.Src
		}
		v.Files = append(v.Files, ledger.SourceFile{Name: filepath.Base(f.Name), Text: string(text)})
	}
	return v
}

// contracts compiles the versions of a contract a settlement needs, and
// loads the data for each, once.
type contracts struct {
	byHash map[string]*evalContract
	p      *settleParams
	stderr io.Writer
	diag   string
}

type evalContract struct {
	c *compiler.Contract
	d *data.Set
}

// contract returns version v compiled from the ledger's copy of it.
func (cs *contracts) contract(v *ledger.ContractVersion) (*compiler.Contract, error) {
	if ec := cs.byHash[v.Hash]; ec != nil {
		return ec.c, nil
	}
	srcs := make([]compiler.Source, len(v.Files))
	for i, f := range v.Files {
		srcs[i] = compiler.Source{Name: f.Name, Text: []byte(f.Text)}
	}
	_, c, ds := compiler.CompileSources(srcs, compiler.WithoutDisk())
	if c == nil || ds.HasErrors() {
		return nil, &exitError{code: exitFindings, msg: fmt.Sprintf("contract version %d in the ledger no longer compiles: %v", v.Version, ds)}
	}
	if c.Hash != v.Hash {
		return nil, &exitError{code: exitFindings, msg: fmt.Sprintf("contract version %d in the ledger does not match its hash: run occ ledger verify", v.Version)}
	}
	cs.byHash[v.Hash] = &evalContract{c: c}
	return c, nil
}

// eval evaluates period under contract c, the data read for c, with the
// --set values sets, into the ledger's lines.
func (cs *contracts) eval(ctx context.Context, c *compiler.Contract, period string, version int, sets []string) (ledger.Computed, *runtime.Statement, error) {
	ec := cs.byHash[c.Hash]
	if ec.d == nil {
		d, err := loadData(c, cs.p.data, cs.p.limits, 0, cs.stderr, cs.diag)
		if err != nil {
			return ledger.Computed{}, nil, err
		}
		ec.d = d
	}
	per, err := c.Calendar().Parse(period)
	if err != nil {
		return ledger.Computed{}, nil, &exitError{code: exitFindings, msg: fmt.Sprintf("contract version %d has no period %s: %v", version, period, err)}
	}
	prog, err := programFor(c, sets, 0, runtime.WithoutInputs())
	if err != nil {
		return ledger.Computed{}, nil, err
	}
	st, err := prog.Eval(ctx, ec.d, per)
	if err != nil {
		return ledger.Computed{}, nil, evalError(err, cs.stderr, cs.diag, nil)
	}
	out := ledger.Computed{Period: period, Version: version}
	for l := range st.Lines() {
		out.Lines = append(out.Lines, ledger.Line{ID: l.ID(), Period: l.Period, Rule: l.Rule, Kind: l.Kind, Key: l.Key,
			Person: l.Person, Title: l.Title, Source: l.Source, Amount: l.Amount})
	}
	return out, st, nil
}

// dataFiles are the data a statement read, as the ledger records them.
func dataFiles(st *runtime.Statement) []ledger.DataFile {
	var out []ledger.DataFile
	for _, f := range st.Data {
		out = append(out, ledger.DataFile{Path: f.Path, Schema: f.Schema, Records: f.Records, SHA256: f.SHA256})
	}
	return out
}

func runSettle(ctx context.Context, p *settleParams, stdout, stderr io.Writer, record bool) error {
	ctx, stop := notifyContext(ctx)
	defer stop()
	stderr = quiet(stderr, p.quiet)
	on, err := ledgerDate(p.on)
	if err != nil {
		return err
	}
	if p.ledger == "" {
		return usageError("give the ledger with --ledger FILE or --ledger postgres://...")
	}
	l, err := openLedger(ctx, p.ledger, record)
	if err != nil {
		return err
	}
	defer l.Close()
	d, err := workDue(ctx, p, l, stderr)
	if err != nil {
		return err
	}
	if err := checkNotInput("-o "+p.output, p.output, dueInputs(d.c, p)); err != nil {
		return err
	}
	e := d.entry(on, p.by)
	if record {
		var es []*ledger.Entry
		if d.version.Version == 0 {
			d.version.Version = 1
			e.Settlement.Version = 1
			es = append(es, &ledger.Entry{Kind: ledger.KindContract, On: on, By: p.by, Contract: d.version})
		}
		es = append(es, e)
		seen := len(d.state.Entries)
		err := l.Append(ctx, func(s *ledger.State) error {
			if err := checkSettlable(s, d.c, d.period); err != nil {
				return err
			}
			if len(s.Entries) != seen {
				return &exitError{code: exitFindings, msg: fmt.Sprintf("the ledger changed while %s was being settled (entry %d was added): settle it again", d.period.Label(), s.Entries[len(s.Entries)-1].Seq)}
			}
			return nil
		}, es...)
		if err != nil {
			return ledgerFailed(err)
		}
	}
	return writeDue(ctx, p.format, p.output, stdout, d.version, d.c, e, !record)
}

// dueInputs are the files occ settle and occ eval --ledger read, which
// their output must not be written over: the contract's, the data and a
// SQLite ledger.
func dueInputs(c *compiler.Contract, p *settleParams) map[string]string {
	in := map[string]string{}
	for _, f := range c.Files {
		in[f.Name] = "the contract file"
	}
	for _, s := range p.data {
		in[dataPath(c, s)] = "the data file"
	}
	addLedgerInput(in, p.ledger)
	return in
}

// addLedgerInput adds a SQLite ledger to a command's inputs; a postgres://
// ledger is no file.
func addLedgerInput(in map[string]string, arg string) {
	if arg != "" && !ledger.IsPostgres(arg) {
		in[arg] = "the ledger"
	}
}

// entry is the settle entry of the due lines.
func (d *due) entry(on, by string) *ledger.Entry {
	cur, adj, held, total := ledger.Totals(d.lines)
	from, to := d.period.From().String(), d.period.To().String()
	return &ledger.Entry{Kind: ledger.KindSettle, Period: d.period.Label(), On: on, By: by, Lines: d.lines,
		Settlement: &ledger.Settlement{Number: d.number, From: from, To: to, Version: d.version.Version, ContractHash: d.c.Hash,
			Data: dataFiles(d.st), Params: d.params, Recomputed: d.redone,
			Current: cur.String(), Adjustments: adj.String(), Held: held.String(), Total: total.String()}}
}
