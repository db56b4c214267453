package ledger

import (
	"context"
	"fmt"
)

// Problem is one thing Verify found wrong with a ledger.
type Problem struct {
	Seq     int // the entry, or 0 for the ledger as a whole
	Message string
}

func (p Problem) String() string {
	if p.Seq == 0 {
		return p.Message
	}
	return fmt.Sprintf("entry %d: %s", p.Seq, p.Message)
}

// Verify checks the hash chain: entries numbered 1, 2, ... with none
// missing, each carrying the hash of the one before, each hash matching
// the entry and its lines as stored, and the ledger's count of entries
// matching the last. It returns what it found wrong, naming the entries;
// nothing for a ledger as occ wrote it.
func (l *Ledger) Verify(ctx context.Context) ([]Problem, int, error) {
	entries, err := l.Entries(ctx)
	if err != nil {
		return nil, 0, err
	}
	var out []Problem
	prev, want := "", 1
	for _, e := range entries {
		if e.Seq != want {
			if e.Seq > want {
				for s := want; s < e.Seq; s++ {
					out = append(out, Problem{s, "missing: the entry was deleted"})
				}
			} else {
				out = append(out, Problem{e.Seq, "out of order"})
			}
		}
		if e.Prev != prev {
			out = append(out, Problem{e.Seq, "does not carry the hash of the entry before it: an entry before it was changed, deleted or inserted"})
		}
		if got := e.hash(); got != e.Hash {
			out = append(out, Problem{e.Seq, fmt.Sprintf("%s: its contents do not match its hash (an entry or one of its %d lines was edited)", e.Kind, len(e.Lines))})
		}
		prev, want = e.Hash, e.Seq+1
	}
	n, err := l.head(ctx)
	if err != nil {
		return nil, 0, err
	}
	if n != len(entries) && n != want-1 {
		out = append(out, Problem{0, fmt.Sprintf("the ledger counts %d entries but holds %d: entries were deleted from its end", n, len(entries))})
	} else if n > want-1 {
		out = append(out, Problem{0, fmt.Sprintf("the ledger counts %d entries but its last is %d: entries were deleted from its end", n, want-1)})
	}
	return out, len(entries), nil
}
