package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ datasource.DataSource              = (*organisationsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*organisationsDataSource)(nil)
)

// NewOrganisationsDataSource is the misp_organisations data source.
func NewOrganisationsDataSource() datasource.DataSource {
	return &organisationsDataSource{}
}

type organisationsDataSource struct {
	client *misp.Client
}

type organisationsModel struct {
	Scope         types.String `tfsdk:"scope"`
	Search        types.String `tfsdk:"search"`
	Organisations types.List   `tfsdk:"organisations"`
}

func (d *organisationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organisations"
}

func (d *organisationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists MISP organisations, sorted by name as MISP sorts them (case-insensitively).",
		Attributes: map[string]schema.Attribute{
			"scope": schema.StringAttribute{
				MarkdownDescription: "`local` (the default: organisations using this instance), `external` (remote " +
					"organisations known from sharing and sync) or `all`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf("local", "external", "all")},
			},
			"search": schema.StringAttribute{
				MarkdownDescription: "Keeps only organisations whose name, description, nationality, sector, type, " +
					"contacts, restricted domains or uuid contain this text, ignoring case (MISP's `searchall`).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"organisations": schema.ListNestedAttribute{
				MarkdownDescription: "The matching organisations.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: organisationDataSourceAttributes(false)},
			},
		},
	}
}

func (d *organisationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		d.client = pd.client
	}
}

func (d *organisationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m organisationsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	scope := m.Scope.ValueString()
	if scope == "" {
		scope = "local"
	}
	tflog.Debug(ctx, "Listing MISP organisations", map[string]any{"scope": scope, "search": m.Search.ValueString()})
	list, err := d.client.ListOrganisations(ctx, scope, m.Search.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP organisations",
			fmt.Sprintf("Listing the %s organisations", scope), err, nil)
		return
	}
	orgs := make([]organisationModel, 0, len(list))
	for i := range list {
		o, diags := organisationFromAPI(ctx, &list[i])
		resp.Diagnostics.Append(diags...)
		orgs = append(orgs, o)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	value, diags := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: organisationAttrTypes()}, orgs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Organisations = value
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
