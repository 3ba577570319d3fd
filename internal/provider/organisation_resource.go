package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
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
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ resource.ResourceWithConfigValidators = (*organisationResource)(nil)
	_ resource.Resource                     = (*organisationResource)(nil)
	_ resource.ResourceWithConfigure        = (*organisationResource)(nil)
	_ resource.ResourceWithImportState      = (*organisationResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*organisationResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*organisationResource)(nil)
)

// NewOrganisationResource is the misp_organisation resource.
func NewOrganisationResource() resource.Resource {
	return &organisationResource{}
}

type organisationResource struct {
	client *misp.Client
	pd     *providerData // the key's role, for the plan-time permission check
}

// domainRe is one restricted_to_domain entry as MISP keeps it: MISP trims entries and drops empty ones, so
// anything else would show a difference after every apply.
var domainRe = regexp.MustCompile(`^\S+$`)

// Attribute descriptions shared by the resource and the data sources.
const (
	orgDescID          = "Numeric id MISP gave the organisation."
	orgDescUUID        = "The organisation's UUID, shared with other MISP instances when syncing."
	orgDescName        = "Unique name of the organisation (case-sensitive, stored exactly as given)."
	orgDescDescription = "Free-text description."
	orgDescType        = "Free-text kind of organisation, e.g. `CSIRT` or `ADMIN`."
	orgDescNationality = "Country or region, free text (MISP's UI offers country names, `Europe` and `International`)."
	orgDescSector      = "Free-text sector, e.g. `Financial`."
	orgDescContacts    = "Free-text contact details."
	orgDescLocal       = "`true` for an organisation that uses this MISP instance (a local org), `false` for a remote one " +
		"known only from sharing and sync."
	orgDescDomains = "E-mail domains the organisation's users must belong to (e.g. `example.org`); empty means no restriction."
	orgDescLanding = "URL users of the organisation are sent to after logging in."
	orgDescCreator = "Id of the user that created the organisation (shown to site admins)."
	orgDescCreated = "When the organisation was created (RFC 3339, MISP's clock taken as UTC)."
	orgDescChanged = "When the organisation was last changed (RFC 3339, MISP's clock taken as UTC)."
	orgDescUsers   = "Number of users that belong to the organisation."
)

func (r *organisationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organisation"
}

