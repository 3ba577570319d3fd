package fakemisp

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"slices"
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

// authKeysTable is auth_keys (INSTALL/MYSQL.sql of MISP 2.5.1). authkey is the stored hash of the key: SHA-256 in
// hex, where MISP uses bcrypt (a fast hash keeps authentication cheap, see the benchmark in the package doc).
// allowed_ips (IPs or CIDR ranges; NULL: anywhere) and unique_ips (the addresses the key was used from) hold JSON
// text, NULL when empty, as in MISP; view, index and add decode them (AuthKey::afterFind), edit does not (§11.3).
var authKeysTable = newTable([]column{
	{"id", kInt, false, nil},
	{"uuid", kString, false, ""},
	{"authkey", kString, true, nil},
	{"authkey_start", kString, true, nil},
	{"authkey_end", kString, true, nil},
	{"created", kInt, false, int64(0)},
	{"expiration", kInt, false, int64(0)}, // epoch seconds, 0: never
	{"read_only", kBool, false, false},
	{"user_id", kInt, false, int64(0)},
	{"comment", kString, true, ""},
	{"allowed_ips", kString, true, nil},
	{"unique_ips", kString, true, nil},
})

// authKeyKind is the advanced keys in the kind table (kinds.go): the Go API and /_mispfake/auth_keys create a key
// for a user (user_id; comment, expiration, read_only and allowed_ips as auth_keys/add takes them), answering the
// key in clear once, change those four fields as auth_keys/edit does, and delete keys.
var authKeyKind = &kind{
	plural: "auth_keys", noun: "auth key", table: authKeysTable,
	rows:   func(st *state) map[int64]row { return st.authKeys },
	nextID: func(st *state) *int64 { return &st.nextAuthKey },
	create: func(s *Server, k row, f map[string]any) (map[string]any, error) {
		v, present := f["user_id"]
		id, _ := phpString(v)
		n, ok := parseID(id)
		if !present || !ok || s.st.users[n] == nil {
			return nil, fmt.Errorf("user_id %v: user %w", v, ErrNotFound)
		}
		delete(f, "user_id")
		if err := s.applyAuthKeyFields(k, f); err != nil {
			return nil, err
		}
		comment := k.str("comment")
		key := fillKeyRow(s.rng, k, n, "", s.now(), comment)
		if f["comment"] == nil {
			k["comment"] = nil // as auth_keys/add stores a key without a comment
		}
		return map[string]any{"authkey": key}, nil
	},
	update: (*Server).applyAuthKeyFields,
	index:  indexAuthKey,
	view:   func(_ *Server, k row) map[string]any { m, _ := toPlain(authKeyObject(k)).(map[string]any); return m },
}

// authKeyWritable are the fields auth_keys/edit writes, which the Go API sets too.
var authKeyWritable = map[string]bool{"comment": true, "expiration": true, "read_only": true, "allowed_ips": true}

// applyAuthKeyFields writes natural-valued comment, expiration, read_only and allowed_ips (validated as
// AuthKey::beforeValidate does; nil clears) into k.
func (s *Server) applyAuthKeyFields(k row, f map[string]any) error {
	for name := range f {
		if !authKeyWritable[name] {
			return fmt.Errorf("auth key field %q: only comment, expiration, read_only and allowed_ips can be set", name)
		}
	}
	if errs := authKeyFields(f, k, s.now(), false); errs != nil {
		return fmt.Errorf("auth key: validation failed: %s", string(mustJSON(errs)))
	}
	if v, present := f["comment"]; present {
		c, ok := phpString(v)
		if !ok {
			return errors.New("auth key field comment: want a string")
		}
		k["comment"] = c
	}
	return nil
}

// fillKeyRow makes k (a new row) the key of userID: key, or a generated one when key is "", as the stored hash with
// its first and last four characters. It returns the key in clear.
func fillKeyRow(rng *rand.Rand, k row, userID int64, key string, now time.Time, comment string) string {
	if key == "" {
		key = randString(rng, 40, alnum)
	}
	k["uuid"], k["authkey"], k["authkey_start"], k["authkey_end"] = randUUID(rng), hashKey(key), key[:4], key[len(key)-4:]
	k["created"], k["user_id"], k["comment"] = now.Unix(), userID, comment
	return key
}

// addKey stores a new advanced key for userID; an empty key means "generate one". It returns the clear key and the
// stored row.
func (st *state) addKey(rng *rand.Rand, userID int64, key string, now time.Time, comment string) (string, row) {
	k := st.newObject(authKeyKind)
	key = fillKeyRow(rng, k, userID, key, now, comment)
	st.insert(authKeyKind, k)
	return key, k
}

