package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
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

func (r *userResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := userResourceAttributes()
	// The provider's own attributes, not MISP columns.
	for name, a := range map[string]schema.Attribute{
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
			Computed: true, Sensitive: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	} {
		attrs[name] = a
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
		Attributes: attrs,
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

// ModifyPlan fills in what MISP will do, so that apply never returns an inconsistent result, and turns
// what MISP would silently ignore into plan-time errors.
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.pd == nil || !requireKeyForPlan(r.pd, req, &resp.Diagnostics, needUserAdmin, "misp_user", "MISP users") || req.Plan.Raw.IsNull() {
		return
	}
	if r.unchangedPlan(ctx, req, &resp.Diagnostics) {
		return
	}
	r.modifyPlan(ctx, req, resp)
}

// modifyPlan is ModifyPlan's full path: every plan but an unchanged one (unchangedPlan).
func (r *userResource) modifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
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
		addOrgNotAllowed(&resp.Diagnostics, r.pd, config.OrgID.ValueString())
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
		addAuthkeyUnrecoverable(&resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
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
		tflog.Warn(ctx, "MISP user no longer exists; removing it from the state", map[string]any{"id": id})
		resp.Diagnostics.AddWarning("MISP user no longer exists",
			fmt.Sprintf("User %s (id %s) no longer exists in MISP (or the provider's key may no longer see it). It was removed "+
				"from the state and will be created again on the next apply.", state.Email.ValueString(), id))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP user", fmt.Sprintf("Reading user %s", id), err, nil)
		return
	}
	prior := state
	state.setFromRecord(rec, state)
	if state.StoreAuthkey.IsNull() {
		// Imported: the key was never seen.
		state.StoreAuthkey = types.BoolValue(false)
	}
	if sameModel(&state, &prior) {
		return // the response already holds the state as Terraform sent it
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
			tflog.Debug(ctx, "Editing the MISP user's e-mail fields before the password reset", map[string]any{"fields": moved})
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
		tflog.Debug(ctx, "Resetting the user's password", map[string]any{"first_time": firstTime})
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
		tflog.Debug(ctx, "Deleting the user's TOTP secret")
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
		tflog.Debug(ctx, "Editing MISP user", map[string]any{"fields": n, "password": in.Password != nil})
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
	// An organisation or role renamed in the same apply: the plan kept this user's names (its org_id and role_id
	// did not change), and Terraform refuses a result that differs from a known planned value, so the state keeps
	// them; the next refresh records the new names.
	for _, name := range []struct{ planned, got *types.String }{{&plan.OrgName, &next.OrgName}, {&plan.RoleName, &next.RoleName}} {
		if known(*name.planned) {
			*name.got = *name.planned
		}
	}
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

func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	tflog.Debug(ctx, "Deleting MISP user", map[string]any{"id": id})
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

// ConfigValidators refuses text MISP cannot store (misp_text.go).
func (r *userResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{mispTextValidator{}}
}
