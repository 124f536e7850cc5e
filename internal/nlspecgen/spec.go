package main

import (
	"fmt"
	"os"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// The subset of the kernel's netlink spec schema (Documentation/netlink/
// genetlink-legacy.yaml and netlink-raw.yaml) that carries facts the
// decoders use. Everything else in a spec (doc text, C code generation
// hints, policies, per-operation attribute lists) is ignored.

type spec struct {
	Name          string       `yaml:"name"`
	Protocol      string       `yaml:"protocol"`
	Definitions   []definition `yaml:"definitions"`
	AttributeSets []attrSet    `yaml:"attribute-sets"`
	SubMessages   []subMessage `yaml:"sub-messages"`
	Operations    operations   `yaml:"operations"`

	// source is where the spec came from, from its "# torvalds/linux
	// <commit>" comment line.
	source string
}

type definition struct {
	Name       string   `yaml:"name"`
	Type       string   `yaml:"type"` // const, enum, flags, struct
	NamePrefix *string  `yaml:"name-prefix"`
	ValueStart int      `yaml:"value-start"`
	Entries    []entry  `yaml:"entries"`
	Members    []member `yaml:"members"`
}

// entry is an enum or flags entry: a bare name, or {name, value}.
type entry struct {
	Name  string
	Value *int
}

func (e *entry) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		e.Name = n.Value
		return nil
	}
	var m struct {
		Name  string `yaml:"name"`
		Value *int   `yaml:"value"`
	}
	if err := n.Decode(&m); err != nil {
		return err
	}
	e.Name, e.Value = m.Name, m.Value
	return nil
}

type member struct {
	Name        string `yaml:"name"`
	Type        string `yaml:"type"`
	Len         int    `yaml:"len"`
	Struct      string `yaml:"struct"`
	Enum        string `yaml:"enum"`
	EnumAsFlags bool   `yaml:"enum-as-flags"`
	ByteOrder   string `yaml:"byte-order"`
	DisplayHint string `yaml:"display-hint"`
}

type attrSet struct {
	Name       string      `yaml:"name"`
	NamePrefix *string     `yaml:"name-prefix"`
	SubsetOf   string      `yaml:"subset-of"`
	Attributes []attribute `yaml:"attributes"`
}

type attribute struct {
	Name             string  `yaml:"name"`
	Type             string  `yaml:"type"`
	Value            *int    `yaml:"value"`
	NamePrefix       *string `yaml:"name-prefix"`
	Struct           string  `yaml:"struct"`
	Enum             string  `yaml:"enum"`
	EnumAsFlags      bool    `yaml:"enum-as-flags"`
	ByteOrder        string  `yaml:"byte-order"`
	DisplayHint      string  `yaml:"display-hint"`
	NestedAttributes string  `yaml:"nested-attributes"`
	SubType          string  `yaml:"sub-type"`
	SubMessage       string  `yaml:"sub-message"`
	Selector         string  `yaml:"selector"`
}

type subMessage struct {
	Name    string `yaml:"name"`
	Formats []struct {
		Value        string `yaml:"value"`
		AttributeSet string `yaml:"attribute-set"`
		FixedHeader  string `yaml:"fixed-header"`
	} `yaml:"formats"`
}

type operations struct {
	EnumModel   string      `yaml:"enum-model"`
	NamePrefix  *string     `yaml:"name-prefix"`
	FixedHeader string      `yaml:"fixed-header"`
	List        []operation `yaml:"list"`
}

type operation struct {
	Name         string     `yaml:"name"`
	Value        *int       `yaml:"value"`
	AttributeSet string     `yaml:"attribute-set"`
	FixedHeader  string     `yaml:"fixed-header"`
	Do           *opMode    `yaml:"do"`
	Dump         *opMode    `yaml:"dump"`
	Notify       string     `yaml:"notify"`
	Event        *yaml.Node `yaml:"event"`
}

type opMode struct {
	Request *opMsg `yaml:"request"`
	Reply   *opMsg `yaml:"reply"`
}

type opMsg struct {
	Value *int `yaml:"value"`
}

var sourceLine = regexp.MustCompile(`(?m)^#\s*(torvalds/linux)\s+([0-9a-f]{40})`)

// load reads and parses one spec file.
func load(path string) (*spec, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s spec
	if err := yaml.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	if m := sourceLine.FindSubmatch(raw); m != nil {
		s.source = string(m[1]) + "@" + string(m[2])
	}
	return &s, nil
}
