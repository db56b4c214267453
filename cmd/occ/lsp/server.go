package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"

	"github.com/occ-lang/occ/lang"
)

// ErrNoShutdown is returned by Serve when the client sent exit without
// asking the server to shut down first; the protocol says the process then
// exits with status 1.
var ErrNoShutdown = errors.New("exit before shutdown")

// Option configures Serve.
type Option func(*server)

// WithLog sends the server's own messages (a request that failed inside the
// server, a message it could not read) to w, which must not be the stream
// the protocol is written to. Without it they are dropped.
func WithLog(w io.Writer) Option { return func(s *server) { s.log = w } }

// server is the state of one session with a client.
type server struct {
	out *writer
	log io.Writer
	ws  *workspace

	initialized bool // initialize has been answered
	shutdown    bool // shutdown has been asked for
}

// Serve runs a language server session: it reads Content-Length framed
// JSON-RPC messages from in and writes responses and notifications to out,
// until the client sends exit. It returns nil after shutdown and exit,
// ErrNoShutdown after an exit that no shutdown preceded, ctx's error when
// ctx is done, and an error when in ends or cannot be read.
//
// Requests are handled one at a time in the order they arrive, so a
// request sees every change sent before it.
func Serve(ctx context.Context, in io.Reader, out io.Writer, opts ...Option) error {
	s := &server{out: &writer{w: out}, log: io.Discard, ws: newWorkspace()}
	for _, o := range opts {
		o(s)
	}
	type read struct {
		body []byte
		err  error
	}
	msgs := make(chan read)
	done := make(chan struct{})
	defer close(done)
	go func() {
		r := newReader(in)
		for {
			body, err := r.read()
			select {
			case msgs <- read{body, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for {
		var m read
		select {
		case <-ctx.Done():
			return ctx.Err()
		case m = <-msgs:
		}
		if m.err != nil {
			if m.err == io.EOF {
				return errors.New("the client closed the connection without exit")
			}
			return m.err
		}
		exit, err := s.handle(m.body)
		if err != nil {
			return err
		}
		if exit {
			if !s.shutdown {
				return ErrNoShutdown
			}
			return nil
		}
	}
}

// logf writes one of the server's own messages to its log.
func (s *server) logf(format string, args ...any) {
	fmt.Fprintf(s.log, "occ lsp: "+format+"\n", args...)
}

// handle handles one message. It reports whether the message was exit, and
// returns an error only when nothing can be written to the client.
func (s *server) handle(body []byte) (exit bool, err error) {
	var m message
	if err := json.Unmarshal(body, &m); err != nil || bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
		msg := "the message is not a JSON-RPC object"
		if err != nil {
			msg = "the message is not JSON: " + err.Error()
		}
		s.logf("%s", msg)
		return false, s.out.write(errorResponse{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: errorf(codeParseError, "%s", msg)})
	}
	if m.Method == "" {
		return false, nil // a response to a request the server never sent
	}
	if m.Method == "exit" {
		return true, nil
	}
	result, herr := s.dispatch(&m)
	if we := (*writeError)(nil); errors.As(herr, &we) {
		return false, we
	}
	if !m.isRequest() {
		// A notification has no answer. One the server does not know
		// (willSave, $/progress) is ignored, as the protocol allows.
		var re *rpcError
		if herr != nil && !(errors.As(herr, &re) && re.Code == codeMethodNotFound) {
			s.logf("%s: %v", m.Method, herr)
		}
		return false, nil
	}
	if herr != nil {
		var re *rpcError
		if !errors.As(herr, &re) {
			re = errorf(codeInternalError, "%v", herr)
		}
		return false, s.out.write(errorResponse{JSONRPC: "2.0", ID: m.ID, Error: re})
	}
	return false, s.out.write(response{JSONRPC: "2.0", ID: m.ID, Result: result})
}

// dispatch runs the handler of a request or notification, turning a panic
// into an internal error so that one bad request does not end the session.
func (s *server) dispatch(m *message) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.logf("%s: panic: %v\n%s", m.Method, r, debug.Stack())
			result, err = nil, errorf(codeInternalError, "internal error in %s: %v", m.Method, r)
		}
	}()
	switch {
	case m.Method == "initialize":
		if s.initialized {
			return nil, errorf(codeInvalidRequest, "initialize was already sent")
		}
		s.initialized = true
		return s.initialize(), nil
	case !s.initialized:
		return nil, errorf(codeServerNotInitialized, "the server is not initialized")
	case m.Method == "shutdown":
		s.shutdown = true
		return nil, nil
	case s.shutdown:
		return nil, errorf(codeInvalidRequest, "the server is shutting down")
	}
	switch m.Method {
	case "initialized", "$/cancelRequest", "$/setTrace", "workspace/didChangeConfiguration":
		return nil, nil
	case "textDocument/didOpen":
		var p didOpenParams
		if err := decode(m.Params, &p); err != nil {
			return nil, err
		}
		return nil, s.didOpen(p)
	case "textDocument/didChange":
		var p didChangeParams
		if err := decode(m.Params, &p); err != nil {
			return nil, err
		}
		return nil, s.didChange(p)
	case "textDocument/didSave":
		var p didSaveParams
		if err := decode(m.Params, &p); err != nil {
			return nil, err
		}
		s.ws.changed()
		return nil, s.publish(p.TextDocument.URI)
	case "textDocument/didClose":
		var p didCloseParams
		if err := decode(m.Params, &p); err != nil {
			return nil, err
		}
		return nil, s.didClose(p)
	case "workspace/didChangeWatchedFiles":
		s.ws.changed()
		return nil, s.publishAll()
	case "textDocument/hover":
		var p textDocumentPositionParams
		if err := decode(m.Params, &p); err != nil {
			return nil, err
		}
		return s.hover(p), nil
	case "textDocument/definition":
		var p textDocumentPositionParams
		if err := decode(m.Params, &p); err != nil {
			return nil, err
		}
		return s.definition(p), nil
	case "textDocument/references":
		var p referenceParams
		if err := decode(m.Params, &p); err != nil {
			return nil, err
		}
		return s.references(p), nil
	case "textDocument/completion":
		var p textDocumentPositionParams
		if err := decode(m.Params, &p); err != nil {
			return nil, err
		}
		return s.completion(p), nil
	case "textDocument/formatting":
		var p documentParams
		if err := decode(m.Params, &p); err != nil {
			return nil, err
		}
		return s.formatting(p), nil
	case "textDocument/documentSymbol":
		var p documentParams
		if err := decode(m.Params, &p); err != nil {
			return nil, err
		}
		return s.documentSymbols(p), nil
	}
	return nil, errorf(codeMethodNotFound, "method not supported: %s", m.Method)
}

