package lsp

import (
	"slices"

	"github.com/occ-lang/occ/lang"
)

// The words the language takes in each place, for completion: the
// declarations, header settings, rule clauses, field words and test
// statements are lang's own lists (lang/keywords.go), and
// TestKeywordsAccepted checks each one against lang.Parse.
var (
	topKeywords    = lang.Declarations()
	headerKeywords = lang.HeaderSettings()
	ruleClauses    = func() map[lang.RuleKind][]string {
		m := map[lang.RuleKind][]string{}
		for _, k := range lang.RuleKinds {
			m[k] = lang.RuleClauses(k)
		}
		return m
	}()
	fieldWords   = lang.FieldWords()
	testKeywords = lang.TestStatements()
	expectWords  = []string{"total", "line", "lines", "subtotal", "standard", "excluded", "flag", "no", "error"}
	perScopes    = []string{"period", "month", "quarter", "year", "term", "person"}
	settlements  = []string{"monthly", "quarterly", "yearly", "term"}
	roundings    = []string{"half_up", "half_even", "down", "up", "ceiling", "floor"}
	instalments  = []string{"monthly", "quarterly"}

	// functions are the functions and aggregates an expression may call.
	functions = []string{"count", "sum", "avg", "min", "max", "ratio", "previous", "sum_previous", "count_previous", "history", "earlier", "within", "has", "abs", "round", "round_half_even",
		"ceil", "floor", "trunc", "decimal", "money", "int", "days", "date", "percent", "string", "size"}
	// timeNames exist only in rules per month, quarter, year, term or period.
	timeNames = []string{"first", "period_number", "period_start", "period_end"}
)

// frame is a block open at the cursor: the first two words of the
// statement that opened it (`payment hours`, `data review`, `test "..."`,
// `review` for a test record).
type frame struct{ head, name string }

// completionContext is what the text before the cursor says about the
// place being completed.
type completionContext struct {
	frames []frame
	// words are the words of the current statement before the word being
	// typed; inExpr is set when the cursor is in its expression.
	words  []string
	inExpr bool
	// qual is set when the word being typed follows `name.`: the name.
	qual string
}

// contextAt reads src up to off: which blocks are open, and where in its
// statement the cursor is. It works on the text alone, so it needs no
// parse, and so completes in a file that is being typed and does not.
func contextAt(src []byte, off int) completionContext {
	start := off
	for start > 0 && isIdentChar(src[start-1]) {
		start--
	}
	var c completionContext
	if start > 0 && src[start-1] == '.' {
		j := start - 1
		for j > 0 && isIdentChar(src[j-1]) {
			j--
		}
		if j < start-1 && isIdentStart(src[j]) && (j == 0 || src[j-1] != '.') {
			c.qual = string(src[j : start-1])
		}
	}
	depth := 0 // brackets open in the current statement
	newStmt := func() { c.words, c.inExpr, depth = nil, false, 0 }
	s := string(src[:start])
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == '/' && i+1 < len(s) && s[i+1] == '/':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		case ch == '"' || ch == '\'':
			j := skipString(s, i, false)
			if !c.inExpr {
				c.words = append(c.words, s[i:j])
			}
			i = j
			continue
		case isIdentChar(ch):
			j := i
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			if !c.inExpr {
				c.words = append(c.words, s[i:j])
				if len(c.words) == 1 && c.words[0] == "when" {
					c.inExpr = true
				}
			}
			i = j
			continue
		case ch == '\n' || ch == ';':
			if depth == 0 {
				newStmt()
			}
		case ch == '(' || ch == '[':
			depth++
		case ch == ')' || ch == ']':
			depth = max(0, depth-1)
		case ch == '{' && depth == 0 && !c.inExpr:
			f := frame{}
			if len(c.words) > 0 {
				f.head = c.words[0]
			}
			if len(c.words) > 1 {
				f.name = c.words[1]
			}
			c.frames = append(c.frames, f)
			newStmt()
		case ch == '}' && depth == 0:
			if len(c.frames) > 0 {
				c.frames = c.frames[:len(c.frames)-1]
			}
			newStmt()
		case ch == '=' || ch == '<' || ch == '>' || ch == '!':
			if depth == 0 && !(ch == '!' && c.inExpr) {
				c.inExpr = true
			}
		}
		i++
	}
	return c
}

func (s *server) completion(p textDocumentPositionParams) *completionList {
	name, _ := uriToName(p.TextDocument.URI)
	u := s.ws.unitOf(name)
	t := u.texts[name]
	if t == nil {
		return nil
	}
	c := contextAt(t.src, t.offset(p.Position))
	return &completionList{Items: complete(u, c)}
}

