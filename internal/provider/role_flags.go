package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// The role attributes shared by misp_role, misp_role and misp_roles: the permission level and the perm_* flags.

// rolePermissions are the names of MISP's data-access levels, indexed by MISP's number
// (docs/development/misp-api.md §3.2).
var rolePermissions = []string{"read_only", "manage_own", "manage_org", "publish"}

const rolePermissionDescription = "Data-access level: `read_only`, `manage_own` (add and edit own events), " +
	"`manage_org` (add and edit the organisation's events) or `publish` (also publish them). It decides " +
	"`perm_add`, `perm_modify`, `perm_modify_org` and `perm_publish`."

// permissionName maps MISP's number to its name; an out-of-range number (a hand-edited row) reads as read_only,
// as MISP's own virtual field does.
func permissionName(n misp.Int64) string {
	if n < 0 || int(n) >= len(rolePermissions) {
		return rolePermissions[0]
	}
	return rolePermissions[n]
}

// permissionNumber maps a name back to MISP's number.
func permissionNumber(name string) (int64, bool) {
	for i, p := range rolePermissions {
		if p == name {
			return int64(i), true
		}
	}
	return 0, false
}

// roleFlag is one boolean column of a role.
type roleFlag struct {
	name        string
	description string
	// derived flags follow permission and cannot be set.
	derived bool
	model   func(*roleModel) *types.Bool
	input   func(*misp.RoleInput) **bool
	api     func(*misp.Role) misp.Bool
}