// indexAuthKey keeps keyIndex (authkey_start+authkey_end → ids) in step with the stored keys.
func indexAuthKey(st *state, k row, stored bool) {
	at := k.str("authkey_start") + k.str("authkey_end")
	ids := st.keyIndex[at]
	if stored {
		st.keyIndex[at] = append(ids, k.id())
		return
	}
	for i, id := range ids {
		if id == k.id() {
			st.keyIndex[at] = append(ids[:i:i], ids[i+1:]...)
			break
		}
	}
	if len(st.keyIndex[at]) == 0 {
		delete(st.keyIndex, at)
	}
}

// lookupKey is AuthKey::getAuthUserByAuthKey: candidates by first and last four characters, expired keys skipped.
func (st *state) lookupKey(key string, now time.Time) row {
	if len(key) < 8 {
		return nil
	}
	h := hashKey(key)
	for _, id := range st.keyIndex[key[:4]+key[len(key)-4:]] {
		k := st.authKeys[id]
		if k == nil || (k.int("expiration") != 0 && k.int("expiration") <= now.Unix()) {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(k.str("authkey")), []byte(h)) == 1 {
			return k
		}
	}
	return nil
}

// jsonList decodes a JSON-text list column (nil when NULL).
func jsonList(r row, name string) []string {
	text, ok := r[name].(string)
	if !ok {
		return nil
	}
	var l []string
	if json.Unmarshal([]byte(text), &l) != nil {
		return nil
	}
	return l
}

// setJSONList stores a list into a JSON-text column: NULL when it is empty.
func setJSONList(r row, name string, l []string) {
	if len(l) == 0 {
		r[name] = nil
		return
	}
	b, _ := json.Marshal(l)
	r[name] = string(b)
}

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

