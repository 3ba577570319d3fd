package misp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// AuthKey is a MISP advanced API key (docs/development/misp-api.md §11.2) as view, index and add
// answer it. The key itself is never here except in Raw, which only the add answer fills.
type AuthKey struct {
	ID    ID     `json:"id"`
	UUID  string `json:"uuid"`
	Start string `json:"authkey_start"`
	End   string `json:"authkey_end"`
	// Created and Expiration are epoch seconds; Expiration 0 means the key never expires.
	Created    Int64  `json:"created"`
	Expiration Int64  `json:"expiration"`
	ReadOnly   Bool   `json:"read_only"`
	UserID     ID     `json:"user_id"`
	Comment    String `json:"comment"`
	// AllowedIPs is nil when the key may be used from anywhere.
	AllowedIPs StringList `json:"allowed_ips"`
	// UniqueIPs are the addresses the key was used from.
	UniqueIPs StringList `json:"unique_ips"`
	// LastUsed (epoch seconds) is only in the index, and only when MISP logs key usage; 0 otherwise.
	LastUsed Int64 `json:"last_used"`
	// Raw is the key in clear text, in the add answer only (MISP shows it once).
	Raw string `json:"authkey_raw"`
}

// AuthKeyView is an auth key with its user as view and index embed it. UserID and UserEmail are
// empty when the key's user was deleted (MISP keeps the key, §11.4).
type AuthKeyView struct {
	AuthKey
	UserEmail string
	// Orphaned is true when MISP shows the key's user as {"id": null}.
	Orphaned bool
}

// UnmarshalJSON decodes {"AuthKey": {...}, "User": {"id", "email"}}.
func (v *AuthKeyView) UnmarshalJSON(b []byte) error {
	var w struct {
		AuthKey *AuthKey `json:"AuthKey"`
		User    *struct {
			ID    ID     `json:"id"`
			Email String `json:"email"`
		} `json:"User"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.AuthKey == nil {
		return fmt.Errorf("MISP answer holds no AuthKey record")
	}
	v.AuthKey = *w.AuthKey
	if w.User != nil {
		v.UserEmail = string(w.User.Email)
		v.Orphaned = w.User.ID == ""
	}
	return nil
}

// Expired reports whether the key's expiration is set and not after now (epoch seconds), the
// test MISP's authentication applies.
func (k *AuthKey) Expired(now int64) bool {
	return k.Expiration != 0 && int64(k.Expiration) <= now
}

// AuthKeyInput is the body of auth-key add and edit. Only non-nil fields are sent; edit keeps what
// is not sent. MISP cannot move a key to another user (user_id is ignored on edit).
type AuthKeyInput struct {
	Comment *string `json:"comment,omitempty"`
	// AllowedIPs: IPs or CIDR ranges; a non-nil empty list clears the restriction.
	AllowedIPs *[]string `json:"allowed_ips,omitempty"`
	// Expiration in epoch seconds; 0 means the instance default (never, unless
	// Security.advanced_authkeys_validity is set). MISP accepts a past time.
	Expiration *int64 `json:"expiration,omitempty"`
	ReadOnly   *bool  `json:"read_only,omitempty"`
}

// ListAuthKeys lists the keys the caller may see (GET /auth_keys/index[/{userID}]): all for a
// site admin, those of its organisation's users for an org admin, its own otherwise.
func (c *Client) ListAuthKeys(ctx context.Context, userID string) ([]AuthKeyView, error) {
	p := "/auth_keys/index"
	if userID != "" {
		p += "/" + escapeSegment(userID)
	}
	data, err := c.do(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return nil, fmt.Errorf("list auth keys: %w", err)
	}
	var out []AuthKeyView
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("list auth keys: decode MISP list (%d bytes): %w", len(data), err)
	}
	return out, nil
}

// GetAuthKey reads one key by numeric id (GET /auth_keys/view/{id}). A key the caller may not see
// is ErrNotFound, like a missing one.
func (c *Client) GetAuthKey(ctx context.Context, id string) (*AuthKeyView, error) {
	p, err := idPath("/auth_keys/view", id)
	if err != nil {
		return nil, fmt.Errorf("read auth key: %w", err)
	}
	data, err := c.do(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return nil, fmt.Errorf("read auth key %s: %w", id, err)
	}
	var v AuthKeyView
	if err := c.decodeAuthKeyView(data, &v); err != nil {
		return nil, fmt.Errorf("read auth key %s: %w", id, err)
	}
	return &v, nil
}

// FindAuthKeyByUUID lists the keys the caller may see and returns the one with that UUID
// (MISP's view takes no UUID, §11.1); ErrNotFound when there is none.
func (c *Client) FindAuthKeyByUUID(ctx context.Context, uuid string) (*AuthKeyView, error) {
	list, err := c.ListAuthKeys(ctx, "")
	if err != nil {
		return nil, err
	}
	for i := range list {
		if strings.EqualFold(list[i].UUID, uuid) {
			return &list[i], nil
		}
	}
	return nil, fmt.Errorf("auth key with UUID %s: %w", uuid, ErrNotFound)
}

// AddAuthKey creates a key for the user (POST /auth_keys/add/{userID}). The answer's Raw is the
// key, which MISP never shows again; it never appears in an error.
func (c *Client) AddAuthKey(ctx context.Context, userID string, in AuthKeyInput) (*AuthKey, error) {
	p, err := idPath("/auth_keys/add", userID)
	if err != nil {
		return nil, fmt.Errorf("create auth key: %w", err)
	}
	data, err := c.do(ctx, request{method: http.MethodPost, path: p, body: in})
	if err != nil {
		return nil, fmt.Errorf("create auth key for user %s: %w", userID, err)
	}
	var k AuthKey
	if err := c.decodeRecord(data, "AuthKey", &k, nil); err != nil {
		return nil, fmt.Errorf("create auth key for user %s: %w", userID, err)
	}
	if k.Raw == "" {
		return nil, fmt.Errorf("create auth key for user %s: the answer holds no key (authkey_raw)", userID)
	}
	return &k, nil
}

// EditAuthKey changes the fields set in in (POST /auth_keys/edit/{id}) and reads the key back with
// view: the edit answer has other JSON types (§11.3).
func (c *Client) EditAuthKey(ctx context.Context, id string, in AuthKeyInput) (*AuthKeyView, error) {
	p, err := idPath("/auth_keys/edit", id)
	if err != nil {
		return nil, fmt.Errorf("update auth key: %w", err)
	}
	data, err := c.do(ctx, request{method: http.MethodPost, path: p, body: in})
	if err != nil {
		return nil, fmt.Errorf("update auth key %s: %w", id, err)
	}
	if err := c.decodeAction(data); err != nil {
		return nil, fmt.Errorf("update auth key %s: %w", id, err)
	}
	return c.GetAuthKey(ctx, id)
}

// DeleteAuthKey deletes a key (POST /auth_keys/delete/{id}); a repeat is ErrNotFound.
func (c *Client) DeleteAuthKey(ctx context.Context, id string) error {
	return c.action(ctx, "delete auth key", "/auth_keys/delete", id, "")
}

func (c *Client) decodeAuthKeyView(data []byte, v *AuthKeyView) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("decode MISP answer (%d bytes): %w", len(data), err)
	}
	if _, ok := m["AuthKey"]; !ok {
		return c.missingRecordError(data, m, "AuthKey", nil)
	}
	return json.Unmarshal(data, v)
}
