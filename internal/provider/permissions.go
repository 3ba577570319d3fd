package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// What MISP's access list (app/Controller/Component/ACLComponent.php, ACL_LIST) demands of the caller for
// the endpoints the provider uses. Site admins pass every check.
//
//   - admin/users/index, view, add, edit, delete, users/initiatePasswordReset and users/totp_delete need
//     perm_admin: a site admin or an org admin (who may manage only its own organisation's users);
//   - admin/organisations/* and admin/roles/* (set_default included) list no permission: site admins only;
//   - roles/index, roles/view and organisations/view are open to every user, and so is organisations/index
//     unless Security.hide_organisation_index_from_users is set (then it needs perm_sharing_group).
//
// Any other caller gets HTTP 403 "You do not have permission to use this functionality." Checking the role
// from users/view/me at plan time turns that 403 at apply into a plan error that says why.
type keyNeed int

const (
	// needUserAdmin is perm_admin (site admin or org admin): misp_user and the user data sources.
	needUserAdmin keyNeed = iota + 1
	// needSiteAdmin is perm_site_admin: misp_organisation, misp_role, misp_default_role.
	needSiteAdmin
)

// keyAllows reports whether the provider's key may do what need names. Without the key's role (an
// unconfigured provider) it does not stand in the way: MISP has the last word.
func (pd *providerData) keyAllows(need keyNeed) bool {
	if pd == nil || pd.me == nil {
		return true
	}
	site, admin := bool(pd.me.Role.PermSiteAdmin), bool(pd.me.Role.PermAdmin)
	switch need {
	case needUserAdmin:
		return site || admin
	case needSiteAdmin:
		return site
	}
	return true
}

// keyHolder describes the key's user and role for diagnostics, e.g.
// `analyst@example.org (user 13 of organisation ORGNAME), whose role "User" (id 3) is neither a site admin
// nor an org admin`.
func (pd *providerData) keyHolder() string {
	me := pd.me
	what := "neither a site admin nor an org admin (perm_admin)"
	if bool(me.Role.PermAdmin) {
		what = "an org admin role, not a site admin (perm_site_admin)"
	}
	return fmt.Sprintf("%s (user %s of organisation %s), whose role %q (id %s) is %s",
		me.User.Email, me.User.ID, me.Organisation.Name, me.Role.Name, me.Role.ID, what)
}

// keyNeedText is what each need means, for diagnostics.
func keyNeedText(need keyNeed) string {
	if need == needSiteAdmin {
		return "a site admin's key (a role with perm_site_admin)"
	}
	return "a site admin's key, or an org admin's key (a role with perm_admin) for the users of the org admin's own organisation"
}

// planAction is what a resource plan does: "create", "update", "delete", or "" for no change.
func planAction(req resource.ModifyPlanRequest) string {
	switch {
	case req.State.Raw.IsNull() && req.Plan.Raw.IsNull():
		return ""
	case req.State.Raw.IsNull():
		return "create"
	case req.Plan.Raw.IsNull():
		return "delete"
	case !req.Plan.Raw.Equal(req.State.Raw):
		return "update"
	}
	return ""
}

// requireKeyForPlan refuses, at plan time, a change the provider's key may not make: MISP would answer
// every request of the apply with HTTP 403. typeName is the resource type ("misp_role"), what says what the
// resource manages ("MISP roles"). It reports whether the plan may go on.
func requireKeyForPlan(pd *providerData, req resource.ModifyPlanRequest, diags *diag.Diagnostics, need keyNeed, typeName, what string) bool {
	action := planAction(req)
	if action == "" || pd.keyAllows(need) {
		return true
	}
	diags.AddError("The provider's API key may not change "+what,
		fmt.Sprintf("This plan would %s a %s, but the provider's API key belongs to %s. MISP accepts changes to %s "+
			"only from %s: it would refuse every request of the apply (HTTP 403 \"You do not have permission to use "+
			"this functionality.\"). Configure the provider with such a key (api_key, MISP_API_KEY or the profile's "+
			"api_key), or leave %s out of this configuration.",
			action, typeName, pd.keyHolder(), what, keyNeedText(need), typeName))
	return false
}

// requireKeyToRead refuses a read the provider's key may not make (the users of MISP are visible to admins
// only), naming the key's user and role instead of MISP's bare 403. It reports whether the read may go on.
func requireKeyToRead(pd *providerData, diags *diag.Diagnostics, need keyNeed, subject, what string) bool {
	if pd.keyAllows(need) {
		return true
	}
	diags.AddError("The provider's API key may not read "+what,
		fmt.Sprintf("%s reads %s, which MISP shows only to %s; the provider's API key belongs to %s, so "+
			"MISP would answer HTTP 403. Configure the provider with such a key (api_key, MISP_API_KEY or the "+
			"profile's api_key).", subject, what, keyNeedText(need), pd.keyHolder()))
	return false
}

var (
	_ resource.ResourceWithModifyPlan = (*roleResource)(nil)
	_ resource.ResourceWithModifyPlan = (*defaultRoleResource)(nil)
)

// ModifyPlan refuses, at plan time, a role change by a key that is not a site admin's.
func (r *roleResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	requireKeyForPlan(r.pd, req, &resp.Diagnostics, needSiteAdmin, "misp_role", "MISP roles")
}

// ModifyPlan refuses, at plan time, a change of the default role by a key that is not a site admin's.
func (r *defaultRoleResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	requireKeyForPlan(r.pd, req, &resp.Diagnostics, needSiteAdmin, "misp_default_role", "MISP's default role")
}

