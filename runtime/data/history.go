package data

import (
	"fmt"

	"cel.dev/cel-go/common/types"
)

// checkPerPerson enforces each data's `max N per person`: the record that
// takes one person over the limit is a problem, located at its row, and
// naming the person.
func (l *loader) checkPerPerson() {
	for _, s := range l.c.TopSchemas() {
		if s.MaxPerPerson == 0 || s.PersonField == nil || l.tables[s] == nil {
			continue
		}
		seen := map[string]int{}
		for _, r := range l.tables[s].all {
			p, ok := r.Field(s.PersonField.Index).(types.String)
			if !ok {
				continue
			}
			seen[string(p)]++
			if seen[string(p)] == s.MaxPerPerson+1 {
				l.reportAt(r, problem{code: "too-many-records", field: s.Name + "." + s.PersonField.Name, value: string(p),
					msg: fmt.Sprintf("person %q has more than %d records of %s, the most data %s allows (max %d per person); raise the limit or check the data for repeated rows",
						string(p), s.MaxPerPerson, s.Name, s.Name, s.MaxPerPerson)})
			}
		}
	}
}
