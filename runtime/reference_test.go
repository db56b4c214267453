package runtime_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime/data"
)

// referenceContract prices invoices at their package's weekly rate, read
// from reference data, caps each invoice at the package's own cap, and
// counts the month's weeks of high-band care through a lookup in an
// aggregate.
const referenceContract = `contract "Reference" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data care_package "Care package rates" {
  reference
  code        text key
  weekly_rate money
  band        low | high
}

data tariff "Tariff by HRG number" {
  reference
  number int key
  price  money
}

data invoice "Weeks of care at one package" {
  ref          text key
  week_of      date period
  package_code text
  hrg          int
  weeks        int
}

payment care "Care at the package rate" {
  for    invoice
  when   invoice.package_code in care_package
  amount = care_package[invoice.package_code].weekly_rate * invoice.weeks
}

payment spell "Spell at the tariff of its HRG" {
  for    invoice
  amount = tariff[invoice.hrg].price
}

let high_weeks "Weeks of high-band care in the month" {
  per   month
  value = sum(invoice, invoice.weeks, invoice.package_code in care_package && care_package[invoice.package_code].band == "high")
}

incentive high_volume "£10.00 a week of high-band care beyond 3 in a month" {
  per    month
  when   high_weeks > 3
  amount = £10.00 * (high_weeks - 3)
}
`

const referencePackages = `code,weekly_rate,band
P1,£250.00,low
P2,£400.00,high
`

const referenceTariffs = `number,price
7,£100.00
8,"£1,250.50"
`

const referenceInvoices = `ref,week_of,package_code,hrg,weeks
I1,2026-05-04,P1,7,2
I2,2026-05-11,P2,8,3
I3,2026-05-18,P2,7,2
I4,2026-05-25,P9,8,1
I5,2026-06-01,P2,7,1
`

// TestReferenceData works the figures by hand. May: I1 P1 2 weeks at
// £250.00 = £500.00; I2 P2 3 × £400.00 = £1,200.00; I3 P2 2 × 400 =
// £800.00; I4's package P9 is not listed, so `in` is false and no care
// line is made. Spells: I1 HRG 7 £100.00, I2 HRG 8 £1,250.50, I3 £100.00,
// I4 £1,250.50. High-band weeks in May: I2 3 + I3 2 = 5, 2 beyond 3:
// £20.00. June: I5 P2 1 week £400.00, HRG 7 £100.00; 1 high week, no
// incentive.
func TestReferenceData(t *testing.T) {
	got := lineList(t, referenceContract, "2026-05..2026-06",
		"packages.csv", referencePackages, "tariffs.csv", referenceTariffs, "invoices.csv", referenceInvoices)
	wantAsOfLines(t, got,
		"2026-05 care I1 500.00", "2026-05 care I2 1200.00", "2026-05 care I3 800.00",
		"2026-05 spell I1 100.00", "2026-05 spell I2 1250.50", "2026-05 spell I3 100.00", "2026-05 spell I4 1250.50",
		"2026-05 high_volume 2026-05 20.00",
		"2026-06 care I5 400.00", "2026-06 spell I5 100.00")
	st := mustEvalText(t, referenceContract, "2026-05",
		"packages.csv", referencePackages, "tariffs.csv", referenceTariffs, "invoices.csv", referenceInvoices)
	// The packages and tariffs are lookup data: only the invoices are
	// records accounted for, four of them in May (I5 is later).
	if rc := st.Records; rc.Input != 5 || rc.Evaluated != 4 || rc.Later != 1 {
		t.Errorf("records %+v, want 5 in the data, 4 evaluated, 1 later", rc)
	}
	if len(st.Data) != 3 {
		t.Errorf("%d data files listed, want 3: %+v", len(st.Data), st.Data)
	}
}