func (s *server) initialize() initializeResult {
	// The module's version, when the binary was installed from a tagged
	// release.
	v := ""
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return initializeResult{
		Capabilities: serverCapabilities{
			PositionEncoding: "utf-16",
			TextDocumentSync: textDocumentSync{OpenClose: true, Change: syncIncremental, Save: saveOptions{}},
			HoverProvider:    true, DefinitionProvider: true, ReferencesProvider: true,
			CompletionProvider:         completionOptions{TriggerCharacters: []string{"."}},
			DocumentFormattingProvider: true,
			DocumentSymbolProvider:     true,
		},
		ServerInfo: serverInfo{Name: "occ", Version: v},
	}
}

func (s *server) didOpen(p didOpenParams) error {
	name, isFile := uriToName(p.TextDocument.URI)
	s.ws.docs[name] = &document{uri: p.TextDocument.URI, name: name, isFile: isFile,
		version: p.TextDocument.Version, text: newText([]byte(p.TextDocument.Text))}
	s.ws.changed()
	return s.publish(p.TextDocument.URI)
}

func (s *server) didChange(p didChangeParams) error {
	name, _ := uriToName(p.TextDocument.URI)
	d := s.ws.docs[name]
	if d == nil {
		return errorf(codeInvalidParams, "%s is not open", p.TextDocument.URI)
	}
	for _, c := range p.ContentChanges {
		if c.Range == nil {
			d.text = newText([]byte(c.Text))
		} else {
			d.text = newText(d.text.edit(*c.Range, c.Text))
		}
	}
	d.version = p.TextDocument.Version
	s.ws.changed()
	return s.publish(p.TextDocument.URI)
}

