package provider

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// The bad-input catalogue: every way a configuration, a key, or the network in front of MISP can go wrong,
// each asserting the diagnostic's text and that nothing changed — the next plan of the previous
// configuration is empty (state and MISP agree with it) and the emulator holds no extra object.

// catCounts is how many users, organisations and roles of one test MISP holds: those whose e-mail or name
// contains the test's suffix, so that the count holds while other tests share the MISP.
type catCounts struct{ users, orgs, roles int }

// catBaseline records the counts; unchanged is a plan-only step of the baseline configuration that must find
// nothing to do, run after the counts are compared with the baseline.
type catBaseline struct {
	t      *testing.T
	ui     *mispUI
	suffix string
	counts catCounts
}

func (b *catBaseline) count() (catCounts, []string) {
	var c catCounts
	var emails []string
	for _, u := range b.ui.Users() {
		if e := fmt.Sprint(u["email"]); strings.Contains(strings.ToLower(e), b.suffix) {
			c.users++
			emails = append(emails, e)
		}
	}
	for _, o := range b.ui.Organisations() {
		if strings.Contains(fmt.Sprint(o["name"]), b.suffix) {
			c.orgs++
		}
	}
	for _, r := range b.ui.Roles() {
		if strings.Contains(fmt.Sprint(r["name"]), b.suffix) {
			c.roles++
		}
	}
	return c, emails
}

func (b *catBaseline) record() resource.TestCheckFunc {
	return func(*terraform.State) error {
		b.counts, _ = b.count()
		return nil
	}
}

func (b *catBaseline) unchanged(config string) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() {
			if got, emails := b.count(); got != b.counts {
				b.t.Fatalf("the failed step changed MISP: %+v objects, before %+v (users: %s)", got, b.counts, strings.Join(emails, ", "))
			}
		},
		Config:   config,
		PlanOnly: true,
	}
}

func catID(t *testing.T, list []map[string]any, field, value string) string {
	t.Helper()
	for _, o := range list {
		if fmt.Sprint(o[field]) == value {
			return fmt.Sprint(o["id"])
		}
	}
	t.Fatalf("no MISP object with %s = %q", field, value)
	return ""
}

// Users: invalid e-mail, duplicate e-mail (other case), unknown organisation, unknown role, weak password.
func TestAccCatalogue_userInputs(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("cat"))
	base := env.Config(fmt.Sprintf(`
resource "misp_organisation" "base" {
  name = "base-%[1]s"
}

resource "misp_role" "base" {
  name       = "base-%[1]s"
  permission = "manage_own"
}

resource "misp_user" "base" {
  email   = "base-%[1]s@example.org"
  org_id  = misp_organisation.base.id
  role_id = misp_role.base.id
}
`, suffix))
	with := func(extra string) string { return base + "\n" + extra }
	b := &catBaseline{t: t, ui: ui, suffix: suffix}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base, Check: b.record()},
			{
				Config: with(`resource "misp_user" "bad" {
  email = "not-an-email"
}`),
				ExpectError: diagRe("email must be an e-mail address that MISP accepts", "not-an-email"),
				PlanOnly:    true,
			},
			{
				Config: with(`resource "misp_user" "bad" {
  email   = upper(misp_user.base.email)
  org_id  = misp_organisation.base.id
  role_id = misp_role.base.id
}`),
				ExpectError: diagRe("Error creating MISP user", "MISP rejected email: An account with this email address already exists."),
			},
			b.unchanged(base),
			{
				Config: with(`resource "misp_user" "bad" {
  email   = "unknown-org-` + suffix + `@example.org"
  org_id  = "99999"
  role_id = misp_role.base.id
}`),
				ExpectError: diagRe("No such MISP organisation", "MISP has no organisation with id 99999"),
			},
			b.unchanged(base),
			{
				Config: with(`resource "misp_user" "bad" {
  email   = "unknown-role-` + suffix + `@example.org"
  org_id  = misp_organisation.base.id
  role_id = "99999"
}`),
				ExpectError: diagRe("No such MISP role", "MISP has no role with id 99999"),
			},
			b.unchanged(base),
			{
				Config: with(`resource "misp_user" "bad" {
  email               = "weak-` + suffix + `@example.org"
  password_wo         = "short"
  password_wo_version = 1
}`),
				ExpectError: diagRe("Password does not meet MISP's password policy", "5 characters long; MISP needs at least 12", "The value is not shown."),
				PlanOnly:    true,
			},
			b.unchanged(base),
		},
	})
}

