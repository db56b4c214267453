package compiler_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/occ-lang/occ/compiler"
	"github.com/occ-lang/occ/lang"
)

// compileSpec compiles one contract file of specs/.
func compileSpec(t testing.TB, path string) *compiler.Contract {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, ds := lang.Parse(path, src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	c, ds := compiler.Compile([]*lang.File{f})
	if c == nil {
		t.Fatal(ds)
	}
	return c
}

// TestParseParam: an override must have the type the param's own literal
// gave it. quick_bonus is 25% and outcome_cap_rate 15%: given as 25 and 15
// they were taken for 2,500% and 1,500%, which paid a 2,500% uplift and
// lifted the cap; now they are refused with a hint, as money without £ is.
func TestParseParam(t *testing.T) {
	c := compileSpec(t, "../specs/individual-outcomes/contract.occ")
	accepted := []struct{ name, text, want string }{
		{"quick_bonus", "25%", "0.25"},
		{"quick_bonus", "0.25", "0.25"},
		{"quick_bonus", "100%", "1.00"},
		{"outcome_cap_rate", "15%", "0.15"},
		{"hourly_rate", "£21.00", "21.00"},
		{"hourly_rate", "£1,250", "1250"},
		{"satisfied_from", "3", "3"},
		{"quick_within", "6 weeks", "42 days"},
	}
	for _, a := range accepted {
		v, err := c.ParseParam(a.name, a.text)
		if err != nil {
			t.Errorf("ParseParam(%s, %s): %v", a.name, a.text, err)
			continue
		}
		if got, want := v.Type().TypeName(), c.Param(a.name).Type.TypeName(); got != want {
			t.Errorf("ParseParam(%s, %s) is a %s, want a %s", a.name, a.text, got, want)
		}
		if got := fmt.Sprint(v.Value()); got != a.want {
			t.Errorf("ParseParam(%s, %s) = %s, want %s", a.name, a.text, got, a.want)
		}
	}
	refused := []struct{ name, text, msg, hint string }{
		{"quick_bonus", "25", `param quick_bonus is a percentage, but "25" is a whole number`, "write 25% or 0.25"},
		{"outcome_cap_rate", "15", `param outcome_cap_rate is a percentage, but "15" is a whole number`, "write 15% or 0.15"},
		{"quick_bonus", "1", `param quick_bonus is a percentage, but "1" is a whole number`, "write 1% or 0.01"},
		{"hourly_rate", "21", `param hourly_rate is money, but "21" is a whole number`, "write £21.00"},
		{"hourly_rate", "21.5", `param hourly_rate is money, but "21.5" is a decimal number`, "write £21.50"},
		{"satisfied_from", "3.0", `param satisfied_from is a whole number, but "3.0" is a decimal number`, "write 3"},
		{"quick_within", "42", `param quick_within is a number of days, but "42" is a whole number`, "write 42 days"},
		{"quick_bonuss", "25%", `the contract has no param "quick_bonuss"`, `did you mean "quick_bonus"?`},
	}
	for _, r := range refused {
		v, err := c.ParseParam(r.name, r.text)
		var pe *compiler.ParamError
		if !errors.As(err, &pe) {
			t.Errorf("ParseParam(%s, %s) = %v, %v; want a ParamError", r.name, r.text, v, err)
			continue
		}
		if pe.Message != r.msg || pe.Hint != r.hint {
			t.Errorf("ParseParam(%s, %s) = %q, hint %q; want %q, hint %q", r.name, r.text, pe.Message, pe.Hint, r.msg, r.hint)
		}
		if err.Error() != r.msg+"; "+r.hint {
			t.Errorf("Error() = %q", err)
		}
		if strings.Contains(err.Error(), "--") {
			t.Errorf("the error names a command-line flag: %q", err)
		}
	}
}

// TestParseParamCostLimit: a value whose evaluation would take for ever,
// nested comprehensions that loop 10^8 times, is refused rather than run.
func TestParseParamCostLimit(t *testing.T) {
	c := compileSpec(t, "../specs/individual-outcomes/contract.occ")
	l := "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"
	text := "size(" + l + ".map(a, " + l + ".map(b, " + l + ".map(c, " + l + ".map(d, " + l + ".map(e, " + l +
		".map(f, " + l + ".map(g, " + l + ".map(h, h)))))))))"
	_, err := c.ParseParam("satisfied_from", text)
	if err == nil || !strings.Contains(err.Error(), "cost limit") {
		t.Fatalf("ParseParam of a 10^8 loop: %v", err)
	}
}
