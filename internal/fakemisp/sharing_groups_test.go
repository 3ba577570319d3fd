package fakemisp_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestSharingGroupsAsMISP replays what MISP 2.5.1 answered to the same requests (docs/development/misp-api.md §10).
func TestSharingGroupsAsMISP(t *testing.T) {
	e := newEnv(t)
	post := func(path string, body any) reply { return e.do(req{method: http.MethodPost, path: path, body: body}) }
	get := func(path string) reply { return e.do(req{method: http.MethodGet, path: path}) }
	orgA := post("/admin/organisations/add", map[string]any{"name": "sgt-partner-a"})
	aID, aUUID := orgA.strAt("Organisation", "id"), orgA.strAt("Organisation", "uuid")

	one := post("/sharing_groups/add", map[string]any{"name": "sgt-one", "description": "d1", "releasability": "r1"})
	if one.status != http.StatusOK || one.at("SharingGroup", "org_id") != "1" || one.at("SharingGroup", "active") != true ||
		one.at("SharingGroup", "local") != false {
		t.Fatalf("add: %d %s", one.status, one.raw)
	}
	// The creator's organisation owns the group but is not a member; this instance is added with all_orgs false.
	if members := one.listAt("SharingGroupOrg"); len(members) != 0 {
		t.Errorf("creator became a member: %s", one.raw)
	}
	servers := one.listAt("SharingGroupServer")
	if len(servers) != 1 || first(servers)["server_id"] != "0" || first(servers)["all_orgs"] != false {
		t.Errorf("servers after add: %s", one.raw)
	}
	id := one.strAt("SharingGroup", "id")

	// A name already taken (case-insensitively) gets a random suffix.
	dup := post("/sharing_groups/add", map[string]any{"name": "SGT-ONE"})
	if name := dup.strAt("SharingGroup", "name"); !strings.HasPrefix(name, "SGT-ONE_") {
		t.Errorf("duplicate name kept as %q", name)
	}
	// No name: 403 saveFail.
	if r := post("/sharing_groups/add", map[string]any{"description": "x"}); r.status != http.StatusForbidden ||
		r.at("errors") != "Could not save sharing group." {
		t.Errorf("add without name: %d %s", r.status, r.raw)
	}
	// An unknown uuid with a name creates an external organisation; without a name, a membership of org 0.
	r := post("/sharing_groups/add", map[string]any{"name": "sgt-five",
		"SharingGroupOrg": []any{map[string]any{"uuid": "11111111-2222-4333-8444-555555555555", "name": "sgt-ext", "extend": false}}})
	if ext := get("/organisations/view/11111111-2222-4333-8444-555555555555"); ext.status != http.StatusOK || ext.at("Organisation", "local") != false {
		t.Errorf("external organisation: %d %s / %s", ext.status, ext.raw, r.raw)
	}
	r = post("/sharing_groups/add", map[string]any{"name": "sgt-three", "SharingGroupOrg": []any{map[string]any{"id": aID}}})
	if m := r.listAt("SharingGroupOrg"); len(m) != 1 || first(m)["org_id"] != "0" ||
		len(r.listAt("SharingGroupServer")) != 1 {
		t.Errorf("member by id: %s", r.raw)
	}

	// Edits: a taken or empty name changes nothing (200); active is kept; an older modified is ignored.
	for _, body := range []map[string]any{{"name": dup.at("SharingGroup", "name")}, {"name": ""}, {"active": false},
		{"description": "old", "modified": "2000-01-01 00:00:00"}} {
		r := post("/sharing_groups/edit/"+id, body)
		if r.status != http.StatusOK || r.at("SharingGroup", "name") != "sgt-one" || r.at("SharingGroup", "active") != true ||
			r.at("SharingGroup", "description") != "d1" {
			t.Errorf("edit %v: %d %s", body, r.status, r.raw)
		}
	}
	// Edit adds members and updates extend, never removes.
	r = post("/sharing_groups/edit/"+id, map[string]any{"description": "d2",
		"SharingGroupOrg":    []any{map[string]any{"uuid": aUUID, "extend": true}},
		"SharingGroupServer": []any{map[string]any{"url": e.srv.URL, "all_orgs": true}}})
	if r.at("SharingGroup", "description") != "d2" || len(r.listAt("SharingGroupOrg")) != 1 ||
		first(r.listAt("SharingGroupServer"))["all_orgs"] != true {
		t.Errorf("edit with members: %s", r.raw)
	}
	r = post("/sharing_groups/edit/"+id, map[string]any{"SharingGroupOrg": []any{map[string]any{"uuid": aUUID, "extend": false}}})
	if m := r.listAt("SharingGroupOrg"); len(m) != 1 || first(m)["extend"] != false {
		t.Errorf("extend update: %s", r.raw)
	}

	// addOrg twice: 403 the second time; removeOrg twice: 403 the second time.
	post("/sharing_groups/removeOrg/"+id+"/"+aID, nil)
	for i, want := range []int{http.StatusOK, http.StatusForbidden} {
		if r := post("/sharing_groups/addOrg/"+id+"/"+aID, map[string]any{"extend": true}); r.status != want {
			t.Errorf("addOrg %d: %d %s", i, r.status, r.raw)
		}
	}
	for i, want := range []int{http.StatusOK, http.StatusForbidden} {
		if r := post("/sharing_groups/removeOrg", map[string]any{"sg_id": id, "org_id": aID}); r.status != want {
			t.Errorf("removeOrg %d: %d %s", i, r.status, r.raw)
		}
	}
	// Server 0 cannot be handled by addServer/removeServer.
	if r := post("/sharing_groups/addServer/"+id+"/0", nil); r.status != http.StatusMethodNotAllowed || r.at("message") != "Invalid Server." {
		t.Errorf("addServer 0: %d %s", r.status, r.raw)
	}

	// The view names server 0 "Local instance" with this instance's URL; the index's Server is [].
	v := get("/sharing_groups/view/" + id)
	sv := asMap(first(v.listAt("SharingGroupServer"))["Server"])
	if sv["name"] != "Local instance" || sv["url"] != e.srv.URL || v.at("SharingGroup", "sync_org_name") != "ORGNAME" {
		t.Errorf("view: %s", v.raw)
	}
	idx := get("/sharing_groups/index")
	found := false
	for _, it := range idx.listAt("response") {
		m := asMap(it)
		if asMap(m["SharingGroup"])["id"] == id {
			found = true
			if fmt.Sprint(first(asList(m["SharingGroupServer"]))["Server"]) != "[]" || m["editable"] != true {
				t.Errorf("index item: %v", m)
			}
		}
	}
	if !found {
		t.Errorf("index lacks %s: %s", id, idx.raw)
	}
	// An inactive group is listed by /index/true only.
	in := post("/sharing_groups/add", map[string]any{"name": "sgt-inactive", "active": false})
	inID := in.at("SharingGroup", "id")
	if strings.Contains(string(get("/sharing_groups/index").raw), "sgt-inactive") ||
		!strings.Contains(string(get("/sharing_groups/index/true").raw), "sgt-inactive") {
		t.Errorf("inactive group %v listed wrongly", inID)
	}

	// An add with an existing group's uuid updates that group.
	u := one.strAt("SharingGroup", "uuid")
	r = post("/sharing_groups/add", map[string]any{"name": "sgt-renamed-by-add", "uuid": strings.ToUpper(u)})
	if r.at("SharingGroup", "id") != id || r.at("SharingGroup", "name") != "sgt-renamed-by-add" {
		t.Errorf("add with an existing uuid: %s", r.raw)
	}

	// Missing groups: 405 view and delete, 404 HEAD and edit; GET delete 405.
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/sharing_groups/view/99", http.StatusMethodNotAllowed},
		{http.MethodHead, "/sharing_groups/view/99", http.StatusNotFound},
		{http.MethodPost, "/sharing_groups/delete/99", http.StatusMethodNotAllowed},
		{http.MethodPost, "/sharing_groups/edit/99", http.StatusNotFound},
		{http.MethodGet, "/sharing_groups/delete/" + id, http.StatusMethodNotAllowed},
		{http.MethodPost, "/sharing_groups/addOrg/99/" + aID, http.StatusMethodNotAllowed},
	} {
		if r := e.do(req{method: c.method, path: c.path}); r.status != c.want {
			t.Errorf("%s %s: %d, want %d (%s)", c.method, c.path, r.status, c.want, r.raw)
		}
	}

	// Deleting an organisation drops its memberships.
	post("/sharing_groups/addOrg/"+id+"/"+aID, nil)
	if r := post("/admin/organisations/delete/"+aID, nil); r.status != http.StatusOK {
		t.Fatalf("delete org: %d %s", r.status, r.raw)
	}
	if m := get("/sharing_groups/view/" + id).listAt("SharingGroupOrg"); len(m) != 0 {
		t.Errorf("membership of a deleted organisation kept: %v", m)
	}
	if r := post("/sharing_groups/delete/"+id, nil); r.status != http.StatusOK || r.at("name") != "SharingGroup deleted" || r.at("id") != id {
		t.Errorf("delete: %d %s", r.status, r.raw)
	}
	if r := get("/sharing_groups/view/" + id); r.status != http.StatusMethodNotAllowed ||
		r.at("message") != "Sharing group doesn&#039;t exist or you do not have permission to access it." {
		t.Errorf("view after delete: %d %s", r.status, r.raw)
	}
}