// An org admin's key creating a user in another organisation. (The provider is configured with that key
// alone: in-process acceptance tests serve every configuration of a provider from one server, so a second,
// aliased configuration would share its client.)
func TestAccCatalogue_orgAdminOtherOrganisation(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("cat"))
	home := ui.CreateOrganisation(map[string]any{"name": "home-" + suffix})
	_, orgAdminKey := ui.CreateUser(map[string]any{"email": "orgadmin-" + suffix + "@example.org", "org_id": home, "role_id": "2"})
	base := env.ProviderBlockWithKey(orgAdminKey) + fmt.Sprintf(`
resource "misp_user" "base" {
  email  = "member-%s@example.org"
  org_id = %q
}
`, suffix, home)
	b := &catBaseline{t: t, ui: ui, suffix: suffix}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base, Check: b.record()},
			{
				Config: base + `
resource "misp_user" "bad" {
  email  = "elsewhere-` + suffix + `@example.org"
  org_id = "1"
}`,
				ExpectError: diagRe("Organisation not allowed for this API key", "an org admin of organisation", "home-"+suffix),
			},
			b.unchanged(base),
		},
	})
}

// Organisations and roles: malformed and version-7 uuids, duplicate organisation and role names, an
// invalid permission, a bad memory limit, deleting an organisation that still has users and a role that
// is still assigned.
func TestAccCatalogue_organisationAndRoleInputs(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("cat"))
	keep := fmt.Sprintf(`
resource "misp_organisation" "base" {
  name = "base-%[1]s"
}

resource "misp_role" "base" {
  name = "base-%[1]s"
}
`, suffix)
	doomed := fmt.Sprintf(`
resource "misp_organisation" "doomed" {
  name = "doomed-%[1]s"
}

resource "misp_role" "doomed" {
  name = "doomed-%[1]s"
}
`, suffix)
	base := env.Config(keep + doomed)
	with := func(extra string) string { return base + "\n" + extra }
	b := &catBaseline{t: t, ui: ui, suffix: suffix}
	// A person in the MISP UI puts a user into the doomed organisation, with the doomed role.
	addUser := func() {
		org := catID(t, ui.Organisations(), "name", "doomed-"+suffix)
		role := catID(t, ui.Roles(), "name", "doomed-"+suffix)
		ui.CreateUser(map[string]any{"email": "member-" + suffix + "@example.org", "org_id": org, "role_id": role})
		b.counts, _ = b.count()
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base, Check: b.record()},
			{
				Config: with(`resource "misp_organisation" "bad" {
  name = "bad-uuid-` + suffix + `"
  uuid = "not-a-uuid"
}`),
				ExpectError: diagRe("uuid must be an RFC 4122 UUID of version 0 to 5", "got: not-a-uuid"),
				PlanOnly:    true,
			},
			{
				Config: with(`resource "misp_organisation" "bad" {
  name = "v7-uuid-` + suffix + `"
  uuid = "01890a5d-ac96-774b-bcce-b302099a8057"
}`),
				ExpectError: diagRe("uuid must be an RFC 4122 UUID of version 0 to 5", "MISP rejects version 6 and 7", "got: 01890a5d-ac96-774b"),
				PlanOnly:    true,
			},
			{
				Config: with(`resource "misp_organisation" "bad" {
  name = misp_organisation.base.name
}`),
				ExpectError: diagRe("Error creating MISP organisation", "MISP rejected name: An organisation with this name already exists."),
			},
			b.unchanged(base),
			{
				Config: with(`resource "misp_role" "bad" {
  name = misp_role.base.name
}`),
				ExpectError: diagRe("Error creating MISP role", "MISP rejected name: A role with this name already exists."),
			},
			b.unchanged(base),
			{
				Config: with(`resource "misp_role" "bad" {
  name       = "bad-permission-` + suffix + `"
  permission = "superuser"
}`),
				ExpectError: diagRe("permission value must be one of", `got: "superuser"`),
				PlanOnly:    true,
			},
			{
				Config: with(`resource "misp_role" "bad" {
  name         = "bad-memory-` + suffix + `"
  memory_limit = "12XB"
}`),
				ExpectError: diagRe("memory_limit must be a number of megabytes or gigabytes", "got: 12XB"),
				PlanOnly:    true,
			},
			{
				PreConfig:   addUser,
				Config:      env.Config(keep + fmt.Sprintf("resource \"misp_role\" \"doomed\" {\n  name = \"doomed-%s\"\n}\n", suffix)),
				ExpectError: diagRe("Error deleting MISP organisation", "1 user still belong"),
			},
			b.unchanged(base),
			{
				Config:      env.Config(keep + fmt.Sprintf("resource \"misp_organisation\" \"doomed\" {\n  name = \"doomed-%s\"\n}\n", suffix)),
				ExpectError: diagRe("Error deleting MISP role", "1 user still holds it"),
			},
			b.unchanged(base),
			{
				// Let the doomed objects go, so that the test's own destroy succeeds.
				PreConfig: func() {
					for _, u := range ui.UsersByEmail("member-" + suffix + "@example.org") {
						ui.DeleteUser(fmt.Sprint(u["id"]))
					}
				},
				Config: base,
			},
		},
	})
}

