package lsp

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/occ-lang/occ/lang"
)

// unknownWords returns the keywords lang.Parse refuses in src: unknown
// keywords and clauses a rule kind does not take.
func unknownWords(src string) []string {
	_, ds := lang.Parse("k.occ", []byte(src))
	var out []string
	for _, d := range ds {
		if d.Code == "unknown-keyword" || d.Code == "clause-not-allowed" {
			out = append(out, d.Message)
		}
	}
	return out
}

// The keyword lists completion offers are the ones lang accepts: every
// word offered is taken, and a rule kind is offered exactly its clauses.
func TestKeywordsAccepted(t *testing.T) {
	for _, kw := range topKeywords {
		src := kw + " x { }"
		switch kw {
		case "contract", "test":
			src = kw + ` "x" { }`
		case "param":
			src = "param x = 1"
		}
		if bad := unknownWords(src); len(bad) > 0 {
			t.Errorf("%q: %v", src, bad)
		}
	}
	for _, kw := range headerKeywords {
		if bad := unknownWords(`contract "x" { ` + kw + " x }"); len(bad) > 0 {
			t.Errorf("header %s: %v", kw, bad)
		}
	}
	for _, kw := range testKeywords {
		if bad := unknownWords(`test "x" { ` + kw + " x }"); len(bad) > 0 {
			t.Errorf("test %s: %v", kw, bad)
		}
	}
	var all []string
	for _, cs := range ruleClauses {
		for _, c := range cs {
			if !slices.Contains(all, c) {
				all = append(all, c)
			}
		}
	}
	if len(ruleClauses) != len(lang.RuleKinds) {
		t.Errorf("clauses listed for %d rule kinds, lang has %d", len(ruleClauses), len(lang.RuleKinds))
	}
	for _, k := range lang.RuleKinds {
		for _, c := range all {
			bad := unknownWords(fmt.Sprintf("%s r {\n  %s x\n}", k, c))
			if offered := slices.Contains(ruleClauses[k], c); offered != (len(bad) == 0) {
				t.Errorf("%s: clause %s offered %v, but lang says %v", k, c, offered, bad)
			}
		}
	}
}

const completeSrc = `contract "C" {
  settlement |
}

|

data review "Review" {
  person text key
  hours  decimal 0 .. 400
  goals  list goal
  more   list |
}

data goal "Goal" {
  goal text key
}

let month_hours "Hours in the month" {
  per   month
  value = |
}

payment pay "Pay" {
  for    review
  amount = review.hours * £1
}

cap c "Cap" {
  covers |
}

test "t" {
  set |
  expect |
  expect line |
  review {
    |
  }
}
`

// Completion at each marked place of a contract, in order.
func TestCompleteContexts(t *testing.T) {
	parts := strings.Split(completeSrc, "|")
	src := strings.Join(parts, "")
	f, _ := lang.Parse("c.occ", []byte(src))
	u := &unit{index: buildIndex([]*lang.File{f})}
	want := []string{
		"monthly quarterly yearly term",
		strings.Join(topKeywords, " "),
		"review goal",
		"review goal month_hours pay c count sum avg min max ratio previous sum_previous count_previous history earlier within has abs round round_half_even ceil floor trunc decimal money int days date percent string size first period_number period_start period_end",
		"pay",
		"", // set: the contract has no params
		"total line lines subtotal standard excluded flag no error",
		"month_hours pay c",
		"person hours goal more",
	}
	if len(want) != len(parts)-1 {
		t.Fatalf("%d places marked, %d expected", len(parts)-1, len(want))
	}
	off := 0
	for i, p := range parts[:len(parts)-1] {
		off += len(p)
		var labels []string
		for _, it := range complete(u, contextAt([]byte(src), off)) {
			labels = append(labels, it.Label)
		}
		if got := strings.Join(labels, " "); got != want[i] {
			t.Errorf("place %d: %q, want %q", i+1, got, want[i])
		}
	}
}
