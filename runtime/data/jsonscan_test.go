package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// scanAll writes the tokens of a scanner one a line, as kind text
// line:col, ending with the error that stopped it.
func scanAll(s *jsonScanner) string {
	var b strings.Builder
	for {
		t, err := s.next()
		if err != nil {
			var se *jsonSyntaxError
			switch {
			case errors.As(err, &se):
				fmt.Fprintf(&b, "error %d:%d: %s", se.line, se.col, se.msg)
			default:
				fmt.Fprintf(&b, "%v", err)
			}
			return b.String()
		}
		fmt.Fprintf(&b, "%s %d:%d\n", tokenText(t), t.line, t.col)
	}
}

func tokenText(t jsonToken) string {
	switch t.kind {
	case jsonObject:
		return "{"
	case jsonObjectEnd:
		return "}"
	case jsonList:
		return "["
	case jsonListEnd:
		return "]"
	case jsonString:
		return fmt.Sprintf("string %q", t.text)
	case jsonNumber:
		return "number " + string(t.text)
	}
	return string(t.text)
}

// oneByte gives text one byte a read, so that every token straddles the
// scanner's buffer.
func oneByte(text string) *jsonScanner {
	return newJSONStream(iotest.OneByteReader(strings.NewReader(text)), 1)
}

func TestJSONScannerTokens(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`[]`, "[ 1:1\n] 1:2\nEOF"},
		{" \t\r\n{\"a\": [1, -2.50, 3e5, 0.1E-7, 1e+2]}\n", `{ 2:1
string "a" 2:2
[ 2:7
number 1 2:8
number -2.50 2:11
number 3e5 2:18
number 0.1E-7 2:23
number 1e+2 2:31
] 2:35
} 2:36
EOF`},
		// Numbers are kept as written, however long: none passes through a float.
		{`[123456789012345678901234567890.000000000000000000001, 1e999999]`, `[ 1:1
number 123456789012345678901234567890.000000000000000000001 1:2
number 1e999999 1:56
] 1:64
EOF`},
		{`{"t": true, "f": false, "n": null}`, `{ 1:1
string "t" 1:2
true 1:7
string "f" 1:13
false 1:18
string "n" 1:25
null 1:30
} 1:34
EOF`},
		// Escapes, unicode as written and escaped, and halves of surrogate
		// pairs, which become U+FFFD as encoding/json makes them.
		{`["a\"b\\c\/d\b\f\n\r\t", "é€😀", "\u00e9\u20AC\ud83d\ude00", "\ud800x", "\udc00", "\ud83d\u0041", "\u0000"]`, `[ 1:1
string "a\"b\\c/d\b\f\n\r\t" 1:2
string "é€😀" 1:26
string "é€😀" 1:39
string "�x" 1:67
string "�" 1:78
string "�A" 1:88
string "\x00" 1:104
] 1:112
EOF`},
		// A stream of top-level values, as in JSON Lines.
		{"{}\n{}\n7", "{ 1:1\n} 1:2\n{ 2:1\n} 2:2\nnumber 7 3:1\nEOF"},
	} {
		if got := scanAll(newJSONScanner([]byte(tc.in), 1)); got != tc.want {
			t.Errorf("%q:\ngot\n%s\nwant\n%s", tc.in, got, tc.want)
		}
		if got := scanAll(oneByte(tc.in)); got != tc.want {
			t.Errorf("%q read a byte at a time:\ngot\n%s\nwant\n%s", tc.in, got, tc.want)
		}
	}
}

func TestJSONScannerErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"[\n{\"person\" \"P1\"}]", `error 2:11: invalid character '"' after object key`},
		{"[{\"a\":1\n\"b\":2}]", `error 2:1: invalid character '"' after object key:value pair`},
		{"[\n\n  {\"a\": \"x\ny\"}]", `error 3:11: invalid character '\n' in string literal`},
		{`[{"a": "` + "\x01" + `"}]`, `error 1:9: invalid character '\x01' in string literal`},
		{`[{"a": 1.x}]`, `error 1:10: invalid character 'x' after decimal point in numeric literal`},
		{`[{"a": -}]`, `error 1:9: invalid character '}' in numeric literal`},
		{`[{"a": 1e}]`, `error 1:10: invalid character '}' in exponent of numeric literal`},
		{`[{"a": 1e+}]`, `error 1:11: invalid character '}' in exponent of numeric literal`},
		{`[{"a": tru}]`, `error 1:11: invalid character '}' in literal true (expecting 'e')`},
		{`[{"a": nul}]`, `error 1:11: invalid character '}' in literal null (expecting 'l')`},
		{`[{"a": 1,}]`, `error 1:10: invalid character '}' looking for beginning of object key string`},
		{`[{1: 2}]`, `error 1:3: invalid character '1' looking for beginning of object key string`},
		{`[1,]`, `error 1:4: invalid character ']' looking for beginning of value`},
		{`[01]`, `error 1:3: invalid character '1' after array element`},
		{`[1 2]`, `error 1:4: invalid character '2' after array element`},
		{`[{"a": "\q"}]`, `error 1:10: invalid character 'q' in string escape code`},
		{`[{"a": "\u12x4"}]`, `error 1:13: invalid character 'x' in \u hexadecimal character escape`},
		{`[{"a": é}]`, `error 1:8: invalid character 'Ã' looking for beginning of value`},
		{`[{"a": 'x'}]`, `error 1:8: invalid character '\'' looking for beginning of value`},
		{`[{"a"}]`, `error 1:6: invalid character '}' after object key`},
		{`[{"a": 1]`, `error 1:9: invalid character ']' after object key:value pair`},
		{`[{"a": 1}}`, `error 1:10: invalid character '}' after array element`},
		{`]`, `error 1:1: invalid character ']' looking for beginning of value`},
		// Truncated text: inside a value, and between values.
		{`[{"a": "abc`, "[ 1:1\n{ 1:2\nstring \"a\" 1:3\nunexpected EOF"},
		{`[{"a": 12`, "[ 1:1\n{ 1:2\nstring \"a\" 1:3\nnumber 12 1:8\nunexpected EOF"},
		{`[{"a": 1.`, "[ 1:1\n{ 1:2\nstring \"a\" 1:3\nunexpected EOF"},
		{`tru`, "unexpected EOF"},
		{`"\u00`, "unexpected EOF"},
		{"", "EOF"},
		{" \n ", "EOF"},
	} {
		got := scanAll(newJSONScanner([]byte(tc.in), 1))
		if i := strings.LastIndexByte(got, '\n'); !strings.HasPrefix(tc.want, "error") || i < 0 {
			i = -1
		} else {
			got = got[i+1:]
		}
		if got != tc.want {
			t.Errorf("%q:\ngot  %s\nwant %s", tc.in, got, tc.want)
		}
		whole := scanAll(newJSONScanner([]byte(tc.in), 1))
		if got := scanAll(oneByte(tc.in)); got != whole {
			t.Errorf("%q read a byte at a time:\ngot\n%s\nwant\n%s", tc.in, got, whole)
		}
	}
}

