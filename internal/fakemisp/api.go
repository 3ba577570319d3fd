package fakemisp

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// The Go API mutates the data "as a person in the MISP UI would": objects are addressed by id string, fields use
// MISP column names with natural Go values (bool, string, int, []string), defaults follow MISP's add, and
// validation is light (unknown ids and references, duplicate unique values).

// ErrNotFound is returned by the Go API for an unknown object id.
var ErrNotFound = errors.New("fakemisp: no such object")

// normalise converts natural Go values into the decoded-JSON values the handlers work with.
func normalise(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		switch t := v.(type) {
		case int:
			out[k] = int64(t)
		case int32:
			out[k] = int64(t)
		case uint:
			out[k] = int64(t) //nolint:gosec // ids are small.
		case []string:
			l := make([]any, len(t))
			for i, s := range t {
				l[i] = s
			}
			out[k] = l
		default:
			out[k] = v
		}
	}
	return out
}

func parseID(id string) (int64, bool) {
	if !isNumericString(id) {
		return 0, false
	}
	f := numericPrefix(id)
	if f <= 0 || f != float64(int64(f)) {
		return 0, false
	}
	return int64(f), true
}

// applyUserFields writes natural-valued fields into u, checking columns and references.
func (s *Server) applyUserFields(u row, fields map[string]any) error {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := fields[k]
		switch k {
		case "id":
			continue
		case "password":
			pw, ok := v.(string)
			if !ok {
				return fmt.Errorf("user field password: want a string")
			}
			u["password"] = hashPassword(s.rng, pw)
			u["last_pw_change"] = s.now().Unix()
			continue
		case "org_id":
			if s.findOrg(v) == nil {
				return fmt.Errorf("user field org_id %v: organisation %w", v, ErrNotFound)
			}
		case "role_id":
			if s.findRole(v) == nil {
				return fmt.Errorf("user field role_id %v: role %w", v, ErrNotFound)
			}
		case "email":
			e, ok := v.(string)
			if !ok || !emailRe.MatchString(strings.TrimSpace(e)) {
				return fmt.Errorf("user field email %v: not a valid email address", v)
			}
			if s.emailTaken(strings.TrimSpace(e), u.id()) {
				return fmt.Errorf("user field email %s: already used", e)
			}
			v = strings.TrimSpace(e)
		}
		col, ok := usersTable.col(k)
		if !ok {
			return fmt.Errorf("user field %q: no such column", k)
		}
		stored, err := col.store(v)
		if err != nil {
			return fmt.Errorf("user field %s: invalid value %v", k, v)
		}
		u[k] = stored
	}
	return nil
}

// createUserRow fills a new user with MISP's REST add defaults and gives it its first advanced API key.
func (s *Server) createUserRow(u row, f map[string]any) (map[string]any, error) {
	if phpEmpty(f["email"]) {
		return nil, errors.New("email is required")
	}
	now := s.now().Unix()
	u["org_id"] = int64(1)
	u["role_id"] = leadingInt(s.st.defaultRole)
	u["external_auth_key"] = ""
	u["gpgkey"] = ""
	u["certif_public"] = ""
	u["change_pw"] = true
	u["invited_by"] = int64(1)
	u["date_created"] = now
	u["date_modified"] = now
	u["last_pw_change"] = now
	u["authkey"] = randString(s.rng, 40, alnum)
	u["nids_sid"] = int64(1000000 + s.rng.IntN(9000000))
	if _, ok := f["password"]; !ok {
		u["password"] = hashPassword(s.rng, randString(s.rng, 40, passwordChars))
	}
	if err := s.applyUserFields(u, f); err != nil {
		return nil, err
	}
	role := s.st.roles[u.int("role_id")]
	if role == nil || s.st.orgs[u.int("org_id")] == nil {
		return nil, fmt.Errorf("role or organisation %w", ErrNotFound)
	}
	if !role.bool("perm_sync") {
		u["server_id"] = int64(0)
	}
	key, _ := s.st.addKey(s.rng, u.id(), "", s.now(), "")
	return map[string]any{"authkey": key}, nil
}

// CreateUser creates a user with MISP's REST add defaults (docs/development/misp-api.md §1.3) and returns its id and a
// fresh advanced API key. "email" is required; "org_id" defaults to 1 and "role_id" to the default role; "password"
// sets the password.
func (s *Server) CreateUser(fields map[string]any) (id string, authkey string, err error) {
	id, extra, err := s.createObject(userKind, fields)
	authkey, _ = extra["authkey"].(string)
	return id, authkey, err
}

// UpdateUser changes columns of a user; "password" sets the password (hashed) and last_pw_change.
func (s *Server) UpdateUser(id string, fields map[string]any) error {
	return s.updateObject(userKind, id, fields)
}

// DeleteUser hard-deletes a user (its auth keys stop working).
func (s *Server) DeleteUser(id string) error { return s.deleteObject(userKind, id) }

// userMap renders a user as admin_view's "User" object (password and totp masked, totp_is_set and orgAdmins
// included) as plain Go values: ids are strings, tinyint columns bools.
func (s *Server) userMap(u row) map[string]any {
	v, ok := s.viewUser(u, adminView)
	if !ok {
		// The view would crash (a stored secret key block): the record without GnuPG details and orgAdmins.
		v, _ = s.viewUser(u, selfEditAnswer)
	}
	uo, _ := v.get("User")
	m, _ := toPlain(uo).(map[string]any)
	return m
}

// User returns the user's record as the admin view renders it.
func (s *Server) User(id string) (map[string]any, bool) { return s.object(userKind, id) }

