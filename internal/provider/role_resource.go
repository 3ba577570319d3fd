package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ resource.ResourceWithConfigValidators = (*roleResource)(nil)
	_ resource.Resource                     = (*roleResource)(nil)
	_ resource.ResourceWithConfigure        = (*roleResource)(nil)
	_ resource.ResourceWithImportState      = (*roleResource)(nil)
)

// NewRoleResource is the misp_role resource.
func NewRoleResource() resource.Resource {
	return &roleResource{}
}

type roleResource struct {
	client *misp.Client
	pd     *providerData // the key's role, for the plan-time permission check
}

// roleNameRe is a role name as MISP stores it: not blank and without surrounding spaces (MISP trims role names,
// so " x" would show a difference after every apply).
var roleNameRe = regexp.MustCompile(`^\S(?:.*\S)?$`)

// memoryLimitRe is the memory_limit MISP accepts on create (docs/development/misp-api.md §3.1.3), or "" for MISP's
// default.
var memoryLimitRe = regexp.MustCompile(`^(?:[0-9]+[MmGg]|-1)?$`)

func (r *roleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role"
}

func (r *roleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	const kept = " Left out of the configuration, the value in MISP (or one set in its UI) is kept."
	keepBool := []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: roleDescID,
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"name": schema.StringAttribute{
			MarkdownDescription: roleDescName + " MISP refuses a name already in use.",
			Required:            true,
			Validators: []validator.String{
				stringvalidator.LengthBetween(1, 100),
				stringvalidator.RegexMatches(roleNameRe, "must not be blank nor start or end with spaces (MISP trims role names)"),
			},
		},
		"permission": schema.StringAttribute{
			MarkdownDescription: rolePermissionDescription + " MISP makes a new role `read_only` unless told otherwise. " +
				"The provider sends it with every change, because MISP resets the level to read-only on any edit that " +
				"omits it." + kept,
			Optional:      true,
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			Validators:    []validator.String{stringvalidator.OneOf(rolePermissions...)},
		},
		"memory_limit": schema.StringAttribute{
			MarkdownDescription: roleDescMemoryLimit + kept,
			Optional:            true,
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			Validators: []validator.String{stringvalidator.RegexMatches(memoryLimitRe,
				"must be a number of megabytes or gigabytes such as 2048M or 4G, -1 for no limit, or \"\" for MISP's default")},
		},
		"max_execution_time": schema.Int64Attribute{
			MarkdownDescription: roleDescMaxExecTime + kept,
			Optional:            true,
			Computed:            true,
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			Validators:          []validator.Int64{int64validator.AtLeast(0)},
		},
		"restricted_to_site_admin": schema.BoolAttribute{
			MarkdownDescription: roleDescRestricted + " MISP's default is `false`." + kept,
			Optional:            true,
			Computed:            true,
			PlanModifiers:       keepBool,
		},
		"enforce_rate_limit": schema.BoolAttribute{
			MarkdownDescription: roleDescEnforce + " MISP's default is `false`." + kept,
			Optional:            true,
			Computed:            true,
			PlanModifiers:       keepBool,
		},
		"rate_limit_count": schema.Int64Attribute{
			MarkdownDescription: roleDescRateCount + " MISP's default is `0`. MISP resets it to `0` on any edit " +
				"that omits it, so the provider sends it with every change." + kept,
			Optional:      true,
			Computed:      true,
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			Validators:    []validator.Int64{int64validator.AtLeast(0)},
		},
		"default": schema.BoolAttribute{
			MarkdownDescription: roleDescDefault,
			Computed:            true,
			PlanModifiers:       keepBool,
		},
	}
	for _, f := range roleFlags {
		if f.derived {
			attrs[f.name] = schema.BoolAttribute{
				MarkdownDescription: f.description + " Read-only: set `permission` instead.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{followsPermission{}},
			}
			continue
		}
		attrs[f.name] = schema.BoolAttribute{
			MarkdownDescription: f.description + " MISP creates roles with `false`." + kept,
			Optional:            true,
			Computed:            true,
			PlanModifiers:       keepBool,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A MISP role: a data-access level (`permission`) plus `perm_*` flags. Needs a site admin's API key (any other key is refused at plan time).\n\n" +
			"Only the attributes present in the configuration are sent to MISP: a flag left out keeps the value MISP or " +
			"a person in its UI gave it, and Terraform shows no difference for it. MISP creates roles with every flag " +
			"`false` — including `perm_auth`, so set `perm_auth = true` for roles whose users need the API.\n\n" +
			"MISP refuses to delete a role that users still hold; give them another role first.",
		Attributes: attrs,
	}
}

