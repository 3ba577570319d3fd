package misp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// User is a MISP user (docs/development/misp-api.md §1.2). Which fields are filled depends on
// the endpoint: add/edit answers carry ServerID, the raw TOTP secret and the
// one-time Authkey; views mask Password and TOTP and add PGPStatus,
// Fingerprint and OrgAdmins; the index omits Password, TOTP, Sub,
// ExternalAuth*, Notification*, HOTPCounter and TOTPIsSet.
type User struct {
	ID ID `json:"id"`
	// Password is always a mask ("*****" or "******"); never send it back.
	Password string `json:"password"`
	OrgID    ID     `json:"org_id"`
	ServerID ID     `json:"server_id"`
	Email    string `json:"email"`
	// Autoalert: e-mail the user when events are published.
	Autoalert Bool `json:"autoalert"`
	// Authkey is the new advanced key in the add answer (shown once), the
	// legacy key, "Redacted", or empty.
	Authkey              string    `json:"authkey"`
	InvitedBy            ID        `json:"invited_by"`
	GPGKey               string    `json:"gpgkey"`
	CertifPublic         string    `json:"certif_public"`
	NidsSid              Int64     `json:"nids_sid"`
	TermsAccepted        Bool      `json:"termsaccepted"`
	NewsRead             Int64     `json:"newsread"`
	RoleID               ID        `json:"role_id"`
	ChangePw             Bool      `json:"change_pw"`
	ContactAlert         Bool      `json:"contactalert"`
	Disabled             Bool      `json:"disabled"`
	Expiration           string    `json:"expiration"`
	CurrentLogin         Int64     `json:"current_login"`
	LastLogin            Int64     `json:"last_login"`
	ForceLogout          Bool      `json:"force_logout"`
	DateCreated          Int64     `json:"date_created"`
	DateModified         Int64     `json:"date_modified"`
	Sub                  string    `json:"sub"`
	ExternalAuthRequired Bool      `json:"external_auth_required"`
	ExternalAuthKey      string    `json:"external_auth_key"`
	LastAPIAccess        Int64     `json:"last_api_access"`
	NotificationDaily    Bool      `json:"notification_daily"`
	NotificationWeekly   Bool      `json:"notification_weekly"`
	NotificationMonthly  Bool      `json:"notification_monthly"`
	TOTP                 string    `json:"totp"`
	HOTPCounter          Int64     `json:"hotp_counter"`
	LastPwChange         Int64     `json:"last_pw_change"`
	TOTPIsSet            Bool      `json:"totp_is_set"`
	PGPStatus            string    `json:"pgp_status"`
	Fingerprint          string    `json:"fingerprint"`
	OrgAdmins            StringMap `json:"orgAdmins"`
	Monitored            Bool      `json:"monitored"`
}

// UserView is the answer of a user view: the user with its full role,
// organisation and settings.
type UserView struct {
	User         User         `json:"User"`
	Role         Role         `json:"Role"`
	Organisation Organisation `json:"Organisation"`
	UserSetting  Settings     `json:"UserSetting"`
}

// UserIndexEntry is one row of the users index. Role holds only id, name,
// perm_auth, perm_site_admin and perm_admin; Organisation only id and name.
type UserIndexEntry struct {
	User         User         `json:"User"`
	Role         Role         `json:"Role"`
	Organisation Organisation `json:"Organisation"`
}

// UserFilter selects users in ListUsers. Text values are MISP filter
// expressions: "a|b" means a or b, a leading "!" negates. Empty fields
// are not sent.
type UserFilter struct {
	// Email matches a case-insensitive substring of the e-mail.
	Email string
	// Org is an exact org id (honoured for site admins only).
	Org string
	// Role is an exact role id.
	Role string
	// All matches a substring of the e-mail, organisation name or role name.
	All           string
	Disabled      *bool
	Autoalert     *bool
	ContactAlert  *bool
	TermsAccepted *bool
	// Inactive selects users without any login or API access for 30 days.
	Inactive bool
}

func (f UserFilter) path() string {
	p := ""
	add := func(name, value string) {
		if value != "" {
			p += "/" + name + ":" + escapeSegment(value)
		}
	}
	flag := func(name string, v *bool) {
		if v != nil {
			add(name, boolParam(*v))
		}
	}
	add("searchemail", f.Email)
	add("searchorg", f.Org)
	add("searchrole", f.Role)
	add("searchall", f.All)
	flag("searchdisabled", f.Disabled)
	flag("searchautoalert", f.Autoalert)
	flag("searchcontactalert", f.ContactAlert)
	flag("searchtermsaccepted", f.TermsAccepted)
	if f.Inactive {
		add("searchinactive", "1")
	}
	return p
}

