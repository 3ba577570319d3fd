package fakemisp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Per-user settings: UserSettingsController and the UserSetting model of MISP 2.5.1 (docs/development/misp-api.md
// §12). Not reproduced: the HTML pages, setHomePage and eventIndexColumnToggle; object keys of a stored value come
// back sorted (MISP keeps the order they were sent in).

// userSettingsTable is user_settings; value holds the JSON text MISP stores.
var userSettingsTable = newTable([]column{
	{"id", kInt, false, nil},
	{"user_id", kInt, false, int64(0)},
	{"setting", kString, false, ""},
	{"value", kString, false, "[]"},
	{"timestamp", kInt, false, int64(0)},
})

// settingRule is one entry of UserSetting::VALID_SETTINGS: the role permission it needs, and whether it is an
// internal setting (a plugin's data, which the API never writes).
type settingRule struct {
	restricted string
	internal   bool
}

var validUserSettings = map[string]settingRule{
	"publish_alert_filter":          {},
	"dashboard_access":              {restricted: "perm_site_admin"},
	"dashboard":                     {},
	"homepage":                      {},
	"default_restsearch_parameters": {},
	"tag_numerical_value_override":  {},
	"event_index_hide_columns":      {},
	"oidc":                          {internal: true},
	"periodic_notification_filters": {},
}

const (
	msgInvalidSetting     = "Invalid setting."
	msgInvalidUserSetting = "Invalid user setting."
)

// errSettingJSON is UserSetting's valueIsJson failure.
var errSettingJSON = errors.New("Invalid JSON.") //nolint:revive,staticcheck // MISP's message, verbatim

// userSettingKind is the user settings in the kind table (kinds.go): the Go API and /_mispfake/user_settings create
// (user_id, setting, value), change (value) and delete them.
var userSettingKind = &kind{
	plural: "user_settings", noun: "user setting", table: userSettingsTable,
	rows:   func(st *state) map[int64]row { return st.userSettings },
	nextID: func(st *state) *int64 { return &st.nextUserSetting },
	create: func(s *Server, r row, f map[string]any) (map[string]any, error) {
		name, _ := phpString(f["setting"])
		if _, ok := validUserSettings[name]; !ok {
			return nil, fmt.Errorf("setting %q: %w", name, errInvalidSettingName)
		}
		uid, ok := mysqlNumber(f["user_id"])
		if !ok || uid <= 0 {
			return nil, errors.New("user setting: user_id must be a user id")
		}
		if s.settingOf(int64(uid), name) != nil {
			return nil, fmt.Errorf("user %d already has setting %q", int64(uid), name)
		}
		r["user_id"], r["setting"] = int64(uid), name
		return nil, s.writeSettingValue(r, f["value"])
	},
	update: func(s *Server, r row, f map[string]any) error {
		for k := range f {
			if k != "value" {
				return fmt.Errorf("user setting field %q: only value can change", k)
			}
		}
		return s.writeSettingValue(r, f["value"])
	},
	view: func(_ *Server, r row) map[string]any {
		m, _ := toPlain(settingRecord(r)).(map[string]any)
		return m
	},
}

var errInvalidSettingName = errors.New("not one of MISP 2.5.1's user settings")

// writeSettingValue stores a value as UserSetting::beforeValidate and valueIsJson do, and stamps the row.
func (s *Server) writeSettingValue(r row, v any) error {
	text, err := settingText(v)
	if err != nil {
		return err
	}
	r["value"], r["timestamp"] = text, s.now().Unix()
	return nil
}

// settingText is the JSON text MISP stores for a value sent in a request: PHP arrays (objects and lists) are
// json_encoded, null, "" and "null" become "[]", any other scalar is kept as its PHP string, which must then be
// valid JSON (so a string holding JSON text is stored as that text, true is "1", false and "x" are refused).
func settingText(v any) (string, error) {
	switch t := v.(type) {
	case nil:
		return "[]", nil
	case map[string]any, []any:
		b, err := json.Marshal(phpArrays(t))
		if err != nil {
			return "", fmt.Errorf("encode setting value: %w", err)
		}
		return string(b), nil
	case string:
		if t == "" || t == "null" {
			return "[]", nil
		}
	case json.Number:
		// A float's PHP string has at most 14 significant digits: 1.0 is "1", 1.5e3 is "1500".
		if _, err := t.Int64(); err != nil {
			if f, err := t.Float64(); err == nil {
				return strconv.FormatFloat(f, 'g', 14, 64), nil
			}
		}
	}
	text, ok := phpString(v)
	if !ok || !json.Valid([]byte(text)) || text == "" {
		return "", errSettingJSON
	}
	return text, nil
}

// phpArrays is a decoded JSON value as PHP's json_decode(…, true) and json_encode give it back: an object whose keys
// are 0…n-1 is a list, an empty object is [].
func phpArrays(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			return []any{}
		}
		list := make([]any, len(t))
		for k, e := range t {
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(t) || strconv.Itoa(i) != k {
				list = nil
				break
			}
			list[i] = e
		}
		if list != nil {
			for i := range list {
				list[i] = phpArrays(list[i])
			}
			return list
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = phpArrays(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = phpArrays(e)
		}
		return out
	case json.Number:
		// json_decode makes a number without fraction or exponent an int, any other a float.
		if _, err := t.Int64(); err != nil {
			if f, err := t.Float64(); err == nil {
				return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
			}
		}
	}
	return v
}

