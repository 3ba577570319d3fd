package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const key = "RunnerKey0123456789abcdefghijklmnopqrstu"

// started is a run() in a goroutine with its stdout lines.
type started struct {
	lines  []string
	cancel context.CancelFunc
	done   chan int
	stderr *lockedWriter
}

func start(t *testing.T, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	st := &started{cancel: cancel, done: make(chan int, 1), stderr: &lockedWriter{}}
	go func() {
		st.done <- run(ctx, args, pw, st.stderr)
		_ = pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	want := 1 // MISP_URL, plus MISP_API_KEY when the key is generated
	if !contains(args, "-admin-key") {
		want = 2
	}
	for len(st.lines) < want && sc.Scan() {
		st.lines = append(st.lines, sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if len(st.lines) < want {
		cancel()
		t.Fatalf("runner printed %q, stderr: %s", st.lines, st.stderr)
	}
	return st
}

// lockedWriter collects the runner's stderr.
type lockedWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

func (st *started) stop(t *testing.T) int {
	t.Helper()
	st.cancel()
	select {
	case code := <-st.done:
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("runner did not stop")
	}
	return -1
}

func get(t *testing.T, client *http.Client, url, apiKey string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", apiKey)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func post(t *testing.T, url, apiKey, body string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestRunPrintsURLAndServes(t *testing.T) {
	st := start(t, "-listen", "127.0.0.1:0", "-admin-key", key)
	if len(st.lines) != 1 || !strings.HasPrefix(st.lines[0], "MISP_URL=http://127.0.0.1:") {
		t.Fatalf("stdout %q", st.lines)
	}
	url := strings.TrimPrefix(st.lines[0], "MISP_URL=")
	code, body := get(t, http.DefaultClient, url+"/servers/getVersion", key)
	if code != 200 || body["version"] != "2.5.1" {
		t.Fatalf("getVersion: %d %v", code, body)
	}
	if rc := st.stop(t); rc != 0 {
		t.Fatalf("exit code %d", rc)
	}
	logs := st.stderr.String()
	if !strings.Contains(logs, "GET /servers/getVersion 200") {
		t.Errorf("no request log line: %s", logs)
	}
	if strings.Contains(logs, key) {
		t.Error("the API key appears in the log")
	}
}

func TestRunGeneratedKeyStateAndTLS(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	certFile := filepath.Join(dir, "ca.pem")
	st := start(t, "-listen", "127.0.0.1:0", "-state", state, "-tls", "-tls-cert-out", certFile,
		"-faults", "error:status=503,count=1@GET /roles/index")
	if !strings.HasPrefix(st.lines[0], "MISP_URL=https://127.0.0.1:") || !strings.HasPrefix(st.lines[1], "MISP_API_KEY=") {
		t.Fatalf("stdout %q", st.lines)
	}
	url := strings.TrimPrefix(st.lines[0], "MISP_URL=")
	apiKey := strings.TrimPrefix(st.lines[1], "MISP_API_KEY=")
	if len(apiKey) != 40 {
		t.Fatalf("generated key %q", apiKey)
	}
	pemData, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		t.Fatal("certificate file is not PEM")
	}
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	client := &http.Client{Transport: transport}
	if code, _ := get(t, client, url+"/roles/index", apiKey); code != 503 {
		t.Errorf("-faults not applied: %d", code)
	}
	if code, _ := get(t, client, url+"/servers/getVersion", apiKey); code != 200 {
		t.Fatalf("getVersion over TLS: %d", code)
	}
	transport.CloseIdleConnections()
	if rc := st.stop(t); rc != 0 {
		t.Fatalf("exit code %d", rc)
	}

	// The state survives a restart (with a new generated key, which must also work).
	raw, err := os.ReadFile(state)
	if err != nil || !strings.Contains(string(raw), "admin@admin.test") {
		t.Fatalf("state file: %v %s", err, raw)
	}
	st = start(t, "-listen", "127.0.0.1:0", "-state", state, "-admin-key", key)
	url = strings.TrimPrefix(st.lines[0], "MISP_URL=")
	if code := post(t, url+"/admin/organisations/add", key, `{"name":"Persisted"}`); code != 200 {
		t.Fatalf("org add: %d", code)
	}
	if rc := st.stop(t); rc != 0 {
		t.Fatalf("exit code %d", rc)
	}
	st = start(t, "-listen", "127.0.0.1:0", "-state", state, "-admin-key", key)
	url = strings.TrimPrefix(st.lines[0], "MISP_URL=")
	if code, body := get(t, http.DefaultClient, url+"/organisations/view/Persisted", key); code != 200 {
		t.Fatalf("org not persisted: %d %v", code, body)
	}
	if rc := st.stop(t); rc != 0 {
		t.Fatalf("exit code %d", rc)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestRunRefusesCorruptStateAndBadFlags(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	if err := os.WriteFile(state, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	if rc := run(t.Context(), []string{"-listen", "127.0.0.1:0", "-state", state}, io.Discard, &stderr); rc == 0 {
		t.Fatal("started with a corrupt state file")
	}
	if !strings.Contains(stderr.String(), "state file") {
		t.Errorf("unclear error: %s", stderr.String())
	}
	raw, _ := os.ReadFile(state)
	if string(raw) != "{not json" {
		t.Error("corrupt state file was replaced")
	}
	for _, args := range [][]string{
		{"-admin-key", "short"},
		{"-faults", "explode@*"},
		{"-tls-cert-out", "x.pem"},
	} {
		if rc := run(t.Context(), args, io.Discard, io.Discard); rc != 2 {
			t.Errorf("%v: exit code %d, want 2", args, rc)
		}
	}
}

// TestBinaryExitsZeroOnSignal builds the command and stops it with SIGINT and SIGTERM.
func TestBinaryExitsZeroOnSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "mispfake")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := exec.CommandContext(t.Context(), bin, "-listen", "127.0.0.1:0", "-admin-key", key)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "MISP_URL=http://127.0.0.1:") {
			t.Fatalf("first line %q: %v", line, err)
		}
		url := strings.TrimSpace(strings.TrimPrefix(line, "MISP_URL="))
		if code, _ := get(t, http.DefaultClient, url+"/servers/getVersion", key); code != 200 {
			t.Fatalf("getVersion: %d", code)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%v: %v", sig, err)
		}
	}
}

func TestRunFailEmail(t *testing.T) {
	st := start(t, "-listen", "127.0.0.1:0", "-admin-key", key, "-fail-email")
	url := strings.TrimPrefix(st.lines[0], "MISP_URL=")
	if code, body := get(t, http.DefaultClient, url+"/_mispfake/email", key); code != 200 || body["fail"] != true {
		t.Fatalf("control API: %d %v", code, body)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/users/initiatePasswordReset/1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	const want = `{"saved":false,"errors":"There was an error notifying the user. His\/her credentials were not altered."}`
	if resp.StatusCode != 200 || string(raw) != want {
		t.Errorf("password reset with -fail-email: %d %s, want 200 %s", resp.StatusCode, raw, want)
	}
	if rc := st.stop(t); rc != 0 {
		t.Fatalf("exit code %d", rc)
	}
}

func TestRunHelpDocumentsOutputControlAPIStateFaultsTLS(t *testing.T) {
	var stdout, stderr strings.Builder
	if rc := run(t.Context(), []string{"-h"}, &stdout, &stderr); rc != 0 {
		t.Fatalf("-h: exit code %d", rc)
	}
	help := stdout.String() + stderr.String()
	for _, want := range []string{
		"MISP_URL=", "MISP_API_KEY=", // the printed lines
		"/_mispfake/stats", "/_mispfake/requests", "/_mispfake/reset", "/_mispfake/faults", "/_mispfake/snapshot",
		"/_mispfake/default_role", "/_mispfake/email", "/_mispfake/{users|organisations|roles}", "/authkeys",
		"State (-state FILE)", "lost_response", "ratelimit", "-tls-cert-out", "-fail-email", "SIGTERM",
		"-version", "-no-control", "-seed", "-quiet", "-listen",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("-h does not mention %q", want)
		}
	}
}

func TestRunVersion(t *testing.T) {
	var stdout strings.Builder
	if rc := run(t.Context(), []string{"-version"}, &stdout, io.Discard); rc != 0 {
		t.Fatalf("-version: exit code %d", rc)
	}
	if got := stdout.String(); got != "mispfake dev\n" {
		t.Errorf("-version printed %q, want %q", got, "mispfake dev\n")
	}
}

// TestRunStateKeepsTheGeneratedKey: with -state and no -admin-key, a restart serves (and prints) the key of the
// first start, and the site admin has one key, not one more per restart.
func TestRunStateKeepsTheGeneratedKey(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	keys := make([]string, 0, 3)
	for range 3 {
		st := start(t, "-listen", "127.0.0.1:0", "-state", state, "-quiet")
		url := strings.TrimPrefix(st.lines[0], "MISP_URL=")
		k := strings.TrimPrefix(st.lines[1], "MISP_API_KEY=")
		if code, _ := get(t, http.DefaultClient, url+"/users/view/me", k); code != 200 {
			t.Fatalf("the printed key does not work: %d", code)
		}
		keys = append(keys, k)
		if rc := st.stop(t); rc != 0 {
			t.Fatalf("exit code %d", rc)
		}
	}
	if keys[1] != keys[0] || keys[2] != keys[0] {
		t.Fatal("a restart with -state and no -admin-key printed another key")
	}
	raw, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Keys []map[string]any `json:"auth_keys"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Keys) != 1 {
		t.Errorf("the state holds %d auth keys after three starts, want 1", len(doc.Keys))
	}
	info, err := os.Stat(state)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600 (it holds the admin key)", info.Mode().Perm())
	}

	// An explicit -admin-key still wins, and is the one kept from then on.
	st := start(t, "-listen", "127.0.0.1:0", "-state", state, "-admin-key", key, "-quiet")
	url := strings.TrimPrefix(st.lines[0], "MISP_URL=")
	if code, _ := get(t, http.DefaultClient, url+"/users/view/me", key); code != 200 {
		t.Fatalf("-admin-key over a saved key: %d", code)
	}
	if rc := st.stop(t); rc != 0 {
		t.Fatalf("exit code %d", rc)
	}
	st = start(t, "-listen", "127.0.0.1:0", "-state", state, "-quiet")
	if got := strings.TrimPrefix(st.lines[1], "MISP_API_KEY="); got != key {
		t.Error("after a start with -admin-key, a restart without it did not serve that key")
	}
	if rc := st.stop(t); rc != 0 {
		t.Fatalf("exit code %d", rc)
	}
}
