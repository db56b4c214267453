package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// maxMessage bounds the size of one incoming message. A contract file is at
// most 64 MB (the limit occ check applies), and a didOpen carries one whole
// file, escaped as JSON.
const maxMessage = 160 << 20

// The JSON-RPC 2.0 and LSP error codes the server answers with.
const (
	codeParseError           = -32700
	codeInvalidRequest       = -32600
	codeMethodNotFound       = -32601
	codeInvalidParams        = -32602
	codeInternalError        = -32603
	codeServerNotInitialized = -32002
)

// message is one incoming JSON-RPC message: a request (ID and Method), a
// notification (Method only) or a response to a request of ours (ID and no
// Method), which the server never sends and so ignores.
type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
}

// isRequest reports whether the message expects a response.
func (m *message) isRequest() bool { return len(m.ID) > 0 && !bytes.Equal(m.ID, []byte("null")) }

// rpcError is a JSON-RPC error object. It is also the error a handler
// returns to choose the code of its response.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// errorf builds an rpcError.
func errorf(code int, format string, args ...any) *rpcError {
	return &rpcError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// response is a successful response; Result is written even when it is nil,
// as JSON-RPC requires.
type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result"`
}

// errorResponse is a failed response. ID is null when the request could not
// be read.
type errorResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   *rpcError       `json:"error"`
}

// notification is a message the server sends without expecting an answer.
type notification struct {
	JSONRPC string `json:"jsonrpc"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

// errFraming reports input that is not a stream of Content-Length framed
// messages; the server cannot find the next message after it.
var errFraming = errors.New("lsp: malformed message header")

// reader reads Content-Length framed messages.
type reader struct {
	r *bufio.Reader
}

func newReader(r io.Reader) *reader { return &reader{r: bufio.NewReader(r)} }

// read returns the body of the next message. It returns io.EOF when the
// input ends between messages.
func (r *reader) read() ([]byte, error) {
	length := -1
	sawHeader := false
	for {
		line, err := r.r.ReadString('\n')
		if err != nil {
			if err == io.EOF && line == "" && !sawHeader {
				return nil, io.EOF
			}
			if err == io.EOF {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if !sawHeader {
				// Tolerate blank lines between messages, such as the
				// newline a hand-written transcript puts after a body.
				continue
			}
			break
		}
		sawHeader = true
		name, val, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%w: %q", errFraming, line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%w: bad Content-Length %q", errFraming, val)
			}
			length = n
		}
		// Content-Type is always utf-8 JSON; other headers are ignored.
	}
	if length < 0 {
		return nil, fmt.Errorf("%w: no Content-Length", errFraming)
	}
	if length > maxMessage {
		return nil, fmt.Errorf("lsp: a message of %d bytes is larger than the %d MB the server reads", length, maxMessage>>20)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r.r, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}

// writer writes Content-Length framed messages, one whole message per
// write so that nothing else can come between a header and its body.
type writer struct {
	mu sync.Mutex
	w  io.Writer
}

// write encodes v as JSON and writes it as one message.
func (w *writer) write(v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err = w.w.Write(b.Bytes())
	return err
}
