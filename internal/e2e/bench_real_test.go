//go:build linux && bench

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// realN is the size of the run against a real MISP: large enough for the request pattern to dominate, small
// enough for a shared MISP.
const realN = 200

// realRun is the run against a real MISP, by provider (provOurs, provReader) and phase.
type realRun struct {
	n    int
	url  string
	prov map[string]map[string]phaseResult
}

// countingProxy is a reverse proxy in the test process that counts the requests it forwards by endpoint
// ("GET /admin/users/view/{id}"), so the request count of a real MISP is known without its logs.
type countingProxy struct {
	srv      *httptest.Server
	mu       sync.Mutex
	counters map[string]int
}

func newCountingProxy(target string) (*countingProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("MISP_BENCH_URL: %w", err)
	}
	p := &countingProxy{counters: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.counters[endpointKey(r.Method, r.URL.Path)]++
		p.mu.Unlock()
		r.Host = u.Host
		rp.ServeHTTP(w, r)
	}))
	return p, nil
}

// endpointKey is method and path with ids and named parameters replaced, as the emulator's counters name them.
func endpointKey(method, path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		switch {
		case s != "" && strings.Trim(s, "0123456789") == "":
			segs[i] = "{id}"
		case strings.Contains(s, ":"):
			segs[i] = "{filter}"
		}
	}
	return method + " " + strings.Join(segs, "/")
}

func (p *countingProxy) reset() {
	p.mu.Lock()
	p.counters = map[string]int{}
	p.mu.Unlock()
}

func (p *countingProxy) snapshot() (int, map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out, total := make(map[string]int, len(p.counters)), 0
	for k, v := range p.counters {
		out[k] = v
		total += v
	}
	return total, out
}

// benchReal runs apply, a no-change plan and destroy of n users against a real MISP, with misp_user and then
// with the one-GET reader, through the counting proxy. Each destroys what it created, also when it fails.
func (b *bench) benchReal(t *testing.T, target, key string, n int) *realRun {
	t.Helper()
	proxy, err := newCountingProxy(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.srv.Close)
	out := &realRun{n: n, url: target, prov: map[string]map[string]phaseResult{}}
	for _, prov := range []string{provOurs, provReader} {
		ws, err := NewWorkspace(t.TempDir(), terraformPath(t), binaries(t), proxy.srv.URL, key)
		if err != nil {
			t.Fatal(err)
		}
		e := &env{ws: ws, key: key, url: proxy.srv.URL}
		name := "real-misp"
		if prov == provReader {
			b.useBenchProvider(e, "reader")
			name = "real-reader"
		}
		e.write(t, "main.tf", usersConfig)
		e.write(t, "users.tf", usersLocals(n, 0))
		r := b.runner(t, e, name, n)
		r.proxy = proxy
		destroyed := false
		t.Cleanup(func() {
			if !destroyed {
				// t.Context is over by now.
				_, _ = ws.Run(context.Background(), destroyArgs...)
			}
		})
		r.phase(benchPhases[0], 0, applyArgs...)
		r.phase(benchPhases[1], 0, planArgs...)
		r.phase(benchPhases[3], 0, destroyArgs...)
		destroyed = true
		out.prov[prov] = r.out
	}
	return out
}

func renderReal(b *strings.Builder, rr *realRun) {
	fmt.Fprintf(b, "#### Real MISP, N = %d\n\n", rr.n)
	b.WriteString("Against a real MISP (`MISP_BENCH_URL`), through a counting reverse proxy in the bench process: " +
		"`misp_user`, then the one-GET reader, each creating, planning without a change and destroying the same users.\n\n")
	b.WriteString("| phase | wall (s): misp_user / reader | reader ÷ misp_user | requests: misp_user / reader | provider CPU (s): misp_user / reader | misp_user's requests by endpoint |\n")
	b.WriteString("|---|---:|---:|---:|---:|---|\n")
	for _, phase := range []string{benchPhases[0], benchPhases[1], benchPhases[3]} {
		m, g := rr.prov[provOurs][phase], rr.prov[provReader][phase]
		fmt.Fprintf(b, "| %s | %.2f / %.2f | %s | %d / %d | %.2f / %.2f | %s |\n", phase, m.wall.Seconds(), g.wall.Seconds(),
			ratio(g.wall, m.wall), m.requests, g.requests, m.providerCPU.Seconds(), g.providerCPU.Seconds(), endpointSummary(m.counters))
	}
	b.WriteString("\n")
}
