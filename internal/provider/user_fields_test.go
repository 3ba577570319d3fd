package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// Unit tests of the user field table and the mappings derived from it; they run without TF_ACC.

// fullUserRecord is a view answer with every column set to a value that differs from its zero value.
func fullUserRecord() *userRecord {
	sid := "7"
	return &userRecord{
		User: misp.User{
			ID: "12", Email: "Analyst@Example.org", OrgID: "3", RoleID: "5", ServerID: "9",
			Autoalert: true, ContactAlert: true, Disabled: true, TermsAccepted: true, ChangePw: true, ForceLogout: true,
			NotificationDaily: true, NotificationWeekly: true, NotificationMonthly: true,
			GPGKey: "KEY", CertifPublic: "CERT", NidsSid: 4000001, Expiration: "2030-01-02 01:04:05",
			ExternalAuthRequired: true, ExternalAuthKey: "ext",
			InvitedBy: "1", NewsRead: 1700000001, CurrentLogin: 1700000002, LastLogin: 1700000003,
			LastAPIAccess: 1700000004, LastPwChange: 1700000005, DateCreated: 1700000006, DateModified: 1700000007,
			TOTPIsSet: true,
		},
		OrgName: "ORG", RoleName: "Analyst", ServerID: &sid,
	}
}

func wantFullUserColumns() userColumns {
	s := types.StringValue
	b := types.BoolValue(true)
	return userColumns{
		ID: s("12"), Email: userEmailValue(s("Analyst@Example.org")), OrgID: s("3"), RoleID: s("5"), ServerID: s("7"),
		Autoalert: b, ContactAlert: b, Disabled: b, TermsAccepted: b, ChangePw: b, ForceLogout: b,
		NotificationDaily: b, NotificationWeekly: b, NotificationMonthly: b,
		GPGKey: userTrimmedValue(s("KEY")), CertifPublic: userTrimmedValue(s("CERT")), NidsSid: types.Int64Value(4000001),
		Expiration: userInstantValue(s("2030-01-02T01:04:05Z")), ExternalAuthRequired: b,
		InvitedBy: s("1"), NewsRead: s("2023-11-14T22:13:21Z"), CurrentLogin: s("2023-11-14T22:13:22Z"),
		LastLogin: s("2023-11-14T22:13:23Z"), LastAPIAccess: s("2023-11-14T22:13:24Z"), LastPwChange: s("2023-11-14T22:13:25Z"),
		DateCreated: s("2023-11-14T22:13:26Z"), DateModified: s("2023-11-14T22:13:27Z"), TOTPEnabled: b,
		OrgName: s("ORG"), RoleName: s("Analyst"),
	}
}

func TestUserSetFromRecord_view(t *testing.T) {
	prior := userResourceModel{
		ExternalAuthKey: types.StringValue("  ext\n"), PasswordWO: types.StringValue("secret"),
		PasswordWOVersion: types.Int64Value(2), Notify: types.BoolValue(true), PasswordResetVersion: types.Int64Value(3),
		TOTPResetVersion: types.Int64Value(4), StoreAuthkey: types.BoolValue(true), Authkey: types.StringUnknown(),
	}
	var m userResourceModel
	m.setFromRecord(fullUserRecord(), prior)
	if !reflect.DeepEqual(m.userColumns, wantFullUserColumns()) {
		t.Errorf("columns:\n got %+v\nwant %+v", m.userColumns, wantFullUserColumns())
	}
	// MISP trims the key; the configured spelling stays when it is the same but for that whitespace.
	if m.ExternalAuthKey != prior.ExternalAuthKey {
		t.Errorf("external_auth_key = %s, want the prior spelling", m.ExternalAuthKey)
	}
	if !m.PasswordWO.IsNull() || m.PasswordWOVersion != prior.PasswordWOVersion || m.Notify != prior.Notify ||
		m.PasswordResetVersion != prior.PasswordResetVersion || m.TOTPResetVersion != prior.TOTPResetVersion ||
		m.StoreAuthkey != prior.StoreAuthkey || !m.Authkey.IsNull() {
		t.Errorf("provider-only attributes: %+v", m)
	}
}

