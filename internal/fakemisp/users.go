package fakemisp

import (
	"net/http"
	"strconv"
	"strings"
)

// Handlers of UsersController (docs/development/misp-api.md §1). They run with s.mu held (read or write, see routes).

var heartbeatMessages = []string{
	"You must construct additional pylons.",
	"You've not enough minerals.",
	"You require more vespene gas.",
	"Additional supply depots required.",
	"Not enough minerals.",
	"Insufficient vespene gas.",
	"Spawn more overlords.",
	"We require more minerals.",
	"We require more vespene gas.",
}

func (s *Server) usersHeartbeat(c *reqCtx) *response {
	var msg string
	s.mutate(func() bool { // the RNG is guarded by the write lock
		msg = heartbeatMessages[s.rng.IntN(len(heartbeatMessages))]
		return false
	})
	return prepare(c.r, http.StatusOK, obj{{"message", msg}})
}

const (
	msgInvalidUser = "Invalid user"
	userAddURL     = "/admin/users/add"
)

// userAddFields is the admin_add save whitelist (§1.1.3 step 11).
var userAddFields = setOf("password", "email", "external_auth_required", "external_auth_key", "enable_password",
	"confirm_password", "org_id", "role_id", "authkey", "nids_sid", "server_id", "gpgkey", "certif_public",
	"autoalert", "contactalert", "disabled", "invited_by", "change_pw", "termsaccepted", "newsread", "date_created",
	"date_modified", "last_pw_change")

var userDescribeOptional = []string{"password", "external_auth_required", "external_auth_key", "enable_password",
	"nids_sid", "server_id", "gpgkey", "certif_public", "autoalert", "contactalert", "disabled", "change_pw",
	"termsaccepted", "newsread"}

func setOf(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, i := range items {
		m[i] = true
	}
	return m
}

// findUser finds a user by a MySQL "id = value" comparison.
func (s *Server) findUser(v any) row {
	if f, ok := mysqlNumber(v); ok && f == float64(int64(f)) {
		return s.st.users[int64(f)]
	}
	return nil
}

func (s *Server) findRole(v any) row {
	if f, ok := mysqlNumber(v); ok && f == float64(int64(f)) {
		return s.st.roles[int64(f)]
	}
	return nil
}

func (s *Server) findOrg(v any) row {
	if f, ok := mysqlNumber(v); ok && f == float64(int64(f)) {
		return s.st.orgs[int64(f)]
	}
	return nil
}

// adminFetch is UsersController::__adminFetchConditions: org admins reach only their own org's users and, in
// edit mode, only users whose role is not site admin.
func (s *Server) adminFetch(c *reqCtx, id string, edit bool) row {
	if phpEmpty(id) {
		return nil
	}
	u := s.findUser(id)
	if u == nil {
		return nil
	}
	if !c.caller.siteAdmin() {
		if u.int("org_id") != c.caller.orgID() {
			return nil
		}
		if edit {
			role := s.st.roles[u.int("role_id")]
			// "Role.perm_site_admin = false" does not match the NULL of a dangling role.
			if role == nil || role.bool("perm_site_admin") {
				return nil
			}
		}
	}
	return u
}

// unwrap returns a copy of the request data for model (the wrapped {"Model": {...}} object or the bare body).
// ok is false when the wrapper holds something other than an object (PHP would fail).
func unwrap(c *reqCtx, model string) (map[string]any, bool) {
	d := map[string]any{}
	if c.data == nil {
		return d, true
	}
	src := c.data
	if inner, present := c.data[model]; present && inner != nil {
		m, isMap := inner.(map[string]any)
		if !isMap {
			if phpEmpty(inner) {
				return d, true
			}
			return nil, false
		}
		src = m
	}
	for k, v := range src {
		d[k] = v
	}
	return d, true
}

// userViewKind selects what viewUser adds to the User object.
type userViewKind int

const (
	selfEditAnswer userViewKind = iota // users/edit: nothing added
	selfView                           // users/view: pgp_status, fingerprint
	adminView                          // admin/users/view: pgp_status, fingerprint, orgAdmins
)

