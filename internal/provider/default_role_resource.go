package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ resource.Resource                = (*defaultRoleResource)(nil)
	_ resource.ResourceWithConfigure   = (*defaultRoleResource)(nil)
	_ resource.ResourceWithImportState = (*defaultRoleResource)(nil)
)

// defaultRoleID is the id of the misp_default_role singleton.
const defaultRoleID = "default"

// NewDefaultRoleResource is the misp_default_role resource.
func NewDefaultRoleResource() resource.Resource {
	return &defaultRoleResource{}
}

type defaultRoleResource struct {
	client *misp.Client
	pd     *providerData // the key's role, for the plan-time permission check
}

type defaultRoleModel struct {
	ID             types.String `tfsdk:"id"`
	RoleID         types.String `tfsdk:"role_id"`
	PreviousRoleID types.String `tfsdk:"previous_role_id"`
}

func (r *defaultRoleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_default_role"
}

func (r *defaultRoleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The role MISP gives to users created without a `role_id` (MISP's `default_role` setting). " +
			"A singleton: declare it at most once per MISP instance. Needs a site admin's API key (any other key is refused at plan time).\n\n" +
			"A default changed in MISP's UI shows as a difference on the next plan. MISP cannot unset its default role, " +
			"so destroying this resource puts back the role that was the default before it was created (when that role " +
			"still exists) and otherwise leaves MISP's default as it is.\n\n" +
			"This is not the `default_role` column of a role (used only for self-registration).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Always `default`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"role_id": schema.StringAttribute{
				MarkdownDescription: "Id of the role new users get by default, e.g. `misp_role.analyst.id`.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(numericIDRe, "must be the numeric id of a MISP role"),
				},
			},
			"previous_role_id": schema.StringAttribute{
				MarkdownDescription: "Id of the role that was the default when this resource was created; destroying " +
					"the resource makes it the default again. Null after an import.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *defaultRoleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		r.client, r.pd = pd.client, pd
	}
}

// currentDefaultRole reads the roles index, the only place MISP shows its default role
// (docs/development/misp-api.md §3.1.1). It returns the roles and the default role's id ("" when the setting points
// at no existing role).
func currentDefaultRole(ctx context.Context, c *misp.Client) ([]misp.Role, string, error) {
	roles, err := c.ListRoles(ctx, "")
	if err != nil {
		return nil, "", err
	}
	for _, role := range roles {
		if role.Default {
			return roles, role.ID.String(), nil
		}
	}
	return roles, "", nil
}

func roleExists(roles []misp.Role, id string) bool {
	for _, role := range roles {
		if role.ID.String() == id {
			return true
		}
	}
	return false
}

// setDefault makes roleID the default after checking it exists (MISP's own refusal just says "Invalid Role.").
// It returns the default before the change and the default MISP reports after it.
func (r *defaultRoleResource) setDefault(ctx context.Context, diags *diag.Diagnostics, roleID string) (previous, now string) {
	const summary = "Error setting the MISP default role"
	roles, previous, err := currentDefaultRole(ctx, r.client)
	if err != nil {
		addAPIError(diags, summary, "Reading the current default role", err, nil)
		return "", ""
	}
	if !roleExists(roles, roleID) {
		diags.AddAttributeError(path.Root("role_id"), summary,
			fmt.Sprintf("MISP has no role with id %s, so it cannot be the default role. Use the id of an existing role, "+
				"e.g. misp_role.<name>.id or data.misp_role.<name>.id.", roleID))
		return "", ""
	}
	tflog.Debug(ctx, "Setting MISP default role", map[string]any{"role_id": roleID})
	if err := r.client.SetDefaultRole(ctx, roleID); err != nil {
		addAPIError(diags, summary, fmt.Sprintf("Making role %s the default role", roleID), err, nil)
		return "", ""
	}
	if _, now, err = currentDefaultRole(ctx, r.client); err != nil {
		addAPIError(diags, summary, "Reading the default role back", err, nil)
		return "", ""
	}
	return previous, now
}

func (r *defaultRoleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan defaultRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	previous, now := r.setDefault(ctx, &resp.Diagnostics, plan.RoleID.ValueString())
	if resp.Diagnostics.HasError() {
		return
	}
	m := defaultRoleModel{ID: types.StringValue(defaultRoleID), RoleID: roleIDOrNull(now), PreviousRoleID: roleIDOrNull(previous)}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *defaultRoleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state defaultRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "Reading MISP default role")
	_, now, err := currentDefaultRole(ctx, r.client)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading the MISP default role", "Reading the default role", err, nil)
		return
	}
	// A default pointing at a deleted role reads as null: the next plan sets it again.
	m := state
	m.ID = types.StringValue(defaultRoleID)
	m.RoleID = roleIDOrNull(now)
	if sameModel(&m, &state) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *defaultRoleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state defaultRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, now := r.setDefault(ctx, &resp.Diagnostics, plan.RoleID.ValueString())
	if resp.Diagnostics.HasError() {
		return
	}
	state.RoleID = roleIDOrNull(now)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *defaultRoleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	const summary = "Error restoring the MISP default role"
	var state defaultRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	roles, now, err := currentDefaultRole(ctx, r.client)
	if err != nil {
		addAPIError(&resp.Diagnostics, summary, "Reading the current default role", err, nil)
		return
	}
	previous := state.PreviousRoleID.ValueString()
	switch {
	case previous == "":
		resp.Diagnostics.AddWarning("MISP default role left as it is",
			fmt.Sprintf("MISP cannot unset its default role and no earlier default was recorded (the resource was "+
				"imported), so role %s stays the default for new users.", now))
	case previous == now:
		return
	case !roleExists(roles, previous):
		resp.Diagnostics.AddWarning("MISP default role left as it is",
			fmt.Sprintf("Role %s, the default before this resource was created, no longer exists, and MISP cannot unset "+
				"its default role: role %s stays the default for new users.", previous, now))
	default:
		tflog.Debug(ctx, "Restoring MISP default role", map[string]any{"role_id": previous})
		if err := r.client.SetDefaultRole(ctx, previous); err != nil {
			addAPIError(&resp.Diagnostics, summary, fmt.Sprintf("Making role %s the default role again", previous), err, nil)
		}
	}
}

func (r *defaultRoleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != defaultRoleID {
		resp.Diagnostics.AddError("Error importing the MISP default role",
			fmt.Sprintf("The import id must be %q (there is one default role per MISP instance), got %q: "+
				"terraform import misp_default_role.this default", defaultRoleID, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), defaultRoleID)...)
}

// roleIDOrNull is a role id value, null when empty.
func roleIDOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
