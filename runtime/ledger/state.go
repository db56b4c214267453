package ledger

import (
	"fmt"
	"strings"

	"github.com/occ-lang/occ/compiler/value"
)

// State is what a ledger's entries add up to: the contract's versions, the
// periods settled, what has been paid for each line and the disputes.
type State struct {
	Entries  []*Entry
	Versions []*ContractVersion // in the order registered
	// Settled are the settle entries in order; by period in settled.
	Settled []*Entry
	settled map[string]*Entry
	paid    map[string]value.Money // by line id: every amount paid for it
	seen    map[string]bool        // line ids ever paid for
	last    map[string]Line        // by line id: the last line recorded for it
	// disputes by line id, the latest for each line.
	disputes map[string]*DisputeState
	// computed is the version each period was last computed under.
	computed map[string]int
}

// DisputeState is where a line's dispute stands.
type DisputeState struct {
	LineID  string
	Reason  string
	Raised  int    // the dispute entry's number
	Outcome string // "" while open, or Accept, Reject or Agree
	Amount  value.Money
	// Resolved is the resolution entry's number; 0 while open.
	Resolved int
}

// Open reports whether the dispute is unresolved.
func (d *DisputeState) Open() bool { return d.Outcome == "" }

// NewState adds up entries.
func NewState(entries []*Entry) *State {
	s := &State{Entries: entries, settled: map[string]*Entry{}, paid: map[string]value.Money{},
		seen: map[string]bool{}, last: map[string]Line{}, disputes: map[string]*DisputeState{}, computed: map[string]int{}}
	for _, e := range entries {
		switch {
		case e.Contract != nil:
			s.Versions = append(s.Versions, e.Contract)
		case e.Settlement != nil:
			s.Settled = append(s.Settled, e)
			s.settled[e.Period] = e
			s.computed[e.Period] = e.Settlement.Version
			for _, pv := range e.Settlement.Recomputed {
				s.computed[pv.Period] = pv.Version
			}
			for _, ln := range e.Lines {
				if ln.Kind != KindPriorPeriod {
					s.last[ln.ID] = ln
				} else if _, ok := s.last[ln.ID]; !ok {
					s.last[ln.ID] = ln
				}
				if ln.Status != StatusDue {
					continue
				}
				s.seen[ln.ID] = true
				s.paid[ln.ID] = add(s.paid[ln.ID], ln.Amount)
			}
		case e.Dispute != nil:
			s.disputes[e.Dispute.LineID] = &DisputeState{LineID: e.Dispute.LineID, Reason: e.Dispute.Reason, Raised: e.Seq}
		case e.Resolution != nil:
			if d := s.disputes[e.Resolution.LineID]; d != nil {
				d.Outcome, d.Resolved = e.Resolution.Outcome, e.Seq
				if m, err := value.ParseMoney(e.Resolution.Amount); err == nil {
					d.Amount = m
				}
			}
		}
	}
	return s
}

// add adds exact amounts; money in a ledger is rounded to the currency's
// places, so a sum never loses a digit.
func add(a, b value.Money) value.Money {
	m, err := a.Add(b)
	if err != nil {
		panic(fmt.Sprintf("ledger: adding %s and %s: %v", a, b, err))
	}
	return m
}

func sub(a, b value.Money) value.Money { return add(a, b.Neg()) }

// Settlement returns the entry that settled period, or nil.
func (s *State) Settlement(period string) *Entry { return s.settled[period] }

// Last returns the last settle entry, or nil.
func (s *State) Last() *Entry {
	if len(s.Settled) == 0 {
		return nil
	}
	return s.Settled[len(s.Settled)-1]
}

// Paid returns what has been paid for a line, over every settlement.
func (s *State) Paid(id string) value.Money { return s.paid[id] }

// Dispute returns the latest dispute of a line, or nil.
func (s *State) Dispute(id string) *DisputeState { return s.disputes[id] }

// Disputes returns every dispute, in the order raised.
func (s *State) Disputes() []*DisputeState {
	var out []*DisputeState
	for _, e := range s.Entries {
		if e.Dispute != nil && s.disputes[e.Dispute.LineID].Raised == e.Seq {
			out = append(out, s.disputes[e.Dispute.LineID])
		}
	}
	return out
}

// Version returns version n, or nil.
func (s *State) Version(n int) *ContractVersion {
	for _, v := range s.Versions {
		if v.Version == n {
			return v
		}
	}
	return nil
}

// VersionByHash returns the registered version whose content hash is h,
// or nil.
func (s *State) VersionByHash(h string) *ContractVersion {
	var out *ContractVersion
	for _, v := range s.Versions {
		if v.Hash == h {
			out = v
		}
	}
	return out
}

// VersionFor returns the version in effect on date d (a period's start,
// ISO): the last registered whose effective date is on or before d, or
// nil.
func (s *State) VersionFor(d string) *ContractVersion {
	var out *ContractVersion
	for _, v := range s.Versions {
		if v.Effective <= d {
			out = v
		}
	}
	return out
}

// VersionList names the registered versions for a message: "version 1
// (sha256 …, effective 2026-04-01), version 2 (…)".
func (s *State) VersionList() string {
	var b []string
	for _, v := range s.Versions {
		b = append(b, fmt.Sprintf("version %d (sha256 %s, effective %s)", v.Version, short(v.Hash), v.Effective))
	}
	if len(b) == 0 {
		return "none"
	}
	return strings.Join(b, ", ")
}

// PeriodOf returns the period a line id is for: the part before its
// first colon.
func PeriodOf(id string) string {
	p, _, _ := strings.Cut(id, ":")
	return p
}
