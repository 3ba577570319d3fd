package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

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
	_ resource.Resource                = (*userSettingResource)(nil)
	_ resource.ResourceWithConfigure   = (*userSettingResource)(nil)
	_ resource.ResourceWithImportState = (*userSettingResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*userSettingResource)(nil)
)

// NewUserSettingResource is the misp_user_setting resource: one named setting of one user
// (docs/development/misp-api.md §12).
func NewUserSettingResource() resource.Resource { return &userSettingResource{} }

type userSettingResource struct {
	client *misp.Client
	pd     *providerData
}

type userSettingModel struct {
	ID       types.String      `tfsdk:"id"`
	UserID   types.String      `tfsdk:"user_id"`
	Setting  types.String      `tfsdk:"setting"`
	Value    settingValueValue `tfsdk:"value"`
	Modified types.String      `tfsdk:"modified"`
}

// userSettingNames are the names the resource accepts: MISP's valid settings but the internal ones.
func userSettingNames() []string {
	var out []string
	for _, n := range misp.UserSettingNames {
		if !n.Internal {
			out = append(out, n.Name)
		}
	}
	return out
}

func (r *userSettingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_setting"
}

func (r *userSettingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	names := userSettingNames()
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One setting of one MISP user (MISP's user settings: home page, dashboard, publish alert " +
			"filter, default restSearch parameters, hidden event-index columns …), for instance the same home page for " +
			"every analyst.\n\n" +
			"`value` is JSON, written with `jsonencode(...)`; it is compared as MISP stores it, so key order, whitespace " +
			"and MISP's own rewrites (an empty object becomes `[]`, `1.0` becomes `1`) never show as a difference. A " +
			"change of `value` is made in place; a change of `user_id` or `setting` replaces the resource. A setting " +
			"changed in MISP is planned back; one deleted in MISP is set again.\n\n" +
			"Creating a setting that the user already has with another value fails and names the value MISP has: " +
			"import it first (an `import` block, or `terraform import`). When MISP already has the same value, the " +
			"resource takes it over without a write.\n\n" +
			"Site admins manage every user's settings; org admins those of their own organisation's users; any other " +
			"key only its own user's. MISP would silently write the caller's own setting instead, so the provider refuses " +
			"such a configuration (at plan time when it can) rather than apply it. MISP keeps a deleted user's settings: " +
			"destroy the settings with the user (Terraform's dependency order does this when `user_id` refers to a " +
			"`misp_user`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<user_id>/<setting>`, e.g. `12/homepage`.",
				Computed:            true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "Numeric id of the MISP user. A change replaces the setting.",
				Required:            true, PlanModifiers: replace,
				Validators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP user id")},
			},
			"setting": schema.StringAttribute{
				MarkdownDescription: "The setting's name, one of MISP 2.5's: " + strings.Join(quoted, ", ") + ". " +
					"`dashboard_access` needs a site admin's key. (`oidc` holds the OIDC plugin's data, which MISP lets " +
					"nobody set through its API.) A change replaces the setting.",
				Required: true, PlanModifiers: replace,
				Validators: []validator.String{stringvalidator.OneOf(names...)},
			},
			"value": schema.StringAttribute{
				MarkdownDescription: "The value as JSON text, e.g. `jsonencode({ path = \"/events/index\" })` for `homepage` " +
					"or `jsonencode([\"clusters\", \"tags\"])` for `event_index_hide_columns`. MISP refuses `false` and " +
					"strings that are not themselves JSON text; the plan does too.",
				Required: true, CustomType: settingValueType{},
				Validators: []validator.String{settingValueValidator{}},
			},
			"modified": schema.StringAttribute{
				MarkdownDescription: "When the setting was last written (RFC 3339, UTC).",
				Computed:            true,
			},
		},
	}
}

func (r *userSettingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		r.client, r.pd = pd.client, pd
	}
}

// ModifyPlan refuses at plan time what the provider key's role (users/view/me) cannot do and MISP would not refuse
// but get wrong: another user's setting for a key without admin rights (MISP would write the key's own), and
// dashboard_access without a site admin's key.
func (r *userSettingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.pd == nil || r.pd.me == nil {
		return
	}
	var plan userSettingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	me := r.pd.me
	site, admin := bool(me.Role.PermSiteAdmin), bool(me.Role.PermAdmin)
	if n, ok := misp.LookupUserSetting(plan.Setting.ValueString()); ok && !site && n.Restricted != "" {
		resp.Diagnostics.AddAttributeError(path.Root("setting"), "The provider's API key may not manage this setting",
			fmt.Sprintf("MISP lets only keys whose role has %s set or delete %s; the provider's key belongs to %s. "+
				"Use a site admin's key for this setting.", n.Restricted, n.Name, r.pd.keyHolder()))
	}
	if known(plan.UserID) && !site && !admin && plan.UserID.ValueString() != me.User.ID.String() {
		resp.Diagnostics.AddAttributeError(path.Root("user_id"), "The provider's API key may not manage this user's settings",
			fmt.Sprintf("user_id %s is another user, but the provider's API key belongs to %s. MISP would not refuse: it "+
				"would write the setting of the key's own user (%s) instead. Use a site admin's key, or an org admin's key "+
				"for users of its organisation.", plan.UserID.ValueString(), r.pd.keyHolder(), me.User.ID))
	}
}

