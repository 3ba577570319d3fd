package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// unchangedPlan handles the commonest plan of all, a user whose planned state is its prior state (every
// no-change plan, for every user), without converting the plan, the configuration and the state into models and
// the plan back: at 1,000 users that conversion was about a quarter of the provider's CPU time in a plan
// (docs/development/performance.md, "ours: E"). It reports whether it handled the plan; when it did, it has
// made exactly the checks and changes ModifyPlan's full path makes for such a plan:
//
//   - nothing is creating or changing, so no reference, role or sync-server check applies and no computed
//     attribute becomes unknown;
//   - an org admin's key still refuses a configured org_id of another organisation;
//   - store_authkey = true with no stored key still warns;
//   - a configuration that newly manages attributes the users index lacks (unverifiedViewOnly) still needs the
//     user's view: the full path handles that plan.
//
// TestUserUnchangedPlanMatchesFullPath compares both paths.
func (r *userResource) unchangedPlan(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) bool {
	if req.State.Raw.IsNull() || !req.Plan.Raw.Equal(req.State.Raw) {
		return false
	}
	config, ok := rawAttributes(req.Config.Raw)
	if !ok {
		return false
	}
	if readFromIndex(ctx, req.Private) {
		for _, f := range userViewOnlyFields {
			if rawKnown(config[f.name]) {
				return false
			}
		}
	}
	state, ok := rawAttributes(req.State.Raw)
	if !ok {
		return false
	}
	if r.orgAdminCaller() && rawKnown(config["org_id"]) {
		myOrg := r.pd.me.User.OrgID.String()
		if org := rawString(config["org_id"]); org != myOrg {
			addOrgNotAllowed(diags, r.pd, org)
		}
	}
	if rawBool(state["store_authkey"]) && state["authkey"].IsNull() {
		addAuthkeyUnrecoverable(diags)
	}
	return true
}

// rawAttributes is an object value's attributes by name, read straight from Terraform's value.
func rawAttributes(v tftypes.Value) (map[string]tftypes.Value, bool) {
	if !v.IsKnown() || v.IsNull() {
		return nil, false
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		return nil, false
	}
	return m, true
}

func rawKnown(v tftypes.Value) bool { return v.IsKnown() && !v.IsNull() }

func rawString(v tftypes.Value) string {
	var s string
	if rawKnown(v) {
		_ = v.As(&s)
	}
	return s
}

func rawBool(v tftypes.Value) bool {
	var b bool
	if rawKnown(v) {
		_ = v.As(&b)
	}
	return b
}

// addOrgNotAllowed is the plan-time refusal of an org_id an org admin's key cannot take effect with.
func addOrgNotAllowed(diags *diag.Diagnostics, pd *providerData, orgID string) {
	me := pd.me
	myOrg := me.User.OrgID.String()
	diags.AddAttributeError(path.Root("org_id"), "Organisation not allowed for this API key",
		fmt.Sprintf("The provider's API key belongs to %s, an org admin of organisation %s (%s). MISP silently keeps every "+
			"user an org admin creates or edits in that organisation, so org_id = %q cannot take effect. "+
			"Use a site admin's key to manage users of other organisations, or set org_id = %q.",
			me.User.Email, myOrg, me.Organisation.Name, orgID, myOrg))
}

// addAuthkeyUnrecoverable warns that turning store_authkey on for an existing user cannot recover its key.
func addAuthkeyUnrecoverable(diags *diag.Diagnostics) {
	diags.AddAttributeWarning(path.Root("store_authkey"), "API key cannot be recovered",
		"MISP shows a user's API key only once, in its answer to the creation, so turning store_authkey on for an "+
			"existing user leaves authkey null. Re-create the user (terraform apply -replace=...) to get a stored key, "+
			"or create a key in MISP's UI.")
}
