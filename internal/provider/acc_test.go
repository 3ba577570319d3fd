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

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// testAccProtoV6ProviderFactories runs the provider in-process for every acceptance test.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"misp": func() (tfprotov6.ProviderServer, error) {
		srv, err := providerserver.NewProtocol6WithError(New("test")())()
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
	os.Exit(m.Run())
}

// accEnv is the MISP an acceptance test talks to: a fresh in-process emulator per test, or the real
// MISP named by MISP_ACC_URL (then Fake is nil and steps that must mutate the emulator are skipped).
type accEnv struct {
	URL  string
	Fake *fakemisp.Server
	key  string
}

// newAccEnv starts a fresh emulator for one test (or targets the real MISP).
func newAccEnv(t *testing.T) *accEnv {
	t.Helper()
	if u := os.Getenv("MISP_ACC_URL"); u != "" {
		return &accEnv{URL: u, key: os.Getenv("MISP_ACC_API_KEY")}
	}
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

// SkipOnRealMISP is a TestStep.SkipFunc for steps that mutate the emulator directly.
func (e *accEnv) SkipOnRealMISP() func() (bool, error) {
	return func() (bool, error) { return e.Real(), nil }
}

// RequireFake skips a whole test that only makes sense against the emulator.
func (e *accEnv) RequireFake(t *testing.T) {
	t.Helper()
	if e.Real() {
		t.Skip("this test drives the emulator directly; it does not run against a real MISP")
	}
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

// randomName is a unique name for objects created by one test.
func randomName(prefix string) string {
	return acctest.RandomWithPrefix("tfacc-" + prefix)
}

// fakeObjectCheck asserts on an object as the emulator stores it, through one of the emulator's getters
// ((*fakemisp.Server).User, .Organisation, .Role); against a real MISP it checks nothing.
func fakeObjectCheck(env *accEnv, kind string, get func(*fakemisp.Server, string) (map[string]any, bool),
	id *string, check func(map[string]any) error,
) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if env.Fake == nil {
			return nil
		}
		o, ok := get(env.Fake, *id)
		if !ok {
			return fmt.Errorf("%s %s not in the emulator", kind, *id)
		}
		return check(o)
	}
}
