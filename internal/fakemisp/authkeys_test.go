package fakemisp_test

import (
	"net/http"
	"strings"
	"testing"
)

// The expectations are real MISP 2.5.1's answers (docs/development/misp-api.md §11).

const msgAKDenied = "Invalid user or insufficient privileges to interact with an authkey for the given user."

// akUser creates a user (org, role) and returns its id and a fresh key of it.
func (e *env) akUser(email, org, role string) (string, string) {
	e.t.Helper()
	r := e.do(req{method: http.MethodPost, path: "/admin/users/add", body: map[string]any{"email": email, "org_id": org, "role_id": role}})
	if r.status != 200 {
		e.t.Fatalf("user add: %d %s", r.status, r.raw)
	}
	id := str(r.at("User", "id"))
	k := e.do(req{method: http.MethodPost, path: "/auth_keys/add/" + id, body: map[string]any{"comment": "setup"}})
	raw := str(k.at("AuthKey", "authkey_raw"))
	if raw == "" {
		e.t.Fatalf("key add: %d %s", k.status, k.raw)
	}
	return id, raw
}

func (e *env) akOrg(name string) string {
	e.t.Helper()
	r := e.do(req{method: http.MethodPost, path: "/admin/organisations/add", body: map[string]any{"name": name}})
	id := str(r.at("Organisation", "id"))
	if id == "" {
		e.t.Fatalf("org add: %s", r.raw)
	}
	return id
}

func TestAuthKeyLifecycle(t *testing.T) {
	e := newEnv(t)
	org := e.akOrg("bots")
	uid, _ := e.akUser("bot@bots.test", org, "3")

	add := e.do(req{method: http.MethodPost, path: "/auth_keys/add/" + uid, body: map[string]any{
		"comment": "c1", "allowed_ips": []string{"127.0.0.1", "10.0.0.0/8"}, "expiration": "2037-06-01", "read_only": false,
		"user_id": "1"}})
	e.expect("add", add, status(200), field(uid, "AuthKey", "user_id"), field("2127427200", "AuthKey", "expiration"),
		field([]string{"127.0.0.1", "10.0.0.0/8"}, "AuthKey", "allowed_ips"), field([]any{}, "AuthKey", "unique_ips"),
		field(false, "AuthKey", "read_only"), field("c1", "AuthKey", "comment"), absent("User"), absent("AuthKey", "authkey"))
	raw := str(add.at("AuthKey", "authkey_raw"))
	id := str(add.at("AuthKey", "id"))
	if len(raw) != 40 || add.at("AuthKey", "authkey_start") != raw[:4] || add.at("AuthKey", "authkey_end") != raw[36:] {
		t.Fatalf("key %q start/end %v %v", raw, add.at("AuthKey", "authkey_start"), add.at("AuthKey", "authkey_end"))
	}

	// The new key logs in, and its use is recorded.
	e.expect("login", e.do(req{path: "/users/view/me", key: raw}), status(200), field(uid, "User", "id"))
	view := e.do(req{path: "/auth_keys/view/" + id})
	e.expect("view", view, status(200), field([]string{"127.0.0.1"}, "AuthKey", "unique_ips"),
		field("bot@bots.test", "User", "email"), absent("AuthKey", "authkey_raw"), absent("AuthKey", "authkey"))

	// Edit: other types in the answer, user_id ignored, view has the afterFind types.
	ed := e.do(req{method: http.MethodPost, path: "/auth_keys/edit/" + id, body: map[string]any{
		"comment": "c2", "allowed_ips": []string{"127.0.0.1"}, "expiration": 2127427201, "read_only": 1, "user_id": "1"}})
	e.expect("edit", ed, status(200), field(2127427201, "AuthKey", "expiration"), field(1, "AuthKey", "read_only"),
		field(`["127.0.0.1"]`, "AuthKey", "allowed_ips"), field(`["127.0.0.1"]`, "AuthKey", "unique_ips"),
		field(uid, "AuthKey", "user_id"), field(org, "User", "org_id"), absent("User", "email"))
	e.expect("view after edit", e.do(req{path: "/auth_keys/view/" + id}), field("2127427201", "AuthKey", "expiration"),
		field(true, "AuthKey", "read_only"), field([]string{"127.0.0.1"}, "AuthKey", "allowed_ips"), field("c2", "AuthKey", "comment"))
	// A comment-only edit keeps the rest; an empty list clears allowed_ips.
	e.expect("comment only", e.do(req{method: http.MethodPut, path: "/auth_keys/edit/" + id, body: map[string]any{"comment": "c3"}}),
		status(200), field(2127427201, "AuthKey", "expiration"), field(true, "AuthKey", "read_only"))
	e.expect("clear ips", e.do(req{method: http.MethodPost, path: "/auth_keys/edit/" + id, body: map[string]any{"allowed_ips": []string{}}}),
		status(200), field(nil, "AuthKey", "allowed_ips"))

	// users/add made one key, akUser another.
	e.expect("index by user", e.do(req{path: "/auth_keys/index/" + uid}), listLen(3))
	e.expect("view by uuid", e.do(req{path: "/auth_keys/view/" + str(add.at("AuthKey", "uuid"))}), exc(500, msgInternalError))
	e.expect("GET add", e.do(req{path: "/auth_keys/add/" + uid}), exc(500, msgInternalError))
	e.expect("GET delete", e.do(req{path: "/auth_keys/delete/" + id}), status(200), rawPrefix(`<div id="genericModal"`))

	del := e.do(req{method: http.MethodPost, path: "/auth_keys/delete/" + id})
	e.expect("delete", del, status(200), field(true, "saved"), field("AuthKey deleted.", "message"),
		field("/auth_keys/delete/"+id, "url"), func(r reply) string {
			if !strings.Contains(string(r.raw), `"id":`+id) {
				return "id is not a number: " + string(r.raw)
			}
			return ""
		})
	e.expect("delete again", e.do(req{method: http.MethodDelete, path: "/auth_keys/delete/" + id}), exc(404, "Invalid AuthKey."))
	e.expect("view deleted", e.do(req{path: "/auth_keys/view/" + id}), exc(404, "Invalid AuthKey."))
	e.expect("deleted key", e.do(req{path: "/users/view/me", key: raw}), exc(403, msgAuthFailedText))
}