// requireSiteAdminForSharingGroups is requireKeyForPlan for misp_sharing_group. MISP's ACL lets any key whose role
// has perm_sharing_group reach the sharing-group endpoints, but MISP 2.5.1 applies only a site admin's edits
// (docs/development/misp-api.md §10.6), so the diagnostic says what MISP would really do with this plan's requests
// for this key. action is planAction's. It reports whether the plan may go on.
func requireSiteAdminForSharingGroups(pd *providerData, action string, diags *diag.Diagnostics) bool {
	if action == "" || pd.keyAllows(needSiteAdmin) {
		return true
	}
	diags.AddError("The provider's API key may not change MISP sharing groups",
		fmt.Sprintf("This plan would %s a misp_sharing_group, but the provider's API key belongs to %s. %s The provider "+
			"therefore manages MISP sharing groups only with %s. Configure the provider with such a key (api_key, "+
			"MISP_API_KEY or the profile's api_key), or leave misp_sharing_group out of this configuration.",
			action, pd.keyHolder(), sharingGroupRefusal(bool(pd.me.Role.PermSharingGroup), action), keyNeedText(needSiteAdmin)))
	return false
}

// requireKeyForMembership is requireKeyForPlan for misp_sharing_group_organisation. A site admin's key may do
// everything. A key whose role has perm_sharing_group may add and remove members of the groups its organisation is
// a member of and owns or may extend (addOrg and removeOrg work for it), but MISP 2.5.1 ignores its edits, the only way to change
// extend of an existing member (§10.6): an update is refused. Without perm_sharing_group every request is 403.
func requireKeyForMembership(pd *providerData, action string, diags *diag.Diagnostics) bool {
	if action == "" || pd.keyAllows(needSiteAdmin) {
		return true
	}
	perm := bool(pd.me.Role.PermSharingGroup)
	if perm && action != "update" {
		return true
	}
	why := noSharingGroupPerm
	fix := "Configure the provider with a site admin's key or one whose role has perm_sharing_group (api_key, " +
		"MISP_API_KEY or the profile's api_key), or leave misp_sharing_group_organisation out of this configuration."
	if perm {
		why = "MISP 2.5.1 answers this key's edits of a sharing group with success (HTTP 200) but changes nothing, and " +
			"extend of an existing member can only be changed by an edit, so it would stay as it is. This key may add " +
			"and remove members of the groups its organisation is a member of and owns or may extend, but not change " +
			"extend."
		fix = "Apply this change with a site admin's key, or replace the membership (terraform apply -replace=<address>), " +
			"which removes the member and adds it again with the new extend."
	}
	diags.AddError("The provider's API key may not change this MISP sharing group membership",
		fmt.Sprintf("This plan would %s a misp_sharing_group_organisation, but the provider's API key belongs to %s. %s %s",
			action, pd.keyHolder(), why, fix))
	return false
}

// noSharingGroupPerm is what MISP does with a key whose role lacks perm_sharing_group, for groups and memberships.
const noSharingGroupPerm = "Its role lacks perm_sharing_group, so MISP would refuse every request of the apply (HTTP 403 " +
	"\"You do not have permission to use this functionality.\")."

// sharingGroupRefusal says what MISP 2.5.1 answers a key that is not a site admin's (§10.6), for one plan action
// on a misp_sharing_group.
func sharingGroupRefusal(permSharingGroup bool, action string) string {
	if !permSharingGroup {
		return noSharingGroupPerm
	}
	const edits = "MISP answers this key's edits of a sharing group with success (HTTP 200) but changes nothing"
	switch action {
	case "create":
		return "MISP refuses this key's add of a sharing group (HTTP 403 \"Could not save sharing group.\") unless the " +
			"request lists the key's own organisation as an extending member; even then, " + edits + "."
	case "update":
		return edits + " (name, description, releasability, roaming, members' extend): the apply would end in an error."
	default: // delete
		return "MISP deletes a sharing group for this key only when the key's organisation owns it; for a group of " +
			"another organisation MISP answers HTTP 405, as for a group that does not exist, so a refusal could not be " +
			"told from a missing group."
	}
}

// userScope is what checkUserInScope says for one kind of per-user object (auth keys, user settings).
type userScope struct {
	summary  string // of an error reading the user
	objects  string // "auth keys", "settings"
	missing  string // what follows "User N does not exist in MISP …."
	otherOrg string // what follows "User N is in organisation M, but the key belongs to …."
}

// checkUserInScope reads, before a write of a per-user object, the user it belongs to and refuses on user_id one that
// MISP does not have, or one of another organisation than an org admin's key: MISP would not refuse either, but
// store or hide the object (§11.1, §12.4). It returns the user.
func checkUserInScope(ctx context.Context, c *misp.Client, pd *providerData, userID string, sc userScope, diags *diag.Diagnostics) (*misp.UserView, bool) {
	site := bool(pd.me.Role.PermSiteAdmin)
	u, err := c.GetUser(ctx, userID)
	switch {
	case errors.Is(err, misp.ErrNotFound):
		scope := ""
		if !site {
			scope = " or is not in the organisation of the provider's API key, which belongs to " + pd.keyHolder()
		}
		diags.AddAttributeError(path.Root("user_id"), "MISP user not found",
			fmt.Sprintf("User %s does not exist in MISP%s. %s", userID, scope, sc.missing))
		return nil, false
	case err != nil:
		addAPIError(diags, sc.summary, "Reading user "+userID, err, nil)
		return nil, false
	case !site && u.User.OrgID.String() != pd.me.User.OrgID.String():
		diags.AddAttributeError(path.Root("user_id"), "The provider's API key may not manage this user's "+sc.objects,
			fmt.Sprintf("User %s (%s) is in organisation %s, but the provider's API key belongs to %s. %s",
				userID, u.User.Email, u.User.OrgID, pd.keyHolder(), sc.otherOrg))
		return nil, false
	}
	return u, true
}
