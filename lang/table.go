package lang

import "fmt"

// Entry is one entry of a table param: a key and its value. The key
// `default` gives the value of every key the table does not list.
//
//	jsa_18_24 = £1,200.00
type Entry struct {
	Stmt  *Stmt
	Key   Word
	Value *Expr
}

// DefaultKey is the key of a table param's default entry.
const DefaultKey = "default"

// IsDefault reports whether the entry is the table's default.
func (e *Entry) IsDefault() bool { return e.Key.Text == DefaultKey }

// table reads the entries of a table param's block into p. Duplicate
// keys and the types of the values are the compiler's to check.
func (d decoder) table(p *Param) {
	s := p.Stmt
	for _, st := range s.Block.Stmts {
		if st.Head.Kind != IdentWord {
			d.errorf(st.Head.Span, "bad-entry", "a table key is a name, found %s", describe(st.Head)).Detail =
				"write each entry as `key = value`, the key a name of letters, digits and _"
			continue
		}
		if st.Block != nil {
			d.errorf(st.Block.Open, "unexpected-block", "a table entry takes no block").Detail =
				fmt.Sprintf("write `%s = VALUE`", st.Head.Text)
			continue
		}
		if len(st.Args) > 0 || st.Op == nil || st.Op.Text != "=" {
			sp := st.Head.Span
			if len(st.Args) > 0 {
				sp = spanOf(st.Args)
			}
			d.errorf(sp, "bad-entry", "write each entry of table %s as `key = value`", p.Name.Text).Detail =
				fmt.Sprintf("e.g. `%s = £1,200.00`; `default = VALUE` gives every other key", st.Head.Text)
			continue
		}
		if st.Expr == nil {
			d.errorf(st.Op.Span, "missing-expression", "expected a value after =")
			continue
		}
		p.Entries = append(p.Entries, &Entry{Stmt: st, Key: st.Head, Value: st.Expr})
	}
	if len(p.Entries) == 0 && len(s.Block.Stmts) == 0 {
		d.errorf(s.Block.Open, "empty-table", "table param %s has no entries", p.Name.Text).Detail =
			"write one `key = value` a line inside { }"
	}
}

// dataReference reads the data setting `reference`, which makes the data
// reference data: looked up by its key, with no period and no person. It
// reports whether st was that setting (a field named reference has a type
// word after it).
func (d decoder) dataReference(dd *Data, st *Stmt) bool {
	if !isReference(st) {
		return false
	}
	if dd.Reference != nil {
		d.errorf(st.Head.Span, "duplicate", "`reference` is given twice in data %s", dd.Name.Text)
		return true
	}
	w := st.Head
	dd.Reference = &w
	return true
}

// isReference reports whether s is the data setting `reference`, a word
// alone, which the formatter prints on its own line like `max N per
// person`.
func isReference(s *Stmt) bool {
	return s.Head.Text == "reference" && len(s.Args) == 0 && s.Op == nil && s.Block == nil && s.Expr == nil
}
