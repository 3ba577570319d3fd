package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// The MISP columns of a user, as misp_user, the misp_user data source and each user of misp_users present
// them. userFieldTable holds one descriptor per attribute; the schemas, the add and edit requests, the mapping of
// MISP's answer onto the models, the applied-check (checkApplied), the error paths (userFieldPaths) and the
// attributes the users index lacks (userViewOnlyFields) are derived from it. Adding a column: a field of
// userColumns (or of userResourceModel for a secret), an entry of userFieldTable, its docs and a test.

// userColumns are the attributes misp_user shares with its data sources.
type userColumns struct {
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

	InvitedBy     types.String `tfsdk:"invited_by"`
	NewsRead      types.String `tfsdk:"newsread"`
	CurrentLogin  types.String `tfsdk:"current_login"`
	LastLogin     types.String `tfsdk:"last_login"`
	LastAPIAccess types.String `tfsdk:"last_api_access"`
	LastPwChange  types.String `tfsdk:"last_pw_change"`
	DateCreated   types.String `tfsdk:"date_created"`
	DateModified  types.String `tfsdk:"date_modified"`
	TOTPEnabled   types.Bool   `tfsdk:"totp_enabled"`
	OrgName       types.String `tfsdk:"org_name"`
	RoleName      types.String `tfsdk:"role_name"`
}

// userResourceModel is misp_user's state: the columns, the one secret column, and the provider-only
// attributes (passwords, one-shot actions, the stored API key).
type userResourceModel struct {
	userColumns
	ExternalAuthKey types.String `tfsdk:"external_auth_key"`

	PasswordWO           types.String `tfsdk:"password_wo"`
	PasswordWOVersion    types.Int64  `tfsdk:"password_wo_version"`
	Notify               types.Bool   `tfsdk:"notify"`
	PasswordResetVersion types.Int64  `tfsdk:"password_reset_version"`
	TOTPResetVersion     types.Int64  `tfsdk:"totp_reset_version"`
	StoreAuthkey         types.Bool   `tfsdk:"store_authkey"`
	Authkey              types.String `tfsdk:"authkey"`
}

// userInfoModel is one user's non-secret attributes: the misp_user data source and each element of misp_users.
type userInfoModel struct {
	userColumns
}

// userField describes one attribute of misp_user that is a MISP column.
type userField struct {
	// name is the attribute and, for a managed one, MISP's field name.
	name string
	// doc is misp_user's description; infoDoc the data sources' when it differs.
	doc, infoDoc string
	// required: the configuration must set it.
	required bool
	// readOnly: MISP computes it; it is never sent. stable: a read-only value that plans keep from the state.
	readOnly, stable bool
	// afterAdd: MISP ignores it on add, so an edit sets it right after (docs/development/misp-api.md §1.1.3 step 11).
	afterAdd bool
	// indexLacks: MISP's users index lacks it (§1.1.1); a refresh from the index keeps the last known value.
	indexLacks bool
	// sensitive: a secret, never shown; the data sources leave it out.
	sensitive bool
	// datetime: an RFC 3339 timestamp that MISP takes as its "YYYY-MM-DD HH:MM:SS" (UTC).
	datetime         bool
	stringValidators []validator.String
	int64Validators  []validator.Int64
	bind             userBinding
}

// managed reports an attribute the configuration may set and the provider sends.
func (f *userField) managed() bool { return !f.readOnly }

func (f *userField) infoDescription() string {
	if f.infoDoc != "" {
		return f.infoDoc
	}
	return f.doc
}

// userBinding is the typed half of a userField: where its value lives in the models and in MISP's request and
// answer.
type userBinding interface {
	value(m *userResourceModel) attr.Value
	// keep copies the value of from into m; unset makes it null.
	keep(m, from *userResourceModel)
	unset(m *userResourceModel)
	// read sets m's value from MISP's record; prior is what the state held.
	read(f *userField, rec *userRecord, m, prior *userResourceModel)
	// send puts m's value into the request when it is known.
	send(f *userField, m *userResourceModel, in *misp.UserInput, diags *diag.Diagnostics)
	resourceAttribute(f *userField) rschema.Attribute
	infoAttribute(f *userField) dschema.Attribute
}

