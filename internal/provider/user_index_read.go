package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// Refreshing many misp_user resources costs one request: Read serves each user from the client's cached
// users index (misp.Client.CachedUser) instead of a view per user. The index lacks some columns
// (docs/development/misp-api.md §1.1.1): notification_*, external_auth_required, external_auth_key and totp_is_set.
// Read falls back to the view when the configuration manages one of the first five, which Create and Update record in
// private state (Read has no configuration); without that record (an imported user, or a state written before) it reads
// the view too. Read from the index, totp_enabled keeps its last known value.

// userReadPlanKey is the private-state key recording whether the index is enough to refresh a user.
const userReadPlanKey = "read_from_index"

// privateSetter is the part of a response's private state that Create and Update write (users, sharing groups).
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// recordReadPlan notes in private state whether the configuration leaves every attribute the users index
// lacks unset, so that Read may use the index.
func recordReadPlan(ctx context.Context, config tfsdk.Config, private privateSetter, diags *diag.Diagnostics) {
	var cfg userResourceModel
	if d := config.Get(ctx, &cfg); d.HasError() {
		diags.Append(d...)
		return
	}
	indexOK := true
	for _, f := range userViewOnlyFields {
		indexOK = indexOK && f.bind.value(&cfg).IsNull()
	}
	b, err := json.Marshal(indexOK)
	if err != nil {
		diags.AddError("Error recording the MISP user read plan", fmt.Sprintf("%s. This is a bug in the provider; please report it.", err))
		return
	}
	diags.Append(private.SetKey(ctx, userReadPlanKey, b)...)
}

// privateGetter is the part of a request's private state that Read (and ModifyPlan) reads.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// readFromIndex reports whether Create or Update recorded that the users index is enough for this user.
func readFromIndex(ctx context.Context, private privateGetter) bool {
	b, d := private.GetKey(ctx, userReadPlanKey)
	if d.HasError() || len(b) == 0 {
		return false
	}
	var ok bool
	return json.Unmarshal(b, &ok) == nil && ok
}

// readUserFromIndex is readUser served by the client's cached users index. The record has FromIndex set:
// its index-lacking fields are zero and must not overwrite what state holds.
func readUserFromIndex(ctx context.Context, c *misp.Client, id string) (*userRecord, error) {
	e, err := c.CachedUser(ctx, id)
	if err != nil {
		return nil, err
	}
	sid := idString(e.User.ServerID)
	return &userRecord{User: e.User, OrgName: e.Organisation.Name, RoleName: e.Role.Name, ServerID: &sid, FromIndex: true}, nil
}

// userRecordFromAnswer builds the record of a new user from MISP's answer to the add, which holds every
// column (the one-time authkey too), plus the organisation and role names from the client's cached indexes,
// which user creations do not invalidate: creating many users then costs one add each and no read. ok is
// false when a name could not be found; callers then read the user back.
func userRecordFromAnswer(ctx context.Context, c *misp.Client, u *misp.User) (*userRecord, bool) {
	orgName, err := c.CachedOrganisationName(ctx, u.OrgID.String())
	if err != nil {
		return nil, false
	}
	role, err := c.CachedRole(ctx, u.RoleID.String())
	if err != nil {
		return nil, false
	}
	sid := idString(u.ServerID)
	return &userRecord{User: *u, OrgName: orgName, RoleName: role.Name, ServerID: &sid}, true
}

// unverifiedViewOnly lists the attributes the configuration now manages that the last refresh could not see:
// it came from the users index (the configuration did not manage them at the last apply).
func unverifiedViewOnly(ctx context.Context, private privateGetter, config *userResourceModel) []*userField {
	if !readFromIndex(ctx, private) {
		return nil
	}
	var out []*userField
	for _, f := range userViewOnlyFields {
		if known(f.bind.value(config)) {
			out = append(out, f)
		}
	}
	return out
}

// planViewOnlyDrift compares what the configuration newly manages with the user's view: a difference is drift
// the refresh could not show, so an update is planned (date_modified unknown) and a warning names each
// attribute; Update then sends them (sendUnverified). A view that cannot be read plans the update as well.
func (r *userResource) planViewOnlyDrift(ctx context.Context, id string, fields []*userField,
	state userResourceModel, plan *userResourceModel, diags *diag.Diagnostics,
) {
	rec, err := readUser(ctx, r.pd.client, id)
	if err != nil {
		plan.DateModified = types.StringUnknown()
		diags.AddWarning("Could not compare the user with MISP",
			fmt.Sprintf("The configuration now manages attributes of user %s that MISP's users index lacks, and reading the "+
				"user's view failed (%s), so this apply sends them.", id, err))
		return
	}
	fresh := state
	fresh.setFromRecord(rec, state)
	for _, f := range fields {
		if f.bind.value(&fresh).Equal(f.bind.value(plan)) {
			continue
		}
		plan.DateModified = types.StringUnknown()
		if f.sensitive {
			diags.AddAttributeWarning(path.Root(f.name), "Drift in an attribute the refresh could not see",
				fmt.Sprintf("%s in MISP differs from the configuration (the value is sensitive and not shown). The last refresh "+
					"read the users index, which lacks it; this apply sets the configured value.", f.name))
			continue
		}
		diags.AddAttributeWarning(path.Root(f.name), "Drift in an attribute the refresh could not see",
			fmt.Sprintf("MISP has %s = %s, which the last refresh could not show (MISP's users index lacks it): this apply "+
				"sets it to %s.", f.name, f.bind.value(&fresh), f.bind.value(plan)))
	}
}

// sendUnverified makes Update send the attributes the last refresh could not see, whatever the state says.
func sendUnverified(prior *userResourceModel, fields []*userField) {
	for _, f := range fields {
		f.bind.unset(prior)
	}
}
