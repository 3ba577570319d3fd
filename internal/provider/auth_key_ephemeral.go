package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure = (*authKeyEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*authKeyEphemeral)(nil)
	_ provider.ProviderWithEphemeralResources  = (*mispProvider)(nil)
)

// EphemeralResources lists the provider's ephemeral resources (Terraform >= 1.10).
func (p *mispProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewAuthKeyEphemeral}
}

// NewAuthKeyEphemeral is the ephemeral misp_auth_key: a key opened for one Terraform run and deleted at its close.
func NewAuthKeyEphemeral() ephemeral.EphemeralResource { return &authKeyEphemeral{} }

type authKeyEphemeral struct {
	client *misp.Client
	pd     *providerData
}

type authKeyEphemeralModel struct {
	UserID     types.String         `tfsdk:"user_id"`
	TTL        timetypes.GoDuration `tfsdk:"ttl"`
	Comment    types.String         `tfsdk:"comment"`
	AllowedIPs types.Set            `tfsdk:"allowed_ips"`
	ReadOnly   types.Bool           `tfsdk:"read_only"`
	ID         types.String         `tfsdk:"id"`
	Authkey    types.String         `tfsdk:"authkey"`
	Start      types.String         `tfsdk:"authkey_start"`
	End        types.String         `tfsdk:"authkey_end"`
	Expiration types.String         `tfsdk:"expiration"`
}

const (
	defaultEphemeralTTL     = time.Hour
	defaultEphemeralComment = "Ephemeral key of a Terraform run"
	// privateKeyID is where Open leaves the key's id for Close.
	privateKeyID = "auth_key_id"
)

func (e *authKeyEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth_key"
}

func (e *authKeyEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived MISP API key for one Terraform run: opened with an expiration of now + `ttl`, " +
			"handed to whatever needs it during the run (another provider's configuration, a write-only attribute), and " +
			"deleted from MISP when Terraform closes it at the end of the run. It never reaches the plan or the state. " +
			"Terraform opens one key for the plan and another for the apply.\n\n" +
			"**Keep `ttl` short:** when an apply fails, Terraform (1.11) does not close its ephemeral resources, and neither " +
			"does a killed run; such a key stays in MISP, unusable after its expiration, until deleted (MISP's list of auth keys " +
			"shows it with its comment).\n\nNeeds Terraform 1.10 or later.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{
				MarkdownDescription: "Numeric id of the MISP user the key is for.", Required: true,
				Validators: []validator.String{stringvalidator.RegexMatches(numericIDRe, "must be a numeric MISP user id")},
			},
			"ttl": schema.StringAttribute{
				MarkdownDescription: "How long the key lives at most, as a Go duration (`30m`, `2h`); default `1h`, at least `1m`.",
				CustomType:          timetypes.GoDurationType{}, Optional: true,
			},
			"comment": schema.StringAttribute{
				MarkdownDescription: authKeyDescComment + " Default `\"" + defaultEphemeralComment + "\"`.", Optional: true,
			},
			"allowed_ips": schema.SetAttribute{
				MarkdownDescription: authKeyDescAllowedIPs, ElementType: types.StringType, Optional: true,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(cidrValidator{})},
			},
			"read_only": schema.BoolAttribute{
				MarkdownDescription: authKeyDescReadOnly + " Default `false`.", Optional: true,
			},
			"id": schema.StringAttribute{MarkdownDescription: "Numeric id of the key in MISP.", Computed: true},
			"authkey": schema.StringAttribute{
				MarkdownDescription: "The key itself (40 characters).", Computed: true, Sensitive: true,
			},
			"authkey_start": schema.StringAttribute{MarkdownDescription: "The key's first four characters.", Computed: true},
			"authkey_end":   schema.StringAttribute{MarkdownDescription: "The key's last four characters.", Computed: true},
			"expiration": schema.StringAttribute{
				MarkdownDescription: "When MISP stops accepting the key (RFC 3339, UTC).", Computed: true,
			},
		},
	}
}

func (e *authKeyEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		e.client, e.pd = pd.client, pd
	}
}