// Descriptions shared by several attributes.
const (
	userNeverNull      = " RFC 3339 (UTC); null when never."
	userKeptUnlessSet  = " Left out of the configuration, MISP's value is kept and never overwritten."
	userSetAfterAddDoc = " Set with an edit right after creation (MISP ignores it on add)."
)

// userFieldTable lists misp_user's MISP columns. Order matters only for diagnostics (checkApplied reports in it).
var userFieldTable = []userField{
	{name: "id", readOnly: true, stable: true,
		doc: "MISP's numeric user id. Import with the id or the e-mail address.", infoDoc: "MISP's numeric user id.",
		bind: userString{slot: slot[types.String]{func(m *userResourceModel) *types.String { return &m.ID }},
			api: func(rec *userRecord, _ types.String) types.String { return types.StringValue(rec.User.ID.String()) }}},
	{name: "email", required: true,
		doc: "Login e-mail address, unique in MISP regardless of case (a change of case only in " +
			"MISP is not drift). Checked at plan time with MISP's own rule: letters, digits and " +
			"`!#$%&'*+/=?^_`{|}~-` before the `@`, then `a-z 0-9 _ . -`.",
		infoDoc: "Login e-mail address.",
		stringValidators: []validator.String{
			stringvalidator.LengthAtMost(255),
			stringvalidator.RegexMatches(userEmailRe, "must be an e-mail address that MISP accepts"),
		},
		bind: userText{slot: slot[userStringValue]{func(m *userResourceModel) *userStringValue { return &m.Email }},
			kind:  userEmailKind,
			input: func(in *misp.UserInput) **string { return &in.Email },
			api:   func(rec *userRecord) types.String { return types.StringValue(rec.User.Email) }}},
	{name: "org_id",
		doc: "Id of the user's organisation. Defaults to the organisation of the provider's user " +
			"(MISP's default). Changing it moves the user in place. An org admin's key can only place users in its own " +
			"organisation (MISP silently ignores anything else); the provider reports that at plan time.",
		infoDoc:          "Id of the user's organisation.",
		stringValidators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP organisation id")},
		bind: userString{slot: slot[types.String]{func(m *userResourceModel) *types.String { return &m.OrgID }},
			input: func(in *misp.UserInput) **string { return &in.OrgID },
			api:   func(rec *userRecord, _ types.String) types.String { return idValue(rec.User.OrgID) }}},
	{name: "role_id",
		doc: "Id of the user's role. Defaults to MISP's default role. Changed in place. Org admins " +
			"cannot assign roles with site-admin, sync or regexp permissions, nor roles restricted to site admins.",
		infoDoc:          "Id of the user's role.",
		stringValidators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP role id")},
		bind: userString{slot: slot[types.String]{func(m *userResourceModel) *types.String { return &m.RoleID }},
			input: func(in *misp.UserInput) **string { return &in.RoleID },
			api:   func(rec *userRecord, _ types.String) types.String { return idValue(rec.User.RoleID) }}},
	{name: "server_id",
		doc: "Id of the sync server the user belongs to; `0` for none. MISP forces it to `0` unless the " +
			"role has the sync permission (checked at plan time), including when the role changes.",
		infoDoc:          "Id of the sync server the user belongs to; `0` for none.",
		stringValidators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP server id")},
		bind: userString{slot: slot[types.String]{func(m *userResourceModel) *types.String { return &m.ServerID }},
			input: func(in *misp.UserInput) **string { return &in.ServerID },
			api:   serverIDFromRecord}},
	userFlag("autoalert", "E-mail the user when events are published (MISP default: the instance's `MISP.default_publish_alert`).",
		"E-mail the user when events are published.",
		func(m *userResourceModel) *types.Bool { return &m.Autoalert },
		func(in *misp.UserInput) **bool { return &in.Autoalert },
		func(u *misp.User) misp.Bool { return u.Autoalert }),
	userFlag("contactalert", "E-mail the user when someone uses the contact form of an event (MISP default `false`).",
		"E-mail the user when someone uses an event's contact form.",
		func(m *userResourceModel) *types.Bool { return &m.ContactAlert },
		func(in *misp.UserInput) **bool { return &in.ContactAlert },
		func(u *misp.User) misp.Bool { return u.ContactAlert }),
	userFlag("disabled", "Disable the account: it can neither log in nor use its API keys (MISP default `false`).",
		"Whether the account is disabled.",
		func(m *userResourceModel) *types.Bool { return &m.Disabled },
		func(in *misp.UserInput) **bool { return &in.Disabled },
		func(u *misp.User) misp.Bool { return u.Disabled }),
	userFlag("termsaccepted", "Whether the user accepted the terms of use; MISP sets it when the user does (default `false`).",
		"Whether the user accepted the terms of use.",
		func(m *userResourceModel) *types.Bool { return &m.TermsAccepted },
		func(in *misp.UserInput) **bool { return &in.TermsAccepted },
		func(u *misp.User) misp.Bool { return u.TermsAccepted }),
	userFlag("change_pw", "Force a password change at the next login (MISP default `true` for new accounts). "+
		"MISP clears it when the user changes the password and sets it on a password reset.",
		"Whether the user must change the password at the next login.",
		func(m *userResourceModel) *types.Bool { return &m.ChangePw },
		func(in *misp.UserInput) **bool { return &in.ChangePw },
		func(u *misp.User) misp.Bool { return u.ChangePw }),
	userFlag("force_logout", "End the user's sessions at the next request."+userSetAfterAddDoc,
		"Whether the user's sessions end at the next request.",
		func(m *userResourceModel) *types.Bool { return &m.ForceLogout },
		func(in *misp.UserInput) **bool { return &in.ForceLogout },
		func(u *misp.User) misp.Bool { return u.ForceLogout }).setAfterAdd(),
	userFlag("notification_daily", "Daily event summary e-mail."+userSetAfterAddDoc, "Daily event summary e-mail.",
		func(m *userResourceModel) *types.Bool { return &m.NotificationDaily },
		func(in *misp.UserInput) **bool { return &in.NotificationDaily },
		func(u *misp.User) misp.Bool { return u.NotificationDaily }).setAfterAdd().lackedByIndex(),
	userFlag("notification_weekly", "Weekly event summary e-mail."+userSetAfterAddDoc, "Weekly event summary e-mail.",
		func(m *userResourceModel) *types.Bool { return &m.NotificationWeekly },
		func(in *misp.UserInput) **bool { return &in.NotificationWeekly },
		func(u *misp.User) misp.Bool { return u.NotificationWeekly }).setAfterAdd().lackedByIndex(),
	userFlag("notification_monthly", "Monthly event summary e-mail."+userSetAfterAddDoc, "Monthly event summary e-mail.",
		func(m *userResourceModel) *types.Bool { return &m.NotificationMonthly },
		func(in *misp.UserInput) **bool { return &in.NotificationMonthly },
		func(u *misp.User) misp.Bool { return u.NotificationMonthly }).setAfterAdd().lackedByIndex(),
	{name: "gpgkey",
		doc: "ASCII-armoured PGP public key for encrypted e-mail; `\"\"` for none. MISP validates it when " +
			"GnuPG is configured, and trims surrounding whitespace (not a diff).",
		infoDoc: "PGP public key; `\"\"` for none.",
		bind: userText{slot: slot[userStringValue]{func(m *userResourceModel) *userStringValue { return &m.GPGKey }},
			kind:  userTrimmedKind,
			input: func(in *misp.UserInput) **string { return &in.GPGKey },
			api:   func(rec *userRecord) types.String { return types.StringValue(rec.User.GPGKey) }}},
	{name: "certif_public",
		doc:     "PEM x509 certificate for S/MIME e-mail; `\"\"` for none. MISP rejects an invalid certificate.",
		infoDoc: "x509 certificate for S/MIME; `\"\"` for none.",
		bind: userText{slot: slot[userStringValue]{func(m *userResourceModel) *userStringValue { return &m.CertifPublic }},
			kind:  userTrimmedKind,
			input: func(in *misp.UserInput) **string { return &in.CertifPublic },
			api:   func(rec *userRecord) types.String { return types.StringValue(rec.User.CertifPublic) }}},
	{name: "nids_sid",
		doc:             "NIDS signature id base of the user. MISP picks a random one between 1000000 and 9999999 when not set.",
		infoDoc:         "NIDS signature id base.",
		int64Validators: []validator.Int64{int64validator.AtLeast(1)},
		bind: userInt{slot: slot[types.Int64]{func(m *userResourceModel) *types.Int64 { return &m.NidsSid }},
			input: func(in *misp.UserInput) **int64 { return &in.NidsSid },
			api:   func(u *misp.User) misp.Int64 { return u.NidsSid }}},
	{name: "expiration", afterAdd: true, datetime: true,
		doc: "Account expiry as an RFC 3339 timestamp (any offset; MISP stores it in UTC, to the second). " +
			"Set with an edit right after creation, as MISP ignores it on add. Null when not set. Removing it from the " +
			"configuration leaves MISP's value in place (MISP's API cannot clear it). MISP 2.5 stores it but does not act on it.",
		infoDoc:          "Account expiry." + userNeverNull,
		stringValidators: []validator.String{rfc3339Validator{}},
		bind: userText{slot: slot[userStringValue]{func(m *userResourceModel) *userStringValue { return &m.Expiration }},
			kind:  userInstantKind,
			input: func(in *misp.UserInput) **string { return &in.Expiration },
			api:   func(rec *userRecord) types.String { return mispDatetimeToRFC3339(rec.User.Expiration) }}},
	userFlag("external_auth_required", "Require external authentication (e.g. a client certificate) for this user (MISP default `false`).",
		"Whether external authentication is required.",
		func(m *userResourceModel) *types.Bool { return &m.ExternalAuthRequired },
		func(in *misp.UserInput) **bool { return &in.ExternalAuthRequired },
		func(u *misp.User) misp.Bool { return u.ExternalAuthRequired }).lackedByIndex(),
	// No custom type: the framework logs the values it hands to a type's semantic equality, so the trimming MISP
	// does is absorbed when the answer is mapped (trimmedKeepingPrior) instead.
	{name: "external_auth_key", sensitive: true, indexLacks: true,
		doc: "Key identifying the user to the external authentication module; `\"\"` for none. " +
			"MISP trims surrounding whitespace (not a diff). Never logged.",
		bind: userString{slot: slot[types.String]{func(m *userResourceModel) *types.String { return &m.ExternalAuthKey }},
			input: func(in *misp.UserInput) **string { return &in.ExternalAuthKey },
			api: func(rec *userRecord, prior types.String) types.String {
				return trimmedKeepingPrior(prior, rec.User.ExternalAuthKey)
			}}},

	{name: "invited_by", readOnly: true, stable: true, doc: "Id of the user who created this one.",
		bind: userString{slot: slot[types.String]{func(m *userResourceModel) *types.String { return &m.InvitedBy }},
			api: func(rec *userRecord, _ types.String) types.String { return idValue(rec.User.InvitedBy) }}},
	userTimestamp("newsread", true, "When the user last read MISP's news.", "",
		func(m *userResourceModel) *types.String { return &m.NewsRead }, func(u *misp.User) misp.Int64 { return u.NewsRead }),
	userTimestamp("current_login", false, "Start of the user's current session.", "",
		func(m *userResourceModel) *types.String { return &m.CurrentLogin }, func(u *misp.User) misp.Int64 { return u.CurrentLogin }),
	userTimestamp("last_login", false, "Start of the user's previous session.", "",
		func(m *userResourceModel) *types.String { return &m.LastLogin }, func(u *misp.User) misp.Int64 { return u.LastLogin }),
	userTimestamp("last_api_access", false, "Last API access (MISP refreshes it at most hourly by default).", "Last API access.",
		func(m *userResourceModel) *types.String { return &m.LastAPIAccess }, func(u *misp.User) misp.Int64 { return u.LastAPIAccess }),
	userTimestamp("last_pw_change", true, "Last password change.", "",
		func(m *userResourceModel) *types.String { return &m.LastPwChange }, func(u *misp.User) misp.Int64 { return u.LastPwChange }),
	userTimestamp("date_created", true, "Creation time.", "",
		func(m *userResourceModel) *types.String { return &m.DateCreated }, func(u *misp.User) misp.Int64 { return u.DateCreated }),
	userTimestamp("date_modified", false, "Last modification; changes with every edit.", "Last modification.",
		func(m *userResourceModel) *types.String { return &m.DateModified }, func(u *misp.User) misp.Int64 { return u.DateModified }),
	{name: "totp_enabled", readOnly: true, stable: true, indexLacks: true,
		doc:     "Whether the user has enrolled a TOTP second factor (MISP's `totp_is_set`).",
		infoDoc: "Whether the user has enrolled a TOTP second factor.",
		bind: userBool{slot: slot[types.Bool]{func(m *userResourceModel) *types.Bool { return &m.TOTPEnabled }},
			api: func(u *misp.User) misp.Bool { return u.TOTPIsSet }}},
	{name: "org_name", readOnly: true, stable: true, doc: "Name of the user's organisation.",
		bind: userString{slot: slot[types.String]{func(m *userResourceModel) *types.String { return &m.OrgName }},
			api: func(rec *userRecord, _ types.String) types.String { return nameValue(rec.OrgName) }}},
	{name: "role_name", readOnly: true, stable: true, doc: "Name of the user's role.",
		bind: userString{slot: slot[types.String]{func(m *userResourceModel) *types.String { return &m.RoleName }},
			api: func(rec *userRecord, _ types.String) types.String { return nameValue(rec.RoleName) }}},
}