// TestSharingGroupsGoAPI: the kind table serves sharing groups (create, update, delete, snapshot), deleting an
// organisation drops its memberships, and a UI-side change shows in the REST view.
func TestSharingGroupsGoAPI(t *testing.T) {
	e := newEnv(t)
	orgID, err := e.s.CreateOrganisation(map[string]any{"name": "member"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.s.CreateSharingGroup(map[string]any{"name": "ui-group"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.CreateSharingGroup(map[string]any{"name": "UI-GROUP"}); err == nil {
		t.Error("the Go API created a second group with a taken name")
	}
	if err := e.s.AddSharingGroupOrg(id, orgID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.s.UpdateSharingGroup(id, map[string]any{"active": false}); err != nil {
		t.Fatal(err)
	}
	v := e.do(req{method: http.MethodGet, path: "/sharing_groups/view/" + id})
	if v.at("SharingGroup", "active") != false || len(v.listAt("SharingGroupOrg")) != 1 || len(v.listAt("SharingGroupServer")) != 1 {
		t.Fatalf("view after UI changes: %s", v.raw)
	}
	snap, err := e.s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := e.s.DeleteOrganisation(orgID); err != nil {
		t.Fatal(err)
	}
	if m := e.do(req{method: http.MethodGet, path: "/sharing_groups/view/" + id}).listAt("SharingGroupOrg"); len(m) != 0 {
		t.Errorf("membership kept after the organisation was deleted: %v", m)
	}
	if err := e.s.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if m := e.do(req{method: http.MethodGet, path: "/sharing_groups/view/" + id}).listAt("SharingGroupOrg"); len(m) != 1 {
		t.Errorf("snapshot lost the membership: %v", m)
	}
	if err := e.s.DeleteSharingGroup(id); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.s.SharingGroup(id); ok {
		t.Error("group still there after delete")
	}
}

// TestSharingGroupsPyMISPShapes sends the requests PyMISP's sharing-group calls send (pymisp/api.py: camel-case
// controller, ids in the body).
func TestSharingGroupsPyMISPShapes(t *testing.T) {
	e := newEnv(t)
	post := func(path string, body any) reply { return e.do(req{method: http.MethodPost, path: path, body: body}) }
	org := post("/admin/organisations/add", map[string]any{"name": "partner"}).at("Organisation", "id")
	// add_sharing_group: a MISPSharingGroup's JSON.
	add := post("/sharingGroups/add", map[string]any{"name": "py-group", "releasability": "r", "description": "d",
		"SharingGroupOrg": []any{map[string]any{"extend": true, "Organisation": map[string]any{"name": "partner"}}}})
	id := add.strAt("SharingGroup", "id")
	if add.status != http.StatusOK || id == "" || len(add.listAt("SharingGroupOrg")) != 1 {
		t.Fatalf("add_sharing_group: %d %s", add.status, add.raw)
	}
	for _, c := range []struct {
		method, path string
		body         any
		want         int
	}{
		{http.MethodGet, "/sharingGroups/index", nil, http.StatusOK},
		{http.MethodGet, "/sharing_groups/view/" + id, nil, http.StatusOK},
		{http.MethodHead, "/sharing_groups/view/" + id, nil, http.StatusOK},
		{http.MethodPost, "/sharing_groups/edit/" + id, map[string]any{"name": "py-group-2"}, http.StatusOK},
		{http.MethodPost, "/sharingGroups/removeOrg", map[string]any{"sg_id": id, "org_id": org}, http.StatusOK},
		{http.MethodPost, "/sharingGroups/addOrg", map[string]any{"sg_id": id, "org_id": org, "extend": false}, http.StatusOK},
		{http.MethodPost, "/sharingGroups/addServer", map[string]any{"sg_id": id, "server_id": "0", "all_orgs": false}, http.StatusMethodNotAllowed},
		{http.MethodPost, "/sharingGroups/removeServer", map[string]any{"sg_id": id, "server_id": "0"}, http.StatusMethodNotAllowed},
		{http.MethodPost, "/sharingGroups/delete/" + id, nil, http.StatusOK},
		{http.MethodHead, "/sharing_groups/view/" + id, nil, http.StatusNotFound},
	} {
		if r := e.do(req{method: c.method, path: c.path, body: c.body}); r.status != c.want {
			t.Errorf("%s %s: %d, want %d (%s)", c.method, c.path, r.status, c.want, r.raw)
		}
	}
}

func (r reply) listAt(path ...string) []any {
	l, _ := r.at(path...).([]any)
	return l
}

func (r reply) strAt(path ...string) string {
	v, _ := r.at(path...).(string)
	return v
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// first is the first object of a list, or nil.
func first(l []any) map[string]any {
	if len(l) == 0 {
		return nil
	}
	return asMap(l[0])
}

// TestSharingGroupsOrgAdmin replays an org admin's requests as MISP 2.5.1 answered them (§10.3, §10.6): a plain add
// and one listing its organisation as a flat {"uuid"} entry are refused, one with {"Organisation": {"uuid"}} and
// extend succeeds; its edit of its own group answers 200 and changes nothing; addOrg works.
func TestSharingGroupsOrgAdmin(t *testing.T) {
	e := newEnv(t)
	orgID, err := e.s.CreateOrganisation(map[string]any{"name": "oa-org"})
	if err != nil {
		t.Fatal(err)
	}
	org, _ := e.s.Organisation(orgID)
	orgUUID, _ := org["uuid"].(string)
	_, key := e.mustUser(map[string]any{"email": "oa@example.org", "org_id": orgID, "role_id": "2"})
	post := func(path string, body any) reply {
		return e.do(req{method: http.MethodPost, path: path, body: body, key: key})
	}
	if r := post("/sharing_groups/add", map[string]any{"name": "oa-plain"}); r.status != http.StatusForbidden {
		t.Errorf("plain add: %d %s", r.status, r.raw)
	}
	if r := post("/sharing_groups/add", map[string]any{"name": "oa-flat",
		"SharingGroupOrg": []any{map[string]any{"uuid": orgUUID, "extend": 1}}}); r.status != http.StatusForbidden {
		t.Errorf("flat add: %d %s", r.status, r.raw)
	}
	r := post("/sharing_groups/add", map[string]any{"name": "oa-nested",
		"SharingGroupOrg": []any{map[string]any{"Organisation": map[string]any{"uuid": orgUUID}, "extend": 1}}})
	id := r.strAt("SharingGroup", "id")
	if r.status != http.StatusOK || r.strAt("SharingGroup", "org_id") != orgID {
		t.Fatalf("nested add: %d %s", r.status, r.raw)
	}
	if r := post("/sharing_groups/edit/"+id, map[string]any{"description": "changed by org admin"}); r.status != http.StatusOK ||
		r.strAt("SharingGroup", "description") != "" {
		t.Errorf("org admin edit: %d %s", r.status, r.raw)
	}
	if r := post("/sharing_groups/addOrg/"+id+"/1", map[string]any{"extend": false}); r.status != http.StatusOK {
		t.Errorf("org admin addOrg: %d %s", r.status, r.raw)
	}
}
