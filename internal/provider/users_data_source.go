package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ datasource.DataSource              = (*usersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*usersDataSource)(nil)
)

// NewUsersDataSource is the misp_users data source.
func NewUsersDataSource() datasource.DataSource { return &usersDataSource{} }

type usersDataSource struct {
	pd *providerData
}

type usersDataSourceModel struct {
	OrgID    types.String    `tfsdk:"org_id"`
	RoleID   types.String    `tfsdk:"role_id"`
	Email    types.String    `tfsdk:"email"`
	Disabled types.Bool      `tfsdk:"disabled"`
	Search   types.String    `tfsdk:"search"`
	Users    []userInfoModel `tfsdk:"users"`
}

// usersViewConcurrency bounds the per-user view requests (the index lacks totp_is_set, notification_*
// and external_auth_required).
const usersViewConcurrency = 4

func (d *usersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func (d *usersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	id := []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP id")}
	resp.Schema = schema.Schema{
		MarkdownDescription: "MISP users matching optional filters, which MISP applies itself (its user index's named " +
			"parameters). Without filters: every user the provider's key can see (an org admin sees only its own " +
			"organisation). Each user comes with its organisation and role names; secrets are never included. " +
			"Feed `users` to `provider::misp::users_csv` for a CSV report.",
		Attributes: map[string]schema.Attribute{
			"org_id": schema.StringAttribute{
				MarkdownDescription: "Only users of this organisation id (MISP's `searchorg`). MISP honours it for site admins; an org admin's key sees its own organisation only anyway.",
				Optional:            true, Validators: id,
			},
			"role_id": schema.StringAttribute{
				MarkdownDescription: "Only users with this role id (MISP's `searchrole`).",
				Optional:            true, Validators: id,
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Only users whose e-mail contains this text, without regard to case (MISP's `searchemail`). " +
					"MISP's filter syntax applies: `a|b` matches either, a leading `!` negates.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"disabled": schema.BoolAttribute{
				MarkdownDescription: "Only disabled (`true`) or only enabled (`false`) users (MISP's `searchdisabled`).",
				Optional:            true,
			},
			"search": schema.StringAttribute{
				MarkdownDescription: "Only users whose e-mail, organisation name or role name contains this text, without regard to case (MISP's `searchall`).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"users": schema.ListNestedAttribute{
				MarkdownDescription: "The matching users, ordered by id.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: userInfoAttributes()},
			},
		},
	}
}

func (d *usersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *usersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m usersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !requireKeyToRead(d.pd, &resp.Diagnostics, needUserAdmin, "The misp_users data source", "MISP users") {
		return
	}
	f := misp.UserFilter{
		Org:      m.OrgID.ValueString(),
		Role:     m.RoleID.ValueString(),
		Email:    m.Email.ValueString(),
		All:      m.Search.ValueString(),
		Disabled: boolPtr(m.Disabled),
	}
	entries, err := d.pd.client.ListUsers(ctx, f)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP users", "Listing users", err, nil)
		return
	}
	sort.Slice(entries, func(i, j int) bool { return idLess(entries[i].User.ID, entries[j].User.ID) })

	records, err := d.details(ctx, entries)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading MISP users", "Reading the listed users' details", err, nil)
		return
	}
	m.Users = make([]userInfoModel, 0, len(records))
	for _, rec := range records {
		var u userInfoModel
		u.setFromRecord(rec)
		m.Users = append(m.Users, u)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// details completes each index row with the admin view (TOTP, notifications, external auth), a few
// requests at a time; the first failure cancels the rest. A user deleted meanwhile is left out.
func (d *usersDataSource) details(ctx context.Context, entries []misp.UserIndexEntry) ([]*userRecord, error) {
	out := make([]*userRecord, len(entries))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(usersViewConcurrency)
	for i, e := range entries {
		g.Go(func() error {
			v, err := d.pd.client.GetUser(gctx, e.User.ID.String())
			if errors.Is(err, misp.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			sid := idString(e.User.ServerID)
			out[i] = &userRecord{User: v.User, OrgName: e.Organisation.Name, RoleName: e.Role.Name, ServerID: &sid}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("read user details: %w", err)
	}
	records := make([]*userRecord, 0, len(out))
	for _, r := range out {
		if r != nil {
			records = append(records, r)
		}
	}
	return records, nil
}

// idLess orders MISP ids numerically.
func idLess(a, b misp.ID) bool {
	x, errX := strconv.ParseInt(a.String(), 10, 64)
	y, errY := strconv.ParseInt(b.String(), 10, 64)
	if errX != nil || errY != nil {
		return a < b
	}
	return x < y
}
