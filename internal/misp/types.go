package misp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// ID is a MISP identifier. MISP sends ids as JSON strings ("12") but some
// deployments send numbers; both decode to the decimal string. JSON null
// decodes to "". It encodes as a JSON string.
type ID string

// UnmarshalJSON accepts a string, a number or null.
func (i *ID) UnmarshalJSON(b []byte) error {
	s, err := scalarString(b)
	if err != nil {
		return fmt.Errorf("decode id: %w", err)
	}
	*i = ID(s)
	return nil
}

// String returns the id as a plain string.
func (i ID) String() string { return string(i) }

// String is a text value that tolerates a JSON number or boolean where MISP
// documents a string (some columns change type between deployments). JSON
// null decodes to "".
type String string

// UnmarshalJSON accepts a string, a number, a boolean or null.
func (s *String) UnmarshalJSON(b []byte) error {
	v, err := scalarString(b)
	if err != nil {
		return fmt.Errorf("decode string: %w", err)
	}
	*s = String(v)
	return nil
}

// Bool is a lenient boolean: it decodes true/false, 0/1, "0"/"1",
// "true"/"false" and "" or null (false). It encodes as a JSON boolean.
type Bool bool

// UnmarshalJSON accepts the boolean spellings MISP uses.
func (v *Bool) UnmarshalJSON(b []byte) error {
	s, err := scalarString(b)
	if err != nil {
		return fmt.Errorf("decode boolean: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "false":
		*v = false
	case "1", "true":
		*v = true
	default:
		n, perr := strconv.ParseFloat(s, 64)
		if perr != nil {
			return fmt.Errorf("decode boolean: unexpected value %q", s)
		}
		*v = n != 0
	}
	return nil
}

// Int64 is a lenient integer for counters, numeric virtual fields and unix
// timestamps: it decodes a JSON number, a numeric string, "" or null (0).
// It encodes as a JSON number.
type Int64 int64

// UnmarshalJSON accepts a number, a numeric string, "" or null.
func (v *Int64) UnmarshalJSON(b []byte) error {
	s, err := scalarString(b)
	if err != nil {
		return fmt.Errorf("decode integer: %w", err)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		*v = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return fmt.Errorf("decode integer %q: %w", s, err)
		}
		n = int64(f)
	}
	*v = Int64(n)
	return nil
}

// StringList is a list of strings that also decodes MISP's older
// newline-separated string form. JSON null decodes to a nil list, [] to an
// empty one, so the two stay distinguishable.
type StringList []string

// UnmarshalJSON accepts an array of scalars, a newline-separated string or null.
func (l *StringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*l = nil
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("decode list: %w", err)
		}
		out := StringList{}
		for _, part := range strings.Split(s, "\n") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
		*l = out
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("decode list: %w", err)
	}
	out := make(StringList, 0, len(raw))
	for _, item := range raw {
		s, err := scalarString(item)
		if err != nil {
			return fmt.Errorf("decode list item: %w", err)
		}
		out = append(out, s)
	}
	*l = out
	return nil
}

// StringMap is a string-to-string object that MISP sends as [] when it is
// empty (PHP cannot tell an empty map from an empty list), e.g. User.orgAdmins.
type StringMap map[string]string

// UnmarshalJSON accepts an object of scalars, [] or null.
func (m *StringMap) UnmarshalJSON(b []byte) error {
	raw, err := lenientObject(b)
	if err != nil {
		return err
	}
	out := make(StringMap, len(raw))
	for k, v := range raw {
		s, err := scalarString(v)
		if err != nil {
			s = string(v)
		}
		out[k] = s
	}
	*m = out
	return nil
}

// Settings holds a user's settings ({setting: decoded value}); MISP sends []
// when the user has none.
type Settings map[string]json.RawMessage

// UnmarshalJSON accepts an object, [] or null.
func (m *Settings) UnmarshalJSON(b []byte) error {
	raw, err := lenientObject(b)
	if err != nil {
		return err
	}
	*m = Settings(raw)
	return nil
}

// lenientObject decodes an object, treating null and any array (MISP's empty
// map) as an empty object.
func lenientObject(b []byte) (map[string]json.RawMessage, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) || b[0] == '[' {
		return map[string]json.RawMessage{}, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("decode object: %w", err)
	}
	return raw, nil
}

// scalarString renders a JSON scalar as a string: strings as themselves,
// numbers in their literal form, booleans as "1"/"0", null as "".
func scalarString(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", fmt.Errorf("invalid JSON string: %w", err)
		}
		return s, nil
	case 'n':
		if bytes.Equal(b, []byte("null")) {
			return "", nil
		}
	case 't':
		if bytes.Equal(b, []byte("true")) {
			return "1", nil
		}
	case 'f':
		if bytes.Equal(b, []byte("false")) {
			return "0", nil
		}
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err == nil {
			return n.String(), nil
		}
	}
	return "", fmt.Errorf("expected a string, number, boolean or null, got %s", abbreviate(string(b), 40))
}

// abbreviate shortens s to at most n runes, marking a cut with an ellipsis.
func abbreviate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
