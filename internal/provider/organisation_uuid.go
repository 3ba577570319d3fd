package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

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

var (
	_ basetypes.StringTypable                    = uuidStringType{}
	_ basetypes.StringValuableWithSemanticEquals = uuidStringValue{}
)

// uuidStringType is a string type whose values compare case-insensitively: MISP lower-cases organisation
// uuids, so a uuid configured in upper case must not show a difference after every apply.
type uuidStringType struct {
	basetypes.StringType
}

func (t uuidStringType) Equal(o attr.Type) bool {
	other, ok := o.(uuidStringType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t uuidStringType) String() string { return "uuidStringType" }

func (t uuidStringType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return uuidStringValue{StringValue: in}, nil
}

func (t uuidStringType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("uuid value: %w", err)
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("uuid value: unexpected value type %T", v)
	}
	return uuidStringValue{StringValue: sv}, nil
}

func (t uuidStringType) ValueType(context.Context) attr.Value { return uuidStringValue{} }

// uuidStringValue is a value of uuidStringType.
type uuidStringValue struct {
	basetypes.StringValue
}

func (v uuidStringValue) Equal(o attr.Value) bool {
	other, ok := o.(uuidStringValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v uuidStringValue) Type(context.Context) attr.Type { return uuidStringType{} }

// StringSemanticEquals makes the framework keep the configured spelling when MISP answers the same uuid in
// lower case.
func (v uuidStringValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	nv, ok := newValuable.(uuidStringValue)
	if !ok {
		diags.AddError("Semantic equality check error",
			fmt.Sprintf("Expected a uuidStringValue, got %T. This is a bug in the provider; please report it.", newValuable))
		return false, diags
	}
	return strings.EqualFold(v.ValueString(), nv.ValueString()), diags
}

// uuidValue makes a known uuid value.
func uuidValue(s string) uuidStringValue {
	return uuidStringValue{StringValue: basetypes.NewStringValue(s)}
}

// sameUUID reports whether two known uuid values name the same uuid.
func sameUUID(a, b uuidStringValue) bool {
	return !a.IsNull() && !a.IsUnknown() && !b.IsNull() && !b.IsUnknown() && strings.EqualFold(a.ValueString(), b.ValueString())
}
