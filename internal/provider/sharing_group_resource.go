package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ resource.ResourceWithConfigValidators = (*sharingGroupResource)(nil)
	_ resource.ResourceWithConfigure        = (*sharingGroupResource)(nil)
	_ resource.ResourceWithImportState      = (*sharingGroupResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*sharingGroupResource)(nil)
)

// NewSharingGroupResource is the misp_sharing_group resource.
func NewSharingGroupResource() resource.Resource {
	return &sharingGroupResource{}
}

type sharingGroupResource struct {
	client *misp.Client
	pd     *providerData
}

func (r *sharingGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sharing_group"
}

func (r *sharingGroupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepBool := []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
	optionalText := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc + " Left out of the configuration, MISP's value is kept; set `\"\"` to clear it.",
			Optional:            true, Computed: true, PlanModifiers: keep,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A MISP sharing group: a named set of organisations (and of servers) that data can be shared " +
			"with. Needs a site admin's API key: MISP 2.5.1 answers an org admin's edits with success but applies none " +
			"of them, and refuses a plain user's, so other keys are refused at plan time.\n\n" +
			"Membership can be managed in two ways; use one of them per group, never both:\n\n" +
			"* `organisations` (and `servers`) here, authoritative: the apply adds and removes members until MISP holds " +
			"exactly the configured set. Left out of the configuration, the members in MISP are kept and shown.\n" +
			"* `misp_sharing_group_organisation` resources, one per membership, when memberships are managed from " +
			"several configurations (e.g. one per partner).\n\n" +
			"The organisation of the API key owns the group but is **not** a member unless listed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: sgDescID, Computed: true, PlanModifiers: keep},
			"uuid": schema.StringAttribute{
				MarkdownDescription: sgDescUUID + " MISP generates one when none is given. Can only be set when the group " +
					"is created (MISP's edit keeps the uuid): changing it replaces the group. The uuid must not belong to an " +
					"existing group (MISP would update that group instead of creating one; the provider refuses).",
				CustomType: uuidStringType{}, Optional: true, Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()},
				Validators:    []validator.String{mispUUIDValidator()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: sgDescName + " MISP does not refuse a name already in use: it silently adds a random " +
					"`_NNNN` suffix on creation and keeps the old name on a rename. The provider checks the name against " +
					"MISP's groups at plan time and fails with the group that has it.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(regexp.MustCompile(`\S`), "must not be blank"),
					stringvalidator.NoneOf("0"),
				},
			},
			"description":   optionalText(sgDescDescription),
			"releasability": optionalText(sgDescReleasability),
			"active": schema.BoolAttribute{
				MarkdownDescription: sgDescActive + " MISP makes a new group active. **Set only at creation**: MISP's API " +
					"cannot change it afterwards, so a plan that changes it fails with an explanation (change it in MISP's " +
					"UI, or replace the group).",
				Optional: true, Computed: true, PlanModifiers: keepBool,
			},
			"roaming": schema.BoolAttribute{
				MarkdownDescription: sgDescRoaming + " MISP's default is `false`.",
				Optional:            true, Computed: true, PlanModifiers: keepBool,
			},
			"local":             schema.BoolAttribute{MarkdownDescription: sgDescLocal, Computed: true, PlanModifiers: keepBool},
			"organisation_id":   schema.StringAttribute{MarkdownDescription: sgDescOrgID, Computed: true, PlanModifiers: keep},
			"organisation_uuid": schema.StringAttribute{MarkdownDescription: sgDescOrgUUID, Computed: true, PlanModifiers: keep},
			"created":           schema.StringAttribute{MarkdownDescription: sgDescCreated, Computed: true, PlanModifiers: keep},
			"modified":          schema.StringAttribute{MarkdownDescription: sgDescModified, Computed: true},
			"org_count":         schema.Int64Attribute{MarkdownDescription: sgDescOrgCount, Computed: true},
			"organisations": schema.SetNestedAttribute{
				MarkdownDescription: sgDescMembers + " Authoritative when set: members missing from it are removed " +
					"(`[]` removes every member). Left out, the members in MISP are kept.",
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"organisation_id": schema.StringAttribute{
						MarkdownDescription: "Numeric id of the member organisation (e.g. `misp_organisation.partner.id`).",
						Required:            true,
						Validators:          []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric organisation id")},
					},
					"extend": schema.BoolAttribute{
						MarkdownDescription: "Whether the member's users with the sharing-group permission may edit the group.",
						Required:            true,
					},
				}},
			},
			"servers": schema.SetNestedAttribute{
				MarkdownDescription: sgDescServers + " MISP adds this instance (`server_id = \"0\"`, `all_orgs = false`) to " +
					"every group that is not roaming. Authoritative when set, except that MISP's API cannot remove a server " +
					"from a group (server 0 cannot be removed at all, and MISP 2.5.1's removeServer deletes an unrelated " +
					"entry): a plan that drops one fails with an explanation. Left out, the servers in MISP are kept.",
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"server_id": schema.StringAttribute{
						MarkdownDescription: "Numeric id of the server; `0` is this MISP instance.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric server id")},
					},
					"all_orgs": schema.BoolAttribute{
						MarkdownDescription: "Share with every organisation of that server.",
						Required:            true,
					},
				}},
			},
		},
	}
}

