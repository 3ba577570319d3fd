package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ resource.ResourceWithConfigure   = (*sharingGroupOrganisationResource)(nil)
	_ resource.ResourceWithImportState = (*sharingGroupOrganisationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*sharingGroupOrganisationResource)(nil)
)

// NewSharingGroupOrganisationResource is the misp_sharing_group_organisation resource: one membership.
func NewSharingGroupOrganisationResource() resource.Resource {
	return &sharingGroupOrganisationResource{}
}

type sharingGroupOrganisationResource struct {
	client *misp.Client
	pd     *providerData
}

type sharingGroupOrganisationModel struct {
	ID             types.String `tfsdk:"id"`
	SharingGroupID types.String `tfsdk:"sharing_group_id"`
	OrganisationID types.String `tfsdk:"organisation_id"`
	Extend         types.Bool   `tfsdk:"extend"`
}

func (r *sharingGroupOrganisationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sharing_group_organisation"
}

func (r *sharingGroupOrganisationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One organisation's membership of a MISP sharing group. Use it when the members of a group are " +
			"managed from several places (one configuration per partner, say); a group whose members are listed in " +
			"`misp_sharing_group`'s `organisations` must not also have these resources, or each apply undoes the other " +
			"(see *Members: one way per group* in the `misp_sharing_group` documentation for what the " +
			"provider detects). " +
			"A site admin's API key manages every membership. A key whose role has `perm_sharing_group` (an org admin's) " +
			"may add and remove members of the groups its organisation is a member of and owns or may extend (as a member " +
			"with `extend`), but not change `extend` of an existing membership: MISP 2.5.1 ignores that key's edits, so " +
			"such a change is refused at plan time.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<sharing_group_id>/<organisation_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"sharing_group_id": schema.StringAttribute{
				MarkdownDescription: "Numeric id of the sharing group (e.g. `misp_sharing_group.partners.id`). Changing it moves the membership (replace).",
				Required:            true, PlanModifiers: replace,
				Validators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric sharing group id")},
			},
			"organisation_id": schema.StringAttribute{
				MarkdownDescription: "Numeric id of the member organisation. Changing it replaces the membership.",
				Required:            true, PlanModifiers: replace,
				Validators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric organisation id")},
			},
			"extend": schema.BoolAttribute{
				MarkdownDescription: "Whether the member's users with the sharing-group permission may edit the group. Default `false`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
			},
		},
	}
}

func (r *sharingGroupOrganisationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		r.client, r.pd = pd.client, pd
	}
}

// ModifyPlan refuses what the provider's key may not do (requireKeyForMembership), and warns when a
// misp_sharing_group of this run lists the group's members authoritatively (sharing_group_styles.go).
func (r *sharingGroupOrganisationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !requireKeyForMembership(r.pd, planAction(req), &resp.Diagnostics) || req.Plan.Raw.IsNull() {
		return
	}
	var plan sharingGroupOrganisationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !resp.Diagnostics.HasError() {
		r.registerStyle(&resp.Diagnostics, plan.SharingGroupID, plan.OrganisationID)
	}
}

func (r *sharingGroupOrganisationResource) siteAdmin() bool {
	return r.pd.keyAllows(needSiteAdmin)
}

// notOwnedHint explains, for a key that is not a site admin's, why MISP may call an existing group missing.
func (r *sharingGroupOrganisationResource) notOwnedHint() string {
	if r.siteAdmin() {
		return ""
	}
	return " For this key (not a site admin's) MISP answers the same for an existing group that its organisation is " +
		"not a member of, or neither owns nor may extend (as a member with extend = true): ask a site admin to " +
		"change the membership, or to make the organisation a member that may extend the group."
}

// invisibleHint adds, for a key that is not a site admin's, that MISP hides the groups it may not see.
func (r *sharingGroupOrganisationResource) invisibleHint() string {
	if r.siteAdmin() {
		return ""
	}
	return " The provider's API key is not a site admin's: MISP also hides from it a group its organisation is no " +
		"longer part of."
}

