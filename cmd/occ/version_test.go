package main

import (
	"bytes"
	goruntime "runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOf(t *testing.T) {
	stamped := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "occ", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "8826f7f8000592578f182b3ea156779d9755df35"},
			{Key: "vcs.time", Value: "2026-05-01T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	installed := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "occ", Version: "v1.2.0"}}
	for _, c := range []struct {
		name           string
		info           *debug.BuildInfo
		linked, commit string
		want           buildVersion
		str, semantic  string
	}{
		{
			name: "a working copy",
			info: stamped,
			want: buildVersion{Version: "devel", Commit: "8826f7f8000592578f182b3ea156779d9755df35", Time: "2026-05-01T10:00:00Z", Modified: true, Go: "go1.26.8"},
			str:  "devel+8826f7f80005.dirty",
		},
		{
			name: "go install MODULE@v1.2.0",
			info: installed,
			want: buildVersion{Version: "v1.2.0", Go: "go1.26.8"},
			str:  "v1.2.0", semantic: "1.2.0",
		},
		{
			name:   "a release build from a worktree, where go records no commit",
			info:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			linked: "v1.3.0-rc.1", commit: "abc123",
			want: buildVersion{Version: "v1.3.0-rc.1", Commit: "abc123", Go: "go1.26.8"},
			str:  "v1.3.0-rc.1", semantic: "1.3.0-rc.1",
		},
		{
			name: "the version set at link time wins; the recorded commit wins",
			info: stamped, linked: "v2.0.0", commit: "ffff",
			want: buildVersion{Version: "v2.0.0", Commit: "8826f7f8000592578f182b3ea156779d9755df35", Time: "2026-05-01T10:00:00Z", Modified: true, Go: "go1.26.8"},
			str:  "v2.0.0", semantic: "2.0.0",
		},
		{
			name: "a pseudo-version is a module version but no release",
			info: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20260501100000-8826f7f80005"}},
			want: buildVersion{Version: "v0.0.0-20260501100000-8826f7f80005", Go: "go1.26.8"},
			str:  "v0.0.0-20260501100000-8826f7f80005",
		},
		{
			name: "no build info",
			want: buildVersion{Version: "devel", Go: goruntime.Version()},
			str:  "devel",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := versionOf(c.info, c.linked, c.commit)
			if got != c.want {
				t.Errorf("versionOf = %+v, want %+v", got, c.want)
			}
			if s := got.String(); s != c.str {
				t.Errorf("String = %q, want %q", s, c.str)
			}
			sem, ok := got.Semantic()
			if sem != c.semantic || ok != (c.semantic != "") {
				t.Errorf("Semantic = %q, %v, want %q", sem, ok, c.semantic)
			}
		})
	}
}

func TestSemanticVersions(t *testing.T) {
	for v, want := range map[string]bool{
		"v1.2.3": true, "v0.1.0": true, "v10.20.30-beta.2": true,
		"devel": false, "1.2.3": false, "v1.2": false, "v01.2.3": false, "v1.2.3+dirty": false,
		"v1.2.4-0.20260501100000-8826f7f80005":     false,
		"v1.2.3-pre.0.20260501100000-8826f7f80005": false,
	} {
		if _, ok := (buildVersion{Version: v}).Semantic(); ok != want {
			t.Errorf("%s: semantic %v, want %v", v, ok, want)
		}
	}
}

func TestWriteVersion(t *testing.T) {
	var b bytes.Buffer
	writeVersion(&b, buildVersion{Version: "devel", Commit: "8826f7f8", Time: "2026-05-01T10:00:00Z", Modified: true, Go: "go1.26.8"})
	want := "occ devel\ncommit 8826f7f8 (modified)\ndate   2026-05-01T10:00:00Z\ngo     go1.26.8 " + goruntime.GOOS + "/" + goruntime.GOARCH + "\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	writeVersion(&b, buildVersion{Version: "v1.2.0", Go: "go1.26.8"})
	if !strings.HasPrefix(b.String(), "occ v1.2.0\ncommit unknown\ngo     go1.26.8 ") {
		t.Errorf("without a commit:\n%s", b.String())
	}
}

// occ version and occ --version print the same, on standard output, and
// exit 0.
func TestVersionCommand(t *testing.T) {
	var want bytes.Buffer
	writeVersion(&want, currentVersion())
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitOK {
			t.Errorf("occ %s: exit %d: %s", args[0], code, stderr.String())
		}
		if stdout.String() != want.String() || stderr.Len() > 0 {
			t.Errorf("occ %s printed\n%s\n%s\nwant\n%s", args[0], stdout.String(), stderr.String(), want.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"version", "extra"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("occ version extra: exit %d, want %d", code, exitUsage)
	}
}
