package main

import (
	"fmt"
	"testing"
)

// TestParseSet: each NAME=VALUE is split at the first =, both sides
// trimmed, in the order given; a value without = is a usage error.
func TestParseSet(t *testing.T) {
	got, err := parseSet([]string{"hourly_rate=£20.00", " achieved = 60% ", "note=a=b"})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{hourly_rate=£20.00 hourly_rate £20.00} { achieved = 60%  achieved 60%} {note=a=b note a=b}]`
	if s := fmt.Sprint(got); s != want {
		t.Errorf("got %s\nwant %s", s, want)
	}
	_, err = parseSet([]string{"a=1", "hourly_rate"})
	ee, ok := err.(*exitError)
	if !ok || ee.code != exitUsage || ee.msg != `--set "hourly_rate": write NAME=VALUE` {
		t.Errorf("got %#v", err)
	}
}