// settingID is the resource id of a user's setting.
func settingID(userID, setting string) string { return userID + "/" + setting }

// userSettingFromAPI is the state of a setting as MISP answers it; the value is the caller's when MISP's is the same.
func userSettingFromAPI(s *misp.UserSetting, userID string, prior settingValueValue) userSettingModel {
	m := userSettingModel{
		ID: types.StringValue(settingID(userID, s.Setting)), UserID: types.StringValue(userID),
		Setting: types.StringValue(s.Setting), Value: newSettingValue(compactJSON(s.Value)),
		Modified: unixToRFC3339(s.Timestamp),
	}
	if known(prior) && (settingValueRule{}).equivalent(prior.ValueString(), m.Value.ValueString()) {
		m.Value = prior
	}
	return m
}

// compactJSON is MISP's value without its pretty-printing.
func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// checkSettingUser checks at apply time, before anything is written, that the user exists and that the provider's
// key may manage its settings: MISP would store a site admin's setting for a user id that does not exist, and
// write an org admin's own setting for another organisation's user (§12.4).
func (r *userSettingResource) checkSettingUser(ctx context.Context, userID string, diags *diag.Diagnostics) bool {
	if r.pd == nil || r.pd.me == nil {
		return true
	}
	if me := r.pd.me; !bool(me.Role.PermSiteAdmin) && !bool(me.Role.PermAdmin) {
		return true // ModifyPlan allowed only the key's own user
	}
	_, ok := checkUserInScope(ctx, r.client, r.pd, userID, userScope{
		summary: "Error setting MISP user setting", objects: "settings",
		missing:  "MISP would store the setting anyway (for a user id nobody has) or write the key's own setting instead, so nothing was written.",
		otherOrg: "MISP would write the key's own setting instead, so nothing was written.",
	}, diags)
	return ok
}

// write sets the value and checks what MISP did: whose setting it wrote and the value it kept.
func (r *userSettingResource) write(ctx context.Context, plan userSettingModel, attempted string, diags *diag.Diagnostics) *misp.UserSetting {
	userID, name := plan.UserID.ValueString(), plan.Setting.ValueString()
	s, err := r.client.SetUserSetting(ctx, userID, name, json.RawMessage(plan.Value.ValueString()))
	if err != nil {
		addAPIError(diags, "Error setting MISP user setting", attempted, err, map[string]path.Path{"value": path.Root("value")})
		return nil
	}
	if s.UserID.String() != userID {
		diags.AddAttributeError(path.Root("user_id"), "MISP wrote another user's setting",
			fmt.Sprintf("%s: MISP answered with the setting of user %s, not %s — it does that, with a 200, when the caller "+
				"may not manage the user, and then changes the caller's own setting. Check the provider key's rights and "+
				"that setting of user %s.", attempted, s.UserID, userID, s.UserID))
		return nil
	}
	if !(settingValueRule{}).equivalent(plan.Value.ValueString(), compactJSON(s.Value)) {
		diags.AddAttributeError(path.Root("value"), "MISP stored another value",
			fmt.Sprintf("%s: MISP kept %s for the value %s. Write the value as MISP stores it.", attempted,
				compactJSON(s.Value), plan.Value.ValueString()))
		return nil
	}
	return s
}

