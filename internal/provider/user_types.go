package provider

import (
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// userStringKind selects how two values of a misp_user string attribute are compared. MISP normalises
// some user input on save (docs/development/misp-api.md §0.3, §1.4): it trims every string and compares e-mail
// addresses case-insensitively, and it stores expiration as a UTC datetime. Values that MISP treats as the same must
// not show as drift, so these attributes use a string type with semantic equality.
//
// Never for a sensitive attribute: terraform-plugin-framework logs both values it hands to semantic
// equality (TRACE, "Calling provider defined type-based SemanticEquals", tf_value_type). Sensitive strings
// are plain types.String, normalised where MISP's answer is mapped (trimmedKeepingPrior);
// TestSensitiveAttributesPlainTypes enforces it.
type userStringKind int

const (
	// userEmailKind compares e-mail addresses case-insensitively, as MISP's uniqueness rule does.
	userEmailKind userStringKind = iota + 1
	// userTrimmedKind ignores the surrounding whitespace MISP's TrimBehavior strips (PGP keys, certificates).
	userTrimmedKind
	// userInstantKind compares RFC 3339 timestamps as instants, to the second (MISP keeps no offset and no
	// fractions).
	userInstantKind
)

// userStringType is the attr.Type of those attributes, userStringValue a value of it (semantic_string.go).
type (
	userStringType  = semanticStringType[userStringKind]
	userStringValue = semanticStringValue[userStringKind]
)

func (k userStringKind) typeName() string {
	switch k {
	case userEmailKind:
		return "provider.userEmailType"
	case userTrimmedKind:
		return "provider.userTrimmedStringType"
	default:
		return "provider.userInstantType"
	}
}

func (k userStringKind) equivalent(a, b string) bool { return userStringsEquivalent(k, a, b) }

// userStringsEquivalent compares two strings the way MISP treats them for kind.
func userStringsEquivalent(kind userStringKind, a, b string) bool {
	switch kind {
	case userEmailKind:
		return strings.EqualFold(phpTrim(a), phpTrim(b))
	case userTrimmedKind:
		return phpTrim(a) == phpTrim(b)
	case userInstantKind:
		ta, errA := time.Parse(time.RFC3339, a)
		tb, errB := time.Parse(time.RFC3339, b)
		if errA != nil || errB != nil {
			return a == b
		}
		return ta.Truncate(time.Second).Equal(tb.Truncate(time.Second))
	}
	return a == b
}

// trimmedKeepingPrior is got, MISP's stored value of a string it trims on save, unless prior is the same
// value but for that whitespace: then prior, so that a configured "key\n" is neither drift nor an
// inconsistent result. It stands in for semantic equality on sensitive attributes.
func trimmedKeepingPrior(prior types.String, got string) types.String {
	if known(prior) && userStringsEquivalent(userTrimmedKind, prior.ValueString(), got) {
		return prior
	}
	return types.StringValue(got)
}

// phpTrim strips what PHP's trim() strips, as MISP's TrimBehavior does before saving a user.
func phpTrim(s string) string { return strings.Trim(s, " \t\n\r\x00\x0B") }

// Constructors for the three kinds; a null or unknown input stays null or unknown.

func userEmailValue(v basetypes.StringValue) userStringValue {
	return userStringValue{StringValue: v, rule: userEmailKind}
}

func userTrimmedValue(v basetypes.StringValue) userStringValue {
	return userStringValue{StringValue: v, rule: userTrimmedKind}
}

func userInstantValue(v basetypes.StringValue) userStringValue {
	return userStringValue{StringValue: v, rule: userInstantKind}
}
