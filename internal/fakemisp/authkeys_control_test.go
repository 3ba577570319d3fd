package fakemisp_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// TestAuthKeyControlAPI drives /_mispfake/auth_keys: a key made there logs in like one from auth_keys/add, and what
// PATCH and DELETE change is what authentication enforces.
func TestAuthKeyControlAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctl := func(method, path string, body any) reply {
		return e.do(req{method: method, path: "/_mispfake/auth_keys" + path, body: body})
	}
	created := ctl(http.MethodPost, "", map[string]any{"user_id": "1", "comment": "from the control API"})
	e.expect("create", created, status(200), present("id"), present("authkey"))
	id, key := str(created.at("id")), str(created.at("authkey"))
	if len(key) != 40 {
		t.Fatalf("create answered key %q", key)
	}
	login := func(name string, checks ...check) {
		t.Helper()
		e.expect(name, e.do(req{path: "/users/view/me", key: key}), checks...)
	}
	login("the new key logs in", status(200), field("1", "User", "id"))
	e.expect("the MISP view of it", e.do(req{path: "/auth_keys/view/" + id}), status(200),
		field("from the control API", "AuthKey", "comment"), field(key[:4], "AuthKey", "authkey_start"),
		field(key[36:], "AuthKey", "authkey_end"), field([]string{"127.0.0.1"}, "AuthKey", "unique_ips"))
	rec := ctl(http.MethodGet, "/"+id, nil)
	e.expect("read", rec, status(200), field(id, "id"), field("1", "user_id"), field(false, "read_only"), field("0", "expiration"),
		field(nil, "allowed_ips"), field([]string{"127.0.0.1"}, "unique_ips"), absent("authkey"), absent("hash"))
	if rec.at("authkey_raw") != nil {
		t.Errorf("the key is shown again: %s", rec.raw)
	}
	e.expect("list", ctl(http.MethodGet, "", nil), status(200), listLen(2)) // the seeded admin key and this one

	// read_only: the key keeps perm_auth and perm_audit only.
	e.expect("admin endpoint before", e.do(req{path: "/admin/users/index", key: key}), status(200))
	e.expect("patch read_only", ctl(http.MethodPatch, "/"+id, map[string]any{"read_only": true}), status(200))
	e.expect("admin endpoint with a read-only key", e.do(req{path: "/admin/users/index", key: key}), exc(403, msgNoPermissionText))
	login("a read-only key still logs in", status(200))
	e.expect("patch read_only back (0)", ctl(http.MethodPatch, "/"+id, map[string]any{"read_only": 0}), status(200))
	e.expect("admin endpoint again", e.do(req{path: "/admin/users/index", key: key}), status(200))

	// expiration: a past one kills the key, 0 revives it.
	e.expect("patch expiration (past)", ctl(http.MethodPatch, "/"+id, map[string]any{"expiration": "2020-01-01"}), status(200))
	e.expect("expiration read back", ctl(http.MethodGet, "/"+id, nil), field("1577836800", "expiration"))
	login("an expired key", exc(403, msgAuthFailedText))
	e.expect("patch expiration (never)", ctl(http.MethodPut, "/"+id, map[string]any{"expiration": 0}), status(200))
	login("no expiration", status(200))

	// allowed_ips: another address is refused with its own message; null allows anywhere again.
	e.expect("patch allowed_ips (elsewhere)", ctl(http.MethodPatch, "/"+id, map[string]any{"allowed_ips": []string{"192.0.2.1", "198.51.100.0/24"}}), status(200))
	login("used from elsewhere", exc(403, "It is not possible to use this Auth key from your IP address"))
	e.expect("patch allowed_ips (here)", ctl(http.MethodPatch, "/"+id, map[string]any{"allowed_ips": "127.0.0.0/8"}), status(200))
	login("used from an allowed range", status(200))
	e.expect("patch allowed_ips (elsewhere again)", ctl(http.MethodPatch, "/"+id, map[string]any{"allowed_ips": []string{"192.0.2.1"}}), status(200))
	e.expect("patch allowed_ips (null)", ctl(http.MethodPatch, "/"+id, map[string]any{"allowed_ips": nil}), status(200))
	login("anywhere again", status(200))
	e.expect("read after the patches", ctl(http.MethodGet, "/"+id, nil), field(nil, "allowed_ips"), field(false, "read_only"),
		field("0", "expiration"), field("from the control API", "comment"))

	// Refusals: nothing changes.
	for name, tc := range map[string]struct {
		method, path string
		body         any
		status       int
	}{
		"create: no user_id":        {http.MethodPost, "", map[string]any{"comment": "x"}, 404},
		"create: unknown user":      {http.MethodPost, "", map[string]any{"user_id": 99}, 404},
		"create: hash not settable": {http.MethodPost, "", map[string]any{"user_id": 1, "authkey": "x"}, 400},
		"create: bad range":         {http.MethodPost, "", map[string]any{"user_id": 1, "allowed_ips": []string{"10.0.0.0/33"}}, 400},
		"patch: user_id":            {http.MethodPatch, "/" + id, map[string]any{"user_id": 2}, 400},
		"patch: authkey_start":      {http.MethodPatch, "/" + id, map[string]any{"authkey_start": "abcd"}, 400},
		"patch: bad expiration":     {http.MethodPatch, "/" + id, map[string]any{"expiration": "someday"}, 400},
		"patch: bad read_only":      {http.MethodPatch, "/" + id, map[string]any{"read_only": "yes"}, 400},
		"patch: unknown key":        {http.MethodPatch, "/999", map[string]any{"comment": "x"}, 404},
	} {
		e.expect(name, ctl(tc.method, tc.path, tc.body), status(tc.status), present("error"))
	}
	e.expect("list after the refusals", ctl(http.MethodGet, "", nil), listLen(2))
	login("still logs in", status(200))

	e.expect("delete", ctl(http.MethodDelete, "/"+id, nil), status(200))
	login("a deleted key", exc(403, msgAuthFailedText))
	e.expect("read deleted", ctl(http.MethodGet, "/"+id, nil), status(404))
	e.expect("delete again", ctl(http.MethodDelete, "/"+id, nil), status(404))
	e.expect("MISP view of the deleted key", e.do(req{path: "/auth_keys/view/" + id}), exc(404, "Invalid AuthKey."))
	e.expect("the admin key still works", e.do(req{path: "/users/view/me"}), status(200))
}

