package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ datasource.DataSource                     = (*organisationDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*organisationDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*organisationDataSource)(nil)
)

// NewOrganisationDataSource is the misp_organisation data source.
func NewOrganisationDataSource() datasource.DataSource {
	return &organisationDataSource{}
}

type organisationDataSource struct {
	client *misp.Client
}

func (d *organisationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organisation"
}

// organisationDataSourceAttributes are the attributes of one organisation in a data source; with lookup, id,
// uuid and name are also accepted as search keys.
func organisationDataSourceAttributes(lookup bool) map[string]schema.Attribute {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	attrs := map[string]schema.Attribute{
		"id":                   computed(orgDescID),
		"uuid":                 schema.StringAttribute{MarkdownDescription: orgDescUUID + " Lower case.", CustomType: uuidStringType{}, Computed: true},
		"name":                 computed(orgDescName),
		"description":          computed(orgDescDescription),
		"type":                 computed(orgDescType),
		"nationality":          computed(orgDescNationality),
		"sector":               computed(orgDescSector),
		"contacts":             computed(orgDescContacts),
		"local":                schema.BoolAttribute{MarkdownDescription: orgDescLocal, Computed: true},
		"restricted_to_domain": schema.SetAttribute{MarkdownDescription: orgDescDomains, ElementType: types.StringType, Computed: true},
		"landingpage":          computed(orgDescLanding),
		"created_by":           computed(orgDescCreator),
		"date_created":         computed(orgDescCreated),
		"date_modified":        computed(orgDescChanged),
		"user_count":           schema.Int64Attribute{MarkdownDescription: orgDescUsers, Computed: true},
	}
	if lookup {
		attrs["id"] = schema.StringAttribute{
			MarkdownDescription: orgDescID + " One of `id`, `uuid` or `name` selects the organisation.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP id")},
		}
		attrs["uuid"] = schema.StringAttribute{
			MarkdownDescription: orgDescUUID + " One of `id`, `uuid` or `name` selects the organisation; compared case-insensitively.",
			CustomType:          uuidStringType{},
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{mispUUIDValidator()},
		}
		attrs["name"] = schema.StringAttribute{
			MarkdownDescription: orgDescName + " One of `id`, `uuid` or `name` selects the organisation.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	return attrs
}

// organisationAttrTypes are the attribute types of organisationModel, for lists of organisations.
func organisationAttrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"id":                   types.StringType,
		"uuid":                 uuidStringType{},
		"name":                 types.StringType,
		"description":          types.StringType,
		"type":                 types.StringType,
		"nationality":          types.StringType,
		"sector":               types.StringType,
		"contacts":             types.StringType,
		"local":                types.BoolType,
		"restricted_to_domain": types.SetType{ElemType: types.StringType},
		"landingpage":          types.StringType,
		"created_by":           types.StringType,
		"date_created":         types.StringType,
		"date_modified":        types.StringType,
		"user_count":           types.Int64Type,
	}
}

func (d *organisationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one MISP organisation by exactly one of `id`, `uuid` or `name` (case-sensitive), " +
			"local or remote. Fails when no organisation matches.",
		Attributes: organisationDataSourceAttributes(true),
	}
}

func (d *organisationDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("uuid"), path.MatchRoot("name")),
	}
}

func (d *organisationDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		d.client = pd.client
	}
}

func (d *organisationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg organisationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var (
		o    *misp.Organisation
		err  error
		what string
	)
	switch {
	case !cfg.ID.IsNull():
		what = "id " + cfg.ID.ValueString()
		o, err = readOrganisation(ctx, d.client, cfg.ID.ValueString())
	case !cfg.UUID.IsNull():
		what = "uuid " + strings.ToLower(cfg.UUID.ValueString())
		o, err = readOrganisation(ctx, d.client, strings.ToLower(cfg.UUID.ValueString()))
	default:
		what = fmt.Sprintf("name %q", cfg.Name.ValueString())
		o, err = findOrganisationByName(ctx, d.client, cfg.Name.ValueString())
	}
	tflog.Debug(ctx, "Looked up MISP organisation", map[string]any{"key": what})
	if errors.Is(err, misp.ErrNotFound) {
		resp.Diagnostics.AddError("Error reading MISP organisation",
			fmt.Sprintf("No MISP organisation has %s (local or remote). Names are case-sensitive; check the value, or "+
				"list the organisations with the misp_organisations data source (scope = \"all\").", what))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP organisation", "Looking up the organisation with "+what, err, nil)
		return
	}
	m, diags := organisationFromAPI(ctx, o)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.UUID.IsNull() {
		m.UUID = cfg.UUID // the configured spelling; MISP's is lower case
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
