package words

import "testing"

func TestWords(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{And(nil), ""},
		{And([]string{"a"}), "a"},
		{And([]string{"a", "b"}), "a and b"},
		{And([]string{"a", "b", "c"}), "a, b and c"},
		{Or([]string{"json", "csv", "table"}), "json, csv or table"},
		{Count(0, "error"), "0 errors"},
		{Count(1, "error"), "1 error"},
		{Count(1000, "line"), "1000 lines"},
		{Article("error"), "an"},
		{Article("review"), "a"},
		{Article(""), "a"},
		{Number(0), "0"},
		{Number(999), "999"},
		{Number(1000), "1,000"},
		{Number(-1234567), "-1,234,567"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