func (r *sharingGroupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		r.client, r.pd = pd.client, pd
	}
}

// ConfigValidators refuses text MISP cannot store (misp_text.go).
func (r *sharingGroupResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{mispTextValidator{}}
}

// ModifyPlan refuses, at plan time, what MISP would silently not do: a key that is not a site admin's, a change of
// active, a name another group has, a uuid another group has, and dropping a server.
func (r *sharingGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// An update is checked once keepUnmanaged has decided whether anything changes at all: Terraform's proposed
	// plan differs from the state for every group whose members are not configured.
	if action := planAction(req); action != "update" && !requireSiteAdminForSharingGroups(r.pd, action, &resp.Diagnostics) {
		return
	}
	if req.Plan.Raw.IsNull() || r.client == nil {
		return
	}
	var plan sharingGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	creating := req.State.Raw.IsNull()
	var state sharingGroupModel
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		configured, diags := organisationsConfigured(ctx, req.Config)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		r.registerStyle(&resp.Diagnostics, state.ID, state.Name, configured)
		if r.keepUnmanaged(ctx, req, resp, &plan, state) {
			return
		}
		if !requireSiteAdminForSharingGroups(r.pd, "update", &resp.Diagnostics) {
			return
		}
		if configured {
			r.warnForeignMembers(ctx, &resp.Diagnostics, req.Private, plan, state)
		}
		if changed(plan.Active, state.Active) {
			addActiveError(&resp.Diagnostics, plan.Active.ValueBool(), state.Active.ValueBool())
		}
	}
	if known(plan.Name) && (creating || plan.Name.ValueString() != state.Name.ValueString()) {
		r.checkNameFree(ctx, &resp.Diagnostics, plan.Name.ValueString(), state.ID.ValueString())
	}
	if creating && known(plan.UUID) {
		r.checkUUIDFree(ctx, &resp.Diagnostics, plan.UUID.ValueString())
	}
	planned, ok, diags := sgServersOf(ctx, plan.Servers)
	resp.Diagnostics.Append(diags...)
	if !ok {
		return
	}
	roaming := known(plan.Roaming) && plan.Roaming.ValueBool()
	if _, local := planned["0"]; !local && !roaming && (creating || !state.Roaming.ValueBool()) {
		resp.Diagnostics.AddAttributeError(path.Root("servers"), "MISP keeps this instance in a sharing group that is not roaming",
			"servers leaves out server \"0\" (this MISP instance), but MISP adds it to every sharing group that is not "+
				"roaming, and its API cannot remove it. Add { server_id = \"0\", all_orgs = false } (or true) to servers, "+
				"or set roaming = true.")
		return
	}
	if creating {
		return
	}
	current, ok, diags := sgServersOf(ctx, state.Servers)
	resp.Diagnostics.Append(diags...)
	if !ok {
		return
	}
	for _, id := range sortedSetKeys(current) {
		if _, still := planned[id]; !still {
			addServerRemovalError(&resp.Diagnostics, id, state.Name.ValueString())
			return
		}
	}
}

