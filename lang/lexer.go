package lang

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types produced by the lexer. The names are the symbols the grammar
// refers to.
const (
	tokNewline lexer.TokenType = -(iota + 2)
	tokComment
	tokIdent
	tokString
	tokNumber
	tokMoney
	tokPercent
	tokDate
	tokPeriod
	tokPunct
	tokOp
	tokExpr
)

var symbols = map[string]lexer.TokenType{
	"EOF":     lexer.EOF,
	"Newline": tokNewline,
	"Comment": tokComment,
	"Ident":   tokIdent,
	"String":  tokString,
	"Number":  tokNumber,
	"Money":   tokMoney,
	"Percent": tokPercent,
	"Date":    tokDate,
	"Period":  tokPeriod,
	"Punct":   tokPunct,
	"Op":      tokOp,
	"Expr":    tokExpr,
}

// lexDef is the participle lexer definition. The lexer is hand-written
// because an expression runs from `=` (or `when`, or a comparison operator)
// to the end of the line, or further while brackets are open, and its text
// must be kept byte for byte.
type lexDef struct{}

func (lexDef) Symbols() map[string]lexer.TokenType { return symbols }

func (lexDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return newScanner(filename, b), nil
}

// scanner splits a source file into tokens. Lexical problems are collected
// as diagnostics; the scanner always reaches the end of the input.
type scanner struct {
	file  string
	src   []byte
	off   int
	line  int
	col   int
	diags Diagnostics
	// atStmtStart is true when the next identifier begins a statement.
	atStmtStart bool
	// inSet is true after the head `set` of a statement, where a name
	// may be dotted: `set job_fee.esa = £3,000.00` sets one entry of a
	// table param.
	inSet bool
	// exprNext is true when the next token is an expression.
	exprNext bool
	toks     []lexer.Token
	next     int
	// broken holds the start offsets of expressions with an unclosed bracket.
	broken map[int]bool
	// badChars counts the unexpected-character errors.
	badChars int
}

