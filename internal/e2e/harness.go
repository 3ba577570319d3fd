//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// ProviderAddress is the provider's registry address, the key of the dev_overrides entry.
const ProviderAddress = "registry.terraform.io/misp-iac/misp"

// Binaries are the provider and the RSS-recording wrapper that stands in for it.
type Binaries struct {
	// Provider is the real provider binary.
	Provider string
	// OverrideDir holds a copy of the wrapper named terraform-provider-misp; dev_overrides points here.
	OverrideDir string
}

// ModuleRoot returns the directory of the Go module that contains dir.
func ModuleRoot(ctx context.Context, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "env", "GOMOD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("%s is not inside a Go module", dir)
	}
	return filepath.Dir(gomod), nil
}

// Build compiles the provider at root (the module root) and the wrapper into outDir.
func Build(ctx context.Context, root, outDir string) (*Binaries, error) {
	binDir := filepath.Join(outDir, "bin")
	overrideDir := filepath.Join(outDir, "override")
	for _, d := range []string{binDir, overrideDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", d, err)
		}
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", binDir+string(filepath.Separator), ".", "./internal/e2e/cmd/rsswrap")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build of the provider and the wrapper: %w\n%s", err, out)
	}
	b := &Binaries{Provider: filepath.Join(binDir, "terraform-provider-misp"), OverrideDir: overrideDir}
	if err := os.Link(filepath.Join(binDir, "rsswrap"), filepath.Join(overrideDir, "terraform-provider-misp")); err != nil {
		return nil, fmt.Errorf("place the wrapper: %w", err)
	}
	return b, nil
}

// Emulator is a fakemisp server on a real loopback listener, in this process so that a test can read its
// counters and set faults while Terraform talks to it over HTTP.
type Emulator struct {
	Fake *fakemisp.Server
	URL  string
	srv  *http.Server
}

// StartEmulator listens on 127.0.0.1 on a free port and serves a new emulator.
func StartEmulator(opts fakemisp.Options) (*Emulator, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	fake := fakemisp.New(opts)
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &Emulator{Fake: fake, URL: "http://" + ln.Addr().String(), srv: srv}, nil
}

// Close stops the server at once.
func (e *Emulator) Close() error {
	if err := e.srv.Close(); err != nil {
		return fmt.Errorf("close emulator: %w", err)
	}
	return nil
}

// Workspace is one Terraform working directory wired to a provider build and a MISP.
type Workspace struct {
	// Dir is the working directory (configuration and state).
	Dir string
	// Terraform is the CLI binary.
	Terraform string
	// Env is added to the clean environment of every command (MISP_URL, MISP_API_KEY, TF_LOG...).
	Env map[string]string

	home      string
	cliConfig string
	rssFile   string
	bins      *Binaries
}

// NewWorkspace prepares dir (created if needed): a CLI configuration with dev_overrides for the provider,
// a private HOME, and the environment for url and key.
func NewWorkspace(dir, terraform string, bins *Binaries, url, apiKey string) (*Workspace, error) {
	w := &Workspace{
		Dir:       filepath.Join(dir, "work"),
		Terraform: terraform,
		Env:       map[string]string{"MISP_URL": url, "MISP_API_KEY": apiKey},
		home:      filepath.Join(dir, "home"),
		cliConfig: filepath.Join(dir, "terraformrc"),
		rssFile:   filepath.Join(dir, "provider-rss.log"),
		bins:      bins,
	}
	for _, d := range []string{w.Dir, w.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", d, err)
		}
	}
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n}\n", ProviderAddress, bins.OverrideDir)
	if err := os.WriteFile(w.cliConfig, []byte(rc), 0o600); err != nil {
		return nil, fmt.Errorf("write CLI configuration: %w", err)
	}
	return w, nil
}

