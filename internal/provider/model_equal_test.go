package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSameModel(t *testing.T) {
	set := func(vs ...string) types.Set {
		elems := make([]attr.Value, len(vs))
		for i, v := range vs {
			elems[i] = types.StringValue(v)
		}
		return types.SetValueMust(types.StringType, elems)
	}
	base := organisationModel{ID: types.StringValue("1"), Name: types.StringValue("a"), RestrictedToDomain: set("x.org", "y.org")}
	cases := map[string]struct {
		edit func(m *organisationModel)
		same bool
	}{
		"identical":            {func(*organisationModel) {}, true},
		"set in another order": {func(m *organisationModel) { m.RestrictedToDomain = set("y.org", "x.org") }, true},
		"string changed":       {func(m *organisationModel) { m.Name = types.StringValue("b") }, false},
		"null against empty":   {func(m *organisationModel) { m.Description = types.StringValue("") }, false},
		"set element changed":  {func(m *organisationModel) { m.RestrictedToDomain = set("x.org") }, false},
		"unknown against null": {func(m *organisationModel) { m.Description = types.StringUnknown() }, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			other := base
			tc.edit(&other)
			if got := sameModel(&base, &other); got != tc.same {
				t.Fatalf("sameModel = %v, want %v", got, tc.same)
			}
		})
	}
	// The zero model (every field a nil attr.Value interface or a zero struct) equals itself.
	var z1, z2 organisationModel
	if !sameModel(&z1, &z2) {
		t.Fatal("two zero models differ")
	}
}
