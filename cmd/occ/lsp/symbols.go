package lsp

import (
	"fmt"

	"github.com/occ-lang/occ/lang"
)

// documentSymbols answers textDocument/documentSymbol: the file's
// declarations in order, each data schema with its fields.
func (s *server) documentSymbols(p documentParams) []documentSymbol {
	u, f := s.file(p.TextDocument.URI)
	if f == nil {
		return nil
	}
	t := u.texts[f.Name]
	out := []documentSymbol{}
	sym := func(name, detail string, kind int, whole lang.Span, sel lang.Span) documentSymbol {
		return documentSymbol{Name: name, Detail: detail, Kind: kind,
			Range: t.offsetRange(whole.Start.Offset, whole.End.Offset), SelectionRange: t.offsetRange(sel.Start.Offset, sel.End.Offset)}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *lang.Contract:
			sel := d.Stmt.Head.Span
			if d.Title.Text != "" {
				sel = d.Title.Span
			}
			out = append(out, sym(d.Title.Unquoted(), "contract", symbolModule, d.Stmt.Span, sel))
		case *lang.Param:
			detail := ""
			if d.Value != nil {
				detail = oneLine(d.Value.Text)
			} else if len(d.Entries) > 0 {
				detail = fmt.Sprintf("table of %d entries", len(d.Entries))
			}
			out = append(out, sym(d.Name.Text, detail, symbolConstant, d.Stmt.Span, d.Name.Span))
		case *lang.Data:
			ds := sym(d.Name.Text, title(d.Title), symbolStruct, d.Stmt.Span, d.Name.Span)
			for _, fl := range d.Fields {
				ds.Children = append(ds.Children, sym(fl.Name.Text, fieldType(fl), symbolField, fl.Stmt.Span, fl.Name.Span))
			}
			out = append(out, ds)
		case *lang.Rule:
			kind := symbolFunction
			if d.Kind == lang.Let {
				kind = symbolVariable
			}
			detail := string(d.Kind)
			if d.Title != nil {
				detail += " — " + d.Title.Unquoted()
			}
			out = append(out, sym(d.Name.Text, detail, kind, d.Stmt.Span, d.Name.Span))
		case *lang.Test:
			out = append(out, sym(d.Name.Unquoted(), "test", symbolEvent, d.Stmt.Span, d.Name.Span))
		}
	}
	return out
}

// title returns a title's text, or "".
func title(w *lang.Word) string {
	if w == nil {
		return ""
	}
	return w.Unquoted()
}

// formatting answers textDocument/formatting with the file in the
// canonical layout, as occ fmt prints it: one edit replacing the whole
// text, or none when it is already formatted. A file with syntax errors is
// left alone, as occ fmt leaves it; its diagnostics say why.
func (s *server) formatting(p documentParams) []textEdit {
	name, _ := uriToName(p.TextDocument.URI)
	u := s.ws.unitOf(name)
	t := u.texts[name]
	if t == nil {
		return nil
	}
	f, ds := lang.Parse(name, t.src)
	if f.Body == nil || ds.HasErrors() {
		return nil
	}
	out := lang.Format(f)
	if string(out) == string(t.src) {
		return []textEdit{}
	}
	return []textEdit{{Range: t.offsetRange(0, len(t.src)), NewText: string(out)}}
}
