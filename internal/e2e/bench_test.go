//go:build linux && bench

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/protocol"
)

// The benchmark phases, in the order they run.
var benchPhases = []string{"apply (create)", "plan, no change", "plan, 1 % changed", "destroy"}

// phaseLatency is the no-change plan again, with benchLatency added to every request the emulator serves.
const phaseLatency = "plan, no change, 150 ms per request"

const benchLatency = 150 * time.Millisecond

// The providers a bench run compares. Each is a Terraform workspace of its own with N resources.
const (
	provOurs   = "misp_user"       // the real provider
	provFloor  = "framework floor" // benchprovider in floor mode: misp_user's schema shape, no API
	provReader = "one-GET reader"  // benchprovider in reader mode: GET /admin/users/view/{id} per user
	provTFData = "terraform_data"  // Terraform alone
)

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
	// rpcCPU is the provider's CPU time by RPC kind, from its labelled CPU profiles ("" for unlabelled samples);
	// nil when no profile was taken.
	rpcCPU map[string]time.Duration
}

func phaseOf(res *Result) phaseResult {
	return phaseResult{
		wall: res.Wall, rssKiB: res.PeakRSSKiB, providers: res.Providers,
		providerCPU: res.ProviderCPU, terraformCPU: res.TotalCPU - res.ProviderCPU,
	}
}

// benchRun is every phase for one N, by provider.
type benchRun struct {
	n    int
	prov map[string]map[string]phaseResult // provider -> phase -> result
}

func (r benchRun) get(prov, phase string) phaseResult { return r.prov[prov][phase] }

// providerSet is BENCH_ONLY: the providers a run measures (all when empty).
type providerSet map[string]bool

func (s providerSet) has(name string) bool { return len(s) == 0 || s[name] }

// benchOnly parses BENCH_ONLY, a comma-separated list of misp_user, floor, reader and terraform_data: a quick check
// of one change (the tables show zeros for the providers left out, and ratios against them are meaningless).
func benchOnly(v string) (providerSet, error) {
	names := map[string]string{"misp_user": provOurs, "floor": provFloor, "reader": provReader, "terraform_data": provTFData}
	out := providerSet{}
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, ok := names[f]
		if !ok {
			return nil, fmt.Errorf("BENCH_ONLY: %q is none of misp_user, floor, reader, terraform_data", f)
		}
		out[p] = true
	}
	return out, nil
}

// benchDestroy is false with BENCH_DESTROY=0: the destroy phases are left out (Terraform's own destroy of 5,000
// resources takes most of an N = 5,000 run on 2 CPUs, and no target is about it).
func benchDestroy() bool { return os.Getenv("BENCH_DESTROY") != "0" }

// bench is what the runs of one make bench share.
type bench struct {
	benchBin string // the benchprovider binary
	profDir  string // where the CPU profiles go
	keep     bool   // BENCH_PROFILE: the profiles are kept and the pprof commands printed
	mu       sync.Mutex
	profiles []string // prefixes of kept profiles, for the pprof commands
}