// settingValue is UserSetting::afterFind: the stored text decoded, in PHP's shapes.
func settingValue(text string) any {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return phpArrays(v)
}

// settingRecord renders a row as MISP's find does (id, setting, value, user_id, timestamp; ids and time as strings).
func settingRecord(r row) obj {
	return obj{
		{"id", itoa(r.id())}, {"setting", r.str("setting")}, {"value", settingValue(r.str("value"))},
		{"user_id", itoa(r.int("user_id"))}, {"timestamp", itoa(r.int("timestamp"))},
	}
}

// settingOf finds a user's setting by name. Callers hold s.mu.
func (s *Server) settingOf(userID int64, name string) row {
	for _, id := range sortedIDs(s.st.userSettings) {
		if r := s.st.userSettings[id]; r.int("user_id") == userID && r.str("setting") == name {
			return r
		}
	}
	return nil
}

// userSettingsOf is a user's settings as users/view folds them: {setting: value}, [] when none.
func (s *Server) userSettingsOf(userID int64) obj {
	out := obj{}
	for _, id := range sortedIDs(s.st.userSettings) {
		if r := s.st.userSettings[id]; r.int("user_id") == userID {
			out = append(out, kv{r.str("setting"), settingValue(r.str("value"))})
		}
	}
	return out
}

// settingAccess is UserSetting::checkSettingAccess: "" when the caller may set or delete the setting, otherwise the
// permission MISP names in its refusal. An internal setting needs "site_admin", which not even a site admin passes.
func settingAccess(c *caller, name string) string {
	rule := validUserSettings[name]
	switch {
	case rule.internal:
		return "site_admin"
	case rule.restricted != "" && !c.perm(rule.restricted):
		return strings.TrimPrefix(rule.restricted, "perm_")
	}
	return ""
}

func settingRefused(r *http.Request, perm string) *response {
	return exception(r, http.StatusMethodNotAllowed, "This setting is restricted and requires the following permission(s): "+perm)
}

// settingVisible is UserSetting::checkAccess: site admins see every setting but internal ones are theirs only; org
// admins those of their organisation's users (not a deleted user's); anyone else its own.
func (s *Server) settingVisible(c *caller, r row) bool {
	if validUserSettings[r.str("setting")].internal && !c.siteAdmin() {
		return false
	}
	switch {
	case c.siteAdmin():
		return true
	case c.perm("perm_admin"):
		u := s.st.users[r.int("user_id")]
		return u != nil && u.int("org_id") == c.orgID()
	}
	return r.int("user_id") == c.id()
}

// settingTarget is whose setting setSetting writes (UserSetting::setSetting): the named user when the caller is a
// site admin (even if no such user exists) or an org admin of the user's organisation, otherwise the caller itself.
func (s *Server) settingTarget(c *caller, userID any) int64 {
	if !phpEmpty(userID) && phpIsNumeric(userID) {
		f, _ := mysqlNumber(userID)
		if c.siteAdmin() {
			return int64(f)
		}
		if u := s.findUser(userID); u != nil && c.perm("perm_admin") && u.int("org_id") == c.orgID() {
			return u.id()
		}
	}
	return c.id()
}

