package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/misp"
	"github.com/misp-iac/terraform-provider-misp/internal/protocol"
)

// testAccProtoV6ProviderFactories runs the provider in-process for every acceptance test.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"misp": func() (tfprotov6.ProviderServer, error) {
		srv, err := protocol.NewServer(New("test"))()
		if err != nil {
			return nil, err
		}
		return &orderedServer{ProviderServer: srv}, nil
	},
}

// orderedServer gives the race detector the ordering Terraform guarantees. In-process, one
// provider server answers every provider instance of a terraform command (e.g. the plan and the apply
// walks of `terraform apply`), and the framework stores the configured client in the server without
// a lock: Terraform never configures an instance while another uses it, but nothing in Go tells the
// race detector so. The lock adds exactly that happens-before edge; it changes no behaviour.
type orderedServer struct {
	tfprotov6.ProviderServer
	mu sync.RWMutex
}

// readLocked runs one RPC that uses the configured provider under the read lock.
func readLocked[Req, Resp any](mu *sync.RWMutex, rpc func(context.Context, Req) (Resp, error), ctx context.Context, req Req) (Resp, error) {
	mu.RLock()
	defer mu.RUnlock()
	return rpc(ctx, req)
}

func (s *orderedServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ProviderServer.ConfigureProvider(ctx, req)
}

func (s *orderedServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return readLocked(&s.mu, s.ProviderServer.ValidateResourceConfig, ctx, req)
}

func (s *orderedServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return readLocked(&s.mu, s.ProviderServer.UpgradeResourceState, ctx, req)
}

func (s *orderedServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return readLocked(&s.mu, s.ProviderServer.ReadResource, ctx, req)
}

func (s *orderedServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return readLocked(&s.mu, s.ProviderServer.PlanResourceChange, ctx, req)
}

func (s *orderedServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return readLocked(&s.mu, s.ProviderServer.ApplyResourceChange, ctx, req)
}

func (s *orderedServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return readLocked(&s.mu, s.ProviderServer.ImportResourceState, ctx, req)
}

func (s *orderedServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return readLocked(&s.mu, s.ProviderServer.ValidateDataResourceConfig, ctx, req)
}

func (s *orderedServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return readLocked(&s.mu, s.ProviderServer.ReadDataSource, ctx, req)
}

func (s *orderedServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return readLocked(&s.mu, s.ProviderServer.CallFunction, ctx, req)
}

// testAdminKey is the emulator's site-admin key in acceptance tests (not a secret: the emulator is
// in-process and lives for one test).
const testAdminKey = "AccTestAdminKey0000000000000000000000001"

// TestMain makes the acceptance suite fail loudly, rather than skip or try a download, when it is
// asked to run (TF_ACC=1) but no Terraform CLI is available. Against a real MISP
// (MISP_ACC_URL/MISP_ACC_API_KEY) it exports MISP_URL/MISP_API_KEY so that test configurations
// never contain the key.
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") != "" && os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if _, err := exec.LookPath("terraform"); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL: TF_ACC is set but no terraform binary is on PATH (or TF_ACC_TERRAFORM_PATH). "+
				"The acceptance tests need Terraform >= 1.11; install it, they will not be skipped.")
			os.Exit(1)
		}
	}
	if u := os.Getenv("MISP_ACC_URL"); u != "" {
		if os.Getenv("MISP_ACC_API_KEY") == "" {
			fmt.Fprintln(os.Stderr, "FAIL: MISP_ACC_URL is set but MISP_ACC_API_KEY is not.")
			os.Exit(1)
		}
		_ = os.Setenv(envURL, u)
		_ = os.Setenv(envAPIKey, os.Getenv("MISP_ACC_API_KEY"))
	}
	// resource.TestMain runs the sweepers when -sweep is given (sweeper_test.go), the tests otherwise.
	resource.TestMain(m)
}

// accEnv is the MISP an acceptance test talks to: a fresh in-process emulator per test, or the real
// MISP named by MISP_ACC_URL (then Fake is nil). Out-of-band changes go through UI (mispui_test.go), which works
// on both targets.
type accEnv struct {
	URL  string
	Fake *fakemisp.Server
	key  string
}

// defaultRoleMu serialises, on a real MISP, the tests that change the instance-wide default role (writers,
// newAccEnvDefaultRole) against every other test (readers, newAccEnv): a user created without a role_id gets
// the default role, so no test may create users while another has its own role as the default. Each test on the
// emulator has its own MISP and takes no lock.
var defaultRoleMu sync.RWMutex

// newAccEnv starts a fresh emulator for one test (or targets the real MISP).
func newAccEnv(t *testing.T) *accEnv {
	t.Helper()
	if u := os.Getenv("MISP_ACC_URL"); u != "" {
		defaultRoleMu.RLock()
		t.Cleanup(defaultRoleMu.RUnlock)
		return &accEnv{URL: u, key: os.Getenv("MISP_ACC_API_KEY")}
	}
	return newFakeEnv(t)
}

