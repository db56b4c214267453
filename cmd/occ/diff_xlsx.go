package main

// occ diff --format xlsx: the comparison as a workbook, built with the
// statement's workbook helpers (xlsx.go): Summary (the two contracts, the
// total, the changes by kind and by payer, and --fail-over), By period,
// By rule, By person, Params and Rule changes. Amounts are numbers in the
// contract's currency format, dates are dates.

import (
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/occ-lang/occ/runtime/diff"
)

// The columns of a comparison's tables.
var (
	xlsxChangeCols = []xlsxCol{{"Old", 14}, {"New", 14}, {"Change", 14}, {"Old lines", 10}, {"New lines", 10}}
	xlsxDiffPeriod = append([]xlsxCol{{"Period", 12}, {"From", 11}, {"To", 11}}, append(xlsxChangeCols, xlsxCol{"Over --fail-over", 16})...)
	xlsxDiffRule   = append([]xlsxCol{{"Rule", 20}}, xlsxChangeCols...)
	xlsxDiffPerson = append([]xlsxCol{{"Person", 20}}, xlsxChangeCols...)
	xlsxDiffParams = []xlsxCol{{"Param", 22}, {"Change", 10}, {"Old", 16}, {"New", 16}, {"Old set", 9}, {"New set", 9}}
	xlsxDiffRules  = []xlsxCol{{"Rule", 20}, {"Change", 10}, {"Kind", 11}, {"Title", 40}, {"Clause", 12}, {"Old", 50}, {"New", 50}}
)

// changeCells are a change's cells, in the order of xlsxChangeCols.
func changeCells(c diff.Change) []any {
	return []any{xlsxMoney(c.Old.Decimal()), xlsxMoney(c.New.Decimal()), xlsxMoney(c.Delta.Decimal()), c.OldLines, c.NewLines}
}

// diffXLSX writes the comparison as a workbook.
func diffXLSX(w io.Writer, r *diffReport) error {
	d := r.d
	b, err := newXLSXBook(d.Currency, d.MinorUnits, xlsxOptions{})
	if err != nil {
		return err
	}
	defer b.close()
	if err := b.addSheets("Summary", []string{"By period", "By rule", "By person", "Params", "Rule changes"}); err != nil {
		return err
	}
	if err := diffSummary(b, r); err != nil {
		return err
	}
	err = b.fill([]string{"By period"}, xlsxDiffPeriod, func(add func(...any) error) error {
		for _, p := range d.Periods {
			var over any
			if r.limit != nil {
				over = r.isOver(p.Name)
			}
			cells := append([]any{p.Name, xlsxDate(p.From), xlsxDate(p.To)}, changeCells(p.Change)...)
			if err := add(append(cells, over)...); err != nil {
				return err
			}
		}
		return nil
	})
	for _, t := range []struct {
		sheet string
		cols  []xlsxCol
		list  []diff.Change
	}{{"By rule", xlsxDiffRule, d.Rules}, {"By person", xlsxDiffPerson, d.Persons}} {
		if err != nil {
			break
		}
		err = b.fill([]string{t.sheet}, t.cols, func(add func(...any) error) error {
			for _, c := range t.list {
				name := c.Name
				if t.sheet == "By person" {
					name = personName(name)
				}
				if err := add(append([]any{name}, changeCells(c)...)...); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err == nil {
		err = b.fill([]string{"Params"}, xlsxDiffParams, func(add func(...any) error) error {
			for _, p := range d.Params {
				if err := add(p.Name, p.Change(), r.paramText(p, false), r.paramText(p, true), p.OldSet, p.NewSet); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err == nil {
		err = b.fill([]string{"Rule changes"}, xlsxDiffRules, func(add func(...any) error) error {
			for _, rc := range d.RuleChanges {
				if len(rc.Parts) == 0 {
					if err := add(rc.Name, rc.Change, rc.Kind, rc.Title); err != nil {
						return err
					}
				}
				for _, p := range rc.Parts {
					if err := add(rc.Name, rc.Change, rc.Kind, rc.Title, p.Clause, p.Old, p.New); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	if err != nil {
		return err
	}
	_ = b.f.SetDocProps(&excelize.DocProperties{Creator: "occ", Title: r.old.st.Contract.Title + " compared with " + r.new.st.Contract.Title})
	return b.write(w)
}

// diffSummary writes the Summary sheet of a comparison.
func diffSummary(b *xlsxBook, r *diffReport) error {
	d := r.d
	fm := b.form("Summary", 24, 44, 14, 14, 14, 10, 10)
	for _, s := range r.sides() {
		c := s.st.Contract
		label := "Old"
		if s == r.new {
			label = "New"
		}
		fm.field(label+" contract", c.Title)
		fm.field(label+" spec", s.spec)
		fm.field(label+" spec sha256", c.SpecSHA256)
		fm.field(label+" period", s.st.Period)
		for _, wi := range whatIfSettings(s.c, s.st) {
			fm.field(label+" what-if", wi)
		}
	}
	fm.field("Currency", d.Currency)
	fm.heading("", "", "Old", "New", "Change", "Old lines", "New lines")
	fm.line(1, append([]any{"Total", ""}, changeCells(d.Total)...)...)
	for _, t := range []struct {
		head string
		list []diff.Change
		name func(string) string
	}{{"Kind", d.Kinds, func(s string) string { return s }}, {"Payer", d.Payers, payerName}} {
		fm.heading(t.head, "", "Old", "New", "Change", "Old lines", "New lines")
		for _, c := range t.list {
			fm.line(0, append([]any{t.name(c.Name), ""}, changeCells(c)...)...)
		}
	}
	if r.limit != nil {
		fm.heading("Fail over", "Periods over it")
		var over []string
		for _, p := range r.over {
			over = append(over, p.Name)
		}
		text := "none"
		if len(over) > 0 {
			text = r.overText()
		}
		fm.line(1, xlsxMoney(r.limit.Decimal()), text)
	}
	return fm.err
}