// member reads the group and the membership; found is false when either is gone.
func (r *sharingGroupOrganisationResource) member(ctx context.Context, sg, org string) (*misp.SharingGroupOrg, bool, error) {
	rec, err := r.client.GetSharingGroup(ctx, sg)
	if errors.Is(err, misp.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	for i := range rec.SharingGroupOrg {
		if rec.SharingGroupOrg[i].OrgID.String() == org {
			return &rec.SharingGroupOrg[i], true, nil
		}
	}
	return nil, false, nil
}

func (r *sharingGroupOrganisationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sharingGroupOrganisationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sg, org := plan.SharingGroupID.ValueString(), plan.OrganisationID.ValueString()
	attempted := fmt.Sprintf("Adding organisation %s to sharing group %s", org, sg)
	tflog.Debug(ctx, "Adding an organisation to a MISP sharing group", map[string]any{"sharing_group": sg, "organisation": org})
	if err := r.client.AddOrgToSharingGroup(ctx, sg, org, plan.Extend.ValueBool()); err != nil {
		switch {
		case errors.Is(err, misp.ErrNotFound):
			resp.Diagnostics.AddAttributeError(path.Root("sharing_group_id"), "MISP sharing group not found",
				fmt.Sprintf("%s failed: no sharing group %s exists that the provider's API key may edit.%s", attempted, sg,
					r.notOwnedHint()))
		case isRefusal(err) && strings.Contains(err.Error(), "already in the sharing group"):
			resp.Diagnostics.AddError("Organisation already in the MISP sharing group",
				fmt.Sprintf("Organisation %s already is a member of sharing group %s. If this resource should manage that "+
					"membership, import it: terraform import <address> %s/%s. If misp_sharing_group lists its members "+
					"in organisations, manage this one there instead.", org, sg, sg, org))
		default:
			addAPIError(&resp.Diagnostics, "Error adding an organisation to a MISP sharing group", attempted, err,
				nil)
		}
		return
	}
	plan.ID = types.StringValue(sg + "/" + org)
	m, found, err := r.member(ctx, sg, org)
	switch {
	case err != nil:
		addAPIError(&resp.Diagnostics, "Error reading MISP sharing group", "Reading the membership after adding it", err, nil)
	case !found:
		resp.Diagnostics.AddError("MISP did not add the organisation",
			fmt.Sprintf("MISP answered success, but organisation %s is not a member of sharing group %s.", org, sg))
	case bool(m.Extend) != plan.Extend.ValueBool():
		resp.Diagnostics.AddAttributeError(path.Root("extend"), "MISP did not apply extend",
			fmt.Sprintf("MISP added organisation %s with extend = %t.", org, bool(m.Extend)))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sharingGroupOrganisationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sharingGroupOrganisationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sg, org := state.SharingGroupID.ValueString(), state.OrganisationID.ValueString()
	m, found, err := r.member(ctx, sg, org)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP sharing group", fmt.Sprintf("Reading sharing group %s", sg), err, nil)
		return
	}
	if !found {
		resp.Diagnostics.AddWarning("MISP sharing group membership no longer exists",
			fmt.Sprintf("Organisation %s is no longer a member of sharing group %s (removed outside Terraform, or the group "+
				"or the organisation was deleted). It is removed from the state and will be added again on the next apply. "+
				"If a misp_sharing_group lists this group's members in organisations, its applies remove every member it "+
				"does not list, and the two resources undo each other: manage the group's members one way (see %s).%s",
				org, sg, sgDocsSection, r.invisibleHint()))
		resp.State.RemoveResource(ctx)
		return
	}
	state.Extend = types.BoolValue(bool(m.Extend))
	state.ID = types.StringValue(sg + "/" + org)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *sharingGroupOrganisationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan sharingGroupOrganisationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sg, org := plan.SharingGroupID.ValueString(), plan.OrganisationID.ValueString()
	m, found, err := r.member(ctx, sg, org)
	if err == nil && (!found || m.Organisation == nil || m.Organisation.UUID == "") {
		err = fmt.Errorf("organisation %s is not a member of sharing group %s any more", org, sg)
	}
	if err == nil {
		// addOrg refuses an existing member whatever extend says: an edit carrying the member's uuid changes it.
		_, err = r.client.EditSharingGroup(ctx, sg, misp.SharingGroupInput{
			Organisations: []misp.SharingGroupOrgInput{{UUID: m.Organisation.UUID, Extend: plan.Extend.ValueBool()}},
		})
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error updating a MISP sharing group membership",
			fmt.Sprintf("Changing extend of organisation %s in sharing group %s", org, sg), err, nil)
		return
	}
	if m, found, err = r.member(ctx, sg, org); err == nil && found && bool(m.Extend) != plan.Extend.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("extend"), "MISP did not apply extend",
			fmt.Sprintf("MISP answered success but kept extend = %t for organisation %s in sharing group %s.", bool(m.Extend), org, sg))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sharingGroupOrganisationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sharingGroupOrganisationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sg, org := state.SharingGroupID.ValueString(), state.OrganisationID.ValueString()
	err := r.client.RemoveOrgFromSharingGroup(ctx, sg, org)
	if err == nil || errors.Is(err, misp.ErrNotFound) && r.siteAdmin() {
		return
	}
	// A key that is not a site admin's gets the same 405 for a group it may no longer extend as for a missing
	// group: the membership is gone only when the group shows it no more.
	_, found, ferr := r.member(ctx, sg, org)
	if ferr == nil && !found {
		return // already gone (MISP answers 403 "not in the sharing group", or 405 for a deleted organisation)
	}
	if ferr == nil && errors.Is(err, misp.ErrNotFound) {
		resp.Diagnostics.AddError("MISP did not remove the organisation from the sharing group",
			fmt.Sprintf("Removing organisation %s from sharing group %s failed: MISP answered that the group does not "+
				"exist or that the provider's API key may not edit it, and the group still lists the organisation.%s "+
				"The membership stays in the state; remove it with a site admin's key, or forget it with terraform "+
				"state rm <address>.", org, sg, r.notOwnedHint()))
		return
	}
	addAPIError(&resp.Diagnostics, "Error removing an organisation from a MISP sharing group",
		fmt.Sprintf("Removing organisation %s from sharing group %s", org, sg), err, nil)
}

