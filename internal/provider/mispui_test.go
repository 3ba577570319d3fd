package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// mispUI makes the changes a person makes in MISP's web interface, behind Terraform's back: drift,
// disappearance, a user who still holds a role, an org admin's account. On the emulator it uses the emulator's
// Go API; on a real MISP it uses MISP's REST API as the site admin, so the same test step runs on both targets.
//
// Every method fails the test on error (they run in PreConfig functions and checks). Objects it creates on a
// real MISP are deleted when the test ends (users first), whatever the test did with them.
//
// Values are MISP's column values as its JSON renders them (ids as strings, flags as booleans). A role's
// "permission" may be given by name ("publish") or number ("3").
type mispUI struct {
	t    *testing.T
	fake *fakemisp.Server
	url  string
	key  string
	hc   *http.Client
}

// UI returns the out-of-band editor for this test's MISP.
func (e *accEnv) UI(t *testing.T) *mispUI {
	t.Helper()
	return &mispUI{t: t, fake: e.Fake, url: e.URL, key: e.key, hc: &http.Client{Timeout: 60 * time.Second}}
}

// uiOnlyEmulatorFields are user columns that MISP's REST API cannot set (they change when a person logs in or
// enrols a second factor). The emulator sets them directly; on a real MISP UpdateUser drops them, and tests
// that assert on their effect do so only on the emulator (see accEnv.Real).
var uiOnlyEmulatorFields = []string{"last_login", "current_login", "newsread", "totp", "last_api_access"}

// rest sends one request to the real MISP as the site admin and decodes its JSON answer into out (when not
// nil). A status outside 2xx, or a "saved": false envelope, is an error that quotes MISP's answer.
func (u *mispUI) rest(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, u.url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", u.key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "terraform-provider-misp/acctest-ui")
	resp, err := u.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &uiStatusError{method: method, path: path, status: resp.StatusCode, body: abbreviateBody(data)}
	}
	var envelope struct {
		Saved *bool `json:"saved"`
	}
	if json.Unmarshal(data, &envelope) == nil && envelope.Saved != nil && !*envelope.Saved {
		return fmt.Errorf("%s %s: MISP did not save: %s", method, path, abbreviateBody(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decoding %s: %w", method, path, abbreviateBody(data), err)
		}
	}
	return nil
}

type uiStatusError struct {
	method, path, body string
	status             int
}

func (e *uiStatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.method, e.path, e.status, e.body)
}

func abbreviateBody(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

// record is one "Kind" object of a MISP answer ({"User": {...}, "UserSetting": [], ...}).
func record(answer map[string]json.RawMessage, kind string) (map[string]any, error) {
	raw, ok := answer[kind]
	if !ok {
		return nil, fmt.Errorf("no %q object in MISP's answer", kind)
	}
	var r map[string]any
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("MISP's %q: %w", kind, err)
	}
	return r, nil
}

// cleanupReal deletes an object this helper created on a real MISP when the test ends (a 404 is fine).
func (u *mispUI) cleanupReal(path string) {
	u.t.Cleanup(func() {
		err := u.rest(http.MethodPost, path, nil, nil)
		var se *uiStatusError
		gone := asStatus(err, &se) && (se.status == http.StatusNotFound || se.status == http.StatusMethodNotAllowed)
		if err != nil && !gone {
			u.t.Logf("cleanup %s: %v", path, err)
		}
	})
}

func asStatus(err error, target **uiStatusError) bool {
	return errors.As(err, target)
}

func (u *mispUI) fatalf(format string, args ...any) {
	u.t.Helper()
	u.t.Fatalf("out-of-band change in MISP: "+format, args...)
}

