package compiler

import (
	"testing"

	"github.com/occ-lang/occ/lang"
)

// TestExpectationsHaveExamples checks that every expectation the decoder
// names has the example the checker shows when one is written wrongly.
func TestExpectationsHaveExamples(t *testing.T) {
	for _, what := range lang.Expectations() {
		if expectArity[what] == "" {
			t.Errorf("expectation %q has no example in expectArity", what)
		}
	}
	if len(expectArity) != len(lang.Expectations()) {
		t.Errorf("expectArity has %d entries, the language %d expectations", len(expectArity), len(lang.Expectations()))
	}
}