// viewUser is the view/admin_view/self-edit answer after __massageUserObject (§1.1.2). The views add
// User::verifySingleGPG's pgp_status and fingerprint when the user has a gpgkey; ok is false when that crashes
// (a stored secret key block), which MISP answers with a 500.
func (s *Server) viewUser(u row, kind userViewKind) (obj, bool) {
	uo := renderUser(u)
	uo.del("server_id")
	uo.del("authkey") // Security.advanced_authkeys is on.
	uo.set("password", "*****")
	uo.set("totp", "*****")
	if key, _ := phpString(u["gpgkey"]); kind != selfEditAnswer && !phpEmpty(key) {
		status, fingerprint, crash := gpgKeyStatus(key, s.now())
		if crash {
			return nil, false
		}
		uo = append(uo, kv{"pgp_status", status}, kv{"fingerprint", fingerprint})
	}
	if kind == adminView {
		uo = append(uo, kv{"orgAdmins", s.orgAdmins(u.int("org_id"), u.id())})
	}
	return obj{
		{"User", uo},
		{"Role", renderRole(s.st.roles[u.int("role_id")])},
		{"UserSetting", s.userSettingsOf(u.id())},
		{"Organisation", renderOrgFields(s.st.orgs[u.int("org_id")], nil)},
	}, true
}

// viewAnswer renders viewUser as a 200 answer, or MISP's 500 when the view crashes.
func (s *Server) viewAnswer(c *reqCtx, u row, kind userViewKind) *response {
	v, ok := s.viewUser(u, kind)
	if !ok {
		return exception(c.r, http.StatusInternalServerError, internalErrorMessage)
	}
	return prepare(c.r, http.StatusOK, v)
}

// orgAdmins is User::getOrgAdminsForOrg: enabled users of the org whose role has perm_admin, minus exclude.
func (s *Server) orgAdmins(orgID, exclude int64) obj {
	out := obj{}
	for _, id := range sortedIDs(s.st.users) {
		u := s.st.users[id]
		if id == exclude || u.int("org_id") != orgID || u.bool("disabled") {
			continue
		}
		if role := s.st.roles[u.int("role_id")]; role != nil && role.bool("perm_admin") {
			out = append(out, kv{itoa(id), u.str("email")})
		}
	}
	return out
}

func (s *Server) usersView(c *reqCtx) *response {
	id, _ := c.firstArg()
	if id == "me" {
		id = itoa(c.caller.id())
	}
	if !c.caller.siteAdmin() && !looseEqualInt(id, c.caller.id()) {
		return exception(c.r, http.StatusNotFound, "Invalid user or not authorised.")
	}
	u := s.findUser(id)
	if u == nil {
		return exception(c.r, http.StatusNotFound, msgInvalidUser)
	}
	return s.viewAnswer(c, u, selfView)
}

func (s *Server) usersAdminView(c *reqCtx) *response {
	id, _ := c.firstArg()
	u := s.adminFetch(c, id, false)
	if u == nil {
		return exception(c.r, http.StatusNotFound, msgInvalidUser)
	}
	return s.viewAnswer(c, u, adminView)
}