func TestUserSetFromRecord_index(t *testing.T) {
	rec := fullUserRecord()
	rec.FromIndex = true
	prior := userResourceModel{ExternalAuthKey: types.StringValue("kept")}
	prior.NotificationDaily, prior.NotificationWeekly = types.BoolValue(false), types.BoolNull()
	prior.NotificationMonthly, prior.ExternalAuthRequired = types.BoolValue(false), types.BoolValue(false)
	prior.TOTPEnabled = types.BoolValue(false)
	var m userResourceModel
	m.setFromRecord(rec, prior)
	for _, name := range []string{"notification_daily", "notification_weekly", "notification_monthly",
		"external_auth_required", "external_auth_key", "totp_enabled"} {
		f := userFieldNamed(t, name)
		if got, want := f.bind.value(&m), f.bind.value(&prior); !got.Equal(want) {
			t.Errorf("%s read from the index = %s, want the prior %s", name, got, want)
		}
	}
	if m.Disabled != types.BoolValue(true) || m.Email.ValueString() != "Analyst@Example.org" {
		t.Errorf("columns the index has must be read: %+v", m.userColumns)
	}
}

func TestUserSetFromRecord_serverID(t *testing.T) {
	for _, tc := range []struct {
		name        string
		row, answer string // rec.ServerID ("-" for nil), User.ServerID
		prior       types.String
		want, info  string
	}{
		{"index row wins", "4", "9", types.StringValue("1"), "4", "4"},
		{"answer without index row", "-", "9", types.StringValue("1"), "9", "9"},
		{"nothing: prior kept", "-", "", types.StringValue("1"), "1", "0"},
		{"nothing and no prior: MISP's default", "-", "", types.StringNull(), "0", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &userRecord{User: misp.User{ID: "1", ServerID: misp.ID(tc.answer)}}
			if tc.row != "-" {
				rec.ServerID = &tc.row
			}
			prior := userResourceModel{}
			prior.ServerID = tc.prior
			var m userResourceModel
			m.setFromRecord(rec, prior)
			if m.ServerID.ValueString() != tc.want {
				t.Errorf("misp_user server_id = %s, want %s", m.ServerID, tc.want)
			}
			var info userInfoModel
			info.setFromRecord(rec)
			if info.ServerID.ValueString() != tc.info {
				t.Errorf("data source server_id = %s, want %s", info.ServerID, tc.info)
			}
		})
	}
}

func TestUserInfoSetFromRecord(t *testing.T) {
	var m userInfoModel
	m.setFromRecord(fullUserRecord())
	if !reflect.DeepEqual(m.userColumns, wantFullUserColumns()) {
		t.Errorf("got %+v\nwant %+v", m.userColumns, wantFullUserColumns())
	}
	// Dangling references and never-happened times are null.
	m.setFromRecord(&userRecord{User: misp.User{ID: "2"}})
	for name, v := range map[string]attr.Value{"org_id": m.OrgID, "org_name": m.OrgName, "role_name": m.RoleName,
		"last_login": m.LastLogin, "expiration": m.Expiration, "invited_by": m.InvitedBy} {
		if !v.IsNull() {
			t.Errorf("%s = %s, want null", name, v)
		}
	}
}

// plannedUser is a plan that sets every managed column.
func plannedUser() userResourceModel {
	var m userResourceModel
	m.setFromRecord(fullUserRecord(), userResourceModel{ExternalAuthKey: types.StringValue("ext")})
	return m
}

func TestUserCreateInput(t *testing.T) {
	plan := plannedUser()
	got := inputJSON(t, plan.createInput(types.StringValue("Correct-Horse-1")))
	want := map[string]any{
		"email": "Analyst@Example.org", "org_id": "3", "role_id": "5", "server_id": "7", "autoalert": true,
		"contactalert": true, "disabled": true, "termsaccepted": true, "change_pw": true, "gpgkey": "KEY",
		"certif_public": "CERT", "nids_sid": float64(4000001), "external_auth_required": true, "external_auth_key": "ext",
		"password": "Correct-Horse-1", "enable_password": true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("add request:\n got %v\nwant %v", got, want)
	}
	// Unknown and null values are not sent; without a password, enable_password is not either.
	var empty userResourceModel
	empty.OrgID = types.StringUnknown()
	if got := inputJSON(t, empty.createInput(types.StringNull())); len(got) != 0 {
		t.Errorf("add request of an empty plan = %v", got)
	}
}

