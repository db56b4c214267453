package runtime

import (
	"fmt"
	"testing"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/occ-lang/occ/compiler/value"
)

// pennies returns n pence as money.
func pennies(t *testing.T, n int) value.Money {
	t.Helper()
	m, err := value.ParseMoney(value.DecimalFromInt(int64(n)).String())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// evalOutcomes sets instance i of a rule of n instances to want(i), by
// workers each given an equal chunk, as runInstances gives them, and
// gathers the results.
func evalOutcomes(t *testing.T, n, workers int, want func(int) (ref.Val, bool)) *ruleState {
	t.Helper()
	st := &ruleState{n: n}
	slots := make([]uint8, n)
	outs := make([]*outcomes, workers)
	chunk := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, n)
		if lo >= hi {
			break
		}
		outs[w] = st.outcomes(lo, slots[lo:hi:hi])
		for i := lo; i < hi; i++ {
			if v, fired := want(i); v != nil {
				outs[w].set(i, v, fired)
			}
		}
	}
	st.gather(outs, slots)
	return st
}

// checkOutcomes checks that every instance of st reads back as want says.
func checkOutcomes(t *testing.T, st *ruleState, want func(int) (ref.Val, bool)) {
	t.Helper()
	for i := range st.n {
		v, fired := want(i)
		if got := st.val(i); fmt.Sprintf("%T %v", got, got) != fmt.Sprintf("%T %v", v, v) || st.isFired(i) != fired {
			t.Fatalf("instance %d = %v, %v; want %v, %v", i, st.val(i), st.isFired(i), v, fired)
		}
	}
}

func TestOutcomesCompactAsEvaluated(t *testing.T) {
	fee, zero := pennies(t, 240), pennies(t, 0)
	// Of every seven instances, one is not evaluated, two pay the fee,
	// the rest do not fire.
	few := func(i int) (ref.Val, bool) {
		switch i % 7 {
		case 0:
			return nil, false
		case 1, 2:
			return fee, true
		}
		return zero, false
	}
	// Every hundredth instance is the only one with its amount: with the
	// two flags and the instance not evaluated, 403 distinct results in
	// 40,000, more than a byte can index.
	many := func(i int) (ref.Val, bool) {
		if i%100 == 0 {
			return pennies(t, 1000+i), true
		}
		return types.Bool(i%3 == 0), i%3 == 0
	}
	for _, workers := range []int{1, 2, 3} {
		st := evalOutcomes(t, 40_000, workers, few)
		if st.vals != nil || len(st.table) != 3 || st.res.u8 == nil {
			t.Errorf("%d workers: %d distinct results, held in full %v, one byte each %v; want 3, compacted into a byte each",
				workers, len(st.table), st.vals != nil, st.res.u8 != nil)
		}
		checkOutcomes(t, st, few)
		st = evalOutcomes(t, 40_000, workers, many)
		if st.vals != nil || len(st.table) != 403 || st.res.u16 == nil {
			t.Errorf("%d workers: %d distinct results, held in full %v, two bytes each %v; want 403, compacted into two bytes each",
				workers, len(st.table), st.vals != nil, st.res.u16 != nil)
		}
		checkOutcomes(t, st, many)
	}
}

func TestOutcomesEqualValuesMerged(t *testing.T) {
	// Each instance's amount is a value of its own, but there are only
	// two amounts: the rule's table holds each once, with the instance
	// not evaluated.
	fresh := func(i int) (ref.Val, bool) {
		if i%2 == 0 {
			return pennies(t, 240), true
		}
		return pennies(t, 0), false
	}
	for _, workers := range []int{1, 2} {
		st := evalOutcomes(t, 40_000, workers, fresh)
		if st.vals != nil || len(st.table) != 3 || st.res.u8 == nil {
			t.Errorf("%d workers: %d distinct results, held in full %v; want 3, compacted into a byte each",
				workers, len(st.table), st.vals != nil)
		}
		checkOutcomes(t, st, fresh)
	}
}

func TestOutcomesMostlyDistinctHeldInFull(t *testing.T) {
	distinct := func(i int) (ref.Val, bool) { return pennies(t, i), i%2 == 0 }
	for _, workers := range []int{1, 2} {
		st := evalOutcomes(t, 1000, workers, distinct)
		if st.vals == nil || st.table != nil {
			t.Errorf("%d workers: 1,000 distinct results compacted; want them held in full", workers)
		}
		checkOutcomes(t, st, distinct)
	}
}
