package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime/ledger"
)

func newLedgerCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Work with a settlement ledger: variations, disputes, schedules and audit",
		Long: `The ledger subcommands register contract variations, dispute and resolve
lines, write a settled period's payment schedule, and audit the ledger.
See docs/ledger.md.`,
		Args: cobra.NoArgs,
	}
	for _, add := range []func(stdout, stderr io.Writer) *cobra.Command{
		newVaryCmd, newDisputeCmd, newResolveCmd, newScheduleCmd, newVerifyCmd, newHistoryCmd, newShowCmd, newReproduceCmd,
	} {
		cmd.AddCommand(add(stdout, stderr))
	}
	return cmd
}

// ledgerState opens a ledger that must exist and reads its state.
func ledgerState(ctx context.Context, arg string) (*ledger.Ledger, *ledger.State, error) {
	l, err := openLedger(ctx, arg, false)
	if err != nil {
		return nil, nil, err
	}
	es, err := l.Entries(ctx)
	if err != nil {
		l.Close()
		return nil, nil, ledgerFailed(err)
	}
	return l, ledger.NewState(es), nil
}

func newVaryCmd(stdout, stderr io.Writer) *cobra.Command {
	var effective, by, on string
	cmd := &cobra.Command{
		Use:   "vary LEDGER NEW.occ --effective DATE",
		Short: "Register a new version of the contract, in effect from a date",
		Long: `Vary registers a contract variation: the new contract, in effect for every
period that starts on or after --effective. A date before periods already
settled backdates it: the next settlement pays (or recovers) the arrears,
line by line.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			date, err := value.ParseDate(effective, "")
			if err != nil {
				return usageError("--effective %q is not a date: write it 2026-04-01", effective)
			}
			when, err := ledgerDate(on)
			if err != nil {
				return err
			}
			c, src, err := compileSpec(args[1], stderr, "text")
			if err != nil {
				return err
			}
			l, _, err := ledgerState(ctx, args[0])
			if err != nil {
				return err
			}
			defer l.Close()
			v := newVersion(c, src, 0, date.String())
			err = l.Append(ctx, func(s *ledger.State) error {
				if len(s.Versions) == 0 {
					return &exitError{code: exitFindings, msg: "the ledger has no contract yet: the first occ settle registers it as version 1"}
				}
				if old := s.VersionByHash(c.Hash); old != nil {
					return &exitError{code: exitFindings, msg: fmt.Sprintf("this contract is already version %d, effective %s", old.Version, old.Effective)}
				}
				v.Version = s.Versions[len(s.Versions)-1].Version + 1
				return nil
			}, &ledger.Entry{Kind: ledger.KindContract, On: when, By: by, Contract: v})
			if err != nil {
				return ledgerFailed(err)
			}
			fmt.Fprintf(stdout, "registered contract version %d (sha256 %s), in effect from %s\n", v.Version, c.Hash[:12], v.Effective)
			return nil
		},
	}
	cmd.Flags().StringVar(&effective, "effective", "", "the date the variation takes effect, by a period's start")
	cmd.Flags().StringVar(&by, "by", "", "who registers it, recorded in the ledger")
	cmd.Flags().StringVar(&on, "on", "", "the date it is registered (default today)")
	return cmd
}

func newDisputeCmd(stdout, stderr io.Writer) *cobra.Command {
	var reason, by, on string
	cmd := &cobra.Command{
		Use:   "dispute LEDGER LINE_ID --reason TEXT",
		Short: "Hold a line back from payment while it is disputed",
		Long: `Dispute holds a line back: a line of the next period to settle is shown as
held and not paid; a line already paid is recovered at the next settlement
and shown as held until the dispute is resolved (occ ledger resolve).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id := args[1]
			if strings.TrimSpace(reason) == "" {
				return usageError("say why the line is disputed with --reason TEXT")
			}
			when, err := ledgerDate(on)
			if err != nil {
				return err
			}
			l, _, err := ledgerState(ctx, args[0])
			if err != nil {
				return err
			}
			defer l.Close()
			err = l.Append(ctx, func(s *ledger.State) error {
				if d := s.Dispute(id); d != nil && d.Open() {
					return &exitError{code: exitFindings, msg: fmt.Sprintf("%s is already in dispute (entry %d): %s", id, d.Raised, d.Reason)}
				}
				if s.Settlement(ledger.PeriodOf(id)) != nil && s.Paid(id).IsZero() && !lineKnown(s, id) {
					return &exitError{code: exitFindings, msg: fmt.Sprintf("no line %s in the ledger: %s is settled and has no such line", id, ledger.PeriodOf(id))}
				}
				return nil
			}, &ledger.Entry{Kind: ledger.KindDispute, On: when, By: by, Dispute: &ledger.Dispute{LineID: id, Reason: reason}})
			if err != nil {
				return ledgerFailed(err)
			}
			fmt.Fprintf(stdout, "%s is held in dispute\n", id)
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the line is disputed")
	cmd.Flags().StringVar(&by, "by", "", "who disputes it, recorded in the ledger")
	cmd.Flags().StringVar(&on, "on", "", "the date of the dispute (default today)")
	return cmd
}

// lineKnown reports whether the ledger has recorded a line id.
func lineKnown(s *ledger.State, id string) bool {
	for _, e := range s.Settled {
		for _, l := range e.Lines {
			if l.ID == id {
				return true
			}
		}
	}
	return false
}

func newResolveCmd(stdout, stderr io.Writer) *cobra.Command {
	var accept, reject bool
	var agree, by, on string
	cmd := &cobra.Command{
		Use:   "resolve LEDGER LINE_ID --accept|--reject|--agree AMOUNT",
		Short: "Resolve a disputed line: accepted, rejected or agreed at an amount",
		Long: `Resolve ends a line's dispute. Accepted, the line is paid at the contract's
amount in the next settlement; rejected, it is void; agreed, it is paid at
the agreed amount (--agree £120.00).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id := args[1]
			n := 0
			for _, b := range []bool{accept, reject, agree != ""} {
				if b {
					n++
				}
			}
			if n != 1 {
				return usageError("give one of --accept, --reject or --agree AMOUNT")
			}
			r := &ledger.Resolution{LineID: id, Outcome: ledger.Accept}
			if reject {
				r.Outcome = ledger.Reject
			}
			when, err := ledgerDate(on)
			if err != nil {
				return err
			}
			l, st, err := ledgerState(ctx, args[0])
			if err != nil {
				return err
			}
			defer l.Close()
			if agree != "" {
				places, sym := int32(2), ""
				if len(st.Versions) > 0 {
					places, sym = st.Versions[0].MinorUnits, value.CurrencySymbols[st.Versions[0].Currency]
				}
				m, err := parseAgreed(agree, sym, places)
				if err != nil {
					return err
				}
				r.Outcome, r.Amount = ledger.Agree, m.String()
			}
			err = l.Append(ctx, func(s *ledger.State) error {
				if d := s.Dispute(id); d == nil || !d.Open() {
					return &exitError{code: exitFindings, msg: fmt.Sprintf("%s is not in dispute", id)}
				}
				return nil
			}, &ledger.Entry{Kind: ledger.KindResolve, On: when, By: by, Resolution: r})
			if err != nil {
				return ledgerFailed(err)
			}
			fmt.Fprintf(stdout, "%s resolved: %s\n", id, strings.TrimPrefix((&ledger.Entry{Resolution: r}).Describe(), "resolve "+id+": "))
			return nil
		},
	}
	cmd.Flags().BoolVar(&accept, "accept", false, "the line stands: pay it at the contract's amount")
	cmd.Flags().BoolVar(&reject, "reject", false, "the line is void")
	cmd.Flags().StringVar(&agree, "agree", "", "pay the line at this agreed amount, e.g. £120.00")
	cmd.Flags().StringVar(&by, "by", "", "who resolves it, recorded in the ledger")
	cmd.Flags().StringVar(&on, "on", "", "the date of the resolution (default today)")
	return cmd
}

// parseAgreed reads an agreed amount: £1,250.00 or 1250.00, in the
// ledger's currency (sym is its symbol, "" for none), commas grouping
// thousands in threes, to at most the currency's places. Anything else is
// refused rather than read as some other amount: 12,50 is not £1,250.
func parseAgreed(s, sym string, places int32) (value.Money, error) {
	bad := usageError("--agree %q is not an amount: write it like %s120.00", s, sym)
	t := strings.TrimSpace(s)
	if sym != "" {
		t = strings.TrimPrefix(t, sym)
	}
	intPart, frac, _ := strings.Cut(t, ".")
	if strings.Contains(frac, ",") {
		return value.Money{}, bad
	}
	if groups := strings.Split(intPart, ","); len(groups) > 1 {
		for i, g := range groups {
			if len(g) == 0 || len(g) > 3 || (i > 0 && len(g) != 3) || strings.Trim(g, "0123456789") != "" {
				return value.Money{}, usageError("--agree %q is not an amount: commas group thousands in threes, like %s1,250.00", s, sym)
			}
		}
	}
	m, err := value.ParseMoney(strings.ReplaceAll(t, ",", ""))
	if err != nil {
		return value.Money{}, bad
	}
	if m.Round(places, value.HalfEven).Cmp(m) != 0 {
		return value.Money{}, usageError("--agree %q has more than %d decimal places", s, places)
	}
	return m, nil
}

// settledEntry returns the settlement of period and the contract version
// it was made under.
func settledEntry(s *ledger.State, period string) (*ledger.Entry, *ledger.ContractVersion, error) {
	e := s.Settlement(period)
	if e == nil {
		var have []string
		for _, x := range s.Settled {
			have = append(have, x.Period)
		}
		list := "none"
		if len(have) > 0 {
			list = strings.Join(have, ", ")
		}
		return nil, nil, &exitError{code: exitFindings, msg: fmt.Sprintf("%s is not settled (settled: %s); occ eval --ledger shows what settling it would record", period, list)}
	}
	v := s.Version(e.Settlement.Version)
	if v == nil {
		return nil, nil, &exitError{code: exitFindings, msg: fmt.Sprintf("%s was settled under contract version %d, which the ledger does not hold: run occ ledger verify", period, e.Settlement.Version)}
	}
	return e, v, nil
}

func newScheduleCmd(stdout, stderr io.Writer) *cobra.Command {
	var period, format, output string
	cmd := &cobra.Command{
		Use:   "schedule LEDGER --period P --format csv|json|xlsx",
		Short: "Write a settled period's payment schedule for a finance system",
		Long: `Schedule writes what a settled period pays its payer (the commissioner):
the period's lines, the prior-period adjustments and the lines held in
dispute, in the columns of occ eval --format csv with status,
original_period and cause after them.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if period == "" {
				return usageError("give the settled period with --period")
			}
			if format != "csv" && format != "json" && format != "xlsx" {
				return usageError("unknown format %q: use csv, json or xlsx", format)
			}
			in := map[string]string{}
			addLedgerInput(in, args[0])
			if err := checkNotInput("-o "+output, output, in); err != nil {
				return err
			}
			l, s, err := ledgerState(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			defer l.Close()
			e, v, err := settledEntry(s, period)
			if err != nil {
				return err
			}
			c, err := (&contracts{byHash: map[string]*evalContract{}}).contract(v)
			if err != nil {
				return err
			}
			return writeDue(cmd.Context(), format, output, stdout, v, c, e, false)
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "the settled period")
	cmd.Flags().StringVar(&format, "format", "csv", "csv, json or xlsx (a workbook: needs -o FILE.xlsx, or -o - for standard output)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the schedule to this file (atomically) instead of standard output")
	return cmd
}

func newShowCmd(stdout, stderr io.Writer) *cobra.Command {
	var period string
	cmd := &cobra.Command{
		Use:   "show LEDGER --period P",
		Short: "Show a settled period: its lines, adjustments, held lines and what it paid",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if period == "" {
				return usageError("give the settled period with --period")
			}
			l, s, err := ledgerState(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			defer l.Close()
			e, v, err := settledEntry(s, period)
			if err != nil {
				return err
			}
			c, err := (&contracts{byHash: map[string]*evalContract{}}).contract(v)
			if err != nil {
				return err
			}
			return writeDue(cmd.Context(), "table", "", stdout, v, c, e, false)
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "the settled period")
	return cmd
}

func newHistoryCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "history LEDGER",
		Short: "List the ledger's entries: what happened, when and by whom",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, s, err := ledgerState(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			defer l.Close()
			for _, e := range s.Entries {
				by := e.By
				if by == "" {
					by = "-"
				}
				fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\n", e.Seq, e.On, tableText(by), tableText(e.Describe()))
			}
			return nil
		},
	}
}

func newVerifyCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "verify LEDGER",
		Short: "Check the ledger's hash chain: find any entry edited or deleted behind occ's back",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := openLedger(cmd.Context(), args[0], false)
			if err != nil {
				return err
			}
			defer l.Close()
			ps, n, err := l.Verify(cmd.Context())
			if err != nil {
				return ledgerFailed(err)
			}
			if len(ps) == 0 {
				fmt.Fprintf(stdout, "ledger %s: %d entries, hash chain intact\n", l.Name(), n)
				return nil
			}
			for _, p := range ps {
				fmt.Fprintf(stderr, "occ: ledger %s: %s\n", l.Name(), p)
			}
			return &exitError{code: exitFindings, msg: fmt.Sprintf("ledger %s has been changed behind occ's back: %s", l.Name(), words.Count(len(ps), "problem"))}
		},
	}
}

func newReproduceCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &settleParams{}
	cmd := &cobra.Command{
		Use:   "reproduce LEDGER --period P --data FILE...",
		Short: "Re-evaluate a settled period from the given files: identical, or which input differs",
		Long: `Reproduce evaluates a settled period again, under the contract version and
params it was settled with, from the given data files, and says
"identical" when the inputs and the period's own lines are what was
settled, or which data file, contract or line differs (exit 1).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.ledger = args[0]
			return runReproduce(cmd.Context(), p, stdout, stderr)
		},
	}
	cmd.Flags().StringArrayVar(&p.data, "data", nil, "a data file, or NAME=FILE, or FILE#SHEET (repeatable)")
	cmd.Flags().StringVar(&p.period, "period", "", "the settled period")
	cmd.Flags().BoolVarP(&p.quiet, "quiet", "q", false, "draw no progress line while the data are read and checked")
	addDataLimitFlags(cmd.Flags(), &p.limits)
	return cmd
}

func runReproduce(ctx context.Context, p *settleParams, stdout, stderr io.Writer) error {
	if p.period == "" {
		return usageError("give the settled period with --period")
	}
	stderr = quiet(stderr, p.quiet)
	l, s, err := ledgerState(ctx, p.ledger)
	if err != nil {
		return err
	}
	defer l.Close()
	e, v, err := settledEntry(s, p.period)
	if err != nil {
		return err
	}
	cs := &contracts{byHash: map[string]*evalContract{}, p: p, stderr: stderr, diag: "text"}
	c, err := cs.contract(v)
	if err != nil {
		return err
	}
	var sets []string
	for _, prm := range e.Settlement.Params {
		if cp := c.SettableParam(prm.Name); prm.Set && cp != nil {
			sets = append(sets, prm.Name+"="+contractValue(cp, prm.Value, c))
		}
	}
	comp, st, err := cs.eval(ctx, c, e.Period, v.Version, sets)
	if err != nil {
		return err
	}
	diffs := reproduceDiffs(e, dataFiles(st), comp)
	if len(diffs) == 0 {
		fmt.Fprintf(stdout, "identical: %s reproduces from these inputs under contract version %d\n", e.Period, v.Version)
		return nil
	}
	for _, d := range diffs {
		fmt.Fprintf(stdout, "%s\n", tableText(d))
	}
	return &exitError{code: exitFindings, msg: fmt.Sprintf("%s does not reproduce: %s", e.Period, words.Count(len(diffs), "difference"))}
}

// reproduceDiffs says how an evaluation's inputs and lines differ from a
// settlement's: data files by name, then lines of the period by id.
func reproduceDiffs(e *ledger.Entry, files []ledger.DataFile, comp ledger.Computed) []string {
	var out []string
	// A settled file pairs with the given file of its name, or else with
	// a given file of the same data: what matters is the content.
	used := make([]bool, len(files))
	pair := func(f ledger.DataFile, same func(g ledger.DataFile) bool) int {
		for i, g := range files {
			if !used[i] && same(g) {
				used[i] = true
				return i
			}
		}
		return -1
	}
	at := make([]int, len(e.Settlement.Data))
	for i, f := range e.Settlement.Data {
		at[i] = pair(f, func(g ledger.DataFile) bool { return g.Path == f.Path })
	}
	for i, f := range e.Settlement.Data {
		if at[i] < 0 {
			at[i] = pair(f, func(g ledger.DataFile) bool { return g.Schema == f.Schema })
		}
	}
	for i, f := range e.Settlement.Data {
		if at[i] < 0 {
			out = append(out, fmt.Sprintf("data file %s (%s) was settled but no file of %s is given", f.Path, f.Schema, f.Schema))
			continue
		}
		if g := files[at[i]]; g.SHA256 != f.SHA256 {
			out = append(out, fmt.Sprintf("data file %s differs from %s as settled: sha256 %s (%d records) where %s (%d records) was settled",
				g.Path, f.Path, g.SHA256[:12], g.Records, f.SHA256[:12], f.Records))
		}
	}
	for i, g := range files {
		if !used[i] {
			out = append(out, fmt.Sprintf("data file %s (%s) is given but was not settled", g.Path, g.Schema))
		}
	}
	was := map[string]value.Money{}
	var order []string
	for _, l := range e.Lines {
		if l.Kind == ledger.KindPriorPeriod || l.Period != e.Period {
			continue
		}
		if _, ok := was[l.ID]; !ok {
			order = append(order, l.ID)
		}
		was[l.ID] = l.Amount
	}
	now := map[string]value.Money{}
	for _, l := range comp.Lines {
		m, _ := now[l.ID].Add(l.Amount)
		now[l.ID] = m
		if _, ok := was[l.ID]; !ok {
			out = append(out, fmt.Sprintf("line %s: not settled, now %s", l.ID, l.Amount))
		}
	}
	for _, id := range order {
		n, ok := now[id]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("line %s: settled %s, now absent", id, was[id]))
		case n.Cmp(was[id]) != 0:
			out = append(out, fmt.Sprintf("line %s: settled %s, now %s", id, was[id], n))
		}
	}
	return out
}
