package fakemisp

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Handlers of SharingGroupsController and the logic of SharingGroup::captureSG as MISP 2.5.1 runs them
// (docs/development/misp-api.md §10). The emulator has no remote servers: server 0 (this instance) is the only one
// a server entry can name, so addServer and removeServer always answer "Invalid Server.".

// sgTable is sharing_groups; its rows live in state.sharingGroups and are a kind of the kind table (sgKind).
var sgTable = newTable([]column{
	{"id", kInt, false, nil},
	{"name", kString, false, ""},
	{"releasability", kString, false, ""},
	{"description", kString, false, ""},
	{"uuid", kString, false, ""},
	{"organisation_uuid", kString, false, ""},
	{"org_id", kInt, false, int64(0)},
	{"sync_user_id", kInt, false, int64(0)},
	{"active", kBool, false, false},
	{"created", kDatetime, false, nil},
	{"modified", kDatetime, false, nil},
	{"local", kBool, false, false},
	{"roaming", kBool, false, false},
})

// sgKind is the sharing groups in the kind table (kinds.go): the Go API and the control API
// (/_mispfake/sharing_groups) create, change, delete and list them like users, organisations and roles.
var sgKind = &kind{
	plural: "sharing_groups", noun: "sharing group", table: sgTable,
	rows:   func(st *state) map[int64]row { return st.sharingGroups },
	nextID: func(st *state) *int64 { return &st.nextSharingGroup },
	create: func(s *Server, g row, f map[string]any) (map[string]any, error) {
		dt := s.now().UTC().Format(datetimeLayout)
		g["uuid"], g["created"], g["modified"], g["active"], g["org_id"], g["sync_user_id"] = randUUID(s.rng), dt, dt, true, int64(1), int64(1)
		if o := s.st.orgs[1]; o != nil {
			g["organisation_uuid"] = o.str("uuid")
		}
		if err := s.applySGFields(g, f); err != nil {
			return nil, err
		}
		if !g.bool("roaming") {
			s.sg().addLocalServer(g.id(), false) // as MISP's add does
		}
		return nil, nil
	},
	update:  (*Server).applySGFields,
	deleted: func(s *Server, g row) { s.sg().dropGroup(g.id()) },
	view:    func(s *Server, g row) map[string]any { m, _ := toPlain(sgFields(g)).(map[string]any); return m },
}

// applySGFields writes natural-valued fields into a group (the Go API's create and update, "as in the UI", which
// unlike the API can change active too).
func (s *Server) applySGFields(g row, f map[string]any) error {
	for k, v := range f {
		c, ok := sgTable.col(k)
		if !ok || k == "id" {
			return fmt.Errorf("sharing group field %q: no such column", k)
		}
		stored, err := c.store(v)
		if err != nil {
			return fmt.Errorf("sharing group field %q: %w", k, err)
		}
		g[k] = stored
	}
	if phpEmpty(g["name"]) {
		return errors.New("sharing group: name must not be empty")
	}
	if s.sgNameTaken(g.str("name"), g.id()) {
		return fmt.Errorf("sharing group name %q is taken", g.str("name"))
	}
	if _, ok := f["modified"]; !ok {
		g["modified"] = s.now().UTC().Format(datetimeLayout)
	}
	return nil
}

// sgOrgRow is a row of sharing_group_orgs.
type sgOrgRow struct {
	ID     int64 `json:"id"`
	SGID   int64 `json:"sharing_group_id"`
	OrgID  int64 `json:"org_id"`
	Extend bool  `json:"extend"`
}

// sgServerRow is a row of sharing_group_servers.
type sgServerRow struct {
	ID       int64 `json:"id"`
	SGID     int64 `json:"sharing_group_id"`
	ServerID int64 `json:"server_id"`
	AllOrgs  bool  `json:"all_orgs"`
}

// sgStore is the membership tables (sharing_group_orgs, sharing_group_servers); it is part of state (and of its
// snapshot).
type sgStore struct {
	Orgs       map[int64]*sgOrgRow    `json:"organisations"`
	Servers    map[int64]*sgServerRow `json:"servers"`
	NextOrg    int64                  `json:"next_organisation_id"`
	NextServer int64                  `json:"next_server_id"`
}

func newSGStore() *sgStore {
	return &sgStore{Orgs: map[int64]*sgOrgRow{}, Servers: map[int64]*sgServerRow{}, NextOrg: 1, NextServer: 1}
}

// dropGroup removes a deleted group's memberships and server entries (MISP's dependent associations).
func (st *sgStore) dropGroup(sgID int64) {
	for k, m := range st.Orgs {
		if m.SGID == sgID {
			delete(st.Orgs, k)
		}
	}
	for k, sv := range st.Servers {
		if sv.SGID == sgID {
			delete(st.Servers, k)
		}
	}
}

