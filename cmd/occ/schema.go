package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/occ-lang/occ/compiler"
)

// schemaParams are the inputs of occ schema.
type schemaParams struct {
	spec        string
	format      string
	diagnostics string // the format of errors on standard error
}

func newSchemaCmd(stdout, stderr io.Writer) *cobra.Command {
	p := &schemaParams{}
	cmd := &cobra.Command{
		Use:   "schema SPEC",
		Short: "Print the data a contract expects: CSV headers and a JSON example",
		Long: `Schema prints, for each kind of data the contract reads, the CSV header a
data team fills in (nested lists as a second CSV carrying the parent's key
columns), the fields with their types and ranges, and an example record in
JSON.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.spec = args[0]
			return runSchema(p, stdout, stderr)
		},
	}
	cmd.Flags().StringVar(&p.format, "format", "text", "output format: text or json (a JSON example of the data)")
	addDiagnosticsFlag(cmd, &p.diagnostics)
	return cmd
}

func runSchema(p *schemaParams, stdout, stderr io.Writer) error {
	if p.format != "text" && p.format != "json" {
		return usageError("unknown format %q: use text or json", p.format)
	}
	diagFormat, err := diagnosticsFormat(p.diagnostics, "")
	if err != nil {
		return err
	}
	c, _, err := compileSpec(p.spec, stderr, diagFormat)
	if err != nil {
		return err
	}
	if p.format == "json" {
		var records []any
		for _, s := range c.TopSchemas() {
			records = append(records, exampleRecord(s))
		}
		b, _ := json.MarshalIndent(records, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
		return nil
	}
	for i, s := range c.Schemas {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		title := ""
		if s.Title != "" {
			title = " — " + s.Title
		}
		fmt.Fprintf(stdout, "data %s%s\n", s.Name, title)
		var header []string
		for a := s.Parent; a != nil; a = a.Parent {
			for _, k := range a.Keys {
				header = append(header, k.Name)
			}
		}
		for _, f := range s.Fields {
			if f.Kind != compiler.ListField {
				header = append(header, f.Name)
			}
		}
		fmt.Fprintf(stdout, "  CSV header: %s\n", strings.Join(header, ","))
		if s.Parent != nil {
			fmt.Fprintf(stdout, "  nested in %s (list %s): in CSV, one row per %s with its %s's key columns first\n",
				s.Parent.Name, s.ParentField.Name, s.Name, s.Parent.Name)
		}
		if s.PeriodField != nil {
			fmt.Fprintf(stdout, "  period: %s places each record in a settlement period\n", s.PeriodField.Name)
		}
		if k := s.RefKey(); k != nil {
			fmt.Fprintf(stdout, "  reference: a list looked up by %s, in a file of its own; %s is unique\n", k.Name, k.Name)
		}
		for _, f := range s.Fields {
			fmt.Fprintf(stdout, "  %-16s %s\n", f.Name, describeField(f))
		}
	}
	b, _ := json.MarshalIndent(func() []any {
		var out []any
		for _, s := range c.TopSchemas() {
			out = append(out, exampleRecord(s))
		}
		return out
	}(), "  ", "  ")
	fmt.Fprintf(stdout, "\nJSON example:\n  %s\n", b)
	return nil
}

func describeField(f *compiler.Field) string {
	var parts []string
	if f.Optional {
		parts = append(parts, "optional")
	}
	switch f.Kind {
	case compiler.EnumField:
		parts = append(parts, "one of "+strings.Join(f.Enum, " | "))
	case compiler.ListField:
		parts = append(parts, fmt.Sprintf("list of %s, at most %d", f.Elem.Name, f.MaxItems))
	case compiler.DateField:
		format := "yyyy-mm-dd"
		if f.DateFormat != "" {
			format = f.DateFormat + " (or yyyy-mm-dd)"
		}
		parts = append(parts, "date "+format)
	case compiler.MoneyField:
		parts = append(parts, "money, e.g. 1234.50 or £1,234.50")
	default:
		parts = append(parts, f.Kind.String())
	}
	if f.Min != nil {
		parts = append(parts, fmt.Sprintf("%v .. %v", f.Min, f.Max))
	}
	if f.Key {
		parts = append(parts, "key")
	}
	if f.Title != "" {
		parts = append(parts, "— "+f.Title)
	}
	return strings.Join(parts, ", ")
}

// exampleRecord builds a JSON example record with a plausible value per
// field: the lower end of a range, the first enum value.
func exampleRecord(s *compiler.Schema) map[string]any {
	rec := map[string]any{}
	for _, f := range s.Fields {
		switch f.Kind {
		case compiler.TextField:
			rec[f.Name] = strings.ToUpper(f.Name[:1]) + "1"
		case compiler.EnumField:
			rec[f.Name] = f.Enum[0]
		case compiler.IntField:
			rec[f.Name] = json.Number(boundOr(f.Min, "0"))
		case compiler.DecimalField:
			rec[f.Name] = json.Number(boundOr(f.Min, "0"))
		case compiler.MoneyField:
			rec[f.Name] = boundOr(f.Min, "0.00")
		case compiler.BoolField:
			rec[f.Name] = true
		case compiler.DateField:
			rec[f.Name] = boundOr(f.Min, "2026-04-01")
		case compiler.ListField:
			rec[f.Name] = []any{exampleRecord(f.Elem)}
		}
		if f.Optional && f.Kind != compiler.ListField {
			rec[f.Name] = nil
		}
	}
	return rec
}

func boundOr(v any, def string) string {
	if v == nil {
		return def
	}
	if s, ok := v.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprint(v)
}
