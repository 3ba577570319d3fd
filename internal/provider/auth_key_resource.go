package provider

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ resource.Resource                     = (*authKeyResource)(nil)
	_ resource.ResourceWithConfigure        = (*authKeyResource)(nil)
	_ resource.ResourceWithImportState      = (*authKeyResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*authKeyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*authKeyResource)(nil)
)

// NewAuthKeyResource is the misp_auth_key resource: one MISP advanced API key (docs/development/misp-api.md §11).
func NewAuthKeyResource() resource.Resource { return &authKeyResource{} }

type authKeyResource struct {
	client *misp.Client
	pd     *providerData
}

type authKeyModel struct {
	ID          types.String      `tfsdk:"id"`
	UUID        types.String      `tfsdk:"uuid"`
	UserID      types.String      `tfsdk:"user_id"`
	Comment     types.String      `tfsdk:"comment"`
	AllowedIPs  types.Set         `tfsdk:"allowed_ips"`
	Expiration  timetypes.RFC3339 `tfsdk:"expiration"`
	ReadOnly    types.Bool        `tfsdk:"read_only"`
	Keepers     types.Map         `tfsdk:"keepers"`
	Authkey     types.String      `tfsdk:"authkey"`
	AuthkeyStar types.String      `tfsdk:"authkey_start"`
	AuthkeyEnd  types.String      `tfsdk:"authkey_end"`
	Created     types.String      `tfsdk:"created"`
	LastUsed    types.String      `tfsdk:"last_used"`
	UniqueIPs   types.Set         `tfsdk:"unique_ips"`
	Expired     types.Bool        `tfsdk:"expired"`
}

// Attribute descriptions shared by the resource and the ephemeral resource.
const (
	authKeyDescUserID     = "Numeric id of the MISP user the key belongs to. MISP cannot move a key to another user: a change replaces the key."
	authKeyDescComment    = "Free-text comment shown in MISP's list of auth keys."
	authKeyDescAllowedIPs = "IP addresses or CIDR ranges (IPv4 or IPv6) the key may be used from; MISP refuses the key from " +
		"anywhere else (HTTP 403 \"It is not possible to use this Auth key from your IP address\"). Null: from anywhere."
	authKeyDescReadOnly = "A read-only key keeps only `perm_auth` and `perm_audit` of the user's role: every write (and every " +
		"admin read) is refused, although `users/view/me` still shows the role's full permissions."
)

func (r *authKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth_key"
}