func newScanner(file string, src []byte) *scanner {
	s := &scanner{file: file, src: src, line: 1, col: 1, atStmtStart: true}
	if bad := firstInvalidUTF8(src); bad >= 0 {
		s.advanceTo(bad)
		s.diags.Errorf(s.spanFrom(s.pos(), 1), "not-utf8", "file is not valid UTF-8 text (byte 0x%02x)", src[bad]).Detail =
			"save the file as UTF-8; occ reads contracts as UTF-8 text"
		s.toks = append(s.toks, lexer.EOFToken(s.lpos()))
		return s
	}
	s.scanAll()
	return s
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// Next implements lexer.Lexer.
func (s *scanner) Next() (lexer.Token, error) {
	if s.next >= len(s.toks) {
		return s.toks[len(s.toks)-1], nil
	}
	t := s.toks[s.next]
	s.next++
	return t, nil
}

func (s *scanner) pos() Pos { return Pos{Line: s.line, Col: s.col, Offset: s.off} }

func (s *scanner) lpos() lexer.Position {
	return lexer.Position{Filename: s.file, Offset: s.off, Line: s.line, Column: s.col}
}

// spanFrom returns the span from p covering n bytes on the same line.
func (s *scanner) spanFrom(p Pos, n int) Span {
	end := p
	end.Offset += n
	end.Col += utf8.RuneCount(s.src[p.Offset:min(p.Offset+n, len(s.src))])
	return Span{File: s.file, Start: p, End: end}
}

// advanceTo moves the scanner to byte offset off, keeping line and column.
func (s *scanner) advanceTo(off int) {
	if s.off == 0 && off >= 3 && bytes.HasPrefix(s.src, []byte("\xef\xbb\xbf")) {
		s.off = 3 // a byte order mark takes no column
	}
	for s.off < off {
		r, size := utf8.DecodeRune(s.src[s.off:])
		s.off += size
		if r == '\n' {
			s.line++
			s.col = 1
		} else {
			s.col++
		}
	}
}

func (s *scanner) emit(typ lexer.TokenType, start lexer.Position, end int) {
	s.toks = append(s.toks, lexer.Token{Type: typ, Value: string(s.src[start.Offset:end]), Pos: start})
	s.advanceTo(end)
}

func (s *scanner) scanAll() {
	for {
		if s.exprNext {
			s.exprNext = false
			s.skipBlanks()
			s.scanExpr()
			continue
		}
		s.skipBlanks()
		if s.off >= len(s.src) {
			s.toks = append(s.toks, lexer.EOFToken(s.lpos()))
			return
		}
		start := s.lpos()
		c := s.src[s.off]
		rest := s.src[s.off:]
		switch {
		case c == '\n':
			s.emit(tokNewline, start, s.off+1)
			s.atStmtStart = true
		case c == ';':
			s.emit(tokPunct, start, s.off+1)
			s.atStmtStart = true
		case c == '/' && len(rest) > 1 && rest[1] == '/':
			s.emit(tokComment, start, s.off+lineEnd(rest))
		case c == '"':
			s.scanString(start)
			s.atStmtStart = false
		case isIdentStart(c):
			n := identLen(rest)
			for s.inSet && !s.atStmtStart && n+1 < len(rest) && rest[n] == '.' && isIdentStart(rest[n+1]) {
				n += 1 + identLen(rest[n+1:])
			}
			word := string(rest[:n])
			s.emit(tokIdent, start, s.off+n)
			if s.atStmtStart && word == "when" {
				s.exprNext = true
			}
			if s.atStmtStart {
				s.inSet = word == "set"
			}
			s.atStmtStart = false
		case c == '{':
			s.emit(tokPunct, start, s.off+1)
			s.atStmtStart = true
		case c == '}':
			s.emit(tokPunct, start, s.off+1)
			s.atStmtStart = false
		case c == '=' || c == '<' || c == '>' || c == '!':
			n := 1
			if len(rest) > 1 && rest[1] == '=' {
				n = 2
			}
			if c == '!' && n == 1 {
				s.badChar(start)
				continue
			}
			s.emit(tokOp, start, s.off+n)
			s.exprNext = true
			s.atStmtStart = false
		case c == '.' && len(rest) > 1 && rest[1] == '.':
			s.emit(tokPunct, start, s.off+2)
		case c == ',' || c == '|' || c == '/':
			s.emit(tokPunct, start, s.off+1)
		case currencySymbol(rest) > 0:
			w := currencySymbol(rest)
			n := w + numberLen(rest[w:], true)
			s.emit(tokMoney, start, s.off+n)
			s.atStmtStart = false
		case isDigit(c) || (c == '-' && len(rest) > 1 && isDigit(rest[1])):
			s.scanNumber(start)
			s.atStmtStart = false
		default:
			s.badChar(start)
		}
	}
}

// maxBadChars bounds the unexpected-character errors of one file, so that a
// file that is not a contract at all gives a few errors, not millions.
const maxBadChars = 20

func (s *scanner) badChar(start lexer.Position) {
	r, size := utf8.DecodeRune(s.src[s.off:])
	// A run of unexpected characters is one error.
	if n := len(s.diags); n > 0 && s.diags[n-1].Code == "unexpected-character" && s.diags[n-1].Span.End.Offset == s.off && s.src[s.off] != '\n' {
		d := &s.diags[n-1]
		d.Span.End = s.spanFrom(s.pos(), size).End
		d.Message = "unexpected characters"
		s.advanceTo(s.off + size)
		return
	}
	switch s.badChars++; {
	case s.badChars < maxBadChars:
		s.diags.Errorf(s.spanFrom(s.pos(), size), "unexpected-character", "unexpected character %q", r).Detail =
			"expressions come after `=`, `when` or a comparison; elsewhere a line holds words, numbers, amounts, dates and \"quoted text\""
	case s.badChars == maxBadChars:
		s.diags.Errorf(s.spanFrom(s.pos(), size), "too-many-errors", "too many unexpected characters; the rest are not reported").Detail =
			"is this a contract file? contracts are text with keywords such as contract, param, data and payment"
	}
	s.advanceTo(s.off + size)
	_ = start
}

func (s *scanner) skipBlanks() {
	for s.off < len(s.src) {
		c := s.src[s.off]
		if c == ' ' || c == '\t' || c == '\r' {
			s.off++
			s.col++
			continue
		}
		if c == 0xEF && s.off == 0 && len(s.src) >= 3 && s.src[1] == 0xBB && s.src[2] == 0xBF {
			s.off += 3 // byte order mark
			continue
		}
		return
	}
}

func lineEnd(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			if i > 0 && b[i-1] == '\r' {
				return i - 1
			}
			return i
		}
	}
	return len(b)
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || isDigit(c) }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }

func identLen(b []byte) int {
	n := 0
	for n < len(b) && isIdentChar(b[n]) {
		n++
	}
	return n
}