// roleFlags lists every perm_* flag MISP 2.5.1 returns (§3.3), perm_full excepted (never returned).
var roleFlags = []roleFlag{
	{name: "perm_add", derived: true, description: "May add events (from `permission`).",
		model: func(m *roleModel) *types.Bool { return &m.PermAdd },
		api:   func(r *misp.Role) misp.Bool { return r.PermAdd }},
	{name: "perm_modify", derived: true, description: "May modify its own events (from `permission`).",
		model: func(m *roleModel) *types.Bool { return &m.PermModify },
		api:   func(r *misp.Role) misp.Bool { return r.PermModify }},
	{name: "perm_modify_org", derived: true, description: "May modify the organisation's events (from `permission`).",
		model: func(m *roleModel) *types.Bool { return &m.PermModifyOrg },
		api:   func(r *misp.Role) misp.Bool { return r.PermModifyOrg }},
	{name: "perm_publish", derived: true, description: "May publish events (from `permission`).",
		model: func(m *roleModel) *types.Bool { return &m.PermPublish },
		api:   func(r *misp.Role) misp.Bool { return r.PermPublish }},
	{name: "perm_delegate", description: "May request event delegation to another organisation.",
		model: func(m *roleModel) *types.Bool { return &m.PermDelegate },
		input: func(in *misp.RoleInput) **bool { return &in.PermDelegate },
		api:   func(r *misp.Role) misp.Bool { return r.PermDelegate }},
	{name: "perm_sync", description: "Sync user: may synchronise with other MISP instances. Only site admins may give this role to users.",
		model: func(m *roleModel) *types.Bool { return &m.PermSync },
		input: func(in *misp.RoleInput) **bool { return &in.PermSync },
		api:   func(r *misp.Role) misp.Bool { return r.PermSync }},
	{name: "perm_admin", description: "Org admin: manages the users of its own organisation.",
		model: func(m *roleModel) *types.Bool { return &m.PermAdmin },
		input: func(in *misp.RoleInput) **bool { return &in.PermAdmin },
		api:   func(r *misp.Role) misp.Bool { return r.PermAdmin }},
	{name: "perm_audit", description: "May see the audit logs of its own organisation.",
		model: func(m *roleModel) *types.Bool { return &m.PermAudit },
		input: func(in *misp.RoleInput) **bool { return &in.PermAudit },
		api:   func(r *misp.Role) misp.Bool { return r.PermAudit }},
	{name: "perm_auth", description: "May use API keys. **MISP creates roles without it**: users of a role lacking it cannot use the API.",
		model: func(m *roleModel) *types.Bool { return &m.PermAuth },
		input: func(in *misp.RoleInput) **bool { return &in.PermAuth },
		api:   func(r *misp.Role) misp.Bool { return r.PermAuth }},
	{name: "perm_site_admin", description: "Site admin: unrestricted access to the whole instance. Only site admins may give this role to users.",
		model: func(m *roleModel) *types.Bool { return &m.PermSiteAdmin },
		input: func(in *misp.RoleInput) **bool { return &in.PermSiteAdmin },
		api:   func(r *misp.Role) misp.Bool { return r.PermSiteAdmin }},
	{name: "perm_regexp_access", description: "May manage import regular expressions. Only site admins may give this role to users.",
		model: func(m *roleModel) *types.Bool { return &m.PermRegexpAccess },
		input: func(in *misp.RoleInput) **bool { return &in.PermRegexpAccess },
		api:   func(r *misp.Role) misp.Bool { return r.PermRegexpAccess }},
	{name: "perm_tagger", description: "May tag events and attributes.",
		model: func(m *roleModel) *types.Bool { return &m.PermTagger },
		input: func(in *misp.RoleInput) **bool { return &in.PermTagger },
		api:   func(r *misp.Role) misp.Bool { return r.PermTagger }},
	{name: "perm_template", description: "May manage event templates.",
		model: func(m *roleModel) *types.Bool { return &m.PermTemplate },
		input: func(in *misp.RoleInput) **bool { return &in.PermTemplate },
		api:   func(r *misp.Role) misp.Bool { return r.PermTemplate }},
	{name: "perm_sharing_group", description: "May manage sharing groups (also unlocks the organisation index when MISP hides it).",
		model: func(m *roleModel) *types.Bool { return &m.PermSharingGroup },
		input: func(in *misp.RoleInput) **bool { return &in.PermSharingGroup },
		api:   func(r *misp.Role) misp.Bool { return r.PermSharingGroup }},
	{name: "perm_tag_editor", description: "May create and edit tags.",
		model: func(m *roleModel) *types.Bool { return &m.PermTagEditor },
		input: func(in *misp.RoleInput) **bool { return &in.PermTagEditor },
		api:   func(r *misp.Role) misp.Bool { return r.PermTagEditor }},
	{name: "perm_sighting", description: "May add sightings.",
		model: func(m *roleModel) *types.Bool { return &m.PermSighting },
		input: func(in *misp.RoleInput) **bool { return &in.PermSighting },
		api:   func(r *misp.Role) misp.Bool { return r.PermSighting }},
	{name: "perm_object_template", description: "May manage object templates.",
		model: func(m *roleModel) *types.Bool { return &m.PermObjectTemplate },
		input: func(in *misp.RoleInput) **bool { return &in.PermObjectTemplate },
		api:   func(r *misp.Role) misp.Bool { return r.PermObjectTemplate }},
	{name: "perm_publish_zmq", description: "May publish events to ZeroMQ.",
		model: func(m *roleModel) *types.Bool { return &m.PermPublishZMQ },
		input: func(in *misp.RoleInput) **bool { return &in.PermPublishZMQ },
		api:   func(r *misp.Role) misp.Bool { return r.PermPublishZMQ }},
	{name: "perm_publish_kafka", description: "May publish events to Kafka.",
		model: func(m *roleModel) *types.Bool { return &m.PermPublishKafka },
		input: func(in *misp.RoleInput) **bool { return &in.PermPublishKafka },
		api:   func(r *misp.Role) misp.Bool { return r.PermPublishKafka }},
	{name: "perm_decaying", description: "May manage decaying models.",
		model: func(m *roleModel) *types.Bool { return &m.PermDecaying },
		input: func(in *misp.RoleInput) **bool { return &in.PermDecaying },
		api:   func(r *misp.Role) misp.Bool { return r.PermDecaying }},
	{name: "perm_galaxy_editor", description: "May create and edit galaxy clusters.",
		model: func(m *roleModel) *types.Bool { return &m.PermGalaxyEditor },
		input: func(in *misp.RoleInput) **bool { return &in.PermGalaxyEditor },
		api:   func(r *misp.Role) misp.Bool { return r.PermGalaxyEditor }},
	{name: "perm_warninglist", description: "May manage warninglists.",
		model: func(m *roleModel) *types.Bool { return &m.PermWarninglist },
		input: func(in *misp.RoleInput) **bool { return &in.PermWarninglist },
		api:   func(r *misp.Role) misp.Bool { return r.PermWarninglist }},
	{name: "perm_view_feed_correlations", description: "May see correlations with feeds.",
		model: func(m *roleModel) *types.Bool { return &m.PermViewFeedCorrelations },
		input: func(in *misp.RoleInput) **bool { return &in.PermViewFeedCorrelations },
		api:   func(r *misp.Role) misp.Bool { return r.PermViewFeedCorrelations }},
	{name: "perm_analyst_data", description: "May add analyst data (notes, opinions, relationships).",
		model: func(m *roleModel) *types.Bool { return &m.PermAnalystData },
		input: func(in *misp.RoleInput) **bool { return &in.PermAnalystData },
		api:   func(r *misp.Role) misp.Bool { return r.PermAnalystData }},
	{name: "perm_skip_otp", description: "May log in without a one-time password even when MISP requires one.",
		model: func(m *roleModel) *types.Bool { return &m.PermSkipOTP },
		input: func(in *misp.RoleInput) **bool { return &in.PermSkipOTP },
		api:   func(r *misp.Role) misp.Bool { return r.PermSkipOTP }},
}

