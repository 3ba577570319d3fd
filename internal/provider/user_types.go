package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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

var (
	_ basetypes.StringTypable                    = userStringType{}
	_ basetypes.StringValuableWithSemanticEquals = userStringValue{}
)

// userStringType is the attr.Type of those attributes.
type userStringType struct {
	basetypes.StringType
	kind userStringKind
}

func (t userStringType) Equal(o attr.Type) bool {
	other, ok := o.(userStringType)
	return ok && other.kind == t.kind
}

func (t userStringType) String() string {
	switch t.kind {
	case userEmailKind:
		return "provider.userEmailType"
	case userTrimmedKind:
		return "provider.userTrimmedStringType"
	default:
		return "provider.userInstantType"
	}
}

func (t userStringType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return userStringValue{StringValue: in, kind: t.kind}, nil
}

func (t userStringType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", t.String(), err)
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("decode %s: unexpected value type %T", t.String(), v)
	}
	return userStringValue{StringValue: sv, kind: t.kind}, nil
}

func (t userStringType) ValueType(context.Context) attr.Value { return userStringValue{kind: t.kind} }

// userStringValue is a value of userStringType.
type userStringValue struct {
	basetypes.StringValue
	kind userStringKind
}

func (v userStringValue) Equal(o attr.Value) bool {
	other, ok := o.(userStringValue)
	return ok && other.kind == v.kind && v.StringValue.Equal(other.StringValue)
}

func (v userStringValue) Type(context.Context) attr.Type { return userStringType{kind: v.kind} }

// StringSemanticEquals reports whether MISP would consider the two values the same.
func (v userStringValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := newValuable.(userStringValue)
	if !ok {
		diags.AddError("Semantic equality check error",
			fmt.Sprintf("Expected %T, got %T. This is a bug in the provider; please report it.", v, newValuable))
		return false, diags
	}
	return userStringsEquivalent(v.kind, v.ValueString(), other.ValueString()), diags
}

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
	return userStringValue{StringValue: v, kind: userEmailKind}
}

func userTrimmedValue(v basetypes.StringValue) userStringValue {
	return userStringValue{StringValue: v, kind: userTrimmedKind}
}

func userInstantValue(v basetypes.StringValue) userStringValue {
	return userStringValue{StringValue: v, kind: userInstantKind}
}
