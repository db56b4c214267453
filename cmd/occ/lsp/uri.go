package lsp

import (
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
)

// uriToName returns the file name the server parses a document under: the
// absolute path of a file: URI, or the URI itself for any other scheme (an
// editor's unsaved buffer), which is then a contract on its own.
func uriToName(uri string) (name string, isFile bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return uri, false
	}
	p := u.Path
	if runtime.GOOS == "windows" {
		// file:///C:/dir/x.occ has the path /C:/dir/x.occ.
		if len(p) >= 3 && p[0] == '/' && p[2] == ':' {
			p = p[1:]
		}
		if u.Host != "" {
			p = "//" + u.Host + p // a UNC path
		}
	}
	return filepath.Clean(filepath.FromSlash(p)), true
}

// nameToURI returns the file: URI of an absolute file name.
func nameToURI(name string) string {
	p := filepath.ToSlash(name)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
