package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
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
	_ resource.ResourceWithConfigValidators = (*userResource)(nil)
	_ resource.Resource                     = (*userResource)(nil)
	_ resource.ResourceWithConfigure        = (*userResource)(nil)
	_ resource.ResourceWithImportState      = (*userResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*userResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*userResource)(nil)
)

// NewUserResource is the misp_user resource.
func NewUserResource() resource.Resource { return &userResource{} }

type userResource struct {
	pd *providerData
}

// userResourceModel is misp_user's state. Managed MISP columns keep MISP's field names.
type userResourceModel struct {
	ID                   types.String    `tfsdk:"id"`
	Email                userStringValue `tfsdk:"email"`
	OrgID                types.String    `tfsdk:"org_id"`
	RoleID               types.String    `tfsdk:"role_id"`
	ServerID             types.String    `tfsdk:"server_id"`
	Autoalert            types.Bool      `tfsdk:"autoalert"`
	ContactAlert         types.Bool      `tfsdk:"contactalert"`
	Disabled             types.Bool      `tfsdk:"disabled"`
	TermsAccepted        types.Bool      `tfsdk:"termsaccepted"`
	ChangePw             types.Bool      `tfsdk:"change_pw"`
	ForceLogout          types.Bool      `tfsdk:"force_logout"`
	NotificationDaily    types.Bool      `tfsdk:"notification_daily"`
	NotificationWeekly   types.Bool      `tfsdk:"notification_weekly"`
	NotificationMonthly  types.Bool      `tfsdk:"notification_monthly"`
	GPGKey               userStringValue `tfsdk:"gpgkey"`
	CertifPublic         userStringValue `tfsdk:"certif_public"`
	NidsSid              types.Int64     `tfsdk:"nids_sid"`
	Expiration           userStringValue `tfsdk:"expiration"`
	ExternalAuthRequired types.Bool      `tfsdk:"external_auth_required"`
	ExternalAuthKey      types.String    `tfsdk:"external_auth_key"`

	PasswordWO           types.String `tfsdk:"password_wo"`
	PasswordWOVersion    types.Int64  `tfsdk:"password_wo_version"`
	Notify               types.Bool   `tfsdk:"notify"`
	PasswordResetVersion types.Int64  `tfsdk:"password_reset_version"`
	TOTPResetVersion     types.Int64  `tfsdk:"totp_reset_version"`
	StoreAuthkey         types.Bool   `tfsdk:"store_authkey"`
	Authkey              types.String `tfsdk:"authkey"`

	userComputedModel
}

