// Package provider implements the MISP Terraform provider: users, organisations and roles of a MISP
// instance as infrastructure.
//
// Section numbers such as §3.1.4 in this package refer to docs/development/misp-api.md, the project's
// reference of MISP's behaviour.
//
// The functions that get one object from MISP share a vocabulary; each one's doc comment says whether it asks
// MISP or may answer from the client's index cache (see the misp package: Get asks, Cached may answer from
// the cache):
//
//   - read<Kind> (readUser, readUserFromIndex, readOrganisation, readRole): by id (an organisation also by
//     uuid), the record as Read shows it; readUser asks MISP, the others may answer from the cache;
//   - find<Kind>By<Field> (findUserByEmail, findOrganisationByName, findRoleByName): by an exact value of one
//     field, through MISP's index;
//   - lookup<Kind> (lookupOrganisation, lookupRole): by any key a user may type, such as an import id: an id
//     or uuid first, a name second.
//
// A missing object is an error matching misp.ErrNotFound (findUserByEmail: errUserEmailNotFound).
package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	_ provider.Provider                     = (*mispProvider)(nil)
	_ provider.ProviderWithFunctions        = (*mispProvider)(nil)
	_ provider.ProviderWithConfigValidators = (*mispProvider)(nil)
)

type mispProvider struct {
	version string
}

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &mispProvider{version: version} }
}

// providerData is what Configure hands to resources, data sources and functions.
type providerData struct {
	client *misp.Client
	// mispVersion is what servers/getVersion answered, e.g. "2.5.1".
	mispVersion string
	// me is the user the API key belongs to (users/view/me): its org is MISP's default org for new
	// users, and its role decides what MISP silently forces (org admins, docs/development/misp-api.md §4).
	me *misp.UserView
	// maxAttempts bounds every repeat of a request, creations included (max_retries).
	maxAttempts int
	// sgStyles is how this run's sharing-group resources manage members (sharing_group_styles.go).
	sgStyles sgStyles
}

func (p *mispProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "misp"
	resp.Version = p.version
}

func (p *mispProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the people side of a [MISP](https://www.misp-project.org/) instance — users, " +
			"organisations, roles, and the users' API keys, settings and sharing groups — through MISP's REST API. The API " +
			"key must belong to a site admin for organisations, roles and sharing groups; an org admin's key can manage the " +
			"users of its own organisation and their keys and settings. A key of any other role may read roles and " +
			"organisations and manage its own user's keys and settings: the provider refuses, at plan time, what the key's " +
			"role may not do.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the MISP instance, e.g. `https://misp.example.org`. " +
					"Falls back to the `MISP_URL` environment variable, then to `url` in the selected `config_file` profile.",
				Optional: true,
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "MISP API (auth) key: 40 letters and digits. Falls back to `MISP_API_KEY`, then to " +
					"`api_key` in the selected profile. Never logged.",
				Optional:  true,
				Sensitive: true,
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Skip TLS certificate verification. For test instances only. Falls back to `MISP_INSECURE`, " +
					"then to `insecure` in the selected profile. Defaults to `false`.",
				Optional: true,
			},
			"ca_cert": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificate(s) to trust in addition to the system pool, for a MISP behind a private CA. Conflicts with `ca_cert_file`.",
				Optional:            true,
			},
			"ca_cert_file": schema.StringAttribute{
				MarkdownDescription: "Path to a PEM file of CA certificate(s) to trust. Falls back to `ca_cert_file` in the selected profile.",
				Optional:            true,
			},
			"client_cert_file": schema.StringAttribute{
				MarkdownDescription: "Path to a PEM client certificate for mutual TLS. Requires `client_key_file`.",
				Optional:            true,
			},
			"client_key_file": schema.StringAttribute{
				MarkdownDescription: "Path to the PEM private key of `client_cert_file`.",
				Optional:            true,
			},
			"timeout": schema.Int64Attribute{
				MarkdownDescription: "Timeout of one HTTP request, in seconds. Defaults to `30`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 3600)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "Attempts of each request, the first one included, when it meets a connection error, " +
					"HTTP 429 or 502/503/504. Reads, edits and deletes are repeated; creates only after a lookup shows that " +
					"MISP did not create the object; password resets only when nothing reached MISP. See " +
					"[Retries and timeouts](#retries-and-timeouts). Defaults to `4`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 20)},
			},
			"config_file": schema.StringAttribute{
				MarkdownDescription: "Path to an INI file describing one or more MISP instances: a `[DEFAULT]` section and " +
					"named sections with the keys `url`, `api_key`, `insecure` and `ca_cert_file`. Falls back to `MISP_CONFIG_FILE`. " +
					"Precedence: attribute > environment variable > named section > `[DEFAULT]`.",
				Optional: true,
			},
			"profile": schema.StringAttribute{
				MarkdownDescription: "Section of `config_file` to use (e.g. one per instance or organisation, picked by provider alias). " +
					"Falls back to `MISP_PROFILE`; without it only `[DEFAULT]` is used.",
				Optional: true,
			},
		},
	}
}

