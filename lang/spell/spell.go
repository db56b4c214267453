package spell

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxRunes is the longest name, in runes, that Nearest finds a suggestion
// for.
const MaxRunes = 64

// Nearest returns the candidate closest to name by edit distance, ignoring
// case, or "" when none is close enough to be a likely misspelling: at most
// two edits, and fewer than name has letters, so "hourly_rte" finds
// "hourly_rate" but "notes" does not find "hours"; or one of the two begins
// with the whole of the other ("integr" finds "int"). Ties go to the candidate
// first in sorted order, so the answer does not depend on the order
// candidates are given in. A name longer than MaxRunes gets no suggestion:
// it is no misspelling, and comparing it would take time and memory in
// proportion to its length for every candidate.
func Nearest(name string, candidates []string) string {
	if len(name) > 4*MaxRunes || utf8.RuneCountInString(name) > MaxRunes {
		return ""
	}
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	lower := strings.ToLower(name)
	n := utf8.RuneCountInString(name)
	best, bestD := "", n // never more edits than name has runes
	for _, c := range sorted {
		if c == name || abs(utf8.RuneCountInString(c)-n) >= bestD {
			continue // the lengths alone differ by at least the best distance
		}
		if d := Distance(lower, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	if bestD <= 2 && bestD < n {
		return best
	}
	// A name that begins with the whole candidate, or the candidate with
	// the whole name, is a likely slip however far apart they are.
	b := strings.ToLower(best)
	if min(len(b), len(lower)) >= 3 && (strings.HasPrefix(lower, b) || strings.HasPrefix(b, lower)) {
		return best
	}
	return ""
}

// Distance is the optimal string alignment distance between a and b: the
// fewest insertions, deletions, substitutions and swaps of two neighbouring
// characters that turn one into the other. It counts runes, not bytes.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows of the dynamic programme: two back (for swaps), one back,
	// and the current one.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