// Credentials and provider configuration: an unknown key, the key of a disabled user, the key of a role
// without API access, an unknown profile and a missing configuration file.
func TestAccCatalogue_credentials(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("cat"))
	_, disabledKey := ui.CreateUser(map[string]any{"email": "gone-" + suffix + "@example.org", "role_id": "1", "disabled": true})
	noAPI := ui.CreateRole(map[string]any{"name": "no-api-" + suffix, "perm_auth": false, "perm_admin": true, "perm_site_admin": true})
	_, noAPIKey := ui.CreateUser(map[string]any{"email": "no-api-" + suffix + "@example.org", "role_id": noAPI})
	ini := filepath.Join(t.TempDir(), "misp.ini")
	if err := os.WriteFile(ini, []byte("[prod]\nurl = "+env.URL+"\napi_key = "+env.key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`
resource "misp_user" "base" {
  email = "base-%s@example.org"
}
`, suffix)
	base := env.Config(body)
	withProvider := func(block string) string { return block + "\n" + body }
	withKey := func(key string) string { return withProvider(env.ProviderBlockWithKey(key)) }
	b := &catBaseline{t: t, ui: ui, suffix: suffix}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base, Check: b.record()},
			{
				Config:      withKey("Unkn0wnKey000000000000000000000000000000"),
				ExpectError: diagRe("MISP rejected the API key", "authentication failed; check that the key is correct"),
				PlanOnly:    true,
			},
			{
				Config:      withKey(disabledKey),
				ExpectError: diagRe("MISP rejected the API key", "its user account is disabled"),
				PlanOnly:    true,
			},
			{
				Config:      withKey(noAPIKey),
				ExpectError: diagRe("MISP rejected the API key", "its user's role allows API access (perm_auth)"),
				PlanOnly:    true,
			},
			{
				Config:      withProvider(fmt.Sprintf("provider \"misp\" {\n  config_file = %q\n  profile     = \"staging\"\n}\n", ini)),
				ExpectError: diagRe("Unknown MISP profile", `"staging" is not a section`),
				PlanOnly:    true,
			},
			{
				Config: withProvider(fmt.Sprintf("provider \"misp\" {\n  config_file = %q\n  profile     = \"prod\"\n}\n",
					filepath.Join(t.TempDir(), "missing.ini"))),
				ExpectError: diagRe("MISP configuration file not found"),
				PlanOnly:    true,
			},
			b.unchanged(base),
		},
	})
}

