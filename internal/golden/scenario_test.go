//go:build golden

package golden_test

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/misp-iac/terraform-provider-misp/internal/golden"
)

// scenario is one recording file under construction.
type scenario struct {
	name, desc string
	steps      []golden.Step
}

type opt func(*golden.Step)

func (s *scenario) step(name string, req golden.Request, opts ...opt) {
	st := golden.Step{Name: name, Request: req}
	for _, o := range opts {
		o(&st)
	}
	s.steps = append(s.steps, st)
}

func get(path string) golden.Request {
	return golden.Request{Method: "GET", Path: path, Auth: "admin"}
}

func post(path, body string) golden.Request {
	r := golden.Request{Method: "POST", Path: path, Auth: "admin"}
	if body != "" {
		var b bytes.Buffer
		if err := json.Compact(&b, []byte(body)); err != nil {
			panic(fmt.Sprintf("scenario body for %s is not JSON: %v", path, err))
		}
		r.Body = b.Bytes()
	}
	return r
}

// postBadJSON posts a body that is not valid JSON.
func postBadJSON(path string) golden.Request {
	return golden.Request{Method: "POST", Path: path, Auth: "admin", RawBody: badJSON}
}

// as sends the step with another key ("none", "wrong" or a key variable).
func as(auth string) opt { return func(s *golden.Step) { s.Request.Auth = auth } }

func noAccept() opt { return func(s *golden.Step) { s.Request.NoAccept = true } }

func doc(text string) opt { return func(s *golden.Step) { s.Doc = text } }

func raw(reason string) opt { return func(s *golden.Step) { s.Raw = reason } }

func capture(name, path string) opt {
	return func(s *golden.Step) {
		if s.Capture == nil {
			s.Capture = map[string]string{}
		}
		s.Capture[name] = path
	}
}

// call names the client method (and its id, UUID or name argument).
func call(fn string, arg ...string) opt {
	return func(s *golden.Step) {
		c := &golden.Call{Func: fn}
		if len(arg) > 0 {
			c.Arg = arg[0]
		}
		s.Call = c
	}
}

func callOrgs(scope, search string) opt {
	return func(s *golden.Step) { s.Call = &golden.Call{Func: "ListOrganisations", Scope: scope, Search: search} }
}

func callUsers(filter string) opt {
	return func(s *golden.Step) {
		c := &golden.Call{Func: "ListUsers"}
		if filter != "" {
			c.Filter = json.RawMessage(filter)
		}
		s.Call = c
	}
}

// callMember names a sharing-group membership method: the group and the organisation (or server).
func callMember(fn, sg, member string) opt {
	return func(s *golden.Step) { s.Call = &golden.Call{Func: fn, Arg: sg, Member: member} }
}

func callSharingGroups(inactive bool) opt {
	return func(s *golden.Step) { s.Call = &golden.Call{Func: "ListSharingGroups", Inactive: inactive} }
}

func callReset(id string, firstTime bool) opt {
	return func(s *golden.Step) {
		s.Call = &golden.Call{Func: "InitiatePasswordReset", Arg: id, FirstTime: firstTime}
	}
}

const (
	rawBadJSON  = "the body is invalid JSON, which the client never sends"
	rawNoAccept = "no Accept: application/json header, which the client always sends"
	rawNoKey    = "no Authorization header; the client sends an empty one when it has no key"
	badJSON     = `{"name": "unterminated`
	missingID   = "999999999"
)

// scenarios are recorded in this order, each into testdata/<name>.json. Every scenario creates what it
// needs and deletes it at the end, so each file replays on a fresh MISP (or emulator) on its own.
func scenarios() []*scenario {
	return []*scenario{connectionScenario(), organisationScenario(), roleScenario(), userScenario(), quirkScenario(),
		sharingGroupScenario(), authKeyScenario(), userSettingScenario()}
}

func connectionScenario() *scenario {
	s := &scenario{name: "connection", desc: "The connection check (servers/getVersion, users/view/me) with the admin's, a " +
		"plain user's, a disabled user's and a no-API role's keys, a wrong key, no key and no Accept header."}
	s.step("getversion_admin", get("/servers/getVersion"), call("GetVersion"))
	s.step("viewme_admin", get("/users/view/me"), call("ViewMe"))
	s.step("getversion_wrong_key", get("/servers/getVersion"), as("wrong"), call("GetVersion"))
	s.step("viewme_wrong_key", get("/users/view/me"), as("wrong"), call("ViewMe"))
	s.step("getversion_no_key", get("/servers/getVersion"), as("none"), call("GetVersion"), raw(rawNoKey))
	s.step("getversion_no_accept", get("/servers/getVersion"), noAccept(), call("GetVersion"), raw(rawNoAccept))
	s.step("viewme_no_accept", get("/users/view/me"), noAccept(), call("ViewMe"), raw(rawNoAccept))

	s.step("setup_org", post("/admin/organisations/add", `{"name": "golden-{run} Connection"}`),
		call("AddOrganisation"), capture("org_conn", "Organisation.id"))
	s.step("setup_role_no_api", post("/admin/roles/add", `{"name": "golden-{run} No API", "permission": 0}`),
		call("AddRole"), capture("role_noapi", "Role.id"), doc("a role without perm_auth"))
	s.step("setup_user_plain", post("/admin/users/add",
		`{"email": "golden-{run}-conn-plain@example.org", "org_id": "{org_conn}", "role_id": "3"}`),
		call("AddUser"), capture("user_plain", "User.id"), capture("key_plain", "User.authkey"))
	s.step("setup_user_disabled", post("/admin/users/add",
		`{"email": "golden-{run}-conn-disabled@example.org", "org_id": "{org_conn}", "role_id": "3", "disabled": true}`),
		call("AddUser"), capture("user_disabled", "User.id"), capture("key_disabled", "User.authkey"))
	s.step("setup_user_noapi", post("/admin/users/add",
		`{"email": "golden-{run}-conn-noapi@example.org", "org_id": "{org_conn}", "role_id": "{role_noapi}"}`),
		call("AddUser"), capture("user_noapi", "User.id"), capture("key_noapi", "User.authkey"))

	s.step("getversion_user", get("/servers/getVersion"), as("key_plain"), call("GetVersion"))
	s.step("viewme_user", get("/users/view/me"), as("key_plain"), call("ViewMe"))
	s.step("getversion_disabled_user", get("/servers/getVersion"), as("key_disabled"), call("GetVersion"))
	s.step("viewme_disabled_user", get("/users/view/me"), as("key_disabled"), call("ViewMe"))
	s.step("getversion_role_without_api", get("/servers/getVersion"), as("key_noapi"), call("GetVersion"))

	s.step("cleanup_user_plain", post("/admin/users/delete/{user_plain}", ""), call("DeleteUser", "{user_plain}"))
	s.step("cleanup_user_disabled", post("/admin/users/delete/{user_disabled}", ""), call("DeleteUser", "{user_disabled}"))
	s.step("cleanup_user_noapi", post("/admin/users/delete/{user_noapi}", ""), call("DeleteUser", "{user_noapi}"))
	s.step("cleanup_role", post("/admin/roles/delete/{role_noapi}", ""), call("DeleteRole", "{role_noapi}"))
	s.step("cleanup_org", post("/admin/organisations/delete/{org_conn}", ""), call("DeleteOrganisation", "{org_conn}"))
	return s
}

