package provider

import (
	"context"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// BenchmarkUserRefresh is the per-user work of a refresh (Read): the state decoded into the model, MISP's
// record mapped onto it, the model encoded back. A plan refreshes every user, so this bounds its provider side.
func BenchmarkUserRefresh(b *testing.B) {
	ctx := context.Background()
	var sr fwresource.SchemaResponse
	NewUserResource().Schema(ctx, fwresource.SchemaRequest{}, &sr)
	rec := &userRecord{User: misp.User{ID: "12", Email: "a@example.org", OrgID: "1", RoleID: "3", NidsSid: 4000001,
		GPGKey: "", Expiration: "2030-01-02 01:04:05", DateCreated: 1700000000, DateModified: 1700000100}, OrgName: "ORG", RoleName: "User"}
	sid := "0"
	rec.ServerID = &sid
	state := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	var m userResourceModel
	m.setFromRecord(rec, m)
	if d := state.Set(ctx, &m); d.HasError() {
		b.Fatal(d)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var got userResourceModel
		if d := state.Get(ctx, &got); d.HasError() {
			b.Fatal(d)
		}
		got.setFromRecord(rec, got)
		out := tfsdk.State{Schema: sr.Schema, Raw: state.Raw}
		if d := out.Set(ctx, &got); d.HasError() {
			b.Fatal(d)
		}
	}
}

func BenchmarkUserSetFromRecord(b *testing.B) {
	rec := &userRecord{User: misp.User{ID: "12", Email: "a@example.org", OrgID: "1", RoleID: "3", NidsSid: 4000001,
		Expiration: "2030-01-02 01:04:05", DateCreated: 1700000000, DateModified: 1700000100}, OrgName: "ORG", RoleName: "User"}
	var m userResourceModel
	b.ReportAllocs()
	for b.Loop() {
		m.setFromRecord(rec, m)
	}
}
