package lsp

import "encoding/json"

// The Language Server Protocol types the server uses, with the field names
// of the specification (3.17). Only what the server reads or writes is here.

// position is a place in a document: a 0-based line and a 0-based offset
// in UTF-16 code units within the line.
type position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

// rangeLSP is a half-open range [Start, End) of a document.
type rangeLSP struct {
	Start position `json:"start"`
	End   position `json:"end"`
}

type location struct {
	URI   string   `json:"uri"`
	Range rangeLSP `json:"range"`
}

type textDocumentIdentifier struct {
	URI string `json:"uri"`
}

type textDocumentItem struct {
	URI        string `json:"uri"`
	LanguageID string `json:"languageId"`
	Version    int    `json:"version"`
	Text       string `json:"text"`
}

type versionedTextDocumentIdentifier struct {
	URI     string `json:"uri"`
	Version int    `json:"version"`
}

type didOpenParams struct {
	TextDocument textDocumentItem `json:"textDocument"`
}

// contentChange is one change of a didChange: a range and its new text, or,
// with no range, the whole new text of the document.
type contentChange struct {
	Range *rangeLSP `json:"range,omitempty"`
	Text  string    `json:"text"`
}

type didChangeParams struct {
	TextDocument   versionedTextDocumentIdentifier `json:"textDocument"`
	ContentChanges []contentChange                 `json:"contentChanges"`
}

type didCloseParams struct {
	TextDocument textDocumentIdentifier `json:"textDocument"`
}

type didSaveParams struct {
	TextDocument textDocumentIdentifier `json:"textDocument"`
}

type textDocumentPositionParams struct {
	TextDocument textDocumentIdentifier `json:"textDocument"`
	Position     position               `json:"position"`
}

type referenceParams struct {
	textDocumentPositionParams
	Context struct {
		IncludeDeclaration bool `json:"includeDeclaration"`
	} `json:"context"`
}

type documentParams struct {
	TextDocument textDocumentIdentifier `json:"textDocument"`
}

// Diagnostic severities.
const (
	severityError   = 1
	severityWarning = 2
)

type diagnostic struct {
	Range    rangeLSP `json:"range"`
	Severity int      `json:"severity"`
	Code     string   `json:"code,omitempty"`
	Source   string   `json:"source"`
	Message  string   `json:"message"`
}

type publishDiagnosticsParams struct {
	URI     string `json:"uri"`
	Version *int   `json:"version,omitempty"`
	// Diagnostics is never nil: an empty list clears the file's problems.
	Diagnostics []diagnostic `json:"diagnostics"`
}

type markupContent struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

type hover struct {
	Contents markupContent `json:"contents"`
	Range    *rangeLSP     `json:"range,omitempty"`
}

// Completion item kinds.
const (
	completionFunction = 3
	completionField    = 5
	completionVariable = 6
	completionClass    = 7
	completionValue    = 12
	completionKeyword  = 14
	completionConstant = 21
	completionEvent    = 23
)

type completionItem struct {
	Label         string         `json:"label"`
	Kind          int            `json:"kind,omitempty"`
	Detail        string         `json:"detail,omitempty"`
	Documentation *markupContent `json:"documentation,omitempty"`
}

type completionList struct {
	IsIncomplete bool             `json:"isIncomplete"`
	Items        []completionItem `json:"items"`
}

type textEdit struct {
	Range   rangeLSP `json:"range"`
	NewText string   `json:"newText"`
}

// Symbol kinds.
const (
	symbolModule   = 2
	symbolField    = 8
	symbolFunction = 12
	symbolVariable = 13
	symbolConstant = 14
	symbolStruct   = 23
	symbolEvent    = 24
)

type documentSymbol struct {
	Name           string           `json:"name"`
	Detail         string           `json:"detail,omitempty"`
	Kind           int              `json:"kind"`
	Range          rangeLSP         `json:"range"`
	SelectionRange rangeLSP         `json:"selectionRange"`
	Children       []documentSymbol `json:"children,omitempty"`
}

// initializeResult is the answer to initialize.
type initializeResult struct {
	Capabilities serverCapabilities `json:"capabilities"`
	ServerInfo   serverInfo         `json:"serverInfo"`
}

type serverInfo struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

type serverCapabilities struct {
	PositionEncoding           string            `json:"positionEncoding"`
	TextDocumentSync           textDocumentSync  `json:"textDocumentSync"`
	HoverProvider              bool              `json:"hoverProvider"`
	DefinitionProvider         bool              `json:"definitionProvider"`
	ReferencesProvider         bool              `json:"referencesProvider"`
	CompletionProvider         completionOptions `json:"completionProvider"`
	DocumentFormattingProvider bool              `json:"documentFormattingProvider"`
	DocumentSymbolProvider     bool              `json:"documentSymbolProvider"`
}

// Text document sync kinds: the server takes incremental changes.
const syncIncremental = 2

type textDocumentSync struct {
	OpenClose bool        `json:"openClose"`
	Change    int         `json:"change"`
	Save      saveOptions `json:"save"`
}

type saveOptions struct {
	IncludeText bool `json:"includeText"`
}

type completionOptions struct {
	TriggerCharacters []string `json:"triggerCharacters"`
}

// decode unmarshals a message's params, reporting bad params as the
// JSON-RPC error for them.
func decode(params json.RawMessage, v any) error {
	if len(params) == 0 {
		return errorf(codeInvalidParams, "missing params")
	}
	if err := json.Unmarshal(params, v); err != nil {
		return errorf(codeInvalidParams, "bad params: %v", err)
	}
	return nil
}
