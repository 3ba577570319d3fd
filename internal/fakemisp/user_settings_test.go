package fakemisp_test

import (
	"net/http"
	"testing"
)

// The expectations are real MISP 2.5.1's answers (docs/development/misp-api.md §12), seen on ../shared/realmisp.

const (
	msgInvalidSetting     = "Invalid setting."
	msgInvalidUserSetting = "Invalid user setting."
	msgSiteAdminSetting   = "This setting is restricted and requires the following permission(s): site_admin"
)

func setSetting(user, name string, value any) req {
	return req{method: http.MethodPost, path: "/user_settings/setSetting/" + user + "/" + name, body: map[string]any{"value": value}}
}

func TestUserSettingValues(t *testing.T) {
	e := newEnv(t)
	// §12.3: what MISP stores for each kind of JSON value (the answer and every later read agree).
	for _, c := range []struct {
		name      string
		value     any // a string here is a raw JSON body value
		want      any
		wantError bool
	}{
		{name: "object", value: map[string]any{"path": "/events/index"}, want: map[string]any{"path": "/events/index"}},
		{name: "empty object", value: map[string]any{}, want: []any{}},
		{name: "empty list", value: []any{}, want: []any{}},
		{name: "object with keys 0 and 1", value: map[string]any{"0": "a", "1": "b"}, want: []any{"a", "b"}},
		{name: "nested", value: map[string]any{"b": 1, "a": map[string]any{"y": 2, "x": 1}}, want: map[string]any{"b": 1, "a": map[string]any{"y": 2, "x": 1}}},
		{name: "integer", value: 5, want: 5},
		{name: "float without fraction", value: 1.0, want: 1},
		{name: "true", value: true, want: 1},
		{name: "false", value: false, wantError: true},
		{name: "null", value: nil, want: []any{}},
		{name: "empty string", value: "", want: []any{}},
		{name: "plain string", value: "x", wantError: true},
		{name: "string holding JSON", value: `{"a":1}`, want: map[string]any{"a": float64(1)}},
		{name: "string holding a list", value: `[1,2]`, want: []any{float64(1), float64(2)}},
	} {
		r := e.do(setSetting("1", "dashboard", c.value))
		if c.wantError {
			e.expect(c.name, r, status(403), field(false, "saved"), field("Could not add UserSetting", "message"),
				field("/user_settings/add", "url"), field([]any{"Invalid JSON."}, "errors", "value"))
			continue
		}
		e.expect(c.name, r, status(200), field(c.want, "UserSetting", "value"), field("1", "UserSetting", "user_id"),
			field("dashboard", "UserSetting", "setting"))
		e.expect(c.name+" (getSetting)", e.do(req{path: "/user_settings/getSetting/1/dashboard"}), status(200), field(c.want, "value"))
	}
	// One row per user and setting: every write above replaced the same one.
	e.expect("index", e.do(req{path: "/user_settings/index/user_id:1"}), listLen(1))
}

func TestUserSettingLifecycle(t *testing.T) {
	e := newEnv(t)
	set := e.do(setSetting("1", "homepage", map[string]any{"path": "/events/index"}))
	e.expect("set", set, status(200), present("UserSetting", "id"), present("UserSetting", "timestamp"))
	id := str(set.at("UserSetting", "id"))
	e.run([]step{
		{"§12.1 getSetting is flat", req{path: "/user_settings/getSetting/1/homepage"},
			[]check{status(200), field(id, "id"), field("homepage", "setting"), field("1", "user_id"), absent("UserSetting")}},
		{"§12.1 getSetting by POST", req{method: http.MethodPost, path: "/user_settings/getSetting", body: map[string]any{"setting": "homepage", "user_id": 1}},
			[]check{status(200), field(id, "id")}},
		{"§12.1 view is wrapped", req{path: "/user_settings/view/" + id}, []check{status(200), field("homepage", "UserSetting", "setting")}},
		{"§12.1 users/view folds settings", req{path: "/users/view/1"},
			[]check{status(200), field(map[string]any{"path": "/events/index"}, "UserSetting", "homepage")}},
		{"§12.1 unset setting", req{path: "/user_settings/getSetting/1/dashboard"}, []check{exc(404, msgInvalidSetting)}},
		{"§12.1 unknown name", req{path: "/user_settings/getSetting/1/nosuch"}, []check{exc(404, msgInvalidSetting)}},
		{"§12.1 missing argument", req{path: "/user_settings/getSetting/1"}, []check{exc(400, "No setting name or user ID provided.")}},
		{"§12.1 view of a missing row", req{path: "/user_settings/view/99"}, []check{exc(404, msgInvalidUserSetting)}},
		{"§12.1 view by a non-number", req{path: "/user_settings/view/abc"}, []check{exc(400, "Invalid ID passed.")}},
		{"§12.2 unknown name", setSetting("1", "nosuch", map[string]any{"a": 1}), []check{exc(405, msgInvalidSetting)}},
		{"§12.2 internal name", setSetting("1", "oidc", map[string]any{"a": 1}), []check{exc(405, msgInvalidSetting)}},
		{"§12.2 internal name in the body", req{method: http.MethodPost, path: "/user_settings/setSetting",
			body: map[string]any{"UserSetting": map[string]any{"setting": "oidc", "value": map[string]any{"a": 1}}}},
			[]check{exc(405, msgSiteAdminSetting)}},
		{"§12.2 GET describes", req{path: "/user_settings/setSetting/1/homepage"},
			[]check{status(200), field("/user_settings/setSetting API description", "name"), field([]any{"setting", "value"}, "mandatory_fields")}},
		{"§12.5 delete without a name", req{method: http.MethodPost, path: "/user_settings/delete", body: map[string]any{}},
			[]check{exc(400, "No setting name to delete provided.")}},
		{"§12.5 GET delete describes", req{path: "/user_settings/delete/1"},
			[]check{status(200), field("/user_settings/delete/[id]", "url")}},
		{"§12.5 delete by user and name", req{method: http.MethodPost, path: "/user_settings/delete", body: map[string]any{"setting": "homepage", "user_id": "1"}},
			[]check{status(200), field("Setting deleted.", "message"), field("/user_settings/delete/"+id, "url"), field(id, "id")}},
		{"§12.5 deleted", req{path: "/user_settings/getSetting/1/homepage"}, []check{exc(404, msgInvalidSetting)}},
		{"§12.5 delete again", req{method: http.MethodPost, path: "/user_settings/delete/" + id}, []check{exc(404, msgInvalidUserSetting)}},
		{"§12.1 users/view without settings", req{path: "/users/view/1"}, []check{field([]any{}, "UserSetting")}},
	})
}