// numberLen returns the length of digits, optional thousands commas (when
// commas is set) and an optional fraction at the start of b.
func numberLen(b []byte, commas bool) int {
	n := 0
	for n < len(b) && (isDigit(b[n]) || commas && b[n] == ',' && n+1 < len(b) && isDigit(b[n+1])) {
		n++
	}
	if n < len(b)-1 && b[n] == '.' && isDigit(b[n+1]) {
		n++
		for n < len(b) && isDigit(b[n]) {
			n++
		}
	}
	return n
}

func (s *scanner) scanNumber(start lexer.Position) {
	rest := s.src[s.off:]
	sign := 0
	if rest[0] == '-' {
		sign = 1
	}
	digits := 0
	for sign+digits < len(rest) && isDigit(rest[sign+digits]) {
		digits++
	}
	// Dates (2026-04-01) and periods (2026-05, 2026-Q1, 2026-27, 2026/27).
	if sign == 0 && digits == 4 && len(rest) >= 7 && rest[4] == '/' && isDigit(rest[5]) && isDigit(rest[6]) &&
		(len(rest) == 7 || !isIdentChar(rest[7])) {
		s.emit(tokPeriod, start, s.off+7)
		return
	}
	if sign == 0 && digits == 4 && len(rest) > 5 && rest[4] == '-' {
		if len(rest) >= 10 && isDigit(rest[5]) && isDigit(rest[6]) && rest[7] == '-' && isDigit(rest[8]) && isDigit(rest[9]) &&
			(len(rest) == 10 || !isIdentChar(rest[10])) {
			s.emit(tokDate, start, s.off+10)
			return
		}
		if len(rest) >= 7 && (isDigit(rest[5]) || rest[5] == 'Q') && isDigit(rest[6]) && (len(rest) == 7 || !isIdentChar(rest[7])) {
			s.emit(tokPeriod, start, s.off+7)
			return
		}
	}
	n := sign + numberLen(rest[sign:], true)
	if n < len(rest) && rest[n] == '%' {
		s.emit(tokPercent, start, s.off+n+1)
		return
	}
	s.emit(tokNumber, start, s.off+n)
}

func (s *scanner) scanString(start lexer.Position) {
	b := s.src
	i := s.off + 1
	for i < len(b) {
		switch b[i] {
		case '\\':
			if i+1 < len(b) && b[i+1] != '\n' {
				i += 2
				continue
			}
		case '"':
			s.emit(tokString, start, i+1)
			return
		case '\n':
		default:
			i++
			continue
		}
		break
	}
	end := s.off + lineEnd(b[s.off:])
	// In `contract "Title {` the brace still opens the block.
	if t := bytes.TrimRight(b[s.off+1:end], " \t"); len(t) > 0 && t[len(t)-1] == '{' {
		end = s.off + 1 + len(bytes.TrimRight(t[:len(t)-1], " \t"))
	}
	s.diags.Errorf(s.spanFrom(s.pos(), end-s.off), "unterminated-string", "unterminated string").Detail =
		"close the text with a double quote \" on the same line"
	s.emit(tokString, start, end)
}

// scanExpr reads one expression: everything up to the end of the line, a
// `;`, a `}` that closes the enclosing block, or a `//` comment, continuing
// across lines while brackets are open. Strings inside the expression are
// skipped whole, in all of CEL's quoting forms.
func (s *scanner) scanExpr() {
	b := s.src
	start := s.lpos()
	type open struct {
		c   byte
		off int
	}
	var stack []open
	i := s.off
	end := -1
loop:
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"' || c == '\'':
			i = skipCELString(b, i)
			continue
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			if len(stack) == 0 {
				end = i
				break loop
			}
			i += lineEnd(b[i:])
			continue
		case c == '(' || c == '[' || c == '{':
			stack = append(stack, open{c, i})
		case c == ')' || c == ']' || c == '}':
			if len(stack) == 0 {
				if c == '}' {
					end = i
					break loop
				}
			} else {
				top := stack[len(stack)-1]
				if closer(top.c) != c {
					// A mismatched closer: report the opener. A `}` may
					// close the block, so the expression ends before it, or
					// at the end of the opener's line if that comes first;
					// otherwise the closer and the rest of its line are part
					// of the broken expression.
					end = min(s.unclosed(top.off, top.c), i)
					if c != '}' {
						end = i + lineEnd(b[i:])
						if j := bytes.IndexByte(b[i:end], '}'); j >= 0 {
							end = i + j
						}
					}
					break loop
				}
				stack = stack[:len(stack)-1]
			}
		case c == '\n' || c == ';':
			if len(stack) == 0 {
				end = i
				break loop
			}
		case len(stack) == 0 && i > s.off && isIdentStart(c) && (b[i-1] == ' ' || b[i-1] == '\t') && startsSetting(b[i:]):
			// `NAME =` cannot continue an expression (CEL has no `=`): it
			// starts the next statement of a one-line block such as
			// `review { person = "P1"  month = 2026-05-01 }`.
			end = i
			s.atStmtStart = true
			break loop
		case c == '=' && len(stack) > 0 && (i+1 == len(b) || b[i+1] != '=') && !bytes.ContainsAny(b[i-1:i], "=<>!") &&
			bytes.IndexByte(b[stack[0].off:i], '\n') >= 0:
			// A lone `=` on a later line than an open bracket is the next
			// statement (`param b = ...`): the bracket was never closed.
			end = s.unclosed(stack[0].off, stack[0].c)
			break loop
		case isIdentChar(c) || c == '.':
			// Skip the rest of a name or number, so that only a name's
			// first character can start a setting.
			for i+1 < len(b) && (isIdentChar(b[i+1]) || b[i+1] == '.') {
				i++
			}
		}
		i++
	}
	if end < 0 {
		end = len(b)
		if len(stack) > 0 {
			end = s.unclosed(stack[0].off, stack[0].c)
		}
	}
	// Trim trailing white space (and the \r of a CRLF line end, and line
	// ends when an unterminated string ran to the end of the file).
	for end > s.off && (b[end-1] == ' ' || b[end-1] == '\t' || b[end-1] == '\r' || b[end-1] == '\n') {
		end--
	}
	s.emit(tokExpr, start, end)
}