// followsPermission keeps the state value of a flag derived from permission unless permission changes, in which
// case MISP recomputes the flag and the plan shows it as known after apply.
type followsPermission struct{}

func (followsPermission) Description(context.Context) string {
	return "Keeps the prior value unless permission changes."
}

func (m followsPermission) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (followsPermission) PlanModifyBool(ctx context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.StateValue.IsNull() {
		return
	}
	// The configuration, not req.Plan: the plan modifiers of every attribute see the plan as proposed, where an
	// unconfigured permission is still unknown although UseStateForUnknown keeps it.
	var configured, current types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("permission"), &configured)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("permission"), &current)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if configured.IsNull() || configured.Equal(current) {
		resp.PlanValue = req.StateValue
	}
}

func (r *roleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		r.client, r.pd = pd.client, pd
	}
}

// roleErrorFields maps MISP's validation fields to attributes.
var roleErrorFields = map[string]path.Path{
	"name":               path.Root("name"),
	"memory_limit":       path.Root("memory_limit"),
	"max_execution_time": path.Root("max_execution_time"),
	"rate_limit_count":   path.Root("rate_limit_count"),
}

func (r *roleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan roleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in := roleCreateInput(&plan)
	tflog.Debug(ctx, "Creating MISP role", map[string]any{"name": plan.Name.ValueString()})
	attempted := fmt.Sprintf("Creating role %q", plan.Name.ValueString())
	role, _, err := r.createPlan(ctx, in).run(ctx)
	var lost *createLostError
	switch {
	case errors.As(err, &lost):
		resp.Diagnostics.AddError("Error creating MISP role", lost.detail(attempted))
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Error creating MISP role", attempted, err, roleErrorFields)
		return
	}
	// The add answer is the full record except "default", which MISP shows only in its index: a role that did not
	// exist a moment ago cannot be the default one.
	role.Default = false
	m := roleFromAPI(role)
	tflog.Debug(ctx, "Created MISP role", map[string]any{"id": m.ID.ValueString()})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// createPlan is the safe creation of one role (create_safely.go). A role has no field to mark it with, so the
// roles of that name are looked up before the first attempt: a lost add's role is adopted only if none existed
// then (and only one does now). When that lookup fails, nothing is ever adopted.
func (r *roleResource) createPlan(ctx context.Context, in misp.RoleInput) createPlan[misp.Role] {
	name := ""
	if in.Name != nil {
		name = *in.Name
	}
	existedBefore := true
	if before, err := rolesNamed(context.WithoutCancel(ctx), r.client, name); err == nil {
		existedBefore = len(before) > 0
	}
	return createPlan[misp.Role]{
		kind: "role", what: "role by name", scope: r.client.BaseURL(), attempts: r.pd.maxAttempts,
		add: func(ctx context.Context) (*misp.Role, error) { return r.client.AddRole(ctx, in) },
		id:  func(role *misp.Role) string { return role.ID.String() },
		find: func(ctx context.Context) (*misp.Role, error, error) {
			now, err := rolesNamed(ctx, r.client, name)
			switch {
			case err != nil:
				return nil, nil, err
			case len(now) == 0:
				return nil, nil, nil
			case existedBefore || len(now) > 1:
				return nil, fmt.Errorf("found role %q (id %s), which existed before this apply tried to create it", name, now[0].ID), nil
			}
			return &now[0], nil, nil
		},
	}
}

func (r *roleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state roleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	tflog.Debug(ctx, "Reading MISP role", map[string]any{"id": id})
	role, err := readRole(ctx, r.client, id)
	if errors.Is(err, misp.ErrNotFound) {
		tflog.Warn(ctx, "MISP role gone, removing it from state", map[string]any{"id": id})
		resp.Diagnostics.AddWarning("MISP role no longer exists",
			fmt.Sprintf("Role %q (id %s) was deleted outside Terraform. It is removed from the state and will be "+
				"created again on the next apply.", state.Name.ValueString(), id))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP role", fmt.Sprintf("Reading role %s", id), err, nil)
		return
	}
	m := roleFromAPI(role)
	if sameModel(&m, &state) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *roleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state roleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	in, level, ok := roleUpdateInput(&plan, &state)
	if !ok {
		resp.Diagnostics.AddAttributeError(path.Root("permission"), "Error updating MISP role",
			fmt.Sprintf("Role %s has no known data-access level to keep (%q). Set permission in the configuration.", id, level))
		return
	}
	tflog.Debug(ctx, "Updating MISP role", map[string]any{"id": id, "permission": level})
	if _, err := r.client.EditRole(ctx, id, in); err != nil {
		addAPIError(&resp.Diagnostics, "Error updating MISP role",
			fmt.Sprintf("Updating role %q (id %s)", state.Name.ValueString(), id), err, roleErrorFields)
		return
	}
	// Read back through the index: the edit answer lacks "default".
	role, err := readRole(ctx, r.client, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error updating MISP role", fmt.Sprintf("Reading role %s back after the update", id), err, nil)
		return
	}
	m := roleFromAPI(role)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *roleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state roleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, name := state.ID.ValueString(), state.Name.ValueString()
	tflog.Debug(ctx, "Deleting MISP role", map[string]any{"id": id})
	// The default flag in state may be stale: a misp_default_role destroyed earlier in this apply may
	// have moved MISP's default elsewhere. Ask MISP before deleting (afterwards the role is gone from
	// the index that carries the flag), and only when the role was the default at the last refresh.
	wasDefault := false
	if state.Default.ValueBool() {
		_, current, derr := currentDefaultRole(ctx, r.client)
		wasDefault = derr != nil || current == id
	}
	// The client deletes with POST: with HTTP DELETE, MISP would delete a role its users still hold.
	err := r.client.DeleteRole(ctx, id)
	if err == nil || errors.Is(err, misp.ErrNotFound) {
		releaseClaim(r.client, "role", id)
	}
	switch {
	case err == nil:
		if wasDefault {
			resp.Diagnostics.AddWarning("Deleted the default MISP role",
				fmt.Sprintf("Role %q (id %s) was MISP's default role for new users. MISP keeps pointing at it, so users "+
					"created without a role_id will be refused until another default is set (misp_default_role).", name, id))
		}
		return
	case errors.Is(err, misp.ErrNotFound):
		return
	case !isRefusal(err):
		addAPIError(&resp.Diagnostics, "Error deleting MISP role", fmt.Sprintf("Deleting role %q (id %s)", name, id), err, nil)
		return
	}
	reason := "MISP refuses to delete a role that is still assigned to users."
	if users, lerr := r.client.ListUsers(ctx, misp.UserFilter{Role: id}); lerr == nil {
		n := int64(len(users))
		reason = fmt.Sprintf("%d %s still %s it. Give them another role (role_id) or delete them first, then apply again.",
			n, plural(n, "user", "users"), plural(n, "holds", "hold"))
	}
	resp.Diagnostics.AddError("Error deleting MISP role",
		fmt.Sprintf("MISP refused to delete role %q (id %s). %s", name, id, reason))
}

func (r *roleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	role, err := lookupRole(ctx, r.client, strings.TrimSpace(req.ID))
	if err != nil {
		resp.Diagnostics.AddError("Error importing MISP role",
			fmt.Sprintf("%s\n\nImport a role by its numeric id or its exact (case-sensitive) name, "+
				"e.g. terraform import misp_role.example 7.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), role.ID.String())...)
}

// parseMaxExecutionTime reads MISP's max_execution_time column ("" or null when unset).
func parseMaxExecutionTime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// ConfigValidators refuses text MISP cannot store (misp_text.go).
func (r *roleResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{mispTextValidator{}}
}
