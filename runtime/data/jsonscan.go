package data

import (
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonKind is the kind of a JSON token.
type jsonKind uint8

const (
	jsonNone      jsonKind = iota // no token: the end of the text or an error
	jsonObject                    // {
	jsonObjectEnd                 // }
	jsonList                      // [
	jsonListEnd                   // ]
	jsonString                    // a string, its text unescaped
	jsonNumber                    // a number, its text as written
	jsonTrue
	jsonFalse
	jsonNull
)

// jsonToken is one token of JSON text: a delimiter, a string, a number or
// a literal, with the line and column (1-based, in bytes) of its first
// byte. A string's text is unescaped; a number's is kept as written, so
// that no number passes through a float. Text is valid until the next
// token is read.
type jsonToken struct {
	kind      jsonKind
	text      []byte
	line, col int
	off       int64 // the offset of the token's first byte in the text
}

// jsonSyntaxError is a fault in JSON text, at the line and column of the
// byte at fault. Its message is the one encoding/json gives, such as
// "invalid character '}' after object key".
type jsonSyntaxError struct {
	msg       string
	line, col int
	c         byte // the byte at fault
}

func (e *jsonSyntaxError) Error() string { return e.msg }

// jsonState is where a jsonScanner is in the structure of the text, which
// says what may come next. The states are those of encoding/json's
// Decoder.Token.
type jsonState uint8

const (
	jsTop         jsonState = iota // a value at the top level
	jsListStart                    // after [: a value or ]
	jsListValue                    // after a comma in a list: a value
	jsListComma                    // after a value in a list: a comma or ]
	jsObjectStart                  // after {: a name or }
	jsObjectKey                    // after a comma in an object: a name
	jsObjectColon                  // after a name: a colon
	jsObjectValue                  // after a colon: a value
	jsObjectComma                  // after a value in an object: a comma or }
)

// jsonScanner reads the tokens of JSON text, checking its structure as it
// goes, like encoding/json's Decoder.Token but without allocating for each
// token. It reads from a reader through a buffer that holds at least the
// token being read, or from text held whole. Commas and colons are
// checked and skipped; a top-level value may be followed by more, as in a
// stream of objects. The text must be UTF-8; the reader's errors end the
// tokens.
type jsonScanner struct {
	r    io.Reader // where more text comes from; nil when buf holds it all
	buf  []byte
	pos  int   // the next byte to read in buf
	off  int64 // the offset in the text of buf[0]
	line int   // the line of buf[pos]
	// lineOff is the offset in the text of the start of line.
	lineOff int64
	state   jsonState
	stack   []jsonState
	str     []byte    // a string's text, when it has escapes
	tok     jsonToken // the token step read
	err     error     // what ended the tokens; io.EOF at the end of the text
	errLine int       // the line reached when err ended the tokens
	readErr error     // what ended reading r
}

// newJSONScanner returns a scanner of text, whose first byte is on line
// line.
func newJSONScanner(text []byte, line int) *jsonScanner {
	return &jsonScanner{buf: text, line: line}
}

// newJSONStream returns a scanner of what r gives, read through a buffer
// of size bytes at first.
func newJSONStream(r io.Reader, size int) *jsonScanner {
	return &jsonScanner{r: r, buf: make([]byte, 0, size), line: 1}
}

// minRead is the least room the scanner reads into.
const minRead = 512

// fill reads more text into the buffer, keeping buf[pos:]; it reports
// whether there is more to read.
func (s *jsonScanner) fill() bool {
	if s.r == nil || s.readErr != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:])
		s.buf = s.buf[:n]
		s.off += int64(s.pos)
		s.pos = 0
	}
	if cap(s.buf)-len(s.buf) < minRead {
		b := make([]byte, len(s.buf), 2*cap(s.buf)+minRead)
		copy(b, s.buf)
		s.buf = b
	}
	for {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err != nil {
			s.readErr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// offset is the offset in the text of buf[i].
func (s *jsonScanner) offset(i int) int64 {
	return s.off + int64(i)
}

// column is the column of buf[i], on line s.line.
func (s *jsonScanner) column(i int) int {
	return int(s.offset(i)-s.lineOff) + 1
}

// skipSpace moves pos past white space, counting lines, and returns the
// byte there; ok is false at the end of the text.
func (s *jsonScanner) skipSpace() (c byte, ok bool) {
	for {
		for s.pos < len(s.buf) {
			c := s.buf[s.pos]
			switch c {
			case ' ', '\t', '\r':
			case '\n':
				s.line++
				s.lineOff = s.offset(s.pos + 1)
			default:
				return c, true
			}
			s.pos++
		}
		if !s.fill() {
			return 0, false
		}
	}
}

// more reports whether a value comes next in the list or object being
// read, as Decoder.More does: whether the next byte is neither ] nor }.
func (s *jsonScanner) more() bool {
	if s.err != nil {
		return false
	}
	c, ok := s.skipSpace()
	return ok && c != ']' && c != '}'
}

// readFault returns what stopped reading the text before its end, or nil.
func (s *jsonScanner) readFault() error {
	if s.readErr == io.EOF {
		return nil
	}
	return s.readErr
}

// depth is how many lists and objects the scanner is inside.
func (s *jsonScanner) depth() int {
	return len(s.stack)
}

func (s *jsonScanner) valueAllowed() bool {
	switch s.state {
	case jsTop, jsListStart, jsListValue, jsObjectValue:
		return true
	}
	return false
}

func (s *jsonScanner) valueEnd() {
	switch s.state {
	case jsListStart, jsListValue:
		s.state = jsListComma
	case jsObjectValue:
		s.state = jsObjectComma
	}
}

// fail ends the tokens with err.
func (s *jsonScanner) fail(err error) error {
	s.err, s.errLine = err, s.line
	return err
}

// faultLine is the line reached when an error ended the tokens.
func (s *jsonScanner) faultLine() int {
	return s.errLine
}

// syntax fails with "invalid character c" and context, at buf[i].
func (s *jsonScanner) syntax(i int, c byte, context string) error {
	msg := "invalid character " + quoteChar(c)
	if context != "" {
		msg += " " + context
	}
	return s.fail(&jsonSyntaxError{msg: msg, line: s.line, col: s.column(i), c: c})
}

// quoteChar quotes a byte as encoding/json's messages do.
func quoteChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	q := strconv.Quote(string(rune(c)))
	return "'" + q[1:len(q)-1] + "'"
}

// tokenError fails on byte c at pos, which the state does not allow.
func (s *jsonScanner) tokenError(c byte) error {
	context := "looking for beginning of value"
	switch s.state {
	case jsListComma:
		context = "after array element"
	case jsObjectStart, jsObjectKey:
		context = "looking for beginning of object key string"
	case jsObjectColon:
		context = "after object key"
	case jsObjectComma:
		context = "after object key:value pair"
	}
	return s.syntax(s.pos, c, context)
}

// end fails at the end of the text: io.EOF between top-level values,
// io.ErrUnexpectedEOF inside one, or what stopped the reading.
func (s *jsonScanner) end() error {
	switch {
	case s.readErr != nil && s.readErr != io.EOF:
		return s.fail(s.readErr)
	case len(s.stack) == 0 && s.state == jsTop:
		return s.fail(io.EOF)
	}
	return s.fail(io.ErrUnexpectedEOF)
}

// cut fails at the end of the text inside a token: io.ErrUnexpectedEOF,
// or what stopped the reading.
func (s *jsonScanner) cut() error {
	if s.readErr != nil && s.readErr != io.EOF {
		return s.fail(s.readErr)
	}
	return s.fail(io.ErrUnexpectedEOF)
}

// step reads the next token into s.tok, as next does.
func (s *jsonScanner) step() error {
	if s.err != nil {
		return s.err
	}
	for {
		c, ok := s.skipSpace()
		if !ok {
			return s.end()
		}
		switch c {
		case '[', '{':
			if !s.valueAllowed() {
				return s.tokenError(c)
			}
			t := &s.tok
			*t = jsonToken{kind: jsonList, line: s.line, col: s.column(s.pos), off: s.offset(s.pos)}
			s.stack = append(s.stack, s.state)
			s.state = jsListStart
			if c == '{' {
				t.kind, s.state = jsonObject, jsObjectStart
			}
			s.pos++
			return nil
		case ']', '}':
			t := &s.tok
			*t = jsonToken{kind: jsonListEnd, line: s.line, col: s.column(s.pos), off: s.offset(s.pos)}
			if c == ']' && s.state != jsListStart && s.state != jsListComma ||
				c == '}' && s.state != jsObjectStart && s.state != jsObjectComma {
				return s.tokenError(c)
			}
			if c == '}' {
				t.kind = jsonObjectEnd
			}
			s.pos++
			s.state = s.stack[len(s.stack)-1]
			s.stack = s.stack[:len(s.stack)-1]
			s.valueEnd()
			return nil
		case ':':
			if s.state != jsObjectColon {
				return s.tokenError(c)
			}
			s.pos++
			s.state = jsObjectValue
		case ',':
			switch s.state {
			case jsListComma:
				s.state = jsListValue
			case jsObjectComma:
				s.state = jsObjectKey
			default:
				return s.tokenError(c)
			}
			s.pos++
		case '"':
			if s.state == jsObjectStart || s.state == jsObjectKey {
				err := s.scanString()
				if err == nil {
					s.state = jsObjectColon
				}
				return err
			}
			fallthrough
		default:
			if !s.valueAllowed() {
				return s.tokenError(c)
			}
			err := s.scanValue(c)
			if err == nil {
				s.valueEnd()
			}
			return err
		}
	}
}

// scanValue reads a string, number or literal starting with c at pos.
func (s *jsonScanner) scanValue(c byte) error {
	switch c {
	case '"':
		return s.scanString()
	case 't':
		return s.scanLiteral("true", jsonTrue)
	case 'f':
		return s.scanLiteral("false", jsonFalse)
	case 'n':
		return s.scanLiteral("null", jsonNull)
	}
	if c == '-' || '0' <= c && c <= '9' {
		return s.scanNumber()
	}
	return s.syntax(s.pos, c, "looking for beginning of value")
}

// at returns buf[i], reading more text when i is past the end of the
// buffer, where i counts from pos (which reading more may move); ok is
// false at the end of the text.
func (s *jsonScanner) at(i int) (c byte, ok bool) {
	for s.pos+i >= len(s.buf) {
		if !s.fill() {
			return 0, false
		}
	}
	return s.buf[s.pos+i], true
}

func (s *jsonScanner) scanLiteral(lit string, kind jsonKind) error {
	t := &s.tok
	*t = jsonToken{kind: kind, line: s.line, col: s.column(s.pos), off: s.offset(s.pos)}
	for i := 1; i < len(lit); i++ {
		c, ok := s.at(i)
		if !ok {
			return s.cut()
		}
		if c != lit[i] {
			return s.syntax(s.pos+i, c, "in literal "+lit+" (expecting "+quoteChar(lit[i])+")")
		}
	}
	t.text = s.buf[s.pos : s.pos+len(lit)]
	s.pos += len(lit)
	return nil
}

// scanNumber reads a number at pos, checking it as encoding/json does.
func (s *jsonScanner) scanNumber() error {
	t := &s.tok
	*t = jsonToken{kind: jsonNumber, line: s.line, col: s.column(s.pos), off: s.offset(s.pos)}
	i := 0
	c, _ := s.at(0)
	// digits reads digits from i on, and the byte after them.
	var ok bool
	digits := func() {
		for {
			c, ok = s.at(i)
			if !ok || !isDigit(c) {
				return
			}
			i++
		}
	}
	if c == '-' {
		i++
		if c, ok = s.at(i); !ok {
			return s.cut()
		}
		if !isDigit(c) {
			return s.syntax(s.pos+i, c, "in numeric literal")
		}
	}
	i++ // the first digit
	if c != '0' {
		digits()
	} else {
		c, ok = s.at(i)
	}
	if ok && c == '.' {
		i++
		if c, ok = s.at(i); !ok {
			return s.cut()
		}
		if !isDigit(c) {
			return s.syntax(s.pos+i, c, "after decimal point in numeric literal")
		}
		digits()
	}
	if ok && (c == 'e' || c == 'E') {
		i++
		if c, ok = s.at(i); ok && (c == '+' || c == '-') {
			i++
			c, ok = s.at(i)
		}
		if !ok {
			return s.cut()
		}
		if !isDigit(c) {
			return s.syntax(s.pos+i, c, "in exponent of numeric literal")
		}
		digits()
	}
	t.text = s.buf[s.pos : s.pos+i]
	s.pos += i
	return nil
}

// scanString reads a string at pos. Its text is a slice of the buffer
// when the string has no escapes, and else unescaped into s.str.
func (s *jsonScanner) scanString() error {
	t := &s.tok
	*t = jsonToken{kind: jsonString, line: s.line, col: s.column(s.pos), off: s.offset(s.pos)}
	i := 1
	for {
		for s.pos+i < len(s.buf) {
			c := s.buf[s.pos+i]
			if c == '"' {
				t.text = s.buf[s.pos+1 : s.pos+i]
				s.pos += i + 1
				return nil
			}
			if c == '\\' || c < 0x20 {
				return s.scanEscaped(i)
			}
			i++
		}
		if !s.fill() {
			return s.cut()
		}
	}
}

// scanEscaped reads the rest of a string at pos whose first i bytes have
// no escapes, unescaping it into s.str as encoding/json does: a \u escape
// of half a surrogate pair becomes U+FFFD.
func (s *jsonScanner) scanEscaped(i int) error {
	t := &s.tok
	b := append(s.str[:0], s.buf[s.pos+1:s.pos+i]...)
	defer func() { s.str = b[:0] }()
	for {
		c, ok := s.at(i)
		if !ok {
			return s.cut()
		}
		switch {
		case c == '"':
			t.text = b
			s.pos += i + 1
			return nil
		case c < 0x20:
			return s.syntax(s.pos+i, c, "in string literal")
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		i++
		if c, ok = s.at(i); !ok {
			return s.cut()
		}
		i++
		switch c {
		case '"', '\\', '/':
			b = append(b, c)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, err := s.hex4(i)
			if err != nil {
				return s.fail(err)
			}
			if r < 0 {
				return s.cut()
			}
			i += 4
			if utf16.IsSurrogate(r) {
				d := utf8.RuneError
				if lo := s.escapedRune(i); lo >= 0 {
					if d = utf16.DecodeRune(r, lo); d != utf8.RuneError {
						i += 6
					}
				}
				r = d
			}
			b = utf8.AppendRune(b, r)
		default:
			return s.syntax(s.pos+i-1, c, "in string escape code")
		}
	}
}

// escapedRune returns the rune of a \u escape at i, or -1 when there is
// no whole one; it reports no faults, which reading the escape will.
func (s *jsonScanner) escapedRune(i int) rune {
	if c, ok := s.at(i); !ok || c != '\\' {
		return -1
	}
	if c, ok := s.at(i + 1); !ok || c != 'u' {
		return -1
	}
	var r rune
	for k := i + 2; k < i+6; k++ {
		c, ok := s.at(k)
		if !ok || unhex(c) < 0 {
			return -1
		}
		r = r<<4 | unhex(c)
	}
	return r
}

// hex4 reads the four hexadecimal digits of a \u escape at i; it returns
// -1 at the end of the text.
func (s *jsonScanner) hex4(i int) (rune, error) {
	var r rune
	for k := i; k < i+4; k++ {
		c, ok := s.at(k)
		if !ok {
			return -1, nil
		}
		d := unhex(c)
		if d < 0 {
			return 0, &jsonSyntaxError{msg: "invalid character " + quoteChar(c) + ` in \u hexadecimal character escape`, line: s.line, col: s.column(s.pos + k), c: c}
		}
		r = r<<4 | d
	}
	return r, nil
}

func unhex(c byte) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case 'a' <= c && c <= 'f':
		return rune(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

// next reads the next token. At the end of the text it returns io.EOF, or
// io.ErrUnexpectedEOF when the text ends inside a value; a fault in the
// text is a *jsonSyntaxError. Once next has returned an error it returns
// the same one.
func (s *jsonScanner) next() (jsonToken, error) {
	err := s.step()
	if err != nil {
		return jsonToken{}, err
	}
	return s.tok, nil
}

// skip reads the rest of a value whose first token was t.
func (s *jsonScanner) skip(t jsonToken) {
	if t.kind != jsonObject && t.kind != jsonList {
		return
	}
	for d := s.depth(); s.depth() >= d; {
		if _, err := s.next(); err != nil {
			return
		}
	}
}

// describe says in words what a token is, for a message that says what
// was found instead of what was expected.
func (t jsonToken) describe() string {
	switch t.kind {
	case jsonObject:
		return "an object"
	case jsonList:
		return "a list"
	case jsonString:
		return "the text " + quote(string(t.text))
	case jsonNumber:
		return "the number " + clip(string(t.text))
	case jsonTrue:
		return "true"
	case jsonFalse:
		return "false"
	case jsonNull:
		return "null"
	case jsonObjectEnd:
		return "}"
	case jsonListEnd:
		return "]"
	}
	return "nothing"
}
