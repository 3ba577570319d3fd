package misp_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// What the client makes of real MISP's auth-key and user-setting answers (internal/golden/testdata/auth_keys.json
// and user_settings.json; docs/development/misp-api.md §11 and §12).
func init() {
	for _, m := range []map[string]expectation{goldenExpectAuthKeys, goldenExpectUserSettings} {
		for k, v := range m {
			goldenExpect[k] = v
		}
	}
}

var (
	invalidAuthKey = notFound("Invalid AuthKey.")
	keyNotForUser  = failsWith(http.StatusMethodNotAllowed,
		"Invalid user or insufficient privileges to interact with an authkey for the given user.", nil)
)

// authKey expects an add answer: the id of idVar, the clear key of keyVar, the key of user userVar.
func authKey(idVar, keyVar, userVar string, check func(t *testing.T, o outcome, k *misp.AuthKey)) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		k := as[*misp.AuthKey](t, o.v)
		eq(t, "id", k.ID, misp.ID(o.val(idVar)))
		eq(t, "user_id", k.UserID, misp.ID(o.val(userVar)))
		if keyVar != "" {
			eq(t, "authkey_raw", k.Raw, o.val(keyVar))
		}
		if len(k.Start) != 4 || len(k.End) != 4 || k.UUID == "" || k.Created == 0 {
			t.Errorf("start %q, end %q, uuid %q, created %d", k.Start, k.End, k.UUID, k.Created)
		}
		if check != nil {
			check(t, o, k)
		}
	})
}

// authKeyView expects a view answer: the key of idVar, of the user of userVar ("" for a deleted user).
func authKeyView(idVar, userVar, email string, check func(t *testing.T, o outcome, v *misp.AuthKeyView)) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		v := as[*misp.AuthKeyView](t, o.v)
		eq(t, "id", v.ID, misp.ID(o.val(idVar)))
		eq(t, "raw", v.Raw, "") // shown once, in the add answer
		if userVar == "" {
			eq(t, "orphaned", v.Orphaned, true)
		} else {
			eq(t, "user_id", v.UserID, misp.ID(o.val(userVar)))
			eq(t, "user email", v.UserEmail, o.email(email))
			eq(t, "orphaned", v.Orphaned, false)
		}
		if check != nil {
			check(t, o, v)
		}
	})
}

// authKeys expects a list of the keys of these id variables, in this order.
func authKeys(idVars ...string) expectation {
	return idList("keys", func(k misp.AuthKeyView) misp.ID { return k.ID }, idVars...)
}

// idList expects a list of records whose ids are those of these id variables, in this order.
func idList[T any](what string, idOf func(T) misp.ID, idVars ...string) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		var got, want []string
		for _, x := range as[[]T](t, o.v) {
			got = append(got, string(idOf(x)))
		}
		for _, v := range idVars {
			want = append(want, o.val(v))
		}
		eq(t, what, strings.Join(got, ","), strings.Join(want, ","))
	})
}

func ips(t *testing.T, got misp.StringList, want ...string) {
	t.Helper()
	eq(t, "allowed_ips", strings.Join(got, ","), strings.Join(want, ","))
	if len(want) == 0 && got != nil {
		t.Errorf("allowed_ips %#v, want nil (no restriction)", got)
	}
}