func (r *userSettingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userSettingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID, name := plan.UserID.ValueString(), plan.Setting.ValueString()
	attempted := fmt.Sprintf("Setting %s of user %s", name, userID)
	if !r.checkSettingUser(ctx, userID, &resp.Diagnostics) {
		return
	}
	existing, err := r.client.GetUserSetting(ctx, userID, name)
	switch {
	case err == nil:
		have := compactJSON(existing.Value)
		if !(settingValueRule{}).equivalent(have, plan.Value.ValueString()) {
			resp.Diagnostics.AddAttributeError(path.Root("setting"), "MISP user setting already exists",
				fmt.Sprintf("User %s already has setting %s in MISP, with the value %s. The provider does not overwrite what "+
					"was set outside Terraform: import it (terraform import <address> %s, or an import block with id = %q), "+
					"then apply to change it.", userID, name, have, settingID(userID, name), settingID(userID, name)))
			return
		}
		// The same value (set by hand, or by an earlier apply whose answer was lost): take it over as it is.
		tflog.Info(ctx, "MISP already has this user setting with the configured value; adopting it",
			map[string]any{"user_id": userID, "setting": name})
		m := userSettingFromAPI(existing, userID, plan.Value)
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	case !errors.Is(err, misp.ErrNotFound):
		addAPIError(&resp.Diagnostics, "Error setting MISP user setting", attempted, err, nil)
		return
	}
	tflog.Debug(ctx, "Setting MISP user setting", map[string]any{"user_id": userID, "setting": name})
	s := r.write(ctx, plan, attempted, &resp.Diagnostics)
	if s == nil {
		return
	}
	m := userSettingFromAPI(s, userID, plan.Value)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *userSettingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userSettingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID, name := state.UserID.ValueString(), state.Setting.ValueString()
	s, err := r.client.GetUserSetting(ctx, userID, name)
	if errors.Is(err, misp.ErrNotFound) {
		tflog.Warn(ctx, "MISP user setting gone, removing it from state", map[string]any{"user_id": userID, "setting": name})
		resp.Diagnostics.AddWarning("MISP user setting no longer exists",
			fmt.Sprintf("Setting %s of user %s was deleted outside Terraform (or the user was, for an org admin's key). It "+
				"is removed from the state and will be set again on the next apply.", name, userID))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP user setting", fmt.Sprintf("Reading setting %s of user %s", name, userID), err, nil)
		return
	}
	m := userSettingFromAPI(s, userID, state.Value)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *userSettingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan userSettingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID, name := plan.UserID.ValueString(), plan.Setting.ValueString()
	tflog.Debug(ctx, "Updating MISP user setting", map[string]any{"user_id": userID, "setting": name})
	s := r.write(ctx, plan, fmt.Sprintf("Updating setting %s of user %s", name, userID), &resp.Diagnostics)
	if s == nil {
		return
	}
	m := userSettingFromAPI(s, userID, plan.Value)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *userSettingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userSettingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID, name := state.UserID.ValueString(), state.Setting.ValueString()
	tflog.Debug(ctx, "Deleting MISP user setting", map[string]any{"user_id": userID, "setting": name})
	err := r.client.DeleteUserSetting(ctx, userID, name)
	if err == nil || errors.Is(err, misp.ErrNotFound) {
		return
	}
	addAPIError(&resp.Diagnostics, "Error deleting MISP user setting", fmt.Sprintf("Deleting setting %s of user %s", name, userID), err, nil)
}

// ImportState takes `<user>/<setting>`, the user by numeric id or e-mail address.
func (r *userSettingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	key := strings.TrimSpace(req.ID)
	i := strings.LastIndex(key, "/")
	if i <= 0 || i == len(key)-1 {
		resp.Diagnostics.AddError("Error importing MISP user setting",
			fmt.Sprintf("%q is not <user>/<setting>. Import a setting by the user's id or e-mail and the setting's name, "+
				"e.g. terraform import misp_user_setting.home 12/homepage or analyst@example.org/homepage.", key))
		return
	}
	user, name := key[:i], key[i+1:]
	if n, ok := misp.LookupUserSetting(name); !ok || n.Internal {
		resp.Diagnostics.AddError("Error importing MISP user setting",
			fmt.Sprintf("%q is not a user setting the provider manages; use one of: %s.", name, strings.Join(userSettingNames(), ", ")))
		return
	}
	userID, ok := r.importUserID(ctx, user, &resp.Diagnostics)
	if !ok {
		return
	}
	s, err := r.client.GetUserSetting(ctx, userID, name)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error importing MISP user setting",
			fmt.Sprintf("Looking up setting %s of user %s", name, userID), err, nil)
		return
	}
	m := userSettingFromAPI(s, userID, settingValueValue{})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// importUserID resolves an import's user: a numeric id as it is, an e-mail address through the user index (or the
// provider key's own user).
func (r *userSettingResource) importUserID(ctx context.Context, user string, diags *diag.Diagnostics) (string, bool) {
	if numericIDRe.MatchString(user) {
		return user, true
	}
	if !strings.Contains(user, "@") {
		diags.AddError("Error importing MISP user setting",
			fmt.Sprintf("%q is neither a numeric user id nor an e-mail address.", user))
		return "", false
	}
	if me := r.pd.me; me != nil && strings.EqualFold(me.User.Email, user) {
		return me.User.ID.String(), true
	}
	u, err := findUserByEmail(ctx, r.client, user)
	if errors.Is(err, errUserEmailNotFound) {
		diags.AddError("Error importing MISP user setting",
			fmt.Sprintf("No MISP user the provider's API key can see has the e-mail address %s.", user))
		return "", false
	}
	if err != nil {
		addAPIError(diags, "Error importing MISP user setting", fmt.Sprintf("Looking up user %s", user), err, nil)
		return "", false
	}
	return u.User.ID.String(), true
}
