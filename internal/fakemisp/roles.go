package fakemisp

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Handlers of RolesController, CRUDComponent and ServersController::getVersion (docs/development/misp-api.md §3, §9).

const msgInvalidRoleDot = "Invalid Role."

var roleEditOptional = []string{"perm_delegate", "perm_sync", "perm_admin", "perm_audit", "perm_auth",
	"perm_site_admin", "perm_regexp_access", "perm_tagger", "perm_galaxy_editor", "perm_template",
	"perm_sharing_group", "perm_tag_editor", "default_role", "perm_sighting", "perm_analyst_data", "permission"}

const roleEditDescription = "POST a Role object in JSON format to this API to edit a role. 'permission' sets the data access permission (0 => read only, 1 => add/edit own, 2 => add/edit org, 3 => publish)"

// phpIntParam converts a URL argument for a PHP "int $id" parameter in coercive mode: numeric and leading-numeric
// strings become ints ("5abc" is 5), anything else is a TypeError (ok false → 500).
func phpIntParam(s string) (int64, bool) {
	t := strings.TrimLeft(s, " \t\n\r\v\f")
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	if i < len(t) && t[i] == '.' {
		i++
	}
	if i >= len(t) || t[i] < '0' || t[i] > '9' {
		return 0, false
	}
	return int64(numericPrefix(t)), true
}

