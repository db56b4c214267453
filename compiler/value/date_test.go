package value

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
)

func TestParseDate(t *testing.T) {
	valid := []struct {
		in, layout string
		y          int
		m          time.Month
		d          int
	}{
		{"2026-04-01", "", 2026, time.April, 1},
		{"2026-04-01", "yyyy-mm-dd", 2026, time.April, 1},
		{"2024-02-29", "", 2024, time.February, 29},
		{"2000-02-29", "", 2000, time.February, 29},
		{"0001-01-01", "", 1, time.January, 1},
		{"9999-12-31", "", 9999, time.December, 31},
		{"01/05/2026", "dd/mm/yyyy", 2026, time.May, 1},
		{"1/5/2026", "dd/mm/yyyy", 2026, time.May, 1},
		{"31/12/2026", "dd/mm/yyyy", 2026, time.December, 31},
		{"29/02/2028", "dd/mm/yyyy", 2028, time.February, 29},
	}
	for _, tc := range valid {
		d, err := ParseDate(tc.in, tc.layout)
		if err != nil {
			t.Errorf("ParseDate(%q, %q): %v", tc.in, tc.layout, err)
			continue
		}
		if d.Year() != tc.y || d.Month() != tc.m || d.Day() != tc.d {
			t.Errorf("ParseDate(%q, %q) = %s, want %04d-%02d-%02d", tc.in, tc.layout, d, tc.y, tc.m, tc.d)
		}
	}
	invalid := []struct{ in, layout, msg string }{
		{"2026-02-30", "", "February 2026 has 28 days"},
		{"2025-02-29", "", "February 2025 has 28 days"},
		{"1900-02-29", "", "February 1900 has 28 days"},
		{"2026-04-31", "", "April 2026 has 30 days"},
		{"2026-13-01", "", "no month 13"},
		{"2026-00-10", "", "no month 0"},
		{"2026-01-00", "", "day 0 does not exist"},
		{"0000-01-01", "", "year 0 is outside"},
		{"31/04/2026", "dd/mm/yyyy", "April 2026 has 30 days"},
		{"2026-4-01", "", "not a date in the form yyyy-mm-dd"},
		{"2026/04/01", "", "not a date in the form yyyy-mm-dd"},
		{"2026-04-01 ", "", "not a date in the form"},
		{"26-04-01", "", "not a date in the form"},
		{"01/05/26", "dd/mm/yyyy", "not a date in the form dd/mm/yyyy"},
		{"001/05/2026", "dd/mm/yyyy", "not a date in the form"},
		{"2026-04-01", "dd/mm/yyyy", "not a date in the form"},
		{"01/05/2026", "", "not a date in the form"},
		{"", "", "not a date"},
		{"2026-04-01", "mm/dd/yyyy", "unknown date layout"},
	}
	for _, tc := range invalid {
		d, err := ParseDate(tc.in, tc.layout)
		if err == nil {
			t.Errorf("ParseDate(%q, %q) = %s, want an error", tc.in, tc.layout, d)
			continue
		}
		if !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseDate(%q, %q) error %q, want it to contain %q", tc.in, tc.layout, err, tc.msg)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := MustParseDate
	tests := []struct {
		name string
		got  Date
		want string
	}{
		{"add days", d("2026-03-01").AddDays(42), "2026-04-12"},
		{"subtract days", d("2026-03-01").AddDays(-1), "2026-02-28"},
		{"leap day", d("2024-02-28").AddDays(1), "2024-02-29"},
		{"year end", d("2026-12-31").AddDays(1), "2027-01-01"},
		{"month end clamps", d("2026-01-31").AddMonths(1), "2026-02-28"},
		{"leap month end clamps", d("2024-01-31").AddMonths(1), "2024-02-29"},
		{"months across years", d("2026-11-15").AddMonths(3), "2027-02-15"},
		{"months backwards", d("2026-03-31").AddMonths(-1), "2026-02-28"},
		{"twelve months", d("2024-02-29").AddMonths(12), "2025-02-28"},
		{"minus thirteen months", d("2026-01-15").AddMonths(-13), "2024-12-15"},
	}
	for _, tc := range tests {
		if tc.got.String() != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	a, b := d("2026-05-20"), d("2026-03-01")
	if a.Sub(b) != 80 || b.Sub(a) != -80 {
		t.Errorf("Sub = %d", a.Sub(b))
	}
	if !b.Before(a) || !a.After(b) || a.Before(b) || a.Cmp(b) != 1 || b.Cmp(a) != -1 || a.Cmp(a) != 0 {
		t.Error("ordering wrong")
	}
	if a.Equal(d("2026-05-20")) != types.True || a.Equal(b) != types.False || a.Equal(Days(0)) != types.False {
		t.Error("Equal wrong")
	}
	if a != d("2026-05-20") {
		t.Error("Go equality wrong")
	}
	if got, err := a.ConvertToNative(reflect.TypeFor[time.Time]()); err != nil || !got.(time.Time).Equal(time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ConvertToNative(time.Time) = %v, %v", got, err)
	}
	if !d("9999-12-31").Valid() || d("9999-12-31").AddDays(1).Valid() || d("0001-01-01").AddDays(-1).Valid() {
		t.Error("Valid wrong at the range ends")
	}
}

// TestCivilCalendar checks the day-number arithmetic against the time
// package over the whole supported range.
func TestCivilCalendar(t *testing.T) {
	start := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	first, err := NewDate(1, time.January, 1)
	if err != nil {
		t.Fatal(err)
	}
	for n := int64(0); ; n += 37 {
		tm := start.AddDate(0, 0, int(n))
		if tm.Year() > MaxYear {
			break
		}
		got := first.AddDays(n)
		if got.Year() != tm.Year() || got.Month() != tm.Month() || got.Day() != tm.Day() {
			t.Fatalf("day %d: got %s, want %s", n, got, tm.Format("2006-01-02"))
		}
		back, err := NewDate(tm.Year(), tm.Month(), tm.Day())
		if err != nil || back != got {
			t.Fatalf("NewDate(%s) = %s, %v", tm.Format("2006-01-02"), back, err)
		}
	}
	if epoch := (Date{}); epoch.String() != "1970-01-01" {
		t.Errorf("zero Date is %s", epoch)
	}
}

func TestDays(t *testing.T) {
	if Days(42).String() != "42 days" || Days(1).String() != "1 day" || Days(-1).String() != "-1 day" {
		t.Error("Days String wrong")
	}
	if Days(3).Equal(Days(3)) != types.True || Days(3).Equal(types.Int(3)) != types.False {
		t.Error("Days Equal wrong")
	}
	if Days(3).Type() != DaysType || DaysType.TypeName() != "days" || DateType.TypeName() != "date" {
		t.Error("type names wrong")
	}
	if Days(3).ConvertToType(types.IntType) != types.Int(3) {
		t.Error("Days to int conversion wrong")
	}
	if n, err := Days(3).ConvertToNative(reflect.TypeFor[int64]()); err != nil || n != int64(3) {
		t.Errorf("ConvertToNative(int64) = %v, %v", n, err)
	}
}
