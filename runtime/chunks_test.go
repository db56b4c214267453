package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"testing"
)

// numbered returns a renderer factory writing line i as "i\n", failing
// with errAt's error at line errAt when errAt >= 0.
func numbered(errAt int) func() func([]byte, int, int) ([]byte, error) {
	return func() func([]byte, int, int) ([]byte, error) {
		return func(b []byte, lo, hi int) ([]byte, error) {
			for i := lo; i < hi; i++ {
				if i == errAt {
					return b, fmt.Errorf("line %d", i)
				}
				b = strconv.AppendInt(b, int64(i), 10)
				b = append(b, '\n')
			}
			return b, nil
		}
	}
}

// wantNumbered is what numbered renders for lines 0 to n.
func wantNumbered(n int) string {
	var b []byte
	for i := range n {
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, '\n')
	}
	return string(b)
}

// TestWriteChunksInOrder: however many workers render the chunks, the
// lines are written in order, every one once.
func TestWriteChunksInOrder(t *testing.T) {
	for _, n := range []int{0, 1, lineChunk, lineChunk + 1, 25*lineChunk + 7} {
		want := wantNumbered(n)
		for _, workers := range []int{1, 2, 3, 8} {
			var buf bytes.Buffer
			if err := writeChunks(&buf, n, workers, numbered(-1)); err != nil {
				t.Fatalf("n %d, workers %d: %v", n, workers, err)
			}
			if buf.String() != want {
				t.Errorf("n %d, workers %d: %d bytes written, want %d", n, workers, buf.Len(), len(want))
			}
		}
	}
}

// failAfter takes n writes, then fails every one.
type failAfter struct {
	n   int
	buf bytes.Buffer
}

var errFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errFull
	}
	f.n--
	return f.buf.Write(p)
}

// TestWriteChunksWriteError: the writer's error is returned, and nothing
// is written after it.
func TestWriteChunksWriteError(t *testing.T) {
	n := 30 * lineChunk
	for _, workers := range []int{1, 2, 4} {
		w := &failAfter{n: 3}
		if err := writeChunks(w, n, workers, numbered(-1)); !errors.Is(err, errFull) {
			t.Errorf("workers %d: error %v, want %v", workers, err, errFull)
		}
		if want := wantNumbered(3 * lineChunk); w.buf.String() != want {
			t.Errorf("workers %d: %d bytes written, want the first three chunks, %d", workers, w.buf.Len(), len(want))
		}
	}
}

// TestWriteChunksRenderError: the first line that cannot be rendered
// ends the writing with its error; the chunks before its own are written
// whole.
func TestWriteChunksRenderError(t *testing.T) {
	n := 30 * lineChunk
	bad := 5*lineChunk + 10 // in the sixth chunk
	for _, workers := range []int{1, 2, 4} {
		var buf bytes.Buffer
		err := writeChunks(&buf, n, workers, numbered(bad))
		if err == nil || err.Error() != fmt.Sprintf("line %d", bad) {
			t.Errorf("workers %d: error %v, want line %d", workers, err, bad)
		}
		if want := wantNumbered(5 * lineChunk); buf.String() != want {
			t.Errorf("workers %d: %d bytes written, want the first five chunks, %d", workers, buf.Len(), len(want))
		}
	}
}