// WriteFile writes a file of the configuration (name relative to Dir).
func (w *Workspace) WriteFile(name, content string) error {
	if err := os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// Result is the outcome of one terraform command.
type Result struct {
	Args     []string
	Stdout   string
	Stderr   string
	ExitCode int
	Wall     time.Duration
	// PeakRSSKiB is the largest peak resident set of the provider processes the command started (0 when
	// none reported, e.g. no provider was needed).
	PeakRSSKiB int64
	// Providers is how many provider processes the command started.
	Providers int
	// ProviderCPU is the user and system CPU time of those provider processes; TotalCPU that of the whole
	// command (terraform and everything it waited for, the providers included).
	ProviderCPU, TotalCPU time.Duration
}

// Output is stdout and stderr together, for failure messages.
func (r *Result) Output() string { return r.Stdout + r.Stderr }

// Run runs terraform with args in Dir, with a clean environment: PATH, a private HOME, the dev_overrides
// CLI configuration, TF_IN_AUTOMATION=1, CHECKPOINT_DISABLE=1 and Env; no TF_* or MISP_* variable of the
// caller leaks in. A non-zero exit is not an error (see Result.ExitCode); an error means terraform could
// not be run.
func (w *Workspace) Run(ctx context.Context, args ...string) (*Result, error) {
	return w.run(ctx, nil, args)
}

// RunInterrupted is Run with a Ctrl-C as soon as when() reports true (polled every 100 ms): SIGINT to
// terraform's whole process group (the provider processes included), as a terminal sends it. Terraform then
// finishes what is under way and exits.
func (w *Workspace) RunInterrupted(ctx context.Context, when func() bool, args ...string) (*Result, error) {
	return w.run(ctx, when, args)
}

func (w *Workspace) run(ctx context.Context, interruptWhen func() bool, args []string) (*Result, error) {
	if err := os.Remove(w.rssFile); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("reset RSS log: %w", err)
	}
	cmdCtx := ctx
	if interruptWhen != nil {
		var cancel context.CancelFunc
		cmdCtx, cancel = context.WithCancel(ctx)
		defer cancel()
		go func() {
			for cmdCtx.Err() == nil && !interruptWhen() {
				time.Sleep(100 * time.Millisecond)
			}
			cancel()
		}()
	}
	cmd := exec.CommandContext(cmdCtx, w.Terraform, args...)
	cmd.Dir = w.Dir
	cmd.Env = w.environ()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 10 * time.Second
	if interruptWhen != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
		cmd.WaitDelay = 2 * time.Minute
	}
	start := time.Now()
	err := cmd.Run()
	res := &Result{Args: args, Stdout: stdout.String(), Stderr: stderr.String(), Wall: time.Since(start)}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	case err != nil:
		return res, fmt.Errorf("run terraform %s: %w", strings.Join(args, " "), err)
	}
	if cmd.ProcessState != nil {
		res.TotalCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	usage, rerr := readRSS(w.rssFile)
	if rerr != nil {
		return res, rerr
	}
	res.PeakRSSKiB, res.Providers, res.ProviderCPU = usage.peakKiB, usage.processes, usage.cpu
	return res, nil
}

func (w *Workspace) environ() []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + w.home,
		"TF_CLI_CONFIG_FILE=" + w.cliConfig,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"E2E_PROVIDER_BIN=" + w.bins.Provider,
		"E2E_RSS_FILE=" + w.rssFile,
	}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		env = append(env, "TMPDIR="+tmp)
	}
	for k, v := range w.Env {
		env = append(env, k+"="+v)
	}
	return env
}

// providerUsage sums up the wrapper's lines.
type providerUsage struct {
	peakKiB   int64
	processes int
	cpu       time.Duration
}

// readRSS reads the wrapper's lines: the largest peak RSS, the number of processes, their total CPU time.
func readRSS(path string) (providerUsage, error) {
	var u providerUsage
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return u, nil
	}
	if err != nil {
		return u, fmt.Errorf("read RSS log: %w", err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		nums := make([]int64, len(fields))
		for i, s := range fields {
			if nums[i], err = strconv.ParseInt(s, 10, 64); err != nil {
				break
			}
		}
		if err != nil {
			continue
		}
		u.processes++
		u.peakKiB = max(u.peakKiB, nums[1])
		for _, us := range nums[2:min(len(nums), 4)] {
			u.cpu += time.Duration(us) * time.Microsecond
		}
	}
	if err := sc.Err(); err != nil {
		return u, fmt.Errorf("read RSS log: %w", err)
	}
	return u, nil
}

// StatePath is the local state file of the workspace.
func (w *Workspace) StatePath() string { return filepath.Join(w.Dir, "terraform.tfstate") }