// newAccEnvDefaultRole is newAccEnv for a test that changes MISP's default role: on a real MISP it runs alone.
func newAccEnvDefaultRole(t *testing.T) *accEnv {
	t.Helper()
	if u := os.Getenv("MISP_ACC_URL"); u != "" {
		defaultRoleMu.Lock()
		t.Cleanup(defaultRoleMu.Unlock)
		env := &accEnv{URL: u, key: os.Getenv("MISP_ACC_API_KEY")}
		// Put the instance's default role back when the test ends (before the lock is released), whatever the
		// test did to it.
		_, before, err := currentDefaultRole(context.Background(), env.Client(t))
		if err != nil {
			t.Fatalf("reading MISP's default role: %v", err)
		}
		t.Cleanup(func() {
			if _, now, err := currentDefaultRole(context.Background(), env.Client(t)); before == "" || (err == nil && now == before) {
				return
			}
			env.UI(t).SetDefaultRole(before)
		})
		return env
	}
	return newFakeEnv(t)
}

func newFakeEnv(t *testing.T) *accEnv {
	t.Helper()
	fake := fakemisp.New(fakemisp.Options{AdminKey: testAdminKey, Seed: 1})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return &accEnv{URL: srv.URL, Fake: fake, key: testAdminKey}
}

// Real reports whether the test runs against a real MISP.
func (e *accEnv) Real() bool { return e.Fake == nil }

// ProviderBlock is a provider block for this MISP. Against a real MISP it is empty: the key comes from
// the environment (see TestMain) so it never appears in a configuration.
func (e *accEnv) ProviderBlock() string {
	if e.Real() {
		return "provider \"misp\" {}\n"
	}
	return fmt.Sprintf("provider \"misp\" {\n  url     = %q\n  api_key = %q\n}\n", e.URL, e.key)
}

// Config prepends the provider block to an HCL body.
func (e *accEnv) Config(body ...string) string {
	return e.ProviderBlock() + "\n" + strings.Join(body, "\n")
}

// ProviderBlockWithKey is a provider block that authenticates with another key (an org admin's, say).
func (e *accEnv) ProviderBlockWithKey(key string) string {
	return fmt.Sprintf("provider \"misp\" {\n  url     = %q\n  api_key = %q\n}\n", e.URL, key)
}

// RequireEmulator skips a whole test on a real MISP, naming the emulator capability it needs (something a real
// MISP cannot do on demand, e.g. "e-mail delivery that fails on demand"). Faults and request counts need no
// emulator: see faultproxy_test.go.
func (e *accEnv) RequireEmulator(t *testing.T, capability string) {
	t.Helper()
	if e.Real() {
		t.Skipf("needs %s, which only the emulator offers; runs against mispfake", capability)
	}
}

// EmulatorOnly marks a step that needs an emulator capability: on a real MISP the step is skipped, and so is its
// PreConfig (terraform-plugin-testing calls PreConfig before SkipFunc, so a skipped step's PreConfig would
// otherwise still run).
func (e *accEnv) EmulatorOnly(t *testing.T, capability string, step resource.TestStep) resource.TestStep {
	t.Helper()
	if !e.Real() {
		return step
	}
	step.PreConfig = nil
	step.SkipFunc = func() (bool, error) {
		t.Logf("step skipped on a real MISP: it needs %s", capability)
		return true, nil
	}
	return step
}

// Client is an API client for CheckDestroy functions and direct checks; it works against both targets.
func (e *accEnv) Client(t *testing.T) *misp.Client {
	t.Helper()
	c, err := misp.New(misp.Config{URL: e.URL, APIKey: e.key, UserAgent: "terraform-provider-misp/acctest"})
	if err != nil {
		t.Fatalf("building the test client: %v", err)
	}
	return c
}

// testPrefix starts the name (or e-mail address) of every object the acceptance tests create, so that the
// sweeper can find what a crashed run left behind on a shared MISP.
const testPrefix = "tfacc-"

// numericTestName is a unique all-digit organisation name (for the case where MISP would take a name for an id):
// 9 digits starting with 9, a form the sweeper recognises as a test's.
func numericTestName() string {
	return fmt.Sprintf("9%08d", acctest.RandIntRange(0, 99999999))
}

// randomName is a unique name for objects created by one test.
func randomName(prefix string) string {
	return acctest.RandomWithPrefix(testPrefix + prefix)
}

// objectCheck asserts on an object as MISP stores it, read through the test's UI helper (the emulator's Go API
// or MISP's REST API), so the check holds on both targets.
func objectCheck(ui *mispUI, kind string, get func(*mispUI, string) (map[string]any, bool),
	id *string, check func(map[string]any) error,
) resource.TestCheckFunc {
	return func(*terraform.State) error {
		o, ok := get(ui, *id)
		if !ok {
			return fmt.Errorf("%s %s not in MISP", kind, *id)
		}
		return check(o)
	}
}

// listContains checks that the list of objects addr.list holds, among others, objects whose attr has each of
// the wanted values: exact totals do not hold on a MISP that other tests share.
func listContains(addr, list, attr string, want ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		have := map[string]bool{}
		for k, v := range rs.Primary.Attributes {
			if strings.HasPrefix(k, list+".") && strings.HasSuffix(k, "."+attr) && strings.Count(k, ".") == 2 {
				have[v] = true
			}
		}
		for _, w := range want {
			if !have[w] {
				return fmt.Errorf("%s.%s has no object with %s = %q", addr, list, attr, w)
			}
		}
		return nil
	}
}
