// Package golden holds answers recorded from a real MISP (testdata/*.json) and the small machinery shared by
// the tests that use them: the file format, the normaliser that replaces volatile values by stable
// placeholders, a runner that sends a recorded request sequence to a server, and a comparison of JSON shapes.
//
// It imports neither the client (internal/misp) nor the emulator (internal/fakemisp): the client tests decode
// the recordings through the client, the emulator tests replay them against the emulator, and the recordings
// themselves come from `make golden` (record_test.go, build tag golden) against a real MISP.
package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// File is one recorded scenario: a sequence of requests whose later steps use ids captured from earlier
// answers.
type File struct {
	Scenario    string `json:"scenario"`
	Description string `json:"description"`
	// MISPVersion is what servers/getVersion answered when the file was recorded.
	MISPVersion string `json:"misp_version"`
	// IDs maps every captured id variable to the number that stands for it where MISP answers with a JSON
	// number, and in the client tests, which need a concrete id.
	IDs   map[string]int64 `json:"ids,omitempty"`
	Steps []Step           `json:"steps"`
}

// Step is one request and its recorded answer.
type Step struct {
	Name string `json:"name"`
	Doc  string `json:"doc,omitempty"`
	// Call is the client method that sends this request (nil: no client method does).
	Call *Call `json:"call,omitempty"`
	// Raw, when set, says why the client cannot send exactly this request (bad JSON, no Accept header):
	// its client test serves the answer without checking the request.
	Raw     string  `json:"raw,omitempty"`
	Request Request `json:"request"`
	// Capture names variables taken from the answer: variable -> dotted path in the body ("User.id").
	Capture  map[string]string `json:"capture,omitempty"`
	Response Response          `json:"response"`
}

// Call names a client method and its arguments (bodies come from Request.Body).
type Call struct {
	Func string `json:"func"`
	// Arg is the id, UUID or name argument.
	Arg       string `json:"arg,omitempty"`
	Scope     string `json:"scope,omitempty"`
	Search    string `json:"search,omitempty"`
	FirstTime bool   `json:"first_time,omitempty"`
	// Filter is a users index filter, with misp.UserFilter's field names.
	Filter json.RawMessage `json:"filter,omitempty"`
	// Inactive lists the inactive sharing groups (ListSharingGroups).
	Inactive bool `json:"inactive,omitempty"`
	// Member is the second argument of a sharing-group membership call: the organisation (addOrg, removeOrg) or
	// the server (addServer); Arg is the group. extend and all_orgs come from Request.Body.
	Member string `json:"member,omitempty"`
}

// Request is a request template: {name} in Path and in Body strings stands for a variable.
type Request struct {
	Method string `json:"method"`
	// Path is escaped, as sent.
	Path string `json:"path"`
	// Auth is the key sent in Authorization: "admin", "none" (no header), "wrong" (a well-formed key MISP does
	// not know) or a captured key variable.
	Auth string `json:"auth"`
	// NoAccept leaves out the Accept: application/json header.
	NoAccept bool            `json:"no_accept,omitempty"`
	Body     json.RawMessage `json:"body,omitempty"`
	// RawBody is sent as is (invalid JSON).
	RawBody string `json:"raw_body,omitempty"`
}

// Response is a normalised answer.
type Response struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type,omitempty"`
	Location    string `json:"location,omitempty"`
	// Body is the normalised JSON answer; Text a non-JSON one.
	Body json.RawMessage `json:"body,omitempty"`
	Text string          `json:"text,omitempty"`
}

// Dir is the folder of the recordings, relative to this package.
const Dir = "testdata"

// Load reads every recording in dir, sorted by file name.
func Load(dir string) ([]*File, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list recordings: %w", err)
	}
	sort.Strings(names)
	var out []*File
	for _, n := range names {
		f, err := LoadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no recordings in %s", dir)
	}
	return out, nil
}

// LoadFile reads one recording.
func LoadFile(name string) (*File, error) {
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read recording: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	seen := map[string]bool{}
	for _, s := range f.Steps {
		if seen[s.Name] {
			return nil, fmt.Errorf("%s: step %q twice", name, s.Name)
		}
		seen[s.Name] = true
	}
	return &f, nil
}

// Marshal renders f as the pretty-printed JSON stored in testdata (two-space indent, keys sorted, no HTML
// escaping).
func (f *File) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("encode recording: %w", err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("indent recording: %w", err)
	}
	return out.Bytes(), nil
}

// Decode decodes a JSON document keeping numbers as json.Number.
func Decode(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("decode JSON: trailing data")
	}
	return v, nil
}

// Encode renders a decoded document as compact JSON without HTML escaping.
func Encode(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return json.RawMessage(bytes.TrimSpace(b.Bytes())), nil
}

// KindOf tells which object an endpoint is about, from its path: "user", "org", "role", "sg" (sharing group),
// "ak" (auth key), "us" (user setting) or "".
func KindOf(path string) string {
	switch {
	case strings.Contains(path, "/sharing_groups/"):
		return "sg"
	case strings.Contains(path, "/auth_keys/"):
		return "ak"
	case strings.Contains(path, "/user_settings/"):
		return "us"
	case strings.Contains(path, "/organisations/"), strings.HasSuffix(path, "/organisations"):
		return "org"
	case strings.Contains(path, "/roles/"), strings.HasSuffix(path, "/roles"):
		return "role"
	case strings.Contains(path, "/users/"), strings.HasSuffix(path, "/users"):
		return "user"
	}
	return ""
}

// VarKind is the kind of a variable, from its name: "user", "org", "role", "sg", "ak" (auth key), "us" (user
// setting) (ids), "key" (API keys), "uuid", or "" for the built-ins.
func VarKind(name string) string {
	if i := strings.IndexByte(name, '_'); i > 0 {
		switch p := name[:i]; p {
		case "user", "org", "role", "sg", "ak", "us", "key", "uuid":
			return p
		}
	}
	return ""
}

// IsIDKind reports whether variables of kind hold numeric ids (they get numeric stand-ins in File.IDs and are
// replaced only in id fields, never inside text).
func IsIDKind(kind string) bool {
	switch kind {
	case "user", "org", "role", "sg", "ak", "us":
		return true
	}
	return false
}
