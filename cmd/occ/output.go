package main

// Writing output files — occ eval -o, occ forecast --html, occ fmt -w —
// and stopping cleanly on Ctrl-C. No input is ever written over; a file
// is either left as it was or holds the whole new contents; an interrupted
// write leaves no temporary file behind.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
)

// stopSignals are the signals that stop a command: Ctrl-C, and the
// polite kill of a service manager or a shell's kill.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// signalCause is the cause of a context cancelled by a stop signal.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string { return c.sig.String() }

// notifyContext returns a copy of ctx that is cancelled, with a
// signalCause, when a stop signal arrives, and the function that stops
// listening for them.
func notifyContext(ctx context.Context) (context.Context, func()) {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			cancel(signalCause{s})
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel(nil)
		})
	}
}

// interruptedBy returns the stop signal that cancelled ctx, or nil.
func interruptedBy(ctx context.Context) os.Signal {
	if ctx == nil {
		return nil
	}
	var sc signalCause
	if errors.As(context.Cause(ctx), &sc) {
		return sc.sig
	}
	return nil
}

// interrupted is the end of a command stopped by sig: the shell's exit
// status for it, 128 plus the signal's number (130 for Ctrl-C, 143 for
// SIGTERM), and what was not done.
func interrupted(sig os.Signal, outcome string) error {
	code := 130
	if s, ok := sig.(syscall.Signal); ok {
		code = 128 + int(s)
	}
	return &exitError{code: code, msg: "interrupted; " + outcome}
}

// checkNotInput refuses an output file that is one of the command's
// inputs, which writing would destroy: the same path once symbolic links
// are resolved, or the same file under another name (a hard link). what
// names the output as the command line gives it, as in "-o x.csv"; inputs
// maps each input file to what it is ("the data file").
func checkNotInput(what, output string, inputs map[string]string) error {
	if output == "" || output == "-" {
		return nil
	}
	for _, in := range slices.Sorted(maps.Keys(inputs)) {
		if sameFile(output, in) {
			return usageError("%s is %s %s: occ never writes over its inputs; write to another file", what, inputs[in], in)
		}
	}
	return nil
}

// sameFile reports whether the paths a and b name the same file.
func sameFile(a, b string) bool {
	if ra, rb := resolvedPath(a), resolvedPath(b); ra != "" && ra == rb {
		return true
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// resolvedPath returns p absolute with its symbolic links resolved; for a
// file that does not exist yet, its directory's.
func resolvedPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}

// writeFileAtomic writes the file name with what write writes, so that
// the file is either left as it was or holds the whole new contents:
// write writes a temporary file beside it, which is synced to disk and
// then renamed over it, and the directory is synced too. An existing
// file keeps its permissions (a new one is made 0644). A symbolic link is
// written through: its target is replaced, in the target's directory,
// and the link is kept; a link to nothing is refused. A device or a named
// pipe (/dev/null, /dev/stdout) is written to directly.
//
// When SIGINT or SIGTERM arrives before the rename, or ctx is cancelled
// by one (see notifyContext) — so a signal that came just before the
// write counts too — the temporary file is removed at once, write's next
// Write fails, and writeFileAtomic returns the interrupted exit (130 or
// 143), with name as it was. Errors name name, never the temporary file.
func writeFileAtomic(ctx context.Context, name string, write func(io.Writer) error) error {
	target, mode, direct, err := outputTarget(name)
	if err != nil {
		return &exitError{code: exitFindings, msg: err.Error()}
	}
	if direct {
		return writeDirect(name, write)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	// Listen before the temporary file exists, so that no signal can
	// leave it behind.
	t := &tempFile{}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			t.interrupt(s)
		case <-ctx.Done():
			s := interruptedBy(ctx)
			if s == nil {
				s = os.Interrupt
			}
			t.interrupt(s)
		case <-done:
		}
	}()
	defer func() {
		signal.Stop(ch)
		close(done)
	}()
	dir := filepath.Dir(target)
	f, err := t.create(dir, "."+filepath.Base(target)+".*.tmp")
	if s := t.signal(); s != nil {
		return interrupted(s, name+" was not written and is as it was")
	}
	if err != nil {
		return cannotWrite(name, err)
	}

	err = write(t)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = t.renameTo(target)
	}
	if err != nil {
		os.Remove(f.Name())
		if s := t.signal(); s != nil {
			return interrupted(s, name+" was not written and is as it was")
		}
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == f.Name() {
			return cannotWrite(name, pe.Err)
		}
		var le *os.LinkError
		if errors.As(err, &le) {
			return cannotWrite(name, le.Err)
		}
		return err
	}
	// The rename is durable once the directory is on disk. A directory
	// that cannot be opened or synced (as on Windows) is left to the
	// system.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// cannotWrite is the error of a write to name that failed with err.