// TestBench is make bench: N misp_user resources against the same N resources of a framework provider with
// misp_user's schema shape and no API (the framework floor), of a provider that reads each user with its own GET,
// and of terraform_data (Terraform alone), phase by phase. It is a benchmark, not a test: it only fails when a
// command fails, and prints its measurements (targets included, met or not) rather than asserting them. It is
// built only with -tags bench (make bench), so it never runs, nor shows as skipped, in make test.
// BENCH_N=100,1000,5000 picks the sizes; BENCH_PROFILE=<dir> keeps the providers' CPU profiles there;
// MISP_BENCH_URL / MISP_BENCH_API_KEY add a run against that real MISP at N = 200.
func TestBench(t *testing.T) {
	ns, err := benchSizes(os.Getenv("BENCH_N"))
	if err != nil {
		t.Fatal(err)
	}
	only, err := benchOnly(os.Getenv("BENCH_ONLY"))
	if err != nil {
		t.Fatal(err)
	}
	b := &bench{benchBin: buildBenchProvider(t), profDir: os.Getenv("BENCH_PROFILE")}
	if b.profDir == "" {
		b.profDir = t.TempDir()
	} else {
		b.keep = true
		if b.profDir, err = filepath.Abs(b.profDir); err == nil {
			err = os.MkdirAll(b.profDir, 0o755)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	out := os.Getenv("BENCH_OUT")
	if out == "" {
		root, err := ModuleRoot(t.Context(), ".")
		if err != nil {
			t.Fatal(err)
		}
		out = filepath.Join(root, "bench-results.md")
	}
	tfVersion, loadStart := terraformVersion(t), loadAverage()
	// The report is rewritten after each part, so that a long run stopped half-way keeps what it measured.
	var (
		runs   []benchRun
		onReal *realRun
		md     string
	)
	write := func() {
		md = renderBench(runs, onReal, tfVersion, "load average (1 min) "+loadStart+" at the start, "+loadAverage()+" at the end")
		if err := os.WriteFile(out, []byte(md), 0o644); err != nil { //nolint:gosec // a report meant to be read
			t.Fatal(err)
		}
	}
	if url := os.Getenv("MISP_BENCH_URL"); url != "" {
		key := os.Getenv("MISP_BENCH_API_KEY")
		if key == "" {
			t.Fatal("MISP_BENCH_URL is set but MISP_BENCH_API_KEY is not")
		}
		onReal = b.benchReal(t, url, key, realN)
		write()
	}
	for _, n := range ns {
		run := benchRun{n: n, prov: map[string]map[string]phaseResult{}}
		for _, p := range []struct {
			name string
			run  func(*testing.T, int) map[string]phaseResult
		}{{provTFData, benchTFData}, {provFloor, b.benchFloor}, {provOurs, b.benchMISP}, {provReader, b.benchReader}} {
			if only.has(p.name) {
				run.prov[p.name] = p.run(t, n)
			}
		}
		runs = append(runs, run)
		write()
	}
	_, _ = os.Stdout.WriteString("\n" + md)
	t.Logf("wrote %s", out)
	if b.keep {
		var cmds strings.Builder
		fmt.Fprintf(&cmds, "\nCPU profiles (one per provider process, samples labelled rpc=<RPC>) kept in %s. For example:\n", b.profDir)
		for _, p := range b.profiles {
			fmt.Fprintf(&cmds, "  go tool pprof -http=localhost:8080 %s.*.pprof\n", p)
		}
		cmds.WriteString("  (-tagfocus=rpc=PlanResourceChange keeps one RPC; -tags lists the CPU per RPC.)\n")
		_, _ = os.Stdout.WriteString(cmds.String())
	}
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

// buildBenchProvider compiles internal/e2e/cmd/benchprovider.
func buildBenchProvider(t *testing.T) string {
	t.Helper()
	root, err := ModuleRoot(t.Context(), ".")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "benchprovider")
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "./internal/e2e/cmd/benchprovider")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the bench provider: %v\n%s", err, out)
	}
	return bin
}

func terraformVersion(t *testing.T) string {
	t.Helper()
	e := newEnv(t, fakemisp.Options{})
	res := e.run(t, 0, "version")
	line, _, _ := strings.Cut(res.Stdout, "\n")
	return strings.TrimSpace(line)
}

// usersConfig is the misp_user configuration every provider but terraform_data runs.
const usersConfig = providerHeader + `
resource "misp_user" "u" {
  for_each = local.users
  email    = each.value
  org_id   = 1
  role_id  = 3
}
`

// useBenchProvider makes the workspace run the bench provider in mode instead of the real provider.
func (b *bench) useBenchProvider(e *env, mode string) {
	e.ws.Env["E2E_PROVIDER_BIN"] = b.benchBin // the harness's own value comes first; the last one wins
	e.ws.Env["BENCH_PROVIDER_MODE"] = mode
}

// runner runs the phases of one provider in one workspace, with the emulator's counters and the profiles.
type runner struct {
	b    *bench
	t    *testing.T
	e    *env
	name string // profile file name part
	n    int
	out  map[string]phaseResult
	// proxy counts the requests on a real MISP (the emulator counts its own).
	proxy *countingProxy
}

