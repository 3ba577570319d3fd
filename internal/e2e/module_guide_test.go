//go:build linux

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// guideModule is a new module written the way docs/guides/testing-with-mispfake.md shows: a variable with a
// validation rule (which expect_failures can catch) and resources of the provider.
const guideModule = `terraform {
  required_providers {
    misp = {
      source  = "misp-iac/misp"
      version = "~> 0.1"
    }
  }
}

variable "name" {
  type = string
}

variable "admins" {
  type = set(string)

  validation {
    condition     = alltrue([for a in var.admins : can(regex("^[^@[:space:]]+@[^@[:space:]]+$", a))])
    error_message = "Every admin must be an e-mail address."
  }
}

resource "misp_organisation" "this" {
  name = var.name
}

resource "misp_user" "admin" {
  for_each = var.admins

  email   = each.value
  org_id  = misp_organisation.this.id
  role_id = 2
}
`

const guideModuleTest = `provider "misp" {}

variables {
  name   = "Guide Org"
  admins = ["alice@guide.example.org", "bob@guide.example.org"]
}

run "creates_org_and_admins" {
  assert {
    condition     = length(misp_user.admin) == 2 && alltrue([for u in misp_user.admin : u.org_id == misp_organisation.this.id])
    error_message = "expected two admins in the new organisation"
  }
}

run "rejects_a_non_address" {
  command = plan

  variables {
    admins = ["not an address"]
  }

  expect_failures = [var.admins]
}
`

// TestModuleGuideScript follows the module testing guide on a new module: build the provider and mispfake with
// go build, then run examples/ci/misp-module-test.sh (dev_overrides, a free port, no terraform init); the
// module's tests pass, a failing test makes the script fail, and no emulator is left running.
func TestModuleGuideScript(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	tf := terraformPath(t)
	root, err := ModuleRoot(t.Context(), ".")
	if err != nil {
		t.Fatal(err)
	}
	guide, err := os.ReadFile(filepath.Join(root, "docs", "guides", "testing-with-mispfake.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"go build -o", "dev_overrides", "TF_CLI_CONFIG_FILE", "-listen 127.0.0.1:0",
		"examples/ci/misp-module-test.sh", "terraform test", "expect_failures"} {
		if !strings.Contains(string(guide), step) {
			t.Errorf("the guide no longer mentions %q: keep it and this test in step", step)
		}
	}

	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin+string(filepath.Separator), ".", "./internal/fakemisp/cmd/mispfake")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	module := filepath.Join(dir, "org-bootstrap")
	if err := os.MkdirAll(filepath.Join(module, "tests"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(module, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("main.tf", guideModule)
	write("tests/bootstrap.tftest.hcl", guideModuleTest)

	run := func() (string, error) {
		cmd := exec.CommandContext(t.Context(), "bash", filepath.Join(root, "examples", "ci", "misp-module-test.sh"), module)
		cmd.Env = []string{
			"PATH=" + filepath.Dir(tf) + string(os.PathListSeparator) + os.Getenv("PATH"),
			"HOME=" + dir, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_CLI_ARGS_test=-no-color",
			"PROVIDER_DIR=" + bin, "MISPFAKE=" + filepath.Join(bin, "mispfake"), "TMPDIR=" + dir,
		}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run()
	if err != nil || !strings.Contains(out, "Success! 2 passed, 0 failed.") {
		t.Fatalf("the guide's script on a new module: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(module, ".terraform.lock.hcl")); err == nil {
		t.Error("a lock file appeared: the script ran terraform init")
	}

	// A test that fails makes the script fail.
	write("tests/bootstrap.tftest.hcl", strings.Replace(guideModuleTest, "== 2 &&", "== 3 &&", 1))
	if out, err := run(); err == nil || !strings.Contains(out, "expected two admins") {
		t.Fatalf("a failing module test did not fail the script: %v\n%s", err, out)
	}
	if out, err := exec.CommandContext(t.Context(), "pgrep", "-f", filepath.Join(bin, "mispfake")).Output(); err == nil {
		t.Errorf("mispfake still runs after the script: pids %s", out)
	}
}