func organisationScenario() *scenario {
	s := &scenario{name: "organisations", desc: "Organisation add, view (by id, UUID and name), index, edit and delete, " +
		"with validation errors, unknown ids, duplicate names, bad JSON and refusals for an org admin and a plain user."}
	s.step("add_minimal", post("/admin/organisations/add", `{"name": "golden-{run} Org Min"}`),
		call("AddOrganisation"), capture("org_min", "Organisation.id"), capture("uuid_min", "Organisation.uuid"))
	s.step("add_full", post("/admin/organisations/add", `{
		"name": "golden-{run} Org Full", "description": "Recorded by make golden", "type": "CSIRT",
		"nationality": "Luxembourg", "sector": "Research", "contacts": "soc@golden.example",
		"uuid": "{uuid_full}", "local": false, "restricted_to_domain": ["golden.example", "example.org"],
		"landingpage": "https://golden.example/"}`),
		call("AddOrganisation"), capture("org_full", "Organisation.id"))
	s.step("add_duplicate_name", post("/admin/organisations/add", `{"name": "golden-{run} Org Min"}`), call("AddOrganisation"))
	s.step("add_empty_name", post("/admin/organisations/add", `{"name": ""}`), call("AddOrganisation"))
	s.step("add_invalid_uuid", post("/admin/organisations/add", `{"name": "golden-{run} Org Bad UUID", "uuid": "not-a-uuid"}`),
		call("AddOrganisation"))
	s.step("add_duplicate_uuid", post("/admin/organisations/add", `{"name": "golden-{run} Org Dup UUID", "uuid": "{uuid_full}"}`),
		call("AddOrganisation"))
	s.step("add_bad_json", postBadJSON("/admin/organisations/add"), call("AddOrganisation"), raw(rawBadJSON))
	s.step("add_special_name", post("/admin/organisations/add", `{"name": "golden-{run} R&D + Ops 100%"}`),
		call("AddOrganisation"), capture("org_special", "Organisation.id"))

	s.step("view_by_id", get("/organisations/view/{org_min}"), call("GetOrganisation", "{org_min}"))
	s.step("view_full_by_id", get("/organisations/view/{org_full}"), call("GetOrganisation", "{org_full}"))
	s.step("view_by_uuid", get("/organisations/view/{uuid_full}"), call("GetOrganisation", "{uuid_full}"))
	s.step("view_by_name", get("/organisations/view/golden-{run}%20Org%20Min"), call("GetOrganisation", "golden-{run} Org Min"))
	s.step("view_special_by_name", get("/organisations/view/golden-{run}%20R%26D%20%252B%20Ops%20100%2525"),
		call("GetOrganisation", "golden-{run} R&D + Ops 100%"), doc("MISP URL-decodes a name once more: + and % are encoded twice"))
	s.step("view_unknown_id", get("/organisations/view/"+missingID), call("GetOrganisation", missingID))
	s.step("view_unknown_uuid", get("/organisations/view/{uuid_unknown}"), call("GetOrganisation", "{uuid_unknown}"))
	s.step("view_unknown_name", get("/organisations/view/golden-{run}%20Nobody"), call("GetOrganisation", "golden-{run} Nobody"))
	s.step("view_id_zero", get("/organisations/view/0"), call("GetOrganisation", "0"))

	s.step("index_default_scope", get("/organisations/index"), callOrgs("", ""), doc("scope local: the host org, Org Min and the special name"))
	s.step("index_all", get("/organisations/index/scope:all"), callOrgs("all", ""))
	s.step("index_all_search", get("/organisations/index/scope:all/searchall:golden-{run}"), callOrgs("all", "golden-{run}"))
	s.step("index_external_search", get("/organisations/index/scope:external/searchall:golden-{run}"),
		callOrgs("external", "golden-{run}"))
	s.step("index_search_nothing", get("/organisations/index/scope:all/searchall:golden-{run}-nothing"),
		callOrgs("all", "golden-{run}-nothing"))

	s.step("edit_partial", post("/admin/organisations/edit/{org_min}",
		`{"description": "edited", "sector": "Finance", "restricted_to_domain": []}`),
		call("EditOrganisation", "{org_min}"))
	s.step("edit_rename", post("/admin/organisations/edit/{org_min}", `{"name": "golden-{run} Org Min Renamed"}`),
		call("EditOrganisation", "{org_min}"))
	s.step("edit_by_uuid", post("/admin/organisations/edit/{uuid_full}", `{"contacts": "cert@golden.example", "local": true}`),
		call("EditOrganisation", "{uuid_full}"))
	s.step("edit_duplicate_name", post("/admin/organisations/edit/{org_min}", `{"name": "golden-{run} Org Full"}`),
		call("EditOrganisation", "{org_min}"))
	s.step("edit_empty_name", post("/admin/organisations/edit/{org_min}", `{"name": ""}`), call("EditOrganisation", "{org_min}"))
	s.step("edit_invalid_uuid", post("/admin/organisations/edit/{org_min}", `{"uuid": "not-a-uuid"}`),
		call("EditOrganisation", "{org_min}"))
	s.step("edit_unknown_id", post("/admin/organisations/edit/"+missingID, `{"description": "x"}`),
		call("EditOrganisation", missingID))
	s.step("edit_invalid_id", post("/admin/organisations/edit/abc", `{"description": "x"}`), call("EditOrganisation", "abc"))
	s.step("edit_bad_json", postBadJSON("/admin/organisations/edit/{org_min}"), call("EditOrganisation", "{org_min}"),
		raw(rawBadJSON))

	s.step("setup_org_admin", post("/admin/users/add",
		`{"email": "golden-{run}-org-admin@example.org", "org_id": "{org_min}", "role_id": "2"}`),
		call("AddUser"), capture("user_orgadmin", "User.id"), capture("key_orgadmin", "User.authkey"))
	s.step("setup_plain_user", post("/admin/users/add",
		`{"email": "golden-{run}-org-user@example.org", "org_id": "{org_min}", "role_id": "3"}`),
		call("AddUser"), capture("user_plain", "User.id"), capture("key_plain", "User.authkey"))
	s.step("org_admin_add", post("/admin/organisations/add", `{"name": "golden-{run} Org By Org Admin"}`),
		as("key_orgadmin"), call("AddOrganisation"))
	s.step("org_admin_edit", post("/admin/organisations/edit/{org_min}", `{"description": "by org admin"}`),
		as("key_orgadmin"), call("EditOrganisation", "{org_min}"))
	s.step("org_admin_delete", post("/admin/organisations/delete/{org_full}", ""), as("key_orgadmin"),
		call("DeleteOrganisation", "{org_full}"))
	s.step("org_admin_view_own", get("/organisations/view/{org_min}"), as("key_orgadmin"), call("GetOrganisation", "{org_min}"),
		doc("an org admin of that org has full access: created_by included"))
	s.step("org_admin_view_other", get("/organisations/view/{org_full}"), as("key_orgadmin"), call("GetOrganisation", "{org_full}"))
	s.step("user_add", post("/admin/organisations/add", `{"name": "golden-{run} Org By User"}`), as("key_plain"),
		call("AddOrganisation"))
	s.step("user_view_own", get("/organisations/view/{org_min}"), as("key_plain"), call("GetOrganisation", "{org_min}"))
	s.step("user_index", get("/organisations/index/scope:all/searchall:golden-{run}"), as("key_plain"),
		callOrgs("all", "golden-{run}"))
	s.step("user_delete", post("/admin/organisations/delete/{org_min}", ""), as("key_plain"),
		call("DeleteOrganisation", "{org_min}"))

	s.step("delete_with_users", post("/admin/organisations/delete/{org_min}", ""), call("DeleteOrganisation", "{org_min}"))
	s.step("cleanup_org_admin", post("/admin/users/delete/{user_orgadmin}", ""), call("DeleteUser", "{user_orgadmin}"))
	s.step("cleanup_plain_user", post("/admin/users/delete/{user_plain}", ""), call("DeleteUser", "{user_plain}"))
	s.step("delete", post("/admin/organisations/delete/{org_min}", ""), call("DeleteOrganisation", "{org_min}"))
	s.step("delete_again", post("/admin/organisations/delete/{org_min}", ""), call("DeleteOrganisation", "{org_min}"))
	s.step("delete_by_uuid", post("/admin/organisations/delete/{uuid_full}", ""), call("DeleteOrganisation", "{uuid_full}"))
	s.step("delete_special", post("/admin/organisations/delete/{org_special}", ""), call("DeleteOrganisation", "{org_special}"))
	s.step("delete_unknown_id", post("/admin/organisations/delete/"+missingID, ""), call("DeleteOrganisation", missingID))
	s.step("view_deleted", get("/organisations/view/{org_full}"), call("GetOrganisation", "{org_full}"))
	return s
}