// decoderTokens writes the tokens encoding/json's Decoder.Token reads, as
// scanAll does but without positions; errors are written by message,
// "end" for both io.EOF and io.ErrUnexpectedEOF.
func decoderTokens(text []byte) string {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var b strings.Builder
	for {
		t, err := dec.Token()
		if err != nil {
			var se *json.SyntaxError
			switch {
			case errors.As(err, &se):
				msg := se.Error()
				if rest, ok := strings.CutPrefix(msg, "invalid character "); ok && !strings.Contains(rest, " ") {
					// No context: a name was expected at the start of an object.
					msg += " looking for beginning of object key string"
				}
				b.WriteString("error " + msg)
			case err == io.EOF || err == io.ErrUnexpectedEOF:
				b.WriteString("end")
			default:
				b.WriteString(err.Error())
			}
			return b.String()
		}
		switch x := t.(type) {
		case json.Delim:
			b.WriteString(x.String())
		case string:
			fmt.Fprintf(&b, "string %q", x)
		case json.Number:
			b.WriteString("number " + x.String())
		case bool:
			fmt.Fprint(&b, x)
		case nil:
			b.WriteString("null")
		}
		b.WriteByte('\n')
	}
}

// scannerTokens writes what scanAll does, without positions, as
// decoderTokens does.
func scannerTokens(s *jsonScanner) string {
	var b strings.Builder
	for {
		t, err := s.next()
		if err != nil {
			var se *jsonSyntaxError
			switch {
			case errors.As(err, &se):
				b.WriteString("error " + se.msg)
			case err == io.EOF || err == io.ErrUnexpectedEOF:
				b.WriteString("end")
			default:
				b.WriteString(err.Error())
			}
			return b.String()
		}
		b.WriteString(tokenText(t))
		b.WriteByte('\n')
	}
}

// jsonSeeds are texts the scanner is checked on against encoding/json.
var jsonSeeds = []string{
	"", "[]", "{}", "[{}]", "null", "[1,2", "[1,,2]", "{,}", `{"a":}`, `{"a"::1}`, `{"a" 1}`, `[{"a":1}]]`,
	`[{"person": 1e999999}]`, `{"tasks": [[[[[]]]]]}`, "[-0, 0.5, -1.25e-3, 1E3, 2e+1]", "[00]", "[-]", "[.5]", "[1.]", "[+1]",
	`["\ud83d\ude00\ud83d", "\uDFFF\uD800\uDC00", "\\\"", "\u005C"]`, `["a` + "\t" + `b"]`, `["\x"]`, `["\u"]`,
	"[true,false,null,tRue,nulL]", "{} {} [] 7 \"x\"", "[1]x", "[1] ]", "\xef\xbb\xbf[]", "[\"é\", é]",
	`[{"person": "P1", "month": "2026-05-01", "hours": 1, "visits": 1, "charge": 1, "paid": true, "tasks": [{"task": "T1", "status": "done"}]}]`,
}

func TestJSONScannerLikeDecoder(t *testing.T) {
	for _, in := range jsonSeeds {
		checkLikeDecoder(t, []byte(in))
	}
}

func checkLikeDecoder(t *testing.T, text []byte) {
	t.Helper()
	want := decoderTokens(text)
	if got := scannerTokens(newJSONScanner(text, 1)); got != want {
		t.Errorf("%q:\ngot\n%s\nwant (encoding/json)\n%s", text, got, want)
	}
	if got := scannerTokens(newJSONStream(iotest.OneByteReader(bytes.NewReader(text)), 1)); got != want {
		t.Errorf("%q read a byte at a time:\ngot\n%s\nwant (encoding/json)\n%s", text, got, want)
	}
}

// FuzzJSONScanner checks that the scanner reads any UTF-8 text to the
// tokens and errors encoding/json's Decoder.Token does.
func FuzzJSONScanner(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		if !utf8.Valid(text) {
			return
		}
		checkLikeDecoder(t, text)
	})
}

func TestJSONScannerSkip(t *testing.T) {
	s := newJSONScanner([]byte(`[{"a": [1, {"b": [[]]}], "c": 2}, 3]`), 1)
	s.next() // [
	first, _ := s.next()
	s.skip(first)
	if got := scanAll(s); got != "number 3 1:35\n] 1:36\nEOF" {
		t.Errorf("after skipping the object:\n%s", got)
	}
}
