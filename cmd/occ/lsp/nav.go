package lsp

// definition answers textDocument/definition: the place the name under the
// cursor is declared.
func (s *server) definition(p textDocumentPositionParams) []location {
	q := s.at(p.TextDocument.URI, p.Position)
	if q == nil {
		return nil
	}
	o := q.u.index.at(q.name, q.off)
	if o == nil {
		return nil
	}
	l, ok := s.location(q.u, o.sym.file, o.sym.start, o.sym.end)
	if !ok {
		return nil
	}
	return []location{l}
}

// references answers textDocument/references: every place the name under
// the cursor is written in its contract's files, its declaration included
// when the client asks for it.
func (s *server) references(p referenceParams) []location {
	q := s.at(p.TextDocument.URI, p.Position)
	if q == nil {
		return nil
	}
	o := q.u.index.at(q.name, q.off)
	if o == nil {
		return nil
	}
	out := []location{}
	for _, pl := range q.u.index.uses(o.sym) {
		if pl.decl && !p.Context.IncludeDeclaration {
			continue
		}
		if l, ok := s.location(q.u, pl.file, pl.start, pl.end); ok {
			out = append(out, l)
		}
	}
	return out
}

// location returns the LSP location of bytes [start, end) of a file of the
// unit. It fails for a file whose index is stale, as its offsets may no
// longer match its text.
func (s *server) location(u *unit, file string, start, end int) (location, bool) {
	t := u.texts[file]
	if t == nil || u.stale[file] {
		return location{}, false
	}
	return location{URI: s.uri(file), Range: t.offsetRange(start, end)}, true
}
