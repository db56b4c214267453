package value

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRewrite(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		// Money.
		{`£1,250.50`, `money("1250.50")`},
		{`£19.60`, `money("19.60")`},
		{`£240`, `money("240")`},
		{`£1,234,567`, `money("1234567")`},
		{`£0.5`, `money("0.5")`},
		{`fee <= £240 * 2`, `fee <= money("240") * 2`},
		{`-£5`, `-money("5")`},
		{`min(£1, 250)`, `min(money("1"), 250)`},
		{`£5.`, `money("5").`},
		{`[£1,000,£2]`, `[money("1000"),money("2")]`},

		// Percentages and modulo.
		{`5%`, `percent("5")`},
		{`12.5%`, `percent("12.5")`},
		{`x >= 85%`, `x >= percent("85")`},
		{`x * 5% + 1`, `x * percent("5") + 1`},
		{`(5%)`, `(percent("5"))`},
		{`[5%, 10%]`, `[percent("5"), percent("10")]`},
		{`5% == y`, `percent("5") == y`},
		{`5%  ` + "\n", `percent("5")  ` + "\n"},
		{`.5%`, `percent("0.5")`},
		// A % directly after a number is a percent sign before any
		// operator, minus included; the remainder of a number needs a
		// space before the %.
		{`£100 * 10% - £5`, `money("100") * percent("10") - money("5")`},
		{`10% - x`, `percent("10") - x`},
		{`10%-x`, `percent("10")-x`},
		{`10% -3`, `percent("10") -3`},
		{`10% - (a)`, `percent("10") - (a)`},
		{`10% - !b`, `percent("10") - !b`},
		{`10% + x`, `percent("10") + x`},
		{`10% * (a)`, `percent("10") * (a)`},
		{`10% != x`, `percent("10") != x`},
		{`10%!=x`, `percent("10")!=x`},
		{`10% in [10%, 20%]`, `percent("10") in [percent("10"), percent("20")]`},
		{`(10%)`, `(percent("10"))`},
		{`x ? 10% : 5%`, `x ? percent("10") : percent("5")`},
		{`(x * 10%` + "\n  - £5)", `(x * percent("10")` + "\n  - money(\"5\"))"},
		{`10%`, `percent("10")`},
		{`10 % 3`, `10 % 3`},
		{`x % 3`, `x % 3`},
		{`a % b`, `a % b`},
		{`n%2 == 0`, `n%2 == 0`},

		// Days and weeks.
		{`42 days`, `days(42)`},
		{`1 day`, `days(1)`},
		{`6 weeks`, `days(42)`},
		{`1 week`, `days(7)`},
		{`2 day`, `days(2)`},
		{"3\tdays", `days(3)`},
		{`x - y <= 42 days`, `x - y <= days(42)`},
		{`(42 days)`, `(days(42))`},
		{`42 daysLeft`, `42 daysLeft`},
		{`42days`, `42days`},
		{`42 dayz`, `42 dayz`},
		{"42\ndays", "42\ndays"},
		{`1 in [1, 2]`, `1 in [1, 2]`},

		// Dates.
		{`2026-04-01`, `date("2026-04-01")`},
		{`d >= 2026-04-01 && d < 2027-04-01`, `d >= date("2026-04-01") && d < date("2027-04-01")`},
		{`2026-04-01 + 42 days`, `date("2026-04-01") + days(42)`},
		{`x.2026-04-01`, `x.2026-04-01`},
		{`a2026-04-01`, `a2026-04-01`},
		{`2026-04-011`, `2026-04-011`},
		{`2026-4-01`, `2026-4-01`},

		// Decimals.
		{`1.25`, `decimal("1.25")`},
		{`0.5`, `decimal("0.5")`},
		{`.5`, `decimal("0.5")`},
		{`-1.50`, `-decimal("1.50")`},
		{`x * 1.25 + 2`, `x * decimal("1.25") + 2`},
		{`1.`, `1.`},
		{`x.y`, `x.y`},
		{`a.b.c(1.5)`, `a.b.c(decimal("1.5"))`},
		{`f(x).5`, `f(x).5`},
		{`l[0].5`, `l[0].5`},

		// Left alone.
		{`42`, `42`},
		{`0x1F`, `0x1F`},
		{`0x1Fu`, `0x1Fu`},
		{`42u`, `42u`},
		{`42U`, `42U`},
		{`q1_2026 + v2`, `q1_2026 + v2`},
		{`"£5 and 5% of 1.5 on 2026-04-01 for 42 days"`, `"£5 and 5% of 1.5 on 2026-04-01 for 42 days"`},
		{`'1.5' + "2.5"`, `'1.5' + "2.5"`},
		{`"say \"1.5\" " + 1.5`, `"say \"1.5\" " + decimal("1.5")`},
		{`'it\'s 5%' + 5%`, `'it\'s 5%' + percent("5")`},
		{`"""1.5 "" 2.5""" + 1.5`, `"""1.5 "" 2.5""" + decimal("1.5")`},
		{`'''1.5 ' 2.5''' + 1.5`, `'''1.5 ' 2.5''' + decimal("1.5")`},
		{`r"\" + 1.5`, `r"\" + decimal("1.5")`},
		{`R'1.5'`, `R'1.5'`},
		{`b"1.5"`, `b"1.5"`},
		{`br'£5'`, `br'£5'`},
		{`rb"""1.5"""`, `rb"""1.5"""`},
		{`x // costs £5, 5% or 1.5` + "\n+ 1.5", `x // costs £5, 5% or 1.5` + "\n+ decimal(\"1.5\")"},
		{`1.5 // 1.5`, `decimal("1.5") // 1.5`},
		{"a.`b-1.5`", "a.`b-1.5`"},
		{`x / 2`, `x / 2`},
		{`"unterminated 1.5`, `"unterminated 1.5`},
		{"'unterminated 1.5\n1.5", "'unterminated 1.5\ndecimal(\"1.5\")"},
		{`café + 1.5`, `café + decimal("1.5")`},
	}
	for _, tc := range tests {
		got, m, err := Rewrite(tc.in)
		if err != nil {
			t.Errorf("Rewrite(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Rewrite(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
		if o := m.Original(len(got)); o != len(tc.in) {
			t.Errorf("Rewrite(%q): Original(end) = %d, want %d", tc.in, o, len(tc.in))
		}
		if r := m.Rewritten(len(tc.in)); r != len(got) {
			t.Errorf("Rewrite(%q): Rewritten(end) = %d, want %d", tc.in, r, len(got))
		}
	}
}

func TestRewriteErrors(t *testing.T) {
	tests := []struct {
		in             string
		offset, length int
		msg            string
	}{
		{`£1,25`, 0, 6, "groups of three digits"},
		{`x + £1,2345`, 4, 8, "groups of three digits"},
		{`£1234,567`, 0, 10, "first group has one to three digits"},
		{`£`, 0, 2, "£ must be followed by an amount"},
		{`x + £ 5`, 4, 2, "£ must be followed by an amount"},
		{`£x`, 0, 2, "£ must be followed by an amount"},
		{`£.50`, 0, 2, "£ must be followed by an amount"},
		{`£5abc`, 0, 6, "not a well-formed amount"},
		{`£5£6`, 0, 3, "not a well-formed amount"},
		{`x£5`, 1, 2, "must not be joined"},
		{`5£5`, 1, 2, "must not be joined"},
		{`1e5`, 0, 3, "exponent notation"},
		{`x * 1.5e-3`, 4, 6, "exponent notation"},
		{`2026-02-30`, 0, 10, "February 2026 has 28 days"},
		{`2026-13-01`, 0, 10, "no month 13"},
		{`1.5 days`, 0, 8, "not a whole number of days"},
		{`99999999999999999999 days`, 0, 25, "too many days"},
		{`9223372036854775807 weeks`, 0, 25, "too many days"},
		// A percentage followed by an operand rather than an operator.
		{`10%3`, 0, 3, "10% is a percentage and must be followed by an operator, not 3"},
		{`x * 10% 3`, 4, 3, "not 3"},
		{`10%x`, 0, 3, "not x"},
		{`10% (x)`, 0, 3, "not ("},
		{`10% !x`, 0, 3, "not !"},
		{`10%£3`, 0, 3, "not £3"},
		{`10% £1,250.50`, 0, 3, "not £1,250.50"},
		{`12.5% inx`, 0, 5, "not inx"},
	}
	for _, tc := range tests {
		_, _, err := Rewrite(tc.in)
		var re *RewriteError
		if !errors.As(err, &re) {
			t.Errorf("Rewrite(%q) error = %v, want a *RewriteError", tc.in, err)
			continue
		}
		if re.Offset != tc.offset || re.Length != tc.length || !strings.Contains(re.Msg, tc.msg) {
			t.Errorf("Rewrite(%q) = %+v, want offset %d length %d message containing %q", tc.in, *re, tc.offset, tc.length, tc.msg)
		}
		if !strings.Contains(err.Error(), "at byte") {
			t.Errorf("Error() = %q lacks the offset", err.Error())
		}
	}
	_, _, err := Rewrite(`10%3`)
	if re := (*RewriteError)(nil); !errors.As(err, &re) || re.Hint != "for the remainder of 10, put a space before the %: 10 % 3" {
		t.Errorf("Rewrite(10%%3) = %v, want the hint on the remainder", err)
	}
}

func TestMapping(t *testing.T) {
	src := `fee >= £1,250.50 && x < 5% // £9`
	got, m, err := Rewrite(src)
	if err != nil {
		t.Fatal(err)
	}
	want := `fee >= money("1250.50") && x < percent("5") // £9`
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	pos := func(s, sub string) int {
		i := strings.Index(s, sub)
		if i < 0 {
			t.Fatalf("%q not in %q", sub, s)
		}
		return i
	}
	tests := []struct {
		name            string
		rewritten, orig int
	}{
		{"start", 0, 0},
		{"before money", pos(got, "money") - 1, pos(src, "£") - 1},
		{"money start", pos(got, "money"), pos(src, "£")},
		{"inside money", pos(got, "1250.50"), pos(src, "£")},
		{"money end", pos(got, " && "), pos(src, " && ")},
		{"x", pos(got, "x <"), pos(src, "x <")},
		{"inside percent", pos(got, `"5"`), pos(src, "5%")},
		{"comment", pos(got, "//"), pos(src, "//")},
		{"end", len(got), len(src)},
		{"clamped low", -5, 0},
		{"clamped high", len(got) + 10, len(src)},
	}
	for _, tc := range tests {
		if o := m.Original(tc.rewritten); o != tc.orig {
			t.Errorf("%s: Original(%d) = %d, want %d", tc.name, tc.rewritten, o, tc.orig)
		}
	}
	// The reverse direction.
	if r := m.Rewritten(pos(src, " && ")); r != pos(got, " && ") {
		t.Errorf("Rewritten(after money) = %d, want %d", r, pos(got, " && "))
	}
	if r := m.Rewritten(pos(src, "£") + 3); r != pos(got, "money") {
		t.Errorf("Rewritten(inside £ token) = %d, want %d", r, pos(got, "money"))
	}
	if r := m.Rewritten(pos(src, "//")); r != pos(got, "//") {
		t.Errorf("Rewritten(comment) = %d, want %d", r, pos(got, "//"))
	}
	// A nil mapping, and the mapping of text with nothing to rewrite, are
	// the identity.
	var nilMap *Mapping
	if nilMap.Original(7) != 7 || nilMap.Rewritten(7) != 7 {
		t.Error("nil Mapping is not the identity")
	}
	plain := `a + b * 2 // 3`
	out, pm, err := Rewrite(plain)
	if err != nil || out != plain {
		t.Fatalf("Rewrite(%q) = %q, %v", plain, out, err)
	}
	for i := 0; i <= len(plain); i++ {
		if pm.Original(i) != i || pm.Rewritten(i) != i {
			t.Fatalf("identity mapping broken at %d", i)
		}
	}
}

// TestRewriteCompiles checks that rewritten rules compile and evaluate in
// the CEL environment, which is the point of the rewriter.
func TestRewriteCompiles(t *testing.T) {
	env := testEnv(t)
	tests := []struct {
		rule string
		want string
	}{
		{`£1,250.50 + £19.60`, "1270.10"},
		{`£240 * (1 + 25%)`, "300.00"},
		{`£19.60 * 48`, "940.80"},
		{`£19.60 * 2.5`, "49.000"},
		{`ratio(34, 40) >= 85%`, "true"},
		{`ratio(25, 30) >= 85%`, "false"},
		{`10 % 3 == 1`, "true"},
		{`10 % 3 + 5%`, "1.05"},
		// £100 × 10% = £10.00, less £5 is £5.00; before, the % was read
		// as a remainder of money by money.
		{`£100 * 10% - £5`, "5.00"},
		{`£100 * 10%-£5`, "5.00"},
		{`fee * 10% - fee * 5%`, "12.0000"}, // 24.0000 - 12.0000
		{`10% - rate`, "-19.50"},            // 0.10 - 19.60
		{`10% * (rate + 0.4)`, "2.0000"},    // 0.10 × 20.00
		{`10% != 0.1`, "false"},             // 10% is exactly 0.10
		{`10% in [5%, 10%]`, "true"},
		{`(£100 * 10%` + "\n - £5)", "5.00"},
		{`n % 2`, "1"},                          // 3 mod 2, both ints
		{`£240 * (n > 2 ? 25% : 10%)`, "60.00"}, // 240.00 × 0.25
		{`2026-05-20 - 2026-03-01 <= 42 days`, "false"},
		{`2026-05-20 - 2026-03-01 <= 12 weeks`, "true"},
		{`2026-03-01 + 6 weeks`, "2026-04-12"},
		{`1.0 == 1.00`, "true"},
		{`0.1 + 0.2 == 0.3`, "true"},
		{`round(30.125, 2)`, "30.13"},
		{`round_half_even(30.125, 2)`, "30.12"},
		{`ceil(25 / 15) * 15 == 30.0`, "true"},
		{`fee > £200 // fee is £240.00`, "true"},
		{`"5% of £10" + " is " + string(5% * £10)`, "5% of £10 is 0.50"},
	}
	for _, tc := range tests {
		src, _, err := Rewrite(tc.rule)
		if err != nil {
			t.Errorf("Rewrite(%q): %v", tc.rule, err)
			continue
		}
		out, _, err := run(t, env, src, testVars())
		if err != nil {
			t.Errorf("eval %q (rewritten %q): %v", tc.rule, src, err)
			continue
		}
		if got := show(out); got != tc.want {
			t.Errorf("%s = %s, want %s (rewritten %q)", tc.rule, got, tc.want, src)
		}
	}
}

// TestRewriteErrorMapsBack checks the use the compiler makes of a mapping:
// a CEL error location in the rewritten text points back at the literal
// the commissioner wrote.
func TestRewriteErrorMapsBack(t *testing.T) {
	env := testEnv(t)
	rule := `£240 + 5%`
	src, m, err := Rewrite(rule)
	if err != nil {
		t.Fatal(err)
	}
	_, iss := env.Compile(src)
	if iss.Err() == nil {
		t.Fatalf("%q compiled; want a type error", src)
	}
	errs := iss.Errors()
	if len(errs) == 0 {
		t.Fatalf("no errors in %v", iss)
	}
	// CEL locates the error at the operator, as a code point offset; the
	// rewritten text is ASCII here, so it is also the byte offset.
	loc := errs[0].Location
	off := lineColumnOffset(src, loc.Line(), loc.Column())
	if got := m.Original(off); rule[got:got+1] != "+" {
		t.Errorf("error at rewritten offset %d maps to %d (%q), want the +", off, got, rule[got:])
	}
}

// lineColumnOffset converts a 1-based line and 0-based column in code
// points to a byte offset.
func lineColumnOffset(s string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		off += strings.IndexByte(s[off:], '\n') + 1
	}
	for c := 0; c < col; c++ {
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
	}
	return off
}