// userFlag is a managed boolean column. doc is misp_user's description, info the data sources'.
func userFlag(name, doc, info string, model func(*userResourceModel) *types.Bool, input func(*misp.UserInput) **bool,
	api func(*misp.User) misp.Bool,
) userField {
	return userField{name: name, doc: doc, infoDoc: info, bind: userBool{slot: slot[types.Bool]{model}, input: input, api: api}}
}

// userTimestamp is a read-only unix-time column shown as RFC 3339; stable ones keep their state value in plans.
func userTimestamp(name string, stable bool, doc, info string, model func(*userResourceModel) *types.String,
	api func(*misp.User) misp.Int64,
) userField {
	if info != "" {
		info += userNeverNull
	}
	return userField{name: name, readOnly: true, stable: stable, doc: doc + userNeverNull, infoDoc: info,
		bind: userString{slot: slot[types.String]{model},
			api: func(rec *userRecord, _ types.String) types.String { return unixToRFC3339(api(&rec.User)) }}}
}

func (f userField) setAfterAdd() userField { f.afterAdd = true; return f }

func (f userField) lackedByIndex() userField { f.indexLacks = true; return f }

// serverIDFromRecord is server_id from the index row (which the view lacks, §1.1.2), else from the answer; null
// when neither has it: misp_user then keeps what it knew, and the data sources show MISP's default 0.
func serverIDFromRecord(rec *userRecord, prior types.String) types.String {
	switch {
	case rec.ServerID != nil:
		return types.StringValue(*rec.ServerID)
	case rec.User.ServerID != "":
		return types.StringValue(rec.User.ServerID.String())
	case known(prior):
		return prior
	}
	return types.StringValue("0")
}

