//go:build linux

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// soakFaults is the network the soak runs on: 10 % of requests get a 5xx from the gateway in front of MISP
// (502, 503 or 504: the transient kind; MISP's own 500s are bugs that no retry cures), 5 % lose their
// connection before MISP sees them, every request waits 0–50 ms, and 10 % of user creations are applied by
// MISP but their answer is lost. The rates of later rules are conditional on the earlier ones not firing,
// near enough to the nominal ones.
func soakFaults() []fakemisp.Fault {
	return []fakemisp.Fault{
		{Pattern: "*", Kind: fakemisp.FaultLatency, Rate: 1, MinLatency: 0, MaxLatency: 50 * time.Millisecond},
		{Pattern: "POST /admin/users/add", Kind: fakemisp.FaultLostResponse, Rate: 0.10},
		{Pattern: "*", Kind: fakemisp.FaultError, Rate: 0.034, Status: 502},
		{Pattern: "*", Kind: fakemisp.FaultError, Rate: 0.034, Status: 503},
		{Pattern: "*", Kind: fakemisp.FaultError, Rate: 0.034, Status: 504},
		{Pattern: "*", Kind: fakemisp.FaultDrop, Rate: 0.05},
	}
}

// TestSoakSmall is the fault soak inside make test: 30 users.
func TestSoakSmall(t *testing.T) {
	requireAcc(t)
	requireEmulator(t, "injected faults (5xx, dropped connections, lost answers)")
	t.Parallel()
	soak(t, 30)
}

// soak applies n users with -parallelism=10 through the faulty network: at most two applies must converge,
// MISP must then hold exactly the n users, each tracked in state (no duplicate, none orphaned), the next plan
// must be empty, and destroy (at most twice, faults still on) must leave none behind.
func soak(t *testing.T, n int) {
	e := newEnv(t, fakemisp.Options{Seed: 7})
	e.write(t, "main.tf", providerHeader+`
resource "misp_user" "u" {
  for_each = local.users
  email    = each.value
  org_id   = 1
  role_id  = 3
}
`)
	e.write(t, "users.tf", usersLocals(n, 0))
	fake := e.emu.Fake
	for _, f := range soakFaults() {
		fake.AddFault(f)
	}

	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10"}
	converged := false
	for attempt := 1; attempt <= 2 && !converged; attempt++ {
		res, err := e.ws.Run(t.Context(), apply...)
		if err != nil {
			t.Fatal(err)
		}
		converged = res.ExitCode == 0
		t.Logf("apply %d under faults: exit %d, %d requests so far (%s)%s", attempt, res.ExitCode, fake.TotalRequests(), faultTally(fake), errorDigest(res.Output()))
		if !converged && attempt == 2 {
			t.Fatalf("not converged after 2 applies:\n%s", tail(res.Output(), 4000))
		}
	}

	tracked := stateUsers(t, e.ws.StatePath())
	inMISP := map[string]string{} // email -> id
	for _, u := range fake.Users() {
		email, _ := u["email"].(string)
		if !strings.HasSuffix(email, "@bench.example.org") {
			continue
		}
		if prev, dup := inMISP[strings.ToLower(email)]; dup {
			t.Errorf("duplicate user %s in MISP: ids %s and %v", email, prev, u["id"])
		}
		inMISP[strings.ToLower(email)] = fmt.Sprint(u["id"])
	}
	if len(inMISP) != n {
		t.Errorf("MISP holds %d users, want exactly %d", len(inMISP), n)
	}
	if len(tracked) != n {
		t.Errorf("state tracks %d users, want %d", len(tracked), n)
	}
	for i := range n {
		email := emailOf(i)
		id, ok := inMISP[email]
		switch {
		case !ok:
			t.Errorf("user %s is missing from MISP", email)
		case tracked[email] != id:
			t.Errorf("user %s: MISP id %s, state id %q (orphaned or mis-adopted)", email, id, tracked[email])
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// The converged state must be stable: with the network healthy again the plan is empty.
	fake.ClearFaults()
	e.run(t, 0, "plan", "-input=false", "-no-color", "-detailed-exitcode")

	for _, f := range soakFaults() {
		fake.AddFault(f)
	}
	destroy := []string{"destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=10"}
	for attempt := 1; attempt <= 2; attempt++ {
		res, err := e.ws.Run(t.Context(), destroy...)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("destroy %d under faults: exit %d%s", attempt, res.ExitCode, errorDigest(res.Output()))
		if res.ExitCode == 0 {
			break
		}
		if attempt == 2 {
			t.Fatalf("destroy did not complete in 2 runs:\n%s", tail(res.Output(), 4000))
		}
	}
	fake.ClearFaults()
	if left := countBenchUsers(fake); left != 0 {
		t.Fatalf("destroy left %d users in MISP", left)
	}
	if left := stateUsers(t, e.ws.StatePath()); len(left) != 0 {
		t.Fatalf("destroy left %d users in state", len(left))
	}
}

// stateUsers returns email (lower case) -> id of the misp_user instances in a state file.
func stateUsers(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read state: %v", err)
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("decode state: %v", err)
	}
	out := map[string]string{}
	for _, r := range st.Resources {
		if r.Type != "misp_user" {
			continue
		}
		for _, inst := range r.Instances {
			email, _ := inst.Attributes["email"].(string)
			out[strings.ToLower(email)] = fmt.Sprint(inst.Attributes["id"])
		}
	}
	return out
}

// faultTally summarises the injected faults, e.g. "error=12 drop=5 lost_response=3".
func faultTally(fake *fakemisp.Server) string {
	counts := map[string]int{}
	for _, r := range fake.Requests() {
		if r.Fault != "" && r.Fault != string(fakemisp.FaultLatency) {
			counts[r.Fault]++
		}
	}
	var parts []string
	for _, k := range []string{"error", "drop", "lost_response"} {
		parts = append(parts, fmt.Sprintf("%s=%d", k, counts[k]))
	}
	return strings.Join(parts, " ")
}

// tail is the end of a long output.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// errorDigest lists the distinct errors of a terraform output, each with the first line of its detail.
func errorDigest(out string) string {
	lines := strings.Split(out, "\n")
	seen := map[string]int{}
	var order []string
	for i, l := range lines {
		summary, ok := strings.CutPrefix(strings.TrimSpace(l), "Error: ")
		if !ok {
			continue
		}
		// The detail: its first two paragraphs after the "with ..." / "on ..." location lines.
		var para []string
		breaks := 0
		for _, d := range lines[i+1:] {
			d = strings.TrimSpace(d)
			switch {
			case strings.HasPrefix(d, "Error: "):
			case d == "" && len(para) > 0:
				if breaks++; breaks < 2 {
					continue
				}
			case d == "", strings.HasPrefix(d, "with "), strings.HasPrefix(d, "on "), strings.Contains(d, ": resource "):
				continue
			default:
				para = append(para, d)
				continue
			}
			break
		}
		detail := strings.Join(para, " ")
		key := summary + ": " + detail
		if seen[key] == 0 {
			order = append(order, key)
		}
		seen[key]++
	}
	var b strings.Builder
	for _, k := range order {
		fmt.Fprintf(&b, "\n    %d x %s", seen[k], k)
	}
	return b.String()
}