func roleScenario() *scenario {
	s := &scenario{name: "roles", desc: "Role index (with the default flag), view, add, edit, set_default and delete, with " +
		"validation errors, unknown and invalid ids, duplicate names, bad JSON and refusals for an org admin and a plain user."}
	s.step("index", get("/roles/index"), call("ListRoles"), doc("the six stock roles, default 3"))
	s.step("view_stock", get("/roles/view/3"), call("GetRole", "3"))
	s.step("view_unknown_id", get("/roles/view/"+missingID), call("GetRole", missingID))
	s.step("view_invalid_id", get("/roles/view/abc"), call("GetRole", "abc"))

	s.step("add_minimal", post("/admin/roles/add", `{"name": "golden-{run} Role Min"}`),
		call("AddRole"), capture("role_min", "Role.id"), doc("every flag not sent is false, perm_auth included"))
	s.step("add_full", post("/admin/roles/add", `{
		"name": "golden-{run} Role Full", "permission": 3, "perm_auth": true, "perm_admin": true, "perm_audit": true,
		"perm_tagger": true, "perm_sighting": true, "perm_delegate": true, "perm_sharing_group": true,
		"perm_galaxy_editor": true, "perm_analyst_data": true, "perm_warninglist": true, "perm_decaying": true,
		"memory_limit": "512M", "max_execution_time": 300, "enforce_rate_limit": true, "rate_limit_count": 10}`),
		call("AddRole"), capture("role_full", "Role.id"))
	s.step("add_duplicate_name", post("/admin/roles/add", `{"name": "golden-{run} Role Min"}`), call("AddRole"))
	s.step("add_empty_name", post("/admin/roles/add", `{"name": "", "permission": 1}`), call("AddRole"))
	s.step("add_normalised_limits", post("/admin/roles/add",
		`{"name": "golden-{run} Role Limits", "permission": 2, "perm_auth": true, "memory_limit": "lots", "max_execution_time": 0}`),
		call("AddRole"), capture("role_limits", "Role.id"), doc("on add, a memory_limit that is not <n>M/G or -1 becomes empty"))
	s.step("add_bad_json", postBadJSON("/admin/roles/add"), call("AddRole"), raw(rawBadJSON))

	s.step("index_by_name", get("/roles/index/name:golden-{run}%20Role%20Min"), call("ListRoles", "golden-{run} Role Min"))
	s.step("index_by_name_like", get("/roles/index/name:golden-{run}%25"), call("ListRoles", "golden-{run}%"))
	s.step("index_by_name_nothing", get("/roles/index/name:golden-{run}%20Nobody"), call("ListRoles", "golden-{run} Nobody"))
	s.step("view_min", get("/roles/view/{role_min}"), call("GetRole", "{role_min}"))
	s.step("view_full", get("/roles/view/{role_full}"), call("GetRole", "{role_full}"))

	s.step("edit", post("/admin/roles/edit/{role_min}", `{"permission": 1, "perm_auth": true, "perm_tagger": true}`),
		call("EditRole", "{role_min}"))
	s.step("edit_rename", post("/admin/roles/edit/{role_min}", `{"name": "golden-{run} Role Min Renamed", "permission": 0}`),
		call("EditRole", "{role_min}"))
	s.step("edit_duplicate_name", post("/admin/roles/edit/{role_min}", `{"name": "golden-{run} Role Full", "permission": 0}`),
		call("EditRole", "{role_min}"))
	s.step("edit_empty_name", post("/admin/roles/edit/{role_min}", `{"name": "  ", "permission": 0}`),
		call("EditRole", "{role_min}"))
	s.step("edit_unknown_id", post("/admin/roles/edit/"+missingID, `{"permission": 0}`), call("EditRole", missingID))
	s.step("edit_invalid_id", post("/admin/roles/edit/abc", `{"permission": 0}`), call("EditRole", "abc"))
	s.step("edit_limits", post("/admin/roles/edit/{role_limits}",
		`{"permission": 2, "memory_limit": "lots", "max_execution_time": 60, "rate_limit_count": 0, "restricted_to_site_admin": true}`),
		call("EditRole", "{role_limits}"), doc("on edit, the limits are stored as sent"))
	s.step("edit_bad_json", postBadJSON("/admin/roles/edit/{role_min}"), call("EditRole", "{role_min}"), raw(rawBadJSON))

	s.step("set_default", post("/admin/roles/set_default/{role_full}", ""), call("SetDefaultRole", "{role_full}"))
	s.step("index_after_set_default", get("/roles/index/name:golden-{run}%25"), call("ListRoles", "golden-{run}%"),
		doc("default is true on Role Full"))
	s.step("set_default_unknown_id", post("/admin/roles/set_default/"+missingID, ""), call("SetDefaultRole", missingID))
	s.step("set_default_invalid_id", post("/admin/roles/set_default/abc", ""), call("SetDefaultRole", "abc"))
	s.step("set_default_restore", post("/admin/roles/set_default/3", ""), call("SetDefaultRole", "3"))

	s.step("setup_org", post("/admin/organisations/add", `{"name": "golden-{run} Roles Org"}`),
		call("AddOrganisation"), capture("org_roles", "Organisation.id"))
	s.step("setup_org_admin", post("/admin/users/add",
		`{"email": "golden-{run}-role-admin@example.org", "org_id": "{org_roles}", "role_id": "2"}`),
		call("AddUser"), capture("user_orgadmin", "User.id"), capture("key_orgadmin", "User.authkey"))
	s.step("setup_user_with_role", post("/admin/users/add",
		`{"email": "golden-{run}-role-user@example.org", "org_id": "{org_roles}", "role_id": "{role_full}"}`),
		call("AddUser"), capture("user_full", "User.id"), capture("key_full", "User.authkey"),
		doc("a user holding Role Full (perm_auth, perm_admin)"))
	s.step("setup_plain_user", post("/admin/users/add",
		`{"email": "golden-{run}-role-plain@example.org", "org_id": "{org_roles}", "role_id": "3"}`),
		call("AddUser"), capture("user_plain", "User.id"), capture("key_plain", "User.authkey"))
	s.step("org_admin_add", post("/admin/roles/add", `{"name": "golden-{run} Role By Org Admin"}`), as("key_orgadmin"),
		call("AddRole"))
	s.step("org_admin_delete", post("/admin/roles/delete/{role_min}", ""), as("key_orgadmin"), call("DeleteRole", "{role_min}"))
	s.step("org_admin_index", get("/roles/index/name:golden-{run}%25"), as("key_orgadmin"), call("ListRoles", "golden-{run}%"))
	s.step("user_edit", post("/admin/roles/edit/{role_min}", `{"permission": 3}`), as("key_plain"), call("EditRole", "{role_min}"))
	s.step("user_set_default", post("/admin/roles/set_default/{role_min}", ""), as("key_plain"),
		call("SetDefaultRole", "{role_min}"))
	s.step("user_view", get("/roles/view/{role_min}"), as("key_plain"), call("GetRole", "{role_min}"))
	s.step("user_index", get("/roles/index"), as("key_plain"), call("ListRoles"))

	s.step("delete_in_use", post("/admin/roles/delete/{role_full}", ""), call("DeleteRole", "{role_full}"),
		doc("Role Full is still held by a user"))
	s.step("cleanup_user_with_role", post("/admin/users/delete/{user_full}", ""), call("DeleteUser", "{user_full}"))
	s.step("delete", post("/admin/roles/delete/{role_full}", ""), call("DeleteRole", "{role_full}"))
	s.step("delete_again", post("/admin/roles/delete/{role_full}", ""), call("DeleteRole", "{role_full}"))
	s.step("delete_min", post("/admin/roles/delete/{role_min}", ""), call("DeleteRole", "{role_min}"))
	s.step("delete_limits", post("/admin/roles/delete/{role_limits}", ""), call("DeleteRole", "{role_limits}"))
	s.step("delete_invalid_id", post("/admin/roles/delete/abc", ""), call("DeleteRole", "abc"))
	s.step("view_deleted", get("/roles/view/{role_min}"), call("GetRole", "{role_min}"))

	s.step("cleanup_org_admin", post("/admin/users/delete/{user_orgadmin}", ""), call("DeleteUser", "{user_orgadmin}"))
	s.step("cleanup_plain_user", post("/admin/users/delete/{user_plain}", ""), call("DeleteUser", "{user_plain}"))
	s.step("cleanup_org", post("/admin/organisations/delete/{org_roles}", ""), call("DeleteOrganisation", "{org_roles}"))
	return s
}

