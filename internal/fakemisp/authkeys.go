package fakemisp

import (
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Advanced API keys: AuthKeysController and the AuthKey model of MISP 2.5.1 (docs/development/misp-api.md §11).
// Not reproduced: the overwrite of the caller's own key by an add from a new address (§11.1),
// Security.advanced_authkeys_validity, Security.mandate_ip_allowlist_advanced_authkeys and key-usage logging.

const (
	msgInvalidAuthKey = "Invalid AuthKey."
	msgAuthKeyDenied  = "Invalid user or insufficient privileges to interact with an authkey for the given user."
	msgKeyIPRefused   = "It is not possible to use this Auth key from your IP address"
)

// notReadOnlyKey is the ACL of auth-key add, edit and delete: perm_auth and a key that is not read-only.
func notReadOnlyKey(c *caller) bool { return c.perm("perm_auth") && !c.readOnly }

// readOnlyRole is AuthKey::setUserData for a read-only key: every perm_ flag but perm_auth and perm_audit is off.
func readOnlyRole(role row) {
	for k := range role {
		if strings.HasPrefix(k, "perm_") && k != "perm_auth" && k != "perm_audit" {
			role[k] = false
		}
	}
}

// remoteIP is the request's client address (MISP's _remoteIp without a client-IP header configured).
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// recordKeyUse is AuthKey::updateUniqueIp: the address joins the key's unique_ips. It reports a change.
func (s *Server) recordKeyUse(keyID int64, ip string) bool {
	if ip == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.st.keys[keyID]
	if k == nil {
		return false
	}
	for _, seen := range k.UniqueIPs {
		if seen == ip {
			return false
		}
	}
	k.UniqueIPs = append(k.UniqueIPs, ip)
	return true
}

// validCIDR is CidrTool::validate: an address inet_pton accepts, optionally with a netmask of digits in range.
func validCIDR(s string) bool {
	addr, mask, hasMask := strings.Cut(s, "/")
	a, err := netip.ParseAddr(addr)
	if err != nil || a.Zone() != "" {
		return false
	}
	if !hasMask {
		return true
	}
	if mask == "" || strings.Trim(mask, "0123456789") != "" {
		return false
	}
	n, err := strconv.Atoi(mask)
	return err == nil && n <= a.BitLen()
}

// ipAllowed is CidrTool::contains.
func ipAllowed(allowed []string, ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, cidr := range allowed {
		addr, mask, hasMask := strings.Cut(cidr, "/")
		base, err := netip.ParseAddr(addr)
		if err != nil {
			continue
		}
		base = base.Unmap()
		if !hasMask {
			if base == a {
				return true
			}
			continue
		}
		n, err := strconv.Atoi(mask)
		if err != nil {
			continue
		}
		if p, err := base.Prefix(n); err == nil && p.Contains(a) {
			return true
		}
	}
	return false
}

// authKeyVisible is AuthKeysController::__prepareConditions: site admins see every key, org admins the keys of
// their organisation's users, everyone else its own.
func (s *Server) authKeyVisible(c *caller, k *authKey) bool {
	switch {
	case c.siteAdmin():
		return true
	case c.perm("perm_admin"):
		u := s.st.users[k.UserID]
		return u != nil && u.int("org_id") == c.orgID()
	}
	return k.UserID == c.id()
}

// canManageKeysOf is __canCreateAuthKeyForUser. Like MISP 2.5.1 it does not check an org admin's organisation.
func (s *Server) canManageKeysOf(c *caller, userID string) bool {
	if phpEmpty(userID) {
		return true
	}
	switch {
	case c.siteAdmin():
		return true
	case c.perm("perm_admin"):
		u := s.findUser(userID)
		if u == nil || u.bool("disabled") {
			return false
		}
		role := s.st.roles[u.int("role_id")]
		if role == nil || role.bool("perm_site_admin") || (role.bool("perm_admin") && u.id() != c.id()) ||
			!role.bool("perm_auth") {
			return false
		}
		return true
	}
	return looseEqualInt(userID, c.id())
}

// authKeyFields is AuthKey::beforeValidate for allowed_ips, expiration and read_only. It changes k only when
// every present field is valid and returns the validation errors otherwise.
func authKeyFields(d map[string]any, k *authKey, now time.Time, edit bool) map[string][]string {
	errs := map[string][]string{}
	ips, ipsSet := k.AllowedIPs, false
	if v, present := d["allowed_ips"]; present && (!edit || v != nil) {
		ipsSet = true
		ips = nil
		if !phpEmpty(v) {
			var list []string
			switch t := v.(type) {
			case string:
				for _, p := range strings.FieldsFunc(strings.TrimSpace(t), func(r rune) bool { return r == '\n' || r == ',' }) {
					list = append(list, strings.TrimSpace(p))
				}
			case []any:
				for _, e := range t {
					s, _ := phpString(e)
					list = append(list, s)
				}
			default:
				errs["allowed_ips"] = append(errs["allowed_ips"], "Allowed IPs must be array")
			}
			for _, cidr := range list {
				if !validCIDR(cidr) {
					errs["allowed_ips"] = append(errs["allowed_ips"], cidr+" is not valid IP range")
				}
			}
			if len(list) > 0 {
				ips = list
			}
		}
	}
	exp, expSet := k.Expiration, false
	if v, present := d["expiration"]; present && (!edit || v != nil) {
		expSet = true
		switch {
		case phpEmpty(v):
			exp = 0
		case phpIsNumeric(v):
			f, _ := mysqlNumber(v)
			exp = int64(f)
		default:
			s, _ := phpString(v)
			t, ok := strtotime(s, now)
			if !ok {
				errs["expiration"] = append(errs["expiration"], "Expiration must be in YYYY-MM-DD format.")
			}
			exp = t
		}
	}
	ro, roSet := k.ReadOnly, false
	if v, present := d["read_only"]; present && (!edit || v != nil) {
		roSet = true
		switch t := v.(type) {
		case bool:
			ro = t
		case json.Number:
			if t != "0" && t != "1" {
				errs["read_only"] = append(errs["read_only"], "This field cannot be left blank")
			}
			ro = t == "1"
		case string:
			if t != "0" && t != "1" {
				errs["read_only"] = append(errs["read_only"], "This field cannot be left blank")
			}
			ro = t == "1"
		default:
			errs["read_only"] = append(errs["read_only"], "This field cannot be left blank")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if ipsSet {
		k.AllowedIPs = ips
	}
	if expSet {
		k.Expiration = exp
	}
	if roSet {
		k.ReadOnly = ro
	}
	return nil
}

// strtotime parses the absolute date forms PHP's strtotime accepts that clients send, in the server's time
// zone (UTC).
func strtotime(s string, now time.Time) (int64, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04",
		"2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.Unix(), true
		}
	}
	switch strings.ToLower(s) {
	case "now":
		return now.Unix(), true
	case "tomorrow":
		y, m, d := now.UTC().AddDate(0, 0, 1).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), true
	}
	return 0, false
}

