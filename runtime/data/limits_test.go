package data

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/occ-lang/occ/compiler"
)

// endless is an input that never ends, like /dev/zero: it gives fill
// forever and counts what it gave.
type endless struct {
	fill byte
	n    int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.fill
	}
	e.n += int64(len(p))
	return len(p), nil
}

func (e *endless) Close() error { return nil }

// stream is data whose size is not known in advance, as from a pipe, and
// which fails with err (if set) once it is read.
type stream struct {
	r   io.Reader
	err error
}

func (s *stream) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err == io.EOF && s.err != nil {
		return n, s.err
	}
	return n, err
}

func (s *stream) Close() error { return nil }

func streamOf(data string, err error) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return &stream{r: strings.NewReader(data), err: err}, nil }
}

// TestLoadEndlessInput checks that an input that never ends (--data
// review=/dev/zero) is refused at the row limit, having read little more
// than a row, in every format read row by row; and at the file limit in
// the formats read whole.
func TestLoadEndlessInput(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	for _, tc := range []struct {
		path string
		fill byte
		lim  Limits
		want string
	}{
		{"zero", 0, Limits{}, "zero:1: the row is longer than 1 MiB, the most a row may hold; the rest of the file was not read [row-too-large]"},
		{"zero.csv", 'x', Limits{RowBytes: 1000}, "zero.csv:1: the row is longer than 1,000 bytes, the most a row may hold; the rest of the file was not read [row-too-large]"},
		{"lines.csv", '\n', Limits{}, "lines.csv:1: the row is longer than 1 MiB, the most a row may hold; the rest of the file was not read [row-too-large]"},
		{"zero.jsonl", ' ', Limits{}, "zero.jsonl:1: the line is longer than 1 MiB, the most a line may hold; the rest of the file was not read [row-too-large]"},
		{"zero.json", ' ', Limits{FileBytes: 3 << 20}, "zero.json: the file is larger than 3 MiB, the most a data file may hold [file-too-large]"},
		{"zero.yaml", ' ', Limits{FileBytes: 3 << 20}, "zero.yaml: the file is larger than 3 MiB, the most a data file may hold [file-too-large]"},
	} {
		e := &endless{fill: tc.fill}
		_, errs := Load(c, []Input{{Path: tc.path, Open: func() (io.ReadCloser, error) { return e, nil }}}, tc.lim)
		if got := problemLines(errs); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.path, got, tc.want)
		}
		lim := newOptions([]Option{tc.lim}).limits
		most := lim.FileBytes + 2*sniffBytes
		if strings.HasSuffix(tc.want, "[row-too-large]") {
			most = lim.RowBytes + 3*sniffBytes
		}
		if e.n > most {
			t.Errorf("%s: read %d bytes", tc.path, e.n)
		}
	}
}

