package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The members of one sharing group must be managed one way: the authoritative organisations of misp_sharing_group,
// or misp_sharing_group_organisation resources. Mixed, they undo each other on every apply. A resource cannot see
// the configuration of another, so the provider warns where it can know (the section "Members: one way per group"
// of the misp_sharing_group documentation, templates/resources/sharing_group.md.tmpl, says the same to users):
//
//  1. Both kinds for the same group id in one run of one provider configuration: each registers in sgStyles as it
//     is planned (and misp_sharing_group again once its apply knows the id), and whichever comes second warns.
//  2. A misp_sharing_group with organisations set whose plan removes members that this resource did not apply
//     itself: someone else added them. The resource's private state keeps the members it last applied
//     (sgAppliedKey).
//  3. A misp_sharing_group_organisation whose member is gone from MISP: its refresh warning names the
//     authoritative list as a possible cause.
//
// Which other resource, configuration or person added a member is not knowable, nor a mix in which both agree
// (the membership resource for a member organisations also lists) until one of them changes.

// sgDocsSection names the documentation section on the two ways, for diagnostics.
const sgDocsSection = `"Members: one way per group" in the misp_sharing_group documentation`

// sgStyles records, for one provider configuration's run, which sharing groups a misp_sharing_group lists the members
// of and which memberships misp_sharing_group_organisation resources manage. The zero value is ready to use.
type sgStyles struct {
	mu sync.Mutex
	// authoritative maps a group id to its name, for each misp_sharing_group with organisations set.
	authoritative map[string]string
	// single maps a group id to the organisation ids of its misp_sharing_group_organisation resources.
	single map[string]map[string]bool
}

// listsMembers records that a misp_sharing_group lists the members of group id, and returns the organisations
// of the misp_sharing_group_organisation resources of that group registered so far (sorted).
func (s *sgStyles) listsMembers(id, name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.authoritative == nil {
		s.authoritative = map[string]string{}
	}
	s.authoritative[id] = name
	return sortedSetKeys(s.single[id])
}

// managesMembership records a misp_sharing_group_organisation of group sg and organisation org, and returns the
// group's name and true when a misp_sharing_group registered so far lists that group's members.
func (s *sgStyles) managesMembership(sg, org string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.single == nil {
		s.single = map[string]map[string]bool{}
	}
	if s.single[sg] == nil {
		s.single[sg] = map[string]bool{}
	}
	s.single[sg][org] = true
	name, ok := s.authoritative[sg]
	return name, ok
}

// addMixedMembersWarning is the warning of case 1, on attribute at (organisations of the group, or
// sharing_group_id of a membership).
func addMixedMembersWarning(diags *diag.Diagnostics, at path.Path, group, id string, orgs []string) {
	diags.AddAttributeWarning(at, "Sharing group members managed in two ways",
		fmt.Sprintf("misp_sharing_group %q (id %s) lists its members in organisations, which is authoritative, and this "+
			"configuration also has misp_sharing_group_organisation resources for that group (%s). The two undo each "+
			"other: each apply of the group removes the members organisations does not list, and the membership "+
			"resources add them back on the next apply; destroying a membership resource removes a member that "+
			"organisations lists. Manage this group's members one way: list them all in organisations and remove the "+
			"misp_sharing_group_organisation resources, or leave organisations out of misp_sharing_group. See %s.",
			group, id, orgList(orgs), sgDocsSection))
}

func orgList(orgs []string) string {
	if len(orgs) == 1 {
		return "organisation " + orgs[0]
	}
	return "organisations " + strings.Join(orgs, ", ")
}

// sgAppliedKey is the private-state key of misp_sharing_group holding the organisation ids (a JSON list) of the
// organisations attribute it last applied. Absent: organisations was not configured at the last apply, or the group
// was imported.
const sgAppliedKey = "organisations_applied"

// appliedMembers reads sgAppliedKey; recorded is false when it is absent (or unreadable).
func appliedMembers(ctx context.Context, p privateGetter) (ids map[string]bool, recorded bool) {
	raw, diags := p.GetKey(ctx, sgAppliedKey)
	if diags.HasError() || len(raw) == 0 {
		return nil, false
	}
	var list []string
	if json.Unmarshal(raw, &list) != nil {
		return nil, false
	}
	ids = make(map[string]bool, len(list))
	for _, id := range list {
		ids[id] = true
	}
	return ids, true
}