const msgNoPermissionText = "You do not have permission to use this functionality."

// TestAuthKeyGoAPI: the Go API of the auth-key kind, and keys of users made through the other routes.
func TestAuthKeyGoAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	uid, userKey := e.mustUser(map[string]any{"email": "keys@example.org"})
	id, key, err := e.s.CreateAuthKey(map[string]any{"user_id": uid, "read_only": true, "expiration": 2127427200,
		"allowed_ips": []string{"127.0.0.1"}, "comment": "go"})
	if err != nil {
		t.Fatal(err)
	}
	e.expect("Go API key logs in", e.do(req{path: "/users/view/me", key: key}), status(200), field(uid, "User", "id"))
	k, ok := e.s.AuthKey(id)
	if !ok || k["user_id"] != uid || k["read_only"] != true || k["expiration"] != "2127427200" || k["comment"] != "go" {
		t.Errorf("AuthKey %v", k)
	}
	if ips, _ := k["allowed_ips"].([]any); len(ips) != 1 || ips[0] != "127.0.0.1" {
		t.Errorf("allowed_ips %v", k["allowed_ips"])
	}
	if _, ok := k["authkey"]; ok {
		t.Error("AuthKey shows the hash")
	}
	// users/add's key, CreateUser's, NewAuthKey's and this one are all rows of the same kind.
	key2, err := e.s.NewAuthKey(uid)
	if err != nil {
		t.Fatal(err)
	}
	mine := 0
	for _, k := range e.s.AuthKeys() {
		if k["user_id"] == uid {
			mine++
		}
	}
	if mine != 3 {
		t.Errorf("%d keys of user %s, want 3", mine, uid)
	}
	for _, k := range []string{userKey, key2} {
		e.expect("other keys log in", e.do(req{path: "/users/view/me", key: k}), status(200))
	}
	if err := e.s.UpdateAuthKey(id, map[string]any{"allowed_ips": []string{"192.0.2.1"}}); err != nil {
		t.Fatal(err)
	}
	e.expect("UpdateAuthKey allowed_ips", e.do(req{path: "/users/view/me", key: key}), status(403))
	if err := e.s.DeleteAuthKey(id); err != nil {
		t.Fatal(err)
	}
	if err := e.s.DeleteAuthKey(id); !errors.Is(err, fakemisp.ErrNotFound) {
		t.Errorf("second DeleteAuthKey: %v", err)
	}
	if _, _, err := e.s.CreateAuthKey(map[string]any{"user_id": "999"}); !errors.Is(err, fakemisp.ErrNotFound) {
		t.Errorf("key of an unknown user: %v", err)
	}
	// resetauthkey expires the caller's key and answers the new one.
	r := e.do(req{method: http.MethodPost, path: "/users/resetauthkey/me", key: key2})
	e.expect("resetauthkey", r, status(200))
	e.expect("reset key", e.do(req{path: "/users/view/me", key: key2}), exc(403, msgAuthFailedText))
	e.expect("the other key", e.do(req{path: "/users/view/me", key: userKey}), status(200))
}

// legacyKey is the one key of legacyState, whose "hash" is its SHA-256 in hex.
const legacyKey = "Legacy0123456789abcdefghijklmnopqrstuvwx"