func (p *mispProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{
		providervalidator.Conflicting(path.MatchRoot("ca_cert"), path.MatchRoot("ca_cert_file")),
		providervalidator.RequiredTogether(path.MatchRoot("client_cert_file"), path.MatchRoot("client_key_file")),
	}
}

// unknownAttributes reports provider attributes whose value is not known yet (they depend on a resource
// that has not been created). The client cannot be built from them, as the framework docs recommend
// flagging rather than guessing.
func unknownAttributes(m providerModel, diags *diag.Diagnostics) {
	check := func(name, env string, unknown bool) {
		if !unknown {
			return
		}
		hint := ""
		if env != "" {
			hint = " or use the " + env + " environment variable"
		}
		diags.AddAttributeError(path.Root(name), "Unknown MISP provider "+name,
			fmt.Sprintf("The provider cannot connect to MISP because %s depends on a value that is not known until apply. "+
				"Set it statically%s, or apply the resource it depends on first (terraform apply -target=...).", name, hint))
	}
	check("url", envURL, m.URL.IsUnknown())
	check("api_key", envAPIKey, m.APIKey.IsUnknown())
	check("insecure", envInsecure, m.Insecure.IsUnknown())
	check("ca_cert", "", m.CACert.IsUnknown())
	check("ca_cert_file", "", m.CACertFile.IsUnknown())
	check("client_cert_file", "", m.ClientCertFile.IsUnknown())
	check("client_key_file", "", m.ClientKeyFile.IsUnknown())
	check("timeout", "", m.Timeout.IsUnknown())
	check("max_retries", "", m.MaxRetries.IsUnknown())
	check("config_file", envConfigFile, m.ConfigFile.IsUnknown())
	check("profile", envProfile, m.Profile.IsUnknown())
}

func (p *mispProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "api_key", "authorization", "password")
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	unknownAttributes(m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	rc := resolveConfig(m, &resp.Diagnostics)
	if rc == nil {
		return
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, rc.APIKey)
	ctx = tflog.MaskMessageStrings(ctx, rc.APIKey)

	client, err := newClient(ctx, rc, p.version)
	if err != nil {
		resp.Diagnostics.AddError("Error configuring the MISP client", err.Error())
		return
	}
	pd, diags := connect(ctx, client, rc)
	resp.Diagnostics.Append(diags...)
	if pd == nil {
		return
	}
	resp.ResourceData = pd
	resp.DataSourceData = pd
	resp.EphemeralResourceData = pd
}

