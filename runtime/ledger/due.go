package ledger

import (
	"fmt"
	"sort"

	"github.com/occ-lang/occ/compiler/value"
)

// Computed is a period's lines as the contract says today: computed from
// today's data under the contract version in effect in the period.
type Computed struct {
	Period  string
	Version int
	Lines   []Line // Amount is the contract's figure; Status and Cause are unset
}

// Causes of a prior-period adjustment.
const (
	CauseAdded     = "records added"
	CauseChanged   = "records changed"
	CauseRemoved   = "records removed"
	CauseVariation = "contract variation"
	CauseDispute   = "dispute"
)

// Due works out the lines a settlement of current.Period pays or holds,
// given the ledger's state and every earlier settled period recomputed
// (prior). The lines are: the period's own lines (held back when in
// dispute), then, period by period, a prior-period adjustment for every
// line whose amount now differs from what has been paid for it, and every
// line of an earlier period still in dispute, shown as held. A line only
// one side has is an addition or a removal. After the settlement, what has
// been paid for each line equals its amount now (or nothing while it is
// held, or the agreed amount), to the penny.
func Due(s *State, current Computed, prior []Computed) []Line {
	var out []Line
	for _, ln := range aggregate(current.Lines) {
		target, held := s.target(ln.ID, ln.Amount)
		if held != nil {
			h := ln
			h.Status, h.Cause = StatusHeld, "disputed: "+held.Reason
			out = append(out, h)
			continue
		}
		if d := s.disputes[ln.ID]; d != nil && d.Outcome == Reject {
			continue
		}
		ln.Amount, ln.Status = target, StatusDue
		out = append(out, ln)
	}
	lastSeq := 0
	if e := s.Last(); e != nil {
		lastSeq = e.Seq
	}
	for _, c := range prior {
		lines := aggregate(c.Lines)
		have := map[string]bool{}
		for _, ln := range lines {
			have[ln.ID] = true
		}
		// Lines paid for before that the contract now does not have.
		var gone []string
		for id, ln := range s.last {
			if ln.Period == c.Period && !have[id] && s.seen[id] {
				gone = append(gone, id)
			}
		}
		sort.Strings(gone)
		for _, id := range gone {
			ln := s.last[id]
			if ln.Kind == KindPriorPeriod {
				ln.Kind = ""
			}
			ln.Amount = value.Money{}
			lines = append(lines, ln)
		}
		for _, ln := range lines {
			target, held := s.target(ln.ID, ln.Amount)
			paid := s.paid[ln.ID]
			if diff := sub(target, paid); !diff.IsZero() {
				adj := ln
				adj.Kind, adj.Amount, adj.Status = KindPriorPeriod, diff, StatusDue
				adj.Cause = s.cause(ln.ID, c, have[ln.ID], lastSeq)
				out = append(out, adj)
			}
			if held != nil {
				h := ln
				h.Status, h.Cause = StatusHeld, "disputed: "+held.Reason
				out = append(out, h)
			}
		}
	}
	return out
}

// aggregate returns lines with one line per id, amounts of a repeated id
// added, in the order the ids first come.
func aggregate(lines []Line) []Line {
	var out []Line
	at := map[string]int{}
	for _, ln := range lines {
		if i, ok := at[ln.ID]; ok {
			out[i].Amount = add(out[i].Amount, ln.Amount)
			continue
		}
		at[ln.ID] = len(out)
		out = append(out, ln)
	}
	return out
}

// target returns what must have been paid for a line whose amount the
// contract now says is amount: nothing while it is held (and the dispute,
// returned), nothing once rejected, the agreed amount once agreed.
func (s *State) target(id string, amount value.Money) (value.Money, *DisputeState) {
	d := s.disputes[id]
	switch {
	case d == nil || d.Outcome == Accept:
		return amount, nil
	case d.Outcome == Reject:
		return value.Money{}, nil
	case d.Outcome == Agree:
		return d.Amount, nil
	}
	return value.Money{}, d
}

// cause says why a line of an earlier period c is due an adjustment:
// a dispute held or resolved since the last settlement, the period now
// computed under another contract version, or its records added, changed
// or removed.
func (s *State) cause(id string, c Computed, present bool, lastSeq int) string {
	if d := s.disputes[id]; d != nil && max(d.Raised, d.Resolved) > lastSeq {
		switch d.Outcome {
		case "":
			return CauseDispute + " held: " + d.Reason
		case Agree:
			return CauseDispute + " resolved: agreed at " + d.Amount.String()
		case Accept:
			return CauseDispute + " resolved: accepted"
		}
		return CauseDispute + " resolved: rejected"
	}
	if v := s.computed[c.Period]; v != 0 && v != c.Version {
		return fmt.Sprintf("%s: version %d to version %d", CauseVariation, v, c.Version)
	}
	switch {
	case !present:
		return CauseRemoved
	case !s.seen[id]:
		return CauseAdded
	}
	return CauseChanged
}

// Totals adds up a settlement's lines: its own lines due, the
// adjustments, what is held, and the total it pays (the first two).
func Totals(lines []Line) (current, adjustments, held, total value.Money) {
	for _, ln := range lines {
		switch {
		case ln.Status == StatusHeld:
			held = add(held, ln.Amount)
		case ln.Kind == KindPriorPeriod:
			adjustments = add(adjustments, ln.Amount)
		default:
			current = add(current, ln.Amount)
		}
	}
	return current, adjustments, held, add(current, adjustments)
}
