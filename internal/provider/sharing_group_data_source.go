package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ datasource.DataSourceWithConfigure        = (*sharingGroupDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*sharingGroupDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*sharingGroupsDataSource)(nil)
)

// NewSharingGroupDataSource is the misp_sharing_group data source.
func NewSharingGroupDataSource() datasource.DataSource { return &sharingGroupDataSource{} }

// NewSharingGroupsDataSource is the misp_sharing_groups data source.
func NewSharingGroupsDataSource() datasource.DataSource { return &sharingGroupsDataSource{} }

type sharingGroupDataSource struct{ client *misp.Client }

type sharingGroupsDataSource struct{ client *misp.Client }

// sharingGroupDataSourceAttributes are one group's attributes in a data source; with lookup, id, uuid and name
// are also accepted as search keys.
func sharingGroupDataSourceAttributes(lookup bool) map[string]schema.Attribute {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	boolean := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{MarkdownDescription: desc, Computed: true}
	}
	attrs := map[string]schema.Attribute{
		"id":                str(sgDescID),
		"uuid":              schema.StringAttribute{MarkdownDescription: sgDescUUID + " Lower case.", CustomType: uuidStringType{}, Computed: true},
		"name":              str(sgDescName),
		"description":       str(sgDescDescription),
		"releasability":     str(sgDescReleasability),
		"active":            boolean(sgDescActive),
		"roaming":           boolean(sgDescRoaming),
		"local":             boolean(sgDescLocal),
		"organisation_id":   str(sgDescOrgID),
		"organisation_uuid": str(sgDescOrgUUID),
		"created":           str(sgDescCreated),
		"modified":          str(sgDescModified),
		"org_count":         schema.Int64Attribute{MarkdownDescription: sgDescOrgCount, Computed: true},
		"organisations": schema.SetNestedAttribute{MarkdownDescription: sgDescMembers, Computed: true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"organisation_id": str("Numeric id of the member organisation."),
				"extend":          boolean("Whether the member's users with the sharing-group permission may edit the group."),
			}}},
		"servers": schema.SetNestedAttribute{MarkdownDescription: sgDescServers, Computed: true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"server_id": str("Numeric id of the server; `0` is this MISP instance."),
				"all_orgs":  boolean("Shared with every organisation of that server."),
			}}},
	}
	if lookup {
		attrs["id"] = schema.StringAttribute{
			MarkdownDescription: sgDescID + " One of `id`, `uuid` or `name` selects the group.",
			Optional:            true, Computed: true,
			Validators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP id")},
		}
		attrs["uuid"] = schema.StringAttribute{
			MarkdownDescription: sgDescUUID + " One of `id`, `uuid` or `name` selects the group; compared case-insensitively.",
			CustomType:          uuidStringType{}, Optional: true, Computed: true,
			Validators: []validator.String{mispUUIDValidator()},
		}
		attrs["name"] = schema.StringAttribute{
			MarkdownDescription: sgDescName + " One of `id`, `uuid` or `name` selects the group.",
			Optional:            true, Computed: true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	return attrs
}

func sharingGroupAttrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"id": types.StringType, "uuid": uuidStringType{}, "name": types.StringType, "description": types.StringType,
		"releasability": types.StringType, "active": types.BoolType, "roaming": types.BoolType, "local": types.BoolType,
		"organisation_id": types.StringType, "organisation_uuid": types.StringType, "created": types.StringType,
		"modified": types.StringType, "org_count": types.Int64Type,
		"organisations": types.SetType{ElemType: sgMemberType}, "servers": types.SetType{ElemType: sgServerType},
	}
}

func (d *sharingGroupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sharing_group"
}

func (d *sharingGroupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one MISP sharing group, active or not, by exactly one of `id`, `uuid` or `name`, " +
			"with its organisations and servers. Fails when the API key sees no such group.",
		Attributes: sharingGroupDataSourceAttributes(true),
	}
}

func (d *sharingGroupDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("uuid"), path.MatchRoot("name")),
	}
}

func (d *sharingGroupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		d.client = pd.client
	}
}

func (d *sharingGroupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg sharingGroupModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var (
		rec  *misp.SharingGroupRecord
		err  error
		what string
	)
	switch {
	case !cfg.ID.IsNull():
		what = "id " + cfg.ID.ValueString()
		rec, err = d.client.GetSharingGroup(ctx, cfg.ID.ValueString())
	case !cfg.UUID.IsNull():
		what = "uuid " + strings.ToLower(cfg.UUID.ValueString())
		rec, err = d.client.GetSharingGroup(ctx, strings.ToLower(cfg.UUID.ValueString()))
	default:
		what = fmt.Sprintf("name %q", cfg.Name.ValueString())
		var g *misp.SharingGroup
		if g, err = findSharingGroupByName(ctx, d.client, cfg.Name.ValueString(), ""); err == nil {
			if g == nil {
				err = misp.ErrNotFound
			} else {
				rec, err = d.client.GetSharingGroup(ctx, g.ID.String())
			}
		}
	}
	if errors.Is(err, misp.ErrNotFound) {
		resp.Diagnostics.AddError("Error reading MISP sharing group",
			fmt.Sprintf("No MISP sharing group that the provider's API key may see has %s. List them with the "+
				"misp_sharing_groups data source.", what))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP sharing group", "Looking up the sharing group with "+what, err, nil)
		return
	}
	m, diags := sharingGroupFromAPI(ctx, rec)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.UUID.IsNull() {
		m.UUID = cfg.UUID // the configured spelling
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

type sharingGroupsModel struct {
	SharingGroups types.List `tfsdk:"sharing_groups"`
}

func (d *sharingGroupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sharing_groups"
}

func (d *sharingGroupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the MISP sharing groups the provider's API key may see, active and inactive, sorted " +
			"by name (case-insensitively), each with its organisations and servers. For a key that is not a site " +
			"admin's, MISP lists only the groups its organisation is a member of (or that share with every " +
			"organisation of this instance).",
		Attributes: map[string]schema.Attribute{
			"sharing_groups": schema.ListNestedAttribute{
				MarkdownDescription: "The sharing groups.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: sharingGroupDataSourceAttributes(false)},
			},
		},
	}
}

func (d *sharingGroupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		d.client = pd.client
	}
}

func (d *sharingGroupsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	all, err := d.client.ListAllSharingGroups(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error listing MISP sharing groups", "Listing sharing groups", err, nil)
		return
	}
	sort.SliceStable(all, func(i, j int) bool {
		return strings.ToLower(all[i].SharingGroup.Name) < strings.ToLower(all[j].SharingGroup.Name)
	})
	models := make([]sharingGroupModel, 0, len(all))
	for i := range all {
		m, diags := sharingGroupFromAPI(ctx, &all[i])
		resp.Diagnostics.Append(diags...)
		models = append(models, m)
	}
	list, diags := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: sharingGroupAttrTypes()}, models)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &sharingGroupsModel{SharingGroups: list})...)
}