// sg returns the sharing-group tables. Callers hold s.mu.
func (s *Server) sg() *sgStore { return s.st.sgs }

func sortedKeys[T any](m map[int64]T) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func (st *sgStore) orgsOf(sgID int64) []*sgOrgRow {
	var out []*sgOrgRow
	for _, id := range sortedKeys(st.Orgs) {
		if o := st.Orgs[id]; o.SGID == sgID {
			out = append(out, o)
		}
	}
	return out
}

func (st *sgStore) serversOf(sgID int64) []*sgServerRow {
	var out []*sgServerRow
	for _, id := range sortedKeys(st.Servers) {
		if sv := st.Servers[id]; sv.SGID == sgID {
			out = append(out, sv)
		}
	}
	return out
}

func (st *sgStore) addOrg(sgID, orgID int64, extend bool) {
	st.Orgs[st.NextOrg] = &sgOrgRow{ID: st.NextOrg, SGID: sgID, OrgID: orgID, Extend: extend}
	st.NextOrg++
}

// addLocalServer adds this instance (server 0, the only server the emulator knows) to a group.
func (st *sgStore) addLocalServer(sgID int64, allOrgs bool) {
	st.Servers[st.NextServer] = &sgServerRow{ID: st.NextServer, SGID: sgID, ServerID: 0, AllOrgs: allOrgs}
	st.NextServer++
}

// sgFind is SharingGroup's lookup by id or (Validation::uuid) uuid.
func (s *Server) sgFind(key string) row {
	if uuidRe.MatchString(key) {
		for _, id := range sortedIDs(s.st.sharingGroups) {
			if g := s.st.sharingGroups[id]; strings.EqualFold(g.str("uuid"), key) {
				return g
			}
		}
		return nil
	}
	if !isNumericString(key) {
		return nil
	}
	return s.st.sharingGroups[leadingInt(key)]
}

// sgNameTaken is the isUnique rule on name (MySQL's case-insensitive collation).
func (s *Server) sgNameTaken(name string, except int64) bool {
	for id, g := range s.st.sharingGroups {
		if id != except && ciEqual(strings.TrimRight(g.str("name"), " "), strings.TrimRight(name, " ")) {
			return true
		}
	}
	return false
}

// dropOrgMemberships removes an organisation's memberships: MISP deletes them with the organisation (verified
// against MISP 2.5.1). Callers hold the write lock.
func (s *Server) dropOrgMemberships(orgID int64) {
	for id, o := range s.st.sgs.Orgs {
		if o.OrgID == orgID {
			delete(s.st.sgs.Orgs, id)
		}
	}
}

// sgAuthorised is SharingGroup::checkIfAuthorised: may the caller see the group?
func (s *Server) sgAuthorised(c *caller, g row) bool {
	return c.orgID() == g.int("org_id") || s.sgListed(c, g)
}

// sgListed is SharingGroup::authorizedIds, which the index uses: unlike the view it does not count ownership.
func (s *Server) sgListed(c *caller, g row) bool {
	if c.siteAdmin() {
		return true
	}
	for _, sv := range s.sg().serversOf(g.id()) {
		if sv.ServerID == 0 && sv.AllOrgs {
			return true
		}
	}
	for _, o := range s.sg().orgsOf(g.id()) {
		if o.OrgID == c.orgID() {
			return true
		}
	}
	return false
}

// sgMayExtend is SharingGroup::checkIfAuthorisedExtend.
func (s *Server) sgMayExtend(c *caller, g row) bool {
	if c.siteAdmin() {
		return true
	}
	if !c.perm("perm_sharing_group") {
		return false
	}
	if g.int("org_id") == c.orgID() {
		return true
	}
	for _, o := range s.sg().orgsOf(g.id()) {
		if o.OrgID == c.orgID() && o.Extend {
			return true
		}
	}
	return false
}

func (s *Server) sgOrgRef(id int64, withLocal bool) obj {
	o := s.st.orgs[id]
	if o == nil {
		return nil
	}
	ref := obj{{"id", itoa(id)}, {"name", o.str("name")}, {"uuid", o.str("uuid")}}
	if withLocal {
		ref = append(ref, kv{"local", o.bool("local")})
	}
	return ref
}

