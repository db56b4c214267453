package runtime

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/occ-lang/occ/runtime/data"
)

// TestDueInputsResolveAsCEL checks that a due line's inputs are the same
// whether their names are resolved once per expression or through the
// activation, as CEL resolves them: both read the per year let as of the
// due period.
func TestDueInputsResolveAsCEL(t *testing.T) {
	const contract = `contract "Due inputs" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data family "A family" {
  person           text key
  attached_on      date period
  turned_around_on optional date
  fee              money
}

let fees_in_year "Fees in the year" {
  per   year
  value = sum(family, family.fee)
}

incentive bonus "1% of the year's fees, due when turned around" {
  for    family
  when   has(family.turned_around_on)
  due    = family.turned_around_on
  amount = fees_in_year * 1%
}
`
	dir := t.TempDir()
	spec := filepath.Join(dir, "contract.occ")
	if err := os.WriteFile(spec, []byte(contract), 0o644); err != nil {
		t.Fatal(err)
	}
	c := compileSpec(t, spec, nil)
	csv := "person,attached_on,turned_around_on,fee\nF1,2026-05-10,2026-08-20,£100.00\nF2,2026-08-01,,£900.00\n"
	d, errs := data.Load(c, []data.Input{{Path: "families.csv", Open: data.Bytes([]byte(csv))}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	render := func() []byte {
		st, err := p.Eval(context.Background(), d, settleOf(t, p, "2026-08"))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := st.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	fast := render()
	fastHeads = false
	slow := render()
	fastHeads = true
	if !bytes.Equal(fast, slow) {
		t.Fatalf("inputs differ from CEL's resolution:\n%s", firstDiff(fast, slow))
	}
	// As of August the year's fees are £100.00 + £900.00.
	if !bytes.Contains(fast, []byte(`"name":"fees_in_year","value":"1000.00"`)) {
		t.Fatalf("the due line does not show fees_in_year as of August:\n%s", fast)
	}
}
