package main

import "testing"

func TestCSVText(t *testing.T) {
	for in, want := range map[string]string{
		"":          "",
		"P1":        "P1",
		"=1+1":      "'=1+1",
		"+44":       "'+44",
		"-2+3":      "'-2+3",
		"@SUM(1)":   "'@SUM(1)",
		"\tx":       "'\tx",
		"\rx":       "'\rx",
		"＝1+1":      "'＝1+1",
		"P1/=1":     "P1/=1",
		"'quoted":   "'quoted",
		"2026-05":   "2026-05",
		"a,b\"c\nd": "a,b\"c\nd", // quoting is the CSV writer's
	} {
		if got := csvText(in); got != want {
			t.Errorf("csvText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTableText(t *testing.T) {
	for in, want := range map[string]string{
		"P1":                 "P1",
		"£19.60 café":        "£19.60 café",
		"\x1b[31mred\x1b[0m": `\u001b[31mred\u001b[0m`,
		"a\nb\tc\rd":         `a\u000ab\u0009c\u000dd`,
		"\u202eevil":         `\u202eevil`,
		"x\u2028y":           `x\u2028y`,
		"\u009b31m":          `\u009b31m`, // C1 CSI, as a character
		"\x9b31m":            `\x9b31m`,   // the same as a byte, not UTF-8
		"bad \xff byte":      `bad \xff byte`,
		"del\x7f":            `del\u007f`,
	} {
		if got := tableText(in); got != want {
			t.Errorf("tableText(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := tableLines("a\n\tb \x1b[2J"), "a\n\tb \\u001b[2J"; got != want {
		t.Errorf("tableLines = %q, want %q", got, want)
	}
}