// slot is where a userField's value lives in the models.
type slot[V attr.Value] struct {
	model func(*userResourceModel) *V
}

func (s slot[V]) value(m *userResourceModel) attr.Value { return *s.model(m) }

func (s slot[V]) keep(m, from *userResourceModel) { *s.model(m) = *s.model(from) }

func (s slot[V]) unset(m *userResourceModel) {
	var null V // the zero value of a framework value is null
	*s.model(m) = null
}

// planModifiers of a column in misp_user: a managed one, or a stable read-only one, keeps its state value.
func (f *userField) keepsState() bool { return f.managed() && !f.required || f.stable }

// userBool is a boolean column.
type userBool struct {
	slot[types.Bool]
	input func(*misp.UserInput) **bool
	api   func(*misp.User) misp.Bool
}

func (b userBool) read(_ *userField, rec *userRecord, m, _ *userResourceModel) {
	*b.model(m) = types.BoolValue(bool(b.api(&rec.User)))
}

func (b userBool) send(_ *userField, m *userResourceModel, in *misp.UserInput, _ *diag.Diagnostics) {
	if p := boolPtr(*b.model(m)); p != nil {
		*b.input(in) = p
	}
}

func (b userBool) resourceAttribute(f *userField) rschema.Attribute {
	a := rschema.BoolAttribute{MarkdownDescription: f.doc, Computed: true, Sensitive: f.sensitive}
	if f.managed() {
		a.MarkdownDescription += userKeptUnlessSet
		a.Optional = true
	}
	if f.keepsState() {
		a.PlanModifiers = []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
	}
	return a
}

