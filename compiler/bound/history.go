package bound

import (
	"fmt"
	"strings"

	"github.com/occ-lang/occ/compiler"
)

// historyList returns the list history(D), earlier(D) or within(D, N
// days) stands for: at most D's `max N per person` records, which the
// loader enforces. ok is false for any other name.
func (a *analysis) historyList(name string) (v val, ok bool) {
	d, found := strings.CutPrefix(name, compiler.HistoryPrefix)
	if !found {
		d, found = strings.CutPrefix(name, compiler.EarlierPrefix)
	}
	if !found {
		_, d, found = compiler.ParseWithin(name)
	}
	s := a.c.Schema(d)
	if !found || s == nil || s.MaxPerPerson == 0 {
		return v, false
	}
	size := intEnd(int64(s.MaxPerPerson), fmt.Sprintf("data %s: max %d per person", s.Name, s.MaxPerPerson))
	return val{k: kList, schema: s, elem: &val{k: kRec, schema: s}, size: size, fromAll: true}, true
}
