package schedule

import (
	"strings"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/compiler/prose"
	"github.com/occ-lang/occ/lang/words"
)

// payers says who pays what share of each line, and from when, for a
// contract that declares its payers: "Example City Council (council) 60%
// and NHS Example ICB (icb) 40% of each line; from 1 October 2026, 50% and
// 50%". It is "" for a contract that declares none: its commissioner
// pays every line.
func payers(c *compiler.Contract) string {
	if len(c.Payers) < 2 {
		return "" // the one payer, the commissioner or another, pays every line
	}
	var b strings.Builder
	for i, sp := range c.Splits {
		var parts []string
		for j, p := range c.Payers {
			share := prose.Percent(sp.Shares[j])
			if i == 0 {
				name := p.Name
				if p.Title != "" {
					name = p.Title + " (" + p.Name + ")"
				}
				parts = append(parts, name+" "+share)
			} else {
				parts = append(parts, p.Name+" "+share)
			}
		}
		if i == 0 {
			b.WriteString(words.And(parts) + " of each line, split exactly to the smallest unit by the largest remainder")
			continue
		}
		b.WriteString("; from " + prose.Date(sp.From) + ", " + words.And(parts))
	}
	return b.String()
}