// roleModel is misp_role, misp_role (data source) and one role of misp_roles.
type roleModel struct {
	ID                       types.String `tfsdk:"id"`
	Name                     types.String `tfsdk:"name"`
	Permission               types.String `tfsdk:"permission"`
	PermAdd                  types.Bool   `tfsdk:"perm_add"`
	PermModify               types.Bool   `tfsdk:"perm_modify"`
	PermModifyOrg            types.Bool   `tfsdk:"perm_modify_org"`
	PermPublish              types.Bool   `tfsdk:"perm_publish"`
	PermDelegate             types.Bool   `tfsdk:"perm_delegate"`
	PermSync                 types.Bool   `tfsdk:"perm_sync"`
	PermAdmin                types.Bool   `tfsdk:"perm_admin"`
	PermAudit                types.Bool   `tfsdk:"perm_audit"`
	PermAuth                 types.Bool   `tfsdk:"perm_auth"`
	PermSiteAdmin            types.Bool   `tfsdk:"perm_site_admin"`
	PermRegexpAccess         types.Bool   `tfsdk:"perm_regexp_access"`
	PermTagger               types.Bool   `tfsdk:"perm_tagger"`
	PermTemplate             types.Bool   `tfsdk:"perm_template"`
	PermSharingGroup         types.Bool   `tfsdk:"perm_sharing_group"`
	PermTagEditor            types.Bool   `tfsdk:"perm_tag_editor"`
	PermSighting             types.Bool   `tfsdk:"perm_sighting"`
	PermObjectTemplate       types.Bool   `tfsdk:"perm_object_template"`
	PermPublishZMQ           types.Bool   `tfsdk:"perm_publish_zmq"`
	PermPublishKafka         types.Bool   `tfsdk:"perm_publish_kafka"`
	PermDecaying             types.Bool   `tfsdk:"perm_decaying"`
	PermGalaxyEditor         types.Bool   `tfsdk:"perm_galaxy_editor"`
	PermWarninglist          types.Bool   `tfsdk:"perm_warninglist"`
	PermViewFeedCorrelations types.Bool   `tfsdk:"perm_view_feed_correlations"`
	PermAnalystData          types.Bool   `tfsdk:"perm_analyst_data"`
	PermSkipOTP              types.Bool   `tfsdk:"perm_skip_otp"`
	MemoryLimit              types.String `tfsdk:"memory_limit"`
	MaxExecutionTime         types.Int64  `tfsdk:"max_execution_time"`
	RestrictedToSiteAdmin    types.Bool   `tfsdk:"restricted_to_site_admin"`
	EnforceRateLimit         types.Bool   `tfsdk:"enforce_rate_limit"`
	RateLimitCount           types.Int64  `tfsdk:"rate_limit_count"`
	Default                  types.Bool   `tfsdk:"default"`
}

// Descriptions of the role attributes that are not flags.
const (
	roleDescID          = "Numeric id MISP gave the role."
	roleDescName        = "Unique name of the role (case-sensitive; MISP trims spaces)."
	roleDescMemoryLimit = "PHP memory limit for the role's heavy API searches, e.g. `2048M`, `4G` or `-1` (unlimited); " +
		"`\"\"` means MISP's global setting."
	roleDescMaxExecTime = "PHP time limit in seconds for the role's heavy API searches; `0` means no limit. " +
		"Null when MISP's global setting applies."
	roleDescRestricted = "Only site admins may give this role to users (org admins cannot)."
	roleDescEnforce    = "Apply `rate_limit_count` to the role's users (MISP applies it to restSearch calls)."
	roleDescRateCount  = "Requests per 15 minutes allowed when `enforce_rate_limit` is on."
	roleDescDefault    = "Whether this is the instance's default role for new users (set with `misp_default_role`)."
)