// newClient builds the HTTP client; it logs every request (method, path, status, duration) through tflog.
func newClient(ctx context.Context, rc *resolvedConfig, version string) (*misp.Client, error) {
	logCtx := ctx
	return misp.New(misp.Config{
		URL:            rc.URL,
		APIKey:         rc.APIKey,
		UserAgent:      "terraform-provider-misp/" + version,
		Timeout:        time.Duration(rc.TimeoutSeconds) * time.Second,
		MaxRetries:     int(rc.MaxRetries),
		Insecure:       rc.Insecure,
		CACertPEM:      []byte(rc.CACertPEM),
		CACertFile:     rc.CACertFile,
		ClientCertFile: rc.ClientCertFile,
		ClientKeyFile:  rc.ClientKeyFile,
		// Edits and deletes are idempotent in MISP: retrying them keeps a flaky network from failing an apply.
		RetryIdempotentWrites: true,
		Logger: func(reqCtx context.Context, ev misp.RequestEvent) {
			if reqCtx == nil {
				reqCtx = logCtx
			}
			fields := map[string]any{
				"method":      ev.Method,
				"path":        ev.Path,
				"status":      ev.Status,
				"duration_ms": ev.Duration.Milliseconds(),
				"attempt":     ev.Attempt,
			}
			if ev.Err != nil {
				fields["error"] = ev.Err.Error()
			}
			tflog.Debug(reqCtx, "MISP API request", fields)
		},
	})
}

// connect checks the URL and key with one servers/getVersion and one users/view/me, turning each
// failure into a diagnostic that names the problem and the next step (never the key).
func connect(ctx context.Context, client *misp.Client, rc *resolvedConfig) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	ver, err := client.GetVersion(ctx)
	if err != nil {
		connectionDiagnostic(&diags, rc, err)
		return nil, diags
	}
	diags.Append(versionDiagnostics(rc.URL, ver.Version)...)
	me, err := client.ViewMe(ctx)
	if err != nil {
		connectionDiagnostic(&diags, rc, err)
		return nil, diags
	}
	tflog.Info(ctx, "Connected to MISP", map[string]any{
		"misp_version": ver.Version,
		"user_id":      me.User.ID.String(),
		"org_id":       me.User.OrgID.String(),
		"role":         me.Role.Name,
		"site_admin":   bool(me.Role.PermSiteAdmin),
		"org_admin":    bool(me.Role.PermAdmin),
	})
	return &providerData{client: client, mispVersion: ver.Version, me: me, maxAttempts: int(rc.MaxRetries)}, diags
}