// UserByEmail finds a user by e-mail address, case-insensitively.
func (s *Server) UserByEmail(email string) (map[string]any, bool) {
	m := read(s, func() map[string]any {
		for _, id := range sortedIDs(s.st.users) {
			if ciEqual(s.st.users[id].str("email"), strings.TrimSpace(email)) {
				return s.userMap(s.st.users[id])
			}
		}
		return nil
	})
	return m, m != nil
}

// Users returns every user (by id).
func (s *Server) Users() []map[string]any { return s.objects(userKind) }

// CheckUserPassword reports whether password is the user's current password.
func (s *Server) CheckUserPassword(id, password string) bool {
	return read(s, func() bool {
		u, err := s.byID(userKind, id)
		return err == nil && checkPassword(u.str("password"), password)
	})
}

// NewAuthKey creates another advanced API key for the user and returns it (CreateAuthKey with only user_id).
func (s *Server) NewAuthKey(userID string) (string, error) {
	_, key, err := s.CreateAuthKey(map[string]any{"user_id": userID})
	return key, err
}

// applyOrgFields runs Organisation::beforeValidate and validation, then writes the fields.
func (s *Server) applyOrgFields(o row, f map[string]any, create bool) error {
	for k := range f {
		if _, ok := orgsTable.col(k); !ok {
			return fmt.Errorf("organisation field %q: no such column", k)
		}
	}
	if !create {
		if _, ok := f["uuid"]; !ok {
			f["uuid"] = o["uuid"]
		}
	}
	if !s.beforeValidateOrg(f, create) {
		return errors.New("organisation: invalid value")
	}
	errs, ok := s.validateOrg(f, create, o.id())
	if !ok || len(errs) > 0 {
		return fmt.Errorf("organisation: validation failed: %s", string(mustJSON(errs)))
	}
	if !writeOrgFields(o, f) || s.orgIndexClash(o) {
		return errors.New("organisation: invalid or duplicate value")
	}
	return nil
}

// CreateOrganisation creates an organisation with the REST add defaults (local true, fresh v4 UUID).
func (s *Server) CreateOrganisation(fields map[string]any) (string, error) {
	id, _, err := s.createObject(orgKind, fields)
	return id, err
}

// UpdateOrganisation changes columns of an organisation.
func (s *Server) UpdateOrganisation(id string, fields map[string]any) error {
	return s.updateObject(orgKind, id, fields)
}

// ErrOrganisationInUse is returned when deleting an organisation that still has users.
var ErrOrganisationInUse = errors.New("fakemisp: organisation still has users")

// DeleteOrganisation deletes an organisation; like MISP it refuses while users remain.
func (s *Server) DeleteOrganisation(id string) error { return s.deleteObject(orgKind, id) }

func (s *Server) orgMap(o row) map[string]any {
	out := renderOrgFields(o, nil)
	out = append(out, kv{"user_count", s.userCount(o.id())})
	m, _ := toPlain(out).(map[string]any)
	return m
}

// Organisation returns every column of the organisation plus user_count.
func (s *Server) Organisation(id string) (map[string]any, bool) { return s.object(orgKind, id) }

// Organisations returns every organisation (by id).
func (s *Server) Organisations() []map[string]any { return s.objects(orgKind) }

func (s *Server) applyRoleFields(r row, f map[string]any, create bool) error {
	for k := range f {
		if _, ok := rolesTable.col(k); !ok && k != "permission" {
			return fmt.Errorf("role field %q: no such column", k)
		}
	}
	trimStrings(f)
	errs, ok := s.validateRole(f, r.id())
	if !ok || len(errs) > 0 {
		return fmt.Errorf("role: validation failed: %s", string(mustJSON(errs)))
	}
	if create && !phpIsset(f, "name") {
		return errors.New("role: name is required")
	}
	if _, ok := f["permission"]; ok || create {
		beforeSaveRole(f, create)
	}
	if !s.writeRoleFields(r, f, create) {
		return errors.New("role: invalid value")
	}
	return nil
}

// CreateRole creates a role like MISP's add: "permission" (0–3 or its name) sets the four data flags, and every
// other perm_* flag not given is false (perm_auth included).
func (s *Server) CreateRole(fields map[string]any) (string, error) {
	id, _, err := s.createObject(roleKind, fields)
	return id, err
}

// UpdateRole changes columns of a role. Unlike the REST edit, the four data flags are recomputed only when
// "permission" is given.
func (s *Server) UpdateRole(id string, fields map[string]any) error {
	return s.updateObject(roleKind, id, fields)
}

// DeleteRole deletes a role (like the UI it does not check for users still holding it).
func (s *Server) DeleteRole(id string) error { return s.deleteObject(roleKind, id) }

func (s *Server) roleMap(r row) map[string]any {
	out := renderRole(r)
	out = append(out, kv{"default", s.st.defaultRole != "" && looseEqualInt(s.st.defaultRole, r.id())})
	m, _ := toPlain(out).(map[string]any)
	return m
}

// Role returns the role as the roles index renders it (with "permission", "permission_description", "default").
func (s *Server) Role(id string) (map[string]any, bool) { return s.object(roleKind, id) }

// Roles returns every role (by id).
func (s *Server) Roles() []map[string]any { return s.objects(roleKind) }

// SetDefaultRole sets the AdminSetting default_role.
func (s *Server) SetDefaultRole(id string) error {
	return s.write(func() error {
		r, err := s.byID(roleKind, id)
		if err != nil {
			return fmt.Errorf("set default role: %w", err)
		}
		s.st.defaultRole = itoa(r.id())
		return nil
	})
}

// DefaultRoleID returns the AdminSetting default_role ("" when unset).
func (s *Server) DefaultRoleID() string { return read(s, func() string { return s.st.defaultRole }) }

func mustJSON(v any) []byte {
	b, err := obj{{"v", v}}.MarshalJSON()
	if err != nil {
		return nil
	}
	return b
}
