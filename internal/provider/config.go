package provider

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"gopkg.in/ini.v1"
)

// Environment variables read by the provider configuration.
const (
	envURL        = "MISP_URL"
	envAPIKey     = "MISP_API_KEY"
	envInsecure   = "MISP_INSECURE"
	envConfigFile = "MISP_CONFIG_FILE"
	envProfile    = "MISP_PROFILE"
)

// apiKeyPattern is MISP's own rule for an API key (docs/development/misp-api.md §0.2).
var apiKeyPattern = regexp.MustCompile(`^[a-zA-Z0-9]{40}$`)

// providerModel is the provider block.
type providerModel struct {
	URL            types.String `tfsdk:"url"`
	APIKey         types.String `tfsdk:"api_key"`
	Insecure       types.Bool   `tfsdk:"insecure"`
	CACert         types.String `tfsdk:"ca_cert"`
	CACertFile     types.String `tfsdk:"ca_cert_file"`
	ClientCertFile types.String `tfsdk:"client_cert_file"`
	ClientKeyFile  types.String `tfsdk:"client_key_file"`
	Timeout        types.Int64  `tfsdk:"timeout"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	ConfigFile     types.String `tfsdk:"config_file"`
	Profile        types.String `tfsdk:"profile"`
}

// resolvedConfig is the provider configuration after attributes, environment variables and the
// profile file have been merged (attribute > environment > named section > [DEFAULT]).
type resolvedConfig struct {
	URL            string
	APIKey         string
	Insecure       bool
	CACertPEM      string
	CACertFile     string
	ClientCertFile string
	ClientKeyFile  string
	TimeoutSeconds int64
	MaxRetries     int64
	// Where each of url and api_key came from, for diagnostics ("attribute", "environment", "profile ...").
	URLSource    string
	APIKeySource string
}

// profileSource is one section of a config_file, with [DEFAULT] as its fallback.
type profileSource struct {
	file    string
	name    string // section name; "DEFAULT" when no profile is selected
	section *ini.Section
	dflt    *ini.Section
}

func (p *profileSource) get(key string) (string, string, bool) {
	if p == nil {
		return "", "", false
	}
	if p.section != nil && p.section.HasKey(key) {
		return strings.TrimSpace(p.section.Key(key).String()), fmt.Sprintf("profile %q of %s", p.name, p.file), true
	}
	if p.dflt != nil && p.dflt.HasKey(key) {
		return strings.TrimSpace(p.dflt.Key(key).String()), fmt.Sprintf("[DEFAULT] of %s", p.file), true
	}
	return "", "", false
}

// loadProfile reads an INI config file and selects a section. Problems are attribute errors that
// name the file and, for an unknown profile, the sections it does have.
func loadProfile(file, profile string, fileFromEnv, profileFromEnv bool, diags *diag.Diagnostics) *profileSource {
	fileAttr := path.Root("config_file")
	fileHint := "Set config_file (or " + envConfigFile + ") to the path of an existing INI file."
	if fileFromEnv {
		fileHint = "The path came from the " + envConfigFile + " environment variable; point it at an existing INI file."
	}
	data, err := os.ReadFile(file)
	if err != nil {
		summary, detail := configFileReadError(file, err, fileHint)
		diags.AddAttributeError(fileAttr, summary, detail)
		return nil
	}
	cfg, err := ini.LoadSources(ini.LoadOptions{Insensitive: false}, data)
	if err != nil {
		diags.AddAttributeError(fileAttr, "Invalid MISP configuration file",
			fmt.Sprintf("The configuration file %q is not a valid INI file: %s", file, err))
		return nil
	}
	src := &profileSource{file: file, dflt: cfg.Section(ini.DefaultSection), name: ini.DefaultSection}
	if profile == "" || profile == ini.DefaultSection {
		return src
	}
	sec, err := cfg.GetSection(profile)
	if err != nil {
		names := []string{}
		for _, s := range cfg.SectionStrings() {
			if s != ini.DefaultSection {
				names = append(names, s)
			}
		}
		sort.Strings(names)
		have := "it has no named sections"
		if len(names) > 0 {
			have = "it has: " + strings.Join(names, ", ")
		}
		origin := "profile"
		if profileFromEnv {
			origin = envProfile
		}
		diags.AddAttributeError(path.Root("profile"), "Unknown MISP profile",
			fmt.Sprintf("The %s %q is not a section of the configuration file %q (%s). "+
				"Choose one of those sections, or add a [%s] section to the file.", origin, profile, file, have, profile))
		return nil
	}
	src.section = sec
	src.name = profile
	return src
}

// configFileReadError explains why the configuration file could not be read: missing, or unreadable and why
// ("permission denied", "is a directory"...).
func configFileReadError(file string, err error, fileHint string) (summary, detail string) {
	if errors.Is(err, fs.ErrNotExist) {
		return "MISP configuration file not found", fmt.Sprintf("The configuration file %q does not exist. %s", file, fileHint)
	}
	reason := err.Error()
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		reason = pathErr.Err.Error() // the path is named already
	}
	return "MISP configuration file cannot be read",
		fmt.Sprintf("The configuration file %q cannot be read: %s. Make it a file that the user running Terraform "+
			"can read, or point config_file (or %s) at another one.", file, reason, envConfigFile)
}

// resolveString applies attribute > environment > named section > [DEFAULT].
func resolveString(attr types.String, env, iniKey string, prof *profileSource) (string, string) {
	if !attr.IsNull() && !attr.IsUnknown() {
		return attr.ValueString(), "attribute"
	}
	if env != "" {
		if v, ok := os.LookupEnv(env); ok && v != "" {
			return v, "environment variable " + env
		}
	}
	if iniKey != "" {
		if v, src, ok := prof.get(iniKey); ok {
			return v, src
		}
	}
	return "", ""
}

// resolveConfig merges the provider block, the environment and the profile file, and validates the result.
// Every problem is reported as an attribute diagnostic; the API key is never echoed.
func resolveConfig(m providerModel, diags *diag.Diagnostics) *resolvedConfig {
	file, fileSrc := resolveString(m.ConfigFile, envConfigFile, "", nil)
	profile, profSrc := resolveString(m.Profile, envProfile, "", nil)
	var prof *profileSource
	if file != "" {
		prof = loadProfile(file, profile, fileSrc != "attribute", profSrc != "attribute", diags)
		if prof == nil {
			return nil
		}
	} else if profile != "" {
		diags.AddAttributeError(path.Root("profile"), "MISP profile without a configuration file",
			fmt.Sprintf("A profile (%q) was selected but no configuration file was given. Set config_file or the %s environment variable.", profile, envConfigFile))
		return nil
	}

	rc := &resolvedConfig{}
	rc.URL, rc.URLSource = resolveString(m.URL, envURL, "url", prof)
	rc.APIKey, rc.APIKeySource = resolveString(m.APIKey, envAPIKey, "api_key", prof)
	rc.CACertPEM, _ = resolveString(m.CACert, "", "", nil)
	rc.CACertFile, _ = resolveString(m.CACertFile, "", "ca_cert_file", prof)
	rc.ClientCertFile = m.ClientCertFile.ValueString()
	rc.ClientKeyFile = m.ClientKeyFile.ValueString()

	insecure, insecureSrc := "", ""
	if !m.Insecure.IsNull() {
		rc.Insecure = m.Insecure.ValueBool()
	} else {
		insecure, insecureSrc = resolveString(types.StringNull(), envInsecure, "insecure", prof)
		if insecure != "" {
			b, err := strconv.ParseBool(insecure)
			if err != nil {
				diags.AddAttributeError(path.Root("insecure"), "Invalid value for insecure",
					fmt.Sprintf("The %s sets insecure to %q, which is not a boolean. Use true or false.", insecureSrc, insecure))
			}
			rc.Insecure = b
		}
	}

	rc.TimeoutSeconds = 30
	if !m.Timeout.IsNull() {
		rc.TimeoutSeconds = m.Timeout.ValueInt64()
	}
	rc.MaxRetries = 4
	if !m.MaxRetries.IsNull() {
		rc.MaxRetries = m.MaxRetries.ValueInt64()
	}

	validateURL(rc, diags)
	validateAPIKey(rc, diags)
	if rc.CACertPEM != "" && rc.CACertFile != "" {
		diags.AddAttributeError(path.Root("ca_cert"), "Conflicting CA certificate settings",
			"Set either ca_cert (PEM text) or ca_cert_file (a path), not both. ca_cert_file may also come from the profile file.")
	}
	if diags.HasError() {
		return nil
	}
	return rc
}

func validateURL(rc *resolvedConfig, diags *diag.Diagnostics) {
	p := path.Root("url")
	raw := strings.TrimSpace(rc.URL)
	if raw == "" {
		diags.AddAttributeError(p, "Missing MISP URL",
			"The provider needs the base URL of your MISP instance, e.g. https://misp.example.org. "+
				"Set the url attribute, the "+envURL+" environment variable, or url in a config_file profile.")
		return
	}
	shown := shownURL(raw)
	u, err := url.Parse(raw)
	var problem string
	switch {
	case !strings.Contains(raw, "://"):
		problem = fmt.Sprintf("has no scheme. Write it with one: %q for a MISP served over plain HTTP, or %q with TLS",
			"http://"+shown, "https://"+shown)
	case err != nil:
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the url.Error would repeat the URL, a password included
		}
		problem = fmt.Sprintf("is not a valid URL (%s). Write MISP's base URL, e.g. https://misp.example.org", err)
	case u.Scheme != "http" && u.Scheme != "https":
		problem = fmt.Sprintf("has the scheme %q: MISP's base URL must start with http:// or https://, e.g. https://misp.example.org", u.Scheme)
	case u.Host == "":
		problem = "has no host name. Write MISP's base URL, e.g. https://misp.example.org"
	default:
		return
	}
	diags.AddAttributeError(p, "Invalid MISP URL", fmt.Sprintf("The MISP URL %q (from the %s) %s.", shown, rc.URLSource, problem))
}

// shownURL is a configured URL fit for a diagnostic: the password of a user:password@ part is replaced by
// "xxxxx", whatever the rest of the value looks like (it may not even parse).
func shownURL(s string) string {
	prefix, rest := "", s
	if i := strings.Index(s, "://"); i >= 0 {
		prefix, rest = s[:i+3], s[i+3:]
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		return s
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if hasPassword {
		user += ":xxxxx"
	}
	return prefix + user + rest[at:]
}

func validateAPIKey(rc *resolvedConfig, diags *diag.Diagnostics) {
	p := path.Root("api_key")
	if rc.APIKey == "" {
		diags.AddAttributeError(p, "Missing MISP API key",
			"The provider needs a MISP API (auth) key. Set the api_key attribute, the "+envAPIKey+
				" environment variable, or api_key in a config_file profile. Create a key in MISP under "+
				"Administration > List Auth Keys.")
		return
	}
	if !apiKeyPattern.MatchString(rc.APIKey) {
		diags.AddAttributeError(p, "Malformed MISP API key",
			fmt.Sprintf("The MISP API key from the %s is not valid: MISP keys are exactly 40 letters and digits "+
				"(this one has %d characters). Check for a truncated key or stray quotes/whitespace. The key is not shown here.",
				rc.APIKeySource, len(rc.APIKey)))
	}
}