func sgFields(g row) obj {
	return obj{{"id", itoa(g.id())}, {"name", g.str("name")}, {"releasability", g.str("releasability")}, {"description", g.str("description")},
		{"uuid", g.str("uuid")}, {"organisation_uuid", g.str("organisation_uuid")}, {"org_id", itoa(g.int("org_id"))},
		{"sync_user_id", itoa(g.int("sync_user_id"))}, {"active", g.bool("active")}, {"created", g.str("created")}, {"modified", g.str("modified")},
		{"local", g.bool("local")}, {"roaming", g.bool("roaming")}}
}

// sgSimplified is fetchAllAuthorised(..., 'simplified'), the answer of add and edit: server entries carry no
// Server for server 0, and an organisation MISP does not know has no Organisation.
func (s *Server) sgSimplified(g row) obj {
	orgs := []any{}
	for _, o := range s.sg().orgsOf(g.id()) {
		e := obj{{"id", itoa(o.ID)}, {"sharing_group_id", itoa(o.SGID)}, {"org_id", itoa(o.OrgID)}, {"extend", o.Extend}}
		if ref := s.sgOrgRef(o.OrgID, false); ref != nil {
			e = append(e, kv{"Organisation", ref})
		}
		orgs = append(orgs, e)
	}
	servers := []any{}
	for _, sv := range s.sg().serversOf(g.id()) {
		servers = append(servers, obj{{"id", itoa(sv.ID)}, {"sharing_group_id", itoa(sv.SGID)},
			{"server_id", itoa(sv.ServerID)}, {"all_orgs", sv.AllOrgs}})
	}
	out := obj{{"SharingGroup", sgFields(g)}, {"SharingGroupOrg", orgs}, {"SharingGroupServer", servers}}
	if ref := s.sgOrgRef(g.int("org_id"), false); ref != nil {
		out = append(out, kv{"Organisation", ref})
	}
	return out
}

// sgsView is SharingGroupsController::view, HEAD included.
func (s *Server) sgsView(c *reqCtx) *response {
	id, _ := c.firstArg()
	g := s.sgFind(id)
	ok := g != nil && s.sgAuthorised(c.caller, g)
	if c.r.Method == http.MethodHead {
		// Like the organisations' view, an HTML type whatever the Accept header (verified against MISP 2.5.1).
		if ok {
			return &response{status: http.StatusOK, contentType: "text/html; charset=UTF-8"}
		}
		return &response{status: http.StatusNotFound, contentType: "text/html; charset=UTF-8"}
	}
	if !ok {
		return exception(c.r, http.StatusMethodNotAllowed, "Sharing group doesn't exist or you do not have permission to access it.")
	}
	fields := sgFields(g)
	if g.int("sync_user_id") != 0 {
		if u := s.st.users[g.int("sync_user_id")]; u != nil && s.st.orgs[u.int("org_id")] != nil {
			o := s.st.orgs[u.int("org_id")]
			fields = append(fields, kv{"sync_org_name", o.str("name")}, kv{"sync_org", s.sgOrgRef(o.id(), false)})
		} else {
			fields = append(fields, kv{"sync_org_name", "N/A"})
		}
	}
	out := obj{{"SharingGroup", fields}}
	if o := s.st.orgs[g.int("org_id")]; o != nil {
		out = append(out, kv{"Organisation", renderOrgFields(o, nil)})
	} else {
		out = append(out, kv{"Organisation", []any{}})
	}
	orgs := []any{}
	for _, m := range s.sg().orgsOf(g.id()) {
		e := obj{{"id", itoa(m.ID)}, {"sharing_group_id", itoa(m.SGID)}, {"org_id", itoa(m.OrgID)}, {"extend", m.Extend}}
		if ref := s.sgOrgRef(m.OrgID, true); ref != nil {
			e = append(e, kv{"Organisation", ref})
		} else {
			e = append(e, kv{"Organisation", []any{}})
		}
		orgs = append(orgs, e)
	}
	servers := []any{}
	for _, sv := range s.sg().serversOf(g.id()) {
		e := obj{{"id", itoa(sv.ID)}, {"sharing_group_id", itoa(sv.SGID)}, {"server_id", itoa(sv.ServerID)}, {"all_orgs", sv.AllOrgs}}
		if sv.ServerID == 0 {
			e = append(e, kv{"Server", obj{{"id", "0"}, {"name", "Local instance"}, {"url", baseURL(c.r)}}})
		} else {
			e = append(e, kv{"Server", []any{}})
		}
		servers = append(servers, e)
	}
	out = append(out, kv{"SharingGroupOrg", orgs}, kv{"SharingGroupServer", servers})
	return prepare(c.r, http.StatusOK, out)
}