func (b userBool) infoAttribute(f *userField) dschema.Attribute {
	return dschema.BoolAttribute{MarkdownDescription: f.infoDescription(), Computed: true}
}

// userString is a string column of the framework's plain type.
type userString struct {
	slot[types.String]
	input func(*misp.UserInput) **string
	// api is MISP's value; prior is the state's, for columns whose answer may lack the value.
	api func(rec *userRecord, prior types.String) types.String
}

func (s userString) read(_ *userField, rec *userRecord, m, prior *userResourceModel) {
	*s.model(m) = s.api(rec, *s.model(prior))
}

func (s userString) send(_ *userField, m *userResourceModel, in *misp.UserInput, _ *diag.Diagnostics) {
	if p := stringPtr(*s.model(m)); p != nil {
		*s.input(in) = p
	}
}

func (s userString) resourceAttribute(f *userField) rschema.Attribute {
	return userStringAttribute(f, nil)
}

func (s userString) infoAttribute(f *userField) dschema.Attribute {
	return dschema.StringAttribute{MarkdownDescription: f.infoDescription(), Computed: true}
}

// userText is a string column with a custom type that compares values as MISP does (user_types.go).
type userText struct {
	slot[userStringValue]
	kind  userStringKind
	input func(*misp.UserInput) **string
	api   func(*userRecord) types.String
}