// CreateUser creates a user (as an admin would in the UI) and returns its id and its API key.
func (u *mispUI) CreateUser(fields map[string]any) (id, authkey string) {
	u.t.Helper()
	if u.fake != nil {
		id, key, err := u.fake.CreateUser(fields)
		if err != nil {
			u.fatalf("creating a user: %v", err)
		}
		return id, key
	}
	var answer map[string]json.RawMessage
	if err := u.rest(http.MethodPost, "/admin/users/add", withoutFields(fields, uiOnlyEmulatorFields), &answer); err != nil {
		u.fatalf("creating a user: %v", err)
	}
	rec, err := record(answer, "User")
	if err != nil {
		u.fatalf("creating a user: %v", err)
	}
	id = fmt.Sprint(rec["id"])
	u.cleanupReal("/admin/users/delete/" + id)
	key, _ := rec["authkey"].(string)
	// MISP's add ignores some columns (notification_*, for one): an edit sets what was asked for.
	u.UpdateUser(id, withoutFields(fields, []string{"password"}))
	return id, key
}

// UpdateUser edits a user's columns (fields only the emulator can set are dropped on a real MISP).
func (u *mispUI) UpdateUser(id string, fields map[string]any) {
	u.t.Helper()
	if u.fake != nil {
		if err := u.fake.UpdateUser(id, fields); err != nil {
			u.fatalf("editing user %s: %v", id, err)
		}
		return
	}
	fields = withoutFields(fields, uiOnlyEmulatorFields)
	if len(fields) == 0 {
		return
	}
	if err := u.rest(http.MethodPost, "/admin/users/edit/"+id, fields, nil); err != nil {
		u.fatalf("editing user %s: %v", id, err)
	}
}

// DeleteUser deletes a user.
func (u *mispUI) DeleteUser(id string) {
	u.t.Helper()
	if u.fake != nil {
		if err := u.fake.DeleteUser(id); err != nil {
			u.fatalf("deleting user %s: %v", id, err)
		}
		return
	}
	if err := u.rest(http.MethodPost, "/admin/users/delete/"+id, nil, nil); err != nil {
		u.fatalf("deleting user %s: %v", id, err)
	}
}

// User returns a user as MISP's admin view renders it, with server_id from the users index (the view lacks it).
func (u *mispUI) User(id string) (map[string]any, bool) {
	u.t.Helper()
	if u.fake != nil {
		return u.fake.User(id)
	}
	var answer map[string]json.RawMessage
	err := u.rest(http.MethodGet, "/admin/users/view/"+id, nil, &answer)
	var se *uiStatusError
	if asStatus(err, &se) && se.status == http.StatusNotFound {
		return nil, false
	}
	if err != nil {
		u.fatalf("reading user %s: %v", id, err)
	}
	rec, err := record(answer, "User")
	if err != nil {
		u.fatalf("reading user %s: %v", id, err)
	}
	for _, row := range u.realUsers() {
		if fmt.Sprint(row["id"]) == id {
			rec["server_id"] = row["server_id"]
		}
	}
	return rec, true
}

// realUsers is the real MISP's users index (the "User" object of each entry).
func (u *mispUI) realUsers() []map[string]any {
	u.t.Helper()
	return u.realList("/admin/users/index", "User")
}

// UsersByEmail returns every user whose e-mail is this one, ignoring case.
func (u *mispUI) UsersByEmail(email string) []map[string]any {
	u.t.Helper()
	var all []map[string]any
	if u.fake != nil {
		all = u.fake.Users()
	} else {
		all = u.realUsers()
	}
	var out []map[string]any
	for _, usr := range all {
		if strings.EqualFold(fmt.Sprint(usr["email"]), email) {
			out = append(out, usr)
		}
	}
	return out
}

// Users returns every user as the users index renders it.
func (u *mispUI) Users() []map[string]any {
	u.t.Helper()
	if u.fake != nil {
		return u.fake.Users()
	}
	return u.realUsers()
}

// Organisations returns every organisation, local and remote.
func (u *mispUI) Organisations() []map[string]any {
	u.t.Helper()
	if u.fake != nil {
		return u.fake.Organisations()
	}
	return u.realList("/organisations/index/scope:all", "Organisation")
}

// Roles returns every role as the roles index renders it (with "default").
func (u *mispUI) Roles() []map[string]any {
	u.t.Helper()
	if u.fake != nil {
		return u.fake.Roles()
	}
	return u.realList("/roles/index", "Role")
}