func (r *organisationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	optionalText := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc + " Left out of the configuration, MISP's value (or one set in its UI) is kept; " +
				"set `\"\"` to clear it.",
			Optional:      true,
			Computed:      true,
			PlanModifiers: keep,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A MISP organisation. Needs a site admin's API key (any other key is refused at plan time).\n\n" +
			"Only the attributes present in the configuration are ever sent to MISP: anything left out keeps the " +
			"value MISP or a person in its UI gave it, and Terraform shows no difference for it.\n\n" +
			"MISP refuses to delete an organisation while users (or events) still belong to it: move or delete its " +
			"users first, e.g. by managing them in the same configuration.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: orgDescID,
				Computed:            true,
				PlanModifiers:       keep,
			},
			"uuid": schema.StringAttribute{
				MarkdownDescription: orgDescUUID + " MISP generates a version 4 UUID when none is given. Must be an " +
					"RFC 4122 UUID of version 0 to 5: MISP rejects versions 6 and 7. Compared case-insensitively (MISP " +
					"stores it in lower case). Changing it updates the organisation in place, which changes its identity " +
					"for every instance it syncs with.",
				CustomType:    uuidStringType{},
				Optional:      true,
				Computed:      true,
				PlanModifiers: keep,
				Validators:    []validator.String{mispUUIDValidator()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: orgDescName + " MISP refuses a name already in use.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(regexp.MustCompile(`\S`), "must not be blank"),
					// MISP's notBlank rule uses PHP's empty(), for which "0" is empty.
					stringvalidator.NoneOf("0"),
				},
			},
			"description": optionalText(orgDescDescription),
			"type":        optionalText(orgDescType),
			"nationality": optionalText(orgDescNationality),
			"sector":      optionalText(orgDescSector),
			"contacts":    optionalText(orgDescContacts),
			"local": schema.BoolAttribute{
				MarkdownDescription: orgDescLocal + " MISP makes a new organisation local unless told otherwise; left out of " +
					"the configuration, the value in MISP is kept.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"restricted_to_domain": schema.SetAttribute{
				MarkdownDescription: orgDescDomains + " Left out of the configuration, the domains in MISP are kept; " +
					"set `[]` to remove every restriction.",
				ElementType:   types.StringType,
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(
						stringvalidator.RegexMatches(domainRe, "must be a domain without spaces, e.g. example.org"),
					),
				},
			},
			"landingpage": schema.StringAttribute{
				// MISP's REST edit ignores landingpage (docs/development/misp-api.md §2.1.4), so it can only be set
				// when the organisation is created. Replacing the organisation instead would be destructive (MISP
				// refuses to delete an org with users, and the name is unique), so a change is refused at plan time
				// with the way out.
				MarkdownDescription: orgDescLanding + " **Set only at creation**: MISP's API cannot change it afterwards, so " +
					"a plan that changes it fails with an explanation instead of replacing the organisation (its users " +
					"would block the deletion). To change it, edit the organisation in MISP's UI and then the configuration, " +
					"or replace it with `terraform apply -replace=...` when it has no users. Left out of the configuration, " +
					"the value in MISP is kept.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keep,
			},
			"created_by": schema.StringAttribute{
				MarkdownDescription: orgDescCreator,
				Computed:            true,
				PlanModifiers:       keep,
			},
			"date_created": schema.StringAttribute{
				MarkdownDescription: orgDescCreated,
				Computed:            true,
				PlanModifiers:       keep,
			},
			// date_modified and user_count keep no state value in a plan: an edit changes the first, and users may
			// join or leave between plan and apply.
			"date_modified": schema.StringAttribute{
				MarkdownDescription: orgDescChanged,
				Computed:            true,
			},
			"user_count": schema.Int64Attribute{
				MarkdownDescription: orgDescUsers,
				Computed:            true,
			},
		},
	}
}

func (r *organisationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		r.client, r.pd = pd.client, pd
	}
}

// ValidateConfig rejects duplicate domains that differ only in case, which MISP would keep as two entries.
func (r *organisationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var domains types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("restricted_to_domain"), &domains)...)
	if resp.Diagnostics.HasError() || domains.IsNull() || domains.IsUnknown() {
		return
	}
	seen := map[string]string{}
	for _, e := range domains.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		k := strings.ToLower(s.ValueString())
		if prev, dup := seen[k]; dup {
			resp.Diagnostics.AddAttributeError(path.Root("restricted_to_domain"), "Duplicate domain",
				fmt.Sprintf("%q and %q are the same domain; list it once.", prev, s.ValueString()))
			return
		}
		seen[k] = s.ValueString()
	}
}

// ModifyPlan refuses a change by a key that is not a site admin's, and a change of landingpage on an existing
// organisation (see the attribute's description).
func (r *organisationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !requireKeyForPlan(r.pd, req, &resp.Diagnostics, needSiteAdmin, "misp_organisation", "MISP organisations") {
		return
	}
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var planned, current types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("landingpage"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("landingpage"), &current)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if changed(planned, current) {
		addLandingpageError(&resp.Diagnostics, planned.ValueString(), current.ValueString())
	}
}

func addLandingpageError(diags *diag.Diagnostics, planned, current string) {
	diags.AddAttributeError(path.Root("landingpage"), "Cannot change the landing page of a MISP organisation",
		fmt.Sprintf("The configuration sets landingpage to %q but MISP has %q. MISP accepts a landing page only when an "+
			"organisation is created: its API ignores it on every edit. Either change it in MISP's UI (Administration > "+
			"List Organisations > Edit) to the configured value, or set the configuration to MISP's value; an organisation "+
			"without users can also be recreated with terraform apply -replace=<address>.", planned, current))
}

