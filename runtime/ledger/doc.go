// Package ledger is occ's system of record for a contract's money: what
// was paid for each settlement period, what is due now, and why it changed.
//
// A ledger is an append-only log of entries. An entry registers a version
// of the contract (its source text, content hash and the date it takes
// effect), settles a period (every line paid, the hashes of the data files
// it was computed from, the params and who settled it on what date),
// disputes a line or resolves a dispute. Each entry carries the SHA-256 of
// the entry before it and its own hash covers its lines, so Verify finds
// any entry or line edited or deleted behind occ's back, and names it.
//
// Two backends keep the same tables: an embedded SQLite file (the default,
// through the pure-Go modernc.org/sqlite driver) and PostgreSQL (an
// argument starting postgres:// or postgresql://, through pgx). The schema
// is versioned (SchemaVersion) and migrated forward on open; a ledger
// written by a newer occ is refused rather than misread.
//
// What a ledger stores: per line, its stable id (runtime.Line.ID), rule,
// kind, key, person, title, the file and row it was read from and its
// amount as exact decimal text; per settlement, each data file's name,
// data name, record count and SHA-256, and the params. It never stores a
// data row. Keys and persons are whatever the data calls people; to keep
// names or NHS numbers out of the ledger, pseudonymise the key columns of
// the data before evaluating (a keyed hash such as HMAC-SHA-256 of each
// key under a secret the commissioner holds gives the same pseudonym for
// the same person every month, which the ledger needs to match lines).
//
// Due works out what is due for a period: the period's own lines, and a
// prior-period adjustment for every line of an earlier settled period
// whose amount under today's data and the contract version in effect then
// differs from what has been paid for it, so that for every period what
// was paid plus the adjustments equals what the contract now says.
//
// For fault testing only, the environment variable OCC_LEDGER_KILL_AFTER=N
// makes the process kill itself (SIGKILL) after the N-th statement of an
// appending transaction.
package ledger
