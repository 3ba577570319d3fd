//go:build linux

package e2e

import (
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// TestHarness checks the harness itself: dev_overrides reach the built provider through the wrapper, and the
// wrapper reports the provider's peak RSS.
func TestHarness(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	e := newEnv(t, fakemisp.Options{})
	e.write(t, "main.tf", providerHeader+"\nresource \"terraform_data\" \"x\" {\n  input = \"x\"\n}\n")
	res := e.run(t, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	if res.Providers == 0 || res.PeakRSSKiB <= 0 {
		t.Fatalf("the wrapper reported %d provider processes, peak RSS %d KiB", res.Providers, res.PeakRSSKiB)
	}
	if !e.Real() {
		t.Logf("apply: %s wall, %d provider processes, peak RSS %d KiB, %d requests", res.Wall, res.Providers, res.PeakRSSKiB, e.emu.Fake.TotalRequests())
	}
}
