//go:build linux

package e2e

import (
	"context"
	"crypto/rand"
	"fmt"
	mathrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// TestInterruptedApply: Ctrl-C during the creation of 50 users, each add taking 0.3-0.7 s more than MISP needs
// (a delaying proxy between the provider and MISP, on both targets: a real MISP on a fast machine, with the
// whole suite's load on it, is not slow enough by itself). Every user MISP created must end up in state, so
// that one more apply converges: exactly 50 users in MISP and in state, then an empty plan.
func TestInterruptedApply(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	e := newEnv(t, fakemisp.Options{Seed: 11})
	e.ws.Env["MISP_URL"] = delayingProxy(t, e.url, http.MethodPost, "/admin/users/add", 300*time.Millisecond, 700*time.Millisecond)
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
	// Best effort, for a failed run (a passing one destroys as its last step): t.Context() is already done here.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		e.ws.Run(ctx, "destroy", "-auto-approve", "-input=false", "-no-color") //nolint:errcheck // best effort
	})

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
	// Four adds at a time: 50 users take 13 rounds, so the interrupt after the first 5 comes with most still to do.
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=4"}
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

// delayingProxy is a reverse proxy in the test process in front of target that holds each request with this
// method and path for a random time in [min, max) before forwarding it; it returns the proxy's URL.
func delayingProxy(t *testing.T, target, method, path string, minDelay, maxDelay time.Duration) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == method && r.URL.Path == path {
			time.Sleep(minDelay + mathrand.N(maxDelay-minDelay))
		}
		r.Host = u.Host
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
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