func connectionDiagnostic(diags *diag.Diagnostics, rc *resolvedConfig, err error) {
	var (
		apiErr   *misp.APIError
		redirect *misp.RedirectError
	)
	urlAttr := path.Root("url")
	switch {
	case errors.Is(err, misp.ErrAuthentication):
		diags.AddAttributeError(path.Root("api_key"), "MISP rejected the API key",
			fmt.Sprintf("MISP at %s refused the API key from the %s: %s\n\n"+
				"Check the key under Administration > List Auth Keys in MISP.", rc.URL, rc.APIKeySource, err))
	case errors.Is(err, misp.ErrLoginRedirect) && errors.As(err, &redirect):
		diags.AddAttributeError(urlAttr, "MISP answered with its login page",
			fmt.Sprintf("The request to %s was answered with an HTTP %d redirect to %s, MISP's HTML login page, instead of "+
				"an API answer.\n\nUsual causes: the URL points at a proxy or SSO front end that strips the Accept or "+
				"Authorization header, MISP is in maintenance mode, or the URL is not the MISP base URL.",
				rc.URL, redirect.StatusCode, redirect.Location))
	case errors.As(err, &redirect):
		diags.AddAttributeError(urlAttr, "MISP's API is not at this URL",
			fmt.Sprintf("The request to %s was answered with an HTTP %d redirect to %q, which the provider does not follow. %s",
				rc.URL, redirect.StatusCode, redirect.Location, baseURLQuestion(rc)))
	case errors.Is(err, misp.ErrPlainHTTP):
		diags.AddAttributeError(urlAttr, "MISP speaks plain HTTP, not HTTPS",
			fmt.Sprintf("The server at %s (from the %s) answered the HTTPS request in plain HTTP: it does not serve TLS on "+
				"that port, so no certificate setting can help. If MISP is meant to be reached without TLS there, use "+
				"url = %q; otherwise check the port of the URL.", rc.URL, rc.URLSource, plainHTTPURL(rc.URL)))
	case errors.Is(err, misp.ErrTLS):
		diags.AddAttributeError(urlAttr, "TLS error connecting to MISP",
			fmt.Sprintf("The TLS connection to %s failed: %s\n\n"+
				"If MISP uses a private or self-signed certificate, trust its CA with ca_cert_file (or ca_cert). "+
				"insecure = true disables verification and is meant for test instances only.", rc.URL, err))
	case misp.IsUnknownHost(err):
		host := rc.URL
		if u, perr := url.Parse(rc.URL); perr == nil {
			host = u.Hostname()
		}
		diags.AddAttributeError(urlAttr, "MISP host name not found",
			fmt.Sprintf("The host name %q of the MISP URL %s (from the %s) does not exist: DNS answered \"no such host\". "+
				"Check the spelling of the URL, and that this machine uses the DNS (or hosts file) that knows the name. "+
				"The provider does not retry this: waiting does not change the answer.", host, rc.URL, rc.URLSource))
	case errors.Is(err, misp.ErrUnreachable):
		diags.AddAttributeError(urlAttr, "Cannot reach MISP",
			fmt.Sprintf("No connection could be made to %s (from the %s): %s\n\n"+
				"Check the URL, DNS, firewall and that MISP is running.", rc.URL, rc.URLSource, err))
	case errors.Is(err, misp.ErrTimeout):
		diags.AddAttributeError(urlAttr, "MISP did not answer in time",
			fmt.Sprintf("The request to %s timed out after %d s: %s\n\nCheck the URL and MISP's load, or raise timeout.",
				rc.URL, rc.TimeoutSeconds, err))
	case errors.Is(err, misp.ErrNotFound) && errors.As(err, &apiErr):
		said := "an answer that is not JSON (a web page of another server?)"
		if msg := cmp.Or(apiErr.Message, apiErr.Name); apiErr.Body == "" && msg != "" {
			said = fmt.Sprintf("%q", msg)
		}
		diags.AddAttributeError(urlAttr, "MISP's API is not at this URL",
			fmt.Sprintf("%s answered HTTP 404 to MISP's version call (GET /servers/getVersion), with %s. %s",
				rc.URL, said, baseURLQuestion(rc)))
	case errors.As(err, &apiErr):
		diags.AddError("Error connecting to MISP",
			fmt.Sprintf("MISP at %s answered the connection check with an error: %s", rc.URL, err))
	default:
		diags.AddError("Error connecting to MISP", fmt.Sprintf("Checking the connection to %s failed: %s", rc.URL, err))
	}
}

// baseURLQuestion asks whether the configured URL is MISP's base URL, for answers that say MISP's API is not there.
func baseURLQuestion(rc *resolvedConfig) string {
	return fmt.Sprintf("Is %s (from the %s) MISP's base URL, the address of its home page, e.g. https://misp.example.org "+
		"or https://example.org/misp for a MISP under a path, not a page such as https://misp.example.org/users/login? "+
		"And is the server at that address MISP at all?", rc.URL, rc.URLSource)
}

// plainHTTPURL is an https:// URL turned into the http:// URL of the same host and port.
func plainHTTPURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), "443")
	}
	u.Scheme = "http"
	return u.String()
}

func (p *mispProvider) Resources(context.Context) []func() resource.Resource {
	return providerResources()
}

func (p *mispProvider) DataSources(context.Context) []func() datasource.DataSource {
	return providerDataSources()
}

func (p *mispProvider) Functions(context.Context) []func() function.Function {
	return providerFunctions()
}