// catNetwork is what the network in front of MISP does; what it passes through goes to the test's MISP (the
// emulator, or a real MISP through a reverse proxy).
type catNetwork struct {
	misp http.Handler
	mode atomic.Value // string
}

// Modes: "" passes through; "redirect" sends everything to the login page; "html" answers every request with a
// proxy's 502 page; "text", "truncated", "500" and "slow" break the reads of users (GET /admin/users/...).
func (n *catNetwork) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mode, _ := n.mode.Load().(string)
	userRead := r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/admin/users/")
	switch {
	case mode == "redirect":
		http.Redirect(w, r, "/users/login", http.StatusFound)
	case mode == "html":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"))
	case mode == "text" && userRead:
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("OK"))
	case mode == "truncated" && userRead:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"User":{"id":"2","email":"trunc`))
	case mode == "500" && userRead:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"name":"An Internal Error Has Occurred.","message":"An Internal Error Has Occurred.","url":"` + r.URL.Path + `"}`))
	case mode == "slow" && userRead:
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	default:
		n.misp.ServeHTTP(w, r)
	}
}

// The network and the server in front of MISP: its login-page redirect, a proxy's HTML error page, a body
// that is not JSON, truncated JSON, a 500 on a read, a timeout, and a TLS failure.
func TestAccCatalogue_transport(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	upstream := env.Handler(t)
	network := &catNetwork{misp: upstream}
	network.mode.Store("")
	srv := httptest.NewServer(network)
	t.Cleanup(srv.Close)
	tlsSrv := httptest.NewUnstartedServer(upstream)
	tlsSrv.Config.ErrorLog = quietLogger()
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)

	suffix := strings.ToLower(randomName("cat"))
	// The key is in the configuration: these provider blocks point at the test's own proxies, not at env.URL.
	// (TF_LOG is not set by the tests, and Terraform does not print provider configuration.)
	provider := func(addr string) string {
		return fmt.Sprintf("provider \"misp\" {\n  url         = %q\n  api_key     = %q\n  timeout     = 2\n  max_retries = 1\n}\n", addr, env.key)
	}
	body := fmt.Sprintf(`
resource "misp_user" "base" {
  email = "base-%s@example.org"
}
`, suffix)
	base := provider(srv.URL) + body
	b := &catBaseline{t: t, ui: ui, suffix: suffix}
	broken := func(mode string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			PreConfig:   func() { network.mode.Store(mode) },
			Config:      base,
			ExpectError: want,
			PlanOnly:    true,
		}
	}
	healthy := b.unchanged(base)
	innerPre := healthy.PreConfig
	healthy.PreConfig = func() {
		network.mode.Store("")
		innerPre()
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base, Check: b.record()},
			broken("redirect", diagRe("MISP answered with its login page", "HTTP 302 redirect to /users/login")),
			broken("html", diagRe("Error connecting to MISP", "MISP answered HTTP 502 with a non-JSON body", "502 Bad Gateway")),
			broken("text", diagRe("Error reading MISP user", `MISP answered HTTP 200 with a non-JSON body: "OK"`)),
			broken("truncated", diagRe("Error reading MISP user", "decode", "unexpected end of JSON input")),
			broken("500", diagRe("Error reading MISP user", "MISP answered HTTP 500: An Internal Error Has Occurred.")),
			// Whether Go reports the per-attempt timeout as "Client.Timeout exceeded" or "context deadline
			// exceeded" depends on where it fires; the provider's classification is what users read.
			broken("slow", diagRe("Error reading MISP user", "request to MISP timed out", "MISP could not be reached")),
			{
				PreConfig:   func() { network.mode.Store("") },
				Config:      provider(tlsSrv.URL) + body,
				ExpectError: diagRe("TLS error connecting to MISP", "certificate signed by unknown authority", "trust its CA with ca_cert_file"),
				PlanOnly:    true,
			},
			healthy,
		},
	})
}

// quietLogger drops the TLS handshake errors the test's TLS server logs when the provider refuses it.
func quietLogger() *log.Logger { return log.New(io.Discard, "", 0) }
