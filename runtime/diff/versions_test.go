package diff_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occ-lang/occ/runtime/diff"
)

// version is a small contract; rate, title and currency vary.
func version(rate, title, currency string) string {
	return `contract "Visits" {
  commissioner "Example Council"
  term         2026-04-01 .. 2027-03-31
  settlement   monthly
  currency     ` + currency + `
}

param rate "Price per visit" = ` + rate + `

data visit "A visit" {
  ref    text key
  client text
  date   date
}

payment visits "` + title + `" {
  for    visit
  amount = rate
}
`
}

// visits has two clients, B before A, with one visit each in May and
// one more for A in June. The data has no field named person, so no line
// is for one person: the persons' breakdown has one row, for no one.
const visits = "ref,client,date\nV2,B,2026-05-02\nV1,A,2026-05-01\nV3,A,2026-06-01\n"

func writeVisits(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "visits.csv")
	if err := os.WriteFile(path, []byte(visits), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestVersions compares two versions of one contract: the price per visit
// rises from £10.00 to £12.00 and the rule's title changes.
func TestVersions(t *testing.T) {
	file := writeVisits(t)
	oldC := compile(t, "old.occ", []byte(version("£10.00", "Visits", "GBP")))
	newC := compile(t, "new.occ", []byte(version("£12.00", "Visits made", "GBP")))
	d, err := diff.Compare(side(t, oldC, []string{file}, nil), side(t, newC, []string{file}, nil))
	if err != nil {
		t.Fatal(err)
	}
	// Three visits at £10.00 = £30.00, then at £12.00 = £36.00. May has
	// two visits (+£4.00), June one (+£2.00).
	want(t, "total", row(d.Total), "total 30.00 36.00 6.00")
	var ps []diff.Change
	for _, p := range d.Periods {
		ps = append(ps, p.Change)
	}
	want(t, "periods", rows(ps), "2026-05 20.00 24.00 4.00\n2026-06 10.00 12.00 2.00")
	// No field names a person: all three visits, +£6.00, are for no one
	// person.
	want(t, "persons", rows(d.Persons), " 30.00 36.00 6.00")
	if len(d.Params) != 1 || d.Params[0].Name != "rate" || d.Params[0].Old != "10.00" || d.Params[0].New != "12.00" || d.Params[0].Change() != "changed" {
		t.Errorf("params: %+v", d.Params)
	}
	if len(d.RuleChanges) != 1 || len(d.RuleChanges[0].Parts) != 1 ||
		d.RuleChanges[0].Parts[0] != (diff.PartChange{Clause: "title", Old: "Visits", New: "Visits made"}) {
		t.Errorf("rule changes: %+v", d.RuleChanges)
	}

	// The new version with rate set back to £10.00 for a what-if pays
	// what the old one does: no change anywhere, and no param differs.
	d, err = diff.Compare(side(t, oldC, []string{file}, nil), side(t, newC, []string{file}, map[string]string{"rate": "£10.00"}))
	if err != nil {
		t.Fatal(err)
	}
	want(t, "what-if total", row(d.Total), "total 30.00 30.00 0.00")
	if len(d.Params) != 0 {
		t.Errorf("params differ with the rate set alike: %+v", d.Params)
	}
	if over := d.PeriodsOver(d.Total.Delta); len(over) != 0 {
		t.Errorf("periods over £0.00 when nothing moved: %+v", over)
	}
}

// TestCurrencies refuses to compare amounts in two currencies.
func TestCurrencies(t *testing.T) {
	file := writeVisits(t)
	oldC := compile(t, "old.occ", []byte(version("£10.00", "Visits", "GBP")))
	newC := compile(t, "new.occ", []byte(version("€10.00", "Visits", "EUR")))
	_, err := diff.Compare(side(t, oldC, []string{file}, nil), side(t, newC, []string{file}, nil))
	if err == nil || !strings.Contains(err.Error(), "different currencies (the old in GBP, the new in EUR)") {
		t.Errorf("err = %v", err)
	}
}