// unclosed reports a bracket that is never closed and returns where the
// expression should end: the end of the bracket's line.
func (s *scanner) unclosed(off int, c byte) int {
	if s.broken == nil {
		s.broken = map[int]bool{}
	}
	s.broken[s.off] = true
	p := s.pos()
	// Compute the position of off from the current position (off >= s.off).
	line, col := p.Line, p.Col
	for j := s.off; j < off; {
		r, size := utf8.DecodeRune(s.src[j:])
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
		j += size
	}
	at := Pos{Line: line, Col: col, Offset: off}
	s.diags.Errorf(Span{File: s.file, Start: at, End: Pos{Line: line, Col: col + 1, Offset: off + 1}}, "unbalanced-bracket",
		"this %q is never closed", string(c)).Detail = fmt.Sprintf("add the matching %q; an expression may span lines only inside brackets", string(closer(c)))
	end := off + lineEnd(s.src[off:])
	if i := strings.IndexByte(string(s.src[off:end]), '}'); i >= 0 {
		end = off + i
	}
	return end
}

// startsSetting reports whether b starts with a name, optional blanks and a
// lone `=` (not `==`).
func startsSetting(b []byte) bool {
	n := identLen(b)
	for n < len(b) && (b[n] == ' ' || b[n] == '\t') {
		n++
	}
	return n < len(b) && b[n] == '=' && (n+1 == len(b) || b[n+1] != '=')
}

func closer(c byte) byte {
	switch c {
	case '(':
		return ')'
	case '[':
		return ']'
	}
	return '}'
}

// skipCELString returns the offset just past the CEL string literal that
// starts at b[i] (a quote). Triple-quoted strings may span lines; others end
// at the line end if unterminated (CEL reports the error).
func skipCELString(b []byte, i int) int {
	q := b[i]
	if i+2 < len(b) && b[i+1] == q && b[i+2] == q {
		j := i + 3
		for j+2 < len(b) {
			if b[j] == '\\' {
				j += 2
				continue
			}
			if b[j] == q && b[j+1] == q && b[j+2] == q {
				return j + 3
			}
			j++
		}
		return len(b)
	}
	j := i + 1
	for j < len(b) {
		switch b[j] {
		case '\\':
			if j+1 < len(b) && b[j+1] == '\n' {
				return j + 1 // a backslash does not carry the string over a line end
			}
			j += 2
			continue
		case q:
			return j + 1
		case '\n':
			return j
		}
		j++
	}
	return len(b)
}

// isSpaceRune reports whether r is white space other than a newline.
func isSpaceRune(r rune) bool { return r != '\n' && unicode.IsSpace(r) }

// currencySymbol returns the byte length of a currency symbol (£, €, $ or ¥)
// followed by a digit at the start of b, or 0.
func currencySymbol(b []byte) int {
	for _, sym := range []string{"£", "€", "$", "¥"} {
		if len(b) > len(sym) && string(b[:len(sym)]) == sym && isDigit(b[len(sym)]) {
			return len(sym)
		}
	}
	if len(b) > 2 && string(b[:2]) == "£" {
		return 2 // a lone £: let the compiler say what is wrong
	}
	return 0
}
