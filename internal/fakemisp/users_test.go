package fakemisp_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestTransportAndAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, userKey := e.mustUser(map[string]any{"email": "user@example.org", "role_id": 3})
	_, disabledKey := e.mustUser(map[string]any{"email": "off@example.org", "disabled": true})
	noAuthRole, err := e.s.CreateRole(map[string]any{"name": "no api"})
	if err != nil {
		t.Fatal(err)
	}
	_, noAuthKey := e.mustUser(map[string]any{"email": "noapi@example.org", "role_id": noAuthRole})
	authFail := "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header."
	e.run([]step{
		{"§9 getVersion", req{path: "/servers/getVersion"}, []check{status(200), field("2.5.1", "version"),
			field(true, "perm_sync"), field(true, "filter_sightings"), field([]any{"gzip"}, "request_encoding")}},
		{"§9 getVersion as a normal user: uuid hidden", req{path: "/servers/getVersion", key: userKey},
			[]check{status(200), field(false, "perm_sync"), field("-", "uuid")}},
		{"§0.1 no JSON Accept header → 302 to /users/login", req{path: "/servers/getVersion", noJSON: true},
			[]check{status(http.StatusFound), func(r reply) string {
				if !strings.HasSuffix(r.header.Get("Location"), "/users/login") {
					return "Location " + r.header.Get("Location")
				}
				return ""
			}}},
		{"§0.1 .json suffix counts as REST", req{path: "/servers/getVersion.json", noJSON: true}, []check{status(200)}},
		{"§0.1 Accept preferring JSON", req{path: "/roles/view/3", noJSON: true,
			headers: map[string]string{"Accept": "application/json, text/html;q=0.5"}}, []check{status(200)}},
		{"§0.2 missing key", req{path: "/servers/getVersion", key: "-"}, []check{exc(403, authFail),
			field("/servers/getVersion", "url")}},
		{"§0.2 wrong length", req{path: "/servers/getVersion", key: "short"}, []check{exc(403, authFail)}},
		{"§0.2 unknown key", req{path: "/servers/getVersion", key: strings.Repeat("a", 40)}, []check{exc(403, authFail)}},
		{"§0.2 Basic ignored", req{path: "/servers/getVersion", key: "Basic " + testAdminKey}, []check{exc(403, authFail)}},
		{"§0.2 XHR message", req{path: "/servers/getVersion", key: "-", headers: map[string]string{"X-Requested-With": "XMLHttpRequest"}},
			[]check{exc(403, "Authentication failed.")}},
		{"§0.2 X-MISP-AUTH takes precedence", req{path: "/users/view/me", key: "-", headers: map[string]string{"X-MISP-AUTH": userKey}},
			[]check{status(200), field("user@example.org", "User", "email")}},
		{"§0.2 comma-separated keys, first valid wins", req{path: "/users/view/me", key: strings.Repeat("b", 40) + ", " + userKey},
			[]check{status(200), field("user@example.org", "User", "email")}},
		{"§0.2 disabled user", req{path: "/users/view/me", key: disabledKey},
			[]check{exc(403, "Authentication failed. Your user account has been disabled.")}},
		{"§0.2 role without perm_auth", req{path: "/users/view/me", key: noAuthKey}, []check{exc(403, authFail)}},
		{"§0.3 invalid JSON → 405", req{method: "POST", path: "/admin/users/add", body: "{not json"},
			[]check{exc(405, "Invalid JSON input. Make sure that the JSON input is a correctly formatted JSON string. This request has been blocked to avoid an unfiltered request.")}},
		{"§0.4 unknown action (site admin) → 404 Not Found", req{path: "/users/nonexistent"}, []check{exc(404, "Not Found")}},
		{"§4 unknown action (normal user) → ACL 403", req{path: "/users/nonexistent", key: userKey},
			[]check{exc(403, "You do not have permission to use this functionality.")}},
		{"§0.3 body ignored without a JSON Content-Type", req{method: "POST", path: "/admin/users/add", body: map[string]any{"email": "ct@example.org"},
			headers: map[string]string{"Content-Type": "text/plain"}}, []check{status(403), field(map[string]any{"email": "Mandatory field not set."}, "errors")}},
		{"§0.4 JSON content type", req{path: "/roles/view/1"}, []check{func(r reply) string {
			if r.header.Get("Content-Type") != "application/json; charset=UTF-8" {
				return "content type " + r.header.Get("Content-Type")
			}
			return ""
		}}},
		{"§1.1 heartbeat needs no key", req{path: "/users/heartbeat", key: "-", noJSON: true}, []check{status(200), present("message")}},
	})

	// §0.4 pretty printing unless the client is PyMISP/MISP.
	r := e.do(req{path: "/roles/view/3", headers: map[string]string{"User-Agent": "Go-http-client/1.1"}})
	if !strings.Contains(string(r.raw), "\n    \"Role\"") {
		t.Errorf("§0.4 expected pretty JSON for a non-PyMISP client: %s", r.raw[:40])
	}
	r = e.do(req{path: "/roles/view/3"})
	if strings.Contains(string(r.raw), "\n") {
		t.Errorf("§0.4 expected compact JSON for PyMISP")
	}
	// §0.4 If-None-Match with the body's SHA-1 → 304.
	first := e.do(req{path: "/roles/view/3", headers: map[string]string{"If-None-Match": `"x"`}})
	etag := first.header.Get("ETag")
	if etag == "" {
		t.Fatal("§0.4 no ETag returned when If-None-Match was sent")
	}
	e.expect("§0.4 If-None-Match", e.do(req{path: "/roles/view/3", headers: map[string]string{"If-None-Match": etag}}), status(304))
}

func TestUsersAddEditDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	orgID, err := e.s.CreateOrganisation(map[string]any{"name": "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	e.run([]step{
		{"§1.1.3 GET on add → describe", req{path: "/admin/users/add"}, []check{status(200),
			field("/admin/users/add API description", "name"), field([]any{"email", "org_id", "role_id"}, "mandatory_fields")}},
		{"§1.1.3 missing email", req{method: "POST", path: "/admin/users/add", body: map[string]any{"org_id": orgID}},
			[]check{status(403), field(false, "saved"), field("Could not add User", "name"), field("/admin/users/add", "url"),
				field(map[string]any{"email": "Mandatory field not set."}, "errors")}},
		{"§1.1.3 invalid role → 405", req{method: "POST", path: "/admin/users/add", body: map[string]any{"email": "x@y.z", "role_id": 99}},
			[]check{exc(405, "Invalid role")}},
		{"§1.1.3 invalid organisation", req{method: "POST", path: "/admin/users/add", body: map[string]any{"email": "x@y.z", "org_id": 99}},
			[]check{status(403), field([]any{"Invalid organisation"}, "errors")}},
		{"§1.4 invalid email", req{method: "POST", path: "/admin/users/add", body: map[string]any{"email": "not-an-email"}},
			[]check{status(403), field(map[string]any{"email": []any{"Please enter a valid email address."}}, "errors")}},
		{"§1.4 password too short", req{method: "POST", path: "/admin/users/add", body: map[string]any{"email": "p@example.org", "password": "Short1!"}},
			[]check{status(403), field(map[string]any{"password": []any{"Password length requirement not met."}}, "errors")}},
		{"§1.4 password complexity", req{method: "POST", path: "/admin/users/add", body: map[string]any{"email": "p@example.org", "password": "alllowercase1"}},
			[]check{status(403), field(map[string]any{"password": []any{"Password complexity requirement not met."}}, "errors")}},
		{"§1.1.3 create (wrapped), defaults of §1.3", req{method: "POST", path: "/admin/users/add",
			body: map[string]any{"User": map[string]any{"email": " Alice@Example.org ", "org_id": orgID, "password": "Sixteen chars long",
				"expiration": "2030-01-01 00:00:00", "force_logout": true, "notification_daily": true}}},
			[]check{status(200), field("2", "User", "id"), field("Alice@Example.org", "User", "email"), field("******", "User", "password"),
				field("3", "User", "role_id"), field(true, "User", "change_pw"), field(false, "User", "termsaccepted"),
				field(false, "User", "disabled"), field(false, "User", "autoalert"), field("0", "User", "server_id"),
				field("1", "User", "invited_by"), field("", "User", "gpgkey"), field("", "User", "external_auth_key"),
				field(nil, "User", "totp"), field("0", "User", "totp_is_set"), field(nil, "User", "expiration"),
				field(false, "User", "force_logout"), field(false, "User", "notification_daily"), absent("Role"), absent("Organisation"),
				func(r reply) string {
					k, _ := r.at("User", "authkey").(string)
					if len(k) != 40 {
						return "authkey " + k
					}
					return ""
				}}},
		{"§1.4 email unique, case-insensitive", req{method: "POST", path: "/admin/users/add", body: map[string]any{"email": "alice@example.ORG"}},
			[]check{status(403), field(map[string]any{"email": []any{"An account with this email address already exists."}}, "errors")}},
		{"§1.1.2 admin view masks and shapes", req{path: "/admin/users/view/2"}, []check{status(200), field("*****", "User", "password"),
			field("*****", "User", "totp"), absent("User", "server_id"), absent("User", "authkey"), field([]any{}, "UserSetting"),
			field("User", "Role", "name"), field("2", "Role", "permission"), field("manage_org", "Role", "permission_description"),
			absent("Role", "perm_full"), field("Acme", "Organisation", "name"), field([]any{}, "User", "orgAdmins")}},
		{"§1.1.2 view of someone else as site admin", req{path: "/users/view/2"}, []check{status(200), absent("User", "orgAdmins")}},
		{"§1.1.2 admin view 'me' is not supported", req{path: "/admin/users/view/me"}, []check{exc(404, "Invalid user")}},
		{"§1.1.2 unknown user", req{path: "/admin/users/view/999"}, []check{exc(404, "Invalid user")}},
		{"§1.1.4 GET on edit → describe", req{path: "/admin/users/edit/2"}, []check{status(200), field("/admin/users/edit API description", "name")}},
		{"§1.1.4 edit unknown user", req{method: "POST", path: "/admin/users/edit/999", body: map[string]any{"disabled": true}},
			[]check{exc(404, "Invalid user")}},
		{"§1.1.4 partial edit (bare body), totp raw; §0.3 \"false\" is truthy for disabled", req{method: "PUT", path: "/admin/users/edit/2",
			body: map[string]any{"disabled": "false", "totp": "SECRET", "termsaccepted": "1"}},
			[]check{status(200), field(true, "User", "disabled"), field("SECRET", "User", "totp"), field("1", "User", "totp_is_set"),
				field(true, "User", "termsaccepted"), field("Alice@Example.org", "User", "email"), field("******", "User", "password"),
				absent("User", "authkey"), present("User", "server_id")}},
		{"§1.1.2 view masks totp always", req{path: "/admin/users/view/2"}, []check{field("*****", "User", "totp"), field("1", "User", "totp_is_set")}},
		{"§1.1.9 totp delete", req{method: "POST", path: "/users/totp_delete/2"}, []check{status(200), field("User TOTP deleted.", "message"),
			field("/users/totp_delete/2", "url"), field("2", "id")}},
		{"§1.1.9 totp delete is idempotent", req{method: "DELETE", path: "/users/totp_delete/2"}, []check{status(200)}},
		{"§1.4 edit validation error envelope", req{method: "POST", path: "/admin/users/edit/2", body: map[string]any{"autoalert": "yes"}},
			[]check{status(403), field("Could not edit User", "name"), field("/admin/users/edit/2", "url"), field("2", "id"),
				field(map[string]any{"autoalert": []any{"boolean"}}, "errors")}},
		{"§1.1.4 password change through edit", req{method: "POST", path: "/admin/users/edit/2", body: map[string]any{"password": "An0ther-Password"}},
			[]check{status(200)}},
		{"§1.1.4 site admin may set a dangling role", req{method: "POST", path: "/admin/users/edit/2", body: map[string]any{"role_id": 77}},
			[]check{status(200), field("77", "User", "role_id")}},
		{"§2.3 dangling role renders all-null Role", req{path: "/admin/users/view/2"}, []check{field(nil, "Role", "id"), field("0", "Role", "permission")}},
		{"§1.1.5 GET on delete: the HTML confirmation dialog (real MISP 2.5.1)", req{path: "/admin/users/delete/2"},
			[]check{status(200), rawPrefix(`<div id="genericModal"`)}},
		{"§1.1.5 delete", req{method: "POST", path: "/admin/users/delete/2"}, []check{status(200), field(true, "saved"), field(true, "success"),
			field("User deleted.", "name"), field("/admin/users/delete/2", "url"), field("2", "id")}},
		{"§1.1.5 second delete → 404", req{method: "DELETE", path: "/admin/users/delete/2"}, []check{exc(404, "Invalid user"),
			field("/admin/users/delete/2", "url")}},
	})
	if !e.s.CheckUserPassword("1", "admin") {
		t.Error("§3.4 seeded admin password should be admin")
	}
}