// usersIndex is admin_index's REST branch (§1.1.1).
func (s *Server) usersIndex(c *reqCtx) *response {
	named := c.rt.named
	keys := append([]string(nil), c.rt.namedOrder...)
	if v := named["value"]; !phpEmpty(v) {
		if _, ok := named["searchall"]; !ok {
			keys = append(keys, "searchall")
		}
	}
	lookup := func(k string) string {
		if k == "searchall" && !phpEmpty(named["value"]) {
			return named["value"]
		}
		return named[k]
	}
	var conds []func(u row) bool
	var orgOr []func(u row) bool
	now := s.now().Unix()
	for _, k := range keys {
		if !strings.HasPrefix(k, "search") {
			continue
		}
		v := lookup(k)
		term := k[len("search"):]
		switch term {
		case "autoalert", "contactalert", "termsaccepted", "disabled":
			if v == "" {
				continue
			}
			want := numericPrefix(v)
			conds = append(conds, func(u row) bool {
				got := 0.0
				if u.bool(term) {
					got = 1
				}
				return got == want
			})
		case "role", "email", "all", "authkey", "org":
			if v == "" || (term == "org" && !c.caller.siteAdmin()) {
				continue
			}
			var or []func(u row) bool
			for _, piece := range strings.Split(v, "|") {
				neg := strings.HasPrefix(piece, "!")
				rest := strings.TrimPrefix(piece, "!")
				switch {
				case neg && term == "email":
					pat := "%" + strings.ToLower(rest) + "%"
					conds = append(conds, func(u row) bool { return !likeMatch(u.str("email"), pat, true) })
				case neg && term == "org":
					conds = append(conds, func(u row) bool { return !matchesID(rest, u.int("org_id")) })
				case neg && term == "all":
					// "User.all = x": there is no such column, so MySQL fails.
					return exception(c.r, http.StatusInternalServerError, internalErrorMessage)
				case neg:
					// MISP bug, kept: "!x" on role/authkey adds an equality condition, not a negation.
					conds = append(conds, s.userFieldEquals(term, rest))
				case term == "email":
					pat := "%" + strings.ToLower(piece) + "%"
					or = append(or, func(u row) bool { return likeMatch(u.str("email"), pat, true) })
				case term == "org":
					p := piece
					orgOr = append(orgOr, func(u row) bool { return matchesID(p, u.int("org_id")) })
				case term == "all":
					// Each "all" piece is ANDed (UsersController::admin_index), over email, org name and role name.
					pat := "%" + strings.ToUpper(piece) + "%"
					conds = append(conds, func(u row) bool {
						if likeMatch(strings.ToUpper(u.str("email")), pat, false) {
							return true
						}
						if o := s.st.orgs[u.int("org_id")]; o != nil && likeMatch(strings.ToUpper(o.str("name")), pat, false) {
							return true
						}
						r := s.st.roles[u.int("role_id")]
						return r != nil && likeMatch(strings.ToUpper(r.str("name")), pat, false)
					})
				default:
					or = append(or, s.userFieldEquals(term, piece))
				}
			}
			if len(or) > 0 {
				conds = append(conds, anyOf(or))
			}
		case "inactive":
			if looseEqualInt(v, 1) {
				limit := now - 60*60*24*30
				conds = append(conds, func(u row) bool {
					return lessThan(u["last_login"], limit) && lessThan(u["current_login"], limit) && lessThan(u["last_api_access"], limit)
				})
			}
		}
	}
	if len(orgOr) > 0 {
		conds = append(conds, anyOf(orgOr))
	}
	list := []any{}
	for _, id := range sortedIDs(s.st.users) {
		u := s.st.users[id]
		if !c.caller.siteAdmin() && u.int("org_id") != c.caller.orgID() {
			continue
		}
		match := true
		for _, f := range conds {
			if !f(u) {
				match = false
				break
			}
		}
		if match {
			list = append(list, s.indexEntry(u))
		}
	}
	return prepare(c.r, http.StatusOK, list)
}

func anyOf(fs []func(u row) bool) func(u row) bool {
	return func(u row) bool {
		for _, f := range fs {
			if f(u) {
				return true
			}
		}
		return false
	}
}

func lessThan(v any, limit int64) bool {
	n, ok := v.(int64)
	return ok && n < limit
}

// userFieldEquals is "User.role_id = x" or "User.authkey = x".
func (s *Server) userFieldEquals(term, value string) func(u row) bool {
	if term == "role" {
		return func(u row) bool { return matchesID(value, u.int("role_id")) }
	}
	return func(u row) bool { return u["authkey"] != nil && binEqual(u.str("authkey"), value) }
}

// userIndexFields is the field list of admin_index's REST find (totp and authkey are removed afterwards).
var userIndexFields = []string{"id", "org_id", "server_id", "email", "autoalert", "invited_by", "gpgkey",
	"certif_public", "nids_sid", "termsaccepted", "newsread", "role_id", "change_pw", "contactalert", "disabled",
	"expiration", "current_login", "last_login", "last_api_access", "force_logout", "date_created", "date_modified",
	"last_pw_change"}