func cannotWrite(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &exitError{code: exitFindings, msg: fmt.Sprintf("cannot write %s: %v", name, err)}
}

// outputTarget returns the file writeFileAtomic replaces for name, and the
// permissions it is to have: name, or the target of the symbolic link
// name. direct is set for a device, a pipe or a socket, which are written
// to as they are.
func outputTarget(name string) (target string, mode fs.FileMode, direct bool, err error) {
	info, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return name, 0o644, false, nil
	}
	if err != nil {
		return "", 0, false, fmt.Errorf("cannot write %s: %v", name, errors.Unwrap(err))
	}
	target = name
	if info.Mode()&fs.ModeSymlink != 0 {
		if target, err = filepath.EvalSymlinks(name); err != nil {
			link, _ := os.Readlink(name)
			return "", 0, false, fmt.Errorf("cannot write %s: it is a symbolic link to %s, which does not exist", name, link)
		}
		if info, err = os.Stat(target); err != nil {
			return "", 0, false, fmt.Errorf("cannot write %s: %v", name, errors.Unwrap(err))
		}
	}
	switch {
	case info.IsDir():
		return "", 0, false, fmt.Errorf("cannot write %s: it is a directory", name)
	case !info.Mode().IsRegular():
		return target, 0, true, nil
	}
	return target, info.Mode().Perm(), false, nil
}

// writeDirect writes to a device or pipe, which cannot be replaced.
func writeDirect(name string, write func(io.Writer) error) error {
	f, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return cannotWrite(name, err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return cannotWrite(name, err)
	}
	return nil
}

// tempFile is the temporary file of writeFileAtomic. A stop signal
// removes it at once, unless it has been renamed already, and makes
// every later Write fail; one that comes before it is created stops it
// being created.
type tempFile struct {
	mu      sync.Mutex
	f       *os.File
	sig     os.Signal
	renamed bool
}

// create creates the file in dir with a name made from pattern, as
// os.CreateTemp does, unless a stop signal has come.
func (t *tempFile) create(dir, pattern string) (*os.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sig != nil {
		return nil, errInterrupted
	}
	f, err := os.CreateTemp(dir, pattern)
	t.f = f
	return f, err
}

// errInterrupted is the error of a Write after a stop signal.
var errInterrupted = errors.New("interrupted")

func (t *tempFile) Write(p []byte) (int, error) {
	if t.signal() != nil {
		return 0, errInterrupted
	}
	return t.f.Write(p)
}

func (t *tempFile) signal() os.Signal {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sig
}

func (t *tempFile) interrupt(s os.Signal) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sig == nil {
		t.sig = s
	}
	if t.f != nil && !t.renamed {
		os.Remove(t.f.Name())
	}
}

// renameTo renames the file over target, unless a stop signal came first.
func (t *tempFile) renameTo(target string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sig != nil {
		return errInterrupted
	}
	if err := os.Rename(t.f.Name(), target); err != nil {
		return err
	}
	t.renamed = true
	return nil
}
