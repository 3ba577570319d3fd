package provider

import (
	"regexp"
	"strings"
)

// diagRe matches diagnostics text that Terraform may wrap across lines: each part literally (any run of spaces
// matching any whitespace), the parts in order.
func diagRe(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
