package provider

import (
	"encoding/pem"
	"errors"
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

// TestAccProvider_noScheme: a URL without its scheme, as a new user typed it into MISP_URL, is quoted back with
// the URL to write instead.
func TestAccProvider_noScheme(t *testing.T) {
	clearProviderEnv(t)
	t.Setenv(envURL, "127.0.0.1:8080")
	runProviderTest(t, configStep(providerBlock(fmt.Sprintf("api_key = %q", testAdminKey)),
		`(?s)Invalid MISP URL.*The MISP URL "127.0.0.1:8080" \(from the environment variable MISP_URL\) has no scheme.*`+
			`"http://127.0.0.1:8080" for a MISP served over plain HTTP`))
}

// TestAccProvider_httpsToPlainHTTP: https:// against a MISP that serves plain HTTP is reported as such, with the
// http:// URL to use, not as a certificate problem.
func TestAccProvider_httpsToPlainHTTP(t *testing.T) {
	clearProviderEnv(t)
	env := newAccEnv(t)
	if !strings.HasPrefix(env.URL, "http://") {
		t.Skipf("needs a MISP served over plain HTTP; %s is not", env.URL)
	}
	t.Setenv(envAPIKey, env.key) // on a real MISP the key stays out of the configuration
	wrong := "https://" + strings.TrimPrefix(env.URL, "http://")
	runProviderTest(t, configStep(providerBlock(fmt.Sprintf("url = %q", wrong)),
		`(?s)MISP speaks plain HTTP, not HTTPS.*answered the HTTPS request in plain HTTP.*no certificate setting can help.*`+
			regexp.QuoteMeta(fmt.Sprintf("url = %q", env.URL))))
}

// TestAccProvider_notMISPBaseURL: a URL under which MISP's API is not (a wrong path prefix; another web server)
// is questioned, without dumping the server's page.
func TestAccProvider_notMISPBaseURL(t *testing.T) {
	clearProviderEnv(t)
	env := newAccEnv(t)
	t.Setenv(envAPIKey, env.key)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>`))
	}))
	t.Cleanup(other.Close)
	question := `Is %s \(from the attribute\) MISP's base URL, the address of its home page, e.g. https://misp.example.org.*` +
		`not a page such as https://misp.example.org/users/login\? And is the server at that address MISP at all\?`
	runProviderTest(t,
		// MISP itself answers a wrong path prefix with its JSON 404.
		configStep(providerBlock(fmt.Sprintf("url = %q", env.URL+"/misp")),
			`(?s)MISP's API is not at this URL.*`+regexp.QuoteMeta(env.URL+"/misp")+` answered HTTP 404 to MISP's version call.*with "Not Found".*`+
				fmt.Sprintf(question, regexp.QuoteMeta(env.URL+"/misp"))),
		configStep(providerBlock(fmt.Sprintf("url = %q", other.URL)),
			`(?s)MISP's API is not at this URL.*answered HTTP 404.*with an answer that is not JSON.*`+fmt.Sprintf(question, regexp.QuoteMeta(other.URL))),
	)
}

// TestAccProvider_unknownHost: a host name that does not exist is reported at once (no retries), as such.
func TestAccProvider_unknownHost(t *testing.T) {
	clearProviderEnv(t)
	requireNXDOMAIN(t, "misp.invalid")
	runProviderTest(t, configStep(providerBlock(fmt.Sprintf("url = \"https://misp.invalid\"\napi_key = %q", testAdminKey)),
		`(?s)MISP host name not found.*The host name "misp.invalid" of the MISP URL https://misp.invalid \(from the attribute\) `+
			`does not exist.*no such host.*does not retry`))
}

// requireNXDOMAIN skips a test where the resolver cannot say that host does not exist (no DNS at all answers
// with a network error instead, which is retried like any connection failure).
func requireNXDOMAIN(t *testing.T, host string) {
	t.Helper()
	_, err := net.DefaultResolver.LookupHost(t.Context(), host)
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Skipf("this machine's resolver does not answer \"no such host\" for %s (got %v)", host, err)
	}
}

// TestAccProvider_unreadableProfile: a configuration file that exists but cannot be read is reported as
// unreadable, with the reason, not as an invalid INI file; a file that is not INI is.
func TestAccProvider_unreadableProfile(t *testing.T) {
	clearProviderEnv(t)
	dir := t.TempDir()
	locked := writeFile(t, "locked.ini", "[DEFAULT]\nurl = https://misp.example.org\n")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	broken := writeFile(t, "broken.ini", "[DEFAULT\nurl = https://misp.example.org\n")
	steps := []resource.TestStep{
		configStep(providerBlock(fmt.Sprintf("config_file = %q", dir)),
			`(?s)MISP configuration file cannot be read.*`+regexp.QuoteMeta(fmt.Sprintf("%q", dir))+` cannot be read: is a directory`),
		configStep(providerBlock(fmt.Sprintf("config_file = %q", broken)), `(?s)Invalid MISP configuration file.*not a valid INI file`),
	}
	if os.Geteuid() != 0 { // root reads a file of mode 0000
		steps = append(steps, configStep(providerBlock(fmt.Sprintf("config_file = %q", locked)),
			`(?s)MISP configuration file cannot be read.*cannot be read: permission denied`))
	} else {
		t.Log("running as root, which reads a file of mode 0000: TestLoadProfile_unreadable checks the permission-denied text")
	}
	runProviderTest(t, steps...)
}
