package data

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/occ-lang/occ/lang/words"
)

// Limits bound what one Load reads, so that no input, however large or
// malformed, makes it run out of memory or time. Reaching a limit is a
// problem in the data, reported with the file and the row like any other.
// A field that is zero or less takes its default. Limits is an Option of
// Load.
type Limits struct {
	// FieldBytes bounds one value: a cell of a CSV file or a worksheet, a
	// value or property name of JSON, JSON Lines or YAML. A row holding a
	// larger cell is not read; the rest of the file is. Default 64 KiB.
	FieldBytes int64
	// RowBytes bounds one row of a CSV file (its cells, quotes and line
	// ends, with any blank lines before it), one row of a worksheet (its
	// cells) and one line of JSON Lines. Reading a CSV or JSON Lines file
	// stops at a larger row, as there is no telling where the next one
	// starts; a worksheet row is skipped. Default 1 MiB.
	RowBytes int64
	// FileBytes bounds one file. CSV, JSON and JSON Lines files are read
	// row by row or record by record, but YAML and XLSX files are read
	// whole, and a workbook's parts may unpack to at most FileBytes in
	// all. Default 1 GiB.
	FileBytes int64
}

// The default limits.
const (
	DefaultFieldBytes = 64 << 10
	DefaultRowBytes   = 1 << 20
	DefaultFileBytes  = 1 << 30
)

// Option is a setting of Load: Limits or Workers.
type Option interface {
	apply(*options)
}

type options struct {
	limits  Limits
	workers int
}

// Workers is how many goroutines share the reading of a CSV file's rows:
// the loader's own, which adds the records in file order, and the others,
// which split rows into cells and turn them into values. Zero or less
// takes the default, one for each CPU Go uses. What Load gives does not
// depend on it. Workers is an Option of Load.
type Workers int

func (n Workers) apply(o *options) {
	if n > 0 {
		o.workers = int(n)
	}
}

func (lim Limits) apply(o *options) {
	if lim.FieldBytes > 0 {
		o.limits.FieldBytes = lim.FieldBytes
	}
	if lim.RowBytes > 0 {
		o.limits.RowBytes = lim.RowBytes
	}
	if lim.FileBytes > 0 {
		o.limits.FileBytes = min(lim.FileBytes, maxFileBytes)
	}
}

// maxFileBytes keeps offsets past the file limit from overflowing.
const maxFileBytes = 1 << 60

func newOptions(opts []Option) options {
	o := options{limits: Limits{FieldBytes: DefaultFieldBytes, RowBytes: DefaultRowBytes, FileBytes: DefaultFileBytes}, workers: runtime.GOMAXPROCS(0)}
	for _, opt := range opts {
		if opt != nil {
			opt.apply(&o)
		}
	}
	return o
}

// Errors a source returns when a limit is reached; the loader turns them
// into problems.
var (
	errFileLimit = errors.New("the file is larger than the limit")
	errRowLimit  = errors.New("the row is longer than the limit")
	errNotUTF8   = errors.New("the file is not UTF-8 text")
)

// readError is an error reading the file itself, as from a failing disk.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }

// sizeText writes a number of bytes as a limit is usually given: "64 KiB",
// "1 MiB", "1 GiB", or else "1,500 bytes".
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%s GiB", words.Number(int(n>>30)))
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return bytesText(n)
}

// bytesText writes a number of bytes: "1 byte", "70,000 bytes".
func bytesText(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return words.Number(int(n)) + " bytes"
}

// limitProblem is the problem a stopped read becomes: err is what stopped
// it, row where (0 for the whole file), and unit "row" or "line".
func (l *loader) limitProblem(err error, row int, unit string, rest bool) problem {
	lim := l.opts.limits
	tail := ""
	if rest {
		tail = "; the rest of the file was not read"
	}
	var re *readError
	switch {
	case errors.Is(err, errFileLimit):
		return problem{code: "file-too-large", row: row, msg: fmt.Sprintf("the file is larger than %s, the most a data file may hold%s", sizeText(lim.FileBytes), tail)}
	case errors.Is(err, errRowLimit):
		return problem{code: "row-too-large", row: row, msg: fmt.Sprintf("the %s is longer than %s, the most a %s may hold%s", unit, sizeText(lim.RowBytes), unit, tail)}
	case errors.As(err, &re):
		return problem{code: "read-error", row: row, msg: "the file cannot be read: " + re.Error() + tail}
	}
	return problem{code: "read-error", row: row, msg: "the file cannot be read: " + err.Error() + tail}
}

// tooLarge is the problem of a value larger than FieldBytes; what is
// "cell", "value" or "property name".
func (l *loader) tooLarge(row int, what string, n int) problem {
	return problem{code: "value-too-large", row: row, msg: fmt.Sprintf("the %s holds %s, more than the %s a %s may hold",
		what, bytesText(int64(n)), sizeText(l.opts.limits.FieldBytes), what)}
}
