package fakemisp_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestOrganisations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const uuid = "5f1e7c4a-1b2c-4d3e-8f40-123456789abc"
	e.run([]step{
		{"§2.1.3 GET on add → describe", req{path: "/admin/organisations/add"}, []check{status(200),
			field("/admin/organisations/add API description", "name"), field([]any{"name"}, "mandatory_fields")}},
		{"§2.1.3 create ({request} wrapper, uuid lower-cased, domains normalised)", req{method: "POST", path: "/admin/organisations/add",
			body: map[string]any{"request": map[string]any{"Organisation": map[string]any{"name": "Acme ", "uuid": " " + strings.ToUpper(uuid) + " ",
				"restricted_to_domain": "acme.test\r\n\n example.test ", "landingpage": "https://acme.test", "created_by": 99, "id": 50}}}},
			[]check{status(200), field("2", "Organisation", "id"), field("Acme ", "Organisation", "name"), field(uuid, "Organisation", "uuid"),
				field([]any{"acme.test", "example.test"}, "Organisation", "restricted_to_domain"), field(true, "Organisation", "local"),
				field("1", "Organisation", "created_by"), field("https://acme.test", "Organisation", "landingpage"), field("", "Organisation", "nationality"),
				field(nil, "Organisation", "description"), absent("Organisation", "user_count")}},
		{"§2.2 name unique (case-sensitive)", req{method: "POST", path: "/admin/organisations/add", body: map[string]any{"name": "Acme "}},
			[]check{status(403), field("Could not add Organisation", "name"), field("/admin/organisations/add", "url"),
				field(map[string]any{"name": []any{"An organisation with this name already exists."}}, "errors")}},
		{"§2.2 name case differs → allowed", req{method: "POST", path: "/admin/organisations/add", body: map[string]any{"name": "ACME", "local": false}},
			[]check{status(200), field(false, "Organisation", "local")}},
		{"§2.2 name empty", req{method: "POST", path: "/admin/organisations/add", body: map[string]any{"name": "  "}},
			[]check{status(403), field(map[string]any{"name": []any{"Name cannot be empty."}}, "errors")}},
		{"§2.2 uuid v7 rejected", req{method: "POST", path: "/admin/organisations/add",
			body: map[string]any{"name": "V7", "uuid": "01890a5d-ac96-774b-bcce-b302099a8057"}},
			[]check{status(403), field(map[string]any{"uuid": []any{"Please provide a valid RFC 4122 UUID"}}, "errors")}},
		{"§2.2 uuid unique on create", req{method: "POST", path: "/admin/organisations/add", body: map[string]any{"name": "Dup", "uuid": uuid}},
			[]check{status(403), field(map[string]any{"uuid": []any{"An organisation with this UUID already exists."}}, "errors")}},
		{"§2.1.2 view by id", req{path: "/organisations/view/2"}, []check{status(200), field("0", "Organisation", "user_count"),
			absent("Organisation", "landingpage"), field("admin@admin.test", "Organisation", "created_by_email")}},
		{"§2.1.2 view by uuid", req{path: "/organisations/view/" + uuid}, []check{status(200), field("2", "Organisation", "id")}},
		{"§2.1.2 view by name (+ decodes to a space)", req{path: "/organisations/view/Acme+"}, []check{status(200), field("2", "Organisation", "id")}},
		{"§2.1.2 unknown", req{path: "/organisations/view/999"}, []check{exc(404, "Invalid organisation")}},
		{"§2.1 HEAD existing", req{method: "HEAD", path: "/organisations/view/2"}, []check{status(200)}},
		{"§2.1 HEAD missing", req{method: "HEAD", path: "/organisations/view/999"}, []check{status(404)}},
		{"§2.1.1 index default scope local", req{path: "/organisations/index"}, []check{status(200), listLen(2)}},
		{"§2.1.1 scope:external", req{path: "/organisations/index/scope:external"}, []check{listLen(1)}},
		{"§2.1.1 scope:all, ordered by LOWER(name)", req{path: "/organisations/index/scope:all"}, []check{listLen(3), func(r reply) string {
			var names []string
			for _, it := range r.list() {
				m, _ := it.(map[string]any)
				o, _ := m["Organisation"].(map[string]any)
				name, _ := o["name"].(string)
				names = append(names, name)
				if _, ok := o["user_count"].(string); !ok {
					return "user_count is not a string"
				}
			}
			if strings.Join(names, "|") != "Acme |ACME|ORGNAME" {
				return "order " + strings.Join(names, "|")
			}
			return ""
		}}},
		{"§2.1.1 searchall over domains", req{path: "/organisations/index/scope:all/searchall:EXAMPLE.test"}, []check{listLen(1)}},
		{"§0.6 /organisations alias", req{path: "/organisations"}, []check{listLen(2)}},
		{"§2.1.4 GET on edit → describe", req{path: "/admin/organisations/edit/2"}, []check{status(200), field("/admin/organisations/edit API description", "name")}},
		{"§2.1.4 edit unknown id", req{method: "POST", path: "/admin/organisations/edit/999", body: map[string]any{"name": "x"}},
			[]check{exc(404, "Invalid organisation")}},
		{"§2.1.4 edit unknown uuid has a trailing period", req{method: "POST", path: "/admin/organisations/edit/" + strings.Replace(uuid, "5f", "6f", 1),
			body: map[string]any{"name": "x"}}, []check{exc(404, "Invalid organisation.")}},
		{"§2.1.4 partial edit: nulls and other keys ignored", req{method: "PUT", path: "/admin/organisations/edit/" + uuid,
			body: map[string]any{"Organisation": map[string]any{"description": "new", "sector": nil, "landingpage": "x", "restricted_to_domain": []any{}}}},
			[]check{status(200), field("Acme ", "Organisation", "name"), field("new", "Organisation", "description"),
				field("https://acme.test", "Organisation", "landingpage"), field([]any{}, "Organisation", "restricted_to_domain"),
				absent("Organisation", "user_count")}},
		{"§2.1.4 edit validation error: URL has no id", req{method: "POST", path: "/admin/organisations/edit/2", body: map[string]any{"name": "ACME"}},
			[]check{status(403), field("Could not edit Organisation", "name"), field("/admin/organisations/edit", "url"), absent("id")}},
		{"§2.1.4 edit of the seeded org turns null domains into []", req{method: "POST", path: "/admin/organisations/edit/1", body: map[string]any{"type": "X"}},
			[]check{status(200), field([]any{}, "Organisation", "restricted_to_domain")}},
		{"§2.1.5 GET on delete → 405", req{path: "/admin/organisations/delete/2"},
			[]check{exc(405, "Action not allowed, post or delete request expected.")}},
		{"§2.1.5 delete refused while users remain", req{method: "POST", path: "/admin/organisations/delete/1"},
			[]check{status(403), field("Could not delete Organisation", "name"), field([]any{}, "errors"), field("1", "id"),
				field("/admin/organisations/delete/1", "url")}},
		{"§2.1.5 delete by uuid answers the DB id", req{method: "DELETE", path: "/admin/organisations/delete/" + uuid},
			[]check{status(200), field("Organisation deleted", "message"), field("2", "id"), field("/admin/organisations/delete/2", "url")}},
		{"§2.1.5 second delete → 404", req{method: "POST", path: "/admin/organisations/delete/2"}, []check{exc(404, "Invalid organisation")}},
	})
}

func TestRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.run([]step{
		{"§3.4 seeded roles and the default flag", req{path: "/roles/index"}, []check{status(200), listLen(6), func(r reply) string {
			want := map[string][2]any{"1": {"admin", "3"}, "2": {"Org Admin", "3"}, "3": {"User", "2"}, "4": {"Publisher", "3"},
				"5": {"Sync user", "3"}, "6": {"Read Only", "0"}}
			for _, it := range r.list() {
				m, _ := it.(map[string]any)
				role, _ := m["Role"].(map[string]any)
				id, _ := role["id"].(string)
				w := want[id]
				if role["name"] != w[0] || role["permission"] != w[1] {
					return "role " + id + " reads back wrong"
				}
				if role["default"] != (id == "3") {
					return "default flag wrong on role " + id
				}
				if _, ok := role["perm_full"]; ok {
					return "perm_full returned"
				}
				if role["memory_limit"] != nil {
					return "seeded memory_limit should be null"
				}
			}
			return ""
		}}},
		{"§3.1 /roles alias and name filter", req{path: "/roles/name:User"}, []check{listLen(1)}},
		{"§3.1.1 quickFilter", req{path: "/roles/index/quickFilter:USER"}, []check{listLen(2)}},
		{"§3.1.1 name filter with %", req{path: "/roles/index/name:%25Admin"}, []check{listLen(1)}},
		{"§3.1.1 name a||b", req{path: "/roles/index/name:User||Publisher"}, []check{listLen(2)}},
		{"§3.1.1 POST filter body", req{method: "POST", path: "/roles/index", body: map[string]any{"name": "admin"}}, []check{listLen(1)}},
		{"§3.1.2 view has no default key", req{path: "/roles/view/3"}, []check{status(200), absent("Role", "default"),
			field("manage_org", "Role", "permission_description"), field(true, "Role", "perm_auth")}},
		{"§3.1.2 unknown role", req{path: "/roles/view/99"}, []check{exc(404, "Invalid Role.")}},
		{"§3.1.2 non-numeric id → 500", req{path: "/roles/view/abc"}, []check{status(500)}},
		{"§3.1.3 create with only a name: no perm_auth, permission 0", req{method: "POST", path: "/admin/roles/add", body: map[string]any{"name": "Minimal"}},
			[]check{status(200), field("7", "Role", "id"), field(false, "Role", "perm_auth"), field("0", "Role", "permission"),
				field("", "Role", "memory_limit"), field("", "Role", "max_execution_time"), field("0", "Role", "rate_limit_count"), absent("Role", "default")}},
		{"§3.1.3 permission by name overrides flags; normalisation", req{method: "POST", path: "/admin/roles/add",
			body: map[string]any{"Role": map[string]any{"name": " Pub ", "permission": "manage_own", "perm_publish": true, "perm_auth": "false",
				"max_execution_time": "300abc", "memory_limit": "512M"}}},
			[]check{status(200), field("Pub", "Role", "name"), field("1", "Role", "permission"), field(false, "Role", "perm_publish"),
				field(true, "Role", "perm_auth"), field("300", "Role", "max_execution_time"), field("512M", "Role", "memory_limit")}},
		{"§3.1.3 duplicate name (lower-case 'role')", req{method: "POST", path: "/admin/roles/add", body: map[string]any{"name": "Pub"}},
			[]check{status(403), field("Could not add role", "name"), field("/admin/roles/add", "url"),
				field(map[string]any{"name": []any{"A role with this name already exists."}}, "errors")}},
		{"§3.1.3 GET on add is no describe", req{path: "/admin/roles/add"}, []check{status(500)}},
		{"§3.1.4 GET on edit → describe", req{path: "/admin/roles/edit/7"}, []check{status(200), field("/admin/roles/edit API description", "name")}},
		{"§3.1.4 edit unknown", req{method: "POST", path: "/admin/roles/edit/99", body: map[string]any{"name": "x"}}, []check{exc(404, "Invalid Role")}},
		{"§3.1.4 edit without permission resets the data flags", req{method: "POST", path: "/admin/roles/edit/8", body: map[string]any{"perm_audit": true}},
			[]check{status(200), field("0", "Role", "permission"), field(false, "Role", "perm_add"), field(true, "Role", "perm_audit"),
				field(true, "Role", "perm_auth"), field("300", "Role", "max_execution_time")}},
		{"§3.1.4 edit stores limits as sent", req{method: "PUT", path: "/admin/roles/edit/8", body: map[string]any{"permission": 3, "memory_limit": "lots", "max_execution_time": 1234}},
			[]check{status(200), field("3", "Role", "permission"), field("lots", "Role", "memory_limit"), field("1234", "Role", "max_execution_time")}},
		{"§3.1.4 edit validation error", req{method: "POST", path: "/admin/roles/edit/8", body: map[string]any{"name": "User", "permission": 3}},
			[]check{status(403), field("Could not edit Role", "name"), field("/admin/roles/edit", "url")}},
		{"§3.1.6 set_default GET", req{path: "/admin/roles/set_default/8"}, []check{status(403), field("This endpoint expects a POST request.", "errors"),
			field("Could not set_default Role", "name")}},
		{"§3.1.6 set_default unknown", req{method: "POST", path: "/admin/roles/set_default/99"}, []check{status(403), field("Invalid Role.", "errors"),
			field("99", "id"), field("/admin/roles/set_default/99", "url")}},
		{"§3.1.6 set_default", req{method: "POST", path: "/admin/roles/set_default/8"}, []check{status(200), field("Default role set.", "message"),
			field("8", "id"), field("/admin/roles/set_default/8", "url")}},
		{"§3.1.1 default moved", req{path: "/roles/index/name:Pub"}, []check{func(r reply) string {
			m, _ := r.list()[0].(map[string]any)
			if role, _ := m["Role"].(map[string]any); role["default"] != true {
				return "default not moved"
			}
			return ""
		}}},
		{"§3.1.5 delete unknown", req{method: "POST", path: "/admin/roles/delete/99"}, []check{exc(404, "Invalid Role.")}},
		{"§3.1.5 POST delete of a role in use → 403, id is a number", req{method: "POST", path: "/admin/roles/delete/1"},
			[]check{status(403), field(float64(1), "id"), field("/roles/delete/1", "url"), field("Could not delete Role", "name")}},
		{"§3.1.5 delete → id number, non-admin URL", req{method: "POST", path: "/admin/roles/delete/7"},
			[]check{status(200), field("Role deleted.", "message"), field(float64(7), "id"), field("/roles/delete/7", "url")}},
		{"§3.1.5 second delete → 404", req{method: "POST", path: "/admin/roles/delete/7"}, []check{exc(404, "Invalid Role.")}},
	})

	// §3.1.5/§5.11: HTTP DELETE bypasses the "assigned to users" check.
	uid, ukey := e.mustUser(map[string]any{"email": "dangling@example.org", "role_id": 4})
	e.expect("§5.11 DELETE removes a role in use", e.do(req{method: http.MethodDelete, path: "/admin/roles/delete/4"}), status(200))
	e.expect("§5.11 its users lose API access", e.do(req{path: "/users/view/me", key: ukey}), status(403))
	e.expect("§2.3 the user's embedded Role is all null", e.do(req{path: "/admin/users/view/" + uid}), field(nil, "Role", "name"))
}