// sgsIndex is SharingGroupsController::index: the active groups, or the inactive ones with /index/true.
func (s *Server) sgsIndex(c *reqCtx) *response {
	passive := len(c.rt.args) > 0 && c.rt.args[0] == "true"
	var groups []row
	for _, id := range sortedIDs(s.st.sharingGroups) {
		g := s.st.sharingGroups[id]
		if g.bool("active") == passive || !s.sgListed(c.caller, g) {
			continue
		}
		if v, ok := c.rt.named["value"]; ok {
			term := "%" + strings.ToLower(v) + "%"
			if !likeMatch(g.str("uuid"), term, true) && !likeMatch(g.str("name"), term, true) && !likeMatch(g.str("description"), term, true) &&
				!likeMatch(g.str("releasability"), term, true) {
				continue
			}
		}
		groups = append(groups, g)
	}
	sort.SliceStable(groups, func(i, j int) bool {
		return strings.ToLower(groups[i].str("name")) < strings.ToLower(groups[j].str("name"))
	})
	list := []any{}
	for _, g := range groups {
		members := s.sg().orgsOf(g.id())
		item := obj{{"SharingGroup", obj{{"id", itoa(g.id())}, {"uuid", g.str("uuid")}, {"name", g.str("name")}, {"description", g.str("description")},
			{"releasability", g.str("releasability")}, {"local", g.bool("local")}, {"active", g.bool("active")}, {"roaming", g.bool("roaming")},
			{"org_count", itoa(int64(len(members)))}}}}
		if ref := s.sgOrgRef(g.int("org_id"), false); ref != nil {
			item = append(item, kv{"Organisation", ref})
		}
		orgs := []any{}
		for _, m := range members {
			e := obj{{"id", itoa(m.ID)}, {"sharing_group_id", itoa(m.SGID)}, {"org_id", itoa(m.OrgID)}, {"extend", m.Extend}}
			if o := s.st.orgs[m.OrgID]; o != nil {
				e = append(e, kv{"Organisation", obj{{"name", o.str("name")}, {"id", itoa(m.OrgID)}, {"uuid", o.str("uuid")}}})
			} else {
				e = append(e, kv{"Organisation", []any{}})
			}
			orgs = append(orgs, e)
		}
		servers := []any{}
		for _, sv := range s.sg().serversOf(g.id()) {
			servers = append(servers, obj{{"all_orgs", sv.AllOrgs}, {"server_id", itoa(sv.ServerID)},
				{"sharing_group_id", itoa(sv.SGID)}, {"Server", []any{}}})
		}
		editable := c.caller.siteAdmin() || (c.caller.perm("perm_sharing_group") && g.int("org_id") == c.caller.orgID())
		deletable := editable
		if !editable && c.caller.perm("perm_sharing_group") {
			for _, m := range members {
				if m.Extend && m.OrgID == c.caller.orgID() {
					editable = true
					break
				}
			}
		}
		item = append(item, kv{"SharingGroupOrg", orgs}, kv{"SharingGroupServer", servers},
			kv{"editable", editable}, kv{"deletable", deletable})
		list = append(list, item)
	}
	return prepare(c.r, http.StatusOK, obj{{"response", list}})
}

// sgPayload unwraps an optional {"SharingGroup": {...}} body.
func sgPayload(c *reqCtx) map[string]any {
	d := c.data
	if d == nil {
		return map[string]any{}
	}
	if inner, ok := d["SharingGroup"].(map[string]any); ok {
		return inner
	}
	return d
}

func sgText(d map[string]any, k string) (string, bool) {
	if !phpIsset(d, k) {
		return "", false
	}
	s, ok := phpString(d[k])
	return s, ok
}

