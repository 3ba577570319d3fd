package misp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// SharingGroup is the SharingGroup part of a MISP sharing group record (docs/development/misp-api.md §10).
// OrgID is the owning organisation (the creator's), which is not a member unless listed in the group's
// organisations. OrgCount is filled by the index only.
type SharingGroup struct {
	ID            ID     `json:"id"`
	Name          string `json:"name"`
	Releasability string `json:"releasability"`
	Description   string `json:"description"`
	// UUID is lower-case.
	UUID             string `json:"uuid"`
	OrganisationUUID string `json:"organisation_uuid"`
	OrgID            ID     `json:"org_id"`
	SyncUserID       ID     `json:"sync_user_id"`
	Active           Bool   `json:"active"`
	// Created and Modified are "YYYY-MM-DD HH:MM:SS" in MISP's time zone.
	Created  string `json:"created"`
	Modified string `json:"modified"`
	Local    Bool   `json:"local"`
	Roaming  Bool   `json:"roaming"`
	OrgCount Int64  `json:"org_count"`
	// SyncOrgName and SyncOrg are the organisation of the user who created the group (sync_user_id), in the view
	// only: SyncOrgName is "N/A" and SyncOrg nil when that user is gone.
	SyncOrgName string              `json:"sync_org_name"`
	SyncOrg     *SharingGroupOrgRef `json:"sync_org"`
}

// SharingGroupOrgRef is the organisation of a membership, as MISP embeds it.
type SharingGroupOrgRef struct {
	ID    ID     `json:"id"`
	Name  string `json:"name"`
	UUID  string `json:"uuid"`
	Local Bool   `json:"local"`
}

// SharingGroupServerRef is the server of a server entry; server 0 is this MISP instance ("Local instance").
type SharingGroupServerRef struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// SharingGroupOrg is one organisation membership. Extend lets the member's users with the sharing-group
// permission edit the group. Organisation is nil when MISP sent none (an add answer for an organisation it
// could not resolve, whose OrgID is then "0").
type SharingGroupOrg struct {
	ID             ID                  `json:"id"`
	SharingGroupID ID                  `json:"sharing_group_id"`
	OrgID          ID                  `json:"org_id"`
	Extend         Bool                `json:"extend"`
	Organisation   *SharingGroupOrgRef `json:"-"`
}

// SharingGroupServer is one server entry. AllOrgs shares with every organisation of that server. Server is nil
// where MISP sent none or [] (the index and the add/edit answers for server 0).
type SharingGroupServer struct {
	ID             ID                     `json:"id"`
	SharingGroupID ID                     `json:"sharing_group_id"`
	ServerID       ID                     `json:"server_id"`
	AllOrgs        Bool                   `json:"all_orgs"`
	Server         *SharingGroupServerRef `json:"-"`
}

// SharingGroupRecord is a sharing group with its owner, organisations and servers, as the view, the index, add
// and edit answer it. Editable and Deletable come from the index only.
type SharingGroupRecord struct {
	SharingGroup       SharingGroup         `json:"SharingGroup"`
	Organisation       *SharingGroupOrgRef  `json:"-"`
	SharingGroupOrg    []SharingGroupOrg    `json:"SharingGroupOrg"`
	SharingGroupServer []SharingGroupServer `json:"SharingGroupServer"`
	Editable           Bool                 `json:"editable"`
	Deletable          Bool                 `json:"deletable"`
}

