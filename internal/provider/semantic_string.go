package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// stringRule is how the values of a semanticStringType compare: the way MISP normalises one kind of input
// (user_types.go, organisation_uuid.go). Values MISP treats as the same must not show as drift.
type stringRule interface {
	comparable
	// typeName names the type in the framework's messages.
	typeName() string
	// equivalent reports whether MISP treats a and b as the same value.
	equivalent(a, b string) bool
}

var (
	_ basetypes.StringTypable                    = semanticStringType[uuidRule]{}
	_ basetypes.StringValuableWithSemanticEquals = semanticStringValue[uuidRule]{}
)

// semanticStringType is a string type whose values compare by rule (the framework's semantic equality).
type semanticStringType[R stringRule] struct {
	basetypes.StringType
	rule R
}

func (t semanticStringType[R]) Equal(o attr.Type) bool {
	other, ok := o.(semanticStringType[R])
	return ok && other.rule == t.rule
}

func (t semanticStringType[R]) String() string { return t.rule.typeName() }

func (t semanticStringType[R]) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return semanticStringValue[R]{StringValue: in, rule: t.rule}, nil
}

func (t semanticStringType[R]) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", t.String(), err)
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("decode %s: unexpected value type %T", t.String(), v)
	}
	return semanticStringValue[R]{StringValue: sv, rule: t.rule}, nil
}

func (t semanticStringType[R]) ValueType(context.Context) attr.Value {
	return semanticStringValue[R]{rule: t.rule}
}

// semanticStringValue is a value of semanticStringType.
type semanticStringValue[R stringRule] struct {
	basetypes.StringValue
	rule R
}

func (v semanticStringValue[R]) Equal(o attr.Value) bool {
	other, ok := o.(semanticStringValue[R])
	return ok && other.rule == v.rule && v.StringValue.Equal(other.StringValue)
}

func (v semanticStringValue[R]) Type(context.Context) attr.Type {
	return semanticStringType[R]{rule: v.rule}
}

// StringSemanticEquals reports whether MISP would consider the two values the same.
func (v semanticStringValue[R]) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := newValuable.(semanticStringValue[R])
	if !ok {
		diags.AddError("Semantic equality check error",
			fmt.Sprintf("Expected %T, got %T. This is a bug in the provider; please report it.", v, newValuable))
		return false, diags
	}
	return v.rule.equivalent(v.ValueString(), other.ValueString()), diags
}
