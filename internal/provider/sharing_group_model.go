package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// The sharing group as the resource and the data sources hold it (docs/development/misp-api.md §10).

// sharingGroupModel is misp_sharing_group, and one group of the sharing group data sources.
type sharingGroupModel struct {
	ID               types.String    `tfsdk:"id"`
	UUID             uuidStringValue `tfsdk:"uuid"`
	Name             types.String    `tfsdk:"name"`
	Description      types.String    `tfsdk:"description"`
	Releasability    types.String    `tfsdk:"releasability"`
	Active           types.Bool      `tfsdk:"active"`
	Roaming          types.Bool      `tfsdk:"roaming"`
	Local            types.Bool      `tfsdk:"local"`
	OrganisationID   types.String    `tfsdk:"organisation_id"`
	OrganisationUUID types.String    `tfsdk:"organisation_uuid"`
	Created          types.String    `tfsdk:"created"`
	Modified         types.String    `tfsdk:"modified"`
	OrgCount         types.Int64     `tfsdk:"org_count"`
	Organisations    types.Set       `tfsdk:"organisations"`
	Servers          types.Set       `tfsdk:"servers"`
}

// sgMember is one element of organisations.
type sgMember struct {
	OrganisationID types.String `tfsdk:"organisation_id"`
	Extend         types.Bool   `tfsdk:"extend"`
}

// sgServer is one element of servers.
type sgServer struct {
	ServerID types.String `tfsdk:"server_id"`
	AllOrgs  types.Bool   `tfsdk:"all_orgs"`
}

var (
	sgMemberType = types.ObjectType{AttrTypes: map[string]attr.Type{"organisation_id": types.StringType, "extend": types.BoolType}}
	sgServerType = types.ObjectType{AttrTypes: map[string]attr.Type{"server_id": types.StringType, "all_orgs": types.BoolType}}
)

// Attribute descriptions shared by the resource and the data sources.
const (
	sgDescID            = "Numeric id MISP gave the sharing group."
	sgDescUUID          = "The sharing group's UUID, shared with the MISP instances it syncs with."
	sgDescName          = "Name of the sharing group, unique in MISP (compared case-insensitively)."
	sgDescDescription   = "Free-text description."
	sgDescReleasability = "Free-text statement of what the sharing group's data may be released to."
	sgDescActive        = "Whether the sharing group can be chosen for new data. MISP lists inactive groups separately."
	sgDescRoaming       = "A roaming sharing group is not tied to servers: its data may travel to any instance of its member organisations."
	sgDescLocal         = "MISP's `local` flag of the group (false for every group created through the API)."
	sgDescOrgID         = "Id of the organisation that owns the group: the organisation of the API key that created it. " +
		"It is not a member unless listed in `organisations`."
	sgDescOrgUUID  = "UUID of the owning organisation."
	sgDescCreated  = "When the group was created (RFC 3339, MISP's clock taken as UTC)."
	sgDescModified = "When the group was last changed (RFC 3339, MISP's clock taken as UTC)."
	sgDescOrgCount = "Number of member organisations."
	sgDescMembers  = "The member organisations, each with `extend` (whether the member's users with the sharing-group " +
		"permission may edit the group)."
	sgDescServers = "The servers the group's data may be synchronised to, each with `all_orgs` (shared with every " +
		"organisation of that server). Server `0` is this MISP instance."
)

// sharingGroupFromAPI maps MISP's record to the model.
func sharingGroupFromAPI(ctx context.Context, rec *misp.SharingGroupRecord) (sharingGroupModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	g := rec.SharingGroup
	members := make([]sgMember, 0, len(rec.SharingGroupOrg))
	for _, m := range rec.SharingGroupOrg {
		members = append(members, sgMember{OrganisationID: types.StringValue(m.OrgID.String()), Extend: types.BoolValue(bool(m.Extend))})
	}
	servers := make([]sgServer, 0, len(rec.SharingGroupServer))
	for _, s := range rec.SharingGroupServer {
		servers = append(servers, sgServer{ServerID: types.StringValue(s.ServerID.String()), AllOrgs: types.BoolValue(bool(s.AllOrgs))})
	}
	memberSet, d := types.SetValueFrom(ctx, sgMemberType, members)
	diags.Append(d...)
	serverSet, d := types.SetValueFrom(ctx, sgServerType, servers)
	diags.Append(d...)
	ownerUUID := g.OrganisationUUID
	if rec.Organisation != nil && rec.Organisation.UUID != "" {
		ownerUUID = rec.Organisation.UUID
	}
	count := int64(g.OrgCount)
	if count == 0 {
		count = int64(len(rec.SharingGroupOrg))
	}
	return sharingGroupModel{
		ID:               types.StringValue(g.ID.String()),
		UUID:             uuidValue(g.UUID),
		Name:             types.StringValue(g.Name),
		Description:      types.StringValue(g.Description),
		Releasability:    types.StringValue(g.Releasability),
		Active:           types.BoolValue(bool(g.Active)),
		Roaming:          types.BoolValue(bool(g.Roaming)),
		Local:            types.BoolValue(bool(g.Local)),
		OrganisationID:   types.StringValue(g.OrgID.String()),
		OrganisationUUID: types.StringValue(ownerUUID),
		Created:          mispDatetimeToRFC3339(g.Created),
		Modified:         mispDatetimeToRFC3339(g.Modified),
		OrgCount:         types.Int64Value(count),
		Organisations:    memberSet,
		Servers:          serverSet,
	}, diags
}