func (r *authKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A MISP advanced API key (`Security.advanced_authkeys`, on by default) for a user: a bot's key, " +
			"pinned to addresses, read-only or expiring.\n\n" +
			"**The key is a secret kept in the Terraform state.** MISP shows it once, when it is created; the provider " +
			"stores it in the sensitive attribute `authkey` and never logs it. Protect the state accordingly (encrypted " +
			"remote backend), or use the ephemeral `misp_auth_key` for short-lived keys that never reach the state.\n\n" +
			"`comment`, `allowed_ips`, `expiration` and `read_only` change in place. A change of `user_id` or of `keepers` " +
			"replaces the key: rotate a key by changing `keepers` with `lifecycle { create_before_destroy = true }`, so the " +
			"new key exists before the old one is deleted. A key deleted in MISP is created again; a key that expired is " +
			"reported (`expired`, and a warning on every plan).\n\n" +
			"Site admins manage every user's keys; org admins those of their own organisation's users that are not admins; " +
			"any other key only its own user's keys.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Numeric id of the key in MISP.", Computed: true, PlanModifiers: keep,
			},
			"uuid": schema.StringAttribute{
				MarkdownDescription: "UUID MISP gave the key.", Computed: true, PlanModifiers: keep,
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: authKeyDescUserID, Required: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP user id")},
			},
			"comment": schema.StringAttribute{
				MarkdownDescription: authKeyDescComment + " Default `\"\"`.",
				Optional:            true, Computed: true, Default: stringdefault.StaticString(""),
			},
			"allowed_ips": schema.SetAttribute{
				MarkdownDescription: authKeyDescAllowedIPs,
				ElementType:         types.StringType, Optional: true,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(cidrValidator{})},
			},
			"expiration": schema.StringAttribute{
				MarkdownDescription: "When the key stops working, as an RFC 3339 timestamp to the second (any offset; MISP keeps " +
					"epoch seconds). A time in the past is refused at plan time (MISP would accept it and create a dead key). " +
					"Left out: MISP's default, which is never unless the instance sets `Security.advanced_authkeys_validity`; " +
					"removing it from the configuration later keeps the current expiry.",
				CustomType: timetypes.RFC3339Type{}, Optional: true, Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				Validators:    []validator.String{wholeSecondsValidator{}},
			},
			"read_only": schema.BoolAttribute{
				MarkdownDescription: authKeyDescReadOnly + " Default `false`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
			},
			"keepers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values whose change replaces the key (rotation), e.g. " +
					"`{ rotation = \"2\" }` or the id of a `time_rotating` resource. Not sent to MISP. Setting keepers on " +
					"an imported key does not replace it.",
				ElementType: types.StringType, Optional: true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(keepersChanged,
					"Replaces the key when keepers change (not when they are first set on an imported key).",
					"Replaces the key when `keepers` change (not when they are first set on an imported key).")},
			},
			"authkey": schema.StringAttribute{
				MarkdownDescription: "The key itself (40 characters), **a secret stored in the state**. Null after an import: " +
					"MISP never shows a key again after creating it.",
				Computed: true, Sensitive: true, PlanModifiers: keep,
			},
			"authkey_start": schema.StringAttribute{
				MarkdownDescription: "The key's first four characters, as MISP shows them.", Computed: true, PlanModifiers: keep,
			},
			"authkey_end": schema.StringAttribute{
				MarkdownDescription: "The key's last four characters, as MISP shows them.", Computed: true, PlanModifiers: keep,
			},
			"created": schema.StringAttribute{
				MarkdownDescription: "Creation time (RFC 3339, UTC).", Computed: true, PlanModifiers: keep,
			},
			"last_used": schema.StringAttribute{
				MarkdownDescription: "Last use (RFC 3339, UTC) when MISP logs key usage (`MISP.log_user_ips` and " +
					"`MISP.log_user_ips_authkeys`); null otherwise.",
				Computed: true,
			},
			"unique_ips": schema.SetAttribute{
				MarkdownDescription: "Addresses MISP has seen the key used from.",
				ElementType:         types.StringType, Computed: true,
			},
			"expired": schema.BoolAttribute{
				MarkdownDescription: "Whether `expiration` has passed: MISP then refuses the key.", Computed: true,
			},
		},
	}
}

// keepersChanged replaces the key when keepers change, except when they are first set on an imported key.
func keepersChanged(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	var imported types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("authkey"), &imported)...)
	resp.RequiresReplace = !req.StateValue.IsNull() || !imported.IsNull()
}

func (r *authKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		r.client, r.pd = pd.client, pd
	}
}

// ConfigValidators refuses text MISP cannot store (misp_text.go).
func (r *authKeyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{mispTextValidator{}}
}

// authKeyErrorFields maps MISP's validation fields to attributes.
var authKeyErrorFields = map[string]path.Path{
	"user_id":     path.Root("user_id"),
	"allowed_ips": path.Root("allowed_ips"),
	"expiration":  path.Root("expiration"),
	"read_only":   path.Root("read_only"),
	"comment":     path.Root("comment"),
}