// TestReferenceDataMissingKey: an HRG the tariff does not list fails the
// line that reads it, naming the rule, the invoice's row and the key.
func TestReferenceDataMissingKey(t *testing.T) {
	invoices := referenceInvoices + "I6,2026-05-26,P1,99,1\n"
	diags := evalDiagnostics(t, referenceContract, "2026-05",
		"packages.csv", referencePackages, "tariffs.csv", referenceTariffs, "invoices.csv", invoices)
	if len(diags) != 1 {
		t.Fatalf("%d diagnostics, want 1: %v", len(diags), diags)
	}
	d := diags[0]
	if want := "payment spell, I6 (invoices.csv:7): amount: data tariff has no record with number 99"; d.Code != "missing-key" || d.Message != want {
		t.Errorf("got %q [%s], want %q [missing-key]", d.Message, d.Code, want)
	}
}

// TestReferenceDataDuplicateKey: two packages with one code in a file are
// refused when the data is loaded, naming the file and rows.
func TestReferenceDataDuplicateKey(t *testing.T) {
	c := compileText(t, "contract.occ", []byte(referenceContract))
	errs := loadErrors(t, c, "packages.csv", referencePackages+"P1,£300.00,high\n")
	if len(errs) != 1 || errs[0].Code != "duplicate-key" || !strings.Contains(errs[0].Message, "duplicate care_package with code P1; the first is on row 2") ||
		errs[0].Span.Start.Line != 4 {
		t.Errorf("got %v, want one duplicate-key error at row 4", errs)
	}
}

// loadErrors loads name/content pairs for c and returns the problems.
func loadErrors(t *testing.T, c *compiler.Contract, files ...string) lang.Diagnostics {
	t.Helper()
	var inputs []data.Input
	for i := 0; i+1 < len(files); i += 2 {
		inputs = append(inputs, data.Input{Path: files[i], Open: data.Bytes([]byte(files[i+1]))})
	}
	_, errs := data.Load(c, inputs)
	return errs
}

// TestReferenceDataManyRecords: with thousands of invoices, evaluated in
// parallel and remembered by the values read, every line is its package's
// rate times its weeks, worked out here on its own.
func TestReferenceDataManyRecords(t *testing.T) {
	rates := map[string]int64{"P1": 25000, "P2": 40000} // pence
	var b strings.Builder
	b.WriteString("ref,week_of,package_code,hrg,weeks\n")
	want := map[string]string{}
	for i := range 3000 {
		pkg := []string{"P1", "P2", "P9"}[i%3]
		weeks := int64(i%5 + 1)
		ref := "I" + itoa(int64(i))
		fmt.Fprintf(&b, "%s,2026-05-%02d,%s,7,%d\n", ref, i%28+1, pkg, weeks)
		want["spell:"+ref] = "100.00"
		if r, ok := rates[pkg]; ok {
			want["care:"+ref] = fmt.Sprintf("%d.%02d", r*weeks/100, r*weeks%100)
		}
	}
	st := mustEvalText(t, referenceContract, "2026-05",
		"packages.csv", referencePackages, "tariffs.csv", referenceTariffs, "invoices.csv", b.String())
	// High-band weeks: the P2 invoices, i = 1, 4, 7, ...; weeks i%5+1.
	high := int64(0)
	for i := 1; i < 3000; i += 3 {
		high += int64(i%5 + 1)
	}
	want["high_volume:2026-05"] = fmt.Sprintf("%d.00", 10*(high-3))
	wantRuleKeyAmounts(t, st, want)
}

// TestReferenceDataInExclude: an exclude rule may look reference data up,
// for records are excluded after it is indexed. A withdrawn package's
// invoices are excluded with the reason: I2 and I3 (P2) of May.
func TestReferenceDataInExclude(t *testing.T) {
	src := referenceContract + `
exclude withdrawn "Package withdrawn" {
  for  invoice
  when invoice.package_code in care_package && care_package[invoice.package_code].band == "high"
}
`
	st := mustEvalText(t, src, "2026-05",
		"packages.csv", referencePackages, "tariffs.csv", referenceTariffs, "invoices.csv", referenceInvoices)
	var got []string
	for _, x := range st.Excluded {
		got = append(got, x.Key+": "+x.Reason)
	}
	if want := "I2: Package withdrawn,I3: Package withdrawn"; strings.Join(got, ",") != want {
		t.Errorf("excluded %q, want %q", strings.Join(got, ","), want)
	}
}