func userScenario() *scenario {
	s := &scenario{name: "users", desc: "User add, view, index (filters), edit, password reset, TOTP removal and delete, " +
		"with validation errors, unknown and invalid ids, duplicate e-mails, bad JSON, an org admin's scoping and a plain " +
		"user's refusals."}
	s.step("setup_org", post("/admin/organisations/add", `{"name": "golden-{run} Users Org"}`),
		call("AddOrganisation"), capture("org_a", "Organisation.id"))
	s.step("setup_org_other", post("/admin/organisations/add", `{"name": "golden-{run} Users Other Org"}`),
		call("AddOrganisation"), capture("org_b", "Organisation.id"))

	s.step("add_minimal", post("/admin/users/add", `{"email": "golden-{run}-min@example.org", "org_id": "{org_a}", "role_id": "3"}`),
		call("AddUser"), capture("user_min", "User.id"), capture("key_min", "User.authkey"))
	s.step("add_full", post("/admin/users/add", `{
		"email": "golden-{run}-full@example.org", "org_id": "{org_a}", "role_id": "4", "password": "{password}",
		"enable_password": true, "change_pw": false, "autoalert": true, "contactalert": true, "termsaccepted": true,
		"disabled": false, "nids_sid": 5000000, "external_auth_required": false, "external_auth_key": "golden-ext",
		"notify": false}`),
		call("AddUser"), capture("user_full", "User.id"), capture("key_full", "User.authkey"))
	s.step("add_default_role", post("/admin/users/add", `{"email": "golden-{run}-default@example.org", "org_id": "{org_b}"}`),
		call("AddUser"), capture("user_default", "User.id"), capture("key_default", "User.authkey"),
		doc("no role_id: the default role"))
	s.step("add_duplicate_email", post("/admin/users/add", `{"email": "golden-{run}-min@example.org", "org_id": "{org_a}", "role_id": "3"}`),
		call("AddUser"))
	s.step("add_duplicate_email_other_case", post("/admin/users/add",
		`{"email": "GOLDEN-{run}-MIN@example.org", "org_id": "{org_a}", "role_id": "3"}`), call("AddUser"))
	s.step("add_invalid_email", post("/admin/users/add", `{"email": "not-an-email", "org_id": "{org_a}", "role_id": "3"}`),
		call("AddUser"))
	s.step("add_missing_email", post("/admin/users/add", `{"org_id": "{org_a}", "role_id": "3"}`), call("AddUser"))
	s.step("add_unknown_role", post("/admin/users/add",
		`{"email": "golden-{run}-norole@example.org", "org_id": "{org_a}", "role_id": "`+missingID+`"}`), call("AddUser"))
	s.step("add_unknown_org", post("/admin/users/add",
		`{"email": "golden-{run}-noorg@example.org", "org_id": "`+missingID+`", "role_id": "3"}`), call("AddUser"))
	s.step("add_short_password", post("/admin/users/add",
		`{"email": "golden-{run}-weak@example.org", "org_id": "{org_a}", "role_id": "3", "password": "Sh0rt", "enable_password": true}`),
		call("AddUser"))
	s.step("add_simple_password", post("/admin/users/add",
		`{"email": "golden-{run}-simple@example.org", "org_id": "{org_a}", "role_id": "3", "password": "alllowercase1", "enable_password": true}`),
		call("AddUser"))
	s.step("add_invalid_gpgkey", post("/admin/users/add",
		`{"email": "golden-{run}-gpg@example.org", "org_id": "{org_a}", "role_id": "3", "gpgkey": "not a key"}`),
		call("AddUser"))
	s.step("add_invalid_certificate", post("/admin/users/add",
		`{"email": "golden-{run}-cert@example.org", "org_id": "{org_a}", "role_id": "3", "certif_public": "not a certificate"}`),
		call("AddUser"))
	s.step("add_bad_json", postBadJSON("/admin/users/add"), call("AddUser"), raw(rawBadJSON))
	s.step("add_wrong_key", post("/admin/users/add", `{"email": "golden-{run}-wrongkey@example.org", "org_id": "{org_a}", "role_id": "3"}`),
		as("wrong"), call("AddUser"))
	s.step("add_notify", post("/admin/users/add",
		`{"email": "golden-{run}-notify@example.org", "org_id": "{org_b}", "role_id": "3", "notify": true, "change_pw": false}`),
		call("AddUser"), capture("user_notify", "User.id"), doc("notify e-mails the credentials and sets change_pw"))

	s.step("view", get("/admin/users/view/{user_min}"), call("GetUser", "{user_min}"))
	s.step("view_full", get("/admin/users/view/{user_full}"), call("GetUser", "{user_full}"))
	s.step("view_unknown_id", get("/admin/users/view/"+missingID), call("GetUser", missingID))
	s.step("view_invalid_id", get("/admin/users/view/abc"), call("GetUser", "abc"))
	s.step("view_me_as_user", get("/users/view/me"), as("key_min"), call("ViewMe"))

	s.step("index_all", get("/admin/users/index"), callUsers(""), doc("the admin and this scenario's users"))
	s.step("index_by_email", get("/admin/users/index/searchemail:golden-{run}"), callUsers(`{"Email": "golden-{run}"}`))
	s.step("index_by_org", get("/admin/users/index/searchorg:{org_b}"), callUsers(`{"Org": "{org_b}"}`))
	s.step("index_by_email_role_disabled", get("/admin/users/index/searchemail:golden-{run}/searchrole:3/searchdisabled:0"),
		callUsers(`{"Email": "golden-{run}", "Role": "3", "Disabled": false}`))
	s.step("index_search_all", get("/admin/users/index/searchall:golden-{run}%20Users%20Other"),
		callUsers(`{"All": "golden-{run} Users Other"}`), doc("searchall matches the organisation name"))
	s.step("index_nothing", get("/admin/users/index/searchemail:golden-{run}-nobody"), callUsers(`{"Email": "golden-{run}-nobody"}`))
	s.step("index_flags", get("/admin/users/index/searchemail:golden-{run}/searchautoalert:1/searchcontactalert:1/searchtermsaccepted:1"),
		callUsers(`{"Email": "golden-{run}", "Autoalert": true, "ContactAlert": true, "TermsAccepted": true}`))
	s.step("index_inactive", get("/admin/users/index/searchemail:golden-{run}/searchinactive:1"),
		callUsers(`{"Email": "golden-{run}", "Inactive": true}`), doc("no login or API access for 30 days: not the user whose key was used"))

	s.step("edit", post("/admin/users/edit/{user_min}", `{
		"autoalert": true, "contactalert": true, "notification_daily": true, "notification_weekly": true,
		"force_logout": true, "expiration": "2031-01-01 00:00:00", "nids_sid": 5000001}`),
		call("EditUser", "{user_min}"))
	s.step("edit_email_role", post("/admin/users/edit/{user_min}", `{"email": "golden-{run}-min-renamed@example.org", "role_id": "6"}`),
		call("EditUser", "{user_min}"))
	s.step("edit_password", post("/admin/users/edit/{user_min}", `{"password": "{password_new}"}`), call("EditUser", "{user_min}"))
	s.step("edit_disable", post("/admin/users/edit/{user_default}", `{"disabled": true, "termsaccepted": true, "change_pw": false}`),
		call("EditUser", "{user_default}"))
	s.step("edit_move_org", post("/admin/users/edit/{user_default}", `{"org_id": "{org_a}", "role_id": "3"}`),
		call("EditUser", "{user_default}"))
	s.step("edit_invalid_email", post("/admin/users/edit/{user_min}", `{"email": "still not an email"}`),
		call("EditUser", "{user_min}"))
	s.step("edit_duplicate_email", post("/admin/users/edit/{user_min}", `{"email": "golden-{run}-full@example.org"}`),
		call("EditUser", "{user_min}"))
	s.step("edit_short_password", post("/admin/users/edit/{user_min}", `{"password": "Sh0rt"}`), call("EditUser", "{user_min}"))
	s.step("edit_unknown_id", post("/admin/users/edit/"+missingID, `{"autoalert": false}`), call("EditUser", missingID))
	s.step("edit_invalid_id", post("/admin/users/edit/abc", `{"autoalert": false}`), call("EditUser", "abc"))
	s.step("edit_bad_json", postBadJSON("/admin/users/edit/{user_min}"), call("EditUser", "{user_min}"), raw(rawBadJSON))
	s.step("view_after_edits", get("/admin/users/view/{user_min}"), call("GetUser", "{user_min}"))
	s.step("edit_unknown_role", post("/admin/users/edit/{user_default}", `{"role_id": "`+missingID+`"}`),
		call("EditUser", "{user_default}"), doc("a site admin may save a role that does not exist"))
	s.step("edit_unknown_org", post("/admin/users/edit/{user_default}", `{"org_id": "`+missingID+`"}`),
		call("EditUser", "{user_default}"))
	s.step("view_dangling", get("/admin/users/view/{user_default}"), call("GetUser", "{user_default}"))
	s.step("index_dangling", get("/admin/users/index/searchemail:golden-{run}-default"), callUsers(`{"Email": "golden-{run}-default"}`))
	s.step("edit_restore_role_org", post("/admin/users/edit/{user_default}", `{"org_id": "{org_a}", "role_id": "3"}`),
		call("EditUser", "{user_default}"))

	s.step("password_reset", post("/users/initiatePasswordReset/{user_min}", ""), callReset("{user_min}", false))
	s.step("password_reset_first_time", post("/users/initiatePasswordReset/{user_full}/1", ""), callReset("{user_full}", true))
	s.step("password_reset_unknown_id", post("/users/initiatePasswordReset/"+missingID, ""), callReset(missingID, false))
	s.step("password_reset_invalid_id", post("/users/initiatePasswordReset/abc", ""), callReset("abc", false))
	s.step("totp_delete", post("/users/totp_delete/{user_min}", ""), call("DeleteUserTOTP", "{user_min}"),
		doc("the user has no TOTP secret: still a success"))
	s.step("totp_delete_unknown_id", post("/users/totp_delete/"+missingID, ""), call("DeleteUserTOTP", missingID))

	s.step("setup_org_admin", post("/admin/users/add",
		`{"email": "golden-{run}-admin-a@example.org", "org_id": "{org_a}", "role_id": "2"}`),
		call("AddUser"), capture("user_orgadmin", "User.id"), capture("key_orgadmin", "User.authkey"))
	s.step("setup_other_org_user", post("/admin/users/add",
		`{"email": "golden-{run}-other@example.org", "org_id": "{org_b}", "role_id": "3"}`),
		call("AddUser"), capture("user_other", "User.id"))
	s.step("org_admin_index", get("/admin/users/index/searchemail:golden-{run}"), as("key_orgadmin"),
		callUsers(`{"Email": "golden-{run}"}`), doc("only the users of the org admin's organisation"))
	s.step("org_admin_index_other_org", get("/admin/users/index/searchorg:{org_b}"), as("key_orgadmin"),
		callUsers(`{"Org": "{org_b}"}`), doc("searchorg is ignored for org admins"))
	s.step("org_admin_view_own_org", get("/admin/users/view/{user_full}"), as("key_orgadmin"), call("GetUser", "{user_full}"))
	s.step("org_admin_view_other_org", get("/admin/users/view/{user_other}"), as("key_orgadmin"), call("GetUser", "{user_other}"))
	s.step("org_admin_view_site_admin", get("/admin/users/view/1"), as("key_orgadmin"), call("GetUser", "1"))
	s.step("org_admin_add_other_org", post("/admin/users/add",
		`{"email": "golden-{run}-by-org-admin@example.org", "org_id": "{org_b}", "role_id": "3"}`), as("key_orgadmin"),
		call("AddUser"), capture("user_by_orgadmin", "User.id"), doc("org_id is silently forced to the org admin's own"))
	s.step("org_admin_add_site_admin", post("/admin/users/add",
		`{"email": "golden-{run}-escalate@example.org", "org_id": "{org_a}", "role_id": "1"}`), as("key_orgadmin"),
		call("AddUser"))
	s.step("org_admin_edit_own_org", post("/admin/users/edit/{user_full}", `{"contactalert": false, "org_id": "{org_b}"}`),
		as("key_orgadmin"), call("EditUser", "{user_full}"), doc("org_id is ignored for org admins"))
	s.step("org_admin_edit_site_admin_role", post("/admin/users/edit/{user_full}", `{"role_id": "1"}`), as("key_orgadmin"),
		call("EditUser", "{user_full}"))
	s.step("org_admin_edit_other_org", post("/admin/users/edit/{user_other}", `{"autoalert": true}`), as("key_orgadmin"),
		call("EditUser", "{user_other}"))
	s.step("org_admin_delete_other_org", post("/admin/users/delete/{user_other}", ""), as("key_orgadmin"),
		call("DeleteUser", "{user_other}"))
	s.step("org_admin_password_reset_other_org", post("/users/initiatePasswordReset/{user_other}", ""), as("key_orgadmin"),
		callReset("{user_other}", false))
	s.step("org_admin_delete_own_org", post("/admin/users/delete/{user_by_orgadmin}", ""), as("key_orgadmin"),
		call("DeleteUser", "{user_by_orgadmin}"))

	s.step("setup_org_restricted", post("/admin/organisations/add",
		`{"name": "golden-{run} Users Restricted", "restricted_to_domain": ["golden.example"]}`),
		call("AddOrganisation"), capture("org_r", "Organisation.id"))
	s.step("setup_restricted_org_admin", post("/admin/users/add",
		`{"email": "golden-{run}-radmin@golden.example", "org_id": "{org_r}", "role_id": "2"}`),
		call("AddUser"), capture("user_radmin", "User.id"), capture("key_radmin", "User.authkey"))
	s.step("restricted_add_outside_domain", post("/admin/users/add",
		`{"email": "golden-{run}-outside@example.org", "role_id": "3"}`), as("key_radmin"), call("AddUser"),
		doc("an org admin of an org with restricted_to_domain, e-mail outside the domains: nothing is created"))
	s.step("restricted_add_inside_domain", post("/admin/users/add",
		`{"email": "golden-{run}-inside@golden.example", "role_id": "3"}`), as("key_radmin"), call("AddUser"),
		capture("user_inside", "User.id"))
	s.step("restricted_edit_without_email", post("/admin/users/edit/{user_inside}", `{"autoalert": true}`),
		as("key_radmin"), call("EditUser", "{user_inside}"), doc("the domain check reads the e-mail from the request"))
	s.step("restricted_edit_outside_domain", post("/admin/users/edit/{user_inside}",
		`{"email": "golden-{run}-inside@example.org"}`), as("key_radmin"), call("EditUser", "{user_inside}"))
	s.step("restricted_edit_inside_domain", post("/admin/users/edit/{user_inside}",
		`{"email": "golden-{run}-inside@golden.example", "autoalert": true}`), as("key_radmin"), call("EditUser", "{user_inside}"))
	s.step("restricted_view", get("/admin/users/view/{user_inside}"), as("key_radmin"), call("GetUser", "{user_inside}"))
	s.step("cleanup_inside", post("/admin/users/delete/{user_inside}", ""), call("DeleteUser", "{user_inside}"))
	s.step("cleanup_restricted_org_admin", post("/admin/users/delete/{user_radmin}", ""), call("DeleteUser", "{user_radmin}"))
	s.step("cleanup_org_restricted", post("/admin/organisations/delete/{org_r}", ""), call("DeleteOrganisation", "{org_r}"))

	s.step("user_index", get("/admin/users/index"), as("key_full"), callUsers(""))
	s.step("user_view", get("/admin/users/view/{user_min}"), as("key_full"), call("GetUser", "{user_min}"))
	s.step("user_add", post("/admin/users/add", `{"email": "golden-{run}-by-user@example.org", "org_id": "{org_a}", "role_id": "3"}`),
		as("key_full"), call("AddUser"))
	s.step("user_edit", post("/admin/users/edit/{user_min}", `{"autoalert": false}`), as("key_full"), call("EditUser", "{user_min}"))
	s.step("user_delete", post("/admin/users/delete/{user_min}", ""), as("key_full"), call("DeleteUser", "{user_min}"))
	s.step("user_password_reset", post("/users/initiatePasswordReset/{user_min}", ""), as("key_full"),
		callReset("{user_min}", false))
	s.step("user_totp_delete", post("/users/totp_delete/{user_min}", ""), as("key_full"), call("DeleteUserTOTP", "{user_min}"))

	s.step("delete", post("/admin/users/delete/{user_min}", ""), call("DeleteUser", "{user_min}"))
	s.step("delete_again", post("/admin/users/delete/{user_min}", ""), call("DeleteUser", "{user_min}"))
	s.step("delete_invalid_id", post("/admin/users/delete/abc", ""), call("DeleteUser", "abc"))
	s.step("view_deleted", get("/admin/users/view/{user_min}"), call("GetUser", "{user_min}"))
	s.step("cleanup_user_full", post("/admin/users/delete/{user_full}", ""), call("DeleteUser", "{user_full}"))
	s.step("cleanup_user_default", post("/admin/users/delete/{user_default}", ""), call("DeleteUser", "{user_default}"))
	s.step("cleanup_org_admin", post("/admin/users/delete/{user_orgadmin}", ""), call("DeleteUser", "{user_orgadmin}"))
	s.step("cleanup_other_org_user", post("/admin/users/delete/{user_other}", ""), call("DeleteUser", "{user_other}"))
	s.step("cleanup_user_notify", post("/admin/users/delete/{user_notify}", ""), call("DeleteUser", "{user_notify}"))
	s.step("cleanup_org", post("/admin/organisations/delete/{org_a}", ""), call("DeleteOrganisation", "{org_a}"))
	s.step("cleanup_org_other", post("/admin/organisations/delete/{org_b}", ""), call("DeleteOrganisation", "{org_b}"))
	return s
}