// list turns a JSON list or single object into its entries (captureSGOrgs' "isset($x['id'])" single form).
func sgEntries(v any) []map[string]any {
	switch t := v.(type) {
	case []any:
		var out []map[string]any
		for _, e := range t {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	case map[string]any:
		if _, single := t["id"]; single {
			return []map[string]any{t}
		}
		var out []map[string]any
		for _, k := range sortedStringKeys(t) {
			if m, ok := t[k].(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func sortedStringKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// captureOrg is Organisation::captureOrg: by uuid, else by name; an unknown one is created as an external
// organisation (a name already taken gets a "_NNNN" suffix). An entry without a name cannot be saved: 0.
func (s *Server) captureOrg(e map[string]any, creator int64) int64 {
	uuid, hasUUID := sgText(e, "uuid")
	name, _ := sgText(e, "name")
	if hasUUID && uuid != "" {
		if o := s.orgByUUID(uuid); o != nil {
			return o.id()
		}
	} else {
		for _, id := range sortedIDs(s.st.orgs) {
			if name != "" && ciEqual(s.st.orgs[id].str("name"), name) {
				return id
			}
		}
	}
	if name == "" {
		return 0
	}
	if hasUUID && uuid != "" {
		for _, o := range s.st.orgs {
			if ciEqual(o.str("name"), name) {
				name = fmt.Sprintf("%s_%d", name, s.rng.IntN(10000))
				break
			}
		}
	}
	o := orgsTable.newRow()
	o["id"] = s.st.nextOrg
	dt := s.now().UTC().Format(datetimeLayout)
	o["name"], o["local"], o["created_by"], o["date_created"], o["date_modified"] = name, false, creator, dt, dt
	if hasUUID && uuid != "" {
		o["uuid"] = strings.ToLower(uuid)
	} else {
		o["uuid"] = randUUID(s.rng)
	}
	s.st.orgs[s.st.nextOrg] = o
	s.st.nextOrg++
	return o.id()
}

// captureMembers is captureSGOrgs and captureSGServers: add members and server entries, and on an edit (force)
// update extend and all_orgs of existing ones. Nothing is ever removed.
func (s *Server) captureMembers(c *reqCtx, d map[string]any, g row, force bool) {
	st := s.sg()
	for _, e := range sgEntries(d["SharingGroupOrg"]) {
		orgEntry := e
		if inner, ok := e["Organisation"].(map[string]any); ok {
			orgEntry = inner
		} else if list, ok := e["Organisation"].([]any); ok && len(list) > 0 {
			if m, ok := list[0].(map[string]any); ok {
				orgEntry = m
			}
		}
		orgID := s.captureOrg(orgEntry, c.caller.id())
		extend := !phpEmpty(e["extend"])
		var existing *sgOrgRow
		if force {
			for _, m := range st.orgsOf(g.id()) {
				if m.OrgID == orgID {
					existing = m
					break
				}
			}
		}
		if existing != nil {
			existing.Extend = extend
			continue
		}
		st.addOrg(g.id(), orgID, extend)
	}
	for _, e := range sgEntries(d["SharingGroupServer"]) {
		server := e
		if inner, ok := e["Server"].(map[string]any); ok {
			server = inner
		}
		url, _ := sgText(server, "url")
		if url != baseURL(c.r) {
			continue // an unknown server is dropped; the emulator knows no other server
		}
		allOrgs := !phpEmpty(e["all_orgs"]) || !phpEmpty(server["all_orgs"])
		var existing *sgServerRow
		if force {
			for _, sv := range st.serversOf(g.id()) {
				if sv.ServerID == 0 {
					existing = sv
					break
				}
			}
		}
		if existing != nil {
			existing.AllOrgs = allOrgs
			continue
		}
		st.addLocalServer(g.id(), allOrgs)
	}
}

func sgFailAdd(r *http.Request) *response {
	return saveFail(r, "Could not add SharingGroup", "/sharing_groups/add", "Could not save sharing group.", nil)
}

// sgsAdd is SharingGroupsController::add for REST.
func (s *Server) sgsAdd(c *reqCtx) *response {
	if !c.isPost() {
		return describe(c.r, false, "sharing_groups", "add", "", nil, nil)
	}
	d := sgPayload(c)
	st := s.sg()
	now := s.now().UTC().Format(datetimeLayout)
	var g row
	if uuid, ok := sgText(d, "uuid"); ok {
		g = s.sgFind(uuid)
		if g == nil && !uuidRe.MatchString(uuid) {
			return sgFailAdd(c.r)
		}
	}
	if g != nil {
		// captureSGExisting: the add updates the group that has this uuid.
		if !s.sgAuthorised(c.caller, g) {
			return sgFailAdd(c.r)
		}
		saved := s.sgUpdate(c, g, d, now)
		if saved {
			s.captureMembers(c, d, g, true)
			c.changed = true
		}
		// The controller then adds this instance as for a new group: to this group when captureSGExisting reached
		// its save, else to no group (SharingGroup->id is unset), a row no answer shows but whose id is used up
		// (both verified against MISP 2.5.1).
		if phpEmpty(d["roaming"]) && phpEmpty(d["SharingGroupServer"]) {
			target := int64(0)
			if saved {
				target = g.id()
			}
			st.addLocalServer(target, false)
			c.changed = true
		}
		return s.sgAnswer(c, g)
	}
	if !c.caller.siteAdmin() && !s.sgMayCreate(c, d) {
		return sgFailAdd(c.r)
	}
	name, _ := sgText(d, "name")
	if phpEmpty(d["name"]) {
		return sgFailAdd(c.r)
	}
	if s.sgNameTaken(name, 0) {
		name = fmt.Sprintf("%s_%d", name, s.rng.IntN(10000))
	}
	g = s.newObject(sgKind)
	g["name"], g["org_id"], g["sync_user_id"], g["active"], g["created"], g["modified"] =
		name, c.caller.orgID(), c.caller.id(), true, now, now
	g["releasability"], _ = sgText(d, "releasability")
	g["description"], _ = sgText(d, "description")
	if uuid, ok := sgText(d, "uuid"); ok && uuid != "" {
		g["uuid"] = strings.ToLower(uuid)
	} else {
		g["uuid"] = randUUID(s.rng)
	}
	if o := s.st.orgs[c.caller.orgID()]; o != nil {
		g["organisation_uuid"] = o.str("uuid")
	}
	if v, ok := sgText(d, "organisation_uuid"); ok {
		g["organisation_uuid"] = v
	}
	if phpIsset(d, "active") {
		g["active"] = !phpEmpty(d["active"])
	}
	if phpIsset(d, "roaming") {
		g["roaming"] = !phpEmpty(d["roaming"])
	}
	if v, ok := sgText(d, "created"); ok {
		g["created"] = v
	}
	s.insert(sgKind, g)
	s.captureMembers(c, d, g, false)
	if phpEmpty(d["roaming"]) && phpEmpty(d["SharingGroupServer"]) {
		st.addLocalServer(g.id(), false)
	}
	c.changed = true
	return s.sgAnswer(c, g)
}

// sgUpdate is captureSGExisting's save: only a site admin's change applies (MISP 2.5.1 compares the group's owner
// through a key that does not exist, so owners and extenders change nothing), only when the body's modified is
// absent or newer, and the save fails as a whole on a taken or empty name. It reports whether the members are
// captured too.
func (s *Server) sgUpdate(c *reqCtx, g row, d map[string]any, now string) bool {
	if m, ok := sgText(d, "modified"); ok && m != "" && m <= g.str("modified") {
		return false
	}
	if !c.caller.siteAdmin() {
		return false
	}
	next := g.clone()
	for _, k := range []string{"name", "releasability", "description", "created"} {
		if v, ok := sgText(d, k); ok {
			next[k] = v
		}
	}
	if phpIsset(d, "roaming") {
		next["roaming"] = !phpEmpty(d["roaming"])
	}
	if phpEmpty(next["name"]) || s.sgNameTaken(next.str("name"), g.id()) {
		return true // the save fails silently; the members are still captured
	}
	next["modified"] = now
	for k, v := range next {
		g[k] = v
	}
	return true
}

// sgMayCreate is checkIfAuthorisedToSave for a new group and a caller who is not a site admin: the body must list
// the caller's organisation, as {"Organisation": {"uuid": ...}}, with extend set (a flat {"uuid": ...} entry is
// not recognised), and any server list must name this instance by its URL.
func (s *Server) sgMayCreate(c *reqCtx, d map[string]any) bool {
	own := ""
	if o := s.st.orgs[c.caller.orgID()]; o != nil {
		own = o.str("uuid")
	}
	orgOK := false
	for _, e := range sgEntries(d["SharingGroupOrg"]) {
		inner, _ := e["Organisation"].(map[string]any)
		if list, ok := e["Organisation"].([]any); ok && len(list) > 0 {
			inner, _ = list[0].(map[string]any)
		}
		if u, ok := sgText(inner, "uuid"); ok && u == own && (c.caller.perm("perm_sync") || looseEqualInt(e["extend"], 1)) {
			orgOK = true
			break
		}
	}
	servers := sgEntries(d["SharingGroupServer"])
	serverOK := len(servers) == 0
	for _, e := range servers {
		inner, _ := e["Server"].(map[string]any)
		if u, ok := sgText(inner, "url"); ok && u == baseURL(c.r) {
			serverOK = true
		}
	}
	return orgOK && serverOK
}

func (s *Server) sgAnswer(c *reqCtx, g row) *response {
	return prepare(c.r, http.StatusOK, s.sgSimplified(g))
}

// sgsEdit is SharingGroupsController::edit for REST.
func (s *Server) sgsEdit(c *reqCtx) *response {
	id, _ := c.firstArg()
	g := s.sgFind(id)
	if g == nil || id == "" {
		return exception(c.r, http.StatusNotFound, "Invalid sharing group.")
	}
	if !s.sgMayExtend(c.caller, g) {
		return exception(c.r, http.StatusMethodNotAllowed, "Action not allowed.")
	}
	if !c.isPost() {
		return describe(c.r, false, "sharing_groups", "edit", "", nil, nil)
	}
	d := sgPayload(c)
	if s.sgUpdate(c, g, d, s.now().UTC().Format(datetimeLayout)) {
		s.captureMembers(c, d, g, true)
	}
	c.changed = true
	return s.sgAnswer(c, g)
}

// sgsDelete is SharingGroupsController::delete.
func (s *Server) sgsDelete(c *reqCtx) *response {
	if !c.isPost() && !c.isDelete() {
		return exception(c.r, http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	id, _ := c.firstArg()
	g := s.sgFind(id)
	if g == nil || (!c.caller.siteAdmin() && g.int("org_id") != c.caller.orgID()) {
		return exception(c.r, http.StatusMethodNotAllowed, "Action not allowed.")
	}
	s.sg().dropGroup(g.id())
	delete(s.st.sharingGroups, g.id())
	c.changed = true
	return saveSuccess(c.r, "/sharing_groups/delete/"+id, "SharingGroup deleted", id)
}

// sgQuickTarget is __initialiseSGQuickEdit: the group from the URL or the body (sg_id, sg_uuid, id, uuid), which
// the caller must be allowed to extend (checkIfAuthorisedExtend) and find among its authorizedIds (fetchSG): an
// owner organisation that is not a member, on a group whose local entry is not all_orgs, may not.
func (s *Server) sgQuickTarget(c *reqCtx) (row, *response) {
	key, _ := c.firstArg()
	if key == "" && c.data != nil {
		for _, p := range []string{"sg_id", "sg_uuid", "id", "uuid"} {
			if v, ok := sgText(c.data, p); ok && !phpEmpty(v) {
				key = v
				break
			}
		}
		if key == "" {
			return nil, exception(c.r, http.StatusMethodNotAllowed, "No valid sharing group ID provided.")
		}
	}
	g := s.sgFind(key)
	if g == nil || !s.sgMayExtend(c.caller, g) || !s.sgListed(c.caller, g) {
		return nil, exception(c.r, http.StatusMethodNotAllowed, "Invalid sharing group or no editing rights.")
	}
	return g, nil
}

// sgQuickObject is __initialiseSGQuickEditObject: the second URL argument, else the body's parameters.
func (c *reqCtx) sgQuickObject(params ...string) string {
	if len(c.rt.args) > 1 {
		return c.rt.args[1]
	}
	if c.data != nil {
		for _, p := range params {
			if v, ok := sgText(c.data, p); ok && !phpEmpty(v) {
				return v
			}
		}
	}
	return ""
}

// fetchOrg is Organisation::fetchOrg: by id, uuid or name.
func (s *Server) fetchOrg(key string) row {
	switch {
	case key == "":
		return nil
	case isNumericString(key):
		return s.st.orgs[leadingInt(key)]
	case uuidRe.MatchString(key):
		return s.orgByUUID(key)
	}
	for _, id := range sortedIDs(s.st.orgs) {
		if ciEqual(s.st.orgs[id].str("name"), key) {
			return s.st.orgs[id]
		}
	}
	return nil
}

func (s *Server) sgsAddOrg(c *reqCtx) *response {
	g, resp := s.sgQuickTarget(c)
	if resp != nil {
		return resp
	}
	o := s.fetchOrg(c.sgQuickObject("org_id", "org_uuid", "org_name"))
	if o == nil {
		return exception(c.r, http.StatusMethodNotAllowed, "Invalid organisation.")
	}
	extend := len(c.rt.args) > 2 && !phpEmpty(c.rt.args[2])
	if c.data != nil && phpIsset(c.data, "extend") {
		extend = !phpEmpty(c.data["extend"])
	}
	for _, m := range s.sg().orgsOf(g.id()) {
		if m.OrgID == o.id() {
			return saveFail(c.r, "Could not add Organisation to SharingGroup", "/sharing_groups/addOrg",
				"Organisation is already in the sharing group.", nil)
		}
	}
	s.sg().addOrg(g.id(), o.id(), extend)
	c.changed = true
	return saveSuccess(c.r, "/sharing_groups/addOrg", "Organisation added to the sharing group.", nil)
}

func (s *Server) sgsRemoveOrg(c *reqCtx) *response {
	g, resp := s.sgQuickTarget(c)
	if resp != nil {
		return resp
	}
	o := s.fetchOrg(c.sgQuickObject("org_id", "org_uuid", "org_name"))
	if o == nil {
		return exception(c.r, http.StatusMethodNotAllowed, "Invalid organisation.")
	}
	for _, m := range s.sg().orgsOf(g.id()) {
		if m.OrgID == o.id() {
			delete(s.sg().Orgs, m.ID)
			c.changed = true
			return saveSuccess(c.r, "/sharing_groups/removeOrg", "Organisation removed from the sharing group.", nil)
		}
	}
	return saveFail(c.r, "Could not remove Organisation from SharingGroup", "/sharing_groups/removeOrg",
		"Organisation is not in the sharing group.", nil)
}

// sgsServerAction is addServer and removeServer: Server::fetchServer finds no server 0 and the emulator has no
// other server, so both always answer "Invalid Server." (after the group check).
func (s *Server) sgsServerAction(c *reqCtx) *response {
	if _, resp := s.sgQuickTarget(c); resp != nil {
		return resp
	}
	return exception(c.r, http.StatusMethodNotAllowed, "Invalid Server.")
}

func permSharingGroup(c *caller) bool { return c.perm("perm_sharing_group") }

// sharingGroupRoutes are the SharingGroupsController actions the emulator answers.
var sharingGroupRoutes = map[string]endpointDef{
	"sharing_groups/index":        {fn: (*Server).sgsIndex},
	"sharing_groups/view":         {fn: (*Server).sgsView, idSegment: true},
	"sharing_groups/add":          {fn: (*Server).sgsAdd, acl: permSharingGroup, write: true},
	"sharing_groups/edit":         {fn: (*Server).sgsEdit, acl: permSharingGroup, write: true, idSegment: true},
	"sharing_groups/delete":       {fn: (*Server).sgsDelete, acl: permSharingGroup, write: true, idSegment: true},
	"sharing_groups/addOrg":       {fn: (*Server).sgsAddOrg, acl: permSharingGroup, write: true, idSegment: true},
	"sharing_groups/removeOrg":    {fn: (*Server).sgsRemoveOrg, acl: permSharingGroup, write: true, idSegment: true},
	"sharing_groups/addServer":    {fn: (*Server).sgsServerAction, acl: permSharingGroup, write: true, idSegment: true},
	"sharing_groups/removeServer": {fn: (*Server).sgsServerAction, acl: permSharingGroup, write: true, idSegment: true},
}

// Go API for tests: changes "as in MISP's UI".

// ErrSharingGroupMember is returned when adding a member that already is one, or removing one that is not.
var ErrSharingGroupMember = errors.New("fakemisp: membership already exists or does not exist")

func (s *Server) sgAndOrg(sgID, orgID string) (row, row, error) {
	g := s.sgFind(sgID)
	if g == nil {
		return nil, nil, fmt.Errorf("sharing group %s: %w", sgID, ErrNotFound)
	}
	o := s.fetchOrg(orgID)
	if o == nil {
		return nil, nil, fmt.Errorf("organisation %s: %w", orgID, ErrNotFound)
	}
	return g, o, nil
}

// AddSharingGroupOrg makes an organisation (id or uuid) a member of a sharing group (id or uuid).
func (s *Server) AddSharingGroupOrg(sgID, orgID string, extend bool) error {
	s.mu.Lock()
	g, o, err := s.sgAndOrg(sgID, orgID)
	if err == nil {
		for _, m := range s.sg().orgsOf(g.id()) {
			if m.OrgID == o.id() {
				err = ErrSharingGroupMember
			}
		}
	}
	if err == nil {
		s.sg().addOrg(g.id(), o.id(), extend)
	}
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("add sharing group organisation: %w", err)
	}
	s.notify()
	return nil
}

// RemoveSharingGroupOrg ends a membership.
func (s *Server) RemoveSharingGroupOrg(sgID, orgID string) error {
	s.mu.Lock()
	g, o, err := s.sgAndOrg(sgID, orgID)
	if err == nil {
		err = ErrSharingGroupMember
		for _, m := range s.sg().orgsOf(g.id()) {
			if m.OrgID == o.id() {
				delete(s.sg().Orgs, m.ID)
				err = nil
			}
		}
	}
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("remove sharing group organisation: %w", err)
	}
	s.notify()
	return nil
}

// CreateSharingGroup creates a sharing group owned by the site admin's organisation, with this instance as its
// server unless roaming (as MISP's add), and returns its id.
func (s *Server) CreateSharingGroup(fields map[string]any) (string, error) {
	id, _, err := s.createObject(sgKind, fields)
	return id, err
}

// UpdateSharingGroup changes columns of a sharing group as MISP's UI edit can (it, unlike the API, changes active).
func (s *Server) UpdateSharingGroup(id string, fields map[string]any) error {
	return s.updateObject(sgKind, id, fields)
}

// DeleteSharingGroup deletes a sharing group with its memberships.
func (s *Server) DeleteSharingGroup(id string) error { return s.deleteObject(sgKind, id) }

// SharingGroup returns the columns of a sharing group.
func (s *Server) SharingGroup(id string) (map[string]any, bool) { return s.object(sgKind, id) }
