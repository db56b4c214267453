package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/occ-lang/occ/compiler/value"
)

// The kinds of entry.
const (
	KindContract = "contract" // a version of the contract registered
	KindSettle   = "settle"   // a period settled
	KindDispute  = "dispute"  // a line held back
	KindResolve  = "resolve"  // a dispute resolved
)

// The statuses of a settled line.
const (
	StatusDue  = "due"  // paid in the settlement
	StatusHeld = "held" // in dispute: shown, not paid
)

// KindPriorPeriod is the kind of a prior-period adjustment line.
const KindPriorPeriod = "prior-period"

// Entry is one entry of the ledger.
type Entry struct {
	Seq    int    // 1, 2, ... in the order appended
	Kind   string // KindContract, KindSettle, KindDispute or KindResolve
	Period string // the period settled; "" for other kinds
	On     string // the date it was made, ISO, as given or today
	By     string // who made it, as given; "" when not given

	Contract   *ContractVersion `json:",omitempty"`
	Settlement *Settlement      `json:",omitempty"`
	Dispute    *Dispute         `json:",omitempty"`
	Resolution *Resolution      `json:",omitempty"`

	// Lines are a settlement's lines; other entries have none.
	Lines []Line `json:"-"`

	// Prev is the hash of the entry before, "" for the first; Hash is
	// this entry's (see hash).
	Prev, Hash string `json:"-"`
	// body is the entry's JSON as stored, which its hash covers.
	body string
}

// ContractVersion is a registered version of the contract.
type ContractVersion struct {
	Version   int
	Hash      string // compiler.Contract.Hash
	Effective string // ISO date from which it applies, by a period's start
	Title     string
	Reference string `json:",omitempty"`
	// Commissioner is the contract's payer; Currency and MinorUnits its
	// money.
	Commissioner string
	Currency     string
	MinorUnits   int32
	// Files are the contract's source files, by base name, from which
	// a period under this version is recomputed.
	Files []SourceFile
}

// SourceFile is one source file of a contract version.
type SourceFile struct {
	Name string
	Text string
}

// Settlement is what a settle entry records beside its lines.
type Settlement struct {
	Number       int    // the statement number: the period's place in the term
	From, To     string // the period's dates, ISO
	Version      int    // the contract version the period was computed under
	ContractHash string
	Data         []DataFile
	Params       []Param
	// Recomputed says under which version each earlier settled period
	// was recomputed for this settlement.
	Recomputed []PeriodVersion `json:",omitempty"`
	// Current, Adjustments and Held total the lines by status; Total is
	// what the settlement pays, Current plus Adjustments. Exact decimal
	// text.
	Current, Adjustments, Held, Total string
}

// DataFile identifies a data file a settlement read; it holds no data.
type DataFile struct {
	Path    string
	Schema  string
	Records int
	SHA256  string
}

// Param is a param's value in a settlement.
type Param struct {
	Name  string
	Value string
	Set   bool `json:",omitempty"` // given with --set
}

// PeriodVersion is a period and a contract version.
type PeriodVersion struct {
	Period  string
	Version int
}

// Dispute holds a line back.
type Dispute struct {
	LineID string
	Reason string
}

// The outcomes of a dispute.
const (
	Accept = "accept"
	Reject = "reject"
	Agree  = "agree"
)

// Resolution ends a dispute.
type Resolution struct {
	LineID  string
	Outcome string // Accept, Reject or Agree
	Amount  string `json:",omitempty"` // the agreed amount, for Agree
}

// Line is a line of a settlement.
type Line struct {
	ID     string // runtime.Line.ID of the line in its own period
	Period string // the line's own period (for an adjustment, the original)
	Rule   string
	Kind   string // the rule's kind, or KindPriorPeriod
	Key    string
	Person string
	Title  string
	Source string
	Amount value.Money
	Status string // StatusDue or StatusHeld
	Cause  string // why an adjustment is due; "" for a current line
}

// encodeBody returns the JSON the entry's body is stored as.
func (e *Entry) encodeBody() (string, error) {
	b, err := json.Marshal(struct {
		Contract   *ContractVersion `json:",omitempty"`
		Settlement *Settlement      `json:",omitempty"`
		Dispute    *Dispute         `json:",omitempty"`
		Resolution *Resolution      `json:",omitempty"`
	}{e.Contract, e.Settlement, e.Dispute, e.Resolution})
	return string(b), err
}

// decodeBody fills the entry from its stored body.
func (e *Entry) decodeBody(body string) error {
	e.body = body
	return json.Unmarshal([]byte(body), e)
}

// lineFields are a line's columns as stored, in order.
func lineFields(l *Line) []string {
	return []string{l.ID, l.Period, l.Rule, l.Kind, l.Key, l.Person, l.Title, l.Source, l.Amount.String(), l.Status, l.Cause}
}

// hash returns the SHA-256 the entry must carry: over its number, kind,
// period, date, author, body, the hash before it and every line.
func (e *Entry) hash() string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field("occ ledger entry")
	for _, s := range []string{strconv.Itoa(e.Seq), e.Kind, e.Period, e.On, e.By, e.body, e.Prev} {
		field(s)
	}
	field(strconv.Itoa(len(e.Lines)))
	for i := range e.Lines {
		for _, s := range lineFields(&e.Lines[i]) {
			field(s)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Describe says what an entry is, in a few words: "settle 2026-05",
// "contract version 2 effective 2026-04-01".
func (e *Entry) Describe() string {
	switch {
	case e.Contract != nil:
		return fmt.Sprintf("contract version %d effective %s (sha256 %s)", e.Contract.Version, e.Contract.Effective, short(e.Contract.Hash))
	case e.Settlement != nil:
		return fmt.Sprintf("settle %s under version %d: %d lines, total %s", e.Period, e.Settlement.Version, len(e.Lines), e.Settlement.Total)
	case e.Dispute != nil:
		return fmt.Sprintf("dispute %s: %s", e.Dispute.LineID, e.Dispute.Reason)
	case e.Resolution != nil:
		r := e.Resolution
		if r.Outcome == Agree {
			return fmt.Sprintf("resolve %s: agreed at %s", r.LineID, r.Amount)
		}
		return fmt.Sprintf("resolve %s: %sed", r.LineID, strings.TrimSuffix(r.Outcome, "e"))
	}
	return e.Kind
}

// short is the first twelve digits of a hash.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