// quirkScenario records requests that the client never sends (other methods, other endpoints) and that the
// notes on MISP could only infer from its source.
func quirkScenario() *scenario {
	s := &scenario{name: "quirks", desc: "Requests the client never sends, recorded to settle what MISP's source leaves open: " +
		"GET on write endpoints, HTTP DELETE of a role that a user holds, users/registrations/index, an organisation " +
		"added without a name."}
	s.step("setup_org", post("/admin/organisations/add", `{"name": "golden-{run} Quirks"}`),
		call("AddOrganisation"), capture("org_q", "Organisation.id"))
	s.step("setup_role", post("/admin/roles/add", `{"name": "golden-{run} Quirk Role", "permission": 1, "perm_auth": true}`),
		call("AddRole"), capture("role_q", "Role.id"))
	s.step("setup_user", post("/admin/users/add",
		`{"email": "golden-{run}-quirk@example.org", "org_id": "{org_q}", "role_id": "{role_q}"}`),
		call("AddUser"), capture("user_q", "User.id"), capture("key_q", "User.authkey"))

	s.step("get_user_add", get("/admin/users/add"))
	s.step("get_user_edit", get("/admin/users/edit/{user_q}"))
	s.step("get_user_delete", get("/admin/users/delete/{user_q}"))
	s.step("get_password_reset", get("/users/initiatePasswordReset/{user_q}"))
	s.step("get_totp_delete", get("/users/totp_delete/{user_q}"))
	s.step("get_org_add", get("/admin/organisations/add"))
	s.step("get_org_edit", get("/admin/organisations/edit/{org_q}"))
	s.step("get_org_delete", get("/admin/organisations/delete/{org_q}"))
	s.step("get_role_add", get("/admin/roles/add"))
	s.step("get_role_edit", get("/admin/roles/edit/{role_q}"))
	s.step("get_role_delete", get("/admin/roles/delete/{role_q}"))
	s.step("get_set_default", get("/admin/roles/set_default/{role_q}"))
	s.step("registrations_index", get("/users/registrations/index"))
	s.step("add_org_without_name", post("/admin/organisations/add", `{"description": "golden-{run} nameless"}`),
		capture("org_nameless", "Organisation.id"), doc("no name key: no validation rule runs"))

	s.step("http_delete_role_in_use", golden.Request{Method: "DELETE", Path: "/admin/roles/delete/{role_q}", Auth: "admin"},
		doc("with HTTP DELETE the role is deleted although a user holds it"))
	s.step("view_user_dangling_role", get("/admin/users/view/{user_q}"))
	s.step("getversion_dangling_role", get("/servers/getVersion"), as("key_q"))

	s.step("cleanup_user", post("/admin/users/delete/{user_q}", ""), call("DeleteUser", "{user_q}"))
	s.step("cleanup_role", post("/admin/roles/delete/{role_q}", ""), call("DeleteRole", "{role_q}"))
	s.step("cleanup_org", post("/admin/organisations/delete/{org_q}", ""), call("DeleteOrganisation", "{org_q}"))
	s.step("cleanup_org_nameless", post("/admin/organisations/delete/{org_nameless}", ""),
		call("DeleteOrganisation", "{org_nameless}"))
	return s
}