var goldenExpectAuthKeys = map[string]expectation{
	"auth_keys/setup_org":        org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_a"))) }),
	"auth_keys/setup_user":       added("user_a", "key_a", "key-user@example.org", nil),
	"auth_keys/setup_org_admin":  added("user_oa", "key_oa", "key-admin@example.org", nil),
	"auth_keys/setup_other_user": added("user_other", "", "key-other@example.org", nil),
	"auth_keys/add_minimal": authKey("ak_min", "key_min", "user_a", func(t *testing.T, _ outcome, k *misp.AuthKey) {
		eq(t, "comment", string(k.Comment), "")
		ips(t, k.AllowedIPs)
		eq(t, "read_only", bool(k.ReadOnly), false)
		eq(t, "expiration", int64(k.Expiration), 0)
	}),
	"auth_keys/add_full": authKey("ak_full", "key_full", "user_a", func(t *testing.T, o outcome, k *misp.AuthKey) {
		eq(t, "uuid", k.UUID, o.val("uuid_akfull"))
		eq(t, "comment", string(k.Comment), o.name("full"))
		ips(t, k.AllowedIPs, "127.0.0.1", "10.0.0.0/8")
		eq(t, "read_only", bool(k.ReadOnly), true)
		eq(t, "expiration", int64(k.Expiration), 1893456000)
	}),
	"auth_keys/add_expired": authKey("ak_expired", "key_expired", "user_a", func(t *testing.T, _ outcome, k *misp.AuthKey) {
		eq(t, "expiration", int64(k.Expiration), 946684800)
		eq(t, "expired", k.Expired(time.Now().Unix()), true)
	}),
	"auth_keys/add_invalid_ip": failsWith(http.StatusForbidden, "Could not add auth_key",
		map[string][]string{"allowed_ips": {"not-an-ip is not valid IP range"}}),
	// A site admin may create keys for any user: an unknown one fails validation.
	"auth_keys/add_unknown_user": failsWith(http.StatusForbidden, "Could not add auth_key",
		map[string][]string{"user_id": {"User doesn't exists"}}),
	"auth_keys/view": authKeyView("ak_full", "user_a", "key-user@example.org", func(t *testing.T, o outcome, v *misp.AuthKeyView) {
		eq(t, "comment", string(v.Comment), o.name("full"))
		ips(t, v.AllowedIPs, "127.0.0.1", "10.0.0.0/8")
		eq(t, "read_only", bool(v.ReadOnly), true)
	}),
	"auth_keys/view_unknown": invalidAuthKey,
	"auth_keys/index_user":   authKeys("ak_initial", "ak_min", "ak_full", "ak_expired"),
	"auth_keys/login": view(func(t *testing.T, o outcome, v *misp.UserView) {
		eq(t, "user", v.User.ID, misp.ID(o.val("user_a")))
	}),
	"auth_keys/login_read_only": view(func(t *testing.T, o outcome, v *misp.UserView) {
		eq(t, "user", v.User.ID, misp.ID(o.val("user_a")))
		eq(t, "perm_auth", bool(v.Role.PermAuth), true)
	}),
	"auth_keys/read_only_admin_endpoint": denied,
	"auth_keys/login_expired":            authFailed(false),
	"auth_keys/view_after_edit": authKeyView("ak_min", "user_a", "key-user@example.org", func(t *testing.T, o outcome, v *misp.AuthKeyView) {
		eq(t, "comment", string(v.Comment), o.name("edited"))
		ips(t, v.AllowedIPs, "192.0.2.0/24")
		eq(t, "read_only", bool(v.ReadOnly), true)
		eq(t, "expiration", int64(v.Expiration), 1893456000)
	}),
	"auth_keys/view_after_clear": authKeyView("ak_full", "user_a", "key-user@example.org", func(t *testing.T, _ outcome, v *misp.AuthKeyView) {
		ips(t, v.AllowedIPs)
		eq(t, "read_only", bool(v.ReadOnly), false)
		eq(t, "expiration", int64(v.Expiration), 1893456000) // not sent: kept
	}),
	// user_id is ignored and the invalid address refused: the key is as view_after_clear left it.
	"auth_keys/view_after_ignored_edits": authKeyView("ak_full", "user_a", "key-user@example.org",
		func(t *testing.T, _ outcome, v *misp.AuthKeyView) { ips(t, v.AllowedIPs) }),
	"auth_keys/org_admin_login": view(func(t *testing.T, o outcome, v *misp.UserView) {
		eq(t, "user", v.User.ID, misp.ID(o.val("user_oa")))
	}),
	"auth_keys/org_admin_add_own_org": authKey("ak_oa", "", "user_a", nil),
	// Accepted for a user of another organisation (§11.1) ...
	"auth_keys/org_admin_add_other_org": authKey("ak_stray", "", "user_other", nil),
	// ... which the org admin then cannot see.
	"auth_keys/org_admin_view_stray": invalidAuthKey,
	"auth_keys/org_admin_index":      authKeys("ak_initial", "ak_min", "ak_full", "ak_expired", "ak_oa"),
	"auth_keys/org_admin_add_admin":  keyNotForUser,
	"auth_keys/user_login": view(func(t *testing.T, o outcome, v *misp.UserView) {
		eq(t, "user", v.User.ID, misp.ID(o.val("user_a")))
	}),
	"auth_keys/user_add_other":  keyNotForUser,
	"auth_keys/user_view_other": authKeyView("ak_oa", "user_a", "key-user@example.org", nil),
	"auth_keys/user_view_stray": invalidAuthKey,
	// Delete checks the key's user before it looks for the key: a 405, not the 404 of view.
	"auth_keys/user_delete_stray":   keyNotForUser,
	"auth_keys/delete":              done,
	"auth_keys/delete_again":        invalidAuthKey,
	"auth_keys/delete_unknown":      invalidAuthKey,
	"auth_keys/cleanup_stray":       done,
	"auth_keys/delete_user":         done,
	"auth_keys/view_orphaned":       authKeyView("ak_full", "", "", nil),
	"auth_keys/delete_orphaned":     done,
	"auth_keys/cleanup_key_min":     done,
	"auth_keys/cleanup_key_expired": done,
	"auth_keys/cleanup_org_admin":   done,
	"auth_keys/cleanup_other_user":  done,
	"auth_keys/cleanup_org":         done,
}

