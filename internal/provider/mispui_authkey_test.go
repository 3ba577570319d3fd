package provider

import (
	"encoding/json"
	"net/http"
)

// Auth keys, changed behind Terraform's back. MISP's auth_keys REST API is what its UI uses, and the emulator
// answers it as MISP does (docs/development/misp-api.md §11), so these methods use REST on both targets.

// AuthKey returns a key's AuthKey record as view renders it; false when MISP has no such key.
func (u *mispUI) AuthKey(id string) (map[string]any, bool) {
	u.t.Helper()
	var answer map[string]json.RawMessage
	err := u.rest(http.MethodGet, "/auth_keys/view/"+id, nil, &answer)
	var se *uiStatusError
	if asStatus(err, &se) && se.status == http.StatusNotFound {
		return nil, false
	}
	if err != nil {
		u.fatalf("reading auth key %s: %v", id, err)
	}
	rec, err := record(answer, "AuthKey")
	if err != nil {
		u.fatalf("reading auth key %s: %v", id, err)
	}
	return rec, true
}

// UpdateAuthKey edits a key (comment, allowed_ips, expiration, read_only).
func (u *mispUI) UpdateAuthKey(id string, fields map[string]any) {
	u.t.Helper()
	if err := u.rest(http.MethodPost, "/auth_keys/edit/"+id, fields, nil); err != nil {
		u.fatalf("editing auth key %s: %v", id, err)
	}
}

// DeleteAuthKey deletes a key.
func (u *mispUI) DeleteAuthKey(id string) {
	u.t.Helper()
	if err := u.rest(http.MethodPost, "/auth_keys/delete/"+id, nil, nil); err != nil {
		u.fatalf("deleting auth key %s: %v", id, err)
	}
}