func (s *Server) indexEntry(u row) obj {
	uo := make(obj, 0, len(userIndexFields))
	for _, f := range userIndexFields {
		col, _ := usersTable.col(f)
		uo = append(uo, kv{f, col.render(u[f])})
	}
	role := s.st.roles[u.int("role_id")]
	ro := obj{{"id", nil}, {"name", nil}, {"perm_auth", nil}, {"perm_site_admin", nil}, {"perm_admin", nil}}
	if role != nil {
		ro = obj{{"id", itoa(role.id())}, {"name", role["name"]}, {"perm_auth", role["perm_auth"]},
			{"perm_site_admin", role["perm_site_admin"]}, {"perm_admin", role["perm_admin"]}}
	}
	org := s.st.orgs[u.int("org_id")]
	oo := obj{{"id", nil}, {"name", nil}}
	if org != nil {
		oo = obj{{"id", itoa(org.id())}, {"name", org["name"]}}
	}
	return obj{{"User", uo}, {"Role", ro}, {"Organisation", oo}}
}

// isSyncRole is array_key_exists($role_id, $syncRoles): the value must be a canonical integer key of a sync role.
func (s *Server) isSyncRole(v any) bool {
	var key string
	switch t := v.(type) {
	case bool:
		if t {
			key = "1"
		} else {
			key = "0"
		}
	case nil:
		return false
	default:
		str, ok := phpString(t)
		if !ok {
			return false
		}
		key = str
	}
	n, err := strconv.ParseInt(key, 10, 64)
	if err != nil || itoa(n) != key {
		return false
	}
	r := s.st.roles[n]
	return r != nil && r.bool("perm_sync")
}

// roleRestrictedForOrgAdmin: roles an org admin may not hand out (§4).
func roleRestrictedForOrgAdmin(r row) bool {
	return r.bool("perm_site_admin") || r.bool("perm_regexp_access") || r.bool("perm_sync") || r.bool("restricted_to_site_admin")
}

// domainsRefusing is UsersController's restricted_to_domain check (add, admin_edit, edit): when the caller is no
// site admin and org restricts its users to domains that email is not in (a case-sensitive suffix after "@" or
// "."), it returns those domains; nil otherwise.
func domainsRefusing(c *caller, org row, email any) []string {
	if c.siteAdmin() || org == nil {
		return nil
	}
	domains := domainList(org)
	if len(domains) == 0 {
		return nil
	}
	e, _ := phpString(email)
	for _, d := range domains {
		if len(e) > len(d) && strings.HasSuffix(e, d) {
			if b := e[len(e)-len(d)-1]; b == '@' || b == '.' {
				return nil
			}
		}
	}
	return domains
}

// beforeValidateUser is TrimBehavior plus User::beforeValidate.
func (s *Server) beforeValidateUser(d map[string]any, create bool) {
	trimStrings(d)
	if create {
		if ep, ok := d["enable_password"]; (ok && phpEmpty(ep)) || (phpEmpty(d["password"]) && phpEmpty(d["confirm_password"])) {
			pw := randString(s.rng, 40, passwordChars)
			d["password"] = pw
			d["confirm_password"] = pw
		}
	}
	if phpEmpty(d["certif_public"]) {
		d["certif_public"] = ""
	}
	if phpEmpty(d["authkey"]) {
		d["authkey"] = randString(s.rng, 40, alnum)
	}
	if phpEmpty(d["nids_sid"]) {
		d["nids_sid"] = int64(1000000 + s.rng.IntN(9000000))
	}
}

// writeUserFields stores the whitelisted request fields into u (User::beforeSave hashes the password and sets
// date_modified). ok is false when MySQL would refuse a value.
func (s *Server) writeUserFields(u row, d map[string]any, whitelist map[string]bool) bool {
	for k, v := range d {
		if !whitelist[k] || k == "id" {
			continue
		}
		col, isCol := usersTable.col(k)
		if !isCol {
			continue
		}
		if k == "password" {
			pw, ok := phpString(v)
			if !ok {
				return false
			}
			u[k] = hashPassword(s.rng, pw)
			continue
		}
		stored, err := col.store(v)
		if err != nil {
			return false
		}
		u[k] = stored
	}
	u["date_modified"] = s.now().Unix()
	return true
}