func stringsOrNil(l []string) any {
	if len(l) == 0 {
		return nil
	}
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

func jsonListOrNil(l []string) any {
	if len(l) == 0 {
		return nil
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// authKeyObject is the AuthKey record of view, index and add (afterFind types, §11.2).
func authKeyObject(k *authKey) obj {
	unique := stringsOrNil(k.UniqueIPs)
	if unique == nil {
		unique = []any{}
	}
	return obj{
		{"id", itoa(k.ID)}, {"uuid", k.UUID}, {"authkey_start", k.Start}, {"authkey_end", k.End},
		{"created", itoa(k.Created)}, {"expiration", itoa(k.Expiration)}, {"read_only", k.ReadOnly},
		{"user_id", itoa(k.UserID)}, {"comment", k.Comment}, {"allowed_ips", stringsOrNil(k.AllowedIPs)},
		{"unique_ips", unique},
	}
}

// authKeyWithUser adds the contained User {id, email}, both null for a deleted user.
func (s *Server) authKeyWithUser(k *authKey) obj {
	user := obj{{"id", nil}, {"email", nil}}
	if u := s.st.users[k.UserID]; u != nil {
		user = obj{{"id", itoa(u.id())}, {"email", u.str("email")}}
	}
	return obj{{"AuthKey", authKeyObject(k)}, {"User", user}}
}

// visibleKey finds key id for the caller (CRUD conditions); nil when missing or out of scope.
func (s *Server) visibleKey(c *reqCtx, id string) *authKey {
	f, ok := mysqlNumber(id)
	if !ok || f != float64(int64(f)) {
		return nil
	}
	k := s.st.keys[int64(f)]
	if k == nil || !s.authKeyVisible(c.caller, k) {
		return nil
	}
	return k
}

// authKeysIndex: GET /auth_keys/index[/{user_id}] (CRUD index, REST branch: unpaged, ordered by id).
func (s *Server) authKeysIndex(c *reqCtx) *response {
	userID, hasUser := c.firstArg()
	ids := make([]int64, 0, len(s.st.keys))
	for id, k := range s.st.keys {
		if !s.authKeyVisible(c.caller, k) {
			continue
		}
		if hasUser && !phpEmpty(userID) && !looseEqualInt(userID, k.UserID) {
			continue
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.authKeyWithUser(s.st.keys[id]))
	}
	return prepare(c.r, http.StatusOK, out)
}

// authKeysView: GET /auth_keys/view/{id}. A non-numeric id (a UUID) is MISP's 500.
func (s *Server) authKeysView(c *reqCtx) *response {
	id, _ := c.firstArg()
	if !isNumericString(id) {
		return exception(c.r, http.StatusInternalServerError, internalErrorMessage)
	}
	k := s.visibleKey(c, id)
	if k == nil {
		return exception(c.r, http.StatusNotFound, msgInvalidAuthKey)
	}
	return prepare(c.r, http.StatusOK, s.authKeyWithUser(k))
}

// authKeysAdd: POST /auth_keys/add/{user_id|me}. The body's user_id is ignored (§11.1).
func (s *Server) authKeysAdd(c *reqCtx) *response {
	r := c.r
	id, _ := c.firstArg()
	if id == "me" || id == "" {
		id = itoa(c.caller.id())
	}
	if !s.canManageKeysOf(c.caller, id) {
		return exception(r, http.StatusMethodNotAllowed, msgAuthKeyDenied)
	}
	if !c.isPost() {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	d, ok := unwrap(c, "AuthKey")
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	now := s.now()
	draft := &authKey{}
	errs := authKeyFields(d, draft, now, false)
	u := s.findUser(id)
	if u == nil {
		if errs == nil {
			errs = map[string][]string{}
		}
		errs["user_id"] = []string{"User doesn't exists"}
	}
	if errs != nil {
		return saveFail(r, "Could not add auth_key", "/auth_keys/add", errs, nil)
	}
	comment, _ := phpString(d["comment"])
	key := s.st.addKey(s.rng, u.id(), "", now, comment)
	s.st.issued = append(s.st.issued, key)
	k := s.st.keys[s.st.nextKey-1]
	k.AllowedIPs, k.Expiration, k.ReadOnly = draft.AllowedIPs, draft.Expiration, draft.ReadOnly
	c.changed = true
	rec := authKeyObject(k)
	rec = append(rec, kv{"authkey_raw", key})
	return prepare(r, http.StatusOK, obj{{"AuthKey", rec}})
}

// authKeysEdit: POST or PUT /auth_keys/edit/{id}; only comment, allowed_ips, expiration and read_only are written.
// The answer has the saved row's types (§11.3).
func (s *Server) authKeysEdit(c *reqCtx) *response {
	r := c.r
	id, _ := c.firstArg()
	if k := s.keyByID(id); k != nil && !s.canManageKeysOf(c.caller, itoa(k.UserID)) {
		return exception(r, http.StatusMethodNotAllowed, msgAuthKeyDenied)
	}
	k := s.visibleKey(c, id)
	if k == nil {
		return exception(r, http.StatusNotFound, msgInvalidAuthKey)
	}
	if !c.isPost() && !c.isPut() {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	d, ok := unwrap(c, "AuthKey")
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	draft := *k
	errs := authKeyFields(d, &draft, s.now(), true)
	u := s.st.users[k.UserID]
	if u == nil {
		if errs == nil {
			errs = map[string][]string{}
		}
		errs["user_id"] = []string{"User doesn't exists"}
	}
	if errs != nil {
		return saveFail(r, "Could not edit auth_key", "/auth_keys/edit", errs, nil)
	}
	if v, present := d["comment"]; present && v != nil {
		draft.Comment, _ = phpString(v)
	}
	*k = draft
	c.changed = true
	var readOnly any = k.ReadOnly
	if v, present := d["read_only"]; present && v != nil {
		readOnly = v // echoed as sent
	}
	rec := obj{
		{"id", itoa(k.ID)}, {"uuid", k.UUID}, {"authkey_start", k.Start}, {"authkey_end", k.End},
		{"created", itoa(k.Created)}, {"expiration", k.Expiration}, {"read_only", readOnly},
		{"user_id", itoa(k.UserID)}, {"comment", k.Comment}, {"allowed_ips", jsonListOrNil(k.AllowedIPs)},
		{"unique_ips", jsonListOrNil(k.UniqueIPs)},
	}
	return prepare(r, http.StatusOK, obj{{"AuthKey", rec}, {"User", obj{{"id", itoa(u.id())}, {"org_id", itoa(u.int("org_id"))}}}})
}

// authKeysDelete: POST or DELETE /auth_keys/delete/{id}; GET shows the confirmation fragment.
func (s *Server) authKeysDelete(c *reqCtx) *response {
	r := c.r
	id, _ := c.firstArg()
	if k := s.keyByID(id); k != nil && !s.canManageKeysOf(c.caller, itoa(k.UserID)) {
		return exception(r, http.StatusMethodNotAllowed, msgAuthKeyDenied)
	}
	k := s.visibleKey(c, id)
	if k == nil {
		return exception(r, http.StatusNotFound, msgInvalidAuthKey)
	}
	if !c.isPost() && !c.isDelete() {
		return s.crudDeletePage(r, "Auth Key", k.ID)
	}
	s.st.deleteKey(k.ID)
	c.changed = true
	return saveSuccess(r, genURL(false, "auth_keys", "delete", id), "AuthKey deleted.", k.ID)
}

func (s *Server) keyByID(id string) *authKey {
	f, ok := mysqlNumber(id)
	if !ok || f != float64(int64(f)) {
		return nil
	}
	return s.st.keys[int64(f)]
}

// deleteKey removes a key and its lookup entry.
func (st *state) deleteKey(id int64) {
	k := st.keys[id]
	if k == nil {
		return
	}
	delete(st.keys, id)
	idx := st.keyIndex[k.Start+k.End]
	for i, v := range idx {
		if v == id {
			st.keyIndex[k.Start+k.End] = append(idx[:i:i], idx[i+1:]...)
			break
		}
	}
}

// IssuedAuthKeys returns, in clear, every key that auth_keys/add made since the last reset: what a test needs to
// search logs for keys it never saw (an ephemeral key). MISP itself keeps only hashes.
func (s *Server) IssuedAuthKeys() []string {
	return read(s, func() []string { return append([]string(nil), s.st.issued...) })
}
