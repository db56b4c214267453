package lang_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occ-lang/occ/lang"
)

// corpusFiles returns every .occ file under specs/ and testdata/.
func corpusFiles(tb testing.TB) []string {
	tb.Helper()
	var files []string
	for _, root := range []string{"../specs", "../testdata"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".occ") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if len(files) == 0 {
		tb.Fatal("no .occ files under specs/ and testdata/")
	}
	return files
}

// extraSeeds are small inputs that reach corners the corpus does not.
var extraSeeds = []string{
	"",
	"\n",
	"contract \"X {\n}\n",
	"param a = (1 + 2\nparam b = [1, 2)\n",
	"payment p { for review; amount = x }",
	"test \"t\" { review { person = \"P1\"  month = 2026-05-01 } }",
	"x = \"\"\"a\nb\"\"\" // c\n",
	"a = '''\n'''",
	"\xef\xbb\xbfparam a = 1\r\nparam b = 2\r\n",
	"a { // open\n  // inner\n}\n// tail\n",
	"a {}\n\n\n// end",
	"when x > 1",
	"amount = (1 +\n    2)\n",
	"}",
	"{",
	"a\x00b",
	"£",
	"a = b ]",
	"a = {1: (2]}",
}

func FuzzParse(f *testing.F) {
	for _, path := range corpusFiles(f) {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range extraSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, diags := lang.Parse("fuzz.occ", src)
		checkDiagPositions(t, file, diags)
		if file.Body == nil {
			if !diags.HasErrors() {
				t.Fatalf("no tree and no error")
			}
			return
		}
		checkSpans(t, file)
		if diags.HasErrors() {
			return
		}
		out := lang.Format(file)
		file2, diags2 := lang.Parse("fuzz.occ", out)
		if diags2.HasErrors() || file2.Body == nil {
			t.Fatalf("formatted output does not parse:\n%v\ninput:\n%s\noutput:\n%s", diags2, src, out)
		}
		if out2 := lang.Format(file2); !bytes.Equal(out, out2) {
			t.Fatalf("formatting is not idempotent\ninput:\n%q\nonce:\n%q\ntwice:\n%q", src, out, out2)
		}
		if a, b := dumpBody(file.Body), dumpBody(file2.Body); a != b {
			t.Fatalf("formatting changed the statements\ninput:\n%q\noutput:\n%q\nbefore:\n%s\nafter:\n%s", src, out, a, b)
		}
	})
}

// checkDiagPositions requires every diagnostic to lie within the file, with
// line and column consistent with the byte offset.
func checkDiagPositions(t *testing.T, f *lang.File, diags lang.Diagnostics) {
	t.Helper()
	n := len(f.Src)
	for _, d := range diags {
		s := d.Span
		if s.File != "fuzz.occ" {
			t.Errorf("diagnostic in file %q: %v", s.File, d)
		}
		if s.Start.Offset < 0 || s.Start.Offset > n || s.End.Offset < s.Start.Offset || s.End.Offset > n {
			t.Fatalf("diagnostic span [%d, %d) outside the file of %d bytes: %v", s.Start.Offset, s.End.Offset, n, d)
		}
		if p := f.PosAt(s.Start.Offset); p != s.Start {
			t.Fatalf("diagnostic starts at %+v, but offset %d is %+v: %v", s.Start, s.Start.Offset, p, d)
		}
		if p := f.PosAt(s.End.Offset); p != s.End {
			t.Fatalf("diagnostic ends at %+v, but offset %d is %+v: %v", s.End, s.End.Offset, p, d)
		}
		if d.Message == "" || d.Code == "" {
			t.Fatalf("diagnostic without a message or code: %#v", d)
		}
	}
}

