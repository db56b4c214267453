package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// twoPayersCase writes a contract two payers share, 60/40, with a cap on
// the ICB's parts, and May's claims (worked in runtime's payers_test.go).
func twoPayersCase(t *testing.T) xlsxCase {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("contract.occ", `contract "Two payers" {
  model        rate_card
  commissioner "Example City Council"
  term         2026-04-01 .. 2027-03-31
  settlement   monthly
  payer        council "Example City Council"
  payer        icb "NHS Example ICB"
  split        council 60%, icb 40%
  split        from 2026-10-01 council 50%, icb 50%
}

param fee = £100.01

data claim {
  id     text key
  person text
  month  date period
  units  int 0 .. 100
}

payment outcome "Outcome fee" {
  for    claim
  amount = fee * claim.units
}

payment bonus "Health bonus" {
  for    claim
  when   claim.units >= 5
  amount = £10.00
  split  icb 100%
}

cap icb_cap "The ICB pays at most £250.00 a month of outcome fees" {
  per    month
  covers outcome
  payer  icb
  limit  = £250.00
}
`)
	write("claims.csv", "id,person,month,units\nP1,P1,2026-05-01,2\nP2,P2,2026-05-01,5\nP3,P3,2026-05-01,1\n")
	return xlsxCase{name: "payers", spec: dir, data: []string{filepath.Join(dir, "claims.csv")}, period: "2026-05"}
}

// TestStatementXLSXByPayer checks the workbook of a contract with two
// payers: a Lines row for each payer's part of each line, adding up to the
// total, and the totals by payer on the Summary.
func TestStatementXLSXByPayer(t *testing.T) {
	st := statementOf(t, twoPayersCase(t))
	f, _ := workbook(t, st, xlsxOptions{})
	rows, err := f.GetRows("Lines")
	if err != nil {
		t.Fatal(err)
	}
	col := columnsOf(rows[0])
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[col["Rule"]]+" "+r[col["Key"]]+" "+r[col["Payer"]]+" "+strings.Replace(r[col["Amount"]], "£", "", 1)) // shown as £120.01
	}
	// The parts, worked by hand in runtime's TestTwoPayersWithACapForOne:
	// 120.01 + 80.01 + 300.03 + 200.02 + 60.01 + 40.00 + 10.00 - 70.03 =
	// 740.05, the total.
	want := []string{
		"outcome P1 Example City Council 120.01", "outcome P1 NHS Example ICB 80.01",
		"outcome P2 Example City Council 300.03", "outcome P2 NHS Example ICB 200.02",
		"outcome P3 Example City Council 60.01", "outcome P3 NHS Example ICB 40.00",
		"bonus P2 NHS Example ICB 10.00", "icb_cap 2026-05 NHS Example ICB -70.03",
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("Lines rows:\n%s\nwant\n%s", g, w)
	}
	summary, err := f.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	var payers []string
	in := false
	for _, r := range summary {
		if len(r) > 0 && r[0] == "Payer" {
			in = true
			continue
		}
		if in && len(r) >= 4 && (r[0] == "council" || r[0] == "icb") {
			payers = append(payers, strings.Replace(strings.Join(r[:4], " "), "£", "", 1))
		}
	}
	if g := strings.Join(payers, "; "); g != "council Example City Council 3 480.05; icb NHS Example ICB 5 260.00" {
		t.Errorf("Summary's payers: %s", g)
	}
}