func (r *organisationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan organisationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in, diags := organisationCreateInput(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "Creating MISP organisation", map[string]any{"name": plan.Name.ValueString()})
	attempted := fmt.Sprintf("Creating organisation %q", plan.Name.ValueString())
	o, _, err := r.createPlan(in).run(ctx)
	var lost *createLostError
	switch {
	case errors.As(err, &lost):
		resp.Diagnostics.AddError("Error creating MISP organisation", lost.detail(attempted))
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Error creating MISP organisation", attempted, err, organisationErrorFields)
		return
	}
	// The add answer holds every column (landingpage included) but not user_count, which is 0 for a new
	// organisation: no read-back needed.
	m, diags := organisationFromAPI(ctx, o)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "Created MISP organisation", map[string]any{"id": m.ID.ValueString()})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// createPlan is the safe creation of one organisation (create_safely.go). Its marker is its uuid: chosen here
// (a random version 4 UUID, as MISP would choose) unless configured, so a lost add's organisation is found by
// uuid and cannot be another's.
func (r *organisationResource) createPlan(in misp.OrganisationInput) createPlan[misp.Organisation] {
	if in.UUID == nil {
		u := uuid.NewString() // version 4, the only kind MISP generates itself
		in.UUID = &u
	}
	return createPlan[misp.Organisation]{
		kind: "organisation", what: "organisation by uuid", scope: r.client.BaseURL(), attempts: r.pd.maxAttempts,
		add: func(ctx context.Context) (*misp.Organisation, error) { return r.client.AddOrganisation(ctx, in) },
		id:  func(o *misp.Organisation) string { return o.ID.String() },
		find: func(ctx context.Context) (*misp.Organisation, error, error) {
			if in.UUID == nil {
				return nil, errors.New("the organisation has no uuid to recognise it by"), nil
			}
			o, err := r.client.GetOrganisation(ctx, *in.UUID)
			if errors.Is(err, misp.ErrNotFound) {
				return nil, nil, nil
			}
			if err != nil {
				return nil, nil, err
			}
			if in.Name != nil && o.Name != *in.Name {
				return nil, fmt.Errorf("found organisation %q (id %s) with that uuid, not %q", o.Name, o.ID, *in.Name), nil
			}
			return o, nil, nil
		},
	}
}

// organisationErrorFields maps MISP's validation fields to attributes.
var organisationErrorFields = map[string]path.Path{
	"name":                 path.Root("name"),
	"uuid":                 path.Root("uuid"),
	"restricted_to_domain": path.Root("restricted_to_domain"),
	"nationality":          path.Root("nationality"),
	"type":                 path.Root("type"),
	"sector":               path.Root("sector"),
}