func TestUserPostCreateInput(t *testing.T) {
	plan := plannedUser()
	var diags diag.Diagnostics
	in, needed := plan.postCreateInput(false, &diags)
	want := map[string]any{"force_logout": true, "notification_daily": true, "notification_weekly": true,
		"notification_monthly": true, "expiration": "2030-01-02 01:04:05"}
	if got := inputJSON(t, in); !needed || diags.HasError() || !reflect.DeepEqual(got, want) {
		t.Errorf("post-add edit = %v (needed %v, %v), want %v", got, needed, diags, want)
	}
	in, _ = plan.postCreateInput(true, &diags)
	if in.ChangePw == nil || !*in.ChangePw {
		t.Error("an invitation must re-send the configured change_pw")
	}
	var bare userResourceModel
	if _, needed := bare.postCreateInput(false, &diags); needed {
		t.Error("nothing configured: no edit needed")
	}
}

func TestUserUpdateInput(t *testing.T) {
	state := plannedUser()
	plan := state
	plan.Email = userEmailValue(types.StringValue("new@example.org"))
	plan.Disabled = types.BoolValue(false)
	plan.Expiration = userInstantValue(types.StringValue("2031-06-30T14:00:00+02:00"))
	plan.ExternalAuthKey = types.StringValue("ext2")
	plan.Autoalert = types.BoolUnknown() // unknown: never sent
	var diags diag.Diagnostics
	in, n := plan.updateInput(state, &diags)
	want := map[string]any{"email": "new@example.org", "disabled": false, "expiration": "2031-06-30 12:00:00",
		"external_auth_key": "ext2"}
	if got := inputJSON(t, in); n != len(want) || diags.HasError() || !reflect.DeepEqual(got, want) {
		t.Errorf("edit = %v (n %d, %v), want %v", got, n, diags, want)
	}
	if _, n := state.updateInput(state, &diags); n != 0 {
		t.Errorf("no change: n = %d", n)
	}
	plan = state
	plan.Expiration = userInstantValue(types.StringValue("not a time"))
	if _, _ = plan.updateInput(state, &diags); !diags.HasError() {
		t.Error("an unparsable expiration must be an error")
	}
}

func TestCheckApplied(t *testing.T) {
	plan := plannedUser()
	got := plan
	got.Email = userEmailValue(types.StringValue("analyst@example.org")) // MISP's case: the same address
	got.OrgID = types.StringValue("1")                                   // an org admin's org_id, ignored by MISP
	got.ExternalAuthKey = types.StringValue("other")
	got.Disabled = types.BoolValue(false) // not sent: not checked
	sent := map[string]bool{"email": true, "org_id": true, "external_auth_key": true}
	var diags diag.Diagnostics
	checkApplied(plan, got, sent, &diags)
	if diags.ErrorsCount() != 2 {
		t.Fatalf("want 2 errors (org_id, external_auth_key), got %v", diags)
	}
	for i, want := range []struct {
		attr    string
		parts   []string
		secrets []string
	}{
		{"org_id", []string{`did not store org_id = "3": MISP kept "1"`}, nil},
		{"external_auth_key", []string{"external_auth_key = (sensitive value): MISP kept another value"}, []string{"ext", "other"}},
	} {
		d := diags[i]
		dp, ok := d.(diag.DiagnosticWithPath)
		if !ok {
			t.Fatalf("error %d has no attribute path: %v", i, d)
		}
		p := dp.Path()
		if !p.Equal(path.Root(want.attr)) || d.Summary() != "MISP did not apply a user attribute" {
			t.Errorf("error %d: %s at %s", i, d.Summary(), p)
		}
		for _, s := range want.parts {
			if !strings.Contains(d.Detail(), s) {
				t.Errorf("error %d lacks %q: %s", i, s, d.Detail())
			}
		}
		for _, s := range want.secrets {
			if strings.Contains(d.Detail(), `"`+s+`"`) {
				t.Errorf("error %d shows the secret %q", i, s)
			}
		}
	}
}