// userSettingsSetSetting: POST /user_settings/setSetting[/{user_id}[/{setting}]] with {"value": …} (or the setting
// and user_id in the body, wrapped in UserSetting or not); GET describes the endpoint.
func (s *Server) userSettingsSetSetting(c *reqCtx) *response {
	r := c.r
	var userArg, nameArg string
	if len(c.rt.args) > 0 {
		userArg = c.rt.args[0]
	}
	if len(c.rt.args) > 1 {
		nameArg = c.rt.args[1]
	}
	if nameArg != "" {
		if rule, ok := validUserSettings[nameArg]; !ok || rule.internal {
			return exception(r, http.StatusMethodNotAllowed, msgInvalidSetting)
		}
		if perm := settingAccess(c.caller, nameArg); perm != "" {
			return settingRefused(r, perm)
		}
	}
	if !c.isPost() {
		return describe(r, false, "user_settings", "setSetting", "POST a User setting object in JSON format to this API to "+
			"create a new setting or update the equivalent existing setting. Admins/site admins can specify a user ID "+
			"besides their own.", []string{"setting", "value"}, []string{"user_id"})
	}
	d, ok := unwrap(c, "UserSetting")
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	if userArg != "" {
		d["user_id"] = userArg
	}
	if nameArg != "" {
		d["setting"] = nameArg
	}
	target := s.settingTarget(c.caller, d["user_id"])
	name, _ := phpString(d["setting"])
	if phpEmpty(d["setting"]) {
		return exception(r, http.StatusMethodNotAllowed, "This endpoint expects both a setting and a value to be set.")
	}
	if _, ok := validUserSettings[name]; !ok {
		return exception(r, http.StatusMethodNotAllowed, msgInvalidSetting)
	}
	if perm := settingAccess(c.caller, name); perm != "" {
		return settingRefused(r, perm)
	}
	text, err := settingText(d["value"])
	if err != nil {
		return saveFail(r, "Could not add UserSetting", "/user_settings/add", map[string][]string{"value": {err.Error()}}, nil)
	}
	row := s.settingOf(target, name)
	if row == nil {
		row = s.newObject(userSettingKind)
		row["user_id"], row["setting"] = target, name
		s.insert(userSettingKind, row)
	}
	row["value"], row["timestamp"] = text, s.now().Unix()
	c.changed = true
	return prepare(r, http.StatusOK, obj{{"UserSetting", settingRecord(row)}})
}

// userSettingsGetSetting: GET /user_settings/getSetting/{user_id}/{setting}, or POST {"setting", "user_id"} (the
// caller's own when user_id is left out). The answer is the bare record.
func (s *Server) userSettingsGetSetting(c *reqCtx) *response {
	r := c.r
	var userArg, name any
	if c.isPost() {
		if c.data == nil || phpEmpty(c.data["setting"]) {
			return exception(r, http.StatusBadRequest, "No setting name provided.")
		}
		name, userArg = c.data["setting"], c.data["user_id"]
		if userArg == nil {
			userArg = itoa(c.caller.id())
		}
	} else {
		if len(c.rt.args) < 2 || phpEmpty(c.rt.args[0]) || phpEmpty(c.rt.args[1]) {
			return exception(r, http.StatusBadRequest, "No setting name or user ID provided.")
		}
		userArg, name = c.rt.args[0], c.rt.args[1]
	}
	n, _ := phpString(name)
	if rule, ok := validUserSettings[n]; !ok || rule.internal {
		return exception(r, http.StatusNotFound, msgInvalidSetting)
	}
	uid, ok := mysqlNumber(userArg)
	var row row
	if ok && uid == float64(int64(uid)) {
		row = s.settingOf(int64(uid), n)
	}
	if row == nil || !s.settingVisible(c.caller, row) {
		return exception(r, http.StatusNotFound, msgInvalidSetting)
	}
	return prepare(r, http.StatusOK, settingRecord(row))
}

// userSettingsView: GET /user_settings/view/{id}.
func (s *Server) userSettingsView(c *reqCtx) *response {
	id, _ := c.firstArg()
	if phpEmpty(id) || !isNumericString(id) {
		return exception(c.r, http.StatusBadRequest, "Invalid ID passed.")
	}
	row, _ := s.byID(userSettingKind, id)
	if row == nil || !s.settingVisible(c.caller, row) {
		return exception(c.r, http.StatusNotFound, msgInvalidUserSetting)
	}
	return prepare(c.r, http.StatusOK, obj{{"UserSetting", settingRecord(row)}})
}

