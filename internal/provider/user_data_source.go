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

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ datasource.DataSource                     = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*userDataSource)(nil)
)

// NewUserDataSource is the misp_user data source.
func NewUserDataSource() datasource.DataSource { return &userDataSource{} }

type userDataSource struct {
	pd *providerData
}

func (d *userDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := userInfoAttributes()
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "MISP's numeric user id. Exactly one of `id` and `email` must be set.",
		Optional:            true, Computed: true,
		Validators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP user id")},
	}
	attrs["email"] = schema.StringAttribute{
		MarkdownDescription: "E-mail address of the user, compared without regard to case as MISP does. Exactly one of `id` and `email` must be set.",
		Optional:            true, Computed: true, CustomType: userStringType{rule: userEmailKind},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One MISP user, found by id or by e-mail address, with every attribute except secrets " +
			"(password, API keys, external authentication key). The provider's key must be a site admin's, or an org admin's " +
			"for users of its own organisation.",
		Attributes: attrs,
	}
}

func (d *userDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("email")),
	}
}

func (d *userDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m userInfoModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !requireKeyToRead(d.pd, &resp.Diagnostics, needUserAdmin, "The misp_user data source", "MISP users") {
		return
	}
	id := m.ID.ValueString()
	what := "user " + id
	if m.ID.IsNull() {
		email := m.Email.ValueString()
		what = "user " + email
		entry, err := findUserByEmail(ctx, d.pd.client, email)
		if errors.Is(err, errUserEmailNotFound) {
			resp.Diagnostics.AddAttributeError(path.Root("email"), "MISP user not found",
				fmt.Sprintf("No MISP user has the e-mail address %q (compared without regard to case), or the provider's key "+
					"cannot see it (an org admin sees only its own organisation's users).", email))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Error reading MISP user", "Looking up "+what, err, nil)
			return
		}
		id = entry.User.ID.String()
	}
	rec, err := readUser(ctx, d.pd.client, id)
	if errors.Is(err, misp.ErrNotFound) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "MISP user not found",
			fmt.Sprintf("No MISP user has the id %s, or the provider's key cannot see it (an org admin sees only its own "+
				"organisation's users).", id))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP user", "Reading "+what, err, nil)
		return
	}
	configEmail := m.Email
	m.setFromRecord(rec)
	if !configEmail.IsNull() {
		// The lookup key stays as configured; MISP's spelling may differ in case only.
		m.Email = configEmail
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
