package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

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

// emailSearchTerm is the part of an e-mail address to give MISP's e-mail filter, which reads a leading "!" as
// NOT and "|" as OR and matches substrings: the longest run of the address without "|", its leading "!"s
// dropped. The caller keeps only the exact address from what it matches.
func emailSearchTerm(email string) string {
	best := ""
	for _, part := range strings.Split(email, "|") {
		part = strings.TrimLeft(part, "!")
		if len(part) > len(best) {
			best = part
		}
	}
	return best
}