// recordKeyUse is AuthKey::updateUniqueIp: the address joins the key's unique_ips. It reports a change. Callers
// hold the write lock.
func (st *state) recordKeyUse(keyID int64, ip string) bool {
	k := st.authKeys[keyID]
	if ip == "" || k == nil {
		return false
	}
	ips := jsonList(k, "unique_ips")
	if slices.Contains(ips, ip) {
		return false
	}
	setJSONList(k, "unique_ips", append(ips, ip))
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
func (s *Server) authKeyVisible(c *caller, k row) bool {
	switch {
	case c.siteAdmin():
		return true
	case c.perm("perm_admin"):
		u := s.st.users[k.int("user_id")]
		return u != nil && u.int("org_id") == c.orgID()
	}
	return k.int("user_id") == c.id()
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
func authKeyFields(d map[string]any, k row, now time.Time, edit bool) map[string][]string {
	errs := map[string][]string{}
	var ips []string
	ipsSet := false
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
	var exp int64
	expSet := false
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
	var ro bool
	roSet := false
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
		case int64: // the Go API's
			if t != 0 && t != 1 {
				errs["read_only"] = append(errs["read_only"], "This field cannot be left blank")
			}
			ro = t == 1
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
		setJSONList(k, "allowed_ips", ips)
	}
	if expSet {
		k["expiration"] = exp
	}
	if roSet {
		k["read_only"] = ro
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

// authKeyObject is the AuthKey record of view, index and add (afterFind types, §11.2): every column but the hash,
// allowed_ips decoded (null when none), unique_ips decoded ([] when none).
func authKeyObject(k row) obj {
	out := make(obj, 0, len(authKeysTable.cols))
	for _, c := range authKeysTable.cols {
		switch c.name {
		case "authkey":
		case "allowed_ips":
			out = append(out, kv{c.name, stringsOrNil(jsonList(k, c.name))})
		case "unique_ips":
			unique := stringsOrNil(jsonList(k, c.name))
			if unique == nil {
				unique = []any{}
			}
			out = append(out, kv{c.name, unique})
		default:
			out = append(out, kv{c.name, c.render(k[c.name])})
		}
	}
	return out
}

// authKeyEdited is the AuthKey record of the edit answer: the saved row before afterFind (§11.3), read_only as
// the request sent it.
func authKeyEdited(k row, readOnly any) obj {
	out := make(obj, 0, len(authKeysTable.cols))
	for _, c := range authKeysTable.cols {
		switch c.name {
		case "authkey":
		case "expiration", "allowed_ips", "unique_ips":
			out = append(out, kv{c.name, k[c.name]})
		case "read_only":
			out = append(out, kv{c.name, readOnly})
		default:
			out = append(out, kv{c.name, c.render(k[c.name])})
		}
	}
	return out
}

// authKeyWithUser adds the contained User {id, email}, both null for a deleted user.
func (s *Server) authKeyWithUser(k row) obj {
	user := obj{{"id", nil}, {"email", nil}}
	if u := s.st.users[k.int("user_id")]; u != nil {
		user = obj{{"id", itoa(u.id())}, {"email", u.str("email")}}
	}
	return obj{{"AuthKey", authKeyObject(k)}, {"User", user}}
}

// keyByID finds key id (a MySQL "id = value" comparison); nil when missing.
func (s *Server) keyByID(id string) row {
	f, ok := mysqlNumber(id)
	if !ok || f != float64(int64(f)) {
		return nil
	}
	return s.st.authKeys[int64(f)]
}

// visibleKey finds key id for the caller (CRUD conditions); nil when missing or out of scope.
func (s *Server) visibleKey(c *reqCtx, id string) row {
	k := s.keyByID(id)
	if k == nil || !s.authKeyVisible(c.caller, k) {
		return nil
	}
	return k
}

// authKeysIndex: GET /auth_keys/index[/{user_id}] (CRUD index, REST branch: unpaged, ordered by id).
func (s *Server) authKeysIndex(c *reqCtx) *response {
	userID, hasUser := c.firstArg()
	out := []any{}
	for _, id := range sortedIDs(s.st.authKeys) {
		k := s.st.authKeys[id]
		if !s.authKeyVisible(c.caller, k) || (hasUser && !phpEmpty(userID) && !looseEqualInt(userID, k.int("user_id"))) {
			continue
		}
		out = append(out, s.authKeyWithUser(k))
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
	draft := authKeysTable.newRow()
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
	key, k := s.st.addKey(s.rng, u.id(), "", now, comment)
	if d["comment"] == nil {
		k["comment"] = nil // not sent: NULL, unlike the "" of the key a user add creates
	}
	s.st.issued = append(s.st.issued, key)
	for _, name := range []string{"allowed_ips", "expiration", "read_only"} {
		k[name] = draft[name]
	}
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
	if k := s.keyByID(id); k != nil && !s.canManageKeysOf(c.caller, itoa(k.int("user_id"))) {
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
	draft := k.clone()
	errs := authKeyFields(d, draft, s.now(), true)
	u := s.st.users[k.int("user_id")]
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
		draft["comment"], _ = phpString(v)
	}
	s.st.replace(authKeyKind, k, draft)
	c.changed = true
	var readOnly any = draft.bool("read_only")
	if v, present := d["read_only"]; present && v != nil {
		readOnly = v // echoed as sent
	}
	return prepare(r, http.StatusOK, obj{{"AuthKey", authKeyEdited(draft, readOnly)},
		{"User", obj{{"id", itoa(u.id())}, {"org_id", itoa(u.int("org_id"))}}}})
}

// authKeysDelete: POST or DELETE /auth_keys/delete/{id}; GET shows the confirmation fragment.
func (s *Server) authKeysDelete(c *reqCtx) *response {
	r := c.r
	id, _ := c.firstArg()
	if k := s.keyByID(id); k != nil && !s.canManageKeysOf(c.caller, itoa(k.int("user_id"))) {
		return exception(r, http.StatusMethodNotAllowed, msgAuthKeyDenied)
	}
	k := s.visibleKey(c, id)
	if k == nil {
		return exception(r, http.StatusNotFound, msgInvalidAuthKey)
	}
	if !c.isPost() && !c.isDelete() {
		return s.crudDeletePage(r, "Auth Key", k.id())
	}
	s.st.remove(authKeyKind, k)
	c.changed = true
	return saveSuccess(r, genURL(false, "auth_keys", "delete", id), "AuthKey deleted.", k.id())
}

// IssuedAuthKeys returns, in clear, every key that auth_keys/add made since the last reset: what a test needs to
// search logs for keys it never saw (an ephemeral key). MISP itself keeps only hashes.
func (s *Server) IssuedAuthKeys() []string {
	return read(s, func() []string { return append([]string(nil), s.st.issued...) })
}

// CreateAuthKey creates an advanced API key as auth_keys/add would: "user_id" is required; "comment",
// "expiration" (epoch seconds or a date; 0 or nil: never), "read_only" and "allowed_ips" (a list, or a string split
// at commas and newlines) are optional. It returns the key's id and the key in clear (shown only here).
func (s *Server) CreateAuthKey(fields map[string]any) (id string, authkey string, err error) {
	id, extra, err := s.createObject(authKeyKind, fields)
	authkey, _ = extra["authkey"].(string)
	return id, authkey, err
}

// UpdateAuthKey changes what auth_keys/edit changes: comment, expiration, read_only and allowed_ips (nil or an
// empty list: anywhere).
func (s *Server) UpdateAuthKey(id string, fields map[string]any) error {
	return s.updateObject(authKeyKind, id, fields)
}

// DeleteAuthKey deletes an advanced API key; it no longer logs in.
func (s *Server) DeleteAuthKey(id string) error { return s.deleteObject(authKeyKind, id) }

// AuthKey returns the key's record as auth_keys/view renders it (without the key or its hash).
func (s *Server) AuthKey(id string) (map[string]any, bool) { return s.object(authKeyKind, id) }

// AuthKeys returns every advanced API key (by id).
func (s *Server) AuthKeys() []map[string]any { return s.objects(authKeyKind) }
