package runtime_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/runtime"
	"github.com/occ-lang/occ/runtime/data"
)

// withoutLinesField returns a JSON statement with its "lines" field and
// value cut out, as the summary leaves them out: the field starts a line
// of its own after the comma ending the field before, and its list ends
// at the first line that is "  ]" (each line of the list is indented by
// four spaces).
func withoutLinesField(t testing.TB, js []byte) []byte {
	t.Helper()
	start := bytes.Index(js, []byte(",\n  \"lines\": "))
	if start < 0 {
		t.Fatalf("no lines field in the JSON statement")
	}
	rest := js[start+len(",\n  \"lines\": "):]
	var end int
	switch {
	case bytes.HasPrefix(rest, []byte("[]")):
		end = len("[]")
	case bytes.HasPrefix(rest, []byte("[\n")):
		i := bytes.Index(rest, []byte("\n  ]"))
		if i < 0 {
			t.Fatalf("the lines field does not end")
		}
		end = i + len("\n  ]")
	default:
		t.Fatalf("the lines field is not a list: %.40q", rest)
	}
	out := append([]byte(nil), js[:start]...)
	return append(out, rest[end:]...)
}

// summaryPair evaluates d for period with and without lines and returns
// both statements.
func summaryPair(t testing.TB, c *compiler.Contract, d *data.Set, period string, opts ...runtime.Option) (full, sum *runtime.Statement) {
	t.Helper()
	pf, err := runtime.New(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := runtime.New(c, append(opts, runtime.WithoutLines())...)
	if err != nil {
		t.Fatal(err)
	}
	full, err = pf.Eval(context.Background(), d, settleOf(t, pf, period))
	if err != nil {
		t.Fatal(err)
	}
	sum, err = ps.Eval(context.Background(), d, settleOf(t, ps, period))
	if err != nil {
		t.Fatal(err)
	}
	return full, sum
}

// checkSummary requires the summary to be, byte for byte, the statement's
// JSON without its lines, and the statement's own summary to be the same.
func checkSummary(t *testing.T, what string, full, sum *runtime.Statement) {
	t.Helper()
	var js, fromFull, got bytes.Buffer
	if err := full.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := full.WriteSummaryJSON(&fromFull); err != nil {
		t.Fatal(err)
	}
	if err := sum.WriteSummaryJSON(&got); err != nil {
		t.Fatal(err)
	}
	want := withoutLinesField(t, js.Bytes())
	if !bytes.Equal(fromFull.Bytes(), want) {
		t.Errorf("%s: the statement's summary is not its JSON without the lines", what)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("%s: the summary differs from the JSON statement without its lines:\n%s\nwant:\n%s", what, got.Bytes(), want)
	}
}

// TestSummaryIsTheStatementWithoutLines evaluates generated data with and
// without lines, for the whole term, a month, a quarter's run of months
// and a month with no records, and compares the summaries with the JSON
// statements.
func TestSummaryIsTheStatementWithoutLines(t *testing.T) {
	c := specContract(t, "individual-outcomes")
	d := loadGenerated(t, c, 4000, 3)
	for _, period := range []string{"", "2026-05", "2026-04..2026-06", "2027-03"} {
		full, sum := summaryPair(t, c, d, period)
		checkSummary(t, "period "+period, full, sum)
		if !full.HasLines() || sum.HasLines() {
			t.Errorf("period %q: HasLines is %v with lines and %v without", period, full.HasLines(), sum.HasLines())
		}
		n := 0
		for range sum.Lines() {
			n++
		}
		if n != 0 {
			t.Errorf("period %q: the summary yields %d lines", period, n)
		}
		if err := sum.WriteJSON(&bytes.Buffer{}); err == nil {
			t.Errorf("period %q: WriteJSON wrote a summary as a statement with no lines", period)
		}
	}
}

// TestSummaryOfAPayer: a payer's summary is the payer's statement without
// its lines, with totals of the payer's parts, and so is each payer's
// summary of a month under another split.
func TestSummaryOfAPayer(t *testing.T) {
	c := compileText(t, "contract.occ", []byte(twoPayers))
	d, errs := data.Load(c, []data.Input{{Path: "claims.csv", Open: data.Bytes([]byte(twoPayersClaims))}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, period := range []string{"2026-05", "2026-10", ""} {
		full, sum := summaryPair(t, c, d, period)
		checkSummary(t, "period "+period, full, sum)
		for _, payer := range []string{"council", "icb"} {
			pf, err := full.ForPayer(payer)
			if err != nil {
				t.Fatal(err)
			}
			ps, err := sum.ForPayer(payer)
			if err != nil {
				t.Fatal(err)
			}
			checkSummary(t, "period "+period+" payer "+payer, pf, ps)
		}
	}
	_, sum := summaryPair(t, c, d, "2026-05")
	var b bytes.Buffer
	if err := sum.WriteSummaryJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"payer": "council",`, `"total": "480.05",`, `"payer": "icb",`, `"total": "260.00",`, `"total": "740.05"`} {
		if !bytes.Contains(b.Bytes(), []byte(want)) {
			t.Errorf("the May summary has no %s:\n%s", want, b.Bytes())
		}
	}
}

// TestSummaryWorkers: the summary is the same, byte for byte, with one
// worker as with several.
func TestSummaryWorkers(t *testing.T) {
	c := specContract(t, "individual-outcomes")
	d := loadGenerated(t, c, 3000, 1)
	var outs [][]byte
	for _, workers := range []int{1, 2, 7} {
		p, err := runtime.New(c, runtime.WithWorkers(workers), runtime.WithoutLines())
		if err != nil {
			t.Fatal(err)
		}
		st, err := p.Eval(context.Background(), d, compiler.Period{})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := st.WriteSummaryJSON(&b); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b.Bytes())
	}
	for i := 1; i < len(outs); i++ {
		if !bytes.Equal(outs[i], outs[0]) {
			t.Errorf("the summary with worker setting %d differs from the one-worker summary", i)
		}
	}
}