// ModifyPlan refuses at plan time what MISP would refuse or get wrong at apply: a past expiration, a provider
// key that is a legacy key (advanced keys off), a user whose keys the provider's key may not manage. It also
// plans `expired`.
func (r *authKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state authKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// A replacement is planned again by Terraform as a creation (null prior state), so creating covers it.
	replacing := creating
	if known(plan.Expiration) && (replacing || !plan.Expiration.Equal(state.Expiration)) {
		if t, d := plan.Expiration.ValueRFC3339Time(); !d.HasError() {
			if !t.After(time.Now()) {
				resp.Diagnostics.AddAttributeError(path.Root("expiration"), "Auth key expiration is in the past",
					fmt.Sprintf("expiration %s is not in the future. MISP would accept it and the key would never work. "+
						"Set a later time, or leave expiration out.", t.UTC().Format(time.RFC3339)))
				return
			}
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expired"), false)...)
		}
	} else if plan.Expiration.IsUnknown() || replacing {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expired"), types.BoolUnknown())...)
	} else {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expired"), state.Expired)...)
	}
	if !replacing {
		return
	}
	r.requireKeyManagement(plan.UserID, &resp.Diagnostics)
}

// requireKeyManagement checks, from the provider key's own user (users/view/me at configure), whether it can
// create keys at all and for this user. Org admins' organisation check needs the user and is done at apply.
func (r *authKeyResource) requireKeyManagement(userID types.String, diags *diag.Diagnostics) {
	pd := r.pd
	if pd == nil || pd.me == nil {
		return
	}
	if legacyKeys(pd) {
		diags.AddError("MISP's advanced auth keys are off",
			"The MISP instance authenticates with legacy API keys: Security.advanced_authkeys is off (users/view/me shows "+
				"the legacy users.authkey column). Keys made by misp_auth_key would exist in MISP's auth_keys table but "+
				"never log in. Turn Security.advanced_authkeys on (Administration > Server Settings > Security), then apply again.")
		return
	}
	if !known(userID) || bool(pd.me.Role.PermSiteAdmin) || bool(pd.me.Role.PermAdmin) {
		return
	}
	if userID.ValueString() != pd.me.User.ID.String() {
		diags.AddAttributeError(path.Root("user_id"), "The provider's API key may not manage this user's auth keys",
			fmt.Sprintf("user_id %s is another user, but the provider's API key belongs to %s. MISP lets such a key create "+
				"keys only for its own user (%s); it would answer HTTP 405 \"Invalid user or insufficient privileges\". Use a "+
				"site admin's key, or an org admin's key for users of its organisation.",
				userID.ValueString(), pd.keyHolder(), pd.me.User.ID))
	}
}

// legacyKeys reports an instance with Security.advanced_authkeys off: only then does users/view/me carry the
// user's authkey column (docs/development/misp-api.md §11.4).
func legacyKeys(pd *providerData) bool { return pd.me.User.Authkey != "" }

func (r *authKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan authKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID := plan.UserID.ValueString()
	attempted := fmt.Sprintf("Creating an auth key for user %s", userID)
	if !checkKeyUser(ctx, r.client, r.pd, userID, &resp.Diagnostics) {
		return
	}
	in, diags := authKeyInput(ctx, plan, false)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "Creating MISP auth key", map[string]any{"user_id": userID})
	k, _, err := r.createPlan(ctx, userID, in).run(ctx)
	var lost *createLostError
	switch {
	case errors.As(err, &lost):
		resp.Diagnostics.AddError("Error creating MISP auth key", lost.detail(attempted))
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Error creating MISP auth key", attempted, err, authKeyErrorFields)
		return
	}
	secret := k.Raw
	ctx = tflog.MaskMessageStrings(tflog.MaskAllFieldValuesStrings(ctx, secret), secret)
	// Read back with view, the shape every later read has.
	v, err := r.client.GetAuthKey(ctx, k.ID.String())
	if err != nil {
		v = &misp.AuthKeyView{AuthKey: *k}
	}
	m := authKeyFromAPI(v, time.Now())
	m.UserID, m.Keepers = plan.UserID, plan.Keepers
	m.Expiration = sameInstant(plan.Expiration, m.Expiration)
	m.Authkey = types.StringValue(secret)
	tflog.Debug(ctx, "Created MISP auth key", map[string]any{"id": m.ID.ValueString()})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// createPlan is the lost-answer-safe creation of a key (create_safely.go). A key whose add answer was lost is
