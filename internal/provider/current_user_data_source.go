package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var _ datasource.DataSourceWithConfigure = (*currentUserDataSource)(nil)

// NewCurrentUserDataSource is data.misp_current_user: who the provider's API key belongs to (users/view/me).
func NewCurrentUserDataSource() datasource.DataSource { return &currentUserDataSource{} }

type currentUserDataSource struct{ client *misp.Client }

type currentUserModel struct {
	ID          types.String `tfsdk:"id"`
	Email       types.String `tfsdk:"email"`
	OrgID       types.String `tfsdk:"org_id"`
	OrgName     types.String `tfsdk:"org_name"`
	RoleID      types.String `tfsdk:"role_id"`
	RoleName    types.String `tfsdk:"role_name"`
	Permission  types.String `tfsdk:"permission"`
	SiteAdmin   types.Bool   `tfsdk:"site_admin"`
	OrgAdmin    types.Bool   `tfsdk:"org_admin"`
	Permissions types.Map    `tfsdk:"permissions"`
}

func (d *currentUserDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_current_user"
}

func (d *currentUserDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The MISP user the provider's API key belongs to (MISP's `users/view/me`), with its organisation " +
			"and role, so that a module can adapt to what the key may do and CI can assert which identity it runs as. Any key " +
			"may read it.\n\nA read-only auth key (`read_only`) reports its role's full permissions here, as MISP does, " +
			"although MISP grants it only `perm_auth` and `perm_audit`.",
		Attributes: map[string]schema.Attribute{
			"id":          str("Numeric id of the user."),
			"email":       str("E-mail address of the user."),
			"org_id":      str("Numeric id of the user's organisation."),
			"org_name":    str("Name of the user's organisation."),
			"role_id":     str("Numeric id of the user's role."),
			"role_name":   str("Name of the user's role."),
			"permission":  str(rolePermissionDescription),
			"site_admin":  schema.BoolAttribute{MarkdownDescription: "The role is a site admin's (`perm_site_admin`).", Computed: true},
			"org_admin":   schema.BoolAttribute{MarkdownDescription: "The role is an org admin's (`perm_admin`).", Computed: true},
			"permissions": schema.MapAttribute{MarkdownDescription: "Every `perm_*` flag of the role, by name (as in `misp_role`).", ElementType: types.BoolType, Computed: true},
		},
	}
}

func (d *currentUserDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		d.client = pd.client
	}
}

func (d *currentUserDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	me, err := d.client.ViewMe(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading the provider's MISP user", "Reading users/view/me", err, nil)
		return
	}
	perms := make(map[string]attr.Value, len(roleFlags))
	for _, f := range roleFlags {
		perms[f.name] = types.BoolValue(bool(f.api(&me.Role)))
	}
	m := currentUserModel{
		ID: types.StringValue(me.User.ID.String()), Email: types.StringValue(me.User.Email),
		OrgID: types.StringValue(me.User.OrgID.String()), OrgName: types.StringValue(me.Organisation.Name),
		RoleID: types.StringValue(me.Role.ID.String()), RoleName: types.StringValue(me.Role.Name),
		Permission: types.StringValue(permissionName(me.Role.Permission)),
		SiteAdmin:  types.BoolValue(bool(me.Role.PermSiteAdmin)), OrgAdmin: types.BoolValue(bool(me.Role.PermAdmin)),
		Permissions: types.MapValueMust(types.BoolType, perms),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
