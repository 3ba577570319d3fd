package fakemisp_test

import (
	"errors"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

const loginSetting = "MISP.disable_user_login_change"

// TestDisableUserLoginChange: with MISP.disable_user_login_change on, only site admins change e-mail addresses;
// everyone else's admin edit and self edit drop the address silently and save the rest (§5.31).
func TestDisableUserLoginChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	org, _ := e.s.CreateOrganisation(map[string]any{"name": "Login", "restricted_to_domain": []string{"login.test"}})
	_, adminKey := e.mustUser(map[string]any{"email": "boss@login.test", "org_id": org, "role_id": 2})
	member, memberKey := e.mustUser(map[string]any{"email": "member@login.test", "org_id": org, "role_id": 3})
	settingURL := "/servers/serverSettingsEdit/" + loginSetting
	e.run([]step{
		{"§5.31 off by default", req{path: settingURL}, []check{status(200), field(false, loginSetting)}},
		{"§5.31 org admin may not read settings", req{path: settingURL, key: adminKey},
			[]check{exc(403, "You do not have permission to use this functionality.")}},
		{"§5.31 switch on", req{method: "POST", path: settingURL, body: map[string]any{"value": true}},
			[]check{status(200), field(true, "saved"), field("Field updated", "message"), field("/servers/serverSettingsEdit", "url")}},
		{"§5.31 on", req{path: settingURL}, []check{field(true, loginSetting)}},
		{"§5.31 org admin edit: email dropped, the rest saved", req{method: "POST", path: "/admin/users/edit/" + member, key: adminKey,
			body: map[string]any{"email": "moved@login.test", "autoalert": true}},
			[]check{status(200), field("member@login.test", "User", "email"), field(true, "User", "autoalert")}},
		{"§5.31 not validated either", req{method: "POST", path: "/admin/users/edit/" + member, key: adminKey,
			body: map[string]any{"email": "boss@login.test"}}, []check{status(200), field("member@login.test", "User", "email")}},
		{"§5.31 the restricted-domain check still reads the sent address", req{method: "POST", path: "/admin/users/edit/" + member, key: adminKey,
			body: map[string]any{"email": "x@elsewhere.test"}}, []check{status(500)}},
		{"§5.31 self edit: email dropped", req{method: "POST", path: "/users/edit", key: memberKey,
			body: map[string]any{"email": "self@login.test", "contactalert": true}},
			[]check{status(200), field("member@login.test", "User", "email"), field(true, "User", "contactalert")}},
		{"§5.31 site admin still changes it", req{method: "POST", path: "/admin/users/edit/" + member,
			body: map[string]any{"email": "admin-moved@login.test"}}, []check{status(200), field("admin-moved@login.test", "User", "email")}},
		{`§5.31 the string "false" is true`, req{method: "POST", path: settingURL, body: map[string]any{"Server": map[string]any{"value": "false"}}},
			[]check{status(200)}},
		{"§5.31 still on", req{path: settingURL}, []check{field(true, loginSetting)}},
		{`§5.31 "0" is false`, req{method: "POST", path: settingURL, body: map[string]any{"value": "0"}}, []check{status(200)}},
		{"§5.31 off", req{path: settingURL}, []check{field(false, loginSetting)}},
		{"§5.31 org admin edit changes it again", req{method: "POST", path: "/admin/users/edit/" + member, key: adminKey,
			body: map[string]any{"email": "back@login.test"}}, []check{status(200), field("back@login.test", "User", "email")}},
		{"§5.31 no value", req{method: "POST", path: settingURL, body: map[string]any{}},
			[]check{status(403), field(false, "saved"), field("Could not serverSettingsEdit Server", "name"),
				field(`Invalid input. Expected: {"value": "new_setting"}`, "errors")}},
		{"§5.31 a list is no value", req{method: "POST", path: settingURL, body: map[string]any{"value": []any{1}}}, []check{status(403)}},
		{"§5.31 the mask", req{method: "POST", path: settingURL, body: map[string]any{"value": " ***** "}},
			[]check{status(403), field("No change.", "errors")}},
		{"§5.31 PUT has no branch", req{method: "PUT", path: settingURL, body: map[string]any{"value": true}},
			[]check{exc(500, "An Internal Error Has Occurred.")}},
		{"§5.31 unknown setting", req{path: "/servers/serverSettingsEdit/MISP.nope"}, []check{exc(404, "Setting MISP.nope is invalid.")}},
		{"§5.31 no setting", req{path: "/servers/serverSettingsEdit"}, []check{status(500)}},
	})
	if e.s.Count("POST /servers/serverSettingsEdit/{id}") == 0 {
		t.Errorf("serverSettingsEdit not counted: %v", e.s.Counters())
	}
}

// TestServerSettingsGoAPI: Options, SetServerSetting and Reset.
func TestServerSettingsGoAPI(t *testing.T) {
	t.Parallel()
	s := fakemisp.New(fakemisp.Options{AdminKey: testAdminKey, DisableUserLoginChange: true})
	if v, ok := s.ServerSetting(loginSetting); !ok || v != true {
		t.Errorf("Options.DisableUserLoginChange: %v %v", v, ok)
	}
	if err := s.SetServerSetting(loginSetting, false); err != nil {
		t.Fatal(err)
	}
	if got := s.ServerSettings(); got[loginSetting] != false || len(got) != 1 {
		t.Errorf("ServerSettings %v", got)
	}
	if err := s.SetServerSetting(loginSetting, "yes"); err == nil {
		t.Error("a string accepted for a boolean setting")
	}
	if err := s.SetServerSetting("MISP.nope", true); !errors.Is(err, fakemisp.ErrUnknownSetting) {
		t.Errorf("unknown setting: %v", err)
	}
	s.Reset()
	if v, _ := s.ServerSetting(loginSetting); v != true {
		t.Errorf("Reset must go back to the Options: %v", v)
	}
}
