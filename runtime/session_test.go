package runtime_test

import (
	"context"
	"testing"

	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// TestSessionReferenceData: a session remembers results across
// evaluations only where they depend on nothing but the records and the
// params. The spell rule reads the tariff, which is reference data and
// comes with each data set: evaluated again in the same session with
// other tariffs, the same invoices are paid at the new prices, not at the
// remembered ones.
func TestSessionReferenceData(t *testing.T) {
	c := compileText(t, "contract.occ", []byte(referenceContract))
	p, err := runtime.New(c)
	if err != nil {
		t.Fatal(err)
	}
	ses := p.NewSession()
	spells := func(tariffs string) string {
		t.Helper()
		d, errs := data.Load(c, []data.Input{
			{Path: "packages.csv", Open: data.Bytes([]byte(referencePackages))},
			{Path: "tariffs.csv", Open: data.Bytes([]byte(tariffs))},
			{Path: "invoices.csv", Open: data.Bytes([]byte(referenceInvoices))},
		})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		st, err := ses.Eval(context.Background(), d, settleOf(t, p, "2026-05"))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st.ByRule {
			if s.Name == "spell" {
				return s.Amount.Decimal().StringFixed(2)
			}
		}
		return "none"
	}
	if got := spells(referenceTariffs); got != "2701.00" {
		t.Errorf("spells with the first tariffs: %s, want 2701.00", got)
	}
	// HRG 7 now £200.00 and HRG 8 £1,000.00: I1 200, I2 1000, I3 200,
	// I4 1000.
	if got := spells("number,price\n7,£200.00\n8,£1000.00\n"); got != "2400.00" {
		t.Errorf("spells with the second tariffs: %s, want 2400.00", got)
	}
}