func (t userText) read(_ *userField, rec *userRecord, m, _ *userResourceModel) {
	*t.model(m) = userStringValue{StringValue: t.api(rec), rule: t.kind}
}

func (t userText) send(f *userField, m *userResourceModel, in *misp.UserInput, diags *diag.Diagnostics) {
	p := stringPtr(t.model(m).StringValue)
	if p == nil {
		return
	}
	if f.datetime {
		s, err := toMISPDatetime(*p)
		if err != nil {
			diags.AddAttributeError(path.Root(f.name), "Invalid timestamp", err.Error())
			return
		}
		p = &s
	}
	*t.input(in) = p
}

func (t userText) resourceAttribute(f *userField) rschema.Attribute {
	return userStringAttribute(f, &userStringType{rule: t.kind})
}

func (t userText) infoAttribute(f *userField) dschema.Attribute {
	return dschema.StringAttribute{MarkdownDescription: f.infoDescription(), Computed: true, CustomType: userStringType{rule: t.kind}}
}

func userStringAttribute(f *userField, custom *userStringType) rschema.StringAttribute {
	a := rschema.StringAttribute{MarkdownDescription: f.doc, Required: f.required, Computed: !f.required,
		Optional: f.managed() && !f.required, Sensitive: f.sensitive, Validators: f.stringValidators}
	if custom != nil {
		a.CustomType = *custom
	}
	if f.keepsState() {
		a.PlanModifiers = []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	}
	return a
}

// userInt is an integer column.
type userInt struct {
	slot[types.Int64]
	input func(*misp.UserInput) **int64
	api   func(*misp.User) misp.Int64
}

func (n userInt) read(_ *userField, rec *userRecord, m, _ *userResourceModel) {
	*n.model(m) = types.Int64Value(int64(n.api(&rec.User)))
}

func (n userInt) send(_ *userField, m *userResourceModel, in *misp.UserInput, _ *diag.Diagnostics) {
	if p := int64Ptr(*n.model(m)); p != nil {
		*n.input(in) = p
	}
}

