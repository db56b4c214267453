package main

// The --set flag of occ eval and occ forecast: NAME=VALUE, repeatable.

import "strings"

// setting is one --set NAME=VALUE: a contract param (or, for occ
// forecast, a scenario var) and its value as written.
type setting struct {
	text  string // NAME=VALUE as given, for messages
	name  string
	value string
}

// parseSet splits the values of --set into settings, in the order given.
func parseSet(flags []string) ([]setting, error) {
	var out []setting
	for _, kv := range flags {
		name, val, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, usageError("--set %q: write NAME=VALUE", kv)
		}
		out = append(out, setting{text: kv, name: strings.TrimSpace(name), value: strings.TrimSpace(val)})
	}
	return out, nil
}