func boolParam(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

// UserInput is the body of user add/edit. Only non-nil fields are sent:
// MISP's edit saves every key it receives (§1.1.4).
type UserInput struct {
	Email  *string `json:"email,omitempty"`
	OrgID  *string `json:"org_id,omitempty"`
	RoleID *string `json:"role_id,omitempty"`
	// Password never appears in errors or logs.
	Password *string `json:"password,omitempty"`
	// EnablePassword (add only) makes MISP keep Password instead of
	// generating a random one (§1.3).
	EnablePassword       *bool   `json:"enable_password,omitempty"`
	ServerID             *string `json:"server_id,omitempty"`
	ChangePw             *bool   `json:"change_pw,omitempty"`
	Disabled             *bool   `json:"disabled,omitempty"`
	Autoalert            *bool   `json:"autoalert,omitempty"`
	ContactAlert         *bool   `json:"contactalert,omitempty"`
	TermsAccepted        *bool   `json:"termsaccepted,omitempty"`
	GPGKey               *string `json:"gpgkey,omitempty"`
	CertifPublic         *string `json:"certif_public,omitempty"`
	NidsSid              *int64  `json:"nids_sid,omitempty"`
	ExternalAuthRequired *bool   `json:"external_auth_required,omitempty"`
	ExternalAuthKey      *string `json:"external_auth_key,omitempty"`
	// Notification* and ForceLogout are ignored by MISP on add; set them
	// with an edit.
	NotificationDaily   *bool `json:"notification_daily,omitempty"`
	NotificationWeekly  *bool `json:"notification_weekly,omitempty"`
	NotificationMonthly *bool `json:"notification_monthly,omitempty"`
	ForceLogout         *bool `json:"force_logout,omitempty"`
	// Expiration is MISP's datetime form, "YYYY-MM-DD HH:MM:SS"; ignored on
	// add, like Notification*.
	Expiration *string `json:"expiration,omitempty"`
	// Notify (add only) e-mails the new user its credentials.
	Notify *bool `json:"notify,omitempty"`
}

// secrets are the sensitive values of in, scrubbed from error text: the password and the external
// authentication key, each also as MISP stores it (trimmed).
func (in UserInput) secrets() []string {
	var out []string
	for _, s := range []*string{in.Password, in.ExternalAuthKey} {
		if s != nil {
			out = append(out, *s, strings.Trim(*s, " \t\n\r\x00\x0B"))
		}
	}
	return out
}

// ListUsers lists users (GET /admin/users/index/<filters>). MISP does not
// page this list.
func (c *Client) ListUsers(ctx context.Context, f UserFilter) ([]UserIndexEntry, error) {
	data, err := c.do(ctx, request{method: http.MethodGet, path: "/admin/users/index" + f.path()})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	var out []UserIndexEntry
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("list users: decode answer (%d bytes): %w", len(data), err)
	}
	return out, nil
}

// GetUser reads one user by numeric id (GET /admin/users/view/{id}).
func (c *Client) GetUser(ctx context.Context, id string) (*UserView, error) {
	p, err := idPath("/admin/users/view", id)
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	data, err := c.do(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return nil, fmt.Errorf("read user %s: %w", id, err)
	}
	v, err := c.decodeUserView(data)
	if err != nil {
		return nil, fmt.Errorf("read user %s: %w", id, err)
	}
	return v, nil
}

// ViewMe reads the caller's own user, role, organisation and settings
// (GET /users/view/me).
func (c *Client) ViewMe(ctx context.Context) (*UserView, error) {
	data, err := c.do(ctx, request{method: http.MethodGet, path: "/users/view/me"})
	if err != nil {
		return nil, fmt.Errorf("read own user: %w", err)
	}
	v, err := c.decodeUserView(data)
	if err != nil {
		return nil, fmt.Errorf("read own user: %w", err)
	}
	return v, nil
}

// AddUser creates a user (POST /admin/users/add). The answer's Authkey is
// the new API key, which MISP never shows again.
func (c *Client) AddUser(ctx context.Context, in UserInput) (*User, error) {
	u, err := c.writeUser(ctx, "/admin/users/add", in)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// EditUser changes the fields set in in (POST /admin/users/edit/{id}).
func (c *Client) EditUser(ctx context.Context, id string, in UserInput) (*User, error) {
	p, err := idPath("/admin/users/edit", id)
	if err != nil {
		return nil, fmt.Errorf("update user: %w", err)
	}
	u, err := c.writeUser(ctx, p, in)
	if err != nil {
		return nil, fmt.Errorf("update user %s: %w", id, err)
	}
	return u, nil
}

func (c *Client) writeUser(ctx context.Context, path string, in UserInput) (*User, error) {
	return doRecord[User](ctx, c, request{method: http.MethodPost, path: path, body: in, secrets: in.secrets()}, "User")
}

// DeleteUser deletes a user (POST /admin/users/delete/{id}). A second delete
// is ErrNotFound.
func (c *Client) DeleteUser(ctx context.Context, id string) error {
	return c.action(ctx, "delete user", "/admin/users/delete", id, "")
}

// InitiatePasswordReset makes MISP generate a new password and e-mail it
// (POST /users/initiatePasswordReset/{id}[/1]); firstTime selects the
// "new user" template. MISP answers 200 either way; "saved": false (e.g.
// the e-mail could not be sent) is an *APIError.
func (c *Client) InitiatePasswordReset(ctx context.Context, id string, firstTime bool) error {
	suffix := ""
	if firstTime {
		suffix = "/1"
	}
	return c.action(ctx, "reset password of user", "/users/initiatePasswordReset", id, suffix)
}

// DeleteUserTOTP removes a user's TOTP secret (POST /users/totp_delete/{id}).
func (c *Client) DeleteUserTOTP(ctx context.Context, id string) error {
	return c.action(ctx, "delete TOTP of user", "/users/totp_delete", id, "")
}

// action POSTs to prefix/id[suffix] and checks the success envelope.
func (c *Client) action(ctx context.Context, what, prefix, id, suffix string) error {
	p, err := idPath(prefix, id)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	data, err := c.do(ctx, request{method: http.MethodPost, path: p + suffix})
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, id, err)
	}
	if err := c.decodeAction(data); err != nil {
		return fmt.Errorf("%s %s: %w", what, id, err)
	}
	return nil
}

func (c *Client) decodeUserView(data []byte) (*UserView, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode MISP answer (%d bytes): %w", len(data), err)
	}
	if _, ok := m["User"]; !ok {
		return nil, c.missingRecordError(data, m, "User", nil)
	}
	var v UserView
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("decode MISP user view: %w", err)
	}
	return &v, nil
}
