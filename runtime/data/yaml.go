package data

import (
	"fmt"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"github.com/occ-lang/occ/compiler"
)

// parseYAML parses the file into fs.yaml; it reports syntax errors.
func (l *loader) parseYAML(fs *fileState) bool {
	if fs.yaml != nil {
		return true
	}
	var root yaml.Node
	if err := yaml.Unmarshal(fs.doc, &root); err != nil {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "yaml: ")
		line := 0
		if strings.HasPrefix(msg, "line ") {
			rest := msg[len("line "):]
			if i := strings.IndexByte(rest, ':'); i > 0 {
				if n, err := strconv.Atoi(rest[:i]); err == nil {
					line = n
					msg = strings.TrimSpace(rest[i+1:])
				}
			}
		}
		l.report(fs, problem{code: "bad-yaml", row: line, msg: "invalid YAML: " + msg}, 0)
		return false
	}
	fs.yaml = &root
	return true
}

// ResolveYAML follows YAML aliases to the node they stand for.
func ResolveYAML(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// yamlSeq returns the sequence of records in a parsed YAML document.
func yamlSeq(root *yaml.Node) *yaml.Node {
	n := ResolveYAML(root)
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = ResolveYAML(n.Content[0])
	}
	return n
}

func yamlFirstKeys(root *yaml.Node) []string {
	n := yamlSeq(root)
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil
	}
	m := ResolveYAML(n.Content[0])
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var keys []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		keys = append(keys, m.Content[i].Value)
	}
	return keys
}

// DescribeYAML says in words what a YAML node is, for a message that says
// what was found instead of what was expected: "a mapping", "a list",
// "nothing", or the scalar quoted (at most its first 40 characters).
func DescribeYAML(n *yaml.Node) string {
	switch {
	case n == nil || n.Kind == 0:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return "nothing"
	case n.Kind == yaml.ScalarNode:
		return quote(n.Value)
	}
	return "something else"
}

func (l *loader) loadYAML(fs *fileState) {
	if !l.parseYAML(fs) {
		return
	}
	s := fs.schema
	seq := yamlSeq(fs.yaml)
	if seq == nil || seq.Kind == 0 || (seq.Kind == yaml.ScalarNode && seq.Tag == "!!null") {
		l.report(fs, problem{code: "empty-file", msg: fmt.Sprintf("the file is empty; expected a list of %s records", s.Name)}, 0)
		return
	}
	if seq.Kind != yaml.SequenceNode {
		l.report(fs, problem{code: "bad-record", row: seq.Line, msg: fmt.Sprintf("expected a list of %s records, found %s", s.Name, DescribeYAML(seq))}, 0)
		return
	}
	for i, item := range seq.Content {
		item = ResolveYAML(item)
		path := fmt.Sprintf("[%d]", i)
		if item.Kind != yaml.MappingNode {
			l.report(fs, problem{code: "bad-record", row: item.Line, column: path, msg: fmt.Sprintf("expected a %s record (a mapping), found %s", s.Name, DescribeYAML(item))}, 0)
			continue
		}
		n, anc, ancOK := l.yamlRecord(fs, s, item, path, true)
		fs.info.Records++
		l.commit(fs, n, anc, ancOK)
	}
}

func (l *loader) yamlRecord(fs *fileState, s *compiler.Schema, m *yaml.Node, path string, top bool) (*node, []ref.Val, bool) {
	b := l.newBuilder(fs, s, path, m.Line, top)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := ResolveYAML(m.Content[i]), ResolveYAML(m.Content[i+1])
		name := k.Value
		t, ok := b.key(name)
		if !ok {
			continue
		}
		switch v.Kind {
		case yaml.ScalarNode:
			b.scalar(t, name, v.Value, v.Tag == "!!null")
		case yaml.SequenceNode:
			if t.f.Kind != compiler.ListField || t.f.Elem == nil {
				b.mismatch(t, name, "a list")
				continue
			}
			p := b.path(name)
			for i, e := range v.Content {
				e = ResolveYAML(e)
				ep := fmt.Sprintf("%s[%d]", p, i)
				if e.Kind != yaml.MappingNode {
					b.err("bad-record", ep, b.info.fieldName(t), "", fmt.Sprintf("expected a %s record (a mapping), found %s", t.f.Elem.Name, DescribeYAML(e)))
					continue
				}
				kid, _, _ := l.yamlRecord(fs, t.f.Elem, e, ep, false)
				b.n.kids = append(b.n.kids, kid)
			}
		default:
			b.mismatch(t, name, DescribeYAML(v))
		}
	}
	return b.finish()
}
