package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ datasource.DataSource              = (*rolesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*rolesDataSource)(nil)
)

// NewRolesDataSource is the misp_roles data source.
func NewRolesDataSource() datasource.DataSource {
	return &rolesDataSource{}
}

type rolesDataSource struct {
	client *misp.Client
}

type rolesModel struct {
	Name  types.String `tfsdk:"name"`
	Roles types.List   `tfsdk:"roles"`
}

func (d *rolesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_roles"
}

func (d *rolesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists MISP roles, with their permission level, every flag and which one is the default " +
			"role for new users.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Keeps only roles with this exact (case-sensitive) name; with `%` it is a SQL " +
					"`LIKE` pattern, e.g. `Org%` (MISP's `name` filter).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"roles": schema.ListNestedAttribute{
				MarkdownDescription: "The matching roles, by id.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: roleDataSourceAttributes(false)},
			},
		},
	}
}

func (d *rolesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		d.client = pd.client
	}
}

func (d *rolesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m rolesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "Listing MISP roles", map[string]any{"name": m.Name.ValueString()})
	list, err := d.client.ListRoles(ctx, m.Name.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP roles", "Listing the roles", err, nil)
		return
	}
	roles := make([]roleModel, 0, len(list))
	for i := range list {
		roles = append(roles, roleFromAPI(&list[i]))
	}
	value, diags := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: roleAttrTypes()}, roles)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Roles = value
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
