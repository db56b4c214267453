package spell

import (
	"strings"
	"testing"
	"time"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"actual_hour", "actual_hours", 1},
		{"ab", "ba", 1},     // one swap
		{"abcd", "acbd", 1}, // one swap in the middle
		{"ca", "abc", 3},    // optimal string alignment: no edit of a swapped pair
		{"£1", "£2", 1},     // runes, not bytes
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Distance(c.b, c.a); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.b, c.a, got, c.want)
		}
	}
}

func TestNearest(t *testing.T) {
	names := []string{"hours", "y", "hourly_rate", "outcome_fee", "quick_bonus", "actual_hours", "planned_hours"}
	for _, c := range []struct{ name, want string }{
		{"hourly_rte", "hourly_rate"},
		{"actual_hour", "actual_hours"},
		{"HOURLY_RATE", "hourly_rate"}, // case is ignored
		{"notes", ""},                  // three edits of five letters is not a typo
		{"ab", ""},                     // one edit of two letters is not a typo
		{"zebra", ""},
		{"hourly_rate", ""}, // the name itself is not a suggestion
	} {
		if got := Nearest(c.name, names); got != c.want {
			t.Errorf("Nearest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
	// A name that begins with the whole candidate, however many edits apart.
	if got := Nearest("integr", []string{"text", "int", "decimal"}); got != "int" {
		t.Errorf("Nearest(integr) = %q, want int", got)
	}
	// Ties go to the first candidate in sorted order, whatever the input order.
	if a, b := Nearest("cat", []string{"cot", "cut"}), Nearest("cat", []string{"cut", "cot"}); a != "cot" || b != "cot" {
		t.Errorf("tie: got %q and %q, want cot", a, b)
	}
}

// TestNearestLongName checks that a name longer than MaxRunes gets no
// suggestion, even one the prefix rule would make, and comes back at once:
// a 50 MB header name took a minute and gigabytes before.
func TestNearestLongName(t *testing.T) {
	names := []string{"hours", "hourly_rate", "actual_hours"}
	long := "hourly_rate" + strings.Repeat("x", MaxRunes)
	if got := Nearest(long, names); got != "" {
		t.Errorf("Nearest(%d runes) = %q, want none", len(long), got)
	}
	// At the limit the prefix rule still applies.
	atLimit := "hourly_rate" + strings.Repeat("x", MaxRunes-len("hourly_rate"))
	if got := Nearest(atLimit, names); got != "hourly_rate" {
		t.Errorf("Nearest(%d runes) = %q, want hourly_rate", len(atLimit), got)
	}
	huge := strings.Repeat("£", 50<<20/2)
	start := time.Now()
	if got := Nearest(huge, names); got != "" {
		t.Errorf("Nearest(50 MB) = %q", got)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Nearest(50 MB) took %v", d)
	}
}