// realList is a real MISP index: the kind's object of each entry.
func (u *mispUI) realList(path, kind string) []map[string]any {
	u.t.Helper()
	var rows []map[string]map[string]any
	if err := u.rest(http.MethodGet, path, nil, &rows); err != nil {
		u.fatalf("listing %s: %v", path, err)
	}
	out := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		out = append(out, r[kind])
	}
	return out
}

// CreateOrganisation creates an organisation and returns its id.
func (u *mispUI) CreateOrganisation(fields map[string]any) string {
	u.t.Helper()
	if u.fake != nil {
		id, err := u.fake.CreateOrganisation(fields)
		if err != nil {
			u.fatalf("creating an organisation: %v", err)
		}
		return id
	}
	var answer map[string]json.RawMessage
	if err := u.rest(http.MethodPost, "/admin/organisations/add", fields, &answer); err != nil {
		u.fatalf("creating an organisation: %v", err)
	}
	rec, err := record(answer, "Organisation")
	if err != nil {
		u.fatalf("creating an organisation: %v", err)
	}
	id := fmt.Sprint(rec["id"])
	u.cleanupReal("/admin/organisations/delete/" + id)
	return id
}

// UpdateOrganisation edits an organisation's columns.
func (u *mispUI) UpdateOrganisation(id string, fields map[string]any) {
	u.t.Helper()
	if u.fake != nil {
		if err := u.fake.UpdateOrganisation(id, fields); err != nil {
			u.fatalf("editing organisation %s: %v", id, err)
		}
		return
	}
	if err := u.rest(http.MethodPost, "/admin/organisations/edit/"+id, fields, nil); err != nil {
		u.fatalf("editing organisation %s: %v", id, err)
	}
}

// DeleteOrganisation deletes an organisation.
func (u *mispUI) DeleteOrganisation(id string) {
	u.t.Helper()
	if u.fake != nil {
		if err := u.fake.DeleteOrganisation(id); err != nil {
			u.fatalf("deleting organisation %s: %v", id, err)
		}
		return
	}
	if err := u.rest(http.MethodPost, "/admin/organisations/delete/"+id, nil, nil); err != nil {
		u.fatalf("deleting organisation %s: %v", id, err)
	}
}

// Organisation returns an organisation as MISP's view renders it (with user_count).
func (u *mispUI) Organisation(id string) (map[string]any, bool) {
	u.t.Helper()
	if u.fake != nil {
		return u.fake.Organisation(id)
	}
	var answer map[string]json.RawMessage
	err := u.rest(http.MethodGet, "/organisations/view/"+id, nil, &answer)
	var se *uiStatusError
	if asStatus(err, &se) && se.status == http.StatusNotFound {
		return nil, false
	}
	if err != nil {
		u.fatalf("reading organisation %s: %v", id, err)
	}
	rec, err := record(answer, "Organisation")
	if err != nil {
		u.fatalf("reading organisation %s: %v", id, err)
	}
	return rec, true
}

// permissionNumber turns a role's "permission" given by name into MISP's number.
func uiPermissionNumber(fields map[string]any) map[string]any {
	p, ok := fields["permission"].(string)
	if !ok {
		return fields
	}
	if n, ok := permissionNumber(p); ok {
		out := withoutFields(fields, nil)
		out["permission"] = fmt.Sprint(n)
		return out
	}
	return fields
}

// CreateRole creates a role and returns its id.
func (u *mispUI) CreateRole(fields map[string]any) string {
	u.t.Helper()
	if u.fake != nil {
		id, err := u.fake.CreateRole(fields)
		if err != nil {
			u.fatalf("creating a role: %v", err)
		}
		return id
	}
	var answer map[string]json.RawMessage
	if err := u.rest(http.MethodPost, "/admin/roles/add", uiPermissionNumber(fields), &answer); err != nil {
		u.fatalf("creating a role: %v", err)
	}
	rec, err := record(answer, "Role")
	if err != nil {
		u.fatalf("creating a role: %v", err)
	}
	id := fmt.Sprint(rec["id"])
	u.cleanupReal("/admin/roles/delete/" + id)
	return id
}

