package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ datasource.DataSource                     = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*userDataSource)(nil)
)

// NewUserDataSource is the misp_user data source.
func NewUserDataSource() datasource.DataSource { return &userDataSource{} }

type userDataSource struct {
	pd *providerData
}

// userInfoModel is one user's non-secret attributes, as the misp_user data source and each element of
// misp_users present them.
type userInfoModel struct {
	ID                   types.String `tfsdk:"id"`
	Email                types.String `tfsdk:"email"`
	OrgID                types.String `tfsdk:"org_id"`
	RoleID               types.String `tfsdk:"role_id"`
	ServerID             types.String `tfsdk:"server_id"`
	Autoalert            types.Bool   `tfsdk:"autoalert"`
	ContactAlert         types.Bool   `tfsdk:"contactalert"`
	Disabled             types.Bool   `tfsdk:"disabled"`
	TermsAccepted        types.Bool   `tfsdk:"termsaccepted"`
	ChangePw             types.Bool   `tfsdk:"change_pw"`
	ForceLogout          types.Bool   `tfsdk:"force_logout"`
	NotificationDaily    types.Bool   `tfsdk:"notification_daily"`
	NotificationWeekly   types.Bool   `tfsdk:"notification_weekly"`
	NotificationMonthly  types.Bool   `tfsdk:"notification_monthly"`
	GPGKey               types.String `tfsdk:"gpgkey"`
	CertifPublic         types.String `tfsdk:"certif_public"`
	NidsSid              types.Int64  `tfsdk:"nids_sid"`
	Expiration           types.String `tfsdk:"expiration"`
	ExternalAuthRequired types.Bool   `tfsdk:"external_auth_required"`

	userComputedModel
}

func (m *userInfoModel) setFromRecord(rec *userRecord) {
	u := rec.User
	m.ID = types.StringValue(u.ID.String())
	m.Email = types.StringValue(u.Email)
	m.OrgID = idValue(u.OrgID)
	m.RoleID = idValue(u.RoleID)
	m.ServerID = types.StringValue(idString(u.ServerID))
	if rec.ServerID != nil {
		m.ServerID = types.StringValue(*rec.ServerID)
	}
	m.Autoalert = types.BoolValue(bool(u.Autoalert))
	m.ContactAlert = types.BoolValue(bool(u.ContactAlert))
	m.Disabled = types.BoolValue(bool(u.Disabled))
	m.TermsAccepted = types.BoolValue(bool(u.TermsAccepted))
	m.ChangePw = types.BoolValue(bool(u.ChangePw))
	m.ForceLogout = types.BoolValue(bool(u.ForceLogout))
	m.NotificationDaily = types.BoolValue(bool(u.NotificationDaily))
	m.NotificationWeekly = types.BoolValue(bool(u.NotificationWeekly))
	m.NotificationMonthly = types.BoolValue(bool(u.NotificationMonthly))
	m.GPGKey = types.StringValue(u.GPGKey)
	m.CertifPublic = types.StringValue(u.CertifPublic)
	m.NidsSid = types.Int64Value(int64(u.NidsSid))
	m.Expiration = mispDatetimeToRFC3339(u.Expiration)
	m.ExternalAuthRequired = types.BoolValue(bool(u.ExternalAuthRequired))
	m.userComputedModel.setFromRecord(rec)
}

