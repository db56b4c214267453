package compiler_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
)

// TestDataPathSymlinks: a data file that is a symbolic link, or lies under
// one, leading out of the contract's folder is refused when the contract is
// checked, with the span of the name on the data line; a link inside the
// folder is fine, and so is a file that does not exist yet.
func TestDataPathSymlinks(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "spec")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{dir, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skipf("cannot make symbolic links here: %v", err)
		}
	}
	write(filepath.Join(outside, "secret.csv"), "person,month,actual_hours\n")
	write(filepath.Join(dir, "reviews.csv"), "person,month,actual_hours\n")
	link("../outside/secret.csv", "out.csv")
	link("../outside/none.csv", "dangling.csv")
	link("/etc/passwd", "abs.csv")
	link("../outside", "elsewhere")
	link("reviews.csv", "in.csv")

	src := `contract "Links" {
  term       2026-04-01 .. 2027-03-31
  settlement monthly
}

data review "One monthly review" {
  person       text key
  month        date key
  actual_hours decimal 0 .. 400
}

payment hours "Hours delivered" {
  for    review
  amount = review.actual_hours * £1.00
}

test "links" {
  data   "in.csv"
  data   "reviews.csv"
  data   "not_yet.csv"
  data   "out.csv"
  data   "dangling.csv"
  data   "abs.csv"
  data   "elsewhere/secret.csv"
  expect total == £0.00
}
`
	name := filepath.Join(dir, "contract.occ")
	write(name, src)
	f, ds := lang.Parse(name, []byte(src))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	c, ds := compiler.Compile([]*lang.File{f})
	if c != nil {
		t.Fatal("a contract whose test reads files outside its folder compiled")
	}
	got := map[int]string{}
	for _, d := range ds {
		if d.Code != "data-path-outside" || d.Span.Start.Col != 10 {
			t.Errorf("unexpected %s", d)
			continue
		}
		got[d.Span.Start.Line] = d.Message
	}
	want := map[int]string{
		21: `data file "out.csv" leads outside the contract's folder through a symbolic link`,
		22: `data file "dangling.csv" leads outside the contract's folder through a symbolic link`,
		23: `data file "abs.csv" leads outside the contract's folder through a symbolic link`,
		24: `data file "elsewhere/secret.csv" leads outside the contract's folder through a symbolic link`,
	}
	for line, msg := range want {
		if got[line] != msg {
			t.Errorf("line %d: got %q, want %q", line, got[line], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d refusals, want %d: %v", len(got), len(want), got)
	}
	for _, d := range ds {
		if strings.Contains(d.Message, "secret") && d.Span.End.Col != 10+len(`"elsewhere/secret.csv"`) {
			t.Errorf("span of %s ends at column %d", d, d.Span.End.Col)
		}
	}
}