func (b *bench) runner(t *testing.T, e *env, name string, n int) *runner {
	return &runner{b: b, t: t, e: e, name: name, n: n, out: map[string]phaseResult{}}
}

// slug makes a file name part of a phase name: "plan, 1 % changed" -> "plan-1-changed".
func slug(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return (r < 'a' || r > 'z') && (r < '0' || r > '9') })
	return strings.Join(words, "-")
}

func (r *runner) phase(name string, want int, args ...string) *Result {
	r.t.Helper()
	if name == benchPhases[3] && !benchDestroy() {
		return nil
	}
	prefix := ""
	if r.b != nil {
		prefix = filepath.Join(r.b.profDir, strings.Join([]string{r.name, "n" + strconv.Itoa(r.n), slug(name)}, "-"))
		r.e.ws.Env[protocol.ProfileEnv] = prefix
		if r.b.keep {
			r.e.ws.Env[protocol.HeapProfileEnv] = prefix
		}
	}
	if r.e.emu != nil {
		r.e.emu.Fake.ResetCounters()
	}
	if r.proxy != nil {
		r.proxy.reset()
	}
	res := r.e.run(r.t, want, args...)
	p := phaseOf(res)
	if r.e.emu != nil {
		p.requests, p.counters = r.e.emu.Fake.TotalRequests(), r.e.emu.Fake.Counters()
	}
	if r.proxy != nil {
		p.requests, p.counters = r.proxy.snapshot()
	}
	if prefix != "" {
		cpu, files, err := cpuByRPC(prefix)
		if err != nil {
			r.t.Fatal(err)
		}
		if len(files) > 0 {
			p.rpcCPU = cpu
		}
		r.b.mu.Lock()
		if r.b.keep && len(files) > 0 && name == benchPhases[1] {
			r.b.profiles = append(r.b.profiles, prefix)
		}
		r.b.mu.Unlock()
	}
	r.out[name] = p
	return res
}

var (
	applyArgs   = []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	planArgs    = []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	destroyArgs = []string{"destroy", "-auto-approve", "-input=false", "-no-color"}
)

// benchTFData runs the phases with terraform_data: what Terraform itself costs for n resources.
func benchTFData(t *testing.T, n int) map[string]phaseResult {
	t.Helper()
	e := newEnv(t, fakemisp.Options{})
	e.write(t, "main.tf", "resource \"terraform_data\" \"u\" {\n  for_each = local.users\n  input    = each.value\n}\n")
	e.write(t, "users.tf", usersLocals(n, 0))
	r := (*bench)(nil).runner(t, e, "tfdata", n)
	r.phase(benchPhases[0], 0, applyArgs...)
	r.phase(benchPhases[1], 0, planArgs...)
	e.write(t, "users.tf", usersLocals(n, 100))
	r.phase(benchPhases[2], 2, planArgs...)
	r.phase(benchPhases[3], 0, destroyArgs...)
	return r.out
}

// benchFloor runs the phases with the framework floor. It has no API, so the 1 % change is made in the
// configuration (as for terraform_data) rather than in MISP.
func (b *bench) benchFloor(t *testing.T, n int) map[string]phaseResult {
	t.Helper()
	e := newEnv(t, fakemisp.Options{})
	b.useBenchProvider(e, "floor")
	e.write(t, "main.tf", usersConfig)
	e.write(t, "users.tf", usersLocals(n, 0))
	r := b.runner(t, e, "floor", n)
	r.phase(benchPhases[0], 0, applyArgs...)
	r.phase(benchPhases[1], 0, planArgs...)
	e.write(t, "users.tf", usersLocals(n, 100))
	res := r.phase(benchPhases[2], 2, planArgs...)
	if want := fmt.Sprintf("0 to add, %d to change, 0 to destroy", (n+99)/100); !strings.Contains(res.Stdout, want) {
		t.Fatalf("framework floor, plan after changing 1 %% of the configuration: want %q in\n%s", want, res.Stdout)
	}
	r.phase(benchPhases[3], 0, destroyArgs...)
	return r.out
}