// checkSpans requires every span to be consistent (line and column agree
// with the offset, the text of words and expressions is the source there),
// and every child to lie inside its parent: words, the operator, the
// expression and the block inside their statement, statements inside their
// block, in order.
func checkSpans(t *testing.T, f *lang.File) {
	t.Helper()
	valid := func(what string, s lang.Span) {
		t.Helper()
		if s.Start.Offset < 0 || s.End.Offset > len(f.Src) || s.End.Offset < s.Start.Offset {
			t.Fatalf("%s span [%d, %d) outside the file of %d bytes", what, s.Start.Offset, s.End.Offset, len(f.Src))
		}
		if p := f.PosAt(s.Start.Offset); p != s.Start {
			t.Fatalf("%s starts at %+v, but offset %d is %+v", what, s.Start, s.Start.Offset, p)
		}
		if p := f.PosAt(s.End.Offset); p != s.End {
			t.Fatalf("%s ends at %+v, but offset %d is %+v", what, s.End, s.End.Offset, p)
		}
	}
	inside := func(what string, parent, child lang.Span) {
		t.Helper()
		valid(what, child)
		if !parent.Contains(child) {
			t.Fatalf("%s [%d, %d) is not inside its parent [%d, %d)", what, child.Start.Offset, child.End.Offset, parent.Start.Offset, parent.End.Offset)
		}
	}
	text := func(what string, s lang.Span, want string) {
		t.Helper()
		if got := string(f.Src[s.Start.Offset:s.End.Offset]); got != want {
			t.Fatalf("%s is %q, but its span holds %q", what, want, got)
		}
	}
	comments := func(parent lang.Span, cs []lang.Comment) {
		for _, c := range cs {
			inside("comment", parent, c.Span)
			if !strings.HasPrefix(c.Text, "//") {
				t.Fatalf("comment %q does not start with //", c.Text)
			}
		}
	}
	fileSpan := f.SpanAt(0, len(f.Src))
	var walk func(parent lang.Span, stmts []*lang.Stmt)
	walk = func(parent lang.Span, stmts []*lang.Stmt) {
		prevEnd := parent.Start.Offset
		for _, s := range stmts {
			inside("statement "+s.Head.Text, parent, s.Span)
			if s.Span.Start.Offset < prevEnd {
				t.Fatalf("statement %s at %d overlaps the one before, which ends at %d", s.Head.Text, s.Span.Start.Offset, prevEnd)
			}
			prevEnd = s.Span.End.Offset
			inside("head "+s.Head.Text, s.Span, s.Head.Span)
			text("head", s.Head.Span, s.Head.Text)
			last := s.Head.Span.End.Offset
			for _, a := range s.Args {
				inside("word "+a.Text, s.Span, a.Span)
				text("word", a.Span, a.Text)
				if a.Span.Start.Offset < last {
					t.Fatalf("word %q at %d is before the word ending at %d", a.Text, a.Span.Start.Offset, last)
				}
				last = a.Span.End.Offset
			}
			if s.Op != nil {
				inside("operator", s.Span, s.Op.Span)
				text("operator", s.Op.Span, s.Op.Text)
			}
			if s.Expr != nil {
				inside("expression", s.Span, s.Expr.Span)
				text("expression", s.Expr.Span, s.Expr.Text)
				if s.Expr.Text == "" {
					t.Fatalf("empty expression in statement %s", s.Head.Text)
				}
			}
			for _, c := range s.Comments {
				valid("comment", c.Span)
			}
			if s.Trailing != nil {
				valid("trailing comment", s.Trailing.Span)
			}
			if b := s.Block; b != nil {
				inside("block open", s.Span, b.Open)
				inside("block close", s.Span, b.Close)
				text("block open", b.Open, "{")
				text("block close", b.Close, "}")
				inner := lang.Span{File: f.Name, Start: b.Open.Start, End: b.Close.End}
				if b.OpenComment != nil {
					inside("comment after {", inner, b.OpenComment.Span)
				}
				comments(inner, b.Comments)
				walk(inner, b.Stmts)
			}
		}
	}
	walk(fileSpan, f.Body.Stmts)
	comments(fileSpan, f.Body.Comments)
}

// dumpBody prints the statement tree without positions, with the white
// space of expressions collapsed and with the comments, so that two trees
// can be compared.
func dumpBody(b *lang.Body) string {
	var sb strings.Builder
	var dump func(indent string, stmts []*lang.Stmt)
	dump = func(indent string, stmts []*lang.Stmt) {
		for _, s := range stmts {
			for _, c := range s.Comments {
				fmt.Fprintf(&sb, "%s%s\n", indent, c.Text)
			}
			fmt.Fprintf(&sb, "%s%s", indent, s.Head.Text)
			for _, a := range s.Args {
				fmt.Fprintf(&sb, " [%d]%s", a.Kind, a.Text)
			}
			if s.Op != nil {
				fmt.Fprintf(&sb, " op(%s)", s.Op.Text)
			}
			if s.Expr != nil {
				fmt.Fprintf(&sb, " expr(%s)", collapse(s.Expr.Text))
			}
			if s.Trailing != nil {
				fmt.Fprintf(&sb, " %s", s.Trailing.Text)
			}
			sb.WriteByte('\n')
			if s.Block != nil {
				fmt.Fprintf(&sb, "%s{", indent)
				if s.Block.OpenComment != nil {
					fmt.Fprintf(&sb, " %s", s.Block.OpenComment.Text)
				}
				sb.WriteByte('\n')
				dump(indent+"  ", s.Block.Stmts)
				for _, c := range s.Block.Comments {
					fmt.Fprintf(&sb, "%s  %s\n", indent, c.Text)
				}
				fmt.Fprintf(&sb, "%s}\n", indent)
			}
		}
	}
	dump("", b.Stmts)
	for _, c := range b.Comments {
		fmt.Fprintf(&sb, "%s\n", c.Text)
	}
	return sb.String()
}

// collapse turns every run of white space into one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
