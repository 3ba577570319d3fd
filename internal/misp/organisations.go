package misp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Organisation is a MISP organisation (docs/development/misp-api.md §2.2). Landingpage is
// absent from views; UserCount from add/edit answers; CreatedBy and
// CreatedByEmail are shown to site admins (and org admins of that org).
type Organisation struct {
	ID ID `json:"id"`
	// Name is unique and case-sensitive.
	Name string `json:"name"`
	// DateCreated and DateModified are "YYYY-MM-DD HH:MM:SS" in MISP's time zone.
	DateCreated  string `json:"date_created"`
	DateModified string `json:"date_modified"`
	Description  string `json:"description"`
	Type         string `json:"type"`
	Nationality  string `json:"nationality"`
	Sector       string `json:"sector"`
	CreatedBy    ID     `json:"created_by"`
	// UUID is lower-case.
	UUID     string `json:"uuid"`
	Contacts string `json:"contacts"`
	Local    Bool   `json:"local"`
	// RestrictedToDomain is nil when MISP sends null (never written) and
	// empty when it sends [].
	RestrictedToDomain StringList `json:"restricted_to_domain"`
	Landingpage        string     `json:"landingpage"`
	UserCount          Int64      `json:"user_count"`
	CreatedByEmail     string     `json:"created_by_email"`
}

// OrganisationInput is the body of organisation add/edit. Only non-nil
// fields are sent; on edit an absent field keeps its value. To clear a text
// field send "", to clear the domains send an empty list.
type OrganisationInput struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	Type        *string `json:"type,omitempty"`
	Nationality *string `json:"nationality,omitempty"`
	Sector      *string `json:"sector,omitempty"`
	Contacts    *string `json:"contacts,omitempty"`
	// UUID must be a v1-v5 UUID; MISP lower-cases it.
	UUID  *string `json:"uuid,omitempty"`
	Local *bool   `json:"local,omitempty"`
	// RestrictedToDomain: a pointer to a nil or empty slice sends [].
	RestrictedToDomain *[]string `json:"restricted_to_domain,omitempty"`
	// Landingpage is honoured on add only.
	Landingpage *string `json:"landingpage,omitempty"`
}

// MarshalJSON sends a set-but-nil RestrictedToDomain as [] (JSON null would
// mean "keep" to MISP's edit).
func (in OrganisationInput) MarshalJSON() ([]byte, error) {
	type plain OrganisationInput
	p := plain(in)
	if p.RestrictedToDomain != nil && *p.RestrictedToDomain == nil {
		empty := []string{}
		p.RestrictedToDomain = &empty
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode organisation: %w", err)
	}
	return b, nil
}

var (
	numericRe = regexp.MustCompile(`^[0-9]+$`)
	uuidRe    = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// ListOrganisations lists organisations (GET /organisations/index[/scope:X][/searchall:Y]).
// scope is "local" (MISP's default when empty), "external" or "all"; search
// is a case-insensitive substring over name, description, uuid and other
// text fields.
func (c *Client) ListOrganisations(ctx context.Context, scope, search string) ([]Organisation, error) {
	p := "/organisations/index"
	if scope != "" {
		p += "/scope:" + escapeSegment(scope)
	}
	if search != "" {
		p += "/searchall:" + escapeSegment(search)
	}
	data, err := c.do(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	out, err := decodeList[Organisation](data, "Organisation")
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	return out, nil
}

// GetOrganisation reads one organisation by id, UUID or name
// (GET /organisations/view/{x}). MISP URL-decodes a name once more after the
// router did, so "+" and "%" in names are encoded twice.
func (c *Client) GetOrganisation(ctx context.Context, idUUIDOrName string) (*Organisation, error) {
	seg := idUUIDOrName
	if !numericRe.MatchString(seg) && !uuidRe.MatchString(seg) {
		seg = strings.NewReplacer("%", "%25", "+", "%2B").Replace(seg)
	}
	p, err := idPath("/organisations/view", seg)
	if err != nil {
		return nil, fmt.Errorf("read organisation: %w", err)
	}
	o, err := doRecord[Organisation](ctx, c, request{method: http.MethodGet, path: p}, "Organisation")
	if err != nil {
		return nil, fmt.Errorf("read organisation %s: %w", idUUIDOrName, err)
	}
	return o, nil
}

// AddOrganisation creates an organisation (POST /admin/organisations/add).
func (c *Client) AddOrganisation(ctx context.Context, in OrganisationInput) (*Organisation, error) {
	o, err := c.writeOrganisation(ctx, "/admin/organisations/add", in)
	if err != nil {
		return nil, fmt.Errorf("create organisation: %w", err)
	}
	return o, nil
}

// EditOrganisation changes the fields set in in (POST /admin/organisations/edit/{id}).
func (c *Client) EditOrganisation(ctx context.Context, id string, in OrganisationInput) (*Organisation, error) {
	p, err := idPath("/admin/organisations/edit", id)
	if err != nil {
		return nil, fmt.Errorf("update organisation: %w", err)
	}
	o, err := c.writeOrganisation(ctx, p, in)
	if err != nil {
		return nil, fmt.Errorf("update organisation %s: %w", id, err)
	}
	return o, nil
}

func (c *Client) writeOrganisation(ctx context.Context, path string, in OrganisationInput) (*Organisation, error) {
	return doRecord[Organisation](ctx, c, request{method: http.MethodPost, path: path, body: in}, "Organisation")
}

// DeleteOrganisation deletes an organisation by id or UUID
// (POST /admin/organisations/delete/{id}). MISP refuses (403, no reason)
// while users or events belong to it.
func (c *Client) DeleteOrganisation(ctx context.Context, id string) error {
	return c.action(ctx, "delete organisation", "/admin/organisations/delete", id, "")
}