// useless (its secret is gone), so the lookup deletes it instead of adopting it and the add is sent again: it
// finds the user's keys that did not exist before the first attempt and carry this creation's comment. When the
// list before the first attempt fails, nothing is deleted.
func (r *authKeyResource) createPlan(ctx context.Context, userID string, in misp.AuthKeyInput) createPlan[misp.AuthKey] {
	return authKeyCreatePlan(ctx, r.client, r.pd, userID, in)
}

func authKeyCreatePlan(ctx context.Context, c *misp.Client, pd *providerData, userID string, in misp.AuthKeyInput) createPlan[misp.AuthKey] {
	comment := ""
	if in.Comment != nil {
		comment = *in.Comment
	}
	var before map[string]bool
	if list, err := c.ListAuthKeys(context.WithoutCancel(ctx), userID); err == nil {
		before = map[string]bool{}
		for _, k := range list {
			before[k.ID.String()] = true
		}
	}
	attempts := 1
	if pd != nil {
		attempts = pd.maxAttempts
	}
	return createPlan[misp.AuthKey]{
		kind: "auth key", what: "auth key of user " + userID, scope: c.BaseURL(), attempts: attempts,
		add: func(ctx context.Context) (*misp.AuthKey, error) { return c.AddAuthKey(ctx, userID, in) },
		id:  func(k *misp.AuthKey) string { return k.ID.String() },
		find: func(ctx context.Context) (*misp.AuthKey, error, error) {
			if before == nil {
				return nil, errors.New("could not list the user's keys before the first attempt, so a key that attempt may have made cannot be told apart"), nil
			}
			list, err := c.ListAuthKeys(ctx, userID)
			if err != nil {
				return nil, nil, err
			}
			for _, k := range list {
				if before[k.ID.String()] || string(k.Comment) != comment {
					continue
				}
				// Made by the lost attempt: nobody knows its secret, so it goes.
				tflog.Info(ctx, "Deleting the auth key a lost creation made (its secret was never received)", map[string]any{"id": k.ID.String()})
				if err := c.DeleteAuthKey(ctx, k.ID.String()); err != nil && !errors.Is(err, misp.ErrNotFound) {
					return nil, nil, err
				}
			}
			return nil, nil, nil
		},
	}
}

// checkKeyUser checks at apply time that the user exists and that an org admin's key may manage its keys (MISP
// 2.5.1 would let an org admin create a key for another organisation's user and then hide it, §11.1).
func checkKeyUser(ctx context.Context, c *misp.Client, pd *providerData, userID string, diags *diag.Diagnostics) bool {
	if pd == nil || pd.me == nil || bool(pd.me.Role.PermSiteAdmin) || !bool(pd.me.Role.PermAdmin) {
		return true
	}
	u, ok := checkUserInScope(ctx, c, pd, userID, userScope{
		summary: "Error creating MISP auth key", objects: "auth keys",
		missing:  "An org admin manages only the keys of its own organisation's users.",
		otherOrg: "MISP 2.5.1 would create the key and then hide it from the org admin.",
	}, diags)
	switch {
	case !ok:
		return false
	case u.User.ID.String() != pd.me.User.ID.String() && (bool(u.Role.PermAdmin) || bool(u.Role.PermSiteAdmin)):
		diags.AddAttributeError(path.Root("user_id"), "The provider's API key may not manage this user's auth keys",
			fmt.Sprintf("User %s (%s) has the admin role %q; an org admin's key (%s) may create keys only for itself and "+
				"for users without admin rights.", userID, u.User.Email, u.Role.Name, pd.keyHolder()))
		return false
	}
	return true
}

// authKeyInput is the add or edit body. On update, a null allowed_ips clears MISP's list; a null expiration is
// not sent (MISP keeps it).
func authKeyInput(ctx context.Context, m authKeyModel, update bool) (misp.AuthKeyInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := misp.AuthKeyInput{Comment: stringPtr(m.Comment), ReadOnly: boolPtr(m.ReadOnly)}
	ips := []string{}
	if known(m.AllowedIPs) {
		diags.Append(m.AllowedIPs.ElementsAs(ctx, &ips, false)...)
	}
	if len(ips) > 0 || update {
		in.AllowedIPs = &ips
	}
	if known(m.Expiration) {
		t, d := m.Expiration.ValueRFC3339Time()
		diags.Append(d...)
		exp := t.Unix()
		in.Expiration = &exp
	}
	return in, diags
}

