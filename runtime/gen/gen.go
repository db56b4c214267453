package gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// TermStart is the first month of the individual-outcomes contract term;
// reviews fall in the twelve months from it.
var TermStart = time.Date(2026, time.April, 1, 0, 0, 0, 0, time.UTC)

// Months is the number of months of the term reviews are spread over.
const Months = 12

// ReviewsHeader and GoalsHeader are the CSV headers written.
const (
	ReviewsHeader = "person,month,planned_hours,actual_hours,missed_visits,satisfaction"
	GoalsHeader   = "person,month,goal,status,agreed_on,met_on"
)

// Persons returns how many people n reviews cover: each person has one
// review a month, so n/12 rounded up.
func Persons(n int) int {
	return (n + Months - 1) / Months
}

// IndividualOutcomes writes n reviews to reviews and their goals to goals,
// as CSV with the headers ReviewsHeader and GoalsHeader. Persons are named
// P000001, P000002, ...; the reviews are written month by month, every
// person in each month, until n are written. Each review has 1 to 4 goals
// (2.5 on average). The same n and seed always give the same bytes.
func IndividualOutcomes(reviews, goals io.Writer, n int, seed uint64) error {
	if n < 0 {
		return fmt.Errorf("gen: negative number of reviews %d", n)
	}
	rw := bufio.NewWriterSize(reviews, 1<<16)
	gw := bufio.NewWriterSize(goals, 1<<16)
	rw.WriteString(ReviewsHeader + "\n")
	gw.WriteString(GoalsHeader + "\n")
	// PCG is specified by its algorithm, so the same seed gives the same
	// bytes on every Go release.
	rng := rand.New(rand.NewPCG(seed, 0))
	persons := Persons(n)
	width := max(6, len(strconv.Itoa(persons)))
	var rb, gb []byte
	written := 0
	for m := 0; m < Months && written < n; m++ {
		start := TermStart.AddDate(0, m, 0)
		days := start.AddDate(0, 1, 0).Sub(start).Hours() / 24
		month := start.Format("2006-01-02")
		for p := 1; p <= persons && written < n; p++ {
			written++
			rb = rb[:0]
			person := appendPerson(nil, p, width)
			rb = append(rb, person...)
			rb = append(rb, ',')
			rb = append(rb, month...)
			rb = append(rb, ',')
			// Planned hours: 6 to 60 in half hours.
			planned := 12 + int(rng.Uint64N(109)) // half hours
			actual := planned
			switch x := rng.Uint64N(100); {
			case x < 25: // a reduced package
				actual = max(0, planned-1-int(rng.Uint64N(16)))
			case x < 35: // more than planned
				actual = planned + 1 + int(rng.Uint64N(8))
			}
			rb = appendHalves(rb, planned)
			rb = append(rb, ',')
			rb = appendHalves(rb, actual)
			rb = append(rb, ',')
			missed := int(rng.Uint64N(3))
			if rng.Uint64N(100) < 15 {
				missed = 3 + int(rng.Uint64N(6))
			}
			rb = strconv.AppendInt(rb, int64(missed), 10)
			rb = append(rb, ',')
			if rng.Uint64N(100) >= 25 { // a quarter of reviews have no score
				rb = strconv.AppendInt(rb, int64(1+rng.Uint64N(5)), 10)
			}
			rb = append(rb, '\n')
			if _, err := rw.Write(rb); err != nil {
				return err
			}
			// Goals: 1 to 4, so 2.5 on average.
			ng := 1 + int(rng.Uint64N(4))
			for g := 1; g <= ng; g++ {
				gb = gb[:0]
				gb = append(gb, person...)
				gb = append(gb, ',')
				gb = append(gb, month...)
				gb = append(gb, ",G"...)
				gb = strconv.AppendInt(gb, int64(g), 10)
				gb = append(gb, ',')
				// Agreed 1 to 120 days before the month starts.
				agreed := start.AddDate(0, 0, -1-int(rng.Uint64N(120)))
				var met time.Time
				switch x := rng.Uint64N(100); {
				case x < 40:
					gb = append(gb, "achieved"...)
					met = start.AddDate(0, 0, int(rng.Uint64N(uint64(days))))
				case x < 70:
					gb = append(gb, "partly"...)
				case x < 95:
					gb = append(gb, "not_met"...)
				default:
					gb = append(gb, "not_feasible"...)
				}
				gb = append(gb, ',')
				gb = agreed.AppendFormat(gb, "2006-01-02")
				gb = append(gb, ',')
				if !met.IsZero() {
					gb = met.AppendFormat(gb, "2006-01-02")
				}
				gb = append(gb, '\n')
				if _, err := gw.Write(gb); err != nil {
					return err
				}
			}
		}
	}
	if err := rw.Flush(); err != nil {
		return err
	}
	return gw.Flush()
}

// appendPerson appends P and p zero-padded to width digits.
func appendPerson(b []byte, p, width int) []byte {
	b = append(b, 'P')
	s := strconv.Itoa(p)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendHalves appends h half hours as a decimal: 15 is 7.5, 16 is 8.
func appendHalves(b []byte, h int) []byte {
	b = strconv.AppendInt(b, int64(h/2), 10)
	if h%2 == 1 {
		b = append(b, ".5"...)
	}
	return b
}
