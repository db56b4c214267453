package compiler_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
)

// fuzzContract declares a param of every type a param can have.
const fuzzContract = `contract "Params" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

param price "A price" = £19.60
param bonus "An uplift" = 25%
param part "A part" = 0.5
param visits "A count" = 4
param window "A window" = 42 days
param from "A date" = 2026-04-01
param on "A switch" = true
param region "A region" = "North"

param fee "A table" {
  north   = £10.00
  default = £1.00
}

data review "A review" {
  person text key
  month  date key
  hours  decimal 0 .. 400
  visits int 0 .. 100
}

payment hours "Hours" {
  for    review
  when   on && region == "North" && review.month >= from && review.visits > visits && review.month - from > window
  amount = review.hours * price * (1 + bonus) * part + fee[review.person]
}
`

// FuzzParseParam: an override never panics, and a value ParseParam accepts
// has exactly the param's type. It is seeded with the param values of
// specs/ and testdata/check/ and the overrides of the compiler's tests.
func FuzzParseParam(f *testing.F) {
	c := compileText(f, "params.occ", fuzzContract)
	// Every settable name: the params, a table's entries by NAME.KEY, and
	// the table as a whole, which is never accepted.
	var names []string
	for _, p := range c.Settable() {
		names = append(names, p.Name)
	}
	names = append(names, "fee")
	seeds := []string{"£21.00", "£1,250", "21", "21.5", "25", "25%", "0.25", "100%", "1.0", "3", "3.0", "6 weeks",
		"42", "2026-05-01", `"2026-05-01"`, "false", `"South"`, "-£5.00", "£1,500.00 * 2", "10% - 5%", "10%3",
		"1e5", "£", "", " ", "0.124999999999999999999999999999999999", "[1, 2].map(x, x * 2)[0]", "size(\"abc\")"}
	for _, root := range []string{"../specs", "../testdata/check"} {
		paths, _ := filepath.Glob(filepath.Join(root, "*", "*.occ"))
		more, _ := filepath.Glob(filepath.Join(root, "*.occ"))
		for _, path := range append(paths, more...) {
			src, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			file, _ := lang.Parse(path, src)
			for _, d := range file.Decls {
				if p, ok := d.(*lang.Param); ok && p.Value != nil {
					seeds = append(seeds, p.Value.Text)
				}
				if t, ok := d.(*lang.Test); ok {
					for _, s := range t.Sets {
						if s.Value != nil {
							seeds = append(seeds, s.Value.Text)
						}
					}
				}
			}
		}
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		name := names[int(which)%len(names)]
		v, err := c.ParseParam(name, text)
		p := c.SettableParam(name)
		if p == nil {
			if err == nil {
				t.Fatalf("ParseParam(%s, %q) set a whole table to %v", name, text, v)
			}
			return
		}
		if err != nil {
			if v != nil {
				t.Fatalf("ParseParam(%s, %q) gave %v and the error %v", p.Name, text, v, err)
			}
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("ParseParam(%s, %q): an empty error", p.Name, text)
			}
			return
		}
		if got, want := v.Type().TypeName(), p.Type.TypeName(); got != want {
			t.Fatalf("ParseParam(%s, %q) = %v, a %s; the param is a %s", p.Name, text, v, got, want)
		}
	})
}

// compileText compiles one contract file given as text.
func compileText(tb testing.TB, name, src string) *compiler.Contract {
	tb.Helper()
	f, ds := lang.Parse(name, []byte(src))
	if ds.HasErrors() {
		tb.Fatal(ds)
	}
	c, ds := compiler.Compile([]*lang.File{f})
	if c == nil {
		tb.Fatal(ds)
	}
	return c
}
