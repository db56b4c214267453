package value

import (
	"fmt"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/cockroachdb/apd/v3"
)

// Format renders a value as statements, explanations and test results show
// it, for a contract whose currency has minorUnits decimal places.
//
// Money is a plain decimal without a currency sign, with at least the
// currency's minor units: padded with zeros to them (20 is "20.00" in
// pounds, "20" in yen), never rounded, so an amount not yet rounded keeps
// every digit it has ("950.600"). Decimals keep the digits they were
// written or computed with ("0.25"); dates are yyyy-mm-dd; days are
// "42 days"; text is as is; nil is "". Anything else is written on one
// line.
func Format(v ref.Val, minorUnits int32) string {
	switch x := v.(type) {
	case nil:
		return ""
	case types.String:
		return oneLine(string(x))
	}
	return string(AppendFormat(nil, v, minorUnits))
}

// AppendFormat appends Format(v, minorUnits) to b, without allocating for
// the usual types.
func AppendFormat(b []byte, v ref.Val, minorUnits int32) []byte {
	switch x := v.(type) {
	case nil:
		return b
	case Money:
		return appendMinor(b, x.amount, minorUnits)
	case Decimal:
		return x.AppendText(b)
	case Date:
		return x.AppendText(b)
	case Days:
		return x.AppendText(b)
	case types.Int:
		return strconv.AppendInt(b, int64(x), 10)
	case types.Bool:
		return strconv.AppendBool(b, bool(x))
	case types.String:
		if n := len(x); n > 0 && plainByte(x[0]) && plainByte(x[n-1]) && strings.IndexByte(string(x), '\n') < 0 {
			return append(b, x...)
		}
		return append(b, oneLine(string(x))...)
	case fmt.Stringer:
		return append(b, x.String()...)
	}
	return append(b, oneLine(fmt.Sprint(v.Value()))...)
}

// appendMinor appends x in plain notation with at least places decimal
// places, adding zeros where it has fewer.
func appendMinor(b []byte, x Decimal, places int32) []byte {
	d := x.ap()
	b = d.Append(b, 'f')
	if d.Form != apd.Finite || places <= 0 {
		return b
	}
	have := int32(0)
	if d.Exponent < 0 {
		have = -d.Exponent
	}
	if have >= places {
		return b
	}
	if have == 0 {
		b = append(b, '.')
	}
	for ; have < places; have++ {
		b = append(b, '0')
	}
	return b
}

// oneLine returns s with its line breaks made spaces and the white space
// around it removed.
func oneLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
}

// plainByte reports whether c is ASCII and not white space.
func plainByte(c byte) bool {
	return c > ' ' && c < 0x7f
}
