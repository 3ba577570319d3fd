package misp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// UserSetting is one row of MISP's user_settings (docs/development/misp-api.md §12): a named JSON value per user.
// setSetting and view wrap it in {"UserSetting": {...}}, getSetting answers it flat, index as a list of wrapped
// records, and users/view folds a user's settings into {name: value}.
type UserSetting struct {
	ID      ID     `json:"id"`
	UserID  ID     `json:"user_id"`
	Setting string `json:"setting"`
	// Value is the decoded value as MISP renders it after its PHP round trip (§12.3).
	Value json.RawMessage `json:"value"`
	// Timestamp is the epoch second of the last write.
	Timestamp Int64 `json:"timestamp"`
}

// UserSettingName describes one of MISP 2.5.1's valid setting names (UserSetting::VALID_SETTINGS).
type UserSettingName struct {
	Name string
	// Restricted is the role permission a caller needs to set or delete it ("" for none).
	Restricted string
	// Internal settings (data of MISP's plugins) cannot be set through the API by anyone.
	Internal bool
}

// UserSettingNames are MISP 2.5.1's valid user settings, in MISP's order.
var UserSettingNames = []UserSettingName{
	{Name: "publish_alert_filter"},
	{Name: "dashboard_access", Restricted: "perm_site_admin"},
	{Name: "dashboard"},
	{Name: "homepage"},
	{Name: "default_restsearch_parameters"},
	{Name: "tag_numerical_value_override"},
	{Name: "event_index_hide_columns"},
	{Name: "oidc", Internal: true},
	{Name: "periodic_notification_filters"},
}

// LookupUserSetting finds one of UserSettingNames by name.
func LookupUserSetting(name string) (UserSettingName, bool) {
	for _, n := range UserSettingNames {
		if n.Name == name {
			return n, true
		}
	}
	return UserSettingName{}, false
}

// settingPath is /user_settings/{action}/{userID}/{setting}, both segments required.
func settingPath(action, userID, setting string) (string, error) {
	p, err := idPath("/user_settings/"+action, userID)
	if err != nil {
		return "", err
	}
	return idPath(p, setting)
}

// SetUserSetting creates or replaces a user's setting (POST /user_settings/setSetting/{userID}/{setting} with
// {"value": value}). MISP writes the caller's own setting instead when the caller may not manage userID, and
// answers 200: callers compare the answer's UserID (§12.4).
func (c *Client) SetUserSetting(ctx context.Context, userID, setting string, value json.RawMessage) (*UserSetting, error) {
	p, err := settingPath("setSetting", userID, setting)
	if err != nil {
		return nil, fmt.Errorf("set user setting: %w", err)
	}
	body := map[string]json.RawMessage{"value": value}
	data, err := c.do(ctx, request{method: http.MethodPost, path: p, body: body})
	if err != nil {
		return nil, fmt.Errorf("set setting %s of user %s: %w", setting, userID, err)
	}
	var s UserSetting
	if err := c.decodeRecord(data, "UserSetting", &s, nil); err != nil {
		return nil, fmt.Errorf("set setting %s of user %s: %w", setting, userID, err)
	}
	return &s, nil
}

// GetUserSetting reads a user's setting (GET /user_settings/getSetting/{userID}/{setting}). A setting that is not
// set, or that the caller may not see, is ErrNotFound.
func (c *Client) GetUserSetting(ctx context.Context, userID, setting string) (*UserSetting, error) {
	p, err := settingPath("getSetting", userID, setting)
	if err != nil {
		return nil, fmt.Errorf("read user setting: %w", err)
	}
	data, err := c.do(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return nil, fmt.Errorf("read setting %s of user %s: %w", setting, userID, err)
	}
	var s UserSetting
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("read setting %s of user %s: decode MISP answer (%d bytes): %w", setting, userID, len(data), err)
	}
	if s.Setting == "" {
		return nil, fmt.Errorf("read setting %s of user %s: MISP answer holds no setting", setting, userID)
	}
	return &s, nil
}

// ListUserSettings lists the settings the caller may see (GET /user_settings/index[/user_id:{userID}]): every
// user's for a site admin, its organisation's users' for an org admin, its own otherwise.
func (c *Client) ListUserSettings(ctx context.Context, userID string) ([]UserSetting, error) {
	p := "/user_settings/index"
	if userID != "" {
		p += "/user_id:" + escapeSegment(userID)
	}
	data, err := c.do(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return nil, fmt.Errorf("list user settings: %w", err)
	}
	out, err := decodeList[UserSetting](data, "UserSetting")
	if err != nil {
		return nil, fmt.Errorf("list user settings: %w", err)
	}
	return out, nil
}

// DeleteUserSetting deletes a user's setting by user and name (POST /user_settings/delete with {"setting",
// "user_id"}), so that a setting deleted and set again in MISP (a new row id) is still the one deleted. A setting
// that is not there is ErrNotFound.
func (c *Client) DeleteUserSetting(ctx context.Context, userID, setting string) error {
	if userID == "" || setting == "" {
		return fmt.Errorf("delete user setting: %w", errEmptyID)
	}
	body := map[string]string{"setting": setting, "user_id": userID}
	data, err := c.do(ctx, request{method: http.MethodPost, path: "/user_settings/delete", body: body})
	if err != nil {
		return fmt.Errorf("delete setting %s of user %s: %w", setting, userID, err)
	}
	if err := c.decodeAction(data); err != nil {
		return fmt.Errorf("delete setting %s of user %s: %w", setting, userID, err)
	}
	return nil
}