func (r *userResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := func() []planmodifier.String { return []planmodifier.String{stringplanmodifier.UseStateForUnknown()} }
	keepBool := func() []planmodifier.Bool { return []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()} }
	managedBool := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{
			MarkdownDescription: desc + " Left out of the configuration, MISP's value is kept and never overwritten.",
			Optional:            true, Computed: true, PlanModifiers: keepBool(),
		}
	}
	timestamp := func(desc string, stable bool) schema.StringAttribute {
		a := schema.StringAttribute{MarkdownDescription: desc + " RFC 3339 (UTC); null when never.", Computed: true}
		if stable {
			a.PlanModifiers = keep()
		}
		return a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A MISP user account (`/admin/users/*`).\n\n" +
			"Updates are partial: only attributes set in the configuration are sent, and only when they changed. " +
			"What a person changes in MISP's UI on an attribute the configuration leaves out (a user disabled by an admin, " +
			"terms accepted by the user, `change_pw` cleared by a password change) is kept and never causes a diff.\n\n" +
			"The provider's API key must belong to a site admin, or to an org admin (who can manage only the users of " +
			"its own organisation and cannot hand out site-admin, sync or regexp roles; the provider checks this at plan time).\n\n" +
			"Passwords go through the write-only `password_wo` (Terraform 1.11 or later) and never reach the plan or " +
			"state. A creation whose answer is lost on the network is neither duplicated nor left behind: see " +
			"[Retries and timeouts](https://registry.terraform.io/providers/misp-iac/misp/latest/docs#retries-and-timeouts).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "MISP's numeric user id. Import with the id or the e-mail address.",
				Computed:            true, PlanModifiers: keep(),
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Login e-mail address, unique in MISP regardless of case (a change of case only in " +
					"MISP is not drift). Checked at plan time with MISP's own rule: letters, digits and " +
					"`!#$%&'*+/=?^_`{|}~-` before the `@`, then `a-z 0-9 _ . -`.",
				Required:   true,
				CustomType: userStringType{kind: userEmailKind},
				Validators: []validator.String{
					stringvalidator.LengthAtMost(255),
					stringvalidator.RegexMatches(userEmailRe, "must be an e-mail address that MISP accepts"),
				},
			},
			"org_id": schema.StringAttribute{
				MarkdownDescription: "Id of the user's organisation. Defaults to the organisation of the provider's user " +
					"(MISP's default). Changing it moves the user in place. An org admin's key can only place users in its own " +
					"organisation (MISP silently ignores anything else); the provider reports that at plan time.",
				Optional: true, Computed: true, PlanModifiers: keep(),
				Validators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP organisation id")},
			},
			"role_id": schema.StringAttribute{
				MarkdownDescription: "Id of the user's role. Defaults to MISP's default role. Changed in place. Org admins " +
					"cannot assign roles with site-admin, sync or regexp permissions, nor roles restricted to site admins.",
				Optional: true, Computed: true, PlanModifiers: keep(),
				Validators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP role id")},
			},
			"server_id": schema.StringAttribute{
				MarkdownDescription: "Id of the sync server the user belongs to; `0` for none. MISP forces it to `0` unless the " +
					"role has the sync permission (checked at plan time), including when the role changes.",
				Optional: true, Computed: true, PlanModifiers: keep(),
				Validators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP server id")},
			},
			"autoalert":     managedBool("E-mail the user when events are published (MISP default: the instance's `MISP.default_publish_alert`)."),
			"contactalert":  managedBool("E-mail the user when someone uses the contact form of an event (MISP default `false`)."),
			"disabled":      managedBool("Disable the account: it can neither log in nor use its API keys (MISP default `false`)."),
			"termsaccepted": managedBool("Whether the user accepted the terms of use; MISP sets it when the user does (default `false`)."),
			"change_pw": managedBool("Force a password change at the next login (MISP default `true` for new accounts). " +
				"MISP clears it when the user changes the password and sets it on a password reset."),
			"force_logout":         managedBool("End the user's sessions at the next request. Set with an edit right after creation (MISP ignores it on add)."),
			"notification_daily":   managedBool("Daily event summary e-mail. Set with an edit right after creation (MISP ignores it on add)."),
			"notification_weekly":  managedBool("Weekly event summary e-mail. Set with an edit right after creation (MISP ignores it on add)."),
			"notification_monthly": managedBool("Monthly event summary e-mail. Set with an edit right after creation (MISP ignores it on add)."),
			"gpgkey": schema.StringAttribute{
				MarkdownDescription: "ASCII-armoured PGP public key for encrypted e-mail; `\"\"` for none. MISP validates it when " +
					"GnuPG is configured, and trims surrounding whitespace (not a diff).",
				Optional: true, Computed: true, PlanModifiers: keep(),
				CustomType: userStringType{kind: userTrimmedKind},
			},
			"certif_public": schema.StringAttribute{
				MarkdownDescription: "PEM x509 certificate for S/MIME e-mail; `\"\"` for none. MISP rejects an invalid certificate.",
				Optional:            true, Computed: true, PlanModifiers: keep(),
				CustomType: userStringType{kind: userTrimmedKind},
			},
			"nids_sid": schema.Int64Attribute{
				MarkdownDescription: "NIDS signature id base of the user. MISP picks a random one between 1000000 and 9999999 when not set.",
				Optional:            true, Computed: true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
			},
			"expiration": schema.StringAttribute{
				MarkdownDescription: "Account expiry as an RFC 3339 timestamp (any offset; MISP stores it in UTC, to the second). " +
					"Set with an edit right after creation, as MISP ignores it on add. Null when not set. Removing it from the " +
					"configuration leaves MISP's value in place (MISP's API cannot clear it). MISP 2.5 stores it but does not act on it.",
				Optional: true, Computed: true, PlanModifiers: keep(),
				CustomType: userStringType{kind: userInstantKind},
				Validators: []validator.String{rfc3339Validator{}},
			},
			"external_auth_required": managedBool("Require external authentication (e.g. a client certificate) for this user (MISP default `false`)."),
			"external_auth_key": schema.StringAttribute{
				MarkdownDescription: "Key identifying the user to the external authentication module; `\"\"` for none. " +
					"MISP trims surrounding whitespace (not a diff). Never logged.",
				Optional: true, Computed: true, Sensitive: true, PlanModifiers: keep(),
				// No CustomType: the framework logs the values it hands to a type's semantic equality, so the
				// trimming MISP does is absorbed by setFromRecord (trimmedKeepingPrior) instead.
			},
			"password_wo": schema.StringAttribute{
				MarkdownDescription: "Write-only password (Terraform 1.11 or later): sent on creation, and again through an admin " +
					"edit whenever `password_wo_version` changes. Never stored in the plan or state, never logged. Checked at " +
					"plan time against MISP's default policy: at least 12 characters with an upper-case letter, a lower-case " +
					"letter and a digit or symbol, or at least 16 characters of any kind. Without it MISP generates a random " +
					"password nobody knows (API-only accounts, or users invited with `notify`).",
				Optional: true, WriteOnly: true, Sensitive: true,
				Validators: []validator.String{userPasswordPolicy{}},
			},
			"password_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Change this number to send `password_wo` again (a password rotation). Requires `password_wo`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("password_wo"))},
			},
			"notify": schema.BoolAttribute{
				MarkdownDescription: "At creation only: have MISP e-mail the new user their credentials with its \"new user\" " +
					"template (`users/initiatePasswordReset`), which sets a fresh random password. Cannot be combined with " +
					"`password_wo`. Changing it later does nothing.",
				Optional: true,
			},
			"password_reset_version": schema.Int64Attribute{
				MarkdownDescription: "Change this number to reset the user's password: MISP generates a new one and e-mails it " +
					"(the \"new user\" template while the user has never logged in), and sets `change_pw`. Setting it at creation does nothing.",
				Optional: true,
			},
			"totp_reset_version": schema.Int64Attribute{
				MarkdownDescription: "Change this number to delete the user's TOTP (second factor) secret, so that they can enrol " +
					"again (`users/totp_delete`). Setting it at creation does nothing.",
				Optional: true,
			},
			"store_authkey": schema.BoolAttribute{
				MarkdownDescription: "Keep the API key MISP creates with the user in `authkey` (sensitive), for bot accounts. " +
					"MISP shows a key exactly once, in its answer to the creation; turning this on later cannot recover it " +
					"(re-create the user with `terraform apply -replace` to get a stored key). **This puts a secret in the Terraform " +
					"state**, readable by anyone who can read the state (`sensitive` only hides it from plans and output): use an " +
					"encrypted, access-controlled backend. Defaults to `false`. Kept for compatibility: `misp_auth_key` manages " +
					"further keys of a user, with rotation, expiry, allowed addresses and read-only keys, and the ephemeral " +
					"`misp_auth_key` gives a key that never reaches the state.",
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			},
			"authkey": schema.StringAttribute{
				MarkdownDescription: "The user's first API key, when `store_authkey` is `true` at creation; otherwise null. " +
					"Never read again from MISP, never logged.",
				Computed: true, Sensitive: true, PlanModifiers: keep(),
			},
			"invited_by": schema.StringAttribute{
				MarkdownDescription: "Id of the user who created this one.",
				Computed:            true, PlanModifiers: keep(),
			},
			"newsread":        timestamp("When the user last read MISP's news.", true),
			"current_login":   timestamp("Start of the user's current session.", false),
			"last_login":      timestamp("Start of the user's previous session.", false),
			"last_api_access": timestamp("Last API access (MISP refreshes it at most hourly by default).", false),
			"last_pw_change":  timestamp("Last password change.", true),
			"date_created":    timestamp("Creation time.", true),
			"date_modified":   timestamp("Last modification; changes with every edit.", false),
			"totp_enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the user has enrolled a TOTP second factor (MISP's `totp_is_set`).",
				Computed:            true, PlanModifiers: keepBool(),
			},
			"org_name": schema.StringAttribute{
				MarkdownDescription: "Name of the user's organisation.",
				Computed:            true, PlanModifiers: keep(),
			},
			"role_name": schema.StringAttribute{
				MarkdownDescription: "Name of the user's role.",
				Computed:            true, PlanModifiers: keep(),
			},
		},
	}
}

