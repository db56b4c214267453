package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/xuri/excelize/v2"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/value"
	"github.com/occ-lang/occ/lang/words"
	"github.com/occ-lang/occ/runtime/ledger"
)

// The payment schedule of a settlement is what a finance system imports:
// one row per line paid or held, in the columns of the payments-ready
// statement CSV (statementSheets' lines), after them the line's status
// (due or held), its original period (for an adjustment, the period it
// corrects) and the cause of an adjustment. The period columns are the
// settlement's, in which the row is paid.

// scheduleCols are the schedule's columns.
func scheduleCols() []sheetCol {
	var cols []sheetCol
	for _, c := range statementSheets[0].cols {
		if !c.bookOnly {
			cols = append(cols, c)
		}
	}
	return append(cols, sheetCol{"status", "Status", 8, false}, sheetCol{"original_period", "Original period", 12, false},
		sheetCol{"cause", "Cause", 36, false})
}

// scheduleRows calls add with each row of a settlement's schedule, in the
// order of scheduleCols. Under a contract with several payers (c, the
// settlement's version compiled), a line is a row for each payer's part
// of it, as in the payments CSV, an adjustment split as its original
// period's line; c may be nil for one payer, the commissioner.
func scheduleRows(v *ledger.ContractVersion, c *compiler.Contract, e *ledger.Entry, add func(cells ...any) error) error {
	s := e.Settlement
	from, _ := value.ParseDate(s.From, "")
	to, _ := value.ParseDate(s.To, "")
	ref := v.Reference
	if ref == "" {
		ref = v.Title
	}
	whatIf := settlementWhatIf(s)
	for _, l := range e.Lines {
		for _, pt := range linePayers(v, c, l) {
			if err := add(ref, s.Number, l.ID, e.Period, xlsxDate(from), xlsxDate(to), pt.Payer, l.Person, l.Key,
				l.Kind, l.Rule, pt.Amount, v.Currency, l.Title, l.Source, whatIf, l.Status, l.Period, l.Cause); err != nil {
				return fmt.Errorf("line %s: %w", l.ID, err)
			}
		}
	}
	return nil
}

// settlementWhatIf is the --set values of a settlement, NAME=VALUE
// joined by "; ", or "".
func settlementWhatIf(s *ledger.Settlement) string {
	var out []string
	for _, p := range s.Params {
		if p.Set {
			out = append(out, p.Name+"="+p.Value)
		}
	}
	return strings.Join(out, "; ")
}

// writeDue writes a settlement (or, with preview, what a settlement
// would record) in format: table, csv, json or xlsx.
func writeDue(ctx context.Context, format, output string, stdout io.Writer, v *ledger.ContractVersion, c *compiler.Contract, e *ledger.Entry, preview bool) error {
	switch format {
	case "", "table":
		return writeOutput(ctx, output, stdout, func(w io.Writer) error { return writeDueTable(w, v, c, e, preview) })
	case "csv":
		return writeOutput(ctx, output, stdout, func(w io.Writer) error { return writeScheduleCSV(w, v, c, e) })
	case "json":
		return writeOutput(ctx, output, stdout, func(w io.Writer) error { return writeScheduleJSON(w, v, c, e, preview) })
	case "xlsx":
		if err := checkXLSXOutput(output); err != nil {
			return err
		}
		return writeOutput(ctx, output, stdout, func(w io.Writer) error { return xlsxFailed(writeScheduleXLSX(w, v, c, e)) })
	}
	return usageError("unknown format %q: use table, csv, json or xlsx", format)
}

