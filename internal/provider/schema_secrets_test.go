package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// schemaAttribute is what the checks below need of a resource or data source schema attribute.
type schemaAttribute interface {
	GetType() attr.Type
	IsSensitive() bool
	IsWriteOnly() bool
}

// hasSemanticEquality reports whether values of t (or of any element or attribute type within it)
// implement one of the framework's *SemanticEquals methods.
func hasSemanticEquality(ctx context.Context, t attr.Type) bool {
	v := reflect.TypeOf(t.ValueType(ctx))
	for i := range v.NumMethod() {
		if strings.HasSuffix(v.Method(i).Name, "SemanticEquals") {
			return true
		}
	}
	switch tt := t.(type) {
	case attr.TypeWithElementType:
		return hasSemanticEquality(ctx, tt.ElementType())
	case attr.TypeWithAttributeTypes:
		for _, at := range tt.AttributeTypes() {
			if hasSemanticEquality(ctx, at) {
				return true
			}
		}
	}
	return false
}

// allSchemaAttributes lists the attributes of every resource and data source schema, nested attributes
// included, keyed "misp_user.email" / "data.misp_users.users.email". It fails on blocks, which it does not
// walk yet (none exist).
func allSchemaAttributes(t *testing.T) map[string]schemaAttribute {
	t.Helper()
	ctx := context.Background()
	out := map[string]schemaAttribute{}
	var add func(prefix string, attrs map[string]schemaAttribute, blocks int)
	add = func(prefix string, attrs map[string]schemaAttribute, blocks int) {
		if blocks > 0 {
			t.Errorf("%s has blocks: extend allSchemaAttributes to walk them", prefix)
		}
		for name, a := range attrs {
			out[prefix+name] = a
			// Nested attributes: GetNestedObject().GetAttributes(), whose types are internal to the framework.
			m := reflect.ValueOf(a).MethodByName("GetNestedObject")
			if !m.IsValid() {
				continue
			}
			children := m.Call(nil)[0].MethodByName("GetAttributes").Call(nil)[0]
			nested := map[string]schemaAttribute{}
			for it := children.MapRange(); it.Next(); {
				c, ok := it.Value().Interface().(schemaAttribute)
				if !ok {
					t.Fatalf("%s%s.%s: unexpected attribute type %T", prefix, name, it.Key(), it.Value().Interface())
				}
				nested[it.Key().String()] = c
			}
			add(prefix+name+".", nested, 0)
		}
	}
	for _, newResource := range providerResources() {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "misp"}, &meta)
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		attrs := map[string]schemaAttribute{}
		for n, a := range resp.Schema.Attributes {
			attrs[n] = a
		}
		add(meta.TypeName+".", attrs, len(resp.Schema.Blocks))
	}
	for _, newDataSource := range providerDataSources() {
		d := newDataSource()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "misp"}, &meta)
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		attrs := map[string]schemaAttribute{}
		for n, a := range resp.Schema.Attributes {
			attrs[n] = a
		}
		add("data."+meta.TypeName+".", attrs, len(resp.Schema.Blocks))
	}
	return out
}

// TestSensitiveAttributesPlainTypes: no sensitive or write-only attribute may have a type with semantic
// equality, because the framework logs (TRACE, tf_value_type) both values it compares that way.
func TestSensitiveAttributesPlainTypes(t *testing.T) {
	ctx := context.Background()
	attrs := allSchemaAttributes(t)
	if a, ok := attrs["misp_user.email"]; !ok || !hasSemanticEquality(ctx, a.GetType()) {
		t.Fatal("misp_user.email should be found and have semantic equality: the check below would prove nothing")
	}
	sensitive := 0
	for name, a := range attrs {
		if !a.IsSensitive() && !a.IsWriteOnly() {
			continue
		}
		sensitive++
		if hasSemanticEquality(ctx, a.GetType()) {
			t.Errorf("%s is sensitive or write-only but its type (%s) has semantic equality, whose values the "+
				"framework logs at TRACE: use a plain type and normalise in the plan or the Read mapping", name, a.GetType())
		}
	}
	if sensitive < 3 {
		t.Errorf("found %d sensitive or write-only attributes, want at least misp_user's external_auth_key, password_wo, authkey", sensitive)
	}
}

// TestTrimmedKeepingPrior: MISP's trimmed value replaces the prior one only when they differ by more than
// the whitespace MISP strips.
func TestTrimmedKeepingPrior(t *testing.T) {
	cases := []struct {
		prior types.String
		got   string
		want  types.String
	}{
		{types.StringValue(" key\n"), "key", types.StringValue(" key\n")},
		{types.StringValue("key"), "key", types.StringValue("key")},
		{types.StringValue("old"), "new", types.StringValue("new")},
		{types.StringValue("Key"), "key", types.StringValue("key")},
		{types.StringNull(), "key", types.StringValue("key")},
		{types.StringUnknown(), "", types.StringValue("")},
	}
	for i, c := range cases {
		if got := trimmedKeepingPrior(c.prior, c.got); !got.Equal(c.want) {
			t.Errorf("case %d: trimmedKeepingPrior(%s, %q) = %s, want %s", i, c.prior, c.got, got, c.want)
		}
	}
}
