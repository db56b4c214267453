package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Bytes returns an Input.Open that gives data, for inputs held in memory.
func Bytes(data []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		return bytesFile{bytes.NewReader(data)}, nil
	}
}

// File returns an Input.Open that opens the named file.
func File(path string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		return os.Open(path)
	}
}

// bytesFile is data in memory as an open file; its Len gives its size.
type bytesFile struct{ *bytes.Reader }

func (bytesFile) Close() error { return nil }

// sizeOf returns the size of an opened input when it is known in advance
// (a regular file or data in memory), or -1.
func sizeOf(r io.Reader) int64 {
	switch x := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := x.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	case interface{ Len() int }:
		return int64(x.Len())
	}
	return -1
}

// source reads one input for the loader. It hashes every byte of the file,
// refuses to read more than the file limit and, while the CSV reader reads
// a row, more than the row limit allows; it can read ahead for detection,
// leave out a byte-order mark and serve a file whose lines end in a
// carriage return alone as if they ended in a line feed.
type source struct {
	r    io.Reader
	h    hash.Hash
	n    int64  // bytes read from r
	max  int64  // the most bytes the file may hold
	head []byte // bytes read from r ahead, not yet served
	off  int64  // bytes served
	// stop, when 0 or more, is the offset of the first byte not to serve:
	// reading on gives errRowLimit.
	stop int64
	cr   bool  // serve each '\r' as '\n'
	err  error // what ended reading r: io.EOF at its end
}

func newSource(r io.Reader, max int64) *source {
	return &source{r: r, h: sha256.New(), max: max, stop: -1}
}

// fill reads from the file into p, hashing what it reads.
func (s *source) fill(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	// Read up to one byte past the limit, to know whether the file goes on.
	if room := s.max + 1 - s.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := s.r.Read(p)
	if n < 0 || n > len(p) {
		n, err = 0, io.ErrNoProgress
	}
	s.n += int64(n)
	s.h.Write(p[:n])
	switch {
	case s.n > s.max:
		// Serve the file up to the limit, so that the problem is reported
		// at the row the limit falls in.
		n -= int(s.n - s.max)
		s.err = errFileLimit
	case err == io.EOF:
		s.err = io.EOF
	case err != nil:
		s.err = &readError{err}
	}
	if n > 0 {
		return n, nil
	}
	return 0, s.err
}

// peek reads ahead until n bytes are waiting to be served, or the file
// ends, and returns them.
func (s *source) peek(n int) []byte {
	if cap(s.head) < n {
		h := make([]byte, len(s.head), n)
		copy(h, s.head)
		s.head = h
	}
	for len(s.head) < n && s.err == nil {
		m, _ := s.fill(s.head[len(s.head):n])
		s.head = s.head[:len(s.head)+m]
	}
	return s.head
}

// skipBOM leaves out a UTF-8 byte-order mark at the start of the file.
func (s *source) skipBOM() {
	if s.off == 0 {
		s.head = bytes.TrimPrefix(s.peek(3), bom)
	}
}

var bom = []byte("\xef\xbb\xbf")

func (s *source) Read(p []byte) (int, error) {
	if s.stop >= 0 {
		if s.off >= s.stop {
			return 0, errRowLimit
		}
		if int64(len(p)) > s.stop-s.off {
			p = p[:s.stop-s.off]
		}
	}
	var n int
	if len(s.head) > 0 {
		n = copy(p, s.head)
		s.head = s.head[n:]
	} else {
		var err error
		if n, err = s.fill(p); n == 0 {
			return 0, err
		}
	}
	if s.cr {
		for b := p[:n]; ; {
			i := bytes.IndexByte(b, '\r')
			if i < 0 {
				break
			}
			b[i] = '\n'
			b = b[i+1:]
		}
	}
	s.off += int64(n)
	return n, nil
}

// readAll reads the rest of the file, for the formats read whole.
func (s *source) readAll(size int64) ([]byte, error) {
	var b []byte
	if size >= 0 && size <= s.max {
		b = make([]byte, 0, size-s.off+1)
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := s.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// complete reports whether every byte of the file has been read, so that
// sum is the file's hash.
func (s *source) complete() bool {
	return s.err == io.EOF
}

func (s *source) sum() string {
	return hex.EncodeToString(s.h.Sum(nil))
}

// sniffBytes is how much of a file is read ahead to tell its format and,
// for CSV, its separator and line ends.
const sniffBytes = 64 << 10

// detectFormat returns csv, json, jsonl, yaml or xlsx, or xls or ods for
// spreadsheets that cannot be read: by the file's first bytes for
// workbooks, else by extension, else by the first character.
func detectFormat(path string, head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if strings.ToLower(filepath.Ext(path)) == ".ods" || bytes.Contains(head[:min(len(head), 100)], []byte("opendocument")) {
			return "ods"
		}
		return "xlsx"
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return "xls" // an old workbook, or an encrypted new one
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv":
		return "csv"
	case ".json":
		return "json"
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".yaml", ".yml":
		return "yaml"
	case ".xlsx", ".xlsm":
		return "xlsx"
	case ".xls":
		return "xls"
	case ".ods":
		return "ods"
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return "json"
	}
	return "csv"
}

// utf8Reader passes on what r gives as long as it is UTF-8 text, and then
// errNotUTF8: every byte it gives is part of a whole UTF-8 character. It
// reads into buffers of at least utf8.UTFMax bytes.
type utf8Reader struct {
	r     io.Reader
	carry [utf8.UTFMax]byte // the start of a character read but not given
	n     int               // how many bytes carry holds
	err   error
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	if len(p) < utf8.UTFMax {
		return 0, io.ErrShortBuffer
	}
	for {
		if u.err != nil && u.n == 0 {
			return 0, u.err
		}
		n := copy(p, u.carry[:u.n])
		u.n = 0
		if u.err == nil {
			m, err := u.r.Read(p[n:])
			n += m
			u.err = err
		}
		end := n
		if u.err == nil {
			end = fullRunes(p[:n])
			u.n = copy(u.carry[:], p[end:n])
		}
		if !utf8.Valid(p[:end]) {
			u.err, u.n = errNotUTF8, 0
			return firstBadByte(p[:end]), nil
		}
		if end > 0 || u.err != nil {
			return end, nil
		}
	}
}