func (s *server) didClose(p didCloseParams) error {
	name, _ := uriToName(p.TextDocument.URI)
	u := s.ws.unitOf(name)
	delete(s.ws.docs, name)
	s.ws.changed()
	for _, n := range u.names {
		if s.ws.docs[n] != nil {
			// Another file of the contract is still open: show the
			// closed file's problems as it is on disk.
			return s.publish(p.TextDocument.URI)
		}
	}
	// Nothing of the contract is open any more: clear its problems.
	for _, n := range u.names {
		if err := s.send("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: s.uri(n), Diagnostics: []diagnostic{}}); err != nil {
			return err
		}
	}
	return nil
}

// uri returns the URI a file is known by: the client's, if it opened it.
func (s *server) uri(name string) string {
	if d := s.ws.docs[name]; d != nil {
		return d.uri
	}
	if !filepath.IsAbs(name) {
		return name // a document that is not a file is named by its URI
	}
	return nameToURI(name)
}

// publish loads the contract of the document and publishes the
// diagnostics of each of its files.
func (s *server) publish(uri string) error {
	name, _ := uriToName(uri)
	u := s.ws.unitOf(name)
	diags := u.diagnostics()
	for _, n := range u.names {
		p := publishDiagnosticsParams{URI: s.uri(n), Diagnostics: diags[n]}
		if d := s.ws.docs[n]; d != nil {
			v := d.version
			p.Version = &v
		}
		if err := s.send("textDocument/publishDiagnostics", p); err != nil {
			return err
		}
	}
	return nil
}

// publishAll publishes the diagnostics of every open document's contract.
func (s *server) publishAll() error {
	done := map[string]bool{}
	for name, d := range s.ws.docs {
		main := s.ws.contractFiles(name)[0]
		if done[main] {
			continue
		}
		done[main] = true
		if err := s.publish(d.uri); err != nil {
			return err
		}
	}
	return nil
}

// send writes a notification. A failure to write is the end of the
// session, so it is returned as is rather than as a JSON-RPC error.
func (s *server) send(method string, params any) error {
	if err := s.out.write(notification{JSONRPC: "2.0", Method: method, Params: params}); err != nil {
		return &writeError{err}
	}
	return nil
}

// writeError is a failure to write to the client.
type writeError struct{ err error }

func (e *writeError) Error() string { return "cannot write to the client: " + e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// query is what a request about a place in a document needs: the
// document's contract, the file's name and text, and the byte offset.
type query struct {
	u    *unit
	name string
	text *text
	off  int
}

// at prepares a query about a position, or returns nil when the document
// cannot be read or its index does not describe its current text.
func (s *server) at(uri string, pos position) *query {
	name, _ := uriToName(uri)
	u := s.ws.unitOf(name)
	t := u.texts[name]
	if t == nil || u.stale[name] {
		return nil
	}
	return &query{u: u, name: name, text: t, off: t.offset(pos)}
}

// file returns the parsed file of a document, if it has a body.
func (s *server) file(uri string) (*unit, *lang.File) {
	name, _ := uriToName(uri)
	u := s.ws.unitOf(name)
	f := u.files[name]
	if f == nil || f.Body == nil {
		return u, nil
	}
	return u, f
}