func (r *sharingGroupOrganisationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	const how = "Import a membership as <sharing_group>/<organisation>, each an id or a uuid, e.g. terraform import " +
		"misp_sharing_group_organisation.partner 3/12."
	parts := strings.Split(strings.TrimSpace(req.ID), "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		resp.Diagnostics.AddError("Error importing MISP sharing group membership", fmt.Sprintf("%q is not of that form. %s", req.ID, how))
		return
	}
	rec, err := r.client.GetSharingGroup(ctx, strings.ToLower(parts[0]))
	if err != nil {
		resp.Diagnostics.AddError("Error importing MISP sharing group membership",
			fmt.Sprintf("Reading sharing group %s: %s\n\n%s", parts[0], err, how))
		return
	}
	org := parts[1]
	if !numericIDRe.MatchString(org) {
		o, err := r.client.GetOrganisation(ctx, strings.ToLower(org))
		if err != nil {
			resp.Diagnostics.AddError("Error importing MISP sharing group membership",
				fmt.Sprintf("Reading organisation %s: %s\n\n%s", org, err, how))
			return
		}
		org = o.ID.String()
	}
	sg := rec.SharingGroup.ID.String()
	for _, m := range rec.SharingGroupOrg {
		if m.OrgID.String() == org {
			resp.Diagnostics.Append(resp.State.Set(ctx, &sharingGroupOrganisationModel{
				ID: types.StringValue(sg + "/" + org), SharingGroupID: types.StringValue(sg),
				OrganisationID: types.StringValue(org), Extend: types.BoolValue(bool(m.Extend)),
			})...)
			return
		}
	}
	resp.Diagnostics.AddError("Error importing MISP sharing group membership",
		fmt.Sprintf("Organisation %s is not a member of sharing group %q (id %s).", org, rec.SharingGroup.Name, sg))
}
