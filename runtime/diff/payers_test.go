package diff_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occ-lang/occ/runtime/diff"
)

// TestPayersSplitTheChange compares a contract the council pays alone with
// the same contract shared with the ICB, 60/40: the change by payer lists
// each payer's parts under its title.
func TestPayersSplitTheChange(t *testing.T) {
	const header = `contract "Rate card" {
  commissioner "Example City Council"
  term         2026-04-01 .. 2027-03-31
  settlement   monthly
%s}

data claim {
  id    text key
  month date period
}

payment outcome "Outcome fee" {
  for    claim
  amount = £100.01
}
`
	dir := t.TempDir()
	file := filepath.Join(dir, "claims.csv")
	if err := os.WriteFile(file, []byte("id,month\nC1,2026-05-01\nC2,2026-05-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := side(t, compile(t, "old.occ", []byte(strings.Replace(header, "%s", "", 1))), []string{file}, nil)
	shared := "  payer council \"Example City Council\"\n  payer icb \"NHS Example ICB\"\n  split council 60%, icb 40%\n"
	new := side(t, compile(t, "new.occ", []byte(strings.Replace(header, "%s", shared, 1))), []string{file}, nil)
	d, err := diff.Compare(old, new)
	if err != nil {
		t.Fatal(err)
	}
	// Each £100.01 is 6000.6p and 4000.4p: the council takes the penny
	// left (.6), £60.01, and the ICB £40.00. Old: the council 200.02;
	// new: the council 120.02, the ICB 80.00. The largest change first.
	want(t, "payers", rows(d.Payers), "Example City Council 200.02 120.02 -80.00\nNHS Example ICB 0 80.00 80.00")
}