func (r *organisationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state organisationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	tflog.Debug(ctx, "Reading MISP organisation", map[string]any{"id": id})
	o, err := readOrganisation(ctx, r.client, id)
	if errors.Is(err, misp.ErrNotFound) {
		tflog.Warn(ctx, "MISP organisation gone, removing it from state", map[string]any{"id": id})
		resp.Diagnostics.AddWarning("MISP organisation no longer exists",
			fmt.Sprintf("Organisation %q (id %s) was deleted outside Terraform. It is removed from the state and will be "+
				"created again on the next apply.", state.Name.ValueString(), id))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP organisation", fmt.Sprintf("Reading organisation %s", id), err, nil)
		return
	}
	m, diags := organisationFromAPI(ctx, o)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || sameModel(&m, &state) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *organisationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state organisationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	if changed(plan.Landingpage, state.Landingpage) {
		// Only reached when the new value was unknown at plan time (ModifyPlan refuses known changes).
		addLandingpageError(&resp.Diagnostics, plan.Landingpage.ValueString(), state.Landingpage.ValueString())
		return
	}
	in, diags := organisationUpdateInput(ctx, &plan, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if in.UUID != nil && !r.uuidAvailable(ctx, &resp.Diagnostics, id, *in.UUID) {
		return
	}
	if in != (misp.OrganisationInput{}) {
		tflog.Debug(ctx, "Updating MISP organisation", map[string]any{"id": id})
		if _, err := r.client.EditOrganisation(ctx, id, in); err != nil {
			addAPIError(&resp.Diagnostics, "Error updating MISP organisation",
				fmt.Sprintf("Updating organisation %q (id %s)", state.Name.ValueString(), id), err, organisationErrorFields)
			return
		}
	}
	// The edit answer lacks user_count and landingpage's index view: read the organisation back.
	o, err := readOrganisation(ctx, r.client, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error updating MISP organisation",
			fmt.Sprintf("Reading organisation %s back after the update", id), err, nil)
		return
	}
	m, diags := organisationFromAPI(ctx, o)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// uuidAvailable checks that no other organisation has uuid: MISP checks uniqueness only on create, and a
// duplicate on edit fails inside MISP's database with an unexplained internal error.
func (r *organisationResource) uuidAvailable(ctx context.Context, diags *diag.Diagnostics, id, uuid string) bool {
	other, err := r.client.GetOrganisation(ctx, strings.ToLower(uuid))
	switch {
	case errors.Is(err, misp.ErrNotFound):
		return true
	case err != nil:
		addAPIError(diags, "Error updating MISP organisation",
			fmt.Sprintf("Checking that uuid %s is free before giving it to organisation %s", uuid, id), err, nil)
		return false
	case other.ID.String() != id:
		diags.AddAttributeError(path.Root("uuid"), "Error updating MISP organisation",
			fmt.Sprintf("uuid %s already belongs to organisation %q (id %s); MISP needs organisation uuids to be unique. "+
				"Choose another uuid.", uuid, other.Name, other.ID))
		return false
	}
	return true
}

func (r *organisationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state organisationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, name := state.ID.ValueString(), state.Name.ValueString()
	tflog.Debug(ctx, "Deleting MISP organisation", map[string]any{"id": id})
	err := r.client.DeleteOrganisation(ctx, id)
	if err == nil || errors.Is(err, misp.ErrNotFound) {
		releaseClaim(r.client, "organisation", id)
		return
	}
	if !isRefusal(err) {
		addAPIError(&resp.Diagnostics, "Error deleting MISP organisation",
			fmt.Sprintf("Deleting organisation %q (id %s)", name, id), err, nil)
		return
	}
	// MISP's refusal carries no reason (§2.1.5): count the users to give one.
	reason := "MISP refuses to delete an organisation while users or events belong to it."
	if o, gerr := r.client.GetOrganisation(ctx, id); gerr == nil {
		if n := int64(o.UserCount); n > 0 {
			reason = fmt.Sprintf("%d %s still %s to it. Move them to another organisation (org_id) or delete them "+
				"first, then apply again.", n, plural(n, "user", "users"), plural(n, "belongs", "belong"))
		} else {
			reason = "It has no users, so events it created or owns must remain: MISP refuses to delete an organisation " +
				"while events belong to it. Delete or transfer those events first, then apply again."
		}
	}
	resp.Diagnostics.AddError("Error deleting MISP organisation",
		fmt.Sprintf("MISP refused to delete organisation %q (id %s). %s", name, id, reason))
}

func (r *organisationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	o, err := lookupOrganisation(ctx, r.client, strings.TrimSpace(req.ID))
	if err != nil {
		resp.Diagnostics.AddError("Error importing MISP organisation",
			fmt.Sprintf("%s\n\nImport an organisation by its numeric id, its uuid, or its exact (case-sensitive) name, "+
				"e.g. terraform import misp_organisation.example 12.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), o.ID.String())...)
}

// ConfigValidators refuses text MISP cannot store (misp_text.go).
func (r *organisationResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{mispTextValidator{}}
}
