package runtime

import (
	"context"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/runtime/data"
)

// A Session evaluates one data set after another with the same Program,
// as the runs of a forecast do, and remembers across them what each rule
// over records gave for the values it read (see memo.go): simulated runs
// repeat those values from one run to the next (the same hours, scores
// and statuses), so most of a later run's results are remembered rather
// than evaluated again. A remembered result is exactly what evaluating
// would give, so a Session's statements are those of Program.Eval, byte
// for byte. What is remembered across evaluations reads only the record,
// other rules' values for it and the params, which the Program fixes: a
// rule that reads reference data, which comes with each data set, or
// whose amount is paid in instalments, which depend on the period
// evaluated, is remembered within one evaluation only.
//
// A result remembered costs nothing, so an evaluation in a session does
// less of the work the cost budget counts (WithCostBudget) than the same
// evaluation alone; the first evaluation of a session does it all.
type Session struct {
	p   *Program
	mem *memory
}

// NewSession returns a session of evaluations with the program. A
// Session is not safe for concurrent use: give each goroutine its own.
func (p *Program) NewSession() *Session {
	return &Session{p: p, mem: &memory{rules: map[*compiler.Rule][]*memoTable{}}}
}

// Eval evaluates the contract on the data as Program.Eval does, with the
// results the session remembers.
func (s *Session) Eval(ctx context.Context, d *data.Set, settle compiler.Period) (*Statement, error) {
	return s.p.eval(ctx, d, settle, s.mem)
}

// memory holds a session's remembered results: by rule, one table for
// each worker that evaluates the rule's records (see runInstances), each
// used by one goroutine at a time.
type memory struct {
	rules map[*compiler.Rule][]*memoTable
}

// tables returns rule r's tables, one for each of n workers.
func (m *memory) tables(r *compiler.Rule, n int) []*memoTable {
	ts := m.rules[r]
	for len(ts) < n {
		ts = append(ts, newMemoTable())
	}
	m.rules[r] = ts
	return ts
}