// sameInstant keeps the configured spelling of an expiration (its offset) when MISP's epoch seconds are the same
// instant: timetypes.RFC3339 treats other offsets as a difference.
func sameInstant(prior, got timetypes.RFC3339) timetypes.RFC3339 {
	if !known(prior) || !known(got) {
		return got
	}
	p, d1 := prior.ValueRFC3339Time()
	g, d2 := got.ValueRFC3339Time()
	if !d1.HasError() && !d2.HasError() && p.Equal(g) {
		return prior
	}
	return got
}

// authKeyFromAPI is the state of a key as view answers it; authkey, user_id and keepers are the caller's.
func authKeyFromAPI(v *misp.AuthKeyView, now time.Time) authKeyModel {
	k := v.AuthKey
	m := authKeyModel{
		ID: types.StringValue(k.ID.String()), UUID: types.StringValue(k.UUID),
		UserID:  types.StringValue(k.UserID.String()),
		Comment: types.StringValue(string(k.Comment)), ReadOnly: types.BoolValue(bool(k.ReadOnly)),
		AuthkeyStar: types.StringValue(k.Start), AuthkeyEnd: types.StringValue(k.End),
		Created: unixToRFC3339(k.Created), LastUsed: unixToRFC3339(k.LastUsed),
		Expiration: timetypes.NewRFC3339Null(), Expired: types.BoolValue(k.Expired(now.Unix())),
		AllowedIPs: types.SetNull(types.StringType), Keepers: types.MapNull(types.StringType),
		Authkey: types.StringNull(),
	}
	if k.Expiration > 0 {
		m.Expiration = timetypes.NewRFC3339TimeValue(time.Unix(int64(k.Expiration), 0).UTC())
	}
	if len(k.AllowedIPs) > 0 {
		m.AllowedIPs = stringSet(k.AllowedIPs)
	}
	m.UniqueIPs = stringSet(k.UniqueIPs)
	return m
}

func stringSet(l []string) types.Set {
	vals := make([]attr.Value, len(l))
	for i, s := range l {
		vals[i] = types.StringValue(s)
	}
	return types.SetValueMust(types.StringType, vals)
}

