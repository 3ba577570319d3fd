package provider

import (
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
)

// mispUUIDRe is MISP's Validation::uuid rule (docs/development/misp-api.md §2.2): RFC 4122 versions 0-5 only, any case.
var mispUUIDRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-5][0-9a-fA-F]{3}-[089abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)

// mispUUIDValidator checks a uuid against MISP's rule at plan time (a uuid is no secret, so echoing it is fine).
func mispUUIDValidator() validator.String {
	return stringvalidator.RegexMatches(mispUUIDRe,
		"must be an RFC 4122 UUID of version 0 to 5, as MISP requires (MISP rejects version 6 and 7 UUIDs; "+
			"Terraform's uuid() function makes version 4 ones)")
}

// uuidStringType is a string type whose values compare case-insensitively: MISP lower-cases organisation
// uuids, so a uuid configured in upper case must not show a difference after every apply.
type (
	uuidStringType  = semanticStringType[uuidRule]
	uuidStringValue = semanticStringValue[uuidRule]
)

// uuidRule compares uuids without regard to case.
type uuidRule struct{}

func (uuidRule) typeName() string { return "uuidStringType" }

func (uuidRule) equivalent(a, b string) bool { return strings.EqualFold(a, b) }

// uuidValue makes a known uuid value.
func uuidValue(s string) uuidStringValue {
	return uuidStringValue{StringValue: basetypes.NewStringValue(s)}
}

// sameUUID reports whether two known uuid values name the same uuid.
func sameUUID(a, b uuidStringValue) bool {
	return !a.IsNull() && !a.IsUnknown() && !b.IsNull() && !b.IsUnknown() && strings.EqualFold(a.ValueString(), b.ValueString())
}
