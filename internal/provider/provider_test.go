package provider

import (
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// clearProviderEnv blanks every MISP_* variable the provider reads, so a developer's or CI's own
// settings cannot leak into provider-configuration tests. Tests that call it cannot run in parallel.
func clearProviderEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{envURL, envAPIKey, envInsecure, envConfigFile, envProfile} {
		t.Setenv(k, "")
	}
}

// startFake serves a fresh emulator with the given admin key on a plain HTTP loopback server.
func startFake(t *testing.T, key string) (*fakemisp.Server, *httptest.Server) {
	t.Helper()
	fake := fakemisp.New(fakemisp.Options{AdminKey: key, Seed: 1})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, srv
}

// expectConnected checks that Configure really talked to this emulator.
func expectConnected(fake *fakemisp.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, ep := range []string{"GET /servers/getVersion", "GET /users/view/me"} {
			if fake.Count(ep) == 0 {
				return fmt.Errorf("the provider never called %s on the expected MISP", ep)
			}
		}
		return nil
	}
}

// providerBlock is a provider block plus one data source: Terraform configures a provider only when
// something in the configuration uses it.
func providerBlock(attrs string) string {
	return "provider \"misp\" {\n" + attrs + "\n}\n\ndata \"misp_roles\" \"probe\" {}\n"
}

// configStep expects Configure to fail with a diagnostic matching expectErr. Terraform wraps
// diagnostic text, so every space in the pattern matches any run of white space.
func configStep(cfg string, expectErr string) resource.TestStep {
	return resource.TestStep{Config: cfg, ExpectError: wrapped(expectErr)}
}

// wrapped compiles a pattern in which each space matches any white space, line breaks included.
func wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

func runProviderTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

const otherKey = "WrongKey00000000000000000000000000000000"

func TestAccProvider_missingURL(t *testing.T) {
	clearProviderEnv(t)
	runProviderTest(t, configStep(providerBlock(fmt.Sprintf("api_key = %q", testAdminKey)), `(?s)Missing MISP URL.*MISP_URL`))
}

func TestAccProvider_missingKey(t *testing.T) {
	clearProviderEnv(t)
	runProviderTest(t, configStep(providerBlock(`url = "https://misp.example.org"`), `(?s)Missing MISP API key.*MISP_API_KEY`))
}

func TestAccProvider_badScheme(t *testing.T) {
	clearProviderEnv(t)
	runProviderTest(t, configStep(providerBlock(fmt.Sprintf("url = \"ftp://misp.example.org\"\napi_key = %q", testAdminKey)),
		`(?s)Invalid MISP URL.*http:// or https://`))
}

func TestAccProvider_malformedKey(t *testing.T) {
	clearProviderEnv(t)
	runProviderTest(t, configStep(providerBlock(`url = "https://misp.example.org"
api_key = "tooShortKey"`), `(?s)Malformed MISP API key.*exactly 40 letters and digits.*11 characters`))
}

func TestAccProvider_wrongKey(t *testing.T) {
	clearProviderEnv(t)
	env := newAccEnv(t)
	runProviderTest(t, configStep(providerBlock(fmt.Sprintf("url = %q\napi_key = %q", env.URL, otherKey)),
		`(?s)MISP rejected the API key.*from the attribute.*perm_auth`))
}

func TestAccProvider_loginRedirect(t *testing.T) {
	clearProviderEnv(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/users/login", http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	runProviderTest(t, configStep(providerBlock(fmt.Sprintf("url = %q\napi_key = %q", srv.URL, testAdminKey)),
		`(?s)MISP answered with its login page`))
}

func TestAccProvider_unreachable(t *testing.T) {
	clearProviderEnv(t)
	var lc net.ListenConfig
	l, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	runProviderTest(t, configStep(providerBlock(fmt.Sprintf("url = \"http://%s\"\napi_key = %q\nmax_retries = 1", addr, testAdminKey)),
		`(?s)Cannot reach MISP`))
}