// keepUnmanaged plans organisations and servers left out of the configuration as MISP has them (Terraform
// proposes null for a computed nested set without configuration, which would otherwise show as a change), and
// plans no change at all when nothing configured differs from the state. It reports whether the plan is now the
// state.
func (r *sharingGroupResource) keepUnmanaged(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	plan *sharingGroupModel, state sharingGroupModel,
) bool {
	var cfgOrgs, cfgServers types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("organisations"), &cfgOrgs)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("servers"), &cfgServers)...)
	if resp.Diagnostics.HasError() {
		return false
	}
	if cfgOrgs.IsNull() {
		plan.Organisations = state.Organisations
	}
	if cfgServers.IsNull() {
		plan.Servers = state.Servers
	}
	same := plan.Name.Equal(state.Name) && plan.Description.Equal(state.Description) &&
		plan.Releasability.Equal(state.Releasability) && plan.Active.Equal(state.Active) && plan.Roaming.Equal(state.Roaming) &&
		(plan.UUID.IsUnknown() || sameUUID(plan.UUID, state.UUID)) &&
		plan.Organisations.Equal(state.Organisations) && plan.Servers.Equal(state.Servers)
	if same {
		if known(plan.UUID) {
			state.UUID = plan.UUID // the configured spelling
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &state)...)
		return true
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	return false
}

// organisationsConfigured reports whether the configuration sets organisations (then authoritative).
func organisationsConfigured(ctx context.Context, cfg tfsdk.Config) (bool, diag.Diagnostics) {
	var set types.Set
	diags := cfg.GetAttribute(ctx, path.Root("organisations"), &set)
	return !set.IsNull(), diags
}

func addActiveError(diags *diag.Diagnostics, planned, current bool) {
	diags.AddAttributeError(path.Root("active"), "Cannot change whether a MISP sharing group is active",
		fmt.Sprintf("The configuration sets active = %t but MISP has %t. MISP's API keeps active as it was when the group "+
			"was created: every edit ignores it. Either change it in MISP's UI (Sync Actions > List Sharing Groups > Edit) "+
			"to the configured value, or set the configuration to MISP's value; a group no event uses can also be "+
			"recreated with terraform apply -replace=<address>.", planned, current))
}

func addServerRemovalError(diags *diag.Diagnostics, serverID, group string) {
	what := fmt.Sprintf("server %s", serverID)
	why := "MISP 2.5.1's removeServer deletes the server entry whose row id equals the server's id, which can be " +
		"another group's entry, so the provider never calls it."
	if serverID == "0" {
		what = "server \"0\" (this MISP instance)"
		why = "MISP's API cannot remove this instance from a group (removeServer answers 405 \"Invalid Server.\")."
	}
	diags.AddAttributeError(path.Root("servers"), "Cannot remove a server from a MISP sharing group",
		fmt.Sprintf("The configuration drops %s from sharing group %q. %s Remove it in MISP's UI (Sync Actions > List "+
			"Sharing Groups > Edit > Instances) and apply again, or keep it in servers.", what, group, why))
}

