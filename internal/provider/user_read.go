package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// userRecord is what MISP says about one user: the admin view (every column, the role and the
// organisation) plus server_id, which only the index and the add/edit answers carry.
type userRecord struct {
	User     misp.User
	OrgName  string
	RoleName string
	// ServerID is nil when the index row could not be found (an e-mail that MISP's filter syntax
	// mangles, e.g. one starting with "!"); callers then keep what they knew.
	ServerID *string
	// FromIndex: the record is a row of the users index, without notification_*, external_auth_* and
	// totp_is_set; callers keep what they knew of those (see user_index_read.go).
	FromIndex bool
}

// readUser is the single place where one user is fetched, so that a cached index can later serve it.
// It returns an error matching misp.ErrNotFound when the user does not exist (or the key may not see it).
func readUser(ctx context.Context, c *misp.Client, id string) (*userRecord, error) {
	v, err := c.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	rec := &userRecord{User: v.User, OrgName: v.Organisation.Name, RoleName: v.Role.Name}
	// The view drops server_id (docs/development/misp-api.md §1.1.2); the index keeps it. Filtering by e-mail keeps the
	// answer to one row in practice; the id decides.
	entries, err := c.ListUsers(ctx, misp.UserFilter{Email: v.User.Email})
	if err != nil {
		return nil, fmt.Errorf("read server_id of user %s: %w", id, err)
	}
	for _, e := range entries {
		if e.User.ID == v.User.ID {
			sid := idString(e.User.ServerID)
			rec.ServerID = &sid
			break
		}
	}
	return rec, nil
}

// errUserEmailNotFound reports an e-mail address without a MISP user.
var errUserEmailNotFound = errors.New("no MISP user has this e-mail address")

// findUserByEmail finds the user whose e-mail equals email, ignoring case as MISP does. MISP's
// searchemail filter is a substring match, so the exact comparison happens here.
func findUserByEmail(ctx context.Context, c *misp.Client, email string) (*misp.UserIndexEntry, error) {
	entries, err := c.ListUsers(ctx, misp.UserFilter{Email: emailSearchTerm(email)})
	if err != nil {
		return nil, err
	}
	for i := range entries {
		if strings.EqualFold(entries[i].User.Email, email) {
			return &entries[i], nil
		}
	}
	return nil, fmt.Errorf("%w (%s)", errUserEmailNotFound, email)
}

// idString renders a MISP id; MISP's null (a user without a server) reads as "0", its column default.
func idString(id misp.ID) string {
	if id == "" {
		return "0"
	}
	return id.String()
}

// idValue is a MISP id as a Terraform string; an absent id is null.
func idValue(id misp.ID) types.String {
	if id == "" {
		return types.StringNull()
	}
	return types.StringValue(id.String())
}

// nameValue is an embedded role or organisation name; a dangling reference (MISP returns nulls) is null.
func nameValue(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// userComputedModel holds the read-only attributes that misp_user shares with its data sources.
type userComputedModel struct {
	InvitedBy     types.String `tfsdk:"invited_by"`
	NewsRead      types.String `tfsdk:"newsread"`
	CurrentLogin  types.String `tfsdk:"current_login"`
	LastLogin     types.String `tfsdk:"last_login"`
	LastAPIAccess types.String `tfsdk:"last_api_access"`
	LastPwChange  types.String `tfsdk:"last_pw_change"`
	DateCreated   types.String `tfsdk:"date_created"`
	DateModified  types.String `tfsdk:"date_modified"`
	TOTPEnabled   types.Bool   `tfsdk:"totp_enabled"`
	OrgName       types.String `tfsdk:"org_name"`
	RoleName      types.String `tfsdk:"role_name"`
}

func (m *userComputedModel) setFromRecord(rec *userRecord) {
	u := rec.User
	m.InvitedBy = idValue(u.InvitedBy)
	m.NewsRead = unixToRFC3339(u.NewsRead)
	m.CurrentLogin = unixToRFC3339(u.CurrentLogin)
	m.LastLogin = unixToRFC3339(u.LastLogin)
	m.LastAPIAccess = unixToRFC3339(u.LastAPIAccess)
	m.LastPwChange = unixToRFC3339(u.LastPwChange)
	m.DateCreated = unixToRFC3339(u.DateCreated)
	m.DateModified = unixToRFC3339(u.DateModified)
	if !rec.FromIndex {
		m.TOTPEnabled = types.BoolValue(bool(u.TOTPIsSet))
	}
	m.OrgName = nameValue(rec.OrgName)
	m.RoleName = nameValue(rec.RoleName)
}

// userFieldPaths maps MISP's user field names (as in its validation errors) to misp_user attributes.
var userFieldPaths = map[string]path.Path{
	"email":                  path.Root("email"),
	"org_id":                 path.Root("org_id"),
	"role_id":                path.Root("role_id"),
	"server_id":              path.Root("server_id"),
	"password":               path.Root("password_wo"),
	"autoalert":              path.Root("autoalert"),
	"contactalert":           path.Root("contactalert"),
	"disabled":               path.Root("disabled"),
	"termsaccepted":          path.Root("termsaccepted"),
	"change_pw":              path.Root("change_pw"),
	"gpgkey":                 path.Root("gpgkey"),
	"certif_public":          path.Root("certif_public"),
	"nids_sid":               path.Root("nids_sid"),
	"expiration":             path.Root("expiration"),
	"external_auth_required": path.Root("external_auth_required"),
	"external_auth_key":      path.Root("external_auth_key"),
}