// recordAppliedMembers stores the members of a configured organisations set, or removes the record when
// organisations is not configured (members nil).
func recordAppliedMembers(ctx context.Context, p privateSetter, members map[string]bool, configured bool) diag.Diagnostics {
	if !configured {
		return p.SetKey(ctx, sgAppliedKey, nil)
	}
	ids := sortedSetKeys(members)
	if ids == nil {
		ids = []string{}
	}
	raw, err := json.Marshal(ids)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Error recording sharing group members", err.Error())
		return diags
	}
	return p.SetKey(ctx, sgAppliedKey, raw)
}

// warnForeignMembers is case 2: the plan (organisations configured and known) removes members that MISP holds
// (state, just refreshed) and that this resource did not apply.
func (r *sharingGroupResource) warnForeignMembers(ctx context.Context, diags *diag.Diagnostics, p privateGetter, plan, state sharingGroupModel) {
	planned, ok, d := sgMembersOf(ctx, plan.Organisations)
	diags.Append(d...)
	if !ok {
		return
	}
	current, ok, d := sgMembersOf(ctx, state.Organisations)
	diags.Append(d...)
	if !ok {
		return
	}
	applied, recorded := appliedMembers(ctx, p)
	var foreign []string
	for _, id := range sortedSetKeys(current) {
		if _, keep := planned[id]; !keep && !applied[id] {
			foreign = append(foreign, r.orgLabel(ctx, id))
		}
	}
	if len(foreign) == 0 {
		return
	}
	members, they, them, was, one := "as a member", "it", "it", "was", "this membership"
	if len(foreign) > 1 {
		members, they, them, was, one = "as members", "they", "them", "were", "one of these memberships"
	}
	origin := fmt.Sprintf("this resource did not add %s: %s %s added", them, they, was)
	if !recorded {
		origin = fmt.Sprintf("the state has no record of the members this resource applied (the group was imported, or "+
			"last applied by an earlier version of the provider): %s may have been added", they)
	}
	diags.AddAttributeWarning(path.Root("organisations"), "Sharing group members added outside organisations will be removed",
		fmt.Sprintf("MISP lists %s %s of sharing group %q (id %s), but organisations does not, and %s in MISP, by "+
			"another configuration, or by a misp_sharing_group_organisation resource. organisations is authoritative, so "+
			"this apply removes %s. If a misp_sharing_group_organisation resource manages %s, the two resources undo "+
			"each other on every apply: manage the group's members one way (see %s). To keep a member, add it to "+
			"organisations.",
			orgList(foreign), members, state.Name.ValueString(), state.ID.ValueString(), origin, them, one, sgDocsSection))
}

// orgLabel is `7 ("Partner A")`, or the id alone when the name cannot be read.
func (r *sharingGroupResource) orgLabel(ctx context.Context, id string) string {
	if r.client == nil {
		return id
	}
	name, err := r.client.CachedOrganisationName(ctx, id)
	if err != nil || name == "" {
		return id
	}
	return fmt.Sprintf("%s (%q)", id, name)
}

// registerStyle is case 1 on the group's side: a group with organisations configured and a known id registers,
// and warns when membership resources of that group were planned before it.
func (r *sharingGroupResource) registerStyle(diags *diag.Diagnostics, id, name types.String, configured bool) {
	if r.pd == nil || !configured || !known(id) {
		return
	}
	if orgs := r.pd.sgStyles.listsMembers(id.ValueString(), name.ValueString()); len(orgs) > 0 {
		addMixedMembersWarning(diags, path.Root("organisations"), name.ValueString(), id.ValueString(), orgs)
	}
}

// registerStyle is case 1 on the membership's side.
func (r *sharingGroupOrganisationResource) registerStyle(diags *diag.Diagnostics, sg, org types.String) {
	if r.pd == nil || !known(sg) || !known(org) {
		return
	}
	if name, ok := r.pd.sgStyles.managesMembership(sg.ValueString(), org.ValueString()); ok {
		addMixedMembersWarning(diags, path.Root("sharing_group_id"), name, sg.ValueString(), []string{org.ValueString()})
	}
}