// withLatency runs fn with benchLatency added to every request of the emulator.
func withLatency(e *env, fn func()) {
	e.emu.Fake.AddFault(fakemisp.Fault{Pattern: "*", Kind: fakemisp.FaultLatency, MinLatency: benchLatency, MaxLatency: benchLatency})
	defer e.emu.Fake.ClearFaults()
	fn()
}

// benchMISP runs the phases with misp_user against a fresh emulator, the latency phase included.
func (b *bench) benchMISP(t *testing.T, n int) map[string]phaseResult {
	t.Helper()
	e := newEnv(t, fakemisp.Options{})
	e.write(t, "main.tf", usersConfig)
	e.write(t, "users.tf", usersLocals(n, 0))
	fake := e.emu.Fake
	r := b.runner(t, e, "misp", n)
	r.phase(benchPhases[0], 0, applyArgs...)
	if got := countBenchUsers(fake); got != n {
		t.Fatalf("after apply the emulator holds %d bench users, want %d", got, n)
	}
	r.phase(benchPhases[1], 0, planArgs...)
	withLatency(e, func() { r.phase(phaseLatency, 0, planArgs...) })

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
	res := r.phase(benchPhases[2], 2, planArgs...)
	if want := fmt.Sprintf("0 to add, %d to change, 0 to destroy", changed); !strings.Contains(res.Stdout, want) {
		t.Fatalf("plan after changing %d users in MISP: want %q in\n%s", changed, want, res.Stdout)
	}
	if r.phase(benchPhases[3], 0, destroyArgs...) != nil && countBenchUsers(fake) != 0 {
		t.Fatalf("after destroy the emulator still holds %d bench users", countBenchUsers(fake))
	}
	return r.out
}

// benchReader creates the users with the one-GET-per-user reader, then plans without a change, on loopback
// and with the latency.
func (b *bench) benchReader(t *testing.T, n int) map[string]phaseResult {
	t.Helper()
	e := newEnv(t, fakemisp.Options{})
	b.useBenchProvider(e, "reader")
	e.write(t, "main.tf", usersConfig)
	e.write(t, "users.tf", usersLocals(n, 0))
	r := b.runner(t, e, "reader", n)
	r.phase(benchPhases[0], 0, applyArgs...)
	if got := countBenchUsers(e.emu.Fake); got != n {
		t.Fatalf("after the reader's apply the emulator holds %d bench users, want %d", got, n)
	}
	res := r.phase(benchPhases[1], 0, planArgs...)
	if views := r.out[benchPhases[1]].counters["GET /admin/users/view/{id}"]; views != n {
		t.Fatalf("the reader's no-change plan made %d user views, want %d\n%s", views, n, res.Stdout)
	}
	withLatency(e, func() { r.phase(phaseLatency, 0, planArgs...) })
	return r.out
}

// Targets of issue 16 (and issue 7's request rule for create).
const (
	targetCPUPerUserMS   = 10
	targetPlanRequests   = 5
	targetRSSMiB         = 60
	targetRSSMiB5000     = 80
	targetLatencySpeedup = 1.5
)

func mib(kib int64) float64 { return float64(kib) / 1024 }

func msPerUser(d time.Duration, n int) float64 { return d.Seconds() * 1000 / float64(n) }

// rpcKinds are the columns of the per-RPC table, in the order Terraform calls them for a resource.
var rpcKinds = []string{"ValidateResourceConfig", "UpgradeResourceState", "ReadResource", "PlanResourceChange", "ApplyResourceChange"}

