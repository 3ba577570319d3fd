//go:build golden

package golden_test

import "github.com/misp-iac/terraform-provider-misp/internal/golden"

// callSetting names a user-settings method: the user and the setting's name.
func callSetting(fn, user, setting string) opt {
	return func(s *golden.Step) { s.Call = &golden.Call{Func: fn, Arg: user, Member: setting} }
}

const noEditCall = "EditAuthKey reads the key back with a view after the edit: the view_after_* step records that answer"

func authKeyScenario() *scenario {
	s := &scenario{name: "auth_keys", desc: "Advanced API keys: add (minimal, full, expired, invalid inputs, unknown user), " +
		"view, index, edit (and the fields an edit ignores), the keys at login (read-only, expired), an org admin's and a " +
		"plain user's scope, delete, and the keys of a deleted user."}
	s.step("setup_org", post("/admin/organisations/add", `{"name": "golden-{run} Keys Org"}`),
		call("AddOrganisation"), capture("org_a", "Organisation.id"))
	s.step("setup_user", post("/admin/users/add", `{"email": "golden-{run}-key-user@example.org", "org_id": "{org_a}", "role_id": "3"}`),
		call("AddUser"), capture("user_a", "User.id"), capture("key_a", "User.authkey"))
	s.step("setup_org_admin", post("/admin/users/add",
		`{"email": "golden-{run}-key-admin@example.org", "org_id": "{org_a}", "role_id": "2"}`),
		call("AddUser"), capture("user_oa", "User.id"), capture("key_oa", "User.authkey"))
	s.step("setup_other_user", post("/admin/users/add", `{"email": "golden-{run}-key-other@example.org", "org_id": "1", "role_id": "3"}`),
		call("AddUser"), capture("user_other", "User.id"), doc("a user of the admin's organisation"))

	s.step("add_minimal", post("/auth_keys/add/{user_a}", `{}`), call("AddAuthKey", "{user_a}"),
		capture("ak_min", "AuthKey.id"), capture("key_min", "AuthKey.authkey_raw"), doc("the key is in authkey_raw, once"))
	s.step("add_full", post("/auth_keys/add/{user_a}", `{"comment": "golden-{run} full", "allowed_ips": ["127.0.0.1", "10.0.0.0/8"],
		"expiration": 1893456000, "read_only": true}`), call("AddAuthKey", "{user_a}"),
		capture("ak_full", "AuthKey.id"), capture("key_full", "AuthKey.authkey_raw"), capture("uuid_akfull", "AuthKey.uuid"))
	s.step("add_expired", post("/auth_keys/add/{user_a}", `{"comment": "golden-{run} expired", "expiration": 946684800}`),
		call("AddAuthKey", "{user_a}"), capture("ak_expired", "AuthKey.id"), capture("key_expired", "AuthKey.authkey_raw"),
		doc("a past expiration is accepted: the key never logs in"))
	s.step("add_invalid_ip", post("/auth_keys/add/{user_a}", `{"allowed_ips": ["not-an-ip"]}`), call("AddAuthKey", "{user_a}"))
	s.step("add_unknown_user", post("/auth_keys/add/"+missingID, `{}`), call("AddAuthKey", missingID))

	s.step("view", get("/auth_keys/view/{ak_full}"), call("GetAuthKey", "{ak_full}"))
	s.step("view_unknown", get("/auth_keys/view/"+missingID), call("GetAuthKey", missingID))
	s.step("view_by_uuid", get("/auth_keys/view/{uuid_akfull}"), doc("view takes no UUID: the client lists to find one"))
	s.step("index_user", get("/auth_keys/index/{user_a}"), call("ListAuthKeys", "{user_a}"),
		capture("ak_initial", "0.AuthKey.id"), doc("by id: first the key the user add created"))

	s.step("login", get("/users/view/me"), as("key_min"), call("ViewMe"))
	s.step("login_read_only", get("/users/view/me"), as("key_full"), call("ViewMe"),
		doc("a read-only key logs in, and view/me still shows the role's flags"))
	s.step("read_only_admin_endpoint", get("/admin/users/index"), as("key_full"), callUsers(""),
		doc("a read-only key keeps only perm_auth and perm_audit"))
	s.step("login_expired", get("/users/view/me"), as("key_expired"), call("ViewMe"))

	s.step("edit", post("/auth_keys/edit/{ak_min}", `{"comment": "golden-{run} edited", "allowed_ips": ["192.0.2.0/24"],
		"expiration": 1893456000, "read_only": true}`), doc(noEditCall+"; the edit answer has other JSON types"))
	s.step("view_after_edit", get("/auth_keys/view/{ak_min}"), call("GetAuthKey", "{ak_min}"))
	s.step("edit_clear", post("/auth_keys/edit/{ak_full}", `{"allowed_ips": [], "read_only": false}`), doc(noEditCall))
	s.step("view_after_clear", get("/auth_keys/view/{ak_full}"), call("GetAuthKey", "{ak_full}"))
	s.step("edit_user_id", post("/auth_keys/edit/{ak_full}", `{"user_id": "{user_oa}"}`),
		doc("user_id is ignored: a key cannot move to another user (the client never sends it)"))
	s.step("edit_invalid_ip", post("/auth_keys/edit/{ak_full}", `{"allowed_ips": ["not-an-ip"]}`), doc(noEditCall))
	s.step("edit_unknown", post("/auth_keys/edit/"+missingID, `{"comment": "x"}`), doc(noEditCall))
	s.step("view_after_ignored_edits", get("/auth_keys/view/{ak_full}"), call("GetAuthKey", "{ak_full}"))

	s.step("org_admin_login", get("/users/view/me"), as("key_oa"), call("ViewMe"),
		doc("before its first add: an add that is a key's first use from an address overwrites the caller's own key row (docs/development/misp-api.md §11.1)"))
	s.step("org_admin_add_own_org", post("/auth_keys/add/{user_a}", `{"comment": "golden-{run} by org admin"}`), as("key_oa"),
		call("AddAuthKey", "{user_a}"), capture("ak_oa", "AuthKey.id"))
	s.step("org_admin_add_other_org", post("/auth_keys/add/{user_other}", `{"comment": "golden-{run} stray"}`), as("key_oa"),
		call("AddAuthKey", "{user_other}"), capture("ak_stray", "AuthKey.id"),
		doc("accepted although the user is of another organisation; the org admin cannot see the key afterwards"))
	s.step("org_admin_view_stray", get("/auth_keys/view/{ak_stray}"), as("key_oa"), call("GetAuthKey", "{ak_stray}"))
	s.step("org_admin_index", get("/auth_keys/index/{user_a}"), as("key_oa"), call("ListAuthKeys", "{user_a}"))
	s.step("org_admin_add_admin", post("/auth_keys/add/1", `{}`), as("key_oa"), call("AddAuthKey", "1"),
		doc("a site admin's user: refused"))
	s.step("user_login", get("/users/view/me"), as("key_a"), call("ViewMe"))
	s.step("user_add_other", post("/auth_keys/add/{user_oa}", `{}`), as("key_a"), call("AddAuthKey", "{user_oa}"))
	s.step("user_view_other", get("/auth_keys/view/{ak_oa}"), as("key_a"), call("GetAuthKey", "{ak_oa}"),
		doc("the org admin's key of this user: visible to the user, whose key it is"))
	s.step("user_view_stray", get("/auth_keys/view/{ak_stray}"), as("key_a"), call("GetAuthKey", "{ak_stray}"))
	s.step("user_delete_stray", post("/auth_keys/delete/{ak_stray}", ""), as("key_a"), call("DeleteAuthKey", "{ak_stray}"))

	s.step("get_delete", get("/auth_keys/delete/{ak_oa}"))
	s.step("delete", post("/auth_keys/delete/{ak_oa}", ""), call("DeleteAuthKey", "{ak_oa}"))
	s.step("delete_again", post("/auth_keys/delete/{ak_oa}", ""), call("DeleteAuthKey", "{ak_oa}"))
	s.step("delete_unknown", post("/auth_keys/delete/"+missingID, ""), call("DeleteAuthKey", missingID))
	s.step("cleanup_stray", post("/auth_keys/delete/{ak_stray}", ""), call("DeleteAuthKey", "{ak_stray}"))

	s.step("delete_user", post("/admin/users/delete/{user_a}", ""), call("DeleteUser", "{user_a}"),
		doc("MISP keeps the user's keys"))
	s.step("view_orphaned", get("/auth_keys/view/{ak_full}"), call("GetAuthKey", "{ak_full}"))
	s.step("edit_orphaned", post("/auth_keys/edit/{ak_full}", `{"comment": "orphan"}`), doc(noEditCall))
	s.step("delete_orphaned", post("/auth_keys/delete/{ak_full}", ""), call("DeleteAuthKey", "{ak_full}"))
	s.step("cleanup_key_min", post("/auth_keys/delete/{ak_min}", ""), call("DeleteAuthKey", "{ak_min}"))
	s.step("cleanup_key_expired", post("/auth_keys/delete/{ak_expired}", ""), call("DeleteAuthKey", "{ak_expired}"))
	s.step("cleanup_org_admin", post("/admin/users/delete/{user_oa}", ""), call("DeleteUser", "{user_oa}"))
	s.step("cleanup_other_user", post("/admin/users/delete/{user_other}", ""), call("DeleteUser", "{user_other}"))
	s.step("cleanup_org", post("/admin/organisations/delete/{org_a}", ""), call("DeleteOrganisation", "{org_a}"))
	return s
}

