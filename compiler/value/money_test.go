package value

import "testing"

func TestMoneyGrouped(t *testing.T) {
	cases := []struct {
		in     string
		places int32
		want   string
	}{
		{"0", 2, "0.00"},
		{"12.5", 2, "12.50"},
		{"999.994", 2, "999.99"},
		{"1234.5", 2, "1,234.50"},
		{"-1234.5", 2, "-1,234.50"},
		{"719958643.95", 2, "719,958,643.95"},
		{"-100000", 0, "-100,000"},
		{"1808", 0, "1,808"},
	}
	for _, c := range cases {
		if got := MoneyOf(MustParseDecimal(c.in)).Grouped(c.places); got != c.want {
			t.Errorf("Grouped(%s, %d) = %q, want %q", c.in, c.places, got, c.want)
		}
	}
}