// userSettingsIndex: GET or POST /user_settings/index with the filters setting and user_id (an id, "me", "org" or
// "all") as named parameters or in the body; ordered by id, unpaged.
func (s *Server) userSettingsIndex(c *reqCtx) *response {
	filter := func(k string) any {
		if v, ok := c.rt.named[k]; ok {
			return v
		}
		if c.data != nil {
			return c.data[k]
		}
		return nil
	}
	name, user := filter("setting"), filter("user_id")
	out := []any{}
	for _, id := range sortedIDs(s.st.userSettings) {
		row := s.st.userSettings[id]
		if !phpEmpty(name) {
			if n, _ := phpString(name); n != row.str("setting") {
				continue
			}
		}
		if !phpEmpty(user) && !s.settingUserMatches(c.caller, user, row) {
			continue
		}
		if !s.settingListed(c.caller, row) {
			continue
		}
		out = append(out, obj{{"UserSetting", settingRecord(row)}})
	}
	return prepare(c.r, http.StatusOK, out)
}

// settingUserMatches is index's user_id filter.
func (s *Server) settingUserMatches(c *caller, user any, row row) bool {
	u, _ := phpString(user)
	switch u {
	case "all":
		return true
	case "me":
		return row.int("user_id") == c.id()
	case "org":
		owner := s.st.users[row.int("user_id")]
		return owner != nil && owner.int("org_id") == c.orgID()
	}
	return looseEqualInt(user, row.int("user_id"))
}

// settingListed is index's visibility: site admins every row, org admins their organisation's users' rows, anyone
// else its own, internal settings only for site admins.
func (s *Server) settingListed(c *caller, row row) bool {
	if c.siteAdmin() {
		return true
	}
	if validUserSettings[row.str("setting")].internal {
		return false
	}
	if c.perm("perm_admin") {
		owner := s.st.users[row.int("user_id")]
		return owner != nil && owner.int("org_id") == c.orgID()
	}
	return row.int("user_id") == c.id()
}

// userSettingsDelete: POST or DELETE /user_settings/delete/{id}, or /user_settings/delete with {"setting",
// "user_id"} (the caller's own when user_id is left out); GET describes the endpoint.
func (s *Server) userSettingsDelete(c *reqCtx) *response {
	r := c.r
	if r.Method == http.MethodGet {
		return prepare(r, http.StatusOK, obj{
			{"name", "/user_settings/delete API description"},
			{"description", "POST or DELETE to this API to delete an existing setting."},
			{"url", "/user_settings/delete/[id]"},
		})
	}
	if !c.isPost() && !c.isDelete() {
		return exception(r, http.StatusMethodNotAllowed, "Expecting POST or DELETE request.")
	}
	id, _ := c.firstArg()
	var row row
	switch {
	case phpEmpty(id):
		if c.data == nil || phpEmpty(c.data["setting"]) {
			return exception(r, http.StatusBadRequest, "No setting name to delete provided.")
		}
		name, _ := phpString(c.data["setting"])
		uid := float64(c.caller.id())
		if !phpEmpty(c.data["user_id"]) {
			uid, _ = mysqlNumber(c.data["user_id"])
		}
		if uid == float64(int64(uid)) {
			row = s.settingOf(int64(uid), name)
		}
	case isNumericString(id):
		row, _ = s.byID(userSettingKind, id)
	default:
		return exception(r, http.StatusBadRequest, "Invalid ID passed.")
	}
	if row == nil || !s.settingVisible(c.caller, row) {
		return exception(r, http.StatusNotFound, msgInvalidUserSetting)
	}
	if perm := settingAccess(c.caller, row.str("setting")); perm != "" {
		return settingRefused(r, perm)
	}
	delete(s.st.userSettings, row.id())
	c.changed = true
	rid := itoa(row.id())
	return saveSuccess(r, "/user_settings/delete/"+rid, "Setting deleted.", rid)
}

// userSettingRoutes are UserSettingsController's API actions (any authenticated user: the ACL is '*').
var userSettingRoutes = map[string]endpointDef{
	"user_settings/setSetting": {fn: (*Server).userSettingsSetSetting, write: true, idSegment: true},
	"user_settings/getSetting": {fn: (*Server).userSettingsGetSetting, idSegment: true},
	"user_settings/view":       {fn: (*Server).userSettingsView, idSegment: true},
	"user_settings/index":      {fn: (*Server).userSettingsIndex},
	"user_settings/delete":     {fn: (*Server).userSettingsDelete, write: true, idSegment: true},
}
