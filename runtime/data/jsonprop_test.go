package data

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/occ-lang/occ/lang"
)

// outcomeReview is a review of the individual outcomes contract with its
// goals, as text in the cells of its CSV rows ("" for none).
type outcomeReview struct {
	person, month, planned, actual, missed, satisfaction string
	goals                                                [][4]string // goal, status, agreed_on, met_on
}

// randomReviews makes n reviews with distinct keys and values of every
// kind the contract's fields take: text with quotes, commas, backslashes
// and characters beyond ASCII, decimals, optional values left out. With
// bad set, some numbers are out of range or have exponents, which are
// refused.
func randomReviews(r *rand.Rand, n int, bad bool) []outcomeReview {
	texts := []string{"P1", "Ann \"Nan\" O'Hara", "a,b", `back\slash`, "tab\there", "Zoë", "日本", "😀 x", "  padded  ", "/slash/"}
	numbers := []string{"0", "12", "12.5", "400", "0.25", "007", "-0", "399.999"}
	if bad {
		numbers = append(numbers, "1e2", "2.5E+1", "125e-1", "-1", "400.5", "12345678901234567890123456789012345678901")
	}
	statuses := []string{"achieved", "partly", "not_met", "not_feasible"}
	date := func() string {
		return fmt.Sprintf("2026-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))
	}
	var out []outcomeReview
	for i := range n {
		rv := outcomeReview{
			person:  texts[r.IntN(len(texts))] + strconv.Itoa(i),
			month:   date(),
			planned: numbers[r.IntN(len(numbers))],
			actual:  numbers[r.IntN(len(numbers))],
			missed:  strconv.Itoa(r.IntN(201)),
		}
		if r.IntN(3) > 0 {
			rv.satisfaction = strconv.Itoa(1 + r.IntN(5))
		}
		for g := range r.IntN(5) {
			met := ""
			if r.IntN(2) == 0 {
				met = date()
			}
			rv.goals = append(rv.goals, [4]string{texts[r.IntN(len(texts))] + "G" + strconv.Itoa(g), statuses[r.IntN(4)], date(), met})
		}
		out = append(out, rv)
	}
	return out
}

// outcomesCSV writes reviews as reviews.csv and goals.csv.
func outcomesCSV(t *testing.T, reviews []outcomeReview) (rs, gs []byte) {
	var rb, gb bytes.Buffer
	rw, gw := csv.NewWriter(&rb), csv.NewWriter(&gb)
	rw.Write([]string{"person", "month", "planned_hours", "actual_hours", "missed_visits", "satisfaction"})
	gw.Write([]string{"person", "month", "goal", "status", "agreed_on", "met_on"})
	for _, rv := range reviews {
		rw.Write([]string{rv.person, rv.month, rv.planned, rv.actual, rv.missed, rv.satisfaction})
		for _, g := range rv.goals {
			gw.Write([]string{rv.person, rv.month, g[0], g[1], g[2], g[3]})
		}
	}
	rw.Flush()
	gw.Flush()
	if rw.Error() != nil || gw.Error() != nil {
		t.Fatal(rw.Error(), gw.Error())
	}
	return rb.Bytes(), gb.Bytes()
}

// quoteJSON writes s as a JSON string, escaping characters at random:
// as \u escapes (surrogate pairs beyond the basic plane), or with the
// short escapes where JSON has them.
func quoteJSON(r *rand.Rand, s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '/' && r.IntN(2) == 0:
			b.WriteString(`\/`)
		case c < 0x20 || r.IntN(4) == 0:
			if c > 0xffff {
				c -= 0x10000
				fmt.Fprintf(&b, `\u%04x\u%04X`, 0xd800+(c>>10), 0xdc00+(c&0x3ff))
			} else {
				fmt.Fprintf(&b, `\u%04x`, c)
			}
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// outcomesJSONOf writes reviews as one JSON list, their goals inline: the
// properties in a random order, numbers unquoted or quoted, missing values
// null or left out, and random white space between tokens.
func outcomesJSONOf(r *rand.Rand, reviews []outcomeReview) []byte {
	var b bytes.Buffer
	space := func() {
		b.WriteString([]string{"", "", " ", "\n", "\r\n  ", "\t"}[r.IntN(6)])
	}
	object := func(names, vals []string, numeric []bool, extra string) {
		b.WriteByte('{')
		first := true
		for _, i := range r.Perm(len(names)) {
			v := vals[i]
			if v == "" && r.IntN(2) == 0 {
				continue // left out
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			space()
			b.WriteString(quoteJSON(r, names[i]))
			space()
			b.WriteByte(':')
			space()
			switch {
			case v == "":
				b.WriteString("null")
			case numeric[i] && jsonNumberText.MatchString(v) && r.IntN(3) > 0:
				b.WriteString(v)
			default:
				b.WriteString(quoteJSON(r, v))
			}
			space()
		}
		if extra != "" {
			if !first {
				b.WriteByte(',')
			}
			b.WriteString(extra)
		}
		b.WriteByte('}')
	}
	b.WriteByte('[')
	for i, rv := range reviews {
		if i > 0 {
			b.WriteByte(',')
		}
		space()
		var goals bytes.Buffer
		goals, b = b, goals
		b.WriteString(`"goals":[`)
		for k, g := range rv.goals {
			if k > 0 {
				b.WriteByte(',')
			}
			space()
			object([]string{"goal", "status", "agreed_on", "met_on"}, g[:], []bool{false, false, false, false}, "")
		}
		b.WriteByte(']')
		goals, b = b, goals
		object([]string{"person", "month", "planned_hours", "actual_hours", "missed_visits", "satisfaction"},
			[]string{rv.person, rv.month, rv.planned, rv.actual, rv.missed, rv.satisfaction},
			[]bool{false, false, true, true, true, true}, goals.String())
	}
	space()
	b.WriteString("]\n")
	return b.Bytes()
}

// jsonNumberText matches the numbers JSON may write unquoted.
var jsonNumberText = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// locations are the file and row describe writes for each record.
var locations = regexp.MustCompile(`(?m)^( *\w+) \S+:\d+$`)

// TestLoadJSONLikeCSV checks, on records made at random, that a JSON file
// and the CSV files of the same records load to equal records.
func TestLoadJSONLikeCSV(t *testing.T) {
	c := loadContract(t, filepath.Join("..", "..", "specs", "individual-outcomes", "contract.occ"))
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 13))
		reviews := randomReviews(r, 1+r.IntN(60), false)
		rs, gs := outcomesCSV(t, reviews)
		doc := outcomesJSONOf(r, reviews)
		if !utf8.Valid(doc) {
			t.Fatal("the JSON made is not UTF-8")
		}
		fromCSV, errs := Load(c, []Input{{Path: "reviews.csv", Open: Bytes(rs)}, {Path: "goals.csv", Open: Bytes(gs)}})
		if errs != nil {
			t.Fatalf("seed %d: CSV: %v", seed, errs)
		}
		fromJSON, errs := Load(c, []Input{{Path: "reviews.json", Open: Bytes(doc)}})
		if errs != nil {
			t.Fatalf("seed %d: JSON: %v\n%s", seed, errs, doc)
		}
		want := locations.ReplaceAllString(describe(t, c, fromCSV.Records["review"]), "$1")
		got := locations.ReplaceAllString(describe(t, c, fromJSON.Records["review"]), "$1")
		if got != want {
			t.Fatalf("seed %d: the JSON loads to\n%s\nthe CSV to\n%s\nJSON:\n%s", seed, got, want, doc)
		}
		if fromJSON.Files[0].Records != len(reviews) {
			t.Errorf("seed %d: %d records counted, want %d", seed, fromJSON.Files[0].Records, len(reviews))
		}
	}
}

