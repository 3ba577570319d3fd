package misp

import (
	"errors"
	"strings"
)

// errEmptyID is returned when a method that addresses one object gets "".
var errEmptyID = errors.New("id must not be empty")

// escapeSegment escapes s like PHP's rawurlencode: everything but
// A-Z a-z 0-9 - _ . ~ is percent-encoded. MISP (CakePHP) decodes path
// segments and named parameters with rawurldecode.
func escapeSegment(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' ||
			ch == '-' || ch == '_' || ch == '.' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

// idPath joins prefix and the escaped id, refusing an empty id.
func idPath(prefix, id string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", errEmptyID
	}
	return prefix + "/" + escapeSegment(id), nil
}