func TestUsersDefaultRoleAndNotify(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, err := e.s.CreateRole(map[string]any{"name": "Temp", "perm_auth": true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.s.SetDefaultRole(rid); err != nil {
		t.Fatal(err)
	}
	e.run([]step{
		{"§1.3 role_id defaults to the default role", req{method: "POST", path: "/admin/users/add", body: map[string]any{"email": "d@example.org"}},
			[]check{status(200), field(rid, "User", "role_id")}},
		{"§3.1.5 role in use → 403 on POST", req{method: "POST", path: "/admin/roles/delete/" + rid},
			[]check{status(403), field("It is not possible to delete role that is assigned to users.", "errors")}},
		{"§1.1.5 delete the user", req{method: "POST", path: "/admin/users/delete/2"}, []check{status(200)}},
		{"§3.1.5 delete the default role", req{method: "POST", path: "/admin/roles/delete/" + rid}, []check{status(200), field("Role deleted.", "message")}},
		{"§3.1.5 stale default role → 405 Invalid role", req{method: "POST", path: "/admin/users/add", body: map[string]any{"email": "e@example.org"}},
			[]check{exc(405, "Invalid role")}},
	})
}

func TestUsersIndexFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, _ := e.s.CreateOrganisation(map[string]any{"name": "Acme"})
	beta, _ := e.s.CreateOrganisation(map[string]any{"name": "Beta Corp"})
	e.mustUser(map[string]any{"email": "alice@acme.test", "org_id": acme, "role_id": 2})
	e.mustUser(map[string]any{"email": "bob@acme.test", "org_id": acme, "role_id": 3, "autoalert": true})
	e.mustUser(map[string]any{"email": "carol@beta.test", "org_id": beta, "role_id": 6, "disabled": true})
	ids := func(want ...string) check {
		return func(r reply) string {
			var got []string
			for _, it := range r.list() {
				m, _ := it.(map[string]any)
				u, _ := m["User"].(map[string]any)
				id, _ := u["id"].(string)
				got = append(got, id)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				return "ids " + strings.Join(got, ",") + ", want " + strings.Join(want, ",")
			}
			return ""
		}
	}
	e.run([]step{
		{"§1.1.1 all users, trimmed Role and Organisation", req{path: "/admin/users/index"}, []check{status(200), ids("1", "2", "3", "4"),
			func(r reply) string {
				m, _ := r.list()[0].(map[string]any)
				role, _ := m["Role"].(map[string]any)
				if len(role) != 5 || role["perm_auth"] != true {
					return "Role subset wrong"
				}
				u, _ := m["User"].(map[string]any)
				for _, k := range []string{"password", "totp", "authkey", "totp_is_set"} {
					if _, ok := u[k]; ok {
						return k + " must not appear in the index"
					}
				}
				return ""
			}}},
		{"§0.6 /admin/users alias", req{path: "/admin/users"}, []check{ids("1", "2", "3", "4")}},
		{"§1.1.1 searchemail substring", req{path: "/admin/users/index/searchemail:ACME"}, []check{ids("2", "3")}},
		{"§1.1.1 searchemail a|b", req{path: "/admin/users/index/searchemail:alice|carol"}, []check{ids("2", "4")}},
		{"§1.1.1 searchemail !", req{path: "/admin/users/index/searchemail:!acme"}, []check{ids("1", "4")}},
		{"§1.1.1 searchorg", req{path: "/admin/users/index/searchorg:" + acme}, []check{ids("2", "3")}},
		{"§1.1.1 searchorg !", req{path: "/admin/users/index/searchorg:!" + acme}, []check{ids("1", "4")}},
		{"§1.1.1 searchrole a|b", req{path: "/admin/users/index/searchrole:2|6"}, []check{ids("2", "4")}},
		{"§1.1.1 searchdisabled", req{path: "/admin/users/index/searchdisabled:1"}, []check{ids("4")}},
		{"§1.1.1 searchautoalert", req{path: "/admin/users/index/searchautoalert:1"}, []check{ids("3")}},
		{"§1.1.1 value: (PyMISP) = searchall over org name", req{path: "/admin/users/index/value:beta"}, []check{ids("4")}},
		{"§1.1.1 searchall over role name", req{path: "/admin/users/index/searchall:org admin"}, []check{ids("2")}},
		{"§1.1.1 combined filters", req{path: "/admin/users/index/searchorg:" + acme + "/searchemail:bob.json", noJSON: true}, []check{ids("3")}},
		{"§1.1.1 limit/page ignored", req{path: "/admin/users/index/limit:1/page:2"}, []check{ids("1", "2", "3", "4")}},
	})
}

func TestOrgAdminScoping(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, _ := e.s.CreateOrganisation(map[string]any{"name": "Acme"})
	other, _ := e.s.CreateOrganisation(map[string]any{"name": "Other"})
	_, adminKey := e.mustUser(map[string]any{"email": "boss@acme.test", "org_id": acme, "role_id": 2})
	peer, _ := e.mustUser(map[string]any{"email": "peer@acme.test", "org_id": acme, "role_id": 3})
	outsider, _ := e.mustUser(map[string]any{"email": "x@other.test", "org_id": other, "role_id": 3})
	_, userKey := e.mustUser(map[string]any{"email": "plain@acme.test", "org_id": acme, "role_id": 3})
	noPerm := "You do not have permission to use this functionality."
	e.run([]step{
		{"§4 org admin index: own org only", req{path: "/admin/users/index", key: adminKey}, []check{status(200), listLen(3)}},
		{"§4 org admin cannot use searchorg", req{path: "/admin/users/index/searchorg:" + other, key: adminKey}, []check{listLen(3)}},
		{"§4 org admin views a peer; orgAdmins lists enabled org admins", req{path: "/admin/users/view/" + peer, key: adminKey},
			[]check{status(200), field(map[string]any{"2": "boss@acme.test"}, "User", "orgAdmins")}},
		{"§4 other org's user → 404", req{path: "/admin/users/view/" + outsider, key: adminKey}, []check{exc(404, "Invalid user")}},
		{"§4 users/view of someone else → 404", req{path: "/users/view/" + peer, key: adminKey},
			[]check{exc(404, "Invalid user or not authorised.")}},
		{"§4 org_id silently forced on add", req{method: "POST", path: "/admin/users/add", key: adminKey,
			body: map[string]any{"email": "new@acme.test", "org_id": other, "role_id": 3}}, []check{status(200), field(acme, "User", "org_id")}},
		{"§4 org admin may create org admins", req{method: "POST", path: "/admin/users/add", key: adminKey,
			body: map[string]any{"email": "boss2@acme.test", "role_id": 2}}, []check{status(200)}},
		{"§4 privileged role → 500", req{method: "POST", path: "/admin/users/add", key: adminKey,
			body: map[string]any{"email": "evil@acme.test", "role_id": 1}}, []check{exc(500, "An Internal Error Has Occurred.")}},
		{"§4 edit: org_id ignored", req{method: "POST", path: "/admin/users/edit/" + peer, key: adminKey,
			body: map[string]any{"org_id": other, "autoalert": true}}, []check{status(200), field(acme, "User", "org_id"), field(true, "User", "autoalert")}},
		{"§4 edit: grant sync role → 500", req{method: "POST", path: "/admin/users/edit/" + peer, key: adminKey,
			body: map[string]any{"role_id": 5}}, []check{status(500)}},
		{"§4 cannot edit site admin", req{method: "POST", path: "/admin/users/edit/1", key: adminKey, body: map[string]any{"autoalert": true}},
			[]check{exc(404, "Invalid user")}},
		{"§4 cannot delete other org's user", req{method: "POST", path: "/admin/users/delete/" + outsider, key: adminKey},
			[]check{exc(404, "Invalid user")}},
		{"§4 normal user: admin index → 403", req{path: "/admin/users/index", key: userKey}, []check{exc(403, noPerm)}},
		{"§4 org admin: org add → 403", req{method: "POST", path: "/admin/organisations/add", key: adminKey, body: map[string]any{"name": "N"}},
			[]check{exc(403, noPerm)}},
		{"§4 org admin: role add → 403", req{method: "POST", path: "/admin/roles/add", key: adminKey, body: map[string]any{"name": "N"}},
			[]check{exc(403, noPerm)}},
		{"§4 everyone: roles index", req{path: "/roles/index", key: userKey}, []check{status(200), listLen(6)}},
		{"§4 everyone: organisations index, created_by hidden", req{path: "/organisations/index", key: userKey},
			[]check{status(200), func(r reply) string {
				m, _ := r.list()[0].(map[string]any)
				o, _ := m["Organisation"].(map[string]any)
				if _, ok := o["created_by"]; ok {
					return "created_by visible to a normal user"
				}
				if _, ok := o["created_by_email"]; ok {
					return "created_by_email visible to a normal user"
				}
				return ""
			}}},
	})
}

func TestSelfServiceEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id, key := e.mustUser(map[string]any{"email": "me@example.org", "password": "Old-Password-123"})
	e.run([]step{
		{"§1.1.6 self edit", req{method: "POST", path: "/users/edit", key: key, body: map[string]any{"autoalert": true, "role_id": 1}},
			[]check{status(200), field(true, "User", "autoalert"), field("3", "User", "role_id"), present("Role")}},
		{"§1.1.6 self edit failure is a string", req{method: "POST", path: "/users/edit", key: key, body: map[string]any{"email": "bad"}},
			[]check{status(403), field("The profile could not be updated. Please, try again.", "errors"), field("/users/edit/"+id, "url")}},
		{"§1.1.7 change_pw GET → describe", req{path: "/users/change_pw", key: key}, []check{status(200), field([]any{"password"}, "mandatory_fields")}},
		{"§1.1.7 change_pw same password", req{method: "POST", path: "/users/change_pw", key: key, body: map[string]any{"password": "Old-Password-123"}},
			[]check{status(403), field("Submitted new password cannot be the same as the current one", "errors"), field("Could not change_pw User", "name")}},
		{"§1.1.7 change_pw policy", req{method: "POST", path: "/users/change_pw", key: key, body: map[string]any{"password": "short"}},
			[]check{status(403)}},
		{"§1.1.7 change_pw wrong current password", req{method: "POST", path: "/users/change_pw", key: key,
			body: map[string]any{"password": "New-Password-456", "current_password": "nope"}},
			[]check{status(403), field("Invalid password. Please enter your current password to continue.", "errors")}},
		{"§1.1.7 change_pw", req{method: "POST", path: "/users/change_pw", key: key, body: map[string]any{"password": "New-Password-456"}},
			[]check{status(200), field("Password Changed.", "message"), field("/users/change_pw", "url"), absent("id")}},
		{"§1.1.8 initiatePasswordReset → text/html JSON", req{method: "POST", path: "/users/initiatePasswordReset/" + id},
			[]check{status(200), field(true, "saved"), field("New credentials sent.", "success"), func(r reply) string {
				if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
					return "content type " + r.header.Get("Content-Type")
				}
				return ""
			}}},
		{"§1.1 resetauthkey", req{method: "POST", path: "/users/resetauthkey/" + id}, []check{status(200), func(r reply) string {
			msg, _ := r.at("message").(string)
			if !strings.HasPrefix(msg, "Authkey updated: ") || len(msg) != len("Authkey updated: ")+40 {
				return "message " + msg
			}
			return ""
		}}},
		{"§1.1 old key expired after resetauthkey", req{path: "/users/view/me", key: key}, []check{status(403)}},
	})
	if e.s.CheckUserPassword(id, "New-Password-456") || e.s.CheckUserPassword(id, "Old-Password-123") {
		t.Error("§1.1.8 the reset must replace the password with one nobody knows")
	}
	u, _ := e.s.User(id)
	if u["change_pw"] != true {
		t.Errorf("§1.1.8 change_pw should be set after a reset: %v", u["change_pw"])
	}
}
