package provider

import (
	"encoding/json"
	"net/http"
)

// User settings, changed behind Terraform's back. MISP's user_settings REST API is what its UI uses, and the
// emulator answers it as MISP does (docs/development/misp-api.md §12), so these methods use REST on both targets.

// UserSetting returns the value MISP has for a user's setting (compact JSON); false when it has none.
func (u *mispUI) UserSetting(userID, name string) (string, bool) {
	u.t.Helper()
	var answer struct {
		Value json.RawMessage `json:"value"`
	}
	err := u.rest(http.MethodGet, "/user_settings/getSetting/"+userID+"/"+name, nil, &answer)
	var se *uiStatusError
	if asStatus(err, &se) && se.status == http.StatusNotFound {
		return "", false
	}
	if err != nil {
		u.fatalf("reading setting %s of user %s: %v", name, userID, err)
	}
	return compactJSON(answer.Value), true
}

// SetUserSetting sets a user's setting to the JSON value.
func (u *mispUI) SetUserSetting(userID, name, value string) {
	u.t.Helper()
	body := map[string]json.RawMessage{"value": json.RawMessage(value)}
	if err := u.rest(http.MethodPost, "/user_settings/setSetting/"+userID+"/"+name, body, nil); err != nil {
		u.fatalf("setting %s of user %s: %v", name, userID, err)
	}
}

// DeleteUserSetting deletes a user's setting.
func (u *mispUI) DeleteUserSetting(userID, name string) {
	u.t.Helper()
	body := map[string]string{"setting": name, "user_id": userID}
	if err := u.rest(http.MethodPost, "/user_settings/delete", body, nil); err != nil {
		u.fatalf("deleting setting %s of user %s: %v", name, userID, err)
	}
}