// sharingGroupScenario records SharingGroupsController (docs/development/misp-api.md §10) as the client calls it.
func sharingGroupScenario() *scenario {
	s := &scenario{name: "sharing_groups", desc: "Sharing group add (a taken name suffixed, an existing uuid updating " +
		"that group), view, index (active and inactive), edit (ignored renames and active), addOrg, removeOrg, addServer " +
		"of this instance, delete; the answers for missing groups and organisations, an org admin's and a plain user's, " +
		"and a member organisation deleted."}
	s.step("setup_org_a", post("/admin/organisations/add", `{"name": "golden-{run} SG Member A"}`),
		call("AddOrganisation"), capture("org_a", "Organisation.id"), capture("uuid_a", "Organisation.uuid"))
	s.step("setup_org_b", post("/admin/organisations/add", `{"name": "golden-{run} SG Member B"}`),
		call("AddOrganisation"), capture("org_b", "Organisation.id"), capture("uuid_b", "Organisation.uuid"))

	s.step("add_minimal", post("/sharing_groups/add", `{"name": "golden-{run} SG Min"}`), call("AddSharingGroup"),
		capture("sg_min", "SharingGroup.id"), capture("uuid_sgmin", "SharingGroup.uuid"),
		doc("the owner (the caller's organisation) is not a member; this instance is added with all_orgs false"))
	s.step("add_full", post("/sharing_groups/add", `{
		"name": "golden-{run} SG Full", "description": "Recorded by make golden", "releasability": "TLP:AMBER",
		"active": false, "roaming": false, "uuid": "{uuid_sgfull}",
		"SharingGroupOrg": [{"uuid": "{uuid_a}", "extend": true}],
		"SharingGroupServer": [{"url": "{base_url}", "all_orgs": true}]}`),
		call("AddSharingGroup"), capture("sg_full", "SharingGroup.id"), doc("inactive: listed by index/true only"))
	s.step("add_roaming", post("/sharing_groups/add", `{"name": "golden-{run} SG Roaming", "roaming": true}`),
		call("AddSharingGroup"), capture("sg_roaming", "SharingGroup.id"), doc("a roaming group gets no server entry"))
	s.step("add_duplicate_name", post("/sharing_groups/add", `{"name": "golden-{run} SG Min"}`), call("AddSharingGroup"),
		capture("sg_dup", "SharingGroup.id"), doc("not refused: the name gets a random _NNNN suffix (_1234 here)"))
	s.step("add_empty_name", post("/sharing_groups/add", `{"name": ""}`), call("AddSharingGroup"))
	s.step("add_invalid_uuid", post("/sharing_groups/add", `{"name": "golden-{run} SG Bad UUID", "uuid": "not-a-uuid"}`),
		call("AddSharingGroup"))
	s.step("add_existing_uuid", post("/sharing_groups/add", `{"name": "golden-{run} SG Min Taken Over", "uuid": "{uuid_sgmin}"}`),
		call("AddSharingGroup"), doc("the add updates the group that has the uuid, answers it, and adds this instance to it again"))
	s.step("add_existing_uuid_older", post("/sharing_groups/add",
		`{"name": "golden-{run} SG Min Not Taken", "uuid": "{uuid_sgmin}", "modified": "2000-01-01 00:00:00"}`),
		doc("an older modified: nothing changes, and the server entry goes to no group (its row id is used up)"))

	s.step("view", get("/sharing_groups/view/{sg_min}"), call("GetSharingGroup", "{sg_min}"))
	s.step("view_full", get("/sharing_groups/view/{sg_full}"), call("GetSharingGroup", "{sg_full}"))
	s.step("view_by_uuid", get("/sharing_groups/view/{uuid_sgfull}"), call("GetSharingGroup", "{uuid_sgfull}"))
	s.step("view_unknown_id", get("/sharing_groups/view/"+missingID), call("GetSharingGroup", missingID))
	s.step("view_unknown_uuid", get("/sharing_groups/view/{uuid_unknown}"), call("GetSharingGroup", "{uuid_unknown}"))
	s.step("head", golden.Request{Method: "HEAD", Path: "/sharing_groups/view/{sg_min}", Auth: "admin"})
	s.step("head_unknown_id", golden.Request{Method: "HEAD", Path: "/sharing_groups/view/" + missingID, Auth: "admin"})
	s.step("index", get("/sharing_groups/index"), callSharingGroups(false), doc("the active groups"))
	s.step("index_inactive", get("/sharing_groups/index/true"), callSharingGroups(true))

	s.step("edit_partial", post("/sharing_groups/edit/{sg_min}", `{"description": "edited", "releasability": "TLP:GREEN"}`),
		call("EditSharingGroup", "{sg_min}"))
	s.step("edit_rename", post("/sharing_groups/edit/{sg_min}", `{"name": "golden-{run} SG Min Renamed"}`),
		call("EditSharingGroup", "{sg_min}"))
	s.step("edit_taken_name", post("/sharing_groups/edit/{sg_min}", `{"name": "golden-{run} SG Full", "description": "not saved"}`),
		call("EditSharingGroup", "{sg_min}"), doc("200, and nothing of the edit is saved"))
	s.step("edit_empty_name", post("/sharing_groups/edit/{sg_min}", `{"name": ""}`), call("EditSharingGroup", "{sg_min}"))
	s.step("edit_active", post("/sharing_groups/edit/{sg_full}", `{"active": true, "roaming": true}`),
		call("EditSharingGroup", "{sg_full}"), doc("active is never changed by an edit; roaming is"))
	s.step("edit_members", post("/sharing_groups/edit/{sg_full}",
		`{"roaming": false, "SharingGroupOrg": [{"uuid": "{uuid_b}", "extend": false}]}`),
		call("EditSharingGroup", "{sg_full}"), doc("adds B and keeps A: an edit never removes a member"))
	s.step("edit_extend", post("/sharing_groups/edit/{sg_full}", `{"SharingGroupOrg": [{"uuid": "{uuid_a}", "extend": false}]}`),
		call("EditSharingGroup", "{sg_full}"))
	s.step("edit_server_all_orgs", post("/sharing_groups/edit/{sg_full}", `{"SharingGroupServer": [{"url": "{base_url}", "all_orgs": false}]}`),
		call("EditSharingGroup", "{sg_full}"))
	s.step("edit_by_uuid", post("/sharing_groups/edit/{uuid_sgfull}", `{"description": "by uuid"}`),
		call("EditSharingGroup", "{uuid_sgfull}"))
	s.step("edit_unknown_id", post("/sharing_groups/edit/"+missingID, `{"description": "x"}`), call("EditSharingGroup", missingID))

	s.step("add_org", post("/sharing_groups/addOrg/{sg_min}/{org_a}", `{"extend": true}`),
		callMember("AddOrgToSharingGroup", "{sg_min}", "{org_a}"))
	s.step("add_org_again", post("/sharing_groups/addOrg/{sg_min}/{org_a}", `{"extend": false}`),
		callMember("AddOrgToSharingGroup", "{sg_min}", "{org_a}"), doc("refused, and extend stays true"))
	s.step("add_org_by_uuid", post("/sharing_groups/addOrg/{sg_min}/{uuid_b}", `{"extend": false}`),
		callMember("AddOrgToSharingGroup", "{sg_min}", "{uuid_b}"))
	s.step("add_org_unknown_org", post("/sharing_groups/addOrg/{sg_min}/"+missingID, `{"extend": false}`),
		callMember("AddOrgToSharingGroup", "{sg_min}", missingID))
	s.step("add_org_unknown_group", post("/sharing_groups/addOrg/"+missingID+"/{org_a}", `{"extend": false}`),
		callMember("AddOrgToSharingGroup", missingID, "{org_a}"))
	s.step("remove_org", post("/sharing_groups/removeOrg/{sg_min}/{org_a}", ""),
		callMember("RemoveOrgFromSharingGroup", "{sg_min}", "{org_a}"))
	s.step("remove_org_again", post("/sharing_groups/removeOrg/{sg_min}/{org_a}", ""),
		callMember("RemoveOrgFromSharingGroup", "{sg_min}", "{org_a}"))
	s.step("remove_org_unknown_group", post("/sharing_groups/removeOrg/"+missingID+"/{org_a}", ""),
		callMember("RemoveOrgFromSharingGroup", missingID, "{org_a}"))
	s.step("add_server_local", post("/sharing_groups/addServer/{sg_min}/0", `{"all_orgs": true}`),
		callMember("AddServerToSharingGroup", "{sg_min}", "0"), doc("this instance cannot be handled by addServer"))
	s.step("view_after_members", get("/sharing_groups/view/{sg_min}"), call("GetSharingGroup", "{sg_min}"))

	s.step("setup_org_admin", post("/admin/users/add",
		`{"email": "golden-{run}-sg-admin@example.org", "org_id": "{org_a}", "role_id": "2"}`),
		call("AddUser"), capture("user_orgadmin", "User.id"), capture("key_orgadmin", "User.authkey"))
	s.step("setup_plain_user", post("/admin/users/add",
		`{"email": "golden-{run}-sg-user@example.org", "org_id": "{org_a}", "role_id": "3"}`),
		call("AddUser"), capture("user_plain", "User.id"), capture("key_plain", "User.authkey"))
	s.step("org_admin_add", post("/sharing_groups/add", `{"name": "golden-{run} SG By Org Admin"}`), as("key_orgadmin"),
		call("AddSharingGroup"))
	s.step("org_admin_add_listing_own_org", post("/sharing_groups/add",
		`{"name": "golden-{run} SG Of Org Admin", "SharingGroupOrg": [{"Organisation": {"uuid": "{uuid_a}"}, "extend": 1}]}`),
		as("key_orgadmin"), capture("sg_oa", "SharingGroup.id"),
		doc("accepted only with the org admin's own organisation as an extending member, in a form the client does not send"))
	s.step("org_admin_edit_own", post("/sharing_groups/edit/{sg_oa}", `{"description": "by org admin"}`), as("key_orgadmin"),
		call("EditSharingGroup", "{sg_oa}"), doc("200, and the description is not changed"))
	s.step("org_admin_add_org_own", post("/sharing_groups/addOrg/{sg_oa}/{org_b}", `{"extend": false}`), as("key_orgadmin"),
		callMember("AddOrgToSharingGroup", "{sg_oa}", "{org_b}"))
	s.step("org_admin_remove_org_own", post("/sharing_groups/removeOrg/{sg_oa}/{org_b}", ""), as("key_orgadmin"),
		callMember("RemoveOrgFromSharingGroup", "{sg_oa}", "{org_b}"))
	s.step("org_admin_view_other", get("/sharing_groups/view/{sg_min}"), as("key_orgadmin"), call("GetSharingGroup", "{sg_min}"))
	s.step("org_admin_edit_other", post("/sharing_groups/edit/{sg_min}", `{"description": "by org admin"}`), as("key_orgadmin"),
		call("EditSharingGroup", "{sg_min}"))
	s.step("org_admin_add_org_other", post("/sharing_groups/addOrg/{sg_min}/{org_a}", `{"extend": false}`), as("key_orgadmin"),
		callMember("AddOrgToSharingGroup", "{sg_min}", "{org_a}"))
	s.step("org_admin_delete_other", post("/sharing_groups/delete/{sg_min}", ""), as("key_orgadmin"),
		call("DeleteSharingGroup", "{sg_min}"))
	s.step("setup_owner_admin", post("/admin/users/add", `{"email": "golden-{run}-sg-owner@example.org", "org_id": "1", "role_id": "2"}`),
		call("AddUser"), capture("user_owneradmin", "User.id"), capture("key_owneradmin", "User.authkey"),
		doc("an org admin of organisation 1, which owns SG Min without being a member of it"))
	s.step("owner_admin_add_org_not_member", post("/sharing_groups/addOrg/{sg_min}/{org_a}", `{"extend": false}`),
		as("key_owneradmin"), callMember("AddOrgToSharingGroup", "{sg_min}", "{org_a}"),
		doc("refused: owning the group is not enough, the caller's organisation must also be a member (authorizedIds)"))
	s.step("owner_admin_view_not_member", get("/sharing_groups/view/{sg_min}"), as("key_owneradmin"),
		call("GetSharingGroup", "{sg_min}"), doc("the owner may view it"))
	s.step("user_add", post("/sharing_groups/add", `{"name": "golden-{run} SG By User"}`), as("key_plain"), call("AddSharingGroup"))
	s.step("user_view_member", get("/sharing_groups/view/{sg_oa}"), as("key_plain"), call("GetSharingGroup", "{sg_oa}"),
		doc("the user's organisation is a member"))
	s.step("user_index", get("/sharing_groups/index"), as("key_plain"), callSharingGroups(false))
	s.step("user_edit", post("/sharing_groups/edit/{sg_oa}", `{"description": "by user"}`), as("key_plain"),
		call("EditSharingGroup", "{sg_oa}"))
	s.step("user_add_org", post("/sharing_groups/addOrg/{sg_oa}/{org_b}", `{"extend": false}`), as("key_plain"),
		callMember("AddOrgToSharingGroup", "{sg_oa}", "{org_b}"))
	s.step("user_delete", post("/sharing_groups/delete/{sg_oa}", ""), as("key_plain"), call("DeleteSharingGroup", "{sg_oa}"))
	s.step("org_admin_delete_own", post("/sharing_groups/delete/{sg_oa}", ""), as("key_orgadmin"),
		call("DeleteSharingGroup", "{sg_oa}"))

	s.step("delete_member_org", post("/admin/organisations/delete/{org_b}", ""), call("DeleteOrganisation", "{org_b}"),
		doc("B is a member of SG Full and SG Min: the organisation is deleted with its memberships"))
	s.step("view_after_member_org_deleted", get("/sharing_groups/view/{sg_full}"), call("GetSharingGroup", "{sg_full}"))
	s.step("get_delete", get("/sharing_groups/delete/{sg_roaming}"))
	s.step("delete", post("/sharing_groups/delete/{sg_min}", ""), call("DeleteSharingGroup", "{sg_min}"))
	s.step("delete_again", post("/sharing_groups/delete/{sg_min}", ""), call("DeleteSharingGroup", "{sg_min}"))
	s.step("delete_by_uuid", post("/sharing_groups/delete/{uuid_sgfull}", ""), call("DeleteSharingGroup", "{uuid_sgfull}"))
	s.step("delete_unknown_id", post("/sharing_groups/delete/"+missingID, ""), call("DeleteSharingGroup", missingID))
	s.step("view_deleted", get("/sharing_groups/view/{sg_min}"), call("GetSharingGroup", "{sg_min}"))
	s.step("cleanup_sg_roaming", post("/sharing_groups/delete/{sg_roaming}", ""), call("DeleteSharingGroup", "{sg_roaming}"))
	s.step("cleanup_sg_dup", post("/sharing_groups/delete/{sg_dup}", ""), call("DeleteSharingGroup", "{sg_dup}"))
	s.step("cleanup_org_admin", post("/admin/users/delete/{user_orgadmin}", ""), call("DeleteUser", "{user_orgadmin}"))
	s.step("cleanup_plain_user", post("/admin/users/delete/{user_plain}", ""), call("DeleteUser", "{user_plain}"))
	s.step("cleanup_owner_admin", post("/admin/users/delete/{user_owneradmin}", ""), call("DeleteUser", "{user_owneradmin}"))
	s.step("cleanup_org_a", post("/admin/organisations/delete/{org_a}", ""), call("DeleteOrganisation", "{org_a}"))
	return s
}
