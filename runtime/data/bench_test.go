package data

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"sync"
	"testing"

	"github.com/occ-lang/occ/runtime/gen"
)

// The load benchmarks read the same generated records of the individual
// outcomes contract as CSV (reviews.csv and goals.csv) and as JSON (one
// list of reviews with their goals inline), so that the two formats can be
// compared:
//
//	go test ./runtime/data -run '^$' -bench 'Load(CSV|JSON)' -benchtime 5x

// benchRecords is how many reviews the load benchmarks read.
const benchRecords = 100_000

var (
	benchOnce               sync.Once
	benchCSV, benchGoalsCSV []byte
	benchJSON               []byte
)

// benchFiles returns the generated reviews and goals as CSV and the same
// records as JSON, generating them once per process.
func benchFiles(b *testing.B) (reviews, goals, doc []byte) {
	b.Helper()
	benchOnce.Do(func() {
		var r, g bytes.Buffer
		if err := gen.IndividualOutcomes(&r, &g, benchRecords, 1); err != nil {
			b.Fatal(err)
		}
		benchCSV, benchGoalsCSV = r.Bytes(), g.Bytes()
		benchJSON = outcomesJSON(b, benchCSV, benchGoalsCSV)
	})
	return benchCSV, benchGoalsCSV, benchJSON
}

// outcomesJSON writes the reviews and goals of the individual outcomes
// contract, given as CSV, as one JSON list of reviews with their goals
// inline: numbers unquoted as the CSV writes them, empty cells null. It is
// the shape ../shared/perf/csv2json.py writes.
func outcomesJSON(t testing.TB, reviews, goals []byte) []byte {
	t.Helper()
	read := func(b []byte) [][]string {
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	numbers := map[string]bool{"planned_hours": true, "actual_hours": true, "missed_visits": true, "satisfaction": true}
	object := func(w *bytes.Buffer, header, row []string, skip int) {
		w.WriteByte('{')
		for i := skip; i < len(header); i++ {
			if i > skip {
				w.WriteByte(',')
			}
			w.WriteString(`"` + header[i] + `":`)
			switch {
			case row[i] == "":
				w.WriteString("null")
			case numbers[header[i]]:
				w.WriteString(row[i])
			default:
				w.WriteString(`"` + row[i] + `"`)
			}
		}
	}
	gs := read(goals)
	byReview := map[string][][]string{}
	for _, g := range gs[1:] {
		k := g[0] + "\x00" + g[1]
		byReview[k] = append(byReview[k], g)
	}
	var w bytes.Buffer
	rs := read(reviews)
	w.WriteString("[\n")
	for i, r := range rs[1:] {
		if i > 0 {
			w.WriteString(",\n")
		}
		object(&w, rs[0], r, 0)
		w.WriteString(`,"goals":[`)
		for j, g := range byReview[r[0]+"\x00"+r[1]] {
			if j > 0 {
				w.WriteByte(',')
			}
			object(&w, gs[0], g, 2)
			w.WriteByte('}')
		}
		w.WriteString("]}")
	}
	w.WriteString("\n]\n")
	return w.Bytes()
}

func benchLoad(b *testing.B, inputs func() []Input, size int) {
	c := loadContract(b, filepath.Join("..", "..", "specs", "individual-outcomes", "contract.occ"))
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		ds, errs := Load(c, inputs())
		if errs != nil {
			b.Fatal(errs)
		}
		if n := len(ds.Records["review"]); n != benchRecords {
			b.Fatalf("%d reviews", n)
		}
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "reviews/s")
}

// BenchmarkLoadCSV loads 100,000 reviews and their goals from two CSV
// files.
func BenchmarkLoadCSV(b *testing.B) {
	r, g, _ := benchFiles(b)
	benchLoad(b, func() []Input {
		return []Input{{Path: "reviews.csv", Open: Bytes(r)}, {Path: "goals.csv", Open: Bytes(g)}}
	}, len(r)+len(g))
}

// BenchmarkLoadJSON loads the same reviews and goals from one JSON file.
func BenchmarkLoadJSON(b *testing.B) {
	_, _, doc := benchFiles(b)
	benchLoad(b, func() []Input {
		return []Input{{Path: "reviews.json", Open: Bytes(doc)}}
	}, len(doc))
}

// BenchmarkJSONTokens reads the tokens of the JSON file of
// BenchmarkLoadJSON into batches, as the goroutine that reads a JSON file
// does, without making records of them.
func BenchmarkJSONTokens(b *testing.B) {
	_, _, doc := benchFiles(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	var batch jsonBatch
	for range b.N {
		s := newJSONScanner(doc, 1)
		for batch.err == nil {
			batch.fill(s)
		}
		batch.err = nil
	}
}