func (e *authKeyEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m authKeyEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if e.client == nil {
		resp.Diagnostics.AddError("MISP provider not configured", "The ephemeral misp_auth_key needs a configured provider.")
		return
	}
	ttl := defaultEphemeralTTL
	if known(m.TTL) {
		d, diags := m.TTL.ValueGoDuration()
		resp.Diagnostics.Append(diags...)
		if d < time.Minute {
			resp.Diagnostics.AddAttributeError(path.Root("ttl"), "Ephemeral auth key ttl too short",
				fmt.Sprintf("ttl %s is shorter than a minute; the key could expire before anything uses it.", d))
		}
		ttl = d
	}
	r := &authKeyResource{client: e.client, pd: e.pd}
	r.requireKeyManagement(m.UserID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	userID := m.UserID.ValueString()
	if !checkKeyUser(ctx, e.client, e.pd, userID, &resp.Diagnostics) {
		return
	}
	comment := defaultEphemeralComment
	if known(m.Comment) {
		comment = m.Comment.ValueString()
	}
	exp := time.Now().Add(ttl).Unix()
	in := misp.AuthKeyInput{Comment: &comment, Expiration: &exp, ReadOnly: boolPtr(m.ReadOnly)}
	if known(m.AllowedIPs) {
		var ips []string
		resp.Diagnostics.Append(m.AllowedIPs.ElementsAs(ctx, &ips, false)...)
		in.AllowedIPs = &ips
	}
	if resp.Diagnostics.HasError() {
		return
	}
	k, _, err := authKeyCreatePlan(ctx, e.client, e.pd, userID, in).run(ctx)
	var lost *createLostError
	attempted := fmt.Sprintf("Opening an ephemeral auth key for user %s", userID)
	switch {
	case errors.As(err, &lost):
		resp.Diagnostics.AddError("Error opening ephemeral MISP auth key", lost.detail(attempted))
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Error opening ephemeral MISP auth key", attempted, err, authKeyErrorFields)
		return
	}
	tflog.Debug(ctx, "Opened ephemeral MISP auth key", map[string]any{"id": k.ID.String(), "expiration": exp})
	m.ID = types.StringValue(k.ID.String())
	m.Authkey = types.StringValue(k.Raw)
	m.Start, m.End = types.StringValue(k.Start), types.StringValue(k.End)
	m.Expiration = unixToRFC3339(k.Expiration)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	// Close deletes the key with the client that opened it: one provider process may serve several provider
	// configurations (aliases), and Close is configured with whichever was configured last.
	openedBy.Store(k.ID.String()+" "+e.client.BaseURL(), e.client)
	priv, _ := json.Marshal(openedKey{ID: k.ID.String(), URL: e.client.BaseURL()})
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyID, priv)...)
}

// openedKey is Open's private data for Close.
type openedKey struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// openedBy holds the client that opened each key of this process ("id URL" -> *misp.Client).
var openedBy sync.Map

// Close deletes the key. A key already gone (deleted in MISP) is fine.
func (e *authKeyEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, diags := req.Private.GetKey(ctx, privateKeyID)
	resp.Diagnostics.Append(diags...)
	var ok openedKey
	if len(raw) == 0 || json.Unmarshal(raw, &ok) != nil || ok.ID == "" {
		return
	}
	id, client := ok.ID, e.client
	if c, found := openedBy.LoadAndDelete(ok.ID + " " + ok.URL); found {
		if opener, isClient := c.(*misp.Client); isClient {
			client = opener
		}
	}
	if client == nil {
		resp.Diagnostics.AddWarning("Ephemeral MISP auth key not deleted",
			fmt.Sprintf("The provider was not configured when Terraform closed ephemeral auth key %s; it dies at its expiration.", id))
		return
	}
	err := client.DeleteAuthKey(context.WithoutCancel(ctx), id)
	switch {
	case err == nil, errors.Is(err, misp.ErrNotFound):
		releaseClaim(client, "auth key", id)
		tflog.Debug(ctx, "Closed ephemeral MISP auth key", map[string]any{"id": id})
	default:
		addAPIError(&resp.Diagnostics, "Error deleting ephemeral MISP auth key",
			fmt.Sprintf("Deleting ephemeral auth key %s (it still expires at its expiration)", id), err, nil)
	}
}