// usersAdd is admin_add's REST branch (§1.1.3, §1.3).
func (s *Server) usersAdd(c *reqCtx) *response {
	r := c.r
	if !c.isPost() {
		return describe(r, true, "users", "add", "POST a User object in JSON format to this API to create a new user.",
			[]string{"email", "org_id", "role_id"}, userDescribeOptional)
	}
	d, ok := unwrap(c, "User")
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	delete(d, "id")
	for _, f := range []string{"role_id", "email"} {
		if phpEmpty(d[f]) {
			if f == "role_id" && !phpEmpty(s.st.defaultRole) {
				d[f] = s.st.defaultRole
				continue
			}
			return saveFail(r, "Could not add User", userAddURL, obj{{f, "Mandatory field not set."}}, nil)
		}
	}
	if _, ok := d["password"]; ok && d["password"] != nil {
		d["confirm_password"] = d["password"]
	}
	defaults := []kv{
		{"external_auth_required", int64(0)}, {"external_auth_key", ""}, {"server_id", int64(0)}, {"gpgkey", ""},
		{"certif_public", ""}, {"autoalert", false}, {"contactalert", int64(0)}, {"disabled", int64(0)},
		{"newsread", int64(0)}, {"change_pw", int64(1)}, {"termsaccepted", int64(0)}, {"org_id", c.caller.orgID()},
	}
	for _, e := range defaults {
		if !phpIsset(d, e.k) {
			d[e.k] = e.v
		}
	}
	now := s.now().Unix()
	d["date_created"] = now
	d["last_pw_change"] = now
	if !s.isSyncRole(d["role_id"]) {
		d["server_id"] = int64(0)
	}
	role := s.findRole(d["role_id"])
	if role == nil {
		return exception(r, http.StatusMethodNotAllowed, "Invalid role")
	}
	d["invited_by"] = c.caller.id()
	if !phpIsset(d, "disabled") {
		d["disabled"] = false
	}
	d["newsread"] = int64(0)
	if !c.caller.siteAdmin() {
		// Silently forced for org admins (test_add_user_by_org_admin_to_different_org).
		d["org_id"] = c.caller.orgID()
		if roleRestrictedForOrgAdmin(role) {
			return exception(r, http.StatusInternalServerError, "You are not authorised to assign that role to a user.")
		}
	}
	org := s.findOrg(d["org_id"])
	if domainsRefusing(c.caller, org, d["email"]) != nil {
		// The REST branch falls through to the describe document (§1.1.3 step 9).
		return describe(r, true, "users", "add", "POST a User object in JSON format to this API to create a new user.",
			[]string{"email", "org_id", "role_id"}, userDescribeOptional)
	}
	if org == nil {
		return saveFail(r, "Could not add User", userAddURL, []any{"Invalid organisation"}, nil)
	}
	s.beforeValidateUser(d, true)
	errs, ok := s.validateUser(d, userAddFields, 0)
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	if len(errs) > 0 {
		return saveFail(r, "Could not add User", userAddURL, errs, nil)
	}
	u := s.newObject(userKind)
	if !s.writeUserFields(u, d, userAddFields) {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	s.insert(userKind, u)
	c.changed = true
	if !phpEmpty(d["notify"]) && s.sendEmail(u, subjectNewUser) {
		// User::initiatePasswordReset(firstTime) with the request's password: only when the e-mail went out is it
		// saved again and change_pw set. Otherwise the user stays as added; the REST answer does not tell.
		pw, _ := phpString(d["password"])
		u["password"] = hashPassword(s.rng, pw)
		u["last_pw_change"] = now
		u["change_pw"] = true
		u["date_modified"] = now
	}
	key, _ := s.st.addKey(s.rng, u.id(), "", s.now(), "")
	out := renderUser(u)
	out.set("password", "******")
	out.set("authkey", key)
	return prepare(r, http.StatusOK, obj{{"User", out}})
}

// usersAdminEdit is admin_edit's REST branch (§1.1.4).
func (s *Server) usersAdminEdit(c *reqCtx) *response {
	r := c.r
	id, _ := c.firstArg()
	target := s.adminFetch(c, id, true)
	if target == nil {
		return exception(r, http.StatusNotFound, msgInvalidUser)
	}
	if !c.isPost() && !c.isPut() {
		return describe(r, true, "users", "edit", "POST a User object in JSON format to this API to edit a user.",
			nil, append([]string{"email", "org_id", "role_id"}, userDescribeOptional...))
	}
	d, ok := unwrap(c, "User")
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	siteAdmin := c.caller.siteAdmin()
	if domainsRefusing(c.caller, s.st.orgs[target.int("org_id")], d["email"]) != nil {
		// The REST branch renders the edit template instead of JSON, which fails (inferred).
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	d["id"] = id
	if !phpIsset(d, "email") {
		d["email"] = target["email"]
	}
	if phpIsset(d, "role_id") && !s.isSyncRole(d["role_id"]) {
		d["server_id"] = int64(0)
	}
	blocked := setOf("id", "invited_by", "date_modified")
	if !siteAdmin {
		blocked["org_id"] = true
	}
	if !s.loginChangeAllowed(c.caller) {
		// MISP.disable_user_login_change: the e-mail is dropped silently, the rest is saved (§5.31).
		blocked["email"] = true
	}
	fields := map[string]bool{}
	for k := range d {
		if !blocked[k] && k != "password" {
			fields[k] = true
		}
	}
	if !phpEmpty(d["password"]) {
		fields["password"] = true
		fields["last_pw_change"] = true
		d["last_pw_change"] = s.now().Unix()
		if !phpIsset(d, "confirm_password") {
			d["confirm_password"] = d["password"]
			fields["confirm_password"] = true
		}
	}
	if !siteAdmin && phpIsset(d, "role_id") {
		chosen := s.findRole(d["role_id"])
		allowed := target.int("role_id")
		if chosen == nil || (chosen.id() != allowed && (chosen.bool("perm_site_admin") || chosen.bool("perm_regexp_access") || chosen.bool("perm_sync"))) || chosen.bool("restricted_to_site_admin") {
			return exception(r, http.StatusInternalServerError, "You are not authorised to assign that role to a user.")
		}
	}
	fields["date_modified"] = true
	s.beforeValidateUser(d, false)
	errs, ok := s.validateUser(d, fields, target.id())
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	if len(errs) > 0 {
		return saveFail(r, "Could not edit User", genURL(true, "users", "edit", id), errs, id)
	}
	updated := target.clone()
	if !s.writeUserFields(updated, d, fields) {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	if e := updated.str("email"); !ciEqual(e, target.str("email")) && s.emailTaken(e, target.id()) {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	s.st.users[target.id()] = updated
	c.changed = true
	out := renderUser(updated)
	out.set("password", "******")
	out.del("authkey")
	return prepare(r, http.StatusOK, obj{{"User", out}})
}

func (s *Server) emailTaken(email string, except int64) bool {
	for id, u := range s.st.users {
		if id != except && ciEqual(u.str("email"), email) {
			return true
		}
	}
	return false
}

// usersDelete is admin_delete (§1.1.5): a hard delete; auth keys and other rows keep their user_id.
func (s *Server) usersDelete(c *reqCtx) *response {
	r := c.r
	if !c.isPost() && !c.isDelete() {
		// The confirmation dialog, for any id.
		return s.confirmPage(r, "Delete user",
			"Are you sure you want to delete the user? It is highly recommended to never delete users but to disable them instead.")
	}
	id, _ := c.firstArg()
	u := s.adminFetch(c, id, true)
	if u == nil {
		return exception(r, http.StatusNotFound, msgInvalidUser)
	}
	delete(s.st.users, u.id())
	c.changed = true
	return saveSuccess(r, genURL(true, "users", "delete", id), "User deleted.", id)
}

var selfEditFields = []string{"autoalert", "gpgkey", "certif_public", "nids_sid", "contactalert", "disabled",
	"date_modified", "notification_daily", "notification_weekly", "notification_monthly", "email"}

// usersSelfEdit is UsersController::edit (§1.1.6).
func (s *Server) usersSelfEdit(c *reqCtx) *response {
	r := c.r
	current := s.st.users[c.caller.id()]
	if current == nil {
		return exception(r, http.StatusNotFound, "Something went wrong. Your user account could not be accessed.")
	}
	id := itoa(current.id())
	failURL := genURL(false, "users", "edit", id)
	if !c.isPost() && !c.isPut() {
		// The edit form template has no JSON view (inferred).
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	var d map[string]any
	if inner, ok := c.data["User"]; ok && !phpEmpty(inner) {
		m, isMap := inner.(map[string]any)
		if !isMap {
			return exception(r, http.StatusInternalServerError, internalErrorMessage)
		}
		d = m
	} else {
		d = map[string]any{}
		for k, v := range c.data {
			d[k] = v
		}
	}
	if !phpEmpty(d["email"]) {
		if domains := domainsRefusing(c.caller, s.st.orgs[c.caller.orgID()], d["email"]); domains != nil {
			msg := "Invalid e-mail domain. Your user is restricted to creating users for the following domain(s): " + strings.Join(domains, ", ")
			return saveFail(r, "Could not edit User", failURL, msg, id)
		}
	}
	// Security.require_password_confirmation is skipped only when the key came in the Authorization header.
	if r.Header.Get("Authorization") == "" {
		cp, _ := phpString(d["current_password"])
		if phpEmpty(cp) || !checkPassword(current.str("password"), cp) {
			return saveFail(r, "Could not edit User", failURL, nil, id)
		}
		delete(d, "current_password")
	}
	fields := setOf(selfEditFields...)
	if !s.loginChangeAllowed(c.caller) {
		delete(fields, "email") // MISP.disable_user_login_change (§5.31)
	}
	if !phpEmpty(d["password"]) {
		fields["password"] = true
		fields["confirm_password"] = true
	}
	merged := map[string]any{}
	for k, v := range current {
		merged[k] = v
	}
	for k, v := range d {
		merged[k] = v
	}
	if !phpEmpty(d["password"]) {
		if pw, ok := d["password"].(string); !ok || pw != "*****" {
			merged["confirm_password"] = d["password"]
		}
	}
	s.beforeValidateUser(merged, false)
	errs, ok := s.validateUser(merged, fields, current.id())
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	if len(errs) > 0 {
		return saveFail(r, "Could not edit User", failURL, "The profile could not be updated. Please, try again.", id)
	}
	updated := current.clone()
	if !s.writeUserFields(updated, merged, fields) {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	s.st.users[current.id()] = updated
	c.changed = true
	return s.viewAnswer(c, updated, selfEditAnswer)
}

// usersChangePw is UsersController::change_pw / __pw_change (§1.1.7).
func (s *Server) usersChangePw(c *reqCtx) *response {
	r := c.r
	const name, url = "Could not change_pw User", "/users/change_pw"
	if !c.isPost() && !c.isPut() {
		return describe(r, false, "users", "change_pw",
			"POST a password via a JSON object containing the password key to reset the given user\\'s password.",
			[]string{"password"}, nil)
	}
	u := s.st.users[c.caller.id()]
	if u == nil {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	d, ok := unwrap(c, "User")
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	if cp, present := d["current_password"]; present && !phpEmpty(cp) {
		cps, _ := phpString(cp)
		if !checkPassword(u.str("password"), cps) {
			return saveFail(r, name, url, "Invalid password. Please enter your current password to continue.", nil)
		}
	}
	pw, _ := phpString(d["password"])
	if checkPassword(u.str("password"), pw) {
		return saveFail(r, name, url, "Submitted new password cannot be the same as the current one", nil)
	}
	data := map[string]any{}
	for k, v := range u {
		data[k] = v
	}
	data["change_pw"] = int64(0)
	data["password"] = d["password"]
	data["last_pw_change"] = s.now().Unix()
	data["confirm_password"] = d["password"]
	s.beforeValidateUser(data, false)
	// A save without a whitelist validates every field present, the stored ones included.
	errs, ok := s.validateUser(data, nil, u.id())
	if !ok || len(errs) > 0 {
		return saveFail(r, name, url, "The password could not be updated. Make sure you meet the minimum password length / complexity requirements.", nil)
	}
	updated := u.clone()
	if !s.writeUserFields(updated, data, setOf("change_pw", "password", "last_pw_change")) {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	s.st.users[u.id()] = updated
	c.changed = true
	return saveSuccess(r, url, "Password Changed.", nil)
}

// usersInitiatePasswordReset (§1.1.8) is UsersController::initiatePasswordReset($id, $firstTime) and
// User::initiatePasswordReset: a new random password (that nobody knows here) is e-mailed, and saved only if the
// e-mail went out (see sendEmail: a disabled user counts as notified).
func (s *Server) usersInitiatePasswordReset(c *reqCtx) *response {
	r := c.r
	id, _ := c.firstArg()
	u := s.adminFetch(c, id, true)
	if u == nil {
		return exception(r, http.StatusNotFound, msgInvalidUser)
	}
	if !c.isPost() {
		// Renders ajax/passwordResetConfirmationForm: no JSON view (inferred).
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	firstTime := len(c.rt.args) > 1 && !phpEmpty(c.rt.args[1])
	if d, ok := unwrap(c, "User"); ok {
		if v, set := d["firstTime"]; set && v != nil {
			firstTime = !phpEmpty(v)
		}
	}
	subject := subjectPasswordReset
	if firstTime {
		subject = subjectNewUser
	}
	if !s.sendEmail(u, subject) {
		// json_encode escapes the slash.
		return &response{status: http.StatusOK, contentType: "text/html; charset=UTF-8",
			body: []byte(`{"saved":false,"errors":"There was an error notifying the user. His\/her credentials were not altered."}`)}
	}
	now := s.now().Unix()
	u["password"] = hashPassword(s.rng, randString(s.rng, 40, passwordChars))
	u["last_pw_change"] = now
	u["change_pw"] = true
	u["date_modified"] = now
	c.changed = true
	// A raw CakeResponse: JSON text with the default text/html content type.
	return &response{status: http.StatusOK, contentType: "text/html; charset=UTF-8",
		body: []byte(`{"saved":true,"success":"New credentials sent."}`)}
}

// usersTotpDelete (§1.1.9): idempotent, same scoping as edit.
func (s *Server) usersTotpDelete(c *reqCtx) *response {
	r := c.r
	if !c.isPost() && !c.isDelete() {
		// The confirmation dialog, for any id.
		return s.confirmPage(r, "Delete user TOTP", "Are you sure you want to delete the TOTP of the user?.")
	}
	id, _ := c.firstArg()
	u := s.adminFetch(c, id, true)
	if u == nil {
		return exception(r, http.StatusNotFound, msgInvalidUser)
	}
	u["totp"] = nil
	c.changed = true
	return saveSuccess(r, genURL(false, "users", "totp_delete", id), "User TOTP deleted.", id)
}

// usersResetAuthkey: POST or PUT /users/resetauthkey/{id|me} (§1.1, User::resetauthkey with advanced keys).
func (s *Server) usersResetAuthkey(c *reqCtx) *response {
	r := c.r
	if !c.isPost() && !c.isPut() {
		return exception(r, http.StatusMethodNotAllowed, "This functionality is only accessible via POST requests.")
	}
	id, _ := c.firstArg()
	onlyCurrent := false
	if id == "me" {
		id = itoa(c.caller.id())
		onlyCurrent = true
	}
	u := s.findUser(id)
	if phpEmpty(id) || u == nil {
		return exception(r, http.StatusMethodNotAllowed, "Invalid user.")
	}
	sameOrgAdmin := c.caller.perm("perm_admin") && c.caller.orgID() == u.int("org_id")
	if !c.caller.siteAdmin() && !sameOrgAdmin && !looseEqualInt(id, c.caller.id()) {
		return exception(r, http.StatusMethodNotAllowed, "Invalid user.")
	}
	now := s.now()
	for _, k := range s.st.authKeys {
		exp := k.int("expiration")
		if k.int("user_id") != u.id() || (exp != 0 && exp <= now.Unix()) {
			continue
		}
		if onlyCurrent && k.id() != c.caller.keyID {
			continue
		}
		k["expiration"] = now.Unix()
	}
	key, _ := s.st.addKey(s.rng, u.id(), "", now, "")
	c.changed = true
	return saveSuccess(r, genURL(false, "users", "resetauthkey", id), "Authkey updated: "+key, id)
}

// usersRegistrations is UsersController::registrations' REST branch: the Inbox's pending self-registrations,
// which the emulator never has (users/register is not emulated), so always [] (any method, any filter).
func (s *Server) usersRegistrations(c *reqCtx) *response {
	return prepare(c.r, http.StatusOK, []any{})
}
