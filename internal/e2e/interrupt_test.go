//go:build linux

package e2e

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// TestInterruptedApply: Ctrl-C during the creation of 50 users (each add taking 0.3-0.7 s on the emulator;
// a real MISP is that slow by itself). Every user MISP created must end up in state, so that one more apply
// converges: exactly 50 users in MISP and in state, then an empty plan.
func TestInterruptedApply(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	e := newEnv(t, fakemisp.Options{Seed: 11})
	if !e.Real() {
		e.emu.Fake.AddFault(fakemisp.Fault{Pattern: "POST /admin/users/add", Kind: fakemisp.FaultLatency,
			MinLatency: 300 * time.Millisecond, MaxLatency: 700 * time.Millisecond})
	}
	const n = 50
	run := strings.ToLower(rand.Text()[:8])
	domain := "@interrupt-" + run + ".example.org"
	var locals strings.Builder
	locals.WriteString("locals {\n  users = {\n")
	for i := range n {
		fmt.Fprintf(&locals, "    %q = %q\n", fmt.Sprintf("u%02d", i), fmt.Sprintf("tfacc-int-%02d%s", i, domain))
	}
	locals.WriteString("  }\n}\n")
	e.write(t, "users.tf", locals.String())
	e.write(t, "main.tf", providerHeader+`
resource "misp_user" "u" {
  for_each = local.users
  email    = each.value
  org_id   = 1
  role_id  = 3
}
`)
	t.Cleanup(func() { e.ws.Run(t.Context(), "destroy", "-auto-approve", "-input=false", "-no-color") }) //nolint:errcheck // best effort

	count := func() (int, error) {
		users, err := e.client(t).ListUsers(t.Context(), misp.UserFilter{Email: domain})
		return len(users), err
	}
	inMISP := func() int {
		n, err := count()
		if err != nil {
			t.Fatalf("listing users: %v", err)
		}
		return n
	}
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10"}
	// Ctrl-C once MISP has the first users, whatever the machine's speed, with more adds under way.
	res, err := e.ws.RunInterrupted(t.Context(), func() bool { n, err := count(); return err == nil && n >= 5 }, apply...)
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Output())
	}
	if res.ExitCode == 0 {
		t.Fatalf("the interrupted apply exited 0: it finished before the interrupt, so the test proves nothing\n%s", res.Output())
	}
	created := inMISP()
	tracked := len(stateAddresses(t, e))
	t.Logf("after Ctrl-C: %d users in MISP, %d in state", created, tracked)
	if created == 0 || created == n {
		t.Fatalf("the interrupt came when %d of %d users existed: the test proves nothing", created, n)
	}
	if tracked != created {
		t.Errorf("after Ctrl-C MISP has %d users and the state %d: every user MISP created must be tracked", created, tracked)
	}

	e.run(t, 0, apply...)
	if got := inMISP(); got != n {
		t.Errorf("after one more apply MISP has %d users, want %d", got, n)
	}
	if got := len(stateAddresses(t, e)); got != n {
		t.Errorf("after one more apply the state tracks %d users, want %d", got, n)
	}
	e.run(t, 0, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	e.run(t, 0, "destroy", "-auto-approve", "-input=false", "-no-color")
	if got := inMISP(); got != 0 {
		t.Errorf("after destroy MISP has %d of the test's users, want 0", got)
	}
}

// stateAddresses lists the resources in the workspace's state.
func stateAddresses(t *testing.T, e *env) []string {
	t.Helper()
	res := e.run(t, 0, "state", "list")
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
