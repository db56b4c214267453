package lsp_test

// The server tested at the protocol level: a client that speaks JSON-RPC
// with Content-Length framing runs a session with lsp.Serve over a pair of
// pipes, on the real contract in specs/individual-outcomes. The client has
// its own framing and decodes answers into maps, so that it checks the
// wire format rather than the server's own types. Every expected position
// is worked out from the spec's text, which the test quotes and checks
// first, so that a change to the spec fails loudly rather than silently.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/occ-lang/occ/cmd/occ/lsp"
)

// client is the test's end of a session.
type client struct {
	t      *testing.T
	w      io.WriteCloser
	msgs   chan map[string]any // every message from the server, in order
	queue  []map[string]any    // notifications read while awaiting a response
	nextID int
	done   chan error // what Serve returned
}

// start runs a server on pipes and returns a client for it.
func start(t *testing.T) *client {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &client{t: t, w: inW, msgs: make(chan map[string]any, 4096), done: make(chan error, 1)}
	go func() {
		err := lsp.Serve(context.Background(), inR, outW)
		outW.Close()
		c.done <- err
	}()
	go func() {
		defer close(c.msgs)
		r := bufio.NewReader(outR)
		for {
			m, err := readFrame(r)
			if err != nil {
				if err != io.EOF {
					c.msgs <- map[string]any{"readError": err.Error()}
				}
				return
			}
			c.msgs <- m
		}
	}()
	t.Cleanup(func() { inW.Close(); outR.Close() })
	return c
}

// readFrame reads one framed message: headers, a blank line, the body.
func readFrame(r *bufio.Reader) (map[string]any, error) {
	n := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		if !strings.HasSuffix(line, "\r\n") {
			return nil, fmt.Errorf("header line %q does not end in CRLF", line)
		}
		line = strings.TrimSuffix(line, "\r\n")
		if line == "" {
			break
		}
		v, ok := strings.CutPrefix(line, "Content-Length: ")
		if !ok {
			return nil, fmt.Errorf("unexpected header %q", line)
		}
		if n, err = strconv.Atoi(v); err != nil {
			return nil, err
		}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("body %q: %v", body, err)
	}
	if m["jsonrpc"] != "2.0" {
		return nil, fmt.Errorf("message without jsonrpc 2.0: %s", body)
	}
	return m, nil
}

// write sends a message with the client's own framing.
func (c *client) write(m map[string]any) {
	c.t.Helper()
	m["jsonrpc"] = "2.0"
	b, err := json.Marshal(m)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(b), b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	c.write(map[string]any{"method": method, "params": params})
}

// next returns the next message from the server.
func (c *client) next() map[string]any {
	c.t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.t.Fatal("the server closed its output")
		}
		if e, ok := m["readError"]; ok {
			c.t.Fatalf("reading from the server: %v", e)
		}
		return m
	case <-time.After(20 * time.Second):
		c.t.Fatal("no message from the server in 20s")
	}
	return nil
}

// callFull sends a request and returns its whole response, keeping the
// notifications that come before it.
func (c *client) callFull(method string, params any) map[string]any {
	c.t.Helper()
	c.nextID++
	id := c.nextID
	m := map[string]any{"id": id, "method": method}
	if params != nil {
		m["params"] = params
	}
	c.write(m)
	for {
		r := c.next()
		if _, isNote := r["method"]; isNote {
			c.queue = append(c.queue, r)
			continue
		}
		if r["id"] != float64(id) {
			c.t.Fatalf("%s: response to id %v, want %d: %v", method, r["id"], id, r)
		}
		return r
	}
}

// call sends a request and returns its result, failing on an error.
func (c *client) call(method string, params any) any {
	c.t.Helper()
	r := c.callFull(method, params)
	if e, ok := r["error"]; ok {
		c.t.Fatalf("%s: error %v", method, e)
	}
	res, ok := r["result"]
	if !ok {
		c.t.Fatalf("%s: a response with neither result nor error: %v", method, r)
	}
	return res
}

// diagnostics returns the next diagnostics published for uri, skipping
// those published for other files.
func (c *client) diagnostics(uri string) []any {
	c.t.Helper()
	for {
		var m map[string]any
		if len(c.queue) > 0 {
			m, c.queue = c.queue[0], c.queue[1:]
		} else {
			m = c.next()
		}
		if m["method"] != "textDocument/publishDiagnostics" {
			c.t.Fatalf("waiting for diagnostics, got %v", m)
		}
		p := m["params"].(map[string]any)
		if p["uri"] == uri {
			return p["diagnostics"].([]any)
		}
	}
}

