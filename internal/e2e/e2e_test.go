//go:build linux

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

var (
	buildOnce sync.Once
	buildDir  string
	built     *Binaries
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binaries builds the provider and the wrapper once per test process.
func binaries(t *testing.T) *Binaries {
	t.Helper()
	buildOnce.Do(func() {
		ctx := context.Background()
		wd, err := os.Getwd()
		if err != nil {
			buildErr = err
			return
		}
		root, err := ModuleRoot(ctx, wd)
		if err != nil {
			buildErr = err
			return
		}
		buildDir, err = os.MkdirTemp("", "misp-e2e-build-") //nolint:usetesting // shared by every test of the process; TestMain removes it
		if err != nil {
			buildErr = err
			return
		}
		built, buildErr = Build(ctx, root, buildDir)
	})
	if buildErr != nil {
		t.Fatalf("building the provider: %v", buildErr)
	}
	return built
}

// terraformPath is the CLI the tests drive; without one they fail (never skip), like the acceptance suite.
func terraformPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("no terraform binary on PATH (or TF_ACC_TERRAFORM_PATH): the end-to-end tests need Terraform >= 1.11")
	}
	return p
}

// requireAcc skips unless TF_ACC is set: these tests run the real CLI, like the acceptance tests.
func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("end-to-end test: set TF_ACC=1 (make test does)")
	}
}

// env is one MISP and one workspace for a test: an emulator of the test's own, or the real MISP named by
// MISP_ACC_URL / MISP_ACC_API_KEY (then emu is nil).
type env struct {
	emu *Emulator
	ws  *Workspace
	key string // the provider's API key
	url string
}

// Real reports whether the test runs against a real MISP.
func (e *env) Real() bool { return e.emu == nil }

// requireEmulator skips a test on a real MISP, naming the emulator capability it needs.
func requireEmulator(t *testing.T, capability string) {
	t.Helper()
	if os.Getenv("MISP_ACC_URL") != "" {
		t.Skipf("needs %s, which only the emulator offers; runs against mispfake", capability)
	}
}

func newEnv(t *testing.T, opts fakemisp.Options) *env {
	t.Helper()
	bins := binaries(t)
	if u := os.Getenv("MISP_ACC_URL"); u != "" {
		key := os.Getenv("MISP_ACC_API_KEY")
		if key == "" {
			t.Fatal("MISP_ACC_URL is set but MISP_ACC_API_KEY is not")
		}
		ws, err := NewWorkspace(t.TempDir(), terraformPath(t), bins, u, key)
		if err != nil {
			t.Fatal(err)
		}
		return &env{ws: ws, key: key, url: u}
	}
	emu, err := StartEmulator(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	ws, err := NewWorkspace(t.TempDir(), terraformPath(t), bins, emu.URL, emu.Fake.AdminKey())
	if err != nil {
		t.Fatal(err)
	}
	return &env{emu: emu, ws: ws, key: emu.Fake.AdminKey(), url: emu.URL}
}

// client is a MISP API client for the test's MISP (either target).
func (e *env) client(t *testing.T) *misp.Client {
	t.Helper()
	c, err := misp.New(misp.Config{URL: e.url, APIKey: e.key, UserAgent: "terraform-provider-misp/e2e"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// userID is the id of the user with this e-mail in the test's MISP, or "" when there is none.
func (e *env) userID(t *testing.T, email string) string {
	t.Helper()
	users, err := e.client(t).ListUsers(t.Context(), misp.UserFilter{Email: email})
	if err != nil {
		t.Fatalf("listing users: %v", err)
	}
	for _, u := range users {
		if strings.EqualFold(u.User.Email, email) {
			return u.User.ID.String()
		}
	}
	return ""
}

// write writes a configuration file or fails the test.
func (e *env) write(t *testing.T, name, content string) {
	t.Helper()
	if err := e.ws.WriteFile(name, content); err != nil {
		t.Fatal(err)
	}
}

// run runs terraform and fails the test when it cannot start or exits with another code than want.
func (e *env) run(t *testing.T, want int, args ...string) *Result {
	t.Helper()
	res, err := e.ws.Run(t.Context(), args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Output())
	}
	if res.ExitCode != want {
		t.Fatalf("terraform %s: exit code %d, want %d\n%s", strings.Join(args, " "), res.ExitCode, want, res.Output())
	}
	return res
}

// providerHeader is the terraform and provider blocks every configuration starts with; url and key come from
// MISP_URL / MISP_API_KEY.
const providerHeader = `terraform {
  required_providers {
    misp = {
      source = "misp-iac/misp"
    }
  }
}

provider "misp" {}
`

// emailOf is the address of the i-th generated user.
func emailOf(i int) string { return fmt.Sprintf("user%05d@bench.example.org", i) }

// usersLocals is the locals block with n generated users; every changed-th user gets another value.
func usersLocals(n, changeEvery int) string {
	var b strings.Builder
	b.WriteString("locals {\n  users = {\n")
	for i := range n {
		v := emailOf(i)
		if changeEvery > 0 && i%changeEvery == 0 {
			v = "changed-" + v
		}
		fmt.Fprintf(&b, "    %q = %q\n", fmt.Sprintf("u%05d", i), v)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

func countBenchUsers(fake *fakemisp.Server) int {
	n := 0
	for _, u := range fake.Users() {
		if email, _ := u["email"].(string); strings.HasSuffix(email, "@bench.example.org") {
			n++
		}
	}
	return n
}