// optionalObject decodes a JSON object into out, and leaves out nil for null or an array (MISP's PHP sends an
// empty array where it has no object).
func optionalObject[T any](raw json.RawMessage) (*T, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, nil
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// UnmarshalJSON decodes the membership and its embedded organisation.
func (o *SharingGroupOrg) UnmarshalJSON(b []byte) error {
	type plain SharingGroupOrg
	var aux struct {
		plain
		Organisation json.RawMessage `json:"Organisation"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("decode sharing group organisation: %w", err)
	}
	ref, err := optionalObject[SharingGroupOrgRef](aux.Organisation)
	if err != nil {
		return fmt.Errorf("decode sharing group organisation: %w", err)
	}
	*o = SharingGroupOrg(aux.plain)
	o.Organisation = ref
	return nil
}

// UnmarshalJSON decodes the server entry and its embedded server.
func (s *SharingGroupServer) UnmarshalJSON(b []byte) error {
	type plain SharingGroupServer
	var aux struct {
		plain
		Server json.RawMessage `json:"Server"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("decode sharing group server: %w", err)
	}
	ref, err := optionalObject[SharingGroupServerRef](aux.Server)
	if err != nil {
		return fmt.Errorf("decode sharing group server: %w", err)
	}
	*s = SharingGroupServer(aux.plain)
	s.Server = ref
	return nil
}

// UnmarshalJSON decodes the record and its owner organisation.
func (r *SharingGroupRecord) UnmarshalJSON(b []byte) error {
	type plain SharingGroupRecord
	var aux struct {
		plain
		Organisation json.RawMessage `json:"Organisation"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("decode sharing group: %w", err)
	}
	ref, err := optionalObject[SharingGroupOrgRef](aux.Organisation)
	if err != nil {
		return fmt.Errorf("decode sharing group owner: %w", err)
	}
	*r = SharingGroupRecord(aux.plain)
	r.Organisation = ref
	return nil
}

// SharingGroupInput is the body of sharing group add and edit. Only non-nil fields are sent. Active is honoured
// by the add only: MISP's edit keeps the stored value (§10.4).
type SharingGroupInput struct {
	Name          *string `json:"name,omitempty"`
	Description   *string `json:"description,omitempty"`
	Releasability *string `json:"releasability,omitempty"`
	Active        *bool   `json:"active,omitempty"`
	Roaming       *bool   `json:"roaming,omitempty"`
	// UUID is honoured by the add only. An add carrying the uuid of an existing group updates that group
	// instead of creating one (§10.5): callers check first.
	UUID *string `json:"uuid,omitempty"`
	// Organisations adds members, or updates the extend flag of members; MISP never removes one through add
	// or edit.
	Organisations []SharingGroupOrgInput `json:"SharingGroupOrg,omitempty"`
	// Servers adds server entries or updates their all_orgs flag. MISP finds a server by its URL only; this
	// instance is the entry whose URL is MISP.baseurl.
	Servers []SharingGroupServerInput `json:"SharingGroupServer,omitempty"`
}

// SharingGroupOrgInput is a membership in an add or edit body. MISP finds the organisation by UUID only: an
// unknown UUID creates a new external organisation and an entry without one stores a membership of
// organisation 0, so UUID must be the uuid of an existing organisation.
type SharingGroupOrgInput struct {
	UUID   string `json:"uuid"`
	Extend bool   `json:"extend"`
}

// SharingGroupServerInput is a server entry in an add or edit body, found by URL.
type SharingGroupServerInput struct {
	URL     string `json:"url"`
	AllOrgs bool   `json:"all_orgs"`
}

var errMemberWithoutUUID = errors.New("every organisation in a sharing group body needs its uuid: MISP stores a " +
	"membership of organisation 0 for an entry without one")

func (in SharingGroupInput) check() error {
	for _, o := range in.Organisations {
		if !uuidRe.MatchString(o.UUID) {
			return errMemberWithoutUUID
		}
	}
	return nil
}

// sgMissingError is MISP's 405 for a sharing group that does not exist or that the caller may not see or
// change (the view, delete, addOrg, removeOrg, addServer and removeServer answer it; edit answers 404). It
// matches ErrNotFound.
type sgMissingError struct{ err *APIError }

func (e *sgMissingError) Error() string        { return e.err.Error() }
func (e *sgMissingError) Unwrap() error        { return e.err }
func (e *sgMissingError) Is(target error) bool { return target == ErrNotFound }

// sgMissing turns MISP's 405 into an error matching ErrNotFound.
func sgMissing(err error, messages ...string) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusMethodNotAllowed {
		return err
	}
	if len(messages) == 0 {
		return &sgMissingError{err: apiErr}
	}
	for _, m := range messages {
		if apiErr.Message == m {
			return &sgMissingError{err: apiErr}
		}
	}
	return err
}

// MISP's messages for a sharing group that is missing or out of the caller's reach.
const (
	sgViewMissing  = "Sharing group doesn't exist or you do not have permission to access it."
	sgActionDenied = "Action not allowed."
	sgQuickMissing = "Invalid sharing group or no editing rights."
)

// ListSharingGroups lists the sharing groups the key may see (GET /sharing_groups/index, or
// /sharing_groups/index/true for the inactive ones: MISP lists only one kind at a time).
func (c *Client) ListSharingGroups(ctx context.Context, inactive bool) ([]SharingGroupRecord, error) {
	p := "/sharing_groups/index"
	if inactive {
		p += "/true"
	}
	data, err := c.do(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return nil, fmt.Errorf("list sharing groups: %w", err)
	}
	var env struct {
		Response []SharingGroupRecord `json:"response"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("list sharing groups: decode MISP answer (%d bytes): %w", len(data), err)
	}
	return env.Response, nil
}

// ListAllSharingGroups lists the active and the inactive sharing groups, by name as MISP orders them per kind.
func (c *Client) ListAllSharingGroups(ctx context.Context) ([]SharingGroupRecord, error) {
	active, err := c.ListSharingGroups(ctx, false)
	if err != nil {
		return nil, err
	}
	inactive, err := c.ListSharingGroups(ctx, true)
	if err != nil {
		return nil, err
	}
	return append(active, inactive...), nil
}

// GetSharingGroup reads one sharing group by id or uuid (GET /sharing_groups/view/{id}). A group that does not
// exist, or that the key may not see, matches ErrNotFound (MISP answers 405).
func (c *Client) GetSharingGroup(ctx context.Context, idOrUUID string) (*SharingGroupRecord, error) {
	p, err := idPath("/sharing_groups/view", idOrUUID)
	if err != nil {
		return nil, fmt.Errorf("read sharing group: %w", err)
	}
	data, err := c.do(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return nil, fmt.Errorf("read sharing group %s: %w", idOrUUID, sgMissing(err, sgViewMissing))
	}
	rec, err := c.decodeSharingGroup(data)
	if err != nil {
		return nil, fmt.Errorf("read sharing group %s: %w", idOrUUID, err)
	}
	return rec, nil
}

func (c *Client) decodeSharingGroup(data []byte) (*SharingGroupRecord, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("decode MISP answer (%d bytes): %w", len(data), err)
	}
	if _, ok := probe["SharingGroup"]; !ok {
		return nil, c.missingRecordError(data, probe, "SharingGroup", nil)
	}
	var rec SharingGroupRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// AddSharingGroup creates a sharing group (POST /sharing_groups/add). MISP gives a name already in use (compared
// case-insensitively) a random "_NNNN" suffix instead of refusing it; the caller compares the answer's name.
// Unless roaming or servers are given, MISP adds this instance (server 0) with all_orgs false.
func (c *Client) AddSharingGroup(ctx context.Context, in SharingGroupInput) (*SharingGroupRecord, error) {
	if err := in.check(); err != nil {
		return nil, fmt.Errorf("create sharing group: %w", err)
	}
	data, err := c.do(ctx, request{method: http.MethodPost, path: "/sharing_groups/add", body: in})
	if err != nil {
		return nil, fmt.Errorf("create sharing group: %w", err)
	}
	rec, err := c.decodeSharingGroup(data)
	if err != nil {
		return nil, fmt.Errorf("create sharing group: %w", err)
	}
	return rec, nil
}

// EditSharingGroup changes the fields set in in (POST /sharing_groups/edit/{id}). MISP answers 200 and keeps
// everything when the new name is taken or empty (then nothing of the scalar fields changes), when the caller is
// not a site admin (§10.6), and it never changes active: the caller compares the answer.
func (c *Client) EditSharingGroup(ctx context.Context, id string, in SharingGroupInput) (*SharingGroupRecord, error) {
	if err := in.check(); err != nil {
		return nil, fmt.Errorf("update sharing group %s: %w", id, err)
	}
	p, err := idPath("/sharing_groups/edit", id)
	if err != nil {
		return nil, fmt.Errorf("update sharing group: %w", err)
	}
	data, err := c.do(ctx, request{method: http.MethodPost, path: p, body: in})
	if err != nil {
		return nil, fmt.Errorf("update sharing group %s: %w", id, sgMissing(err, sgActionDenied))
	}
	rec, err := c.decodeSharingGroup(data)
	if err != nil {
		return nil, fmt.Errorf("update sharing group %s: %w", id, err)
	}
	return rec, nil
}

// DeleteSharingGroup deletes a sharing group (POST /sharing_groups/delete/{id}). A missing group (or one the
// caller does not own) matches ErrNotFound; MISP refuses (403) while events, attributes, objects, reports or
// threads use the group.
func (c *Client) DeleteSharingGroup(ctx context.Context, id string) error {
	err := c.action(ctx, "delete sharing group", "/sharing_groups/delete", id, "")
	return sgMissing(err, sgActionDenied)
}

// AddOrgToSharingGroup makes an organisation (id or uuid) a member
// (POST /sharing_groups/addOrg/{sg}/{org}). MISP refuses (403) an organisation that already is one, whatever
// extend says: change extend with EditSharingGroup.
func (c *Client) AddOrgToSharingGroup(ctx context.Context, sg, org string, extend bool) error {
	return c.sgQuick(ctx, "add organisation to sharing group", "addOrg", sg, org, map[string]any{"extend": extend})
}

// RemoveOrgFromSharingGroup ends a membership (POST /sharing_groups/removeOrg/{sg}/{org}); 403 when the
// organisation is not a member.
func (c *Client) RemoveOrgFromSharingGroup(ctx context.Context, sg, org string) error {
	return c.sgQuick(ctx, "remove organisation from sharing group", "removeOrg", sg, org, nil)
}

// AddServerToSharingGroup adds a remote server (its id) (POST /sharing_groups/addServer/{sg}/{server}). Server
// 0 (this instance) cannot be added this way: MISP answers 405 "Invalid Server." (use EditSharingGroup).
//
// There is deliberately no RemoveServerFromSharingGroup: MISP 2.5.1's removeServer deletes the server entry whose
// row id equals the server's id, which may be another entry of any sharing group (§10.8).
func (c *Client) AddServerToSharingGroup(ctx context.Context, sg, server string, allOrgs bool) error {
	return c.sgQuick(ctx, "add server to sharing group", "addServer", sg, server, map[string]any{"all_orgs": allOrgs})
}

func (c *Client) sgQuick(ctx context.Context, what, action, sg, object string, body map[string]any) error {
	p, err := idPath("/sharing_groups/"+action, sg)
	if err == nil {
		p, err = idPath(p, object)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	r := request{method: http.MethodPost, path: p}
	if body != nil {
		r.body = body
	}
	data, err := c.do(ctx, r)
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, sg, sgMissing(err, sgQuickMissing))
	}
	if err := c.decodeAction(data); err != nil {
		return fmt.Errorf("%s %s: %w", what, sg, err)
	}
	return nil
}