// sgMembersOf reads a known organisations set; ok is false when it is null or unknown.
func sgMembersOf(ctx context.Context, set types.Set) (map[string]bool, bool, diag.Diagnostics) {
	if !known(set) {
		return nil, false, nil
	}
	var list []sgMember
	diags := set.ElementsAs(ctx, &list, false)
	out := map[string]bool{}
	for _, m := range list {
		if !known(m.OrganisationID) || m.Extend.IsUnknown() {
			return nil, false, diags
		}
		out[m.OrganisationID.ValueString()] = m.Extend.ValueBool()
	}
	return out, true, diags
}

// sgServersOf reads a known servers set; ok is false when it is null or unknown.
func sgServersOf(ctx context.Context, set types.Set) (map[string]bool, bool, diag.Diagnostics) {
	if !known(set) {
		return nil, false, nil
	}
	var list []sgServer
	diags := set.ElementsAs(ctx, &list, false)
	out := map[string]bool{}
	for _, s := range list {
		if !known(s.ServerID) || s.AllOrgs.IsUnknown() {
			return nil, false, diags
		}
		out[s.ServerID.ValueString()] = s.AllOrgs.ValueBool()
	}
	return out, true, diags
}

func sortedSetKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// lookupSharingGroup finds a sharing group by id, uuid or name (names compared exactly first, then
// case-insensitively, as MISP keeps them unique). A numeric key is an id first and a name second.
func lookupSharingGroup(ctx context.Context, c *misp.Client, key string) (*misp.SharingGroupRecord, error) {
	if key == "" {
		return nil, errors.New("the key is empty")
	}
	isID, isUUID := numericIDRe.MatchString(key), mispUUIDRe.MatchString(key)
	if isID || isUUID {
		lookup := key
		if isUUID {
			lookup = strings.ToLower(key)
		}
		rec, err := c.GetSharingGroup(ctx, lookup)
		if err == nil {
			return rec, nil
		}
		if !errors.Is(err, misp.ErrNotFound) {
			return nil, fmt.Errorf("looking up sharing group %q: %w", key, err)
		}
	}
	g, err := findSharingGroupByName(ctx, c, key, "")
	if err != nil {
		return nil, fmt.Errorf("looking up sharing group %q: %w", key, err)
	}
	if g == nil {
		return nil, fmt.Errorf("no MISP sharing group has the id, uuid or name %q: %w", key, misp.ErrNotFound)
	}
	rec, err := c.GetSharingGroup(ctx, g.ID.String())
	if err != nil {
		return nil, fmt.Errorf("reading sharing group %s: %w", g.ID, err)
	}
	return rec, nil
}

// findSharingGroupByName returns the group (active or not) whose name is name, exactly or else
// case-insensitively, other than the group except; nil when there is none.
func findSharingGroupByName(ctx context.Context, c *misp.Client, name, except string) (*misp.SharingGroup, error) {
	all, err := c.ListAllSharingGroups(ctx)
	if err != nil {
		return nil, err
	}
	var folded *misp.SharingGroup
	for i := range all {
		g := &all[i].SharingGroup
		if g.ID.String() == except {
			continue
		}
		if g.Name == name {
			return g, nil
		}
		if folded == nil && strings.EqualFold(strings.TrimRight(g.Name, " "), strings.TrimRight(name, " ")) {
			folded = g
		}
	}
	return folded, nil
}