func TestAccProvider_connects(t *testing.T) {
	clearProviderEnv(t)
	env := newAccEnv(t)
	// On a real MISP the key stays in the environment (TestMain's MISP_API_KEY is blanked above, so set it again).
	attrs := fmt.Sprintf("url = %q\napi_key = %q\ntimeout = 10\nmax_retries = 2", env.URL, env.key)
	if env.Real() {
		t.Setenv(envAPIKey, env.key)
		attrs = fmt.Sprintf("url = %q\ntimeout = 10\nmax_retries = 2", env.URL)
	}
	check := resource.TestCheckResourceAttrSet("data.misp_roles.probe", "roles.#")
	if !env.Real() {
		check = resource.ComposeTestCheckFunc(check, expectConnected(env.Fake))
	}
	runProviderTest(t, resource.TestStep{Config: providerBlock(attrs), Check: check})
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAccProvider_profile(t *testing.T) {
	clearProviderEnv(t)
	fakeA, srvA := startFake(t, testAdminKey)
	const keyB = "ProfileKeyB00000000000000000000000000000"
	fakeB, srvB := startFake(t, keyB)
	file := writeFile(t, "misp.ini", fmt.Sprintf(`[DEFAULT]
url     = %s
api_key = %s

[analysts]
url     = %s
api_key = %s

[other]
insecure = false
`, srvA.URL, testAdminKey, srvB.URL, keyB))

	runProviderTest(t,
		configStep(providerBlock(fmt.Sprintf("config_file = %q\nprofile = \"nope\"", file)),
			`(?s)Unknown MISP profile.*"nope".*analysts, other`),
		configStep(providerBlock(fmt.Sprintf("config_file = %q\nprofile = \"analysts\"", filepath.Join(t.TempDir(), "missing.ini"))),
			`(?s)MISP configuration file not found.*missing\.ini.*does not exist`),
		// The named section wins over [DEFAULT].
		resource.TestStep{
			Config: providerBlock(fmt.Sprintf("config_file = %q\nprofile = \"analysts\"", file)),
			Check:  expectConnected(fakeB),
		},
		// A section without url/api_key inherits them from [DEFAULT].
		resource.TestStep{
			Config: providerBlock(fmt.Sprintf("config_file = %q\nprofile = \"other\"", file)),
			Check:  expectConnected(fakeA),
		},
	)
}

func TestAccProvider_envPrecedence(t *testing.T) {
	clearProviderEnv(t)
	fakeEnv, srvEnv := startFake(t, testAdminKey)
	const keyProfile = "ProfileKeyP00000000000000000000000000000"
	fakeProfile, srvProfile := startFake(t, keyProfile)
	file := writeFile(t, "misp.ini", fmt.Sprintf("[DEFAULT]\nurl = %s\napi_key = %s\n", srvProfile.URL, keyProfile))

	t.Setenv(envURL, srvEnv.URL)
	t.Setenv(envAPIKey, testAdminKey)
	t.Setenv(envConfigFile, file)
	runProviderTest(t,
		// An attribute pointing nowhere is not rescued by the environment.
		configStep(providerBlock(`url = "http://127.0.0.1:1"
max_retries = 1`), `(?s)Cannot reach MISP`),
		// Environment beats the profile file.
		resource.TestStep{Config: providerBlock(""), Check: expectConnected(fakeEnv)},
		// An attribute beats the environment: with the profile's URL and key as attributes, the
		// profile's emulator is used even though MISP_URL names the other one.
		resource.TestStep{
			Config: providerBlock(fmt.Sprintf("url = %q\napi_key = %q", srvProfile.URL, keyProfile)),
			Check:  expectConnected(fakeProfile),
		},
	)
}

func TestAccProvider_tls(t *testing.T) {
	clearProviderEnv(t)
	fake := fakemisp.New(fakemisp.Options{AdminKey: testAdminKey, Seed: 1})
	srv := httptest.NewTLSServer(fake)
	t.Cleanup(srv.Close)
	caFile := writeFile(t, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})))
	base := fmt.Sprintf("url = %q\napi_key = %q\nmax_retries = 1\n", srv.URL, testAdminKey)

	runProviderTest(t,
		configStep(providerBlock(base), `(?s)TLS error connecting to MISP.*ca_cert_file`),
		configStep(providerBlock(base+fmt.Sprintf("ca_cert_file = %q\nca_cert = \"x\"", caFile)), `(?s)Invalid Attribute Combination`),
		resource.TestStep{Config: providerBlock(base + "insecure = true"), Check: expectConnected(fake)},
		resource.TestStep{Config: providerBlock(base + fmt.Sprintf("ca_cert_file = %q", caFile)), Check: expectConnected(fake)},
	)
}