func (n userInt) resourceAttribute(f *userField) rschema.Attribute {
	a := rschema.Int64Attribute{MarkdownDescription: f.doc, Computed: true, Optional: f.managed(),
		Sensitive: f.sensitive, Validators: f.int64Validators}
	if f.keepsState() {
		a.PlanModifiers = []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	}
	return a
}

func (n userInt) infoAttribute(f *userField) dschema.Attribute {
	return dschema.Int64Attribute{MarkdownDescription: f.infoDescription(), Computed: true}
}

// userResourceAttributes are misp_user's column attributes; user_resource.go adds the provider-only ones.
func userResourceAttributes() map[string]rschema.Attribute {
	out := make(map[string]rschema.Attribute, len(userFieldTable))
	for i := range userFieldTable {
		f := &userFieldTable[i]
		out[f.name] = f.bind.resourceAttribute(f)
	}
	return out
}

// userInfoAttributes is the schema of userInfoModel, all computed, secrets left out. The misp_user data source
// turns id and email into lookup keys.
func userInfoAttributes() map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(userFieldTable))
	for i := range userFieldTable {
		if f := &userFieldTable[i]; !f.sensitive {
			out[f.name] = f.bind.infoAttribute(f)
		}
	}
	return out
}

// setFromRecord maps MISP's answer onto m. prior supplies what MISP does not return: the provider-only
// attributes, server_id when the index row was not found, and what the users index lacks when rec is a row of it.
func (m *userResourceModel) setFromRecord(rec *userRecord, prior userResourceModel) {
	for i := range userFieldTable {
		f := &userFieldTable[i]
		if f.indexLacks && rec.FromIndex {
			f.bind.keep(m, &prior)
			continue
		}
		f.bind.read(f, rec, m, &prior)
	}
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

// setFromRecord maps MISP's answer onto a data source's user, as misp_user would map it with nothing known before.
func (m *userInfoModel) setFromRecord(rec *userRecord) {
	var r userResourceModel
	r.setFromRecord(rec, userResourceModel{})
	m.userColumns = r.userColumns
}

// createInput is the add request: the managed columns MISP's add accepts, as planned (known values only).
func (m *userResourceModel) createInput(password types.String) misp.UserInput {
	var in misp.UserInput
	for i := range userFieldTable {
		if f := &userFieldTable[i]; f.managed() && !f.afterAdd {
			f.bind.send(f, m, &in, nil)
		}
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
// changePw is re-sent when an invitation (which sets change_pw) overrode the configured value. needed reports
// that the edit has something to send.
func (m *userResourceModel) postCreateInput(invited bool, diags *diag.Diagnostics) (in misp.UserInput, needed bool) {
	for i := range userFieldTable {
		if f := &userFieldTable[i]; f.afterAdd && known(f.bind.value(m)) {
			f.bind.send(f, m, &in, diags)
			needed = true
		}
	}
	if invited && known(m.ChangePw) {
		in.ChangePw = boolPtr(m.ChangePw)
		needed = true
	}
	return in, needed
}

// updateInput holds the configured columns whose planned value differs from the state; n counts them.
// Attributes left out of the configuration plan to their state value, so they are never sent.
func (m *userResourceModel) updateInput(state userResourceModel, diags *diag.Diagnostics) (in misp.UserInput, n int) {
	for i := range userFieldTable {
		if f := &userFieldTable[i]; f.managed() && changed(f.bind.value(m), f.bind.value(&state)) {
			f.bind.send(f, m, &in, diags)
			n++
		}
	}
	return in, n
}

// userFieldPaths maps MISP's user field names (as in its validation errors) to misp_user attributes.
var userFieldPaths = func() map[string]path.Path {
	out := map[string]path.Path{"password": path.Root("password_wo")}
	for i := range userFieldTable {
		if f := &userFieldTable[i]; f.managed() {
			out[f.name] = path.Root(f.name)
		}
	}
	return out
}()

// userViewOnlyFields are the managed columns the users index lacks: Read serves them from the view only when
// Create or Update recorded that the configuration manages them (user_index_read.go).
var userViewOnlyFields = func() []*userField {
	var out []*userField
	for i := range userFieldTable {
		if f := &userFieldTable[i]; f.managed() && f.indexLacks {
			out = append(out, f)
		}
	}
	return out
}()
