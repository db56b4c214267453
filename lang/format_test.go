package lang_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/occ-lang/occ/lang"
)

var update = flag.Bool("update", false, "rewrite the want.occ sections of testdata/format/*.txtar")

// TestFormatCorpus formats every .occ file under specs/ and testdata/ that
// parses without errors, and requires the result to parse cleanly, to be
// unchanged by a second formatting, to keep every comment, and to decode to
// the same declarations.
func TestFormatCorpus(t *testing.T) {
	clean := 0
	for _, path := range corpusFiles(t) {
		t.Run(strings.TrimPrefix(filepath.ToSlash(path), "../"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, diags := lang.Parse(path, src)
			if diags.HasErrors() || f.Body == nil {
				if strings.Contains(filepath.ToSlash(path), "/specs/") {
					t.Fatalf("a spec does not parse:\n%v", diags)
				}
				return // a checker case with syntax mistakes
			}
			clean++
			out := lang.Format(f)
			g, diags := lang.Parse(path, out)
			if diags.HasErrors() || g.Body == nil {
				t.Fatalf("formatted output does not parse:\n%v\n%s", diags, out)
			}
			if again := lang.Format(g); !bytes.Equal(again, out) {
				t.Errorf("formatting twice differs from once:\n%s", lineDiff(string(out), string(again)))
			}
			if a, b := commentTexts(f), commentTexts(g); !reflect.DeepEqual(a, b) {
				t.Errorf("comments changed:\nbefore (%d): %q\nafter  (%d): %q", len(a), a, len(b), b)
			}
			if a, b := dumpDecls(f.Decls), dumpDecls(g.Decls); a != b {
				t.Errorf("declarations changed:\n%s", lineDiff(a, b))
			}
		})
	}
	if clean < 5 {
		t.Errorf("only %d corpus files parse cleanly; the specs alone are five", clean)
	}
}

// TestSpecsFormatted requires the specs to be in the canonical layout
// already, as `occ fmt --check specs/` does in CI.
func TestSpecsFormatted(t *testing.T) {
	paths, _ := filepath.Glob("../specs/*/*.occ")
	if len(paths) == 0 {
		t.Fatal("no specs")
	}
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, diags := lang.Parse(path, src)
		if diags.HasErrors() {
			t.Errorf("%s: %v", path, diags)
			continue
		}
		if out := lang.Format(f); !bytes.Equal(out, src) {
			t.Errorf("%s is not formatted:\n%s", path, lineDiff(string(src), string(out)))
		}
	}
}

// TestFormatGolden runs the cases in testdata/format: each archive holds
// input.occ and want.occ, the canonical layout of the input. With -update the
// want.occ sections are rewritten from the formatter's output.
func TestFormatGolden(t *testing.T) {
	paths, err := filepath.Glob("../testdata/format/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 6 {
		t.Fatalf("found %d golden files in testdata/format", len(paths))
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			input, want := section(ar, "input.occ"), section(ar, "want.occ")
			if input == nil || want == nil && !*update {
				t.Fatalf("%s needs input.occ and want.occ sections", path)
			}
			f, diags := lang.Parse("input.occ", input)
			if diags.HasErrors() {
				t.Fatalf("input does not parse:\n%v", diags)
			}
			got := lang.Format(f)
			if *update {
				setSection(ar, "want.occ", got)
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !bytes.Equal(got, want) {
				t.Errorf("format(input) differs from want.occ (-want +got):\n%s", lineDiff(string(want), string(got)))
			}
			// The canonical layout is a fixed point.
			g, diags := lang.Parse("want.occ", want)
			if diags.HasErrors() {
				t.Fatalf("want.occ does not parse:\n%v", diags)
			}
			if again := lang.Format(g); !bytes.Equal(again, want) {
				t.Errorf("want.occ is not in the canonical layout (-want +got):\n%s", lineDiff(string(want), string(again)))
			}
			if a, b := commentTexts(f), commentTexts(g); !reflect.DeepEqual(a, b) {
				t.Errorf("comments changed:\nbefore: %q\nafter:  %q", a, b)
			}
			if a, b := dumpDecls(f.Decls), dumpDecls(g.Decls); a != b {
				t.Errorf("declarations changed:\n%s", lineDiff(a, b))
			}
		})
	}
}

func section(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

func setSection(ar *txtar.Archive, name string, data []byte) {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = data
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: data})
}

// commentTexts lists the text of every comment in the file, in order.
func commentTexts(f *lang.File) []string {
	var out []string
	var walk func(stmts []*lang.Stmt)
	walk = func(stmts []*lang.Stmt) {
		for _, s := range stmts {
			for _, c := range s.Comments {
				out = append(out, c.Text)
			}
			if b := s.Block; b != nil {
				if b.OpenComment != nil {
					out = append(out, b.OpenComment.Text)
				}
				walk(b.Stmts)
				for _, c := range b.Comments {
					out = append(out, c.Text)
				}
			}
			if s.Trailing != nil {
				out = append(out, s.Trailing.Text)
			}
		}
	}
	walk(f.Body.Stmts)
	for _, c := range f.Body.Comments {
		out = append(out, c.Text)
	}
	return out
}

// dumpDecls prints the typed declarations: every field by name, words as
// their kind and text, expressions with their white space collapsed, and
// nothing of positions or of the statements they were decoded from.
func dumpDecls(decls []lang.Decl) string {
	var b strings.Builder
	for _, d := range decls {
		dumpValue(&b, reflect.ValueOf(d), "")
		b.WriteByte('\n')
	}
	return b.String()
}

var (
	spanType = reflect.TypeOf(lang.Span{})
	stmtType = reflect.TypeOf(&lang.Stmt{})
	exprType = reflect.TypeOf(lang.Expr{})
)

func dumpValue(b *strings.Builder, v reflect.Value, indent string) {
	switch {
	case v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		dumpValue(b, v.Elem(), indent)
	case v.Type() == exprType:
		fmt.Fprintf(b, "expr(%s)", collapse(v.FieldByName("Text").String()))
	case v.Kind() == reflect.Struct:
		fmt.Fprintf(b, "%s{\n", v.Type().Name())
		for i := 0; i < v.NumField(); i++ {
			ft := v.Type().Field(i)
			if ft.Type == spanType || ft.Type == stmtType {
				continue
			}
			fmt.Fprintf(b, "%s  %s: ", indent, ft.Name)
			dumpValue(b, v.Field(i), indent+"  ")
			b.WriteByte('\n')
		}
		fmt.Fprintf(b, "%s}", indent)
	case v.Kind() == reflect.Slice:
		b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			dumpValue(b, v.Index(i), indent+"  ")
		}
		b.WriteString("]")
	default:
		fmt.Fprintf(b, "%v", v.Interface())
	}
}

// lineDiff shows the lines that differ between a and b.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out strings.Builder
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			fmt.Fprintf(&out, "line %d:\n\t-%q\n\t+%q\n", i+1, x, y)
		}
	}
	return out.String()
}