// writeDueTable writes a settlement for people to read: its lines with
// their status and cause, and what it pays.
func writeDueTable(w io.Writer, v *ledger.ContractVersion, c *compiler.Contract, e *ledger.Entry, preview bool) error {
	s := e.Settlement
	t := tableText
	m := func(a value.Money) string { return a.Grouped(v.MinorUnits) }
	fmt.Fprintf(w, "%s\n", t(v.Title))
	if v.Reference != "" {
		fmt.Fprintf(w, "Contract reference %s\n", t(v.Reference))
	}
	fmt.Fprintf(w, "Statement %d for %s (%s to %s), contract version %d\n", s.Number, t(e.Period), s.From, s.To, s.Version)
	if preview {
		fmt.Fprintln(w, "Not settled: what settling it now would record")
	} else {
		fmt.Fprintf(w, "Settled as entry %d on %s%s\n", e.Seq, e.On, t(byWhom(e.By)))
	}
	fmt.Fprintln(w)
	var rows bytes.Buffer
	tw := tabwriter.NewWriter(&rows, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE ID\tKIND\tSTATUS\tAMOUNT\tCAUSE")
	for _, l := range e.Lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t(l.ID), t(l.Kind), l.Status, m(l.Amount), t(l.Cause))
	}
	tw.Flush()
	// A line with no cause ends in the padding of its amount.
	for _, r := range strings.SplitAfter(rows.String(), "\n") {
		if r != "" {
			fmt.Fprintln(w, strings.TrimRight(r, " \n"))
		}
	}
	count := func(pick func(ledger.Line) bool) int {
		n := 0
		for _, l := range e.Lines {
			if pick(l) {
				n++
			}
		}
		return n
	}
	amount := func(s string) string {
		a, err := value.ParseMoney(s)
		if err != nil {
			return s
		}
		return m(a)
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  this period\t%s\t%s\t\n", words.Count(count(func(l ledger.Line) bool { return l.Status == ledger.StatusDue && l.Kind != ledger.KindPriorPeriod }), "line"), amount(s.Current))
	fmt.Fprintf(tw, "  prior-period adjustments\t%s\t%s\t\n", words.Count(count(func(l ledger.Line) bool { return l.Kind == ledger.KindPriorPeriod }), "line"), amount(s.Adjustments))
	fmt.Fprintf(tw, "  held in dispute (not paid)\t%s\t%s\t\n", words.Count(count(func(l ledger.Line) bool { return l.Status == ledger.StatusHeld }), "line"), amount(s.Held))
	tw.Flush()
	if due := dueByPayer(v, c, e); len(due) > 1 {
		fmt.Fprintln(w, "\nDue by payer")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		for _, d := range due {
			fmt.Fprintf(tw, "  %s\t%s\t\n", t(d.Payer), m(d.Amount))
		}
		tw.Flush()
	}
	_, err := fmt.Fprintf(w, "\nDUE %s %s\n", t(v.Currency), amount(s.Total))
	return err
}