// TestLoadLimits checks each limit in each format: where it is reported,
// and that the rest of the file is read where it can be.
func TestLoadLimits(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	const head = "person,month,hours,visits,charge,paid\n"
	row := func(p, hours string) string { return p + ",2026-05-01," + hours + ",1,1,yes\n" }
	big := strings.Repeat("9", 200)
	lim := Limits{FieldBytes: 100, RowBytes: 300, FileBytes: 2000}
	for _, tc := range []struct {
		name, path, data string
		sized            bool // whether the size is known before reading
		want             string
	}{
		{"a cell over the limit skips its row", "v.csv", head + row("P1", "x") + row("P2", big) + row("P3", "y"), true, `v.csv:2:3: column hours (C): visit.hours: "x" is not a number; expected a number between 0 and 400 [bad-number]
v.csv:3:3: the cell holds 200 bytes, more than the 100 bytes a cell may hold [value-too-large]
v.csv:4:3: column hours (C): visit.hours: "y" is not a number; expected a number between 0 and 400 [bad-number]`},
		{"a header cell over the limit", "v.csv", head[:len(head)-1] + "," + big + "\n", true,
			`v.csv:1:7: the cell holds 200 bytes, more than the 100 bytes a cell may hold [value-too-large]`},
		{"a row over the limit stops the file", "v.csv", head + row("P1", "x") + row("P2", big+","+big) + row("P3", "y"), true, `v.csv:2:3: column hours (C): visit.hours: "x" is not a number; expected a number between 0 and 400 [bad-number]
v.csv:3: the row is longer than 300 bytes, the most a row may hold; the rest of the file was not read [row-too-large]`},
		{"a quoted row over the limit", "v.csv", head + "P1,2026-05-01,\"" + strings.Repeat("1\n", 200) + "\",1,1,yes\n", true,
			`v.csv:2: the row is longer than 300 bytes, the most a row may hold; the rest of the file was not read [row-too-large]`},
		{"a file of known size over the limit", "v.csv", head + strings.Repeat(row("P1", "1"), 100), true,
			`v.csv: the file holds 2,438 bytes, more than the 2,000 bytes a data file may hold [file-too-large]`},
		{"a stream over the limit", "v.csv", head + strings.Repeat(row("P1", "1"), 100), false,
			`v.csv: the file is larger than 2,000 bytes, the most a data file may hold [file-too-large]`},
		{"a JSON value over the limit", "v.json", `[{"person": "` + big + `", "month": "2026-05-01"}]`, true,
			`v.json:1: [0].person: visit.person: the value holds 200 bytes, more than the 100 bytes a value may hold [value-too-large]
v.json:1: [0].hours: visit.hours: a value is required [missing-value]
v.json:1: [0].visits: visit.visits: a value is required [missing-value]
v.json:1: [0].charge: visit.charge: a value is required [missing-value]
v.json:1: [0].paid: visit.paid: a value is required [missing-value]`},
		{"a JSON name over the limit", "v.json", `[{"` + big + `": 1}]`, true,
			`v.json:1: [0].9999999999999999999999999999999999999999…: the property name holds 200 bytes, more than the 100 bytes a property name may hold [value-too-large]
v.json:1: [0].person: visit.person: a value is required [missing-value]
v.json:1: [0].month: visit.month: a value is required [missing-value]
v.json:1: [0].hours: visit.hours: a value is required [missing-value]
v.json:1: [0].visits: visit.visits: a value is required [missing-value]
v.json:1: [0].charge: visit.charge: a value is required [missing-value]
v.json:1: [0].paid: visit.paid: a value is required [missing-value]`},
		{"a JSON file over the limit", "v.json", "[" + strings.Repeat(" ", 2000) + "]", false,
			`v.json: the file is larger than 2,000 bytes, the most a data file may hold [file-too-large]`},
		{"a JSON Lines line over the limit", "v.jsonl", `{"person": "P1", "month": "2026-05-01", "hours": "x", "visits": 1, "charge": 1, "paid": true}` + "\n" + `{"person": "` + big + big + `"}` + "\n", true,
			`v.jsonl:1: hours: visit.hours: "x" is not a number; expected a number between 0 and 400 [bad-number]
v.jsonl:2: the line is longer than 300 bytes, the most a line may hold; the rest of the file was not read [row-too-large]`},
		{"a YAML value over the limit", "v.yaml", "- person: " + big + "\n  month: 2026-05-01\n  hours: 1\n  visits: 1\n  charge: 1\n  paid: yes\n", true,
			`v.yaml:1: [0].person: visit.person: the value holds 200 bytes, more than the 100 bytes a value may hold [value-too-large]`},
		{"not UTF-8 after the first rows", "v.csv", head + row("P1", "x") + row("P2", "1") + "P3,2026-05-01,1,1,\xa35,yes\n" + row("P4", "y"), true, `v.csv:2:3: column hours (C): visit.hours: "x" is not a number; expected a number between 0 and 400 [bad-number]
v.csv:4: the file is not UTF-8 text (it may have been saved as "CSV" rather than "CSV UTF-8"); save it as UTF-8 and try again [not-utf8]`},
		{"JSON Lines not UTF-8", "v.jsonl", `{"person": "P1", "month": "2026-05-01", "hours": "x", "visits": 1, "charge": 1, "paid": true}` + "\n\n" + `{"person": "P` + "\xe9" + `2"}` + "\n", true,
			`v.jsonl:1: hours: visit.hours: "x" is not a number; expected a number between 0 and 400 [bad-number]
v.jsonl:3: the file is not UTF-8 text; save it as UTF-8 and try again [not-utf8]`},
		{"a failing read", "v.csv", head + row("P1", "x") + row("P2", "1"), false,
			`v.csv: the file cannot be read: input/output error [read-error]`},
	} {
		open := Bytes([]byte(tc.data))
		if !tc.sized {
			var err error
			if tc.name == "a failing read" {
				err = errors.New("input/output error")
			}
			open = streamOf(tc.data, err)
		}
		_, errs := Load(c, []Input{{Path: tc.path, Open: open}}, lim)
		if got := problemLines(errs); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

// TestLoadLimitsMidStream checks the file limit and a failing read found
// after the first rows of a stream: the rows before are read, and the
// problem names the row where reading stopped.
func TestLoadLimitsMidStream(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	var b strings.Builder
	b.WriteString("person,month,hours,visits,charge,paid\n") // 38 bytes
	for i := range 10000 {
		fmt.Fprintf(&b, "P%05d,2026-05-01,1,1,1,yes\n", i) // 28 bytes
	}
	b.WriteString("P1,2026-05-01,x,1,1,yes\n")
	data := b.String()
	_, errs := Load(c, []Input{{Path: "v.csv", Open: streamOf(data, nil)}}, Limits{FileBytes: 100 << 10})
	// Byte 102,401 is on row 1 + ceil((102401-38)/28) = 3657.
	if got, want := problemLines(errs), "v.csv:3657: the file is larger than 100 KiB, the most a data file may hold; the rest of the file was not read [file-too-large]"; got != want {
		t.Errorf("file limit:\ngot  %s\nwant %s", got, want)
	}
	_, errs = Load(c, []Input{{Path: "v.csv", Open: streamOf(data, errors.New("input/output error"))}})
	if got, want := problemLines(errs), `v.csv:10002:3: column hours (C): visit.hours: "x" is not a number; expected a number between 0 and 400 [bad-number]
v.csv:10003: the file cannot be read: input/output error; the rest of the file was not read [read-error]`; got != want {
		t.Errorf("failing read:\ngot  %s\nwant %s", got, want)
	}
}

// TestLoadHashesStreams checks that each file's SHA-256, computed as it
// is read, is that of its contents, whatever the format; and that an
// Input can be loaded again.
func TestLoadHashesStreams(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	for _, name := range []string{"good-bom-crlf.csv", "visits.json", "visits.yaml", "visits-json.txt"} {
		in := readInput(t, dataDir, name)
		rc, _ := in.Open()
		b, _ := io.ReadAll(rc)
		sum := sha256.Sum256(b)
		for range 2 {
			ds, errs := Load(c, []Input{in})
			if errs != nil {
				t.Fatalf("%s: %v", name, errs)
			}
			if got, want := ds.Files[0].SHA256, hex.EncodeToString(sum[:]); got != want {
				t.Errorf("%s: SHA256 %s, want %s", name, got, want)
			}
		}
	}
	lines := `{"person": "P1", "month": "2026-05-01", "hours": 1, "visits": 1, "charge": 1, "paid": true}` + "\n\n" +
		`{"person": "P2", "month": "2026-05-01", "hours": 1, "visits": 1, "charge": 1, "paid": true}`
	ds, errs := Load(c, []Input{{Path: "v.jsonl", Open: streamOf(lines, nil)}})
	if errs != nil {
		t.Fatal(errs)
	}
	sum := sha256.Sum256([]byte(lines))
	if got := ds.Files[0]; got.SHA256 != hex.EncodeToString(sum[:]) || got.Records != 2 || got.Format != "jsonl" {
		t.Errorf("JSON Lines: %+v", got)
	}
}

func TestSizeText(t *testing.T) {
	for n, want := range map[int64]string{1: "1 byte", 1000: "1,000 bytes", 64 << 10: "64 KiB", 1 << 20: "1 MiB", 3 << 30: "3 GiB", 1<<20 + 1: "1,048,577 bytes"} {
		if got := sizeText(n); got != want {
			t.Errorf("sizeText(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestLoadDuplicateFiles checks that a file given twice is refused rather
// than counted twice: data without keys (performance-standards' episodes,
// read as 240 instead of 120), nested data (each visit's tasks doubled),
// and a file read whole. Only the duplicate-file problem is listed for the
// copy, not the problems its records make.
func TestLoadDuplicateFiles(t *testing.T) {
	dir := filepath.Join("..", "..", "specs", "performance-standards")
	ps := loadContract(t, filepath.Join(dir, "contract.occ"))
	episodes := readInput(t, dir, "episodes.csv")
	copyOf := func(in Input, path string) Input {
		in.Path = path
		return in
	}
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	for _, tc := range []struct {
		name string
		c    *compiler.Contract
		in   []Input
		want string
	}{
		{"data without keys", ps, []Input{episodes, copyOf(episodes, "episodes (1).csv")},
			"episodes (1).csv: the file has the same contents as episodes.csv; give each file once [duplicate-file]"},
		{"the same name twice", ps, []Input{episodes, copyOf(episodes, "./episodes.csv")},
			"./episodes.csv: the file is given twice (the first time as input 1); give each file once [duplicate-file]"},
		{"nested data", c, []Input{readInput(t, dataDir, "visits.csv"), readInput(t, dataDir, "tasks.csv"), copyOf(readInput(t, dataDir, "tasks.csv"), "tasks2.csv")},
			"tasks2.csv: the file has the same contents as tasks.csv; give each file once [duplicate-file]"},
		{"nested data first", c, []Input{copyOf(readInput(t, dataDir, "tasks.csv"), "tasks2.csv"), readInput(t, dataDir, "visits.csv"), readInput(t, dataDir, "tasks.csv")},
			"tasks.csv: the file has the same contents as tasks2.csv; give each file once [duplicate-file]"},
		{"a file read whole", c, []Input{readInput(t, dataDir, "visits.json"), copyOf(readInput(t, dataDir, "visits.json"), "v.json")},
			"v.json: the file has the same contents as visits.json; give each file once [duplicate-file]"},
	} {
		ds, errs := Load(tc.c, tc.in)
		if got := problemLines(errs); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
		if ds != nil {
			t.Errorf("%s: a dataset despite a file given twice", tc.name)
		}
	}
	if ds, errs := Load(ps, []Input{episodes}); errs != nil || len(ds.Records["episode"]) != 120 {
		t.Errorf("episodes.csv alone: %v", errs)
	}
}

// TestLoadHugeName checks that a 16 MB header name, allowed by raised
// limits, is reported at once with its first 40 characters: the "did you
// mean" search took over a minute and 5.8 GB on one of 50 MB.
func TestLoadHugeName(t *testing.T) {
	c := loadContract(t, filepath.Join(dataDir, "contract.occ"))
	name := strings.Repeat("x", 16<<20)
	lim := Limits{FieldBytes: 64 << 20, RowBytes: 64 << 20}
	start := time.Now()
	_, errs := Load(c, []Input{
		{Path: "v.csv", Open: Bytes([]byte("person,month,hours,visits,charge,paid," + name + "\n"))},
		{Path: "v.json", Open: Bytes([]byte(`[{"` + name + `": 1}]`))},
	}, lim)
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %v", d)
	}
	want := `v.csv:1:7: column xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (G): visit has no field "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" (16,777,216 characters); its columns are person, month, hours, visits, charge, paid, seen_on and band [unknown-column]`
	if len(errs) == 0 || problemLine(errs[0]) != want {
		t.Errorf("got  %s\nwant %s", problemLines(errs), want)
	}
	for _, e := range errs {
		if len(e.Message) > 500 {
			t.Errorf("a message of %d bytes: %.100s", len(e.Message), e.Message)
		}
	}
}