// checkNameFree fails when another group has name: MISP would add a random suffix on creation, or keep the old
// name on a rename, and answer 200 either way.
func (r *sharingGroupResource) checkNameFree(ctx context.Context, diags *diag.Diagnostics, name, self string) bool {
	other, err := findSharingGroupByName(ctx, r.client, name, self)
	switch {
	case err != nil:
		addAPIError(diags, "Error checking the MISP sharing group name", fmt.Sprintf("Listing sharing groups to check that %q is free", name), err, nil)
		return false
	case other != nil:
		diags.AddAttributeError(path.Root("name"), "MISP sharing group name already in use",
			fmt.Sprintf("Sharing group %q (id %s) already has the name %q (MISP compares names case-insensitively). MISP "+
				"does not refuse a taken name: it would create the group as %q_NNNN, or keep the old name on a rename. "+
				"Choose another name, or import the existing group (terraform import <address> %s).",
				other.Name, other.ID, name, name, other.ID))
		return false
	}
	return true
}

// checkUUIDFree fails when a group has the uuid: MISP's add would update that group.
func (r *sharingGroupResource) checkUUIDFree(ctx context.Context, diags *diag.Diagnostics, u string) bool {
	rec, err := r.client.GetSharingGroup(ctx, strings.ToLower(u))
	switch {
	case errors.Is(err, misp.ErrNotFound):
		return true
	case err != nil:
		addAPIError(diags, "Error checking the MISP sharing group uuid", fmt.Sprintf("Looking up uuid %s", u), err, nil)
		return false
	}
	diags.AddAttributeError(path.Root("uuid"), "MISP sharing group uuid already in use",
		fmt.Sprintf("Sharing group %q (id %s) already has uuid %s. MISP's add would update that group instead of "+
			"creating one. Choose another uuid, or import the group (terraform import <address> %s).",
			rec.SharingGroup.Name, rec.SharingGroup.ID, strings.ToLower(u), rec.SharingGroup.ID))
	return false
}

// memberInputs resolves organisation ids to the uuids MISP's add and edit bodies need. An id MISP does not know is
// an error here: sent as an unknown uuid it would create an organisation.
func (r *sharingGroupResource) memberInputs(ctx context.Context, diags *diag.Diagnostics, members map[string]bool) ([]misp.SharingGroupOrgInput, bool) {
	out := []misp.SharingGroupOrgInput{}
	for _, id := range sortedSetKeys(members) {
		o, err := r.client.CachedOrganisation(ctx, id)
		if errors.Is(err, misp.ErrPermissionDenied) {
			o, err = r.client.GetOrganisation(ctx, id)
		}
		if errors.Is(err, misp.ErrNotFound) {
			diags.AddAttributeError(path.Root("organisations"), "Unknown MISP organisation",
				fmt.Sprintf("organisations lists organisation_id %s, which no MISP organisation has. Use the id of an "+
					"existing organisation (e.g. misp_organisation.<name>.id).", id))
			return nil, false
		}
		if err != nil {
			addAPIError(diags, "Error reading MISP organisation", fmt.Sprintf("Reading member organisation %s", id), err, nil)
			return nil, false
		}
		out = append(out, misp.SharingGroupOrgInput{UUID: o.UUID, Extend: members[id]})
	}
	return out, true
}

