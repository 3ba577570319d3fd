package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ datasource.DataSource                     = (*roleDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*roleDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*roleDataSource)(nil)
)

// NewRoleDataSource is the misp_role data source.
func NewRoleDataSource() datasource.DataSource {
	return &roleDataSource{}
}

type roleDataSource struct {
	client *misp.Client
}

func (d *roleDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role"
}

// roleDataSourceAttributes are the attributes of one role in a data source; with lookup, id and name are also
// accepted as search keys.
func roleDataSourceAttributes(lookup bool) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"id":                       schema.StringAttribute{MarkdownDescription: roleDescID, Computed: true},
		"name":                     schema.StringAttribute{MarkdownDescription: roleDescName, Computed: true},
		"permission":               schema.StringAttribute{MarkdownDescription: rolePermissionDescription, Computed: true},
		"memory_limit":             schema.StringAttribute{MarkdownDescription: roleDescMemoryLimit, Computed: true},
		"max_execution_time":       schema.Int64Attribute{MarkdownDescription: roleDescMaxExecTime, Computed: true},
		"restricted_to_site_admin": schema.BoolAttribute{MarkdownDescription: roleDescRestricted, Computed: true},
		"enforce_rate_limit":       schema.BoolAttribute{MarkdownDescription: roleDescEnforce, Computed: true},
		"rate_limit_count":         schema.Int64Attribute{MarkdownDescription: roleDescRateCount, Computed: true},
		"default":                  schema.BoolAttribute{MarkdownDescription: roleDescDefault, Computed: true},
	}
	for _, f := range roleFlags {
		attrs[f.name] = schema.BoolAttribute{MarkdownDescription: f.description, Computed: true}
	}
	if lookup {
		attrs["id"] = schema.StringAttribute{
			MarkdownDescription: roleDescID + " One of `id` or `name` selects the role.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP id")},
		}
		attrs["name"] = schema.StringAttribute{
			MarkdownDescription: roleDescName + " One of `id` or `name` selects the role.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	return attrs
}

func (d *roleDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one MISP role by exactly one of `id` or `name` (case-sensitive), e.g. a built-in " +
			"role such as `User` or `Read Only`. Fails when no role matches.",
		Attributes: roleDataSourceAttributes(true),
	}
}

func (d *roleDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *roleDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		d.client = pd.client
	}
}

func (d *roleDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg roleModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var (
		role *misp.Role
		err  error
		what string
	)
	if !cfg.ID.IsNull() {
		what = "id " + cfg.ID.ValueString()
		role, err = readRole(ctx, d.client, cfg.ID.ValueString())
	} else {
		what = fmt.Sprintf("name %q", cfg.Name.ValueString())
		role, err = findRoleByName(ctx, d.client, cfg.Name.ValueString())
	}
	tflog.Debug(ctx, "Looked up MISP role", map[string]any{"key": what})
	if errors.Is(err, misp.ErrNotFound) {
		resp.Diagnostics.AddError("Error reading MISP role",
			fmt.Sprintf("No MISP role has %s. Names are case-sensitive; the misp_roles data source lists every role.", what))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP role", "Looking up the role with "+what, err, nil)
		return
	}
	m := roleFromAPI(role)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