// renderBench renders one Markdown table per phase, rows by N, the latency comparison, CPU by RPC, the real-MISP
// run and the targets.
func renderBench(runs []benchRun, onReal *realRun, tfVersion, load string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Benchmark results\n\n%s, %s, %s/%s, %d CPUs, %s, %s.\n\n"+
		"`misp_user` against mispfake on loopback (in-process, no faults) beside, from the same run, the same N resources of "+
		"the **framework floor** (a terraform-plugin-framework provider with `misp_user`'s schema shape, derived from the real "+
		"schema at start-up, and no API: Read = Get + Set; `internal/e2e/cmd/benchprovider`) and of `terraform_data` "+
		"(Terraform alone). Compare CPU seconds and ratios within one run, never wall times across runs. CPU time is split "+
		"between the provider processes and Terraform itself; requests are what the emulator served; RSS is the peak of the "+
		"largest provider process the command started.\n\n",
		tfVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), load, time.Now().UTC().Format("2006-01-02"))
	for _, phase := range benchPhases {
		fmt.Fprintf(&b, "#### %s\n\n", phase)
		if phase == benchPhases[3] && !benchDestroy() {
			b.WriteString("Not run (BENCH_DESTROY=0).\n\n")
			continue
		}
		b.WriteString("| N | wall (s): misp_user / floor / terraform_data | provider CPU (s): misp_user / floor | ours ÷ floor | provider CPU per user (ms): misp_user / floor | Terraform CPU (s): misp_user / terraform_data | provider peak RSS (MiB): misp_user / floor | HTTP requests | requests by endpoint |\n")
		b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
		for _, r := range runs {
			m, f, d := r.get(provOurs, phase), r.get(provFloor, phase), r.get(provTFData, phase)
			fmt.Fprintf(&b, "| %d | %.2f / %.2f / %.2f | %.2f / %.2f | %s | %.2f / %.2f | %.1f / %.1f | %.1f / %.1f | %d | %s |\n", r.n,
				m.wall.Seconds(), f.wall.Seconds(), d.wall.Seconds(),
				m.providerCPU.Seconds(), f.providerCPU.Seconds(), ratio(m.providerCPU, f.providerCPU),
				msPerUser(m.providerCPU, r.n), msPerUser(f.providerCPU, r.n),
				m.terraformCPU.Seconds(), d.terraformCPU.Seconds(), mib(m.rssKiB), mib(f.rssKiB),
				m.requests, endpointSummary(m.counters))
		}
		b.WriteString("\n")
	}

	fmt.Fprintf(&b, "#### No-change plan with %s of latency per request\n\n", benchLatency)
	b.WriteString("The emulator sleeps before answering every request. Beside `misp_user`: the **one-GET reader**, the same " +
		"schema shape reading each user with its own `GET /admin/users/view/{id}`, as the other MISP provider does " +
		"(benchprovider in reader mode); both at Terraform's default -parallelism=10.\n\n")
	b.WriteString("| N | wall (s) on loopback: misp_user / reader | wall (s) at 150 ms: misp_user / reader | reader ÷ misp_user at 150 ms | requests at 150 ms: misp_user / reader | provider CPU (s) at 150 ms: misp_user / reader |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range runs {
		m0, g0 := r.get(provOurs, benchPhases[1]), r.get(provReader, benchPhases[1])
		m, g := r.get(provOurs, phaseLatency), r.get(provReader, phaseLatency)
		fmt.Fprintf(&b, "| %d | %.2f / %.2f | %.2f / %.2f | %s | %d / %d | %.2f / %.2f |\n", r.n, m0.wall.Seconds(), g0.wall.Seconds(),
			m.wall.Seconds(), g.wall.Seconds(), ratio(g.wall, m.wall), m.requests, g.requests, m.providerCPU.Seconds(), g.providerCPU.Seconds())
	}
	b.WriteString("\n")

	b.WriteString("#### Provider CPU by RPC kind\n\n")
	b.WriteString("From each provider process's CPU profile (`MISP_PROVIDER_CPUPROFILE`, samples labelled by RPC); *other* is " +
		"what no RPC was running: mostly the garbage collector's background work, plus start-up and the schema calls. " +
		"Seconds, and share of the provider's profiled CPU.\n\n")
	b.WriteString("| N | phase | provider | " + strings.Join(rpcKinds, " | ") + " | other | profiled total |\n")
	b.WriteString("|---:|---|---|" + strings.Repeat("---:|", len(rpcKinds)+2) + "\n")
	for _, r := range runs {
		for _, phase := range []string{benchPhases[0], benchPhases[1], benchPhases[2]} {
			for _, prov := range []string{provOurs, provFloor} {
				p := r.get(prov, phase)
				if p.rpcCPU == nil {
					continue
				}
				var total time.Duration
				for _, d := range p.rpcCPU {
					total += d
				}
				cells := make([]string, 0, len(rpcKinds)+2)
				accounted := time.Duration(0)
				for _, k := range rpcKinds {
					cells = append(cells, share(p.rpcCPU[k], total))
					accounted += p.rpcCPU[k]
				}
				cells = append(cells, share(total-accounted, total), fmt.Sprintf("%.2f", total.Seconds()))
				fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", r.n, phase, prov, strings.Join(cells, " | "))
			}
		}
	}
	b.WriteString("\n")

	if onReal != nil {
		renderReal(&b, onReal)
	}
	renderTargets(&b, runs)
	return b.String()
}

