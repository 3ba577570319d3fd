package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// What MISP lets the provider's key do with a user, checked at plan time (and before an edit) rather than
// left to MISP, which ignores or garbles much of it silently (docs/development/misp-api.md §4).

// orgAdminCaller reports whether the provider's key belongs to an org admin (not a site admin), the
// caller for whom MISP silently forces the organisation and refuses privileged roles (docs/development/misp-api.md §4).
func (r *userResource) orgAdminCaller() bool {
	return r.pd != nil && r.pd.me != nil && bool(r.pd.me.Role.PermAdmin) && !bool(r.pd.me.Role.PermSiteAdmin)
}

// checkRoleForOrgAdmin reports, at plan time, a role MISP would refuse to an org admin with a 500.
func (r *userResource) checkRoleForOrgAdmin(ctx context.Context, roleID string, diags *diag.Diagnostics) {
	role, err := r.pd.client.GetRole(ctx, roleID)
	if err != nil {
		// Unknown role or an unreachable MISP: apply reports it with MISP's own words.
		tflog.Debug(ctx, "Plan-time role check skipped", map[string]any{"role_id": roleID, "error": err.Error()})
		return
	}
	var why []string
	if role.PermSiteAdmin {
		why = append(why, "site admin")
	}
	if role.PermSync {
		why = append(why, "sync")
	}
	if role.PermRegexpAccess {
		why = append(why, "regexp access")
	}
	if role.RestrictedToSiteAdmin {
		why = append(why, "restricted to site admins")
	}
	if len(why) == 0 {
		return
	}
	diags.AddAttributeError(path.Root("role_id"), "Role not allowed for this API key",
		fmt.Sprintf("Role %s (%s) is %s. The provider's API key belongs to an org admin, and MISP refuses (HTTP 500) to let "+
			"an org admin assign such a role. Choose another role or use a site admin's key.", roleID, role.Name, strings.Join(why, ", ")))
}

// checkReferences refuses an organisation or role id that does not exist: MISP refuses it on add, but an edit
// saves it, leaving a user in no organisation, or with no role and so no API access. At plan time the cached
// indexes answer (one listing per command); before an edit, fresh reads do. A lookup that fails for another
// reason than "not found" checks nothing (MISP decides).
func (r *userResource) checkReferences(ctx context.Context, orgID, roleID types.String, fresh bool, diags *diag.Diagnostics) {
	c := r.pd.client
	type ref struct {
		attr, kind, harm string
		id               types.String
		lookup           func(context.Context, string) error
	}
	refs := []ref{
		{"org_id", "organisation", "in no organisation", orgID, func(ctx context.Context, id string) error {
			if fresh {
				_, err := c.GetOrganisation(ctx, id)
				return err
			}
			_, err := c.CachedOrganisationName(ctx, id) // existence only: survives the user writes of the apply
			return err
		}},
		{"role_id", "role", "without a role, and so without API access", roleID, func(ctx context.Context, id string) error {
			if fresh {
				_, err := c.GetRole(ctx, id)
				return err
			}
			_, err := c.CachedRole(ctx, id)
			return err
		}},
	}
	for _, ref := range refs {
		if !known(ref.id) {
			continue
		}
		id := ref.id.ValueString()
		err := ref.lookup(ctx, id)
		switch {
		case errors.Is(err, misp.ErrNotFound):
			diags.AddAttributeError(path.Root(ref.attr), fmt.Sprintf("No such MISP %s", ref.kind),
				fmt.Sprintf("MISP has no %s with id %s (MISP refuses it for a new user, and stores it for an existing one, "+
					"leaving the account %s). Use the id of an existing %s, for instance a reference such as "+
					"misp_%s.example.id.", ref.kind, id, ref.harm, ref.kind, ref.kind))
		case err != nil:
			tflog.Debug(ctx, "Reference check skipped", map[string]any{"attribute": ref.attr, "error": err.Error()})
		}
	}
}

// checkSyncRole reports a server_id that MISP would silently reset to 0.
func (r *userResource) checkSyncRole(ctx context.Context, roleID, serverID string, diags *diag.Diagnostics) {
	role, err := r.pd.client.GetRole(ctx, roleID)
	if err != nil {
		tflog.Debug(ctx, "Plan-time sync role check skipped", map[string]any{"role_id": roleID, "error": err.Error()})
		return
	}
	if !role.PermSync {
		diags.AddAttributeError(path.Root("server_id"), "server_id needs a sync role",
			fmt.Sprintf("server_id = %q needs a role with the sync permission, but role %s (%s) has none: MISP would silently "+
				"store 0. Give the user a sync role, or leave server_id out.", serverID, roleID, role.Name))
	}
}