// userInfoAttributes is the schema of userInfoModel, all computed. The misp_user data source turns id and
// email into lookup keys.
func userInfoAttributes() map[string]schema.Attribute {
	str := func(desc string) schema.Attribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	flag := func(desc string) schema.Attribute {
		return schema.BoolAttribute{MarkdownDescription: desc, Computed: true}
	}
	ts := func(desc string) schema.Attribute {
		return schema.StringAttribute{MarkdownDescription: desc + " RFC 3339 (UTC); null when never.", Computed: true}
	}
	return map[string]schema.Attribute{
		"id":                     str("MISP's numeric user id."),
		"email":                  str("Login e-mail address."),
		"org_id":                 str("Id of the user's organisation."),
		"org_name":               str("Name of the user's organisation."),
		"role_id":                str("Id of the user's role."),
		"role_name":              str("Name of the user's role."),
		"server_id":              str("Id of the sync server the user belongs to; `0` for none."),
		"autoalert":              flag("E-mail the user when events are published."),
		"contactalert":           flag("E-mail the user when someone uses an event's contact form."),
		"disabled":               flag("Whether the account is disabled."),
		"termsaccepted":          flag("Whether the user accepted the terms of use."),
		"change_pw":              flag("Whether the user must change the password at the next login."),
		"force_logout":           flag("Whether the user's sessions end at the next request."),
		"notification_daily":     flag("Daily event summary e-mail."),
		"notification_weekly":    flag("Weekly event summary e-mail."),
		"notification_monthly":   flag("Monthly event summary e-mail."),
		"gpgkey":                 str("PGP public key; `\"\"` for none."),
		"certif_public":          str("x509 certificate for S/MIME; `\"\"` for none."),
		"nids_sid":               schema.Int64Attribute{MarkdownDescription: "NIDS signature id base.", Computed: true},
		"expiration":             ts("Account expiry."),
		"external_auth_required": flag("Whether external authentication is required."),
		"invited_by":             str("Id of the user who created this one."),
		"newsread":               ts("When the user last read MISP's news."),
		"current_login":          ts("Start of the user's current session."),
		"last_login":             ts("Start of the user's previous session."),
		"last_api_access":        ts("Last API access."),
		"last_pw_change":         ts("Last password change."),
		"date_created":           ts("Creation time."),
		"date_modified":          ts("Last modification."),
		"totp_enabled":           flag("Whether the user has enrolled a TOTP second factor."),
	}
}

func (d *userDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := userInfoAttributes()
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "MISP's numeric user id. Exactly one of `id` and `email` must be set.",
		Optional:            true, Computed: true,
		Validators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP user id")},
	}
	attrs["email"] = schema.StringAttribute{
		MarkdownDescription: "E-mail address of the user, compared without regard to case as MISP does. Exactly one of `id` and `email` must be set.",
		Optional:            true, Computed: true,
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One MISP user, found by id or by e-mail address, with every attribute except secrets " +
			"(password, API keys, external authentication key). The provider's key must be a site admin's, or an org admin's " +
			"for users of its own organisation.",
		Attributes: attrs,
	}
}

func (d *userDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("email")),
	}
}

func (d *userDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m userInfoModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !requireKeyToRead(d.pd, &resp.Diagnostics, needUserAdmin, "The misp_user data source", "MISP users") {
		return
	}
	id := m.ID.ValueString()
	what := "user " + id
	if m.ID.IsNull() {
		email := m.Email.ValueString()
		what = "user " + email
		entry, err := findUserByEmail(ctx, d.pd.client, email)
		if errors.Is(err, errUserEmailNotFound) {
			resp.Diagnostics.AddAttributeError(path.Root("email"), "MISP user not found",
				fmt.Sprintf("No MISP user has the e-mail address %q (compared without regard to case), or the provider's key "+
					"cannot see it (an org admin sees only its own organisation's users).", email))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Error reading MISP user", "Looking up "+what, err, nil)
			return
		}
		id = entry.User.ID.String()
	}
	rec, err := readUser(ctx, d.pd.client, id)
	if errors.Is(err, misp.ErrNotFound) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "MISP user not found",
			fmt.Sprintf("No MISP user has the id %s, or the provider's key cannot see it (an org admin sees only its own "+
				"organisation's users).", id))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP user", "Reading "+what, err, nil)
		return
	}
	configEmail := m.Email
	m.setFromRecord(rec)
	if !configEmail.IsNull() {
		// The lookup key stays as configured; MISP's spelling may differ in case only.
		m.Email = configEmail
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