// rolesIndex is CRUDComponent::index with the name/quickFilter filters and the "default" flag (§3.1.1).
func (s *Server) rolesIndex(c *reqCtx) *response {
	params := map[string]any{}
	if c.isPost() {
		if phpEmpty(c.data) {
			// harvestParameters returns false; setFilters(false) is a TypeError.
			return exception(c.r, http.StatusInternalServerError, internalErrorMessage)
		}
		src := c.data
		if m, ok := c.data["request"].(map[string]any); ok {
			src = m
		}
		for _, k := range []string{"name", "quickFilter"} {
			if v, ok := src[k]; ok {
				params[k] = v
			}
		}
	}
	for _, k := range []string{"name", "quickFilter"} {
		if v, ok := c.rt.named[k]; ok {
			params[k] = strings.ReplaceAll(v, ";", ":")
		}
	}
	for k, v := range params {
		if str, ok := v.(string); ok {
			str = strings.Trim(str, " \t\n\r\x00\x0B")
			if strings.Index(str, "||") > 0 {
				parts := []any{}
				for _, p := range strings.Split(str, "||") {
					parts = append(parts, p)
				}
				params[k] = parts
			} else {
				params[k] = str
			}
		}
	}
	var conds []func(r row) bool
	if v, ok := params["name"]; ok {
		switch t := v.(type) {
		case []any:
			conds = append(conds, func(r row) bool {
				for _, e := range t {
					if es, ok := phpString(e); ok && binEqual(r.str("name"), es) {
						return true
					}
				}
				return false
			})
		default:
			str, ok := phpString(t)
			if !ok {
				return exception(c.r, http.StatusInternalServerError, internalErrorMessage)
			}
			if len(strings.Trim(str, "%")) == len(str) {
				conds = append(conds, func(r row) bool { return binEqual(r.str("name"), str) })
			} else {
				conds = append(conds, func(r row) bool { return likeMatch(r.str("name"), str, false) })
			}
		}
	}
	if q, ok := params["quickFilter"]; ok && !phpEmpty(q) {
		qs, isStr := q.(string)
		if !isStr {
			if _, isList := q.([]any); isList {
				return exception(c.r, http.StatusInternalServerError, internalErrorMessage)
			}
			qs, _ = phpString(q)
		}
		pat := "%" + strings.ToLower(qs) + "%"
		conds = append(conds, func(r row) bool { return likeMatch(r.str("name"), pat, true) })
	}
	list := []any{}
	for _, id := range sortedIDs(s.st.roles) {
		r := s.st.roles[id]
		match := true
		for _, f := range conds {
			if !f(r) {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		out := renderRole(r)
		out = append(out, kv{"default", s.st.defaultRole != "" && looseEqualInt(s.st.defaultRole, id)})
		list = append(list, obj{{"Role", out}})
	}
	return prepare(c.r, http.StatusOK, list)
}

// rolesView is CRUDComponent::view(int $id) (§3.1.2).
func (s *Server) rolesView(c *reqCtx) *response {
	var id int64 // view($id = false): false → 0
	if arg, present := c.firstArg(); present {
		n, ok := phpIntParam(arg)
		if !ok {
			return exception(c.r, http.StatusInternalServerError, internalErrorMessage)
		}
		id = n
	}
	r := s.st.roles[id]
	if id == 0 || r == nil {
		return exception(c.r, http.StatusNotFound, msgInvalidRoleDot)
	}
	return prepare(c.r, http.StatusOK, obj{{"Role", renderRole(r)}})
}

var memoryLimitRe = regexp.MustCompile(`(?i)^[0-9]+[MG]$`)

var permissionConstants = map[string]int64{"read_only": 0, "manage_own": 1, "manage_org": 2, "publish": 3}

// beforeSaveRole is Role::beforeSave (§3.1.3, §3.1.4, §3.2).
func beforeSaveRole(d map[string]any, create bool) {
	level := d["permission"]
	switch {
	case phpEmpty(level):
		level = int64(0)
	case !phpIsNumeric(level):
		str, _ := phpString(level)
		if n, ok := permissionConstants[str]; ok {
			level = n
		} else {
			level = int64(0)
		}
	}
	flags := []string{"perm_add", "perm_modify", "perm_modify_org", "perm_publish"}
	set := func(v ...bool) {
		for i, f := range flags {
			d[f] = v[i]
		}
	}
	// PHP switch uses loose comparison against '0'..'3'.
	switch {
	case looseEqualInt(level, 0):
		set(false, false, false, false)
	case looseEqualInt(level, 1):
		set(true, true, false, false)
	case looseEqualInt(level, 2):
		set(true, true, true, false)
	case looseEqualInt(level, 3):
		set(true, true, true, true)
	}
	if create {
		for _, f := range rolePermFlags {
			if !phpIsset(d, f) {
				d[f] = false
			}
		}
		if !phpIsset(d, "max_execution_time") {
			d["max_execution_time"] = ""
		} else if s, ok := d["max_execution_time"].(string); !ok || s != "" {
			d["max_execution_time"] = itoa(phpIntval(d["max_execution_time"]))
		}
		if !phpIsset(d, "memory_limit") {
			d["memory_limit"] = ""
		} else if s, _ := phpString(d["memory_limit"]); s != "" && !memoryLimitRe.MatchString(s) && !looseEqualInt(d["memory_limit"], -1) {
			d["memory_limit"] = ""
		}
	}
	if phpEmpty(d["rate_limit_count"]) {
		d["rate_limit_count"] = int64(0)
	}
}

// phpIntval is PHP's intval().
func phpIntval(v any) int64 {
	switch t := v.(type) {
	case bool:
		if t {
			return 1
		}
		return 0
	case json.Number:
		if n, err := strconv.ParseInt(t.String(), 10, 64); err == nil {
			return n
		}
		f, _ := t.Float64()
		return int64(f)
	case string:
		return int64(numericPrefix(t))
	case []any:
		if len(t) > 0 {
			return 1
		}
	case map[string]any:
		if len(t) > 0 {
			return 1
		}
	}
	return 0
}

// validateRole runs Role::$validate: name unique (case-sensitive) and not empty, only when name is present.
func (s *Server) validateRole(d map[string]any, selfID int64) (obj, bool) {
	v, present := d["name"]
	if !present {
		return nil, true
	}
	name, ok := phpString(v)
	if !ok {
		return nil, false
	}
	if v != nil {
		for id, r := range s.st.roles {
			if id != selfID && binEqual(r.str("name"), name) {
				return obj{{"name", []any{"A role with this name already exists."}}}, true
			}
		}
	}
	if msg := valueNotEmpty("name", v); msg != "" {
		return obj{{"name", []any{msg}}}, true
	}
	return nil, true
}

// writeRoleFields stores every role column present in d (no whitelist). created/modified are set unless sent.
func (s *Server) writeRoleFields(r row, d map[string]any, create bool) bool {
	now := s.now().UTC().Format(datetimeLayout)
	for k, v := range d {
		if k == "id" {
			continue
		}
		col, ok := rolesTable.col(k)
		if !ok {
			continue
		}
		stored, err := col.store(v)
		if err != nil {
			return false
		}
		r[k] = stored
	}
	if _, sent := d["modified"]; !sent {
		r["modified"] = now
	}
	if _, sent := d["created"]; create && !sent {
		r["created"] = now
	}
	return true
}

// rolesAdd is CRUDComponent::add for roles (§3.1.3).
func (s *Server) rolesAdd(c *reqCtx) *response {
	r := c.r
	if !c.isPost() {
		// RolesController renders its add form; there is no JSON view for it (inferred).
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	var d map[string]any
	if inner, ok := c.data["Role"]; ok && !phpEmpty(inner) {
		m, isMap := inner.(map[string]any)
		if !isMap {
			return exception(r, http.StatusInternalServerError, internalErrorMessage)
		}
		d = copyMap(m)
	} else {
		d = copyMap(c.data)
	}
	delete(d, "id")
	trimStrings(d)
	errs, ok := s.validateRole(d, 0)
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	if len(errs) > 0 {
		return saveFail(r, "Could not add role", "/admin/roles/add", errs, nil)
	}
	if !phpIsset(d, "name") {
		// No validation ran; the insert fails on the NOT NULL name column (inferred).
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	beforeSaveRole(d, true)
	role := s.newObject(roleKind)
	if !s.writeRoleFields(role, d, true) {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	s.insert(roleKind, role)
	c.changed = true
	return prepare(r, http.StatusOK, obj{{"Role", renderRole(role)}})
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// rolesEdit is RolesController::admin_edit (§3.1.4).
func (s *Server) rolesEdit(c *reqCtx) *response {
	r := c.r
	id, _ := c.firstArg()
	role := s.findRole(id)
	if phpEmpty(id) {
		role = nil
	}
	if role == nil && r.Method != http.MethodGet {
		return exception(r, http.StatusNotFound, "Invalid Role")
	}
	if !c.isPost() && !c.isPut() {
		return describe(r, true, "roles", "edit", roleEditDescription, []string{"name"}, roleEditOptional)
	}
	d, ok := unwrap(c, "Role")
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	d["id"] = role.id()
	trimStrings(d)
	errs, ok := s.validateRole(d, role.id())
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	if len(errs) > 0 {
		return saveFail(r, "Could not edit Role", "/admin/roles/edit", errs, nil)
	}
	beforeSaveRole(d, false)
	updated := role.clone()
	if !s.writeRoleFields(updated, d, false) {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	s.st.roles[role.id()] = updated
	// Role::afterSave bumps date_modified of every user with this role.
	now := s.now().Unix()
	for _, u := range s.st.users {
		if u.int("role_id") == role.id() {
			u["date_modified"] = now
		}
	}
	c.changed = true
	return prepare(r, http.StatusOK, obj{{"Role", renderRole(updated)}})
}

// rolesDelete is CRUDComponent::delete(int $id) with the "assigned to users" check, including MISP's
// operator-precedence bug: any DELETE request deletes, even a role still in use (§3.1.5, §5.11).
func (s *Server) rolesDelete(c *reqCtx) *response {
	r := c.r
	arg, present := c.firstArg()
	if !present {
		return exception(r, http.StatusInternalServerError, internalErrorMessage) // null → int: TypeError
	}
	id, ok := phpIntParam(arg)
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	role := s.st.roles[id]
	if id == 0 || role == nil {
		return exception(r, http.StatusNotFound, msgInvalidRoleDot)
	}
	url := genURL(false, "roles", "delete", itoa(id))
	inUse := false
	for _, u := range s.st.users {
		if u.int("role_id") == id {
			inUse = true
			break
		}
	}
	// The validation runs for every method; only DELETE goes on to delete regardless (the precedence bug).
	if inUse && !c.isDelete() {
		return saveFail(r, "Could not delete Role", url, "It is not possible to delete role that is assigned to users.", id)
	}
	if !c.isPost() && !c.isDelete() {
		// CRUD renders its confirmation dialog.
		return s.crudDeletePage(r, "Role", id)
	}
	delete(s.st.roles, id)
	c.changed = true
	return saveSuccess(r, url, "Role deleted.", id)
}

// rolesSetDefault is RolesController::admin_set_default (§3.1.6).
func (s *Server) rolesSetDefault(c *reqCtx) *response {
	r := c.r
	if !c.isPost() {
		return saveFail(r, "Could not set_default Role", "/admin/roles/set_default", "This endpoint expects a POST request.", nil)
	}
	id, present := c.firstArg()
	var role row
	if present && isNumericString(id) {
		role = s.findRole(id)
	}
	if role == nil {
		idv := ""
		if present {
			idv = id
		}
		return saveFail(r, "Could not set_default Role", genURL(true, "roles", "set_default", truthyStr(idv)), msgInvalidRoleDot, truthyOrNil(idv))
	}
	s.st.defaultRole = id
	c.changed = true
	return saveSuccess(r, genURL(true, "roles", "set_default", truthyStr(id)), "Default role set.", truthyOrNil(id))
}

func truthyStr(s string) string {
	if phpEmpty(s) {
		return ""
	}
	return s
}

func truthyOrNil(s string) any {
	if phpEmpty(s) {
		return nil
	}
	return s
}

// serversGetVersion is ServersController::getVersion (§9).
func (s *Server) serversGetVersion(c *reqCtx) *response {
	cl := c.caller
	uuid := "-"
	if cl.perm("perm_sync") {
		uuid = s.st.instanceID
	}
	return prepare(c.r, http.StatusOK, obj{
		{"version", "2.5.1"},
		{"pymisp_recommended_version", "2.5.1"},
		{"perm_sync", cl.perm("perm_sync")},
		{"perm_sighting", cl.perm("perm_sighting")},
		{"perm_galaxy_editor", cl.perm("perm_galaxy_editor")},
		{"perm_analyst_data", cl.perm("perm_analyst_data")},
		{"uuid", uuid},
		{"request_encoding", []any{"gzip"}},
		{"filter_sightings", true},
	})
}