const msgAuthFailedText = "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header."

func TestAuthKeyValidation(t *testing.T) {
	e := newEnv(t)
	for name, tc := range map[string]struct {
		body       map[string]any
		field, msg string
	}{
		"bad ip":         {map[string]any{"allowed_ips": []string{"1.2.3.400"}}, "allowed_ips", "1.2.3.400 is not valid IP range"},
		"bad mask":       {map[string]any{"allowed_ips": "10.0.0.0/33"}, "allowed_ips", "10.0.0.0/33 is not valid IP range"},
		"bad expiration": {map[string]any{"expiration": "notadate"}, "expiration", "Expiration must be in YYYY-MM-DD format."},
		"bad read_only":  {map[string]any{"read_only": "yes"}, "read_only", "This field cannot be left blank"},
	} {
		r := e.do(req{method: http.MethodPost, path: "/auth_keys/add/1", body: tc.body})
		e.expect(name, r, status(403), field(false, "saved"), field("Could not add auth_key", "message"),
			field("/auth_keys/add", "url"), field([]string{tc.msg}, "errors", tc.field))
	}
	e.expect("missing user", e.do(req{method: http.MethodPost, path: "/auth_keys/add/99", body: map[string]any{}}),
		status(403), field([]string{"User doesn't exists"}, "errors", "user_id"))
	// A string list is split at commas and newlines; a past expiration is accepted.
	r := e.do(req{method: http.MethodPost, path: "/auth_keys/add/1", body: map[string]any{"allowed_ips": "1.2.3.4, 5.6.7.0/24\n::1", "expiration": "2020-01-01"}})
	e.expect("string ips, past expiration", r, status(200), field([]string{"1.2.3.4", "5.6.7.0/24", "::1"}, "AuthKey", "allowed_ips"),
		field("1577836800", "AuthKey", "expiration"))
	raw := str(r.at("AuthKey", "authkey_raw"))
	e.expect("expired key", e.do(req{path: "/users/view/me", key: raw}), exc(403, msgAuthFailedText))
	// No path segment: the caller's own key, whatever the body says.
	e.expect("body user_id", e.do(req{method: http.MethodPost, path: "/auth_keys/add", body: map[string]any{"user_id": "99"}}),
		status(200), field("1", "AuthKey", "user_id"))
}