func (r *userResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig rejects combinations MISP would resolve silently.
func (r *userResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var notify types.Bool
	var password types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("notify"), &notify)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if notify.ValueBool() && !password.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("notify"), "Conflicting user attributes",
			"notify = true makes MISP generate a new random password and e-mail it to the user, which would replace "+
				"password_wo. Use one or the other: password_wo to set a password yourself, notify to invite the user.")
	}
}

// orgAdminCaller reports whether the provider's key belongs to an org admin (not a site admin), the
// caller for whom MISP silently forces the organisation and refuses privileged roles (docs/development/misp-api.md §4).
func (r *userResource) orgAdminCaller() bool {
	return r.pd != nil && r.pd.me != nil && bool(r.pd.me.Role.PermAdmin) && !bool(r.pd.me.Role.PermSiteAdmin)
}

// ModifyPlan fills in what MISP will do, so that apply never returns an inconsistent result, and turns
// what MISP would silently ignore into plan-time errors.
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.pd == nil || !requireKeyForPlan(r.pd, req, &resp.Diagnostics, needUserAdmin, "misp_user", "MISP users") || req.Plan.Raw.IsNull() {
		return
	}
	var plan, config userResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	creating := req.State.Raw.IsNull()
	var state userResourceModel
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	me := r.pd.me
	myOrg := ""
	if me != nil {
		myOrg = me.User.OrgID.String()
	}

	// MISP puts a new user in the caller's organisation unless told otherwise.
	if creating && config.OrgID.IsNull() && myOrg != "" {
		plan.OrgID = types.StringValue(myOrg)
	}
	if r.orgAdminCaller() && known(config.OrgID) && config.OrgID.ValueString() != myOrg {
		resp.Diagnostics.AddAttributeError(path.Root("org_id"), "Organisation not allowed for this API key",
			fmt.Sprintf("The provider's API key belongs to %s, an org admin of organisation %s (%s). MISP silently keeps every "+
				"user an org admin creates or edits in that organisation, so org_id = %q cannot take effect. "+
				"Use a site admin's key to manage users of other organisations, or set org_id = %q.",
				me.User.Email, myOrg, me.Organisation.Name, config.OrgID.ValueString(), myOrg))
	}
	roleChanging := creating || !plan.RoleID.Equal(state.RoleID)
	orgChanging := creating || !plan.OrgID.Equal(state.OrgID)
	if !r.orgAdminCaller() {
		changedOrg, changedRole := types.StringNull(), types.StringNull()
		if orgChanging && !config.OrgID.IsNull() {
			changedOrg = plan.OrgID
		}
		if roleChanging && !config.RoleID.IsNull() {
			changedRole = plan.RoleID
		}
		r.checkReferences(ctx, changedOrg, changedRole, false, &resp.Diagnostics)
	}
	if r.orgAdminCaller() && known(plan.RoleID) && roleChanging {
		r.checkRoleForOrgAdmin(ctx, plan.RoleID.ValueString(), &resp.Diagnostics)
	}
	serverIDChanging := creating || !config.ServerID.Equal(state.ServerID)
	if known(config.ServerID) && config.ServerID.ValueString() != "0" && known(plan.RoleID) && (roleChanging || serverIDChanging) {
		r.checkSyncRole(ctx, plan.RoleID.ValueString(), config.ServerID.ValueString(), &resp.Diagnostics)
	}

	if !creating {
		// MISP forces server_id to 0 whenever the role changes to a non-sync role.
		if config.ServerID.IsNull() && roleChanging {
			plan.ServerID = types.StringUnknown()
		}
		if !plan.OrgID.Equal(state.OrgID) {
			plan.OrgName = types.StringUnknown()
		}
		if !plan.RoleID.Equal(state.RoleID) {
			plan.RoleName = types.StringUnknown()
		}
		pwChange := changed(plan.PasswordWOVersion, state.PasswordWOVersion)
		reset := changed(plan.PasswordResetVersion, state.PasswordResetVersion)
		if pwChange || reset {
			plan.LastPwChange = types.StringUnknown()
		}
		if reset && config.ChangePw.IsNull() {
			plan.ChangePw = types.BoolUnknown()
		}
		if changed(plan.TOTPResetVersion, state.TOTPResetVersion) {
			plan.TOTPEnabled = types.BoolUnknown()
		}
		if fields := unverifiedViewOnly(ctx, req.Private, &config); len(fields) > 0 {
			r.planViewOnlyDrift(ctx, state.ID.ValueString(), fields, state, &plan, &resp.Diagnostics)
		}
	}

	// authkey exists only if it was kept from the creation answer.
	switch {
	case plan.StoreAuthkey.IsUnknown():
	case !plan.StoreAuthkey.ValueBool():
		plan.Authkey = types.StringNull()
	case creating:
		plan.Authkey = types.StringUnknown()
	case state.Authkey.IsNull():
		plan.Authkey = types.StringNull()
		resp.Diagnostics.AddAttributeWarning(path.Root("store_authkey"), "API key cannot be recovered",
			"MISP shows a user's API key only once, in its answer to the creation, so turning store_authkey on for an "+
				"existing user leaves authkey null. Re-create the user (terraform apply -replace=...) to get a stored key, "+
				"or create a key in MISP's UI.")
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// checkRoleForOrgAdmin reports, at plan time, a role MISP would refuse to an org admin with a 500.
func (r *userResource) checkRoleForOrgAdmin(ctx context.Context, roleID string, diags *diag.Diagnostics) {
	role, err := r.pd.client.GetRole(ctx, roleID)
	if err != nil {
		// Unknown role or an unreachable MISP: apply reports it with MISP's own words.
		tflog.Debug(ctx, "plan-time role check skipped", map[string]any{"role_id": roleID, "error": err.Error()})
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
			_, err := c.CachedOrganisation(ctx, id)
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
			tflog.Debug(ctx, "reference check skipped", map[string]any{"attribute": ref.attr, "error": err.Error()})
		}
	}
}