// UpdateRole edits a role's columns. MISP's REST edit resets the data-access level and the rate limit when
// they are left out, unlike its web form, so on a real MISP the role's current values are sent with the change.
func (u *mispUI) UpdateRole(id string, fields map[string]any) {
	u.t.Helper()
	if u.fake != nil {
		if err := u.fake.UpdateRole(id, fields); err != nil {
			u.fatalf("editing role %s: %v", id, err)
		}
		return
	}
	current, ok := u.Role(id)
	if !ok {
		u.fatalf("editing role %s: no such role", id)
	}
	body := map[string]any{"permission": current["permission"], "rate_limit_count": current["rate_limit_count"]}
	for k, v := range uiPermissionNumber(fields) {
		body[k] = v
	}
	if err := u.rest(http.MethodPost, "/admin/roles/edit/"+id, body, nil); err != nil {
		u.fatalf("editing role %s: %v", id, err)
	}
}

// DeleteRole deletes a role.
func (u *mispUI) DeleteRole(id string) {
	u.t.Helper()
	if u.fake != nil {
		if err := u.fake.DeleteRole(id); err != nil {
			u.fatalf("deleting role %s: %v", id, err)
		}
		return
	}
	if err := u.rest(http.MethodPost, "/admin/roles/delete/"+id, nil, nil); err != nil {
		u.fatalf("deleting role %s: %v", id, err)
	}
}

// Role returns a role as MISP's view renders it (with "permission" as a number).
func (u *mispUI) Role(id string) (map[string]any, bool) {
	u.t.Helper()
	if u.fake != nil {
		return u.fake.Role(id)
	}
	var answer map[string]json.RawMessage
	err := u.rest(http.MethodGet, "/roles/view/"+id, nil, &answer)
	var se *uiStatusError
	if asStatus(err, &se) && se.status == http.StatusNotFound {
		return nil, false
	}
	if err != nil {
		u.fatalf("reading role %s: %v", id, err)
	}
	rec, err := record(answer, "Role")
	if err != nil {
		u.fatalf("reading role %s: %v", id, err)
	}
	return rec, true
}

// SetDefaultRole makes a role MISP's default role (instance-wide: only tests holding the default-role lock,
// newAccEnvDefaultRole, may call it on a real MISP).
func (u *mispUI) SetDefaultRole(id string) {
	u.t.Helper()
	if u.fake != nil {
		if err := u.fake.SetDefaultRole(id); err != nil {
			u.fatalf("setting the default role: %v", err)
		}
		return
	}
	if err := u.rest(http.MethodPost, "/admin/roles/set_default/"+id, nil, nil); err != nil {
		u.fatalf("setting the default role: %v", err)
	}
}

// SetServerSetting changes a boolean MISP server setting (e.g. "MISP.disable_user_login_change") and puts the
// old value back when the test ends. Instance-wide: on a real MISP only a test that runs alone (newAccEnvDefaultRole
// takes the exclusive lock) may call it.
func (u *mispUI) SetServerSetting(name string, value bool) {
	u.t.Helper()
	if u.fake != nil {
		if err := u.fake.SetServerSetting(name, value); err != nil {
			u.fatalf("setting %s: %v", name, err)
		}
		return
	}
	path := "/servers/serverSettingsEdit/" + name
	var before map[string]any
	if err := u.rest(http.MethodGet, path, nil, &before); err != nil {
		u.fatalf("reading %s: %v", name, err)
	}
	old, ok := before[name].(bool)
	if !ok {
		u.fatalf("reading %s: not a boolean setting: %v", name, before)
	}
	u.t.Cleanup(func() {
		if err := u.rest(http.MethodPost, path, map[string]any{"value": old}, nil); err != nil {
			u.t.Errorf("putting %s back to %v: %v", name, old, err)
		}
	})
	if err := u.rest(http.MethodPost, path, map[string]any{"value": value}, nil); err != nil {
		u.fatalf("setting %s: %v", name, err)
	}
}

// withoutFields copies fields without the named keys.
func withoutFields(fields map[string]any, drop []string) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		if !slices.Contains(drop, k) {
			out[k] = v
		}
	}
	return out
}
