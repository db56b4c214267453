package lsp

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	in := "Content-Length: 2\r\n\r\n{}" +
		"content-length:3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[1]" +
		"\n\nContent-Length: 4\n\n\"ab\"" // bare newlines, and blank lines between messages
	r := newReader(strings.NewReader(in))
	for _, want := range []string{`{}`, `[1]`, `"ab"`} {
		got, err := r.read()
		if err != nil || string(got) != want {
			t.Fatalf("read = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := r.read(); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
	for _, bad := range []struct {
		in   string
		want error
	}{
		{"Content-Type: x\r\n\r\n{}", errFraming},
		{"Content-Length: x\r\n\r\n{}", errFraming},
		{"no colon\r\n\r\n", errFraming},
		{"Content-Length: 10\r\n\r\n{}", io.ErrUnexpectedEOF},
		{"Content-Length: 2\r\n", io.ErrUnexpectedEOF},
	} {
		if _, err := newReader(strings.NewReader(bad.in)).read(); !errors.Is(err, bad.want) {
			t.Errorf("read(%q) = %v, want %v", bad.in, err, bad.want)
		}
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := &writer{w: &b}
	if err := w.write(response{JSONRPC: "2.0", ID: []byte("7"), Result: nil}); err != nil {
		t.Fatal(err)
	}
	want := "Content-Length: 38\r\n\r\n" + `{"jsonrpc":"2.0","id":7,"result":null}`
	if b.String() != want {
		t.Errorf("wrote %q, want %q", b.String(), want)
	}
}