func (r *sharingGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sharingGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	if !r.checkNameFree(ctx, &resp.Diagnostics, name, "") {
		return
	}
	if known(plan.UUID) && !r.checkUUIDFree(ctx, &resp.Diagnostics, plan.UUID.ValueString()) {
		return
	}
	in := misp.SharingGroupInput{
		Name: stringPtr(plan.Name), Description: stringPtr(plan.Description), Releasability: stringPtr(plan.Releasability),
		Active: boolPtr(plan.Active), Roaming: boolPtr(plan.Roaming), UUID: stringPtr(plan.UUID.StringValue),
	}
	if in.UUID != nil {
		low := strings.ToLower(*in.UUID)
		in.UUID = &low
	}
	members, haveMembers, diags := sgMembersOf(ctx, plan.Organisations)
	resp.Diagnostics.Append(diags...)
	if haveMembers {
		var ok bool
		if in.Organisations, ok = r.memberInputs(ctx, &resp.Diagnostics, members); !ok {
			return
		}
	}
	attempted := fmt.Sprintf("Creating sharing group %q", name)
	tflog.Debug(ctx, "Creating MISP sharing group", map[string]any{"name": name})
	rec, _, err := r.createPlan(in).run(ctx)
	var lost *createLostError
	switch {
	case errors.As(err, &lost):
		resp.Diagnostics.AddError("Error creating MISP sharing group", lost.detail(attempted))
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Error creating MISP sharing group", attempted, err, nil)
		return
	}
	id := rec.SharingGroup.ID.String()
	if rec.SharingGroup.Name != name {
		// Another group took the name between the check and the add: MISP suffixed it. Undo the creation.
		derr := r.client.DeleteSharingGroup(ctx, id)
		detail := "The provider deleted it again."
		if derr != nil {
			detail = fmt.Sprintf("Deleting it again failed too (%s): delete sharing group %s in MISP.", derr, id)
		}
		resp.Diagnostics.AddAttributeError(path.Root("name"), "MISP sharing group name already in use",
			fmt.Sprintf("MISP created the group as %q (id %s) because another sharing group took the name %q meanwhile. %s "+
				"Choose another name.", rec.SharingGroup.Name, id, name, detail))
		return
	}
	// State first: whatever fails below, the group exists and Terraform must know it.
	if !r.saveState(ctx, id, &resp.State, &resp.Diagnostics, "Reading sharing group %s after creating it") {
		return
	}
	if haveMembers {
		resp.Diagnostics.Append(recordAppliedMembers(ctx, resp.Private, members, true)...)
	}
	r.registerStyle(&resp.Diagnostics, types.StringValue(id), plan.Name, haveMembers)
	if r.applyServers(ctx, &resp.Diagnostics, id, plan.Servers) {
		r.saveState(ctx, id, &resp.State, &resp.Diagnostics, "Reading sharing group %s after setting its servers")
	}
	r.checkApplied(ctx, &resp.Diagnostics, &resp.State, plan)
}

// createPlan is the safe creation of one group (create_safely.go). Its marker is its uuid, chosen here unless
// configured; the lookup of a lost add reads the group by that uuid.
func (r *sharingGroupResource) createPlan(in misp.SharingGroupInput) createPlan[misp.SharingGroupRecord] {
	if in.UUID == nil {
		u := uuid.NewString()
		in.UUID = &u
	}
	return createPlan[misp.SharingGroupRecord]{
		kind: "sharing group", what: "sharing group by uuid", scope: r.client.BaseURL(), attempts: r.pd.maxAttempts,
		add: func(ctx context.Context) (*misp.SharingGroupRecord, error) { return r.client.AddSharingGroup(ctx, in) },
		id:  func(g *misp.SharingGroupRecord) string { return g.SharingGroup.ID.String() },
		find: func(ctx context.Context) (*misp.SharingGroupRecord, error, error) {
			g, err := r.client.GetSharingGroup(ctx, *in.UUID)
			if errors.Is(err, misp.ErrNotFound) {
				return nil, nil, nil
			}
			if err != nil {
				return nil, nil, err
			}
			return g, nil, nil
		},
	}
}

// saveState reads the group and stores it in state. attempted has one %s for the id.
func (r *sharingGroupResource) saveState(ctx context.Context, id string, st stateSetter, diags *diag.Diagnostics, attempted string) bool {
	rec, err := r.client.GetSharingGroup(ctx, id)
	if err != nil {
		addAPIError(diags, "Error reading MISP sharing group", fmt.Sprintf(attempted, id), err, nil)
		return false
	}
	m, d := sharingGroupFromAPI(ctx, rec)
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	diags.Append(st.Set(ctx, &m)...)
	return !diags.HasError()
}