// A position as the protocol writes it.
func pos(line, char int) map[string]any { return map[string]any{"line": line, "character": char} }

func rng(l1, c1, l2, c2 int) map[string]any {
	return map[string]any{"start": pos(l1, c1), "end": pos(l2, c2)}
}

// sameJSON reports whether a decoded value equals what want encodes to.
func sameJSON(got, want any) bool {
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	var x, y any
	json.Unmarshal(a, &x)
	json.Unmarshal(b, &y)
	a, _ = json.Marshal(x)
	b, _ = json.Marshal(y)
	return string(a) == string(b)
}

func fileURI(t *testing.T, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

// spec reads a spec file and checks that its 0-based lines are as the test
// expects them.
func spec(t *testing.T, path string, lines map[int]string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Split(string(b), "\n")
	for n, want := range lines {
		if n >= len(all) || all[n] != want {
			t.Fatalf("%s line %d (0-based) is not %q; the spec changed, so the positions below need working out again", path, n, want)
		}
	}
	return string(b)
}

func TestSession(t *testing.T) {
	const contractPath = "../../../specs/individual-outcomes/contract.occ"
	const testPath = "../../../specs/individual-outcomes/contract_test.occ"
	src := spec(t, contractPath, map[int]string{
		18: `param hourly_rate "Price per delivered hour" = £19.60`,
		33: `  actual_hours  decimal 0 .. 400`,
		47: `  for    review`,
		48: `  amount = review.actual_hours * hourly_rate`,
		53: `incentive goal_fee "Goal achieved" {`,
		76: `  basis = (review.planned_hours - review.actual_hours) * hourly_rate`,
		80: `cap outcome_cap "Outcome-linked payments at most 15% of hours paid" {`,
		82: `  covers goal_fee, satisfied, reduced_package`,
		89: `}`,
		90: ``, // the file ends with a newline
	})
	testSrc := spec(t, testPath, map[int]string{
		11:  `  expect line goal_fee "P1/G1" == £300.00`,
		12:  `  expect line goal_fee "P2/G1" == £240.00`,
		13:  `  expect no line goal_fee "P3/G1"`,
		49:  `  expect line goal_fee "Q1/G1" == £300.00`,
		50:  `  expect line goal_fee "Q1/G2" == £240.00`,
		67:  `  expect line goal_fee "Q2/G1" == £240.00`,
		190: `  expect line goal_fee "C1/G1" == £240.00`,
		191: `  expect no line goal_fee "C1/G2"`,
	})
	uri, testURI := fileURI(t, contractPath), fileURI(t, testPath)
	c := start(t)

	// Initialize: the capabilities the server offers.
	init := c.call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}).(map[string]any)
	caps := init["capabilities"].(map[string]any)
	for _, k := range []string{"hoverProvider", "definitionProvider", "referencesProvider", "documentFormattingProvider", "documentSymbolProvider"} {
		if caps[k] != true {
			t.Errorf("capability %s = %v, want true", k, caps[k])
		}
	}
	if caps["positionEncoding"] != "utf-16" {
		t.Errorf("positionEncoding = %v, want utf-16", caps["positionEncoding"])
	}
	if sync := caps["textDocumentSync"].(map[string]any); sync["change"] != float64(2) || sync["openClose"] != true {
		t.Errorf("textDocumentSync = %v, want incremental changes and open/close", sync)
	}
	if trig := caps["completionProvider"].(map[string]any)["triggerCharacters"]; !sameJSON(trig, []string{"."}) {
		t.Errorf("completion trigger characters = %v, want [.]", trig)
	}
	if init["serverInfo"].(map[string]any)["name"] != "occ" {
		t.Errorf("serverInfo = %v", init["serverInfo"])
	}
	c.notify("initialized", map[string]any{})

	// Opening the contract publishes its diagnostics, and its test file's,
	// both clean.
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "occ", "version": 1, "text": src}})
	if d := c.diagnostics(uri); len(d) != 0 {
		t.Fatalf("the spec has diagnostics: %v", d)
	}
	if d := c.diagnostics(testURI); len(d) != 0 {
		t.Fatalf("the spec's tests have diagnostics: %v", d)
	}

	t.Run("diagnostics", func(t *testing.T) {
		c.t = t
		// Append ` * nope` to line 18. The line is 54 bytes but 53 UTF-16
		// units: `param hourly_rate ` (18), the quoted title (26), ` = ` (3)
		// and `£19.60` (6, £ being one unit).
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": 2},
			"contentChanges": []any{map[string]any{"range": rng(18, 53, 18, 53), "text": " * nope"}},
		})
		diags := c.diagnostics(uri)
		// `nope` starts after the 53 units and ` * `: character 56 to 60.
		var found map[string]any
		for _, d := range diags {
			d := d.(map[string]any)
			if d["severity"] != float64(1) || d["source"] != "occ" {
				t.Errorf("diagnostic %v: want an error from occ", d)
			}
			if sameJSON(d["range"], rng(18, 56, 18, 60)) {
				found = d
			}
		}
		if found == nil {
			t.Fatalf("no diagnostic at 18:56-18:60 (after the £) among %v", diags)
		}
		if found["code"] != "undefined" {
			t.Errorf("code = %v, want undefined", found["code"])
		}
		msg := found["message"].(string)
		if !strings.Contains(msg, `unknown name "nope"`) || !strings.Contains(msg, "\nhint: write a literal") {
			t.Errorf("message %q: want the unknown name and the hint", msg)
		}
		if d := c.diagnostics(testURI); len(d) != 0 {
			t.Errorf("the test file has diagnostics: %v", d)
		}

		// Take the seven characters out again: the list is empty.
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": 3},
			"contentChanges": []any{map[string]any{"range": rng(18, 53, 18, 60), "text": ""}},
		})
		if d := c.diagnostics(uri); len(d) != 0 {
			t.Errorf("after the fix: %v, want none", d)
		}
		c.diagnostics(testURI)
	})

	hoverText := func(t *testing.T, u string, line, char int, wantRange map[string]any, want ...string) {
		t.Helper()
		h, ok := c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": u}, "position": pos(line, char)}).(map[string]any)
		if !ok {
			t.Fatalf("no hover at %d:%d", line, char)
		}
		contents := h["contents"].(map[string]any)
		if contents["kind"] != "markdown" {
			t.Errorf("hover kind %v", contents["kind"])
		}
		text := contents["value"].(string)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("hover at %d:%d is %q, without %q", line, char, text, w)
			}
		}
		if !sameJSON(h["range"], wantRange) {
			t.Errorf("hover range at %d:%d = %v, want %v", line, char, h["range"], wantRange)
		}
	}

	t.Run("hover", func(t *testing.T) {
		c.t = t
		// Line 48: `  amount = ` is 11 characters; review is 11-17, the dot
		// 17, actual_hours 18-30, ` * ` and hourly_rate 33-44.
		hoverText(t, uri, 48, 20, rng(48, 18, 48, 30), "review.actual_hours", "`decimal`", "from 0 to 400")
		hoverText(t, uri, 48, 40, rng(48, 33, 48, 44), "**param** `hourly_rate`", "Price per delivered hour", "£19.60", "money, in GBP")
		// The cursor just after a name still finds it.
		hoverText(t, uri, 48, 44, rng(48, 33, 48, 44), "hourly_rate")
		// `cap ` is 4: outcome_cap is 4-15. A cap runs per period, which in
		// a monthly contract is per month.
		hoverText(t, uri, 80, 6, rng(80, 4, 80, 15), "**cap** `outcome_cap`", "scope: per period, here per month", "covers `goal_fee`")
		// `incentive ` is 10: goal_fee is 10-18.
		hoverText(t, uri, 53, 12, rng(53, 10, 53, 18), "**incentive** `goal_fee` — Goal achieved", "scope: for goal")
		// In the test file: `  expect line ` is 14, goal_fee 14-22.
		hoverText(t, testURI, 11, 14, rng(11, 14, 11, 22), "**incentive** `goal_fee`")
		// Line 47, `  for    review`: the schema, at 9-15.
		hoverText(t, uri, 47, 10, rng(47, 9, 47, 15), "**data** `review`", "One monthly review", "`actual_hours`")
		// Nothing to say about a keyword.
		if h := c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(48, 4)}); h != nil {
			t.Errorf("hover on `amount` = %v, want null", h)
		}
	})

	t.Run("definition", func(t *testing.T) {
		c.t = t
		def := func(u string, line, char int) any {
			return c.call("textDocument/definition", map[string]any{"textDocument": map[string]any{"uri": u}, "position": pos(line, char)})
		}
		// hourly_rate on line 48 is declared on line 18 at 6-17.
		if got, want := def(uri, 48, 35), []any{map[string]any{"uri": uri, "range": rng(18, 6, 18, 17)}}; !sameJSON(got, want) {
			t.Errorf("definition of hourly_rate = %v, want %v", got, want)
		}
		// actual_hours is declared on line 33 at 2-14.
		if got, want := def(uri, 48, 25), []any{map[string]any{"uri": uri, "range": rng(33, 2, 33, 14)}}; !sameJSON(got, want) {
			t.Errorf("definition of review.actual_hours = %v, want %v", got, want)
		}
		// From the test file to the contract: goal_fee on line 51 at 10-18.
		if got, want := def(testURI, 12, 16), []any{map[string]any{"uri": uri, "range": rng(53, 10, 53, 18)}}; !sameJSON(got, want) {
			t.Errorf("definition of goal_fee from the tests = %v, want %v", got, want)
		}
	})

	t.Run("references", func(t *testing.T) {
		c.t = t
		refs := func(line, char int, decl bool) any {
			return c.call("textDocument/references", map[string]any{
				"textDocument": map[string]any{"uri": uri}, "position": pos(line, char),
				"context": map[string]any{"includeDeclaration": decl}})
		}
		// hourly_rate: read on line 48 at 33-44 and on line 76, where
		// `  basis = (review.planned_hours - review.actual_hours) * ` is 57.
		uses := []any{
			map[string]any{"uri": uri, "range": rng(48, 33, 48, 44)},
			map[string]any{"uri": uri, "range": rng(76, 57, 76, 68)},
		}
		if got := refs(18, 8, false); !sameJSON(got, uses) {
			t.Errorf("references to hourly_rate = %v, want %v", got, uses)
		}
		withDecl := append([]any{map[string]any{"uri": uri, "range": rng(18, 6, 18, 17)}}, uses...)
		if got := refs(48, 35, true); !sameJSON(got, withDecl) {
			t.Errorf("references to hourly_rate with its declaration = %v, want %v", got, withDecl)
		}
		// goal_fee: declared on line 53, covered on line 82 (`  covers ` is
		// 9), and expected in the test file: `  expect line ` is 14 and
		// `  expect no line ` 17.
		want := []any{
			map[string]any{"uri": uri, "range": rng(53, 10, 53, 18)},
			map[string]any{"uri": uri, "range": rng(82, 9, 82, 17)},
		}
		for _, l := range []struct{ line, char int }{{11, 14}, {12, 14}, {13, 17}, {49, 14}, {50, 14}, {67, 14}, {190, 14}, {191, 17}} {
			want = append(want, map[string]any{"uri": testURI, "range": rng(l.line, l.char, l.line, l.char+8)})
		}
		if got := refs(82, 12, true); !sameJSON(got, want) {
			t.Errorf("references to goal_fee =\n%v\nwant\n%v", got, want)
		}
	})

	labels := func(res any) []string {
		var out []string
		for _, it := range res.(map[string]any)["items"].([]any) {
			out = append(out, it.(map[string]any)["label"].(string))
		}
		return out
	}

	t.Run("completion", func(t *testing.T) {
		c.t = t
		// Type a new line `  when   review.` after line 47, `  for    review`,
		// and complete after the dot. The expression does not compile yet.
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": 4},
			"contentChanges": []any{map[string]any{"range": rng(48, 0, 48, 0), "text": "  when   review.\n"}},
		})
		if d := c.diagnostics(uri); len(d) == 0 {
			t.Errorf("`when review.` has no diagnostic")
		}
		c.diagnostics(testURI)
		res := c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(48, 16)})
		// The fields of data review, lines 30 to 36, in order.
		want := []string{"person", "month", "planned_hours", "actual_hours", "missed_visits", "satisfaction", "goals"}
		if got := labels(res); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("completion after `review.` = %v, want %v", got, want)
		}
		first := res.(map[string]any)["items"].([]any)[0].(map[string]any)
		if first["kind"] != float64(5) || first["detail"] != "`text`, key" {
			t.Errorf("the person item = %v, want a field (5) with its type", first)
		}

		// At the start of a line in the payment's block: its clauses.
		res = c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(48, 2)})
		if got := strings.Join(labels(res), " "); got != "for per once when amount instalments split due" {
			t.Errorf("completion of a payment's clause = %q", got)
		}
		// In the amount (now line 49), after `amount = `: names, among
		// them the params and the rules but not the payment itself.
		res = c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(49, 11)})
		got := " " + strings.Join(labels(res), " ") + " "
		for _, w := range []string{"hourly_rate", "review", "goal_fee", "sum", "count"} {
			if !strings.Contains(got, " "+w+" ") {
				t.Errorf("completion in an amount lacks %s: %s", w, got)
			}
		}
		if strings.Contains(got, " hours ") || strings.Contains(got, " period_start ") {
			t.Errorf("completion in payment hours, for review, offers itself or a period's names: %s", got)
		}

		// Open a block that is never closed: the file no longer parses,
		// but completion still knows review's fields, from the last time
		// it did. Hover, which needs positions, says nothing meanwhile.
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": 5},
			"contentChanges": []any{map[string]any{"range": rng(91, 0, 91, 0), "text": "flag f {\n  when review."}},
		})
		if d := c.diagnostics(uri); len(d) != 1 || d[0].(map[string]any)["code"] != "syntax" {
			t.Errorf("an unclosed block: %v, want one syntax error", d)
		}
		c.diagnostics(testURI)
		res = c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(92, 14)})
		if got := labels(res); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("completion after `review.` in a file that does not parse = %v, want %v", got, want)
		}
		if h := c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(49, 40)}); h != nil {
			t.Errorf("hover in a file that does not parse = %v, want null", h)
		}

		// Take the lines out again.
		c.notify("textDocument/didChange", map[string]any{
			"textDocument": map[string]any{"uri": uri, "version": 6},
			"contentChanges": []any{
				map[string]any{"range": rng(91, 0, 92, 14), "text": ""},
				map[string]any{"range": rng(48, 0, 49, 0), "text": ""},
			},
		})
		if d := c.diagnostics(uri); len(d) != 0 {
			t.Errorf("after taking the line out: %v", d)
		}
		c.diagnostics(testURI)
	})

	t.Run("formatting", func(t *testing.T) {
		c.t = t
		// Replace the whole text with one whose `for` is out of line.
		messy := strings.Replace(src, "\n  for    review\n  amount = review.actual_hours", "\nfor review\n  amount = review.actual_hours", 1)
		if messy == src {
			t.Fatal("the spec has no `for review` to disturb")
		}
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": 8},
			"contentChanges": []any{map[string]any{"text": messy}},
		})
		if d := c.diagnostics(uri); len(d) != 0 {
			t.Errorf("the misaligned text has diagnostics: %v", d)
		}
		c.diagnostics(testURI)
		format := func() []any {
			return c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri},
				"options": map[string]any{"tabSize": 2, "insertSpaces": true}}).([]any)
		}
		edits := format()
		// One edit over the whole text, which has 90 lines and a final
		// newline, so it ends at line 90, character 0; the spec is in the
		// canonical layout, so the new text is the spec's.
		if len(edits) != 1 {
			t.Fatalf("formatting gave %d edits, want 1", len(edits))
		}
		e := edits[0].(map[string]any)
		if !sameJSON(e["range"], rng(0, 0, 90, 0)) {
			t.Errorf("the edit's range = %v, want the whole text", e["range"])
		}
		if e["newText"] != src {
			t.Errorf("the formatted text is not the spec's")
		}
		// Once formatted, there is nothing to change.
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": 9},
			"contentChanges": []any{map[string]any{"text": src}},
		})
		c.diagnostics(uri)
		c.diagnostics(testURI)
		if edits := format(); len(edits) != 0 {
			t.Errorf("formatting a formatted file gave %v", edits)
		}
	})

	t.Run("documentSymbol", func(t *testing.T) {
		c.t = t
		syms := c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": uri}}).([]any)
		var names []string
		for _, s := range syms {
			names = append(names, s.(map[string]any)["name"].(string))
		}
		want := "Help to Live at Home: individual outcomes " +
			"hourly_rate outcome_fee quick_bonus quick_within satisfaction_reward satisfied_from missed_allowance missed_rate provider_share outcome_cap_rate " +
			"review goal hours goal_fee satisfied missed reduced_package outcome_cap feasibility"
		if got := strings.Join(names, " "); got != want {
			t.Fatalf("symbols = %q, want %q", got, want)
		}
		// data review: lines 29 to 37, the name at 5-11, its seven fields.
		review := syms[11].(map[string]any)
		if review["kind"] != float64(23) || !sameJSON(review["range"], rng(29, 0, 37, 1)) || !sameJSON(review["selectionRange"], rng(29, 5, 29, 11)) {
			t.Errorf("review symbol = %v", review)
		}
		if kids := review["children"].([]any); len(kids) != 7 || kids[3].(map[string]any)["name"] != "actual_hours" ||
			!sameJSON(kids[3].(map[string]any)["selectionRange"], rng(33, 2, 33, 14)) {
			t.Errorf("review's fields = %v", kids)
		}
		// incentive goal_fee: a function (12), lines 51 to 57.
		gf := syms[14].(map[string]any)
		if gf["kind"] != float64(12) || gf["detail"] != "incentive — Goal achieved" || !sameJSON(gf["range"], rng(53, 0, 59, 1)) {
			t.Errorf("goal_fee symbol = %v", gf)
		}
	})

	t.Run("testFile", func(t *testing.T) {
		c.t = t
		// Opening the test file: its contract is found beside it.
		c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
			"uri": testURI, "languageId": "occ", "version": 1, "text": testSrc}})
		if d := c.diagnostics(uri); len(d) != 0 {
			t.Errorf("contract: %v", d)
		}
		if d := c.diagnostics(testURI); len(d) != 0 {
			t.Errorf("tests: %v", d)
		}
		// Closing the contract keeps the test file's contract loaded from
		// disk; closing both clears the diagnostics.
		c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
		c.diagnostics(uri)
		c.diagnostics(testURI)
		c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": testURI}})
		if d := c.diagnostics(uri); len(d) != 0 {
			t.Errorf("after closing: %v", d)
		}
		if d := c.diagnostics(testURI); len(d) != 0 {
			t.Errorf("after closing: %v", d)
		}
	})
	c.t = t

	// Shutdown answers null; after it, requests are refused; exit ends the
	// session with no error.
	r := c.callFull("shutdown", nil)
	if res, ok := r["result"]; !ok || res != nil {
		t.Errorf("shutdown = %v, want a null result", r)
	}
	r = c.callFull("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(0, 0)})
	if e, _ := r["error"].(map[string]any); e == nil || e["code"] != float64(-32600) {
		t.Errorf("a request after shutdown = %v, want error -32600", r)
	}
	c.notify("exit", nil)
	select {
	case err := <-c.done:
		if err != nil {
			t.Errorf("Serve returned %v after shutdown and exit", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not stop after exit")
	}
	if m, ok := <-c.msgs; ok {
		t.Errorf("a message after exit: %v", m)
	}
}

// The errors of the protocol: a request before initialize, an unknown
// method, a message that is not JSON, and exit without shutdown.
func TestProtocolErrors(t *testing.T) {
	c := start(t)
	code := func(r map[string]any) any {
		e, _ := r["error"].(map[string]any)
		return e["code"]
	}
	if r := c.callFull("textDocument/hover", map[string]any{}); code(r) != float64(-32002) {
		t.Errorf("before initialize: %v, want -32002", r)
	}
	c.call("initialize", map[string]any{"capabilities": map[string]any{}})
	if r := c.callFull("initialize", map[string]any{"capabilities": map[string]any{}}); code(r) != float64(-32600) {
		t.Errorf("a second initialize: %v, want -32600", r)
	}
	if r := c.callFull("textDocument/semanticTokens/full", map[string]any{}); code(r) != float64(-32601) {
		t.Errorf("an unknown method: %v, want -32601", r)
	}
	if r := c.callFull("textDocument/hover", "not an object"); code(r) != float64(-32602) {
		t.Errorf("bad params: %v, want -32602", r)
	}
	// A string id is kept as it is.
	c.write(map[string]any{"id": "abc", "method": "shutdown"})
	if r := c.next(); r["id"] != "abc" {
		t.Errorf("response to a string id: %v", r)
	}
	fmt.Fprintf(c.w, "Content-Length: 5\r\n\r\n{bad}")
	if r := c.next(); code(r) != float64(-32700) || r["id"] != nil {
		t.Errorf("a message that is not JSON: %v, want -32700 with a null id", r)
	}
	// The shutdown above counts: exit ends the session cleanly.
	c.notify("exit", nil)
	if err := <-c.done; err != nil {
		t.Errorf("exit after shutdown: %v", err)
	}
}

// Exit without shutdown ends the session with ErrNoShutdown.
func TestExitWithoutShutdown(t *testing.T) {
	c := start(t)
	c.call("initialize", map[string]any{"capabilities": map[string]any{}})
	c.notify("exit", nil)
	if err := <-c.done; !errors.Is(err, lsp.ErrNoShutdown) {
		t.Errorf("Serve = %v, want ErrNoShutdown", err)
	}
}