// TestUserFieldTable checks the table against the models and MISP's request: each managed column's name is a
// field of misp.UserInput, each attribute a tfsdk field of its model, and the derived lists agree.
func TestUserFieldTable(t *testing.T) {
	jsonNames := map[string]bool{}
	for i := range reflect.TypeFor[misp.UserInput]().NumField() {
		jsonNames[strings.Split(reflect.TypeFor[misp.UserInput]().Field(i).Tag.Get("json"), ",")[0]] = true
	}
	tags := func(v any) map[string]bool {
		out := map[string]bool{}
		var walk func(reflect.Type)
		walk = func(rt reflect.Type) {
			for i := range rt.NumField() {
				f := rt.Field(i)
				if f.Anonymous {
					walk(f.Type)
					continue
				}
				out[f.Tag.Get("tfsdk")] = true
			}
		}
		walk(reflect.TypeOf(v))
		return out
	}
	resourceTags, infoTags := tags(userResourceModel{}), tags(userInfoModel{})
	seen := map[string]bool{}
	for i := range userFieldTable {
		f := &userFieldTable[i]
		if seen[f.name] {
			t.Errorf("%s is listed twice", f.name)
		}
		seen[f.name] = true
		if f.managed() && !jsonNames[f.name] {
			t.Errorf("%s is managed but misp.UserInput has no such field", f.name)
		}
		if _, ok := userFieldPaths[f.name]; f.managed() != ok {
			t.Errorf("%s: userFieldPaths disagrees with the table", f.name)
		}
		if !resourceTags[f.name] {
			t.Errorf("userResourceModel lacks %s", f.name)
		}
		if infoTags[f.name] == f.sensitive {
			t.Errorf("%s: userInfoModel must hold exactly the non-secret columns", f.name)
		}
		if f.doc == "" {
			t.Errorf("%s has no description", f.name)
		}
		if f.readOnly && (f.afterAdd || f.required) || f.stable && !f.readOnly {
			t.Errorf("%s: contradictory flags", f.name)
		}
	}
	var viewOnly []string
	for _, f := range userViewOnlyFields {
		viewOnly = append(viewOnly, f.name)
	}
	if got := strings.Join(viewOnly, " "); got != "notification_daily notification_weekly notification_monthly external_auth_required external_auth_key" {
		t.Errorf("userViewOnlyFields = %s", got)
	}
}

func userFieldNamed(t *testing.T, name string) *userField {
	t.Helper()
	for i := range userFieldTable {
		if userFieldTable[i].name == name {
			return &userFieldTable[i]
		}
	}
	t.Fatalf("no user field %s", name)
	return nil
}

// TestProviderSchemasValid builds the schema of every resource, data source and function the provider
// registers and has the framework validate it, as Terraform would on first use.
func TestProviderSchemasValid(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var meta fwprovider.MetadataResponse
	p.Metadata(ctx, fwprovider.MetadataRequest{}, &meta)
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var mr fwresource.MetadataResponse
		r.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: meta.TypeName}, &mr)
		var sr fwresource.SchemaResponse
		r.Schema(ctx, fwresource.SchemaRequest{}, &sr)
		sr.Diagnostics.Append(sr.Schema.ValidateImplementation(ctx)...)
		if sr.Diagnostics.HasError() || len(sr.Schema.Attributes) == 0 {
			t.Errorf("resource %s: %v", mr.TypeName, sr.Diagnostics)
		}
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		var mr datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &mr)
		var sr datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &sr)
		sr.Diagnostics.Append(sr.Schema.ValidateImplementation(ctx)...)
		if sr.Diagnostics.HasError() || len(sr.Schema.Attributes) == 0 {
			t.Errorf("data source %s: %v", mr.TypeName, sr.Diagnostics)
		}
	}
	fp, ok := p.(fwprovider.ProviderWithFunctions)
	if !ok {
		t.Fatal("the provider registers no functions")
	}
	for _, newFunction := range fp.Functions(ctx) {
		f := newFunction()
		var mr function.MetadataResponse
		f.Metadata(ctx, function.MetadataRequest{}, &mr)
		var dr function.DefinitionResponse
		f.Definition(ctx, function.DefinitionRequest{}, &dr)
		var vr function.DefinitionValidateResponse
		dr.Definition.ValidateImplementation(ctx, function.DefinitionValidateRequest{FuncName: mr.Name}, &vr)
		if vr.Diagnostics.HasError() || dr.Diagnostics.HasError() {
			t.Errorf("function %s: %v %v", mr.Name, dr.Diagnostics, vr.Diagnostics)
		}
	}
}