// stateSetter is resp.State of Create, Read and Update.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
	Get(ctx context.Context, target any) diag.Diagnostics
}

// applyServers brings the group's servers to the planned set (when it is known): this instance through an edit
// carrying its URL (MISP finds servers by URL), other servers through addServer or an edit. It reports whether it
// changed anything.
func (r *sharingGroupResource) applyServers(ctx context.Context, diags *diag.Diagnostics, id string, set types.Set) bool {
	planned, ok, d := sgServersOf(ctx, set)
	diags.Append(d...)
	if !ok {
		return false
	}
	rec, err := r.client.GetSharingGroup(ctx, id)
	if err != nil {
		addAPIError(diags, "Error reading MISP sharing group", fmt.Sprintf("Reading sharing group %s before changing its servers", id), err, nil)
		return false
	}
	current := map[string]misp.SharingGroupServer{}
	for _, s := range rec.SharingGroupServer {
		current[s.ServerID.String()] = s
	}
	var edits []misp.SharingGroupServerInput
	didSomething := false
	for _, sid := range sortedSetKeys(planned) {
		all := planned[sid]
		cur, present := current[sid]
		switch {
		case present && bool(cur.AllOrgs) == all:
		case present || sid == "0":
			url := r.client.BaseURL()
			if present && cur.Server != nil && cur.Server.URL != "" {
				url = cur.Server.URL
			}
			edits = append(edits, misp.SharingGroupServerInput{URL: url, AllOrgs: all})
		default:
			if err := r.client.AddServerToSharingGroup(ctx, id, sid, all); err != nil {
				addAPIError(diags, "Error adding a server to a MISP sharing group",
					fmt.Sprintf("Adding server %s to sharing group %s", sid, id), err, nil)
				return didSomething
			}
			didSomething = true
		}
	}
	if len(edits) > 0 {
		if _, err := r.client.EditSharingGroup(ctx, id, misp.SharingGroupInput{Servers: edits}); err != nil {
			addAPIError(diags, "Error changing the servers of a MISP sharing group",
				fmt.Sprintf("Updating the servers of sharing group %s", id), err, nil)
			return didSomething
		}
		didSomething = true
	}
	return didSomething
}

// applyMembers brings the group's organisations to the planned set (when it is known): addOrg for new members,
// removeOrg for the others (MISP's edit never removes anyone), and an edit for a changed extend (addOrg refuses a
// member, whatever its extend).
func (r *sharingGroupResource) applyMembers(ctx context.Context, diags *diag.Diagnostics, id string, set types.Set) bool {
	planned, ok, d := sgMembersOf(ctx, set)
	diags.Append(d...)
	if !ok {
		return false
	}
	rec, err := r.client.GetSharingGroup(ctx, id)
	if err != nil {
		addAPIError(diags, "Error reading MISP sharing group", fmt.Sprintf("Reading sharing group %s before changing its organisations", id), err, nil)
		return false
	}
	current := map[string]misp.SharingGroupOrg{}
	for _, m := range rec.SharingGroupOrg {
		current[m.OrgID.String()] = m
	}
	didSomething := false
	var extendEdits []misp.SharingGroupOrgInput
	for _, oid := range sortedSetKeys(planned) {
		cur, present := current[oid]
		switch {
		case !present:
			if err := r.client.AddOrgToSharingGroup(ctx, id, oid, planned[oid]); err != nil {
				addAPIError(diags, "Error adding an organisation to a MISP sharing group",
					fmt.Sprintf("Adding organisation %s to sharing group %s", oid, id), err, nil)
				return didSomething
			}
			didSomething = true
		case bool(cur.Extend) != planned[oid] && cur.Organisation != nil && cur.Organisation.UUID != "":
			extendEdits = append(extendEdits, misp.SharingGroupOrgInput{UUID: cur.Organisation.UUID, Extend: planned[oid]})
		}
	}
	for _, oid := range sortedSetKeys(boolKeys(current)) {
		if _, keep := planned[oid]; keep {
			continue
		}
		if err := r.client.RemoveOrgFromSharingGroup(ctx, id, oid); err != nil {
			addAPIError(diags, "Error removing an organisation from a MISP sharing group",
				fmt.Sprintf("Removing organisation %s from sharing group %s", oid, id), err, nil)
			return didSomething
		}
		didSomething = true
	}
	if len(extendEdits) > 0 {
		if _, err := r.client.EditSharingGroup(ctx, id, misp.SharingGroupInput{Organisations: extendEdits}); err != nil {
			addAPIError(diags, "Error changing extend of MISP sharing group members",
				fmt.Sprintf("Updating the organisations of sharing group %s", id), err, nil)
			return didSomething
		}
		didSomething = true
	}
	return didSomething
}

