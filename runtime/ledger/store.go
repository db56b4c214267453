package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver

	"github.com/occ-lang/occ/compiler/value"
)

// SchemaVersion is the version of the ledger's tables this occ writes.
// Older ledgers are migrated to it when opened for writing; newer ones are
// refused.
const SchemaVersion = 2

// migrations[i] takes the tables from version i to version i+1. The SQL
// is the same for SQLite and PostgreSQL.
var migrations = [][]string{
	{
		`CREATE TABLE occ_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
		`CREATE TABLE occ_entries (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, period TEXT NOT NULL,
			on_date TEXT NOT NULL, by_name TEXT NOT NULL, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`,
		`CREATE TABLE occ_lines (entry_seq INTEGER NOT NULL, n INTEGER NOT NULL, line_id TEXT NOT NULL, period TEXT NOT NULL,
			rule TEXT NOT NULL, kind TEXT NOT NULL, line_key TEXT NOT NULL, person TEXT NOT NULL, title TEXT NOT NULL,
			source TEXT NOT NULL, amount TEXT NOT NULL, status TEXT NOT NULL, cause TEXT NOT NULL, PRIMARY KEY (entry_seq, n))`,
		// A period is settled once, whoever commits first.
		`CREATE UNIQUE INDEX occ_one_settlement ON occ_entries (period) WHERE kind = 'settle'`,
		`INSERT INTO occ_meta (name, value) VALUES ('entries', '0')`,
	},
	{
		// Version 2: find a line's history by its id.
		`CREATE INDEX occ_lines_by_id ON occ_lines (line_id)`,
	},
}

// Ledger is an open ledger.
type Ledger struct {
	db       *sql.DB
	postgres bool
	name     string // as given, for messages (a URL without its password)
}

// IsPostgres reports whether a ledger argument names a PostgreSQL
// database rather than a SQLite file.
func IsPostgres(arg string) bool {
	return strings.HasPrefix(arg, "postgres://") || strings.HasPrefix(arg, "postgresql://")
}

// Open opens the ledger arg names: a PostgreSQL URL, or the path of a
// SQLite file. With create, a SQLite file that does not exist is made
// (its directory must exist) and an empty database gets the tables;
// without it, a ledger that does not exist is an error. The tables are
// migrated to SchemaVersion; a ledger of a newer version is refused.
func Open(ctx context.Context, arg string, create bool) (*Ledger, error) {
	l := &Ledger{postgres: IsPostgres(arg), name: arg}
	var err error
	if l.postgres {
		if u, perr := url.Parse(arg); perr == nil {
			l.name = u.Redacted()
		}
		l.db, err = sql.Open("pgx", arg)
	} else {
		if arg == "" {
			return nil, errors.New("no ledger given")
		}
		st, serr := os.Stat(arg)
		switch {
		case serr == nil && st.IsDir():
			return nil, fmt.Errorf("ledger %s is a directory, not a ledger file", arg)
		case serr != nil && !create:
			return nil, fmt.Errorf("no ledger at %s", arg)
		case serr != nil:
			if _, derr := os.Stat(filepath.Dir(arg)); derr != nil {
				return nil, fmt.Errorf("cannot create ledger %s: no directory %s", arg, filepath.Dir(arg))
			}
		}
		// An immediate transaction takes the write lock when it begins,
		// so that two settles never both read the ledger as it was.
		dsn := "file:" + (&url.URL{Path: arg}).EscapedPath() + "?_txlock=immediate&_pragma=busy_timeout(20000)&_pragma=foreign_keys(1)"
		l.db, err = sql.Open("sqlite", dsn)
		l.db.SetMaxOpenConns(1)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open ledger %s: %v", l.name, err)
	}
	if err := l.db.PingContext(ctx); err != nil {
		l.db.Close()
		return nil, fmt.Errorf("cannot open ledger %s: %v", l.name, plain(err))
	}
	if err := l.migrate(ctx, create); err != nil {
		l.db.Close()
		return nil, err
	}
	return l, nil
}

// plain shortens a driver's error to its message.
func plain(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "failed to connect to ")
	return s
}

// Close closes the ledger.
func (l *Ledger) Close() error { return l.db.Close() }

// Name is the ledger as given, a URL without its password.
func (l *Ledger) Name() string { return l.name }

// version returns the schema version of the ledger's tables: 0 for an
// empty database.
func (l *Ledger) version(ctx context.Context, q querier) (int, error) {
	var tables, meta int
	if err := q.QueryRowContext(ctx, l.countTables()).Scan(&tables, &meta); err != nil {
		return 0, fmt.Errorf("cannot read ledger %s: %v", l.name, plain(err))
	}
	if meta == 0 {
		if tables > 0 {
			return 0, fmt.Errorf("%s is not an occ ledger: it has other tables", l.name)
		}
		return 0, nil // an empty database
	}
	var v string
	if err := q.QueryRowContext(ctx, `SELECT value FROM occ_meta WHERE name = 'schema_version'`).Scan(&v); err != nil {
		return 0, fmt.Errorf("%s is not an occ ledger: it has no schema version", l.name)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: schema version %q is not a number", l.name, v)
	}
	return n, nil
}

// countTables is a query counting the database's tables.
func (l *Ledger) countTables() string {
	if l.postgres {
		return `SELECT count(*), count(*) FILTER (WHERE table_name = 'occ_meta') FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	return `SELECT count(*), count(CASE WHEN name = 'occ_meta' THEN 1 END) FROM sqlite_master WHERE type = 'table'`
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// migrate brings the tables to SchemaVersion, in one transaction.
func (l *Ledger) migrate(ctx context.Context, create bool) error {
	v, err := l.version(ctx, l.db)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return fmt.Errorf("ledger %s was made by a newer occ (schema version %d; this occ reads versions up to %d): upgrade occ", l.name, v, SchemaVersion)
	}
	if v == SchemaVersion {
		return nil
	}
	if v == 0 && !create {
		return fmt.Errorf("%s is not an occ ledger: it is empty", l.name)
	}
	tx, err := l.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Read again under the lock: another occ may have migrated it.
	if v, err = l.version(ctx, tx); err != nil {
		return err
	}
	for ; v < SchemaVersion; v++ {
		for _, s := range migrations[v] {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("cannot migrate ledger %s to schema version %d: %v", l.name, v+1, plain(err))
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM occ_meta WHERE name = 'schema_version'`); err != nil {
		return fmt.Errorf("cannot migrate ledger %s: %v", l.name, plain(err))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO occ_meta (name, value) VALUES ('schema_version', $1)`, strconv.Itoa(SchemaVersion)); err != nil {
		return fmt.Errorf("cannot migrate ledger %s: %v", l.name, plain(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("cannot write ledger %s: %v", l.name, plain(err))
	}
	return nil
}

// begin starts a transaction holding the ledger's write lock.
func (l *Ledger) begin(ctx context.Context) (*sql.Tx, error) {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("cannot write ledger %s: %v", l.name, plain(err))
	}
	if l.postgres {
		// A new database has no table to lock: its migration creates
		// them, and a second occ creating them at once fails.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'occ_meta'`).Scan(&n); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("cannot write ledger %s: %v", l.name, plain(err))
		}
		if n > 0 {
			if _, err := tx.ExecContext(ctx, `LOCK TABLE occ_meta IN EXCLUSIVE MODE`); err != nil {
				tx.Rollback()
				return nil, fmt.Errorf("cannot lock ledger %s: %v", l.name, plain(err))
			}
		}
	}
	return tx, nil
}

// Entries reads every entry, with its lines, in order.
func (l *Ledger) Entries(ctx context.Context) ([]*Entry, error) {
	return l.entries(ctx, l.db)
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (l *Ledger) entries(ctx context.Context, q queryer) ([]*Entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, kind, period, on_date, by_name, body, prev_hash, hash FROM occ_entries ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("cannot read ledger %s: %v", l.name, plain(err))
	}
	var out []*Entry
	bySeq := map[int]*Entry{}
	for rows.Next() {
		e := &Entry{}
		var body string
		if err := rows.Scan(&e.Seq, &e.Kind, &e.Period, &e.On, &e.By, &body, &e.Prev, &e.Hash); err != nil {
			rows.Close()
			return nil, fmt.Errorf("cannot read ledger %s: %v", l.name, plain(err))
		}
		if err := e.decodeBody(body); err != nil {
			e.Contract, e.Settlement, e.Dispute, e.Resolution = nil, nil, nil, nil
		}
		out = append(out, e)
		bySeq[e.Seq] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cannot read ledger %s: %v", l.name, plain(err))
	}
	lrows, err := q.QueryContext(ctx, `SELECT entry_seq, line_id, period, rule, kind, line_key, person, title, source, amount, status, cause
		FROM occ_lines ORDER BY entry_seq, n`)
	if err != nil {
		return nil, fmt.Errorf("cannot read ledger %s: %v", l.name, plain(err))
	}
	defer lrows.Close()
	for lrows.Next() {
		var seq int
		var ln Line
		var amount string
		if err := lrows.Scan(&seq, &ln.ID, &ln.Period, &ln.Rule, &ln.Kind, &ln.Key, &ln.Person, &ln.Title, &ln.Source, &amount, &ln.Status, &ln.Cause); err != nil {
			return nil, fmt.Errorf("cannot read ledger %s: %v", l.name, plain(err))
		}
		e := bySeq[seq]
		if e == nil {
			continue // its entry was deleted, which Verify reports
		}
		m, err := value.ParseMoney(amount)
		if err != nil {
			return nil, fmt.Errorf("ledger %s: entry %d, line %s: amount %q is not exact decimal text", l.name, seq, ln.ID, amount)
		}
		ln.Amount = m
		e.Lines = append(e.Lines, ln)
	}
	return out, lrows.Err()
}

// ErrChanged is returned by Append when check refuses the entry.
var ErrChanged = errors.New("the ledger changed")

// Append adds entries in one transaction. Under the ledger's write lock
// it reads the ledger, gives its state to check, which may refuse (its
// error is returned as is), and writes each entry with its lines,
// numbered after the last and chained to its hash. The entries' Seq, Prev
// and Hash are set.
func (l *Ledger) Append(ctx context.Context, check func(*State) error, es ...*Entry) error {
	tx, err := l.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ex := &faultExec{tx: tx, ctx: ctx, after: killAfter()}
	entries, err := l.entries(ctx, tx)
	if err != nil {
		return err
	}
	if err := check(NewState(entries)); err != nil {
		return err
	}
	seq, prev := 0, ""
	if n := len(entries); n > 0 {
		seq, prev = entries[n-1].Seq, entries[n-1].Hash
	}
	for _, e := range es {
		seq++
		e.Seq, e.Prev = seq, prev
		if e.body, err = e.encodeBody(); err != nil {
			return err
		}
		e.Hash = e.hash()
		prev = e.Hash
		if err := ex.exec(`INSERT INTO occ_entries (seq, kind, period, on_date, by_name, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			e.Seq, e.Kind, e.Period, e.On, e.By, e.body, e.Prev, e.Hash); err != nil {
			if isUnique(err) {
				return fmt.Errorf("%s is already settled", e.Period)
			}
			return fmt.Errorf("cannot write ledger %s: %v", l.name, plain(err))
		}
		for i := range e.Lines {
			args := []any{e.Seq, i}
			for _, f := range lineFields(&e.Lines[i]) {
				args = append(args, f)
			}
			if err := ex.exec(`INSERT INTO occ_lines (entry_seq, n, line_id, period, rule, kind, line_key, person, title, source, amount, status, cause)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, args...); err != nil {
				return fmt.Errorf("cannot write ledger %s: %v", l.name, plain(err))
			}
		}
	}
	if err := ex.exec(`UPDATE occ_meta SET value = $1 WHERE name = 'entries'`, strconv.Itoa(seq)); err != nil {
		return fmt.Errorf("cannot write ledger %s: %v", l.name, plain(err))
	}
	if err := tx.Commit(); err != nil {
		if isUnique(err) && len(es) > 0 {
			return fmt.Errorf("%s is already settled", es[len(es)-1].Period)
		}
		return fmt.Errorf("cannot write ledger %s: %v", l.name, plain(err))
	}
	return nil
}

// isUnique reports whether err is a broken uniqueness constraint.
func isUnique(err error) bool {
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint") || strings.Contains(s, "duplicate key") || strings.Contains(s, "SQLSTATE 23505")
}

// killAfter reads OCC_LEDGER_KILL_AFTER, the fault-injection hook: 0 when
// it is not set.
func killAfter() int {
	n, _ := strconv.Atoi(os.Getenv("OCC_LEDGER_KILL_AFTER"))
	return n
}

// faultExec runs the statements of an appending transaction, killing the
// process after the after-th when after is set.
type faultExec struct {
	tx    *sql.Tx
	ctx   context.Context
	after int
	n     int
}

func (f *faultExec) exec(q string, args ...any) error {
	_, err := f.tx.ExecContext(f.ctx, q, args...)
	f.n++
	if f.after > 0 && f.n >= f.after {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	return err
}

// head returns the number of entries the ledger's own count says it has.
func (l *Ledger) head(ctx context.Context) (int, error) {
	var v string
	if err := l.db.QueryRowContext(ctx, `SELECT value FROM occ_meta WHERE name = 'entries'`).Scan(&v); err != nil {
		return 0, fmt.Errorf("cannot read ledger %s: %v", l.name, plain(err))
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("ledger %s: the entry count %q is not a number", l.name, v)
	}
	return n, nil
}