func TestAuthKeyAllowedIPsAndReadOnly(t *testing.T) {
	e := newEnv(t)
	pinned := e.do(req{method: http.MethodPost, path: "/auth_keys/add/1", body: map[string]any{"allowed_ips": []string{"192.0.2.1"}}})
	e.expect("other address", e.do(req{path: "/users/view/me", key: str(pinned.at("AuthKey", "authkey_raw"))}),
		exc(403, "It is not possible to use this Auth key from your IP address"))
	local := e.do(req{method: http.MethodPost, path: "/auth_keys/add/1", body: map[string]any{"allowed_ips": []string{"127.0.0.0/8"}}})
	e.expect("range", e.do(req{path: "/users/view/me", key: str(local.at("AuthKey", "authkey_raw"))}), status(200))

	ro := e.do(req{method: http.MethodPost, path: "/auth_keys/add/1", body: map[string]any{"read_only": true}})
	key := str(ro.at("AuthKey", "authkey_raw"))
	// users/view/me still shows the role's flags; every admin action and every key write is refused.
	e.expect("me", e.do(req{path: "/users/view/me", key: key}), status(200), field(true, "Role", "perm_site_admin"))
	for _, p := range []req{
		{method: http.MethodPost, path: "/admin/organisations/add", body: map[string]any{"name": "x"}},
		{path: "/admin/users/index"},
		{method: http.MethodPost, path: "/auth_keys/add/1", body: map[string]any{}},
		{method: http.MethodPost, path: "/auth_keys/delete/1"},
	} {
		p.key = key
		e.expect(p.method+" "+p.path, e.do(p), exc(403, "You do not have permission to use this functionality."))
	}
	// Its scope is a plain user's: only its own keys (4 of user 1), not the other user's 2.
	e.akUser("other@admin.test", "1", "3")
	e.expect("read-only key lists its own keys", e.do(req{path: "/auth_keys/index", key: key}), status(200), listLen(4))
	e.expect("admin lists all", e.do(req{path: "/auth_keys/index"}), status(200), listLen(6))
}

func TestAuthKeyScopes(t *testing.T) {
	e := newEnv(t)
	org2, org3 := e.akOrg("o2"), e.akOrg("o3")
	bot, _ := e.akUser("bot@o2.test", org2, "3")
	_, oa2 := e.akUser("oa@o2.test", org2, "2")
	oa3, _ := e.akUser("oa@o3.test", org3, "2")
	u3, u3key := e.akUser("u@o3.test", org3, "3")

	e.expect("org admin, own org", e.do(req{method: http.MethodPost, path: "/auth_keys/add/" + bot, body: map[string]any{}, key: oa2}), status(200))
	// MISP 2.5.1 does not check the organisation on add (§11.1) ...
	other := e.do(req{method: http.MethodPost, path: "/auth_keys/add/" + u3, body: map[string]any{}, key: oa2})
	e.expect("org admin, other org's user", other, status(200))
	otherID := str(other.at("AuthKey", "id"))
	// ... but the key is then out of its reach.
	e.expect("view it", e.do(req{path: "/auth_keys/view/" + otherID, key: oa2}), exc(404, "Invalid AuthKey."))
	e.expect("delete it", e.do(req{method: http.MethodPost, path: "/auth_keys/delete/" + otherID, key: oa2}), exc(404, "Invalid AuthKey."))
	e.expect("org admin, other org admin", e.do(req{method: http.MethodPost, path: "/auth_keys/add/" + oa3, body: map[string]any{}, key: oa2}),
		exc(405, msgAKDenied))
	e.expect("org admin, site admin", e.do(req{method: http.MethodPost, path: "/auth_keys/add/1", body: map[string]any{}, key: oa2}),
		exc(405, msgAKDenied))
	e.expect("org admin index", e.do(req{path: "/auth_keys/index", key: oa2}), func(r reply) string {
		for _, item := range r.list() {
			m, _ := item.(map[string]any)
			ak, _ := m["AuthKey"].(map[string]any)
			if uid := str(ak["user_id"]); uid == u3 || uid == "1" {
				return "org admin sees a key of user " + uid
			}
		}
		return ""
	})
	e.expect("user for another", e.do(req{method: http.MethodPost, path: "/auth_keys/add/" + bot, body: map[string]any{}, key: u3key}),
		exc(405, msgAKDenied))
	e.expect("user for itself", e.do(req{method: http.MethodPost, path: "/auth_keys/add/me", body: map[string]any{}, key: u3key}),
		status(200), field(u3, "AuthKey", "user_id"))

	// Deleting a user keeps its keys: shown with a null user, edit refused, delete allowed.
	e.expect("delete user", e.do(req{method: http.MethodPost, path: "/admin/users/delete/" + u3}), status(200))
	e.expect("orphan view", e.do(req{path: "/auth_keys/view/" + otherID}), status(200), field(nil, "User", "id"), field(nil, "User", "email"),
		field(u3, "AuthKey", "user_id"))
	e.expect("orphan edit", e.do(req{method: http.MethodPost, path: "/auth_keys/edit/" + otherID, body: map[string]any{"comment": "x"}}),
		status(403), field("Could not edit auth_key", "message"), field([]string{"User doesn't exists"}, "errors", "user_id"))
	e.expect("orphan delete", e.do(req{method: http.MethodPost, path: "/auth_keys/delete/" + otherID}), status(200))
	e.expect("orphan key login", e.do(req{path: "/users/view/me", key: u3key}), exc(403, msgAuthFailedText))
}

// str is v as a string ("" when it is none).
func str(v any) string {
	s, _ := v.(string)
	return s
}