func boolKeys[T any](m map[string]T) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// checkApplied compares what MISP kept (in state) with the plan and explains each difference: MISP answers 200 to
// edits it does not apply.
func (r *sharingGroupResource) checkApplied(ctx context.Context, diags *diag.Diagnostics, st stateSetter, plan sharingGroupModel) {
	if diags.HasError() {
		return
	}
	var got sharingGroupModel
	diags.Append(st.Get(ctx, &got)...)
	if diags.HasError() {
		return
	}
	for _, f := range []struct {
		name      string
		plan, got types.String
	}{
		{"name", plan.Name, got.Name},
		{"description", plan.Description, got.Description},
		{"releasability", plan.Releasability, got.Releasability},
	} {
		if known(f.plan) && f.plan.ValueString() != f.got.ValueString() {
			diags.AddAttributeError(path.Root(f.name), "MISP did not apply a sharing group attribute",
				fmt.Sprintf("MISP answered success but kept %s = %q instead of %q. MISP 2.5.1 ignores a whole edit whose name "+
					"is empty or taken by another group (compared case-insensitively), and every edit by a key that is not "+
					"a site admin's. Check the sharing groups in MISP, then apply again.", f.name, f.got.ValueString(), f.plan.ValueString()))
		}
	}
	if known(plan.Roaming) && plan.Roaming.ValueBool() != got.Roaming.ValueBool() {
		diags.AddAttributeError(path.Root("roaming"), "MISP did not apply a sharing group attribute",
			fmt.Sprintf("MISP answered success but kept roaming = %t.", got.Roaming.ValueBool()))
	}
	if known(plan.Active) && plan.Active.ValueBool() != got.Active.ValueBool() {
		addActiveError(diags, plan.Active.ValueBool(), got.Active.ValueBool())
	}
	for _, f := range []struct {
		name      string
		plan, got types.Set
	}{{"organisations", plan.Organisations, got.Organisations}, {"servers", plan.Servers, got.Servers}} {
		if known(f.plan) && !f.plan.Equal(f.got) {
			diags.AddAttributeError(path.Root(f.name), "MISP did not apply the sharing group's "+f.name,
				fmt.Sprintf("After the changes MISP holds %s = %s, not the configured %s. For this instance (server 0), MISP "+
					"finds the server by its MISP.baseurl setting, which must be the URL the provider uses.", f.name, f.got, f.plan))
		}
	}
}