func userSettingScenario() *scenario {
	s := &scenario{name: "user_settings", desc: "User settings: setSetting (replacing, PHP's round trip of values, refused " +
		"values and names), getSetting, index, the settings in users/view, whose setting an org admin's and a plain user's " +
		"setSetting writes, delete, and the settings of a deleted user."}
	s.step("setup_org", post("/admin/organisations/add", `{"name": "golden-{run} Settings Org"}`),
		call("AddOrganisation"), capture("org_a", "Organisation.id"))
	s.step("setup_org_other", post("/admin/organisations/add", `{"name": "golden-{run} Settings Other Org"}`),
		call("AddOrganisation"), capture("org_b", "Organisation.id"))
	s.step("setup_user", post("/admin/users/add", `{"email": "golden-{run}-set-user@example.org", "org_id": "{org_a}", "role_id": "3"}`),
		call("AddUser"), capture("user_a", "User.id"), capture("key_a", "User.authkey"))
	s.step("setup_org_admin", post("/admin/users/add",
		`{"email": "golden-{run}-set-admin@example.org", "org_id": "{org_a}", "role_id": "2"}`),
		call("AddUser"), capture("user_oa", "User.id"), capture("key_oa", "User.authkey"))
	s.step("setup_other_user", post("/admin/users/add",
		`{"email": "golden-{run}-set-other@example.org", "org_id": "{org_b}", "role_id": "3"}`),
		call("AddUser"), capture("user_b", "User.id"))

	s.step("set", post("/user_settings/setSetting/{user_a}/homepage", `{"value": {"path": "/events/index"}}`),
		callSetting("SetUserSetting", "{user_a}", "homepage"), capture("us_home", "UserSetting.id"))
	s.step("set_again", post("/user_settings/setSetting/{user_a}/homepage", `{"value": {"path": "/users/view/me"}}`),
		callSetting("SetUserSetting", "{user_a}", "homepage"), doc("replaces the value of the same row"))
	s.step("set_empty_object", post("/user_settings/setSetting/{user_a}/publish_alert_filter", `{"value": {}}`),
		callSetting("SetUserSetting", "{user_a}", "publish_alert_filter"), capture("us_filter", "UserSetting.id"),
		doc("{} is read back as []"))
	s.step("set_numbered_keys", post("/user_settings/setSetting/{user_a}/event_index_hide_columns", `{"value": {"0": "a", "1": "b"}}`),
		callSetting("SetUserSetting", "{user_a}", "event_index_hide_columns"), capture("us_columns", "UserSetting.id"),
		doc("an object keyed 0..n-1 is read back as a list"))
	s.step("set_number", post("/user_settings/setSetting/{user_a}/tag_numerical_value_override", `{"value": {"tlp:red": 1.5e3}}`),
		callSetting("SetUserSetting", "{user_a}", "tag_numerical_value_override"), capture("us_numbers", "UserSetting.id"))
	s.step("set_true", post("/user_settings/setSetting/{user_a}/dashboard", `{"value": true}`),
		callSetting("SetUserSetting", "{user_a}", "dashboard"), capture("us_dashboard", "UserSetting.id"))
	s.step("set_string_holding_json", post("/user_settings/setSetting/{user_a}/default_restsearch_parameters",
		`{"value": "{\"limit\": 5}"}`), callSetting("SetUserSetting", "{user_a}", "default_restsearch_parameters"),
		capture("us_restsearch", "UserSetting.id"), doc("stored as the JSON the string holds"))
	s.step("set_false", post("/user_settings/setSetting/{user_a}/dashboard", `{"value": false}`),
		callSetting("SetUserSetting", "{user_a}", "dashboard"))
	s.step("set_plain_string", post("/user_settings/setSetting/{user_a}/dashboard", `{"value": "plain"}`),
		callSetting("SetUserSetting", "{user_a}", "dashboard"))
	s.step("set_unknown_name", post("/user_settings/setSetting/{user_a}/golden_nonsense", `{"value": 1}`),
		callSetting("SetUserSetting", "{user_a}", "golden_nonsense"))
	s.step("set_internal_name", post("/user_settings/setSetting/{user_a}/oidc", `{"value": 1}`),
		callSetting("SetUserSetting", "{user_a}", "oidc"), doc("refused even to a site admin"))
	s.step("set_restricted", post("/user_settings/setSetting/{user_a}/dashboard_access", `{"value": 1}`),
		callSetting("SetUserSetting", "{user_a}", "dashboard_access"), capture("us_access", "UserSetting.id"),
		doc("a site admin may"))
	s.step("set_unknown_user", post("/user_settings/setSetting/"+missingID+"/homepage", `{"value": {"path": "/"}}`),
		callSetting("SetUserSetting", missingID, "homepage"), capture("us_nobody", "UserSetting.id"),
		doc("stored for a user nobody has"))

	s.step("get", get("/user_settings/getSetting/{user_a}/homepage"), callSetting("GetUserSetting", "{user_a}", "homepage"),
		doc("the record flat, not wrapped"))
	s.step("get_numbers", get("/user_settings/getSetting/{user_a}/tag_numerical_value_override"),
		callSetting("GetUserSetting", "{user_a}", "tag_numerical_value_override"))
	s.step("get_unset", get("/user_settings/getSetting/{user_b}/homepage"), callSetting("GetUserSetting", "{user_b}", "homepage"))
	s.step("get_unknown_name", get("/user_settings/getSetting/{user_a}/golden_nonsense"),
		callSetting("GetUserSetting", "{user_a}", "golden_nonsense"))
	s.step("view", get("/user_settings/view/{us_home}"), doc("by row id; the client reads by user and name"))
	s.step("index_user", get("/user_settings/index/user_id:{user_a}"), call("ListUserSettings", "{user_a}"))
	s.step("user_view", get("/admin/users/view/{user_a}"), call("GetUser", "{user_a}"), doc("the settings folded in by name"))

	s.step("org_admin_set_own_org", post("/user_settings/setSetting/{user_a}/homepage", `{"value": {"path": "/by/org/admin"}}`),
		as("key_oa"), callSetting("SetUserSetting", "{user_a}", "homepage"))
	s.step("org_admin_set_other_org", post("/user_settings/setSetting/{user_b}/homepage", `{"value": {"path": "/stray"}}`),
		as("key_oa"), callSetting("SetUserSetting", "{user_b}", "homepage"), capture("us_oa_own", "UserSetting.id"),
		doc("200, and the org admin's own setting is written"))
	s.step("org_admin_set_restricted", post("/user_settings/setSetting/{user_a}/dashboard_access", `{"value": 1}`),
		as("key_oa"), callSetting("SetUserSetting", "{user_a}", "dashboard_access"))
	s.step("org_admin_get_other_org", get("/user_settings/getSetting/{user_b}/homepage"), as("key_oa"),
		callSetting("GetUserSetting", "{user_b}", "homepage"))
	s.step("user_set_other", post("/user_settings/setSetting/{user_oa}/dashboard", `{"value": {"by": "user"}}`),
		as("key_a"), callSetting("SetUserSetting", "{user_oa}", "dashboard"),
		doc("200, and the user's own setting is replaced"))
	s.step("user_get_other", get("/user_settings/getSetting/{user_oa}/homepage"), as("key_a"),
		callSetting("GetUserSetting", "{user_oa}", "homepage"))
	s.step("user_index", get("/user_settings/index/user_id:{user_a}"), as("key_a"), call("ListUserSettings", "{user_a}"))

	s.step("get_delete", get("/user_settings/delete"), doc("the API description"))
	s.step("delete", post("/user_settings/delete", `{"setting": "homepage", "user_id": "{user_a}"}`),
		callSetting("DeleteUserSetting", "{user_a}", "homepage"))
	s.step("delete_again", post("/user_settings/delete", `{"setting": "homepage", "user_id": "{user_a}"}`),
		callSetting("DeleteUserSetting", "{user_a}", "homepage"))
	s.step("org_admin_delete_restricted", post("/user_settings/delete", `{"setting": "dashboard_access", "user_id": "{user_a}"}`),
		as("key_oa"), callSetting("DeleteUserSetting", "{user_a}", "dashboard_access"))

	s.step("delete_user", post("/admin/users/delete/{user_a}", ""), call("DeleteUser", "{user_a}"),
		doc("MISP keeps the user's settings"))
	s.step("index_deleted_user", get("/user_settings/index/user_id:{user_a}"), call("ListUserSettings", "{user_a}"))
	s.step("get_deleted_user", get("/user_settings/getSetting/{user_a}/dashboard"), callSetting("GetUserSetting", "{user_a}", "dashboard"))
	s.step("org_admin_get_deleted_user", get("/user_settings/getSetting/{user_a}/dashboard"), as("key_oa"),
		callSetting("GetUserSetting", "{user_a}", "dashboard"))
	for _, name := range []string{"publish_alert_filter", "event_index_hide_columns", "tag_numerical_value_override", "dashboard",
		"default_restsearch_parameters", "dashboard_access"} {
		s.step("cleanup_"+name, post("/user_settings/delete", `{"setting": "`+name+`", "user_id": "{user_a}"}`),
			callSetting("DeleteUserSetting", "{user_a}", name))
	}
	s.step("cleanup_nobody", post("/user_settings/delete", `{"setting": "homepage", "user_id": "`+missingID+`"}`),
		callSetting("DeleteUserSetting", missingID, "homepage"))
	s.step("cleanup_org_admin_homepage", post("/user_settings/delete", `{"setting": "homepage", "user_id": "{user_oa}"}`),
		callSetting("DeleteUserSetting", "{user_oa}", "homepage"))
	s.step("cleanup_org_admin_dashboard", post("/user_settings/delete", `{"setting": "dashboard", "user_id": "{user_oa}"}`),
		callSetting("DeleteUserSetting", "{user_oa}", "dashboard"))
	s.step("cleanup_org_admin", post("/admin/users/delete/{user_oa}", ""), call("DeleteUser", "{user_oa}"))
	s.step("cleanup_other_user", post("/admin/users/delete/{user_b}", ""), call("DeleteUser", "{user_b}"))
	s.step("cleanup_org", post("/admin/organisations/delete/{org_a}", ""), call("DeleteOrganisation", "{org_a}"))
	s.step("cleanup_org_other", post("/admin/organisations/delete/{org_b}", ""), call("DeleteOrganisation", "{org_b}"))
	return s
}
