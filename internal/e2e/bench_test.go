//go:build linux && bench

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// The benchmark phases, in the order they run.
var benchPhases = []string{"apply (create)", "plan, no change", "plan, 1 % changed", "destroy"}

// phaseResult is one phase of one run.
type phaseResult struct {
	wall      time.Duration
	requests  int
	counters  map[string]int
	rssKiB    int64
	providers int
	// providerCPU and terraformCPU split the command's CPU time between the provider processes and
	// Terraform itself.
	providerCPU, terraformCPU time.Duration
}

func phaseOf(res *Result) phaseResult {
	return phaseResult{
		wall: res.Wall, rssKiB: res.PeakRSSKiB, providers: res.Providers,
		providerCPU: res.ProviderCPU, terraformCPU: res.TotalCPU - res.ProviderCPU,
	}
}

// benchRun is every phase for one N, for the provider and for the terraform_data floor.
type benchRun struct {
	n     int
	misp  map[string]phaseResult
	floor map[string]phaseResult
}

// TestBench is make bench: N misp_user resources against N terraform_data resources, phase by phase. It
// is a benchmark, not a test: it only fails when a command fails, and prints its measurements (targets
// included, met or not) rather than asserting them. It is built only with -tags bench (make bench), so it never
// runs, nor shows as skipped, in make test. BENCH_N=100,1000,5000 picks the sizes.
func TestBench(t *testing.T) {
	ns, err := benchSizes(os.Getenv("BENCH_N"))
	if err != nil {
		t.Fatal(err)
	}
	var runs []benchRun
	for _, n := range ns {
		run := benchRun{n: n, floor: benchFloor(t, n), misp: benchMISP(t, n)}
		runs = append(runs, run)
	}
	md := renderBench(runs, terraformVersion(t))
	_, _ = os.Stdout.WriteString("\n" + md)
	out := os.Getenv("BENCH_OUT")
	if out == "" {
		root, err := ModuleRoot(t.Context(), ".")
		if err != nil {
			t.Fatal(err)
		}
		out = filepath.Join(root, "bench-results.md")
	}
	if err := os.WriteFile(out, []byte(md), 0o644); err != nil { //nolint:gosec // a report meant to be read
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}

func benchSizes(spec string) ([]int, error) {
	if strings.TrimSpace(spec) == "" {
		return []int{100, 1000}, nil
	}
	var ns []int
	for _, f := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 {
			return nil, fmt.Errorf("BENCH_N: %q is not a size >= 100", f)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

func terraformVersion(t *testing.T) string {
	t.Helper()
	e := newEnv(t, fakemisp.Options{})
	res := e.run(t, 0, "version")
	line, _, _ := strings.Cut(res.Stdout, "\n")
	return strings.TrimSpace(line)
}

// benchFloor runs the phases with terraform_data: what Terraform itself costs for n resources.
func benchFloor(t *testing.T, n int) map[string]phaseResult {
	t.Helper()
	e := newEnv(t, fakemisp.Options{})
	e.write(t, "main.tf", "resource \"terraform_data\" \"u\" {\n  for_each = local.users\n  input    = each.value\n}\n")
	e.write(t, "users.tf", usersLocals(n, 0))
	out := map[string]phaseResult{}
	phase := func(name string, want int, args ...string) {
		out[name] = phaseOf(e.run(t, want, args...))
	}
	phase(benchPhases[0], 0, "apply", "-auto-approve", "-input=false", "-no-color")
	phase(benchPhases[1], 0, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	e.write(t, "users.tf", usersLocals(n, 100))
	phase(benchPhases[2], 2, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	phase(benchPhases[3], 0, "destroy", "-auto-approve", "-input=false", "-no-color")
	return out
}

// benchMISP runs the phases with misp_user against a fresh emulator.
func benchMISP(t *testing.T, n int) map[string]phaseResult {
	t.Helper()
	e := newEnv(t, fakemisp.Options{})
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
	out := map[string]phaseResult{}
	phase := func(name string, want int, args ...string) *Result {
		fake.ResetCounters()
		res := e.run(t, want, args...)
		p := phaseOf(res)
		p.requests, p.counters = fake.TotalRequests(), fake.Counters()
		out[name] = p
		return res
	}
	phase(benchPhases[0], 0, "apply", "-auto-approve", "-input=false", "-no-color")
	if got := countBenchUsers(fake); got != n {
		t.Fatalf("after apply the emulator holds %d bench users, want %d", got, n)
	}
	phase(benchPhases[1], 0, "plan", "-input=false", "-no-color", "-detailed-exitcode")

	// A person changes the role of 1 % of the users in the MISP UI; the plan must show exactly those.
	changed := 0
	for _, u := range fake.Users() {
		email, _ := u["email"].(string)
		if !strings.HasSuffix(email, "@bench.example.org") {
			continue
		}
		var i int
		if _, err := fmt.Sscanf(email, "user%05d@", &i); err != nil || i%100 != 0 {
			continue
		}
		if err := fake.UpdateUser(fmt.Sprint(u["id"]), map[string]any{"role_id": 4}); err != nil {
			t.Fatal(err)
		}
		changed++
	}
	res := phase(benchPhases[2], 2, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	if want := fmt.Sprintf("0 to add, %d to change, 0 to destroy", changed); !strings.Contains(res.Stdout, want) {
		t.Fatalf("plan after changing %d users in MISP: want %q in\n%s", changed, want, res.Stdout)
	}
	phase(benchPhases[3], 0, "destroy", "-auto-approve", "-input=false", "-no-color")
	if got := countBenchUsers(fake); got != 0 {
		t.Fatalf("after destroy the emulator still holds %d bench users", got)
	}
	return out
}

// Targets of issue 7.
const (
	targetPlanRatio    = 1.25
	targetPlanRequests = 5
	targetRSSMiB       = 60
)

func mib(kib int64) float64 { return float64(kib) / 1024 }

// renderBench renders one Markdown table per phase, rows by N, and the targets.
func renderBench(runs []benchRun, tfVersion string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Benchmark results\n\n%s, %s, %s/%s, %d CPUs, %s. `misp_user` against mispfake on loopback "+
		"(in-process, no faults) versus the same number of `terraform_data` resources (the floor: Terraform's own cost). "+
		"Wall time is the whole command; CPU time is split between the provider processes and Terraform itself; "+
		"requests are what the emulator served during it; RSS is the peak of the largest provider process the command started.\n\n",
		tfVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	for _, phase := range benchPhases {
		fmt.Fprintf(&b, "#### %s\n\n", phase)
		b.WriteString("| N | misp_user wall (s) | terraform_data wall (s) | ratio | CPU (s): misp provider / Terraform | CPU (s): Terraform, floor | HTTP requests | provider peak RSS (MiB) | requests by endpoint |\n")
		b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
		for _, r := range runs {
			m, f := r.misp[phase], r.floor[phase]
			fmt.Fprintf(&b, "| %d | %.2f | %.2f | %.2f | %.1f / %.1f | %.1f | %d | %.1f | %s |\n", r.n, m.wall.Seconds(), f.wall.Seconds(),
				m.wall.Seconds()/f.wall.Seconds(), m.providerCPU.Seconds(), m.terraformCPU.Seconds(), f.terraformCPU.Seconds(),
				m.requests, mib(m.rssKiB), endpointSummary(m.counters))
		}
		b.WriteString("\n")
	}
	b.WriteString("#### Targets\n\n| target | N | measured | met |\n|---|---:|---|---|\n")
	for _, r := range runs {
		plan := r.misp[benchPhases[1]]
		ratio := plan.wall.Seconds() / r.floor[benchPhases[1]].wall.Seconds()
		if r.n == 1000 {
			fmt.Fprintf(&b, "| no-change plan ≤ %.2f × floor | %d | %.2f × | %s |\n", targetPlanRatio, r.n, ratio, yesNo(ratio <= targetPlanRatio))
			fmt.Fprintf(&b, "| no-change plan ≤ %d requests | %d | %d | %s |\n", targetPlanRequests, r.n, plan.requests, yesNo(plan.requests <= targetPlanRequests))
		}
		create := r.misp[benchPhases[0]]
		adds := create.counters["POST /admin/users/add"]
		reads := userReads(create.counters)
		fmt.Fprintf(&b, "| create = N add requests, no user reads | %d | %d adds, %d user reads | %s |\n", r.n, adds, reads, yesNo(adds == r.n && reads == 0))
		var peak int64
		for _, p := range r.misp {
			peak = max(peak, p.rssKiB)
		}
		fmt.Fprintf(&b, "| provider peak RSS ≤ %d MiB | %d | %.1f MiB | %s |\n", targetRSSMiB, r.n, mib(peak), yesNo(mib(peak) <= targetRSSMiB))
	}
	b.WriteString("\n")
	return b.String()
}

// userReads counts the requests that read users (views and index).
func userReads(counters map[string]int) int {
	n := 0
	for ep, c := range counters {
		if strings.HasPrefix(ep, "GET /admin/users/") || ep == "GET /users/view/{id}" {
			n += c
		}
	}
	return n
}

// endpointSummary lists the endpoints of a phase, busiest first, e.g. "1000 POST /admin/users/add; 2 GET ...".
func endpointSummary(counters map[string]int) string {
	eps := make([]string, 0, len(counters))
	for ep := range counters {
		eps = append(eps, ep)
	}
	sort.Slice(eps, func(i, j int) bool {
		if counters[eps[i]] != counters[eps[j]] {
			return counters[eps[i]] > counters[eps[j]]
		}
		return eps[i] < eps[j]
	})
	parts := make([]string, 0, len(eps))
	for _, ep := range eps {
		parts = append(parts, fmt.Sprintf("%d `%s`", counters[ep], ep))
	}
	return strings.Join(parts, ", ")
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}