func (r *authKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state authKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	v, err := r.client.GetAuthKey(ctx, id)
	if errors.Is(err, misp.ErrNotFound) {
		tflog.Warn(ctx, "MISP auth key gone, removing it from state", map[string]any{"id": id})
		resp.Diagnostics.AddWarning("MISP auth key no longer exists",
			fmt.Sprintf("Auth key %s (%s…%s) of user %s was deleted outside Terraform. It is removed from the state and a "+
				"new key will be created on the next apply.", id, state.AuthkeyStar.ValueString(), state.AuthkeyEnd.ValueString(),
				state.UserID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP auth key", fmt.Sprintf("Reading auth key %s", id), err, nil)
		return
	}
	m := authKeyFromAPI(v, time.Now())
	m.Authkey, m.Keepers = state.Authkey, state.Keepers
	m.Expiration = sameInstant(state.Expiration, m.Expiration)
	switch {
	case v.Orphaned:
		resp.Diagnostics.AddWarning("MISP auth key belongs to a deleted user",
			fmt.Sprintf("Auth key %s belongs to user %s, which no longer exists in MISP (MISP keeps a deleted user's keys). "+
				"The key cannot log in. Destroy it, or give user_id an existing user (that replaces the key).", id, m.UserID.ValueString()))
	case m.Expired.ValueBool():
		resp.Diagnostics.AddWarning("MISP auth key has expired",
			fmt.Sprintf("Auth key %s (%s…%s) of user %s expired at %s; MISP refuses it. Set a later expiration (an in-place "+
				"change) or rotate it (keepers).", id, m.AuthkeyStar.ValueString(), m.AuthkeyEnd.ValueString(),
				m.UserID.ValueString(), m.Expiration.ValueString()))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *authKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state authKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	in, diags := authKeyInput(ctx, plan, true)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "Updating MISP auth key", map[string]any{"id": id})
	v, err := r.client.EditAuthKey(ctx, id, in)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error updating MISP auth key", fmt.Sprintf("Updating auth key %s", id), err, authKeyErrorFields)
		return
	}
	m := authKeyFromAPI(v, time.Now())
	m.Authkey, m.Keepers, m.UserID = state.Authkey, plan.Keepers, state.UserID
	m.Expiration = sameInstant(plan.Expiration, m.Expiration)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *authKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state authKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	tflog.Debug(ctx, "Deleting MISP auth key", map[string]any{"id": id})
	err := r.client.DeleteAuthKey(ctx, id)
	if err == nil || errors.Is(err, misp.ErrNotFound) {
		releaseClaim(r.client, "auth key", id)
		return
	}
	addAPIError(&resp.Diagnostics, "Error deleting MISP auth key", fmt.Sprintf("Deleting auth key %s", id), err, nil)
}

// ImportState takes the key's numeric id or its UUID. The key itself cannot be imported: MISP never shows it again.
func (r *authKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	key := strings.TrimSpace(req.ID)
	var (
		v   *misp.AuthKeyView
		err error
	)
	switch {
	case numericIDRe.MatchString(key):
		v, err = r.client.GetAuthKey(ctx, key)
	case mispUUIDRe.MatchString(key):
		v, err = r.client.FindAuthKeyByUUID(ctx, key)
	default:
		resp.Diagnostics.AddError("Error importing MISP auth key",
			fmt.Sprintf("%q is neither a numeric auth key id nor a UUID. Import a key by either, e.g. "+
				"terraform import misp_auth_key.bot 12.", key))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error importing MISP auth key", fmt.Sprintf("Looking up auth key %q", key), err, nil)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), v.ID.String())...)
	resp.Diagnostics.AddWarning("Imported auth key without its secret",
		fmt.Sprintf("MISP shows an auth key only once, when it is created, so authkey of key %s (%s…%s) is null in the "+
			"state. To have a key whose secret Terraform knows, rotate it (change keepers, or replace the resource).",
			v.ID, v.Start, v.End))
}

// cidrValidator accepts what MISP's CidrTool::validate accepts: an IPv4 or IPv6 address, optionally with a
// netmask of at most 32 or 128 bits.
type cidrValidator struct{}

func (cidrValidator) Description(context.Context) string {
	return "must be an IP address or CIDR range such as 192.0.2.10, 10.0.0.0/8 or 2001:db8::/32"
}

func (v cidrValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v cidrValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	s := req.ConfigValue.ValueString()
	if !validCIDR(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP address or range",
			fmt.Sprintf("%q %s (MISP would refuse it: \"%s is not valid IP range\").", s, v.Description(ctx), s))
	}
}

func validCIDR(s string) bool {
	addr, mask, hasMask := strings.Cut(s, "/")
	a, err := netip.ParseAddr(addr)
	if err != nil || a.Zone() != "" || strings.TrimSpace(s) != s {
		return false
	}
	if !hasMask {
		return true
	}
	n, err := strconv.Atoi(mask)
	return err == nil && mask != "" && strings.Trim(mask, "0123456789") == "" && n <= a.BitLen()
}

// wholeSecondsValidator refuses fractions of a second, which MISP's epoch seconds would drop (a diff on every plan).
type wholeSecondsValidator struct{}

func (wholeSecondsValidator) Description(context.Context) string {
	return "must be whole seconds (MISP stores epoch seconds)"
}

func (v wholeSecondsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v wholeSecondsValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	t, err := time.Parse(time.RFC3339Nano, req.ConfigValue.ValueString())
	if err == nil && t.Nanosecond() != 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Expiration with a fraction of a second",
			fmt.Sprintf("%q has a fraction of a second; MISP keeps whole seconds. Drop the fraction.", req.ConfigValue.ValueString()))
	}
}