// checkSyncRole reports a server_id that MISP would silently reset to 0.
func (r *userResource) checkSyncRole(ctx context.Context, roleID, serverID string, diags *diag.Diagnostics) {
	role, err := r.pd.client.GetRole(ctx, roleID)
	if err != nil {
		tflog.Debug(ctx, "plan-time sync role check skipped", map[string]any{"role_id": roleID, "error": err.Error()})
		return
	}
	if !role.PermSync {
		diags.AddAttributeError(path.Root("server_id"), "server_id needs a sync role",
			fmt.Sprintf("server_id = %q needs a role with the sync permission, but role %s (%s) has none: MISP would silently "+
				"store 0. Give the user a sync role, or leave server_id out.", serverID, roleID, role.Name))
	}
}

// createInput is the add request: the attributes MISP's add accepts, as planned (known values only).
func (m *userResourceModel) createInput(password types.String) misp.UserInput {
	in := misp.UserInput{
		Email:                stringPtr(m.Email.StringValue),
		OrgID:                stringPtr(m.OrgID),
		RoleID:               stringPtr(m.RoleID),
		ServerID:             stringPtr(m.ServerID),
		Autoalert:            boolPtr(m.Autoalert),
		ContactAlert:         boolPtr(m.ContactAlert),
		Disabled:             boolPtr(m.Disabled),
		TermsAccepted:        boolPtr(m.TermsAccepted),
		ChangePw:             boolPtr(m.ChangePw),
		GPGKey:               stringPtr(m.GPGKey.StringValue),
		CertifPublic:         stringPtr(m.CertifPublic.StringValue),
		NidsSid:              int64Ptr(m.NidsSid),
		ExternalAuthRequired: boolPtr(m.ExternalAuthRequired),
		ExternalAuthKey:      stringPtr(m.ExternalAuthKey),
	}
	if known(password) {
		in.Password = stringPtr(password)
		// Without enable_password MISP may replace the password with a random one (§1.3).
		enable := true
		in.EnablePassword = &enable
	}
	return in
}

// postCreateInput holds what MISP ignores on add and must be set by an edit right after (§1.1.3 step 11).
// changePw is re-sent when an invitation (which sets change_pw) overrode the configured value.
func (m *userResourceModel) postCreateInput(invited bool, diags *diag.Diagnostics) (misp.UserInput, bool) {
	in := misp.UserInput{
		NotificationDaily:   boolPtr(m.NotificationDaily),
		NotificationWeekly:  boolPtr(m.NotificationWeekly),
		NotificationMonthly: boolPtr(m.NotificationMonthly),
		ForceLogout:         boolPtr(m.ForceLogout),
	}
	if invited {
		in.ChangePw = boolPtr(m.ChangePw)
	}
	if known(m.Expiration) {
		in.Expiration = mispDatetime(m.Expiration, diags)
	}
	needed := in.NotificationDaily != nil || in.NotificationWeekly != nil || in.NotificationMonthly != nil ||
		in.ForceLogout != nil || in.ChangePw != nil || in.Expiration != nil
	return in, needed
}