// TestLoadJSONLikeCSVFaults checks that the values a CSV file refuses are
// refused in JSON with the same messages.
func TestLoadJSONLikeCSVFaults(t *testing.T) {
	c := loadContract(t, filepath.Join("..", "..", "specs", "individual-outcomes", "contract.occ"))
	// faults writes each problem's code and message after its column or
	// path, sorted.
	faults := func(ds lang.Diagnostics) string {
		var out []string
		for _, d := range ds {
			_, msg, _ := strings.Cut(d.Message, ": ")
			out = append(out, d.Code+" "+msg)
		}
		slices.Sort(out)
		return strings.Join(out, "\n")
	}
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 7))
		reviews := randomReviews(r, 1+r.IntN(40), true)
		rs, gs := outcomesCSV(t, reviews)
		_, csvErrs := Load(c, []Input{{Path: "reviews.csv", Open: Bytes(rs)}, {Path: "goals.csv", Open: Bytes(gs)}})
		_, jsonErrs := Load(c, []Input{{Path: "reviews.json", Open: Bytes(outcomesJSONOf(r, reviews))}})
		if got, want := faults(jsonErrs), faults(csvErrs); got != want {
			t.Errorf("seed %d: JSON:\n%s\nCSV:\n%s", seed, got, want)
		}
	}
}
