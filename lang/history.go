package lang

// dataLimit reads the data setting `max N per person`, which bounds the
// records one person may have, into dd. It reports whether st was that
// setting (a field named max has a type word, not a number, after it).
func (d decoder) dataLimit(dd *Data, st *Stmt) bool {
	a := st.Args
	if st.Head.Text != "max" || len(a) == 0 || a[0].Kind != NumberWord {
		return false
	}
	d.noBlockOrExpr(st)
	if len(a) != 3 || a[1].Text != "per" || a[2].Text != "person" {
		d.errorf(st.Span, "bad-clause", "write the limit as `max N per person`").Detail =
			"`max 260 per person` allows at most 260 records of one person in this data"
		return true
	}
	if dd.MaxPerPerson != nil {
		d.errorf(st.Head.Span, "duplicate", "`max N per person` is given twice in data %s", dd.Name.Text)
		return true
	}
	n := a[0]
	dd.MaxPerPerson = &n
	return true
}

// isLimit reports whether s, in a block under parent, is the data setting
// `max N per person`, which the formatter prints on its own, not aligned
// with the fields around it.
func isLimit(s *Stmt, parent string) bool {
	return parent == "data" && (s.Head.Text == "max" && len(s.Args) > 0 && s.Args[0].Kind == NumberWord || isReference(s))
}