// legacyState is a state file as mispfake wrote it before auth keys were rows (written by hand): user 1 of org 1
// with a perm_auth role and one advanced key, already used from 192.0.2.7 and allowed from 127.0.0.1 and 192.0.2.0/24.
const legacyState = `{
  "format": "mispfake-state/1",
  "users": [{"id": 1, "email": "legacy@example.org", "org_id": 1, "role_id": 1, "password": "", "nids_sid": 4000000,
    "date_modified": 1893456000}],
  "organisations": [{"id": 1, "name": "LEGACY", "date_created": "2030-01-01 00:00:00",
    "date_modified": "2030-01-01 00:00:00", "uuid": "5b0c3c5e-8d3e-4a1c-9d5e-0123456789ab", "local": true}],
  "roles": [{"id": 1, "name": "API", "perm_auth": true}],
  "auth_keys": [
    {
      "id": 7,
      "uuid": "0b9a3a1e-3c55-4b7e-8f0e-6f1d2c3b4a59",
      "authkey_start": "Lega",
      "authkey_end": "uvwx",
      "hash": "26aabcf1e73e74d1f16cc4941b8ef0628fcd6729e21ba31b73d0c235d83833ee",
      "created": 1893456000,
      "expiration": 0,
      "read_only": false,
      "user_id": 1,
      "comment": "written before auth keys were rows",
      "allowed_ips": ["127.0.0.1", "192.0.2.0/24"],
      "unique_ips": ["192.0.2.7"]
    }
  ],
  "next_user_id": 2,
  "next_organisation_id": 2,
  "next_role_id": 2,
  "next_auth_key_id": 8,
  "default_role": "1",
  "instance_uuid": "c1a0a7d2-7e4b-4f5e-9a3c-0d1e2f3a4b5c"
}`

// TestLegacyStateAuthKey loads a state file written before auth keys were rows: its key logs in and keeps its
// fields, and the snapshot still writes auth keys in that shape.
func TestLegacyStateAuthKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.s.Restore([]byte(legacyState)); err != nil {
		t.Fatal(err)
	}
	e.expect("the legacy key logs in", e.do(req{path: "/users/view/me", key: legacyKey}), status(200),
		field("legacy@example.org", "User", "email"))
	e.expect("its record", e.do(req{path: "/auth_keys/view/7", key: legacyKey}), status(200),
		field("written before auth keys were rows", "AuthKey", "comment"), field("1893456000", "AuthKey", "created"),
		field([]string{"127.0.0.1", "192.0.2.0/24"}, "AuthKey", "allowed_ips"),
		field([]string{"192.0.2.7", "127.0.0.1"}, "AuthKey", "unique_ips"))
	// The server's admin key joined as key 8 of user 1 (Restore); the next key is 9.
	_, key, err := e.s.CreateAuthKey(map[string]any{"user_id": 1})
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := e.s.AuthKey("9"); k["authkey_start"] != key[:4] {
		t.Errorf("key 9: %v", k)
	}

	snap, err := e.s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format string           `json:"format"`
		Keys   []map[string]any `json:"auth_keys"`
		Next   int64            `json:"next_auth_key_id"`
	}
	if err := json.Unmarshal(snap, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != "mispfake-state/1" || len(doc.Keys) != 3 || doc.Next != 10 {
		t.Fatalf("snapshot %s", snap)
	}
	k := doc.Keys[0]
	want := map[string]any{
		"id": float64(7), "uuid": "0b9a3a1e-3c55-4b7e-8f0e-6f1d2c3b4a59", "authkey_start": "Lega", "authkey_end": "uvwx",
		"hash": "26aabcf1e73e74d1f16cc4941b8ef0628fcd6729e21ba31b73d0c235d83833ee", "created": float64(1893456000),
		"expiration": float64(0), "read_only": false, "user_id": float64(1), "comment": "written before auth keys were rows",
		"allowed_ips": []any{"127.0.0.1", "192.0.2.0/24"}, "unique_ips": []any{"192.0.2.7", "127.0.0.1"},
	}
	got, _ := json.Marshal(k)
	wantJSON, _ := json.Marshal(want)
	if string(got) != string(wantJSON) {
		t.Errorf("snapshot key\n got %s\nwant %s", got, wantJSON)
	}
	if _, ok := doc.Keys[2]["allowed_ips"]; ok {
		t.Errorf("an empty allowed_ips is written: %v", doc.Keys[2])
	}

	// The snapshot loads again, and a malformed key is refused.
	if err := e.s.Restore(snap); err != nil {
		t.Fatal(err)
	}
	e.expect("after a second restore", e.do(req{path: "/users/view/me", key: legacyKey}), status(200))
	for name, bad := range map[string]string{
		"short start":       `"authkey_start": "Le"`,
		"ips not a list":    `"allowed_ips": "127.0.0.1"`,
		"unknown field":     `"authkey": "x"`,
		"id not a number":   `"id": "7"`,
		"a number as ips":   `"unique_ips": [1]`,
		"read_only: string": `"read_only": "no"`,
	} {
		var m map[string]any
		if err := json.Unmarshal([]byte(legacyState), &m); err != nil {
			t.Fatal(err)
		}
		var override map[string]any
		if err := json.Unmarshal([]byte("{"+bad+"}"), &override); err != nil {
			t.Fatal(err)
		}
		key, _ := m["auth_keys"].([]any)[0].(map[string]any)
		for k, v := range override {
			key[k] = v
		}
		data, _ := json.Marshal(m)
		if err := e.s.Restore(data); err == nil {
			t.Errorf("%s: restored", name)
		}
	}
	e.expect("refused restores change nothing", e.do(req{path: "/users/view/me", key: legacyKey}), status(200))
}