// setting expects a user setting: the row of idVar ("" to skip), of the user of userVar (or that literal id),
// with this JSON value.
func setting(idVar, userVar, name, value string) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		s := as[*misp.UserSetting](t, o.v)
		if idVar != "" {
			eq(t, "id", s.ID, misp.ID(o.val(idVar)))
		}
		user := userVar
		if user != missingID {
			user = o.val(userVar)
		}
		eq(t, "user_id", s.UserID, misp.ID(user))
		eq(t, "setting", s.Setting, name)
		jsonEqual(t, string(s.Value), value)
		if s.Timestamp == 0 {
			t.Error("no timestamp")
		}
	})
}

// settings expects a list of the settings of these id variables, in this order.
func settings(idVars ...string) expectation {
	return idList("settings", func(s misp.UserSetting) misp.ID { return s.ID }, idVars...)
}

var (
	invalidSetting     = notFound("Invalid setting.")
	invalidUserSetting = notFound("Invalid user setting.")
	invalidJSONValue   = failsWith(http.StatusForbidden, "Could not add UserSetting", map[string][]string{"value": {"Invalid JSON."}})
	settingRefused     = failsWith(http.StatusMethodNotAllowed, "Invalid setting.", nil)
	settingRestricted  = failsWith(http.StatusMethodNotAllowed,
		"This setting is restricted and requires the following permission(s): site_admin", nil)
)