func renderTargets(b *strings.Builder, runs []benchRun) {
	b.WriteString("#### Targets\n\n| target | N | measured | met |\n|---|---:|---|---|\n")
	var at1000, at5000 *benchRun
	for i, r := range runs {
		plan := r.get(provOurs, benchPhases[1])
		if r.n == 1000 {
			at1000 = &runs[i]
			cpu := msPerUser(plan.providerCPU, r.n)
			fmt.Fprintf(b, "| no-change plan: provider CPU ≤ %d ms per user | %d | %.1f ms (floor %.1f ms) | %s |\n", targetCPUPerUserMS, r.n,
				cpu, msPerUser(r.get(provFloor, benchPhases[1]).providerCPU, r.n), yesNo(cpu <= targetCPUPerUserMS))
			fmt.Fprintf(b, "| no-change plan: provider peak RSS ≤ %d MiB | %d | %.1f MiB | %s |\n", targetRSSMiB, r.n, mib(plan.rssKiB), yesNo(mib(plan.rssKiB) <= targetRSSMiB))
			fmt.Fprintf(b, "| no-change plan: ≤ %d requests | %d | %d | %s |\n", targetPlanRequests, r.n, plan.requests, yesNo(plan.requests <= targetPlanRequests))
			m, g := r.get(provOurs, phaseLatency), r.get(provReader, phaseLatency)
			sp := g.wall.Seconds() / m.wall.Seconds()
			fmt.Fprintf(b, "| no-change plan at 150 ms per request: ≥ %.1f× faster than the one-GET reader | %d | %.2f× (%.1f s vs %.1f s) | %s |\n",
				targetLatencySpeedup, r.n, sp, m.wall.Seconds(), g.wall.Seconds(), yesNo(sp >= targetLatencySpeedup))
		}
		if r.n == 5000 {
			at5000 = &runs[i]
		}
		create := r.get(provOurs, benchPhases[0])
		adds := create.counters["POST /admin/users/add"]
		reads := userReads(create.counters)
		fmt.Fprintf(b, "| create = N add requests, no user reads (issue 7) | %d | %d adds, %d user reads | %s |\n", r.n, adds, reads, yesNo(adds == r.n && reads == 0))
	}
	if at5000 == nil {
		b.WriteString("| N = 5000: provider peak RSS ≤ 80 MiB, CPU per user ≤ N = 1000's | 5000 | not run (BENCH_N=1000,5000) | – |\n")
	} else {
		var peak int64
		for _, p := range at5000.prov[provOurs] {
			peak = max(peak, p.rssKiB)
		}
		fmt.Fprintf(b, "| N = 5000: provider peak RSS ≤ %d MiB (every phase) | 5000 | %.1f MiB | %s |\n", targetRSSMiB5000, mib(peak), yesNo(mib(peak) <= targetRSSMiB5000))
		if at1000 != nil {
			c5 := msPerUser(at5000.get(provOurs, benchPhases[1]).providerCPU, 5000)
			c1 := msPerUser(at1000.get(provOurs, benchPhases[1]).providerCPU, 1000)
			fmt.Fprintf(b, "| N = 5000: no-change plan CPU per user ≤ N = 1000's | 5000 | %.1f ms vs %.1f ms | %s |\n", c5, c1, yesNo(c5 <= c1))
		}
	}
	b.WriteString("\n")
}

func ratio(a, b time.Duration) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", a.Seconds()/b.Seconds())
}

func share(d, total time.Duration) string {
	if total <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f (%.0f %%)", d.Seconds(), 100*d.Seconds()/total.Seconds())
}

// loadAverage is the 1-minute load average, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
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