// complete lists what may be written at the place c describes.
func complete(u *unit, c completionContext) []completionItem {
	ix := u.index
	items := []completionItem{}
	keywords := func(kind int, words ...string) {
		for _, w := range words {
			items = append(items, completionItem{Label: w, Kind: kind})
		}
	}
	symbols := func(pred func(*symbol) bool) {
		for _, sym := range ix.order {
			if ix.names[sym.name] == sym && pred(sym) {
				items = append(items, symbolItem(u, sym))
			}
		}
	}
	isKind := func(k symbolKind) func(*symbol) bool { return func(s *symbol) bool { return s.kind == k } }

	if c.qual != "" {
		if sc := ix.schema(c.qual); sc != nil {
			for _, f := range sc.fieldOrder {
				if sc.fields[f.name] == f {
					items = append(items, symbolItem(u, f))
				}
			}
		}
		return items
	}
	atHead := len(c.words) == 0 && !c.inExpr
	if len(c.frames) == 0 {
		if atHead {
			keywords(completionKeyword, topKeywords...)
		}
		return items
	}
	top := c.frames[0]
	kind := lang.RuleKind(top.head)
	switch {
	case top.head == "contract" && len(c.frames) == 1:
		switch {
		case atHead:
			keywords(completionKeyword, headerKeywords...)
		case len(c.words) == 1 && c.words[0] == "settlement":
			keywords(completionValue, settlements...)
		case len(c.words) == 1 && c.words[0] == "rounding":
			keywords(completionValue, roundings...)
		}
	case top.head == "data" && len(c.frames) == 1:
		switch {
		case atHead, c.inExpr, len(c.words) == 0:
			// A new field's name: nothing to offer.
		case c.words[len(c.words)-1] == "list":
			symbols(isKind(schemaSymbol))
		default:
			keywords(completionKeyword, fieldWords...)
		}
	case ruleClauses[kind] != nil && len(c.frames) == 1:
		switch {
		case c.inExpr:
			// A rule reads any name but an exclude's, and its own only
			// through previous(), which a for rule has not.
			rule := ix.rule(top.name)
			forRecords := rule != nil && rule.rule.For != nil
			symbols(func(s *symbol) bool {
				return s.kind != ruleSymbol || s.rule.Kind != lang.Exclude && !(s == rule && forRecords)
			})
			keywords(completionFunction, functions...)
			if !forRecords {
				keywords(completionVariable, timeNames...)
			}
		case atHead:
			keywords(completionKeyword, ruleClauses[kind]...)
		case c.words[0] == "for" && len(c.words) == 1:
			symbols(isKind(schemaSymbol))
		case c.words[0] == "per" && len(c.words) == 1:
			keywords(completionValue, perScopes...)
		case c.words[0] == "covers":
			// Caps and floors cover the rules with money lines.
			symbols(func(s *symbol) bool {
				return s.kind == ruleSymbol && slices.Contains([]lang.RuleKind{lang.Payment, lang.Incentive, lang.Sanction, lang.Share}, s.rule.Kind)
			})
		case c.words[0] == "instalments" && len(c.words) == 1:
			keywords(completionValue, instalments...)
		}
	case top.head == "test" && len(c.frames) == 1:
		switch {
		case atHead:
			keywords(completionKeyword, testKeywords...)
			symbols(func(s *symbol) bool { return s.kind == schemaSymbol && !isNested(ix, s) })
		case c.inExpr:
		case c.words[0] == "set" && len(c.words) == 1:
			symbols(isKind(paramSymbol))
		case c.words[0] == "expect" && len(c.words) == 1:
			keywords(completionKeyword, expectWords...)
		case c.words[0] == "expect":
			symbols(isKind(ruleSymbol))
		}
	case top.head == "test" && atHead:
		// Inside an inline record: its fields and the records nested in it.
		if sc := ix.schema(c.frames[len(c.frames)-1].head); sc != nil {
			for _, f := range sc.fieldOrder {
				if f.field.Elem != nil {
					if el := ix.schema(f.field.Elem.Text); el != nil {
						items = append(items, symbolItem(u, el))
					}
					continue
				}
				items = append(items, symbolItem(u, f))
			}
		}
	}
	return items
}

// isNested reports whether a schema is the items of another's list.
func isNested(ix *index, sc *symbol) bool {
	for _, s := range ix.order {
		if s.kind != schemaSymbol {
			continue
		}
		for _, f := range s.fieldOrder {
			if f.field.Elem != nil && f.field.Elem.Text == sc.name {
				return true
			}
		}
	}
	return false
}

// symbolItem is the completion of a declared name, with its title or type
// as the detail and its hover text as the documentation.
func symbolItem(u *unit, sym *symbol) completionItem {
	it := completionItem{Label: sym.name, Documentation: &markupContent{Kind: "markdown", Value: describe(u, sym)}}
	var title *lang.Word
	switch sym.kind {
	case paramSymbol:
		it.Kind, title = completionConstant, sym.param.Title
	case schemaSymbol:
		it.Kind, title = completionClass, sym.data.Title
	case fieldSymbol:
		it.Kind = completionField
		it.Detail = fieldType(sym.field)
	case ruleSymbol:
		it.Kind, title = completionEvent, sym.rule.Title
		if sym.rule.Kind == lang.Let {
			it.Kind = completionVariable
		}
	}
	if title != nil {
		it.Detail = title.Unquoted()
	}
	if sym.kind == ruleSymbol {
		it.Detail = string(sym.rule.Kind) + " — " + it.Detail
		if sym.rule.Title == nil {
			it.Detail = string(sym.rule.Kind)
		}
	}
	return it
}
