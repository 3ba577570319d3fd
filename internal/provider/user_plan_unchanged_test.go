package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// TestUserUnchangedPlanMatchesFullPath: for a plan equal to the prior state, the fast path (unchangedPlan) and
// ModifyPlan's full path give the same planned state and the same diagnostics, for each key role and each
// diagnostic the full path can give on such a plan.
func TestUserUnchangedPlanMatchesFullPath(t *testing.T) {
	ctx := context.Background()
	var sr fwresource.SchemaResponse
	NewUserResource().Schema(ctx, fwresource.SchemaRequest{}, &sr)
	siteAdmin := &misp.UserView{User: misp.User{ID: "1", Email: "admin@example.org", OrgID: "1"},
		Role: misp.Role{PermAdmin: true, PermSiteAdmin: true}, Organisation: misp.Organisation{Name: "ORG"}}
	orgAdmin := &misp.UserView{User: misp.User{ID: "2", Email: "orgadmin@example.org", OrgID: "3"},
		Role: misp.Role{PermAdmin: true}, Organisation: misp.Organisation{Name: "Partner"}}

	cases := map[string]struct {
		me    *misp.UserView
		edit  func(state, config *userResourceModel)
		diags int
	}{
		"site admin, plain user":              {siteAdmin, func(_, _ *userResourceModel) {}, 0},
		"org admin, own organisation":         {orgAdmin, func(_, _ *userResourceModel) {}, 0},
		"org admin, another organisation":     {orgAdmin, func(_, c *userResourceModel) { c.OrgID = types.StringValue("4") }, 1},
		"org admin, org_id not configured":    {orgAdmin, func(_, c *userResourceModel) { c.OrgID = types.StringNull() }, 0},
		"store_authkey on, no key was stored": {siteAdmin, func(s, c *userResourceModel) { s.StoreAuthkey = types.BoolValue(true); c.StoreAuthkey = s.StoreAuthkey }, 1},
		"store_authkey on, key stored": {siteAdmin, func(s, c *userResourceModel) {
			s.StoreAuthkey, s.Authkey = types.BoolValue(true), types.StringValue("k3y")
			c.StoreAuthkey = s.StoreAuthkey
		}, 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var state userResourceModel
			state.setFromRecord(fullUserRecord(), state)
			state.StoreAuthkey, state.Authkey = types.BoolValue(false), types.StringNull()
			for _, v := range []*types.Int64{&state.PasswordWOVersion, &state.PasswordResetVersion, &state.TOTPResetVersion} {
				*v = types.Int64Null()
			}
			state.Notify, state.PasswordWO, state.ExternalAuthKey = types.BoolNull(), types.StringNull(), types.StringNull()
			config := state
			tc.edit(&state, &config)
			stateV := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
			configV := tfsdk.State{Schema: sr.Schema, Raw: stateV.Raw}
			if d := stateV.Set(ctx, &state); d.HasError() {
				t.Fatal(d)
			}
			if d := configV.Set(ctx, &config); d.HasError() {
				t.Fatal(d)
			}
			req := fwresource.ModifyPlanRequest{
				State:  stateV,
				Plan:   tfsdk.Plan{Schema: sr.Schema, Raw: stateV.Raw.Copy()},
				Config: tfsdk.Config{Schema: sr.Schema, Raw: configV.Raw},
			}
			r := &userResource{pd: &providerData{me: tc.me, maxAttempts: 1}}

			fast := fwresource.ModifyPlanResponse{Plan: req.Plan}
			r.ModifyPlan(ctx, req, &fast)
			full := fwresource.ModifyPlanResponse{Plan: req.Plan}
			r.modifyPlan(ctx, req, &full)

			if !fast.Plan.Raw.Equal(full.Plan.Raw) {
				t.Errorf("planned state differs:\nfast %s\nfull %s", fast.Plan.Raw, full.Plan.Raw)
			}
			if !fast.Diagnostics.Equal(full.Diagnostics) {
				t.Errorf("diagnostics differ:\nfast %v\nfull %v", fast.Diagnostics, full.Diagnostics)
			}
			if len(full.Diagnostics) != tc.diags {
				t.Errorf("full path gave %d diagnostics, want %d: %v", len(full.Diagnostics), tc.diags, full.Diagnostics)
			}
			var d diag.Diagnostics
			if !r.unchangedPlan(ctx, req, &d) {
				t.Error("the fast path declined a plan equal to the prior state")
			}
		})
	}
}
