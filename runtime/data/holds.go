package data

import (
	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
)

// Holds reports which of the contract's data an input holds, as Load
// would choose it from Input.Schema or from the file's header or first
// record, without reading its records: one name, or one per sheet read
// from a workbook. When Load could not tell, or could not open the file,
// Holds returns no names and the problems Load would report, so that a
// caller choosing among contracts for a file can ask each in turn.
func Holds(c *compiler.Contract, in Input, opts ...Option) ([]string, lang.Diagnostics) {
	l := newLoader(c, newOptions(opts))
	defer l.closeAll()
	fs := l.addFile(in, in.Path)
	l.open(fs)
	if len(l.errs) > 0 {
		return nil, l.sortedErrors()
	}
	var names []string
	for _, f := range l.files {
		if f.schema != nil {
			names = append(names, f.schema.Name)
		}
	}
	return names, nil
}