func TestUserSettingPermissions(t *testing.T) {
	e := newEnv(t)
	other := e.akOrg("otherorg")
	_, orgAdmin := e.akUser("oa@admin.test", "1", "2")
	plainID, plain := e.akUser("pu@admin.test", "1", "3")
	peerID, _ := e.akUser("x1@admin.test", "1", "3")
	foreignID, foreign := e.akUser("x2@other.test", other, "3")
	orgAdminID := str(e.do(req{path: "/users/view/me", key: orgAdmin}).at("User", "id"))

	as := func(r req, key string) req { r.key = key; return r }
	e.run([]step{
		// §12.4: a site admin may write a setting for a user that does not exist.
		{"§12.4 site admin, missing user", setSetting("999", "homepage", map[string]any{"path": "/x"}),
			[]check{status(200), field("999", "UserSetting", "user_id")}},
		{"§12.4 org admin, own organisation's user", as(setSetting(peerID, "homepage", map[string]any{"path": "/oa"}), orgAdmin),
			[]check{status(200), field(peerID, "UserSetting", "user_id")}},
		{"§12.4 org admin, the site admin of its organisation", as(setSetting("1", "event_index_hide_columns", []any{"x"}), orgAdmin),
			[]check{status(200), field("1", "UserSetting", "user_id")}},
		// §12.4: naming a user the caller may not manage writes the caller's own setting, with a 200.
		{"§12.4 org admin, other organisation's user", as(setSetting(foreignID, "homepage", map[string]any{"path": "/oa5"}), orgAdmin),
			[]check{status(200), field(orgAdminID, "UserSetting", "user_id")}},
		{"§12.4 plain user, another user", as(setSetting(peerID, "dashboard", []any{map[string]any{"w": 1}}), plain),
			[]check{status(200), field(plainID, "UserSetting", "user_id")}},
		{"§12.4 restricted setting", as(setSetting(peerID, "dashboard_access", 1), orgAdmin), []check{exc(405, msgSiteAdminSetting)}},
		{"§12.4 plain user reads another's", as(req{path: "/user_settings/getSetting/" + peerID + "/homepage"}, plain),
			[]check{exc(404, msgInvalidSetting)}},
		{"§12.4 foreign org admin reads", as(req{path: "/user_settings/getSetting/" + peerID + "/homepage"}, foreign),
			[]check{exc(404, msgInvalidSetting)}},
		{"§12.4 plain user's index", as(req{path: "/user_settings/index"}, plain), []check{listLen(1)}},
		{"§12.4 plain user deletes another's", as(req{method: http.MethodPost, path: "/user_settings/delete",
			body: map[string]any{"setting": "homepage", "user_id": peerID}}, plain), []check{exc(404, msgInvalidUserSetting)}},
	})
	// §12.6: deleting a user keeps its settings; an org admin no longer sees them.
	if r := e.do(req{method: http.MethodPost, path: "/admin/users/delete/" + peerID}); r.status != 200 {
		t.Fatalf("user delete: %d %s", r.status, r.raw)
	}
	e.expect("orphan, site admin", e.do(req{path: "/user_settings/getSetting/" + peerID + "/homepage"}), status(200))
	e.expect("orphan, org admin", e.do(as(req{path: "/user_settings/getSetting/" + peerID + "/homepage"}, orgAdmin)), exc(404, msgInvalidSetting))
	e.expect("site admin's index by setting", e.do(req{path: "/user_settings/index/setting:homepage"}), listLen(3))
}

// The control API changes settings as a person in the UI would; MISP's answers show the change.
func TestUserSettingControlAPI(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{method: http.MethodPost, path: "/_mispfake/user_settings", body: map[string]any{
		"user_id": 1, "setting": "homepage", "value": map[string]any{"path": "/x"}}})
	e.expect("create", r, status(200))
	id := str(r.at("id"))
	e.expect("read back", e.do(req{path: "/user_settings/getSetting/1/homepage"}), status(200), field(id, "id"),
		field(map[string]any{"path": "/x"}, "value"))
	e.expect("update", e.do(req{method: http.MethodPatch, path: "/_mispfake/user_settings/" + id,
		body: map[string]any{"value": []any{"a"}}}), status(200))
	e.expect("updated", e.do(req{path: "/user_settings/getSetting/1/homepage"}), field([]any{"a"}, "value"))
	e.expect("bad name", e.do(req{method: http.MethodPost, path: "/_mispfake/user_settings", body: map[string]any{
		"user_id": 1, "setting": "nosuch", "value": 1}}), status(400))
	e.expect("delete", e.do(req{method: http.MethodDelete, path: "/_mispfake/user_settings/" + id}), status(200))
	e.expect("gone", e.do(req{path: "/user_settings/getSetting/1/homepage"}), exc(404, msgInvalidSetting))
}