// mispDatetime converts a planned expiration for MISP.
func mispDatetime(v userStringValue, diags *diag.Diagnostics) *string {
	s, err := toMISPDatetime(v.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("expiration"), "Invalid timestamp", err.Error())
		return nil
	}
	return &s
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userResourceModel
	var password types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	recordReadPlan(ctx, req.Config, resp.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	email := plan.Email.ValueString()
	ctx = tflog.SetField(ctx, "email", email)
	in := plan.createInput(password)
	attempted := fmt.Sprintf("Creating MISP user %s", email)

	// The nids_sid marks the user as this creation's (create_safely.go): chosen here unless configured.
	chosenSid := in.NidsSid == nil
	if chosenSid {
		sid := newNidsSid()
		in.NidsSid = &sid
	}
	tflog.Debug(ctx, "creating MISP user")
	sent := sentFields(in)
	if chosenSid {
		delete(sent, "nids_sid")
	}
	created, adopted, err := r.userCreatePlan(in, email, chosenSid).run(ctx)
	// From here on nothing is cut short by an interrupt: what MISP created ends up in state.
	ctx = context.WithoutCancel(ctx)
	var lost *createLostError
	switch {
	case errors.As(err, &lost):
		resp.Diagnostics.AddError("Error creating MISP user", lost.detail(attempted))
		return
	case err != nil:
		r.addWriteError(&resp.Diagnostics, "Error creating MISP user", attempted, err, in.RoleID != nil)
		return
	}
	id := created.ID.String()
	ctx = tflog.SetField(ctx, "id", id)
	tflog.Debug(ctx, "created MISP user", map[string]any{"adopted": adopted})

	// From here on the user exists: keep it in state whatever happens, so Terraform tracks it (tainted on
	// error) instead of leaving an orphan.
	state := plan
	state.setFromRecord(&userRecord{User: *created}, plan)
	state.Authkey = types.StringNull()
	if plan.StoreAuthkey.ValueBool() {
		switch {
		case adopted:
			resp.Diagnostics.AddAttributeWarning(path.Root("authkey"), "API key not available",
				"MISP's answer to the creation was lost, and with it the user's one-time API key, so authkey is null. "+
					"Create a key for the user in MISP, or re-create the user with terraform apply -replace=... .")
		case created.Authkey == "":
			resp.Diagnostics.AddAttributeWarning(path.Root("authkey"), "API key not available",
				"MISP's answer to the creation held no API key, so authkey is null. Create a key for the user in MISP.")
		default:
			state.Authkey = types.StringValue(created.Authkey)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	invited, edited := plan.Notify.ValueBool(), false
	if invited {
		tflog.Debug(ctx, "sending the new user their credentials")
		if err := r.pd.client.InitiatePasswordReset(ctx, id, true); err != nil {
			addAPIError(&resp.Diagnostics, "Error creating MISP user",
				fmt.Sprintf("User %s (id %s) was created, but asking MISP to e-mail the credentials (notify)", email, id), err, nil)
			return
		}
	}
	if edit, ok := plan.postCreateInput(invited, &resp.Diagnostics); ok {
		if resp.Diagnostics.HasError() {
			return
		}
		for k := range sentFields(edit) {
			sent[k] = true
		}
		tflog.Debug(ctx, "setting the attributes MISP ignores on add")
		if _, err := r.pd.client.EditUser(ctx, id, edit); err != nil {
			r.addWriteError(&resp.Diagnostics, "Error creating MISP user",
				fmt.Sprintf("User %s (id %s) was created; setting notification_*, force_logout, expiration (which MISP ignores on creation)", email, id),
				err, false)
			return
		}
		edited = true
	}
	// The add answer is the whole user when nothing else changed it since: no read needed.
	if rec, ok := r.answerRecord(ctx, created, adopted || invited || edited); ok {
		state.setFromRecord(rec, state)
		checkApplied(plan, state, sent, &resp.Diagnostics)
	} else {
		r.readBack(ctx, id, plan, sent, &state, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// answerRecord is the record of a new user from the add answer, unless the user changed after it (stale).
func (r *userResource) answerRecord(ctx context.Context, created *misp.User, stale bool) (*userRecord, bool) {
	if stale {
		return nil, false
	}
	return userRecordFromAnswer(ctx, r.pd.client, created)
}

// readBack refreshes m from MISP after a write (the write answers lack the names and, for edits, may
// lack columns), then checks that MISP kept every configured value.
func (r *userResource) readBack(ctx context.Context, id string, plan userResourceModel, sent map[string]bool, m *userResourceModel, diags *diag.Diagnostics) {
	rec, err := readUser(ctx, r.pd.client, id)
	if err != nil {
		addAPIError(diags, "Error reading MISP user", fmt.Sprintf("Reading user %s back after the change", id), err, nil)
		return
	}
	m.setFromRecord(rec, *m)
	checkApplied(plan, *m, sent, diags)
}

// sentFields lists the MISP fields a request carries.
func sentFields(in misp.UserInput) map[string]bool {
	out := map[string]bool{}
	b, err := json.Marshal(in)
	if err != nil {
		return out
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) == nil {
		for k := range m {
			out[k] = true
		}
	}
	return out
}

// checkApplied reports values sent to MISP that it did not keep: inputs MISP ignores silently (§5.16),
// such as an org admin's org_id or an e-mail when login changes are disabled. Stating the cause beats
// Terraform's "Provider produced inconsistent result".
func checkApplied(plan, got userResourceModel, sent map[string]bool, diags *diag.Diagnostics) {
	type pair struct {
		name      string
		want, got attr.Value
	}
	pairs := []pair{
		{"email", plan.Email, got.Email}, {"org_id", plan.OrgID, got.OrgID}, {"role_id", plan.RoleID, got.RoleID},
		{"server_id", plan.ServerID, got.ServerID}, {"autoalert", plan.Autoalert, got.Autoalert},
		{"contactalert", plan.ContactAlert, got.ContactAlert}, {"disabled", plan.Disabled, got.Disabled},
		{"termsaccepted", plan.TermsAccepted, got.TermsAccepted}, {"change_pw", plan.ChangePw, got.ChangePw},
		{"force_logout", plan.ForceLogout, got.ForceLogout}, {"notification_daily", plan.NotificationDaily, got.NotificationDaily},
		{"notification_weekly", plan.NotificationWeekly, got.NotificationWeekly},
		{"notification_monthly", plan.NotificationMonthly, got.NotificationMonthly},
		{"gpgkey", plan.GPGKey, got.GPGKey}, {"certif_public", plan.CertifPublic, got.CertifPublic},
		{"nids_sid", plan.NidsSid, got.NidsSid}, {"expiration", plan.Expiration, got.Expiration},
		{"external_auth_required", plan.ExternalAuthRequired, got.ExternalAuthRequired},
		{"external_auth_key", plan.ExternalAuthKey, got.ExternalAuthKey},
	}
	for _, p := range pairs {
		if !sent[p.name] || !known(p.want) || equivalent(p.want, p.got) {
			continue
		}
		shown := fmt.Sprintf("MISP kept %s", p.got)
		if p.name == "external_auth_key" {
			shown = "MISP kept another value"
		}
		diags.AddAttributeError(path.Root(p.name), "MISP did not apply a user attribute",
			fmt.Sprintf("MISP accepted the request but did not store %s = %s: %s. MISP ignores some inputs silently, "+
				"depending on the instance's settings and the provider key's role (for example email when "+
				"MISP.disable_user_login_change is set, or change_pw when password changes are disabled). "+
				"Adjust the configuration to what MISP allows.", p.name, planShown(p.name, p.want), shown))
	}
}

func planShown(name string, v attr.Value) string {
	if name == "external_auth_key" {
		return "(sensitive value)"
	}
	return v.String()
}

// equivalent compares two attribute values the way MISP does (semantic equality for the custom strings).
func equivalent(a, b attr.Value) bool {
	av, aok := a.(userStringValue)
	bv, bok := b.(userStringValue)
	if aok && bok && known(av) && known(bv) {
		return userStringsEquivalent(av.kind, av.ValueString(), bv.ValueString())
	}
	return a.Equal(b)
}

// addWriteError explains a refused add or edit, naming the attribute wherever MISP's answer allows.
func (r *userResource) addWriteError(diags *diag.Diagnostics, summary, attempted string, err error, roleSent bool) {
	var apiErr *misp.APIError
	if errors.As(err, &apiErr) {
		msg := apiErr.Message
		if msg == "" {
			msg = apiErr.Name
		}
		switch {
		case apiErr.StatusCode == http.StatusMethodNotAllowed && strings.EqualFold(msg, "Invalid role"):
			diags.AddAttributeError(path.Root("role_id"), summary,
				fmt.Sprintf("%s failed: MISP answered %q: the role does not exist. Check role_id against data.misp_roles.", attempted, msg))
			return
		case containsMessage(apiErr.Errors[""], "Invalid organisation"):
			diags.AddAttributeError(path.Root("org_id"), summary,
				fmt.Sprintf("%s failed: MISP answered \"Invalid organisation\": the organisation does not exist. Check org_id.", attempted))
			return
		case apiErr.StatusCode >= 500 && roleSent && r.orgAdminCaller():
			diags.AddAttributeError(path.Root("role_id"), summary,
				fmt.Sprintf("%s failed: %s\n\nThe provider's API key belongs to an org admin; MISP fails this way when an org admin "+
					"assigns a role with site-admin, sync or regexp permissions, or one restricted to site admins. Choose another "+
					"role or use a site admin's key.", attempted, err))
			return
		}
	} else if r.orgAdminCaller() && strings.Contains(err.Error(), "API description") {
		diags.AddAttributeError(path.Root("email"), summary,
			fmt.Sprintf("%s failed: %s\n\nFor an org admin this means the e-mail address is outside the domains the "+
				"organisation is restricted to (its restricted_to_domain).", attempted, err))
		return
	}
	addAPIError(diags, summary, attempted, err, userFieldPaths)
}

func containsMessage(msgs []string, want string) bool {
	for _, m := range msgs {
		if strings.EqualFold(strings.TrimSpace(m), want) {
			return true
		}
	}
	return false
}

func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !requireKeyToRead(r.pd, &resp.Diagnostics, needUserAdmin, "misp_user", "MISP users") {
		return
	}
	id := state.ID.ValueString()
	read := readUser
	if readFromIndex(ctx, req.Private) {
		read = readUserFromIndex
	}
	rec, err := read(ctx, r.pd.client, id)
	if errors.Is(err, misp.ErrNotFound) {
		tflog.Warn(ctx, "MISP user gone, removing it from state", map[string]any{"id": id})
		resp.Diagnostics.AddWarning("MISP user not found",
			fmt.Sprintf("User %s (id %s) no longer exists in MISP (or the provider's key may no longer see it). It was removed "+
				"from the state and will be created again on the next apply.", state.Email.ValueString(), id))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP user", fmt.Sprintf("Reading user %s", id), err, nil)
		return
	}
	state.setFromRecord(rec, state)
	if state.StoreAuthkey.IsNull() {
		// Imported: the key was never seen.
		state.StoreAuthkey = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userResourceModel
	var password types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Before recordReadPlan: the request's and the response's private state are one object.
	prior := state
	var config userResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	sendUnverified(&prior, unverifiedViewOnly(ctx, req.Private, &config))
	recordReadPlan(ctx, req.Config, resp.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	email := plan.Email.ValueString()
	ctx = tflog.SetField(tflog.SetField(ctx, "id", id), "email", email)

	in, n := plan.updateInput(prior, &resp.Diagnostics)
	if changed(plan.PasswordWOVersion, state.PasswordWOVersion) {
		if !known(password) {
			resp.Diagnostics.AddAttributeError(path.Root("password_wo"), "Missing password",
				"password_wo_version changed, which sends password_wo to MISP, but password_wo is not set.")
		} else {
			in.Password = stringPtr(password)
			n++
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// progress is the state as far as the update got: on a failure part-way, what MISP already did is
	// recorded (read back) rather than lost.
	progress := state
	fail := func() {
		if rec, err := readUser(ctx, r.pd.client, id); err == nil {
			progress.setFromRecord(rec, progress)
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &progress)...)
	}

	// MISP e-mails a reset to the user's address, encrypted to the user's gpgkey, as they are when it runs, and
	// sends nothing to a disabled user (yet resets): a new address or key, or enabling the user, is saved first.
	emailNow := state.Email.StringValue
	var before misp.UserInput
	if changed(plan.PasswordResetVersion, state.PasswordResetVersion) {
		var moved int
		before, in, moved = splitMailFields(in)
		n -= moved
		if moved > 0 {
			if r.orgAdminCaller() && before.Email == nil {
				before.Email = stringPtr(emailNow)
			}
			tflog.Debug(ctx, "editing the MISP user's e-mail fields before the password reset", map[string]any{"fields": moved})
			if _, err := r.pd.client.EditUser(ctx, id, before); err != nil {
				r.addWriteError(&resp.Diagnostics, "Error updating MISP user", fmt.Sprintf("Updating user %s (id %s)", email, id), err, false)
				return
			}
			if before.Email != nil {
				emailNow = types.StringValue(*before.Email)
			}
		}
	}

	// Resets first: they set change_pw and a random password, which a configured change_pw or a new
	// password_wo in the same apply then override.
	resetDone := false
	if changed(plan.PasswordResetVersion, state.PasswordResetVersion) {
		firstTime := state.LastLogin.IsNull()
		tflog.Debug(ctx, "resetting the user's password", map[string]any{"first_time": firstTime})
		if err := r.pd.client.InitiatePasswordReset(ctx, id, firstTime); err != nil {
			addAPIError(&resp.Diagnostics, "Error updating MISP user", fmt.Sprintf("Resetting the password of user %s (id %s)", email, id), err, nil)
			fail()
			return
		}
		progress.PasswordResetVersion = plan.PasswordResetVersion
		resetDone = true
		if known(plan.ChangePw) && in.ChangePw == nil {
			in.ChangePw = boolPtr(plan.ChangePw)
			n++
		}
	}
	if changed(plan.TOTPResetVersion, state.TOTPResetVersion) {
		tflog.Debug(ctx, "deleting the user's TOTP secret")
		if err := r.pd.client.DeleteUserTOTP(ctx, id); err != nil {
			addAPIError(&resp.Diagnostics, "Error updating MISP user", fmt.Sprintf("Deleting the TOTP secret of user %s (id %s)", email, id), err, nil)
			fail()
			return
		}
		progress.TOTPResetVersion = plan.TOTPResetVersion
	}
	if in.OrgID != nil || in.RoleID != nil {
		// The organisation or role may have gone since the plan.
		orgRef, roleRef := types.StringNull(), types.StringNull()
		if in.OrgID != nil {
			orgRef = types.StringValue(*in.OrgID)
		}
		if in.RoleID != nil {
			roleRef = types.StringValue(*in.RoleID)
		}
		r.checkReferences(ctx, orgRef, roleRef, true, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			fail()
			return
		}
	}
	if n > 0 {
		if r.orgAdminCaller() && in.Email == nil {
			// For an org admin MISP checks the e-mail against the org's domains, reading it from the request.
			in.Email = stringPtr(emailNow)
		}
		tflog.Debug(ctx, "editing MISP user", map[string]any{"fields": n, "password": in.Password != nil})
		if _, err := r.pd.client.EditUser(ctx, id, in); err != nil {
			r.addWriteError(&resp.Diagnostics, "Error updating MISP user", fmt.Sprintf("Updating user %s (id %s)", email, id), err, in.RoleID != nil)
			if resetDone {
				fail()
			}
			return
		}
	}
	sent := sentFields(in)
	for k := range sentFields(before) {
		sent[k] = true
	}
	next := plan
	r.readBack(ctx, id, plan, sent, &next, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

// splitMailFields moves out of in what decides where and how MISP e-mails the user: the address, the keys, and
// an enabling of the user (a disabling stays, so that the e-mail still goes out). moved counts the fields.
func splitMailFields(in misp.UserInput) (mail, rest misp.UserInput, moved int) {
	rest = in
	take := func(dst, src **string) {
		if *src != nil {
			*dst, *src = *src, nil
			moved++
		}
	}
	take(&mail.Email, &rest.Email)
	take(&mail.GPGKey, &rest.GPGKey)
	take(&mail.CertifPublic, &rest.CertifPublic)
	if rest.Disabled != nil && !*rest.Disabled {
		mail.Disabled, rest.Disabled = rest.Disabled, nil
		moved++
	}
	return mail, rest, moved
}

// updateInput holds the configured attributes whose planned value differs from the state; n counts them.
// Attributes left out of the configuration plan to their state value, so they are never sent.
func (m *userResourceModel) updateInput(state userResourceModel, diags *diag.Diagnostics) (misp.UserInput, int) {
	var in misp.UserInput
	n := 0
	str := func(plan, prior attr.Value, v types.String) *string {
		if !changed(plan, prior) {
			return nil
		}
		n++
		return stringPtr(v)
	}
	boolean := func(plan, prior types.Bool) *bool {
		if !changed(plan, prior) {
			return nil
		}
		n++
		return boolPtr(plan)
	}
	in.Email = str(m.Email, state.Email, m.Email.StringValue)
	in.OrgID = str(m.OrgID, state.OrgID, m.OrgID)
	in.RoleID = str(m.RoleID, state.RoleID, m.RoleID)
	in.ServerID = str(m.ServerID, state.ServerID, m.ServerID)
	in.GPGKey = str(m.GPGKey, state.GPGKey, m.GPGKey.StringValue)
	in.CertifPublic = str(m.CertifPublic, state.CertifPublic, m.CertifPublic.StringValue)
	in.ExternalAuthKey = str(m.ExternalAuthKey, state.ExternalAuthKey, m.ExternalAuthKey)
	in.Autoalert = boolean(m.Autoalert, state.Autoalert)
	in.ContactAlert = boolean(m.ContactAlert, state.ContactAlert)
	in.Disabled = boolean(m.Disabled, state.Disabled)
	in.TermsAccepted = boolean(m.TermsAccepted, state.TermsAccepted)
	in.ChangePw = boolean(m.ChangePw, state.ChangePw)
	in.ForceLogout = boolean(m.ForceLogout, state.ForceLogout)
	in.NotificationDaily = boolean(m.NotificationDaily, state.NotificationDaily)
	in.NotificationWeekly = boolean(m.NotificationWeekly, state.NotificationWeekly)
	in.NotificationMonthly = boolean(m.NotificationMonthly, state.NotificationMonthly)
	in.ExternalAuthRequired = boolean(m.ExternalAuthRequired, state.ExternalAuthRequired)
	if changed(m.NidsSid, state.NidsSid) {
		in.NidsSid = int64Ptr(m.NidsSid)
		n++
	}
	if changed(m.Expiration, state.Expiration) {
		in.Expiration = mispDatetime(m.Expiration, diags)
		n++
	}
	return in, n
}

func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	tflog.Debug(ctx, "deleting MISP user", map[string]any{"id": id})
	err := r.pd.client.DeleteUser(ctx, id)
	if err != nil && !errors.Is(err, misp.ErrNotFound) {
		addAPIError(&resp.Diagnostics, "Error deleting MISP user", fmt.Sprintf("Deleting user %s (id %s)", state.Email.ValueString(), id), err, nil)
		return
	}
	releaseClaim(r.pd.client, "user", id)
}

// ImportState accepts a numeric user id or the user's e-mail address.
func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	key := strings.TrimSpace(req.ID)
	switch {
	case numericIDRe.MatchString(key):
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), key)...)
	case strings.Contains(key, "@"):
		if r.pd == nil {
			resp.Diagnostics.AddError("Error importing MISP user", "The provider is not configured; cannot look the e-mail address up.")
			return
		}
		entry, err := findUserByEmail(ctx, r.pd.client, key)
		if errors.Is(err, errUserEmailNotFound) {
			resp.Diagnostics.AddError("Error importing MISP user",
				fmt.Sprintf("No MISP user has the e-mail address %q (compared without regard to case), or the provider's key "+
					"cannot see it. Import accepts a numeric user id (e.g. 12) or an existing user's e-mail address.", key))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Error importing MISP user", fmt.Sprintf("Looking up user %q", key), err, nil)
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), entry.User.ID.String())...)
	default:
		resp.Diagnostics.AddError("Error importing MISP user",
			fmt.Sprintf("Unsupported import id %q. Import accepts a numeric MISP user id (e.g. 12) or the user's e-mail address "+
				"(e.g. analyst@example.org).", req.ID))
	}
}

// setFromRecord maps MISP's answer onto m. prior supplies what MISP does not return: the provider-only
// attributes, and server_id when the index row was not found.
func (m *userResourceModel) setFromRecord(rec *userRecord, prior userResourceModel) {
	u := rec.User
	m.ID = types.StringValue(u.ID.String())
	m.Email = userEmailValue(types.StringValue(u.Email))
	m.OrgID = idValue(u.OrgID)
	m.RoleID = idValue(u.RoleID)
	switch {
	case rec.ServerID != nil:
		m.ServerID = types.StringValue(*rec.ServerID)
	case u.ServerID != "":
		m.ServerID = types.StringValue(u.ServerID.String())
	case known(prior.ServerID):
		m.ServerID = prior.ServerID
	default:
		m.ServerID = types.StringValue("0")
	}
	m.Autoalert = types.BoolValue(bool(u.Autoalert))
	m.ContactAlert = types.BoolValue(bool(u.ContactAlert))
	m.Disabled = types.BoolValue(bool(u.Disabled))
	m.TermsAccepted = types.BoolValue(bool(u.TermsAccepted))
	m.ChangePw = types.BoolValue(bool(u.ChangePw))
	m.ForceLogout = types.BoolValue(bool(u.ForceLogout))
	if rec.FromIndex {
		m.NotificationDaily, m.NotificationWeekly, m.NotificationMonthly = prior.NotificationDaily, prior.NotificationWeekly, prior.NotificationMonthly
	} else {
		m.NotificationDaily = types.BoolValue(bool(u.NotificationDaily))
		m.NotificationWeekly = types.BoolValue(bool(u.NotificationWeekly))
		m.NotificationMonthly = types.BoolValue(bool(u.NotificationMonthly))
	}
	m.GPGKey = userTrimmedValue(types.StringValue(u.GPGKey))
	m.CertifPublic = userTrimmedValue(types.StringValue(u.CertifPublic))
	m.NidsSid = types.Int64Value(int64(u.NidsSid))
	m.Expiration = userInstantValue(mispDatetimeToRFC3339(u.Expiration))
	if rec.FromIndex {
		m.ExternalAuthRequired, m.ExternalAuthKey = prior.ExternalAuthRequired, prior.ExternalAuthKey
	} else {
		m.ExternalAuthRequired = types.BoolValue(bool(u.ExternalAuthRequired))
		m.ExternalAuthKey = trimmedKeepingPrior(prior.ExternalAuthKey, u.ExternalAuthKey)
	}
	m.userComputedModel.setFromRecord(rec)

	m.PasswordWO = types.StringNull()
	m.PasswordWOVersion = prior.PasswordWOVersion
	m.Notify = prior.Notify
	m.PasswordResetVersion = prior.PasswordResetVersion
	m.TOTPResetVersion = prior.TOTPResetVersion
	m.StoreAuthkey = prior.StoreAuthkey
	m.Authkey = prior.Authkey
	if m.Authkey.IsUnknown() {
		m.Authkey = types.StringNull()
	}
}

// ConfigValidators refuses text MISP cannot store (misp_text.go).
func (r *userResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{mispTextValidator{}}
}