// writeScheduleCSV writes a settlement's schedule as CSV, text through
// csvText and amounts to the currency's places.
func writeScheduleCSV(w io.Writer, v *ledger.ContractVersion, c *compiler.Contract, e *ledger.Entry) error {
	cols := scheduleCols()
	cw := csv.NewWriter(w)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.csv
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(cols))
	err := scheduleRows(v, c, e, func(cells ...any) error {
		for i, c := range cells {
			rec[i] = csvCell(c, v.MinorUnits)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// writeScheduleJSON writes a settlement's schedule as JSON: the
// settlement's particulars, then its rows, each an object of the CSV's
// columns; amounts are decimal strings.
func writeScheduleJSON(w io.Writer, v *ledger.ContractVersion, c *compiler.Contract, e *ledger.Entry, preview bool) error {
	s := e.Settlement
	places := v.MinorUnits
	fixed := func(t string) string {
		a, err := value.ParseMoney(t)
		if err != nil {
			return t
		}
		return csvCell(a, places)
	}
	cols := scheduleCols()
	var rows []map[string]string
	err := scheduleRows(v, c, e, func(cells ...any) error {
		r := map[string]string{}
		for i, c := range cells {
			if m, ok := c.(value.Money); ok {
				r[cols[i].csv] = m.Round(places, value.HalfEven).Decimal().StringFixed(places)
				continue
			}
			if t, ok := c.(string); ok {
				r[cols[i].csv] = t
				continue
			}
			r[cols[i].csv] = csvCell(c, places)
		}
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return err
	}
	out := struct {
		Contract     string              `json:"contract"`
		Statement    int                 `json:"statement"`
		Period       string              `json:"period"`
		PeriodStart  string              `json:"period_start"`
		PeriodEnd    string              `json:"period_end"`
		Payer        string              `json:"payer"`
		Currency     string              `json:"currency"`
		Version      int                 `json:"contract_version"`
		Settled      bool                `json:"settled"`
		Entry        int                 `json:"entry,omitempty"`
		Current      string              `json:"current"`
		Adjustments  string              `json:"adjustments"`
		Held         string              `json:"held"`
		Total        string              `json:"total"`
		DueByPayer   []jsonDue           `json:"due_by_payer,omitempty"`
		Lines        []map[string]string `json:"lines"`
		ContractHash string              `json:"contract_sha256"`
	}{contractRefOf(v), s.Number, e.Period, s.From, s.To, v.Commissioner, v.Currency, s.Version, !preview, e.Seq,
		fixed(s.Current), fixed(s.Adjustments), fixed(s.Held), fixed(s.Total), nil, rows, s.ContractHash}
	if due := dueByPayer(v, c, e); len(due) > 1 {
		for _, d := range due {
			out.DueByPayer = append(out.DueByPayer, jsonDue{Payer: d.Payer, Due: csvCell(d.Amount, places)})
		}
	}
	if out.Lines == nil {
		out.Lines = []map[string]string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// contractRefOf is a version's reference, or its title when it has none.
func contractRefOf(v *ledger.ContractVersion) string {
	if v.Reference != "" {
		return v.Reference
	}
	return v.Title
}

// writeScheduleXLSX writes a settlement's schedule as a workbook: a
// Summary, then the rows on Schedule sheets.
func writeScheduleXLSX(w io.Writer, v *ledger.ContractVersion, c *compiler.Contract, e *ledger.Entry) error {
	b, err := newXLSXBook(v.Currency, v.MinorUnits, xlsxOptions{})
	if err != nil {
		return err
	}
	defer b.close()
	names := b.sheetNames("Schedule", len(e.Lines))
	if err := b.addSheets("Summary", names); err != nil {
		return err
	}
	cols := scheduleCols()
	xc := make([]xlsxCol, len(cols))
	for i, c := range cols {
		xc[i] = xlsxCol{c.header, c.width}
	}
	err = b.fill(names, xc, func(add func(...any) error) error {
		return scheduleRows(v, c, e, func(cells ...any) error {
			for j, c := range cells {
				if m, ok := c.(value.Money); ok {
					cells[j] = xlsxMoney(m.Decimal())
				}
			}
			return add(cells...)
		})
	})
	if err != nil {
		return err
	}
	s := e.Settlement
	money := func(t string) any {
		a, err := value.ParseMoney(t)
		if err != nil {
			return t
		}
		return xlsxMoney(a.Decimal())
	}
	fm := b.form("Summary", 28, 44)
	fm.field("Contract", contractRefOf(v))
	fm.field("Title", v.Title)
	fm.field("Payer", v.Commissioner)
	fm.field("Statement", s.Number)
	fm.field("Period", e.Period)
	fm.field("Contract version", s.Version)
	fm.field("This period", money(s.Current))
	fm.field("Prior-period adjustments", money(s.Adjustments))
	fm.field("Held in dispute", money(s.Held))
	fm.field("Due", money(s.Total))
	if due := dueByPayer(v, c, e); len(due) > 1 {
		fm.heading("Payer", "Due")
		for _, d := range due {
			fm.line(0, d.Payer, xlsxMoney(d.Amount.Decimal()))
		}
	}
	if fm.err != nil {
		return fm.err
	}
	_ = b.f.SetDocProps(&excelize.DocProperties{Creator: "occ", Title: v.Title, Subject: "Payment schedule for " + e.Period})
	return b.write(w)
}
