package main

import (
	"fmt"
	"io"
	"regexp"
	goruntime "runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version and commit are the release version and its commit, set when a
// release is built (.ci/release):
//
//	go build -ldflags "-X main.version=v1.2.0 -X main.commit=$(git rev-parse HEAD)" ./cmd/occ
//
// Without version, the version is the module's, as go install
// MODULE@VERSION records it, or devel. Without commit, the commit is the
// one go build recorded, if it did: it does not in a git worktree, nor
// with -buildvcs=false.
var version, commit string

// buildVersion says which occ is running: the version, the commit it was
// built from and the Go that built it.
type buildVersion struct {
	// Version is the release or module version (v1.2.0), or "devel" for
	// a build from a working copy.
	Version string
	// Commit is the VCS revision, "" when the build did not record it
	// (go install MODULE@VERSION builds from a module zip, without one).
	Commit string
	// Time is the commit's time, in RFC 3339, or "".
	Time string
	// Modified is true when the working copy had uncommitted changes.
	Modified bool
	// Go is the version of Go that built occ, e.g. go1.26.8.
	Go string
}

// currentVersion returns the version of the running occ.
func currentVersion() buildVersion {
	info, _ := debug.ReadBuildInfo()
	return versionOf(info, version, commit)
}

// versionOf reads a buildVersion from build info (nil when the binary has
// none) and the version and commit set at link time ("" when not set).
func versionOf(info *debug.BuildInfo, linkedVersion, linkedCommit string) buildVersion {
	v := buildVersion{Version: "devel", Go: goruntime.Version()}
	if info != nil {
		if info.GoVersion != "" {
			v.Go = info.GoVersion
		}
		if mv := info.Main.Version; mv != "" && mv != "(devel)" {
			v.Version = mv
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.time":
				v.Time = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if linkedVersion != "" {
		v.Version = linkedVersion
	}
	if linkedCommit != "" && v.Commit == "" {
		v.Commit = linkedCommit
	}
	return v
}

// String is the version in one word, as SARIF's driver.version carries
// it: v1.2.0, or for a working copy devel, devel+8826f7f0ab12 or
// devel+8826f7f0ab12.dirty.
func (v buildVersion) String() string {
	if v.Version != "devel" || v.Commit == "" {
		return v.Version
	}
	s := "devel+" + shortCommit(v.Commit)
	if v.Modified {
		s += ".dirty"
	}
	return s
}

// Semantic returns the version as a semantic version without the leading
// v (1.2.0), and false when it is not one: devel, or a Go pseudo-version
// (v0.0.0-20260501100000-8826f7f0ab12), which is a module version but
// names no release.
func (v buildVersion) Semantic() (string, bool) {
	if !reSemver.MatchString(v.Version) || rePseudo.MatchString(v.Version) {
		return "", false
	}
	return v.Version[1:], true
}

var (
	reSemver = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$`)
	rePseudo = regexp.MustCompile(`[-.][0-9]{14}-[0-9a-f]{12}$`)
)

// shortCommit is the first 12 hex digits of a revision, as Go's
// pseudo-versions write it.
func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// writeVersion prints the version, the commit and the Go version, one to
// a line.
func writeVersion(w io.Writer, v buildVersion) error {
	commit := "unknown"
	if v.Commit != "" {
		commit = v.Commit
		if v.Modified {
			commit += " (modified)"
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "occ %s\n", v.Version)
	fmt.Fprintf(&b, "commit %s\n", commit)
	if v.Time != "" {
		fmt.Fprintf(&b, "date   %s\n", v.Time)
	}
	fmt.Fprintf(&b, "go     %s %s/%s\n", v.Go, goruntime.GOOS, goruntime.GOARCH)
	_, err := io.WriteString(w, b.String())
	return err
}

func newVersionCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print occ's version, the commit it was built from and the Go that built it",
		Long: `Version prints the version of occ (a release such as v1.2.0, the module
version go install recorded, or devel for a build from a working copy), the
commit it was built from, when the build recorded one, and the version of
Go that built it. occ --version prints the same.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeVersion(stdout, currentVersion())
		},
	}
}