func (r *sharingGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sharingGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	rec, err := r.client.GetSharingGroup(ctx, id)
	if errors.Is(err, misp.ErrNotFound) {
		tflog.Warn(ctx, "MISP sharing group gone, removing it from state", map[string]any{"id": id})
		resp.Diagnostics.AddWarning("MISP sharing group no longer exists",
			fmt.Sprintf("Sharing group %q (id %s) was deleted outside Terraform (or the API key may no longer see it). "+
				"It is removed from the state and will be created again on the next apply.", state.Name.ValueString(), id))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP sharing group", fmt.Sprintf("Reading sharing group %s", id), err, nil)
		return
	}
	m, diags := sharingGroupFromAPI(ctx, rec)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *sharingGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state sharingGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	if changed(plan.Active, state.Active) {
		addActiveError(&resp.Diagnostics, plan.Active.ValueBool(), state.Active.ValueBool())
		return
	}
	var in misp.SharingGroupInput
	for _, f := range []struct {
		plan, state types.String
		dst         **string
	}{
		{plan.Name, state.Name, &in.Name},
		{plan.Description, state.Description, &in.Description},
		{plan.Releasability, state.Releasability, &in.Releasability},
	} {
		if changed(f.plan, f.state) {
			*f.dst = stringPtr(f.plan)
		}
	}
	if changed(plan.Roaming, state.Roaming) {
		in.Roaming = boolPtr(plan.Roaming)
	}
	if in.Name != nil && !r.checkNameFree(ctx, &resp.Diagnostics, *in.Name, id) {
		return
	}
	if in.Name != nil || in.Description != nil || in.Releasability != nil || in.Roaming != nil {
		tflog.Debug(ctx, "Updating MISP sharing group", map[string]any{"id": id})
		if _, err := r.client.EditSharingGroup(ctx, id, in); err != nil {
			addAPIError(&resp.Diagnostics, "Error updating MISP sharing group",
				fmt.Sprintf("Updating sharing group %q (id %s)", state.Name.ValueString(), id), err, nil)
			return
		}
	}
	r.applyMembers(ctx, &resp.Diagnostics, id, plan.Organisations)
	if !resp.Diagnostics.HasError() {
		r.applyServers(ctx, &resp.Diagnostics, id, plan.Servers)
	}
	failed := resp.Diagnostics.HasError()
	configured, diags := organisationsConfigured(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if !failed {
		// What this resource applied: the next plans tell the members others add from those it removes (sharing_group_styles.go).
		members, _, d := sgMembersOf(ctx, plan.Organisations)
		resp.Diagnostics.Append(d...)
		resp.Diagnostics.Append(recordAppliedMembers(ctx, resp.Private, members, configured)...)
	}
	r.registerStyle(&resp.Diagnostics, state.ID, plan.Name, configured)
	var readDiags diag.Diagnostics
	if r.saveState(ctx, id, &resp.State, &readDiags, "Reading sharing group %s back after the update") && !failed {
		r.checkApplied(ctx, &resp.Diagnostics, &resp.State, plan)
	}
	resp.Diagnostics.Append(readDiags...)
}

func (r *sharingGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sharingGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, name := state.ID.ValueString(), state.Name.ValueString()
	tflog.Debug(ctx, "Deleting MISP sharing group", map[string]any{"id": id})
	err := r.client.DeleteSharingGroup(ctx, id)
	if err == nil || errors.Is(err, misp.ErrNotFound) {
		releaseClaim(r.client, "sharing group", id)
		return
	}
	if isRefusal(err) {
		resp.Diagnostics.AddError("Error deleting MISP sharing group",
			fmt.Sprintf("MISP refused to delete sharing group %q (id %s): MISP keeps a sharing group while events, "+
				"attributes, objects, event reports or discussion threads use it as their distribution. Change their "+
				"distribution or delete them first, then apply again.", name, id))
		return
	}
	addAPIError(&resp.Diagnostics, "Error deleting MISP sharing group", fmt.Sprintf("Deleting sharing group %q (id %s)", name, id), err, nil)
}

func (r *sharingGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	rec, err := lookupSharingGroup(ctx, r.client, strings.TrimSpace(req.ID))
	if err != nil {
		resp.Diagnostics.AddError("Error importing MISP sharing group",
			fmt.Sprintf("%s\n\nImport a sharing group by its numeric id, its uuid, or its name, e.g. "+
				"terraform import misp_sharing_group.partners 3.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), rec.SharingGroup.ID.String())...)
}
