package prose

import (
	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang/words"
)

// rulePayers says who pays a rule's lines when it is not the contract's
// split: " Paid by icb 100%." for a rule's own split, and for a cap or
// floor for one payer which payer's parts it counts. It is "" otherwise.
func rulePayers(c *compiler.Contract, r *compiler.Rule) string {
	switch {
	case r.Payer != nil:
		return " It counts only " + r.Payer.Name + "'s parts of these lines, and its adjustment is all " + r.Payer.Name + "'s."
	case r.Split != nil && c != nil:
		var parts []string
		for i, p := range c.Payers {
			if r.Split.Shares[i].Sign() > 0 {
				parts = append(parts, p.Name+" "+Percent(r.Split.Shares[i]))
			}
		}
		return " Paid by " + words.And(parts) + "."
	}
	return ""
}