var goldenExpectUserSettings = map[string]expectation{
	"user_settings/setup_org": org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_a"))) }),
	"user_settings/setup_org_other": org(func(t *testing.T, o outcome, x *misp.Organisation) {
		eq(t, "id", x.ID, misp.ID(o.val("org_b")))
	}),
	"user_settings/setup_user":        added("user_a", "key_a", "set-user@example.org", nil),
	"user_settings/setup_org_admin":   added("user_oa", "key_oa", "set-admin@example.org", nil),
	"user_settings/setup_other_user":  added("user_b", "", "set-other@example.org", nil),
	"user_settings/set":               setting("us_home", "user_a", "homepage", `{"path": "/events/index"}`),
	"user_settings/set_again":         setting("us_home", "user_a", "homepage", `{"path": "/users/view/me"}`),
	"user_settings/set_empty_object":  setting("us_filter", "user_a", "publish_alert_filter", `[]`),
	"user_settings/set_numbered_keys": setting("us_columns", "user_a", "event_index_hide_columns", `["a", "b"]`),
	"user_settings/set_number":        setting("us_numbers", "user_a", "tag_numerical_value_override", `{"tlp:red": 1500}`),
	"user_settings/set_true":          setting("us_dashboard", "user_a", "dashboard", `1`),
	"user_settings/set_string_holding_json": setting("us_restsearch", "user_a", "default_restsearch_parameters",
		`{"limit": 5}`),
	"user_settings/set_false":         invalidJSONValue,
	"user_settings/set_plain_string":  invalidJSONValue,
	"user_settings/set_unknown_name":  settingRefused,
	"user_settings/set_internal_name": settingRefused,
	"user_settings/set_restricted":    setting("us_access", "user_a", "dashboard_access", `1`),
	"user_settings/set_unknown_user":  setting("us_nobody", missingID, "homepage", `{"path": "/"}`),
	"user_settings/get":               setting("us_home", "user_a", "homepage", `{"path": "/users/view/me"}`),
	"user_settings/get_numbers":       setting("us_numbers", "user_a", "tag_numerical_value_override", `{"tlp:red": 1500}`),
	"user_settings/get_unset":         invalidSetting,
	"user_settings/get_unknown_name":  invalidSetting,
	"user_settings/index_user": settings("us_home", "us_filter", "us_columns", "us_numbers", "us_dashboard", "us_restsearch",
		"us_access"),
	"user_settings/user_view": view(func(t *testing.T, o outcome, v *misp.UserView) {
		eq(t, "id", v.User.ID, misp.ID(o.val("user_a")))
		jsonEqual(t, string(v.UserSetting["homepage"]), `{"path": "/users/view/me"}`)
		jsonEqual(t, string(v.UserSetting["event_index_hide_columns"]), `["a", "b"]`)
		eq(t, "settings", len(v.UserSetting), 7)
	}),
	"user_settings/org_admin_set_own_org": setting("us_home", "user_a", "homepage", `{"path": "/by/org/admin"}`),
	// 200, and the org admin's own setting is written (§12.4).
	"user_settings/org_admin_set_other_org":  setting("us_oa_own", "user_oa", "homepage", `{"path": "/stray"}`),
	"user_settings/org_admin_set_restricted": settingRestricted,
	"user_settings/org_admin_get_other_org":  invalidSetting,
	// 200, and the user's own dashboard is replaced.
	"user_settings/user_set_other":              setting("us_dashboard", "user_a", "dashboard", `{"by": "user"}`),
	"user_settings/user_get_other":              invalidSetting,
	"user_settings/user_index":                  settingsOf("user_a", 7),
	"user_settings/delete":                      done,
	"user_settings/delete_again":                invalidUserSetting,
	"user_settings/org_admin_delete_restricted": settingRestricted,
	"user_settings/delete_user":                 done,
	"user_settings/index_deleted_user": settings("us_filter", "us_columns", "us_numbers", "us_dashboard", "us_restsearch",
		"us_access"),
	"user_settings/get_deleted_user":                      setting("us_dashboard", "user_a", "dashboard", `{"by": "user"}`),
	"user_settings/org_admin_get_deleted_user":            invalidSetting,
	"user_settings/cleanup_publish_alert_filter":          done,
	"user_settings/cleanup_event_index_hide_columns":      done,
	"user_settings/cleanup_tag_numerical_value_override":  done,
	"user_settings/cleanup_dashboard":                     done,
	"user_settings/cleanup_default_restsearch_parameters": done,
	"user_settings/cleanup_dashboard_access":              done,
	"user_settings/cleanup_nobody":                        done,
	"user_settings/cleanup_org_admin_homepage":            done,
	// The plain user's setSetting for the org admin wrote the user's own dashboard: the org admin has none.
	"user_settings/cleanup_org_admin_dashboard": invalidUserSetting,
	"user_settings/cleanup_org_admin":           done,
	"user_settings/cleanup_other_user":          done,
	"user_settings/cleanup_org":                 done,
	"user_settings/cleanup_org_other":           done,
}

// settingsOf expects n settings, all of the user of userVar.
func settingsOf(userVar string, n int) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		list := as[[]misp.UserSetting](t, o.v)
		eq(t, "settings", len(list), n)
		for _, s := range list {
			eq(t, "user_id of "+s.Setting, s.UserID, misp.ID(o.val(userVar)))
			if !json.Valid(s.Value) {
				t.Errorf("%s: value %s", s.Setting, s.Value)
			}
		}
	})
}
