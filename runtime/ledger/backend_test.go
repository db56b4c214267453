package ledger

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// A backend makes fresh, empty ledgers for a test: SQLite files in a
// temporary directory, or PostgreSQL schemas in the database
// OCC_POSTGRES_URL names, one schema a ledger.
type backend struct {
	name string
	new  func(t *testing.T) string // the argument that opens a new ledger
	// sql runs a statement on a ledger behind occ's back.
	sql func(t *testing.T, arg, stmt string)
}

// backends returns SQLite and, with OCC_POSTGRES_URL, PostgreSQL. Without
// the URL the PostgreSQL half skips, unless OCC_POSTGRES=1 (set by CI),
// when it fails.
func backends(t *testing.T) []backend {
	out := []backend{{name: "sqlite",
		new: func(t *testing.T) string { return filepath.Join(t.TempDir(), "ledger.db") },
		sql: func(t *testing.T, arg, stmt string) {
			db, err := sql.Open("sqlite", arg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(stmt); err != nil {
				t.Fatal(err)
			}
		}}}
	base := os.Getenv("OCC_POSTGRES_URL")
	if base == "" {
		if os.Getenv("OCC_POSTGRES") == "1" {
			t.Error("OCC_POSTGRES=1 but OCC_POSTGRES_URL is not set: the PostgreSQL half of the ledger tests cannot run")
		}
		return out
	}
	return append(out, backend{name: "postgres",
		new: func(t *testing.T) string {
			b := make([]byte, 6)
			rand.Read(b)
			schema := "t" + hex.EncodeToString(b)
			db, err := sql.Open("pgx", base)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
				t.Fatalf("PostgreSQL at OCC_POSTGRES_URL: %v", err)
			}
			t.Cleanup(func() {
				db, err := sql.Open("pgx", base)
				if err == nil {
					db.Exec("DROP SCHEMA " + schema + " CASCADE")
					db.Close()
				}
			})
			u, err := url.Parse(base)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		},
		sql: func(t *testing.T, arg, stmt string) {
			db, err := sql.Open("pgx", arg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(stmt); err != nil {
				t.Fatal(err)
			}
		}})
}

// eachBackend runs f once per backend, as a subtest.
func eachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) { f(t, b) })
	}
}

// open opens (creating) the ledger arg.
func open(t *testing.T, arg string) *Ledger {
	t.Helper()
	l, err := Open(context.Background(), arg, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}
