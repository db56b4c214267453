package gen

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func generate(t *testing.T, n int, seed uint64) (string, string) {
	t.Helper()
	var r, g bytes.Buffer
	if err := IndividualOutcomes(&r, &g, n, seed); err != nil {
		t.Fatal(err)
	}
	return r.String(), g.String()
}

func TestDeterministic(t *testing.T) {
	r1, g1 := generate(t, 5000, 7)
	r2, g2 := generate(t, 5000, 7)
	if r1 != r2 || g1 != g2 {
		t.Fatal("the same seed gave different bytes")
	}
	r3, g3 := generate(t, 5000, 8)
	if r1 == r3 || g1 == g3 {
		t.Fatal("different seeds gave the same bytes")
	}
}

// TestPinned pins the output, so that a change to the generator, which
// would silently change every benchmark's input, is noticed.
func TestPinned(t *testing.T) {
	r, g := generate(t, 1000, 1)
	sum := func(s string) string {
		h := sha256.Sum256([]byte(s))
		return hex.EncodeToString(h[:])
	}
	if got := sum(r); got != pinnedReviews {
		t.Errorf("reviews sha256 = %s, want %s", got, pinnedReviews)
	}
	if got := sum(g); got != pinnedGoals {
		t.Errorf("goals sha256 = %s, want %s", got, pinnedGoals)
	}
}

const (
	pinnedReviews = "854f2a826bba8ea36e355fbe2e3492a559bfab692d1710a8a04c0bec783a8aaa"
	pinnedGoals   = "ba000e47e00a1eefdd858a5079ff29741b203fa1e9d44edcaa73f067f68c36cc"
)

func TestShape(t *testing.T) {
	const n = 12000
	r, g := generate(t, n, 1)
	rl := strings.Split(strings.TrimSuffix(r, "\n"), "\n")
	gl := strings.Split(strings.TrimSuffix(g, "\n"), "\n")
	if rl[0] != ReviewsHeader || gl[0] != GoalsHeader {
		t.Fatalf("headers %q, %q", rl[0], gl[0])
	}
	if len(rl)-1 != n {
		t.Fatalf("%d reviews, want %d", len(rl)-1, n)
	}
	per := float64(len(gl)-1) / n
	if per < 2.4 || per > 2.6 {
		t.Errorf("%.2f goals a review, want about 2.5", per)
	}
	seen := map[string]bool{}
	for _, line := range rl[1:] {
		f := strings.Split(line, ",")
		if len(f) != 6 {
			t.Fatalf("review %q has %d cells", line, len(f))
		}
		k := f[0] + "," + f[1]
		if seen[k] {
			t.Fatalf("duplicate review %s", k)
		}
		seen[k] = true
	}
	if !strings.HasPrefix(rl[1], "P000001,2026-04-01,") || !strings.Contains(rl[n], ",2027-03-01,") {
		t.Errorf("first review %q, last %q", rl[1], rl[n])
	}
}