// roleAttrTypes are the attribute types of roleModel, for lists of roles.
func roleAttrTypes() map[string]attr.Type {
	t := map[string]attr.Type{
		"id":                       types.StringType,
		"name":                     types.StringType,
		"permission":               types.StringType,
		"memory_limit":             types.StringType,
		"max_execution_time":       types.Int64Type,
		"restricted_to_site_admin": types.BoolType,
		"enforce_rate_limit":       types.BoolType,
		"rate_limit_count":         types.Int64Type,
		"default":                  types.BoolType,
	}
	for _, f := range roleFlags {
		t[f.name] = types.BoolType
	}
	return t
}

// roleFromAPI maps MISP's role to the model. MISP's memory_limit is kept as returned (null and "" both read as
// ""); max_execution_time "" or null is null.
func roleFromAPI(r *misp.Role) roleModel {
	m := roleModel{
		ID:                    types.StringValue(r.ID.String()),
		Name:                  types.StringValue(r.Name),
		Permission:            types.StringValue(permissionName(r.Permission)),
		MemoryLimit:           types.StringValue(string(r.MemoryLimit)),
		MaxExecutionTime:      types.Int64Null(),
		RestrictedToSiteAdmin: types.BoolValue(bool(r.RestrictedToSiteAdmin)),
		EnforceRateLimit:      types.BoolValue(bool(r.EnforceRateLimit)),
		RateLimitCount:        types.Int64Value(int64(r.RateLimitCount)),
		Default:               types.BoolValue(bool(r.Default)),
	}
	if n, ok := parseMaxExecutionTime(string(r.MaxExecutionTime)); ok {
		m.MaxExecutionTime = types.Int64Value(n)
	}
	for _, f := range roleFlags {
		*f.model(&m) = types.BoolValue(bool(f.api(r)))
	}
	return m
}

// roleCreateInput is what Create sends: every configured attribute and flag (null ones are left out, so MISP
// applies its defaults; the flags that follow permission are never sent).
func roleCreateInput(plan *roleModel) misp.RoleInput {
	in := misp.RoleInput{
		Name:                  stringPtr(plan.Name),
		MemoryLimit:           stringPtr(plan.MemoryLimit),
		MaxExecutionTime:      int64Ptr(plan.MaxExecutionTime),
		RestrictedToSiteAdmin: boolPtr(plan.RestrictedToSiteAdmin),
		EnforceRateLimit:      boolPtr(plan.EnforceRateLimit),
		RateLimitCount:        int64Ptr(plan.RateLimitCount),
	}
	if n, ok := permissionNumber(plan.Permission.ValueString()); ok && !plan.Permission.IsUnknown() {
		in.Permission = &n
	}
	for _, f := range roleFlags {
		if !f.derived {
			*f.input(&in) = boolPtr(*f.model(plan))
		}
	}
	return in
}

// roleUpdateInput is what Update sends: the attributes and flags whose planned value differs from the state,
// plus permission and rate_limit_count always. MISP resets the data-access level to read-only on every edit
// without "permission" (§3.1.4), so it is always sent: the planned level, or the current one when the
// configuration leaves it out; Role::beforeSave likewise turns an absent rate_limit_count into 0. level is the
// level sent; ok is false when neither plan nor state holds a known one.
func roleUpdateInput(plan, state *roleModel) (in misp.RoleInput, level string, ok bool) {
	if changed(plan.Name, state.Name) {
		in.Name = stringPtr(plan.Name)
	}
	if changed(plan.MemoryLimit, state.MemoryLimit) {
		in.MemoryLimit = stringPtr(plan.MemoryLimit)
	}
	if changed(plan.MaxExecutionTime, state.MaxExecutionTime) {
		in.MaxExecutionTime = int64Ptr(plan.MaxExecutionTime)
	}
	if changed(plan.RestrictedToSiteAdmin, state.RestrictedToSiteAdmin) {
		in.RestrictedToSiteAdmin = boolPtr(plan.RestrictedToSiteAdmin)
	}
	if changed(plan.EnforceRateLimit, state.EnforceRateLimit) {
		in.EnforceRateLimit = boolPtr(plan.EnforceRateLimit)
	}
	for _, f := range roleFlags {
		if !f.derived && changed(*f.model(plan), *f.model(state)) {
			*f.input(&in) = boolPtr(*f.model(plan))
		}
	}
	lv := plan.Permission
	if !known(lv) {
		lv = state.Permission
	}
	n, ok := permissionNumber(lv.ValueString())
	if !ok {
		return in, lv.ValueString(), false
	}
	in.Permission = &n
	count := plan.RateLimitCount
	if !known(count) {
		count = state.RateLimitCount
	}
	in.RateLimitCount = int64Ptr(count)
	return in, lv.ValueString(), true
}