func FuzzRewrite(f *testing.F) {
	for _, seed := range []string{
		`£1,250.50 + 5% * 1.25 - 42 days`,
		`2026-04-01 + 6 weeks`,
		`"£5" + '1.5' + """x""" + r'\' // 5%`,
		`10%3 + .5% + 0x1Fu + 1e5`,
		`£1,25`,
		"£",
		"a.`b` + 1.5",
		`"unterminated`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, m, err := Rewrite(src)
		if err != nil {
			var re *RewriteError
			if !errors.As(err, &re) {
				t.Fatalf("error %v is not a *RewriteError", err)
			}
			if re.Offset < 0 || re.Length < 0 || re.Offset+re.Length > len(src) {
				t.Fatalf("error span %d+%d outside %d bytes", re.Offset, re.Length, len(src))
			}
			return
		}
		if m.Original(0) != 0 || m.Original(len(out)) != len(src) {
			t.Fatalf("Original does not map ends: %d, %d", m.Original(0), m.Original(len(out)))
		}
		if m.Rewritten(0) != 0 || m.Rewritten(len(src)) != len(out) {
			t.Fatalf("Rewritten does not map ends")
		}
		prev := 0
		for r := 0; r <= len(out); r++ {
			o := m.Original(r)
			if o < prev || o > len(src) {
				t.Fatalf("Original not monotonic at %d: %d after %d", r, o, prev)
			}
			prev = o
		}
		prev = 0
		for o := 0; o <= len(src); o++ {
			r := m.Rewritten(o)
			if r < prev || r > len(out) {
				t.Fatalf("Rewritten not monotonic at %d: %d after %d", o, r, prev)
			}
			if back := m.Original(r); back > o {
				t.Fatalf("Original(Rewritten(%d)) = %d", o, back)
			}
			prev = r
		}
		// Outside replaced tokens, the text is unchanged byte for byte.
		for o := 0; o < len(src); o++ {
			r := m.Rewritten(o)
			if m.Original(r) == o && m.Original(r+1) == o+1 && out[r] != src[o] {
				t.Fatalf("byte %d (%q) changed to %q", o, src[o], out[r])
			}
		}
	})
}
