package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/occ-lang/occ/runtime/gen"
)

func main() {
	n := flag.Int("reviews", 10000, "number of reviews to write (one per person per month, 2026-04 .. 2027-03)")
	seed := flag.Uint64("seed", 1, "random seed; the same seed gives the same bytes")
	out := flag.String("out", ".", "directory to write reviews.csv and goals.csv in")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "occgen: unexpected arguments; see occgen -h")
		os.Exit(2)
	}
	if err := run(*n, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "occgen:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rf, err := os.Create(filepath.Join(dir, "reviews.csv"))
	if err != nil {
		return err
	}
	defer rf.Close()
	gf, err := os.Create(filepath.Join(dir, "goals.csv"))
	if err != nil {
		return err
	}
	defer gf.Close()
	if err := gen.IndividualOutcomes(rf, gf, n, seed); err != nil {
		return err
	}
	if err := rf.Close(); err != nil {
		return err
	}
	return gf.Close()
}
