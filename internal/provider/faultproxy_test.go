package provider

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// faultProxy is a network between the provider and the test's MISP that fails on demand: a gateway's 5xx, a
// 429 with Retry-After, a connection dropped before the request reaches MISP, or after MISP answered (the
// answer is lost, the write applied), and latency. It sits in front of the emulator or of a real MISP alike, so
// the tests of the provider's behaviour under faults run on both targets. It also counts the requests per
// endpoint ("POST /admin/users/edit/{id}": numeric path segments read as {id}) and logs them.
//
// Rules reuse fakemisp.Fault (Pattern, Kind, Status, RetryAfter, Min/MaxLatency, Count; Rate is ignored: a rule
// always fires until its Count is used up, 0 meaning forever).
type faultProxy struct {
	URL      string
	upstream http.Handler

	mu     sync.Mutex
	faults []*proxyFault
	counts map[string]int
	log    []proxyRecord
}

type proxyFault struct {
	fakemisp.Fault
	used int
}

type proxyRecord struct {
	Time     time.Time
	Endpoint string
}

// FaultProxy starts a fault proxy in front of the test's MISP.
func (e *accEnv) FaultProxy(t *testing.T) *faultProxy {
	t.Helper()
	p := &faultProxy{upstream: e.Handler(t), counts: map[string]int{}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// Handler serves the test's MISP in-process: the emulator itself, or a reverse proxy to the real MISP. Test
// servers that stand between the provider and MISP forward to it.
func (e *accEnv) Handler(t *testing.T) http.Handler {
	t.Helper()
	if !e.Real() {
		return e.Fake
	}
	target, err := url.Parse(e.URL)
	if err != nil {
		t.Fatal(err)
	}
	return httputil.NewSingleHostReverseProxy(target)
}

// ProviderBlock is a provider block that talks to MISP through the proxy (the key as in accEnv.ProviderBlock:
// from the environment on a real MISP). extra holds more provider arguments.
func (p *faultProxy) ProviderBlock(env *accEnv, extra string) string {
	key := ""
	if !env.Real() {
		key = fmt.Sprintf("  api_key = %q\n", env.key)
	}
	return fmt.Sprintf("provider \"misp\" {\n  url = %q\n%s%s}\n", p.URL, key, extra)
}

// ProviderBlockWithKey is a provider block for another key (an org admin's, say) through the proxy.
func (p *faultProxy) ProviderBlockWithKey(key string) string {
	return fmt.Sprintf("provider \"misp\" {\n  url     = %q\n  api_key = %q\n}\n", p.URL, key)
}

// Config is accEnv.Config through the proxy.
func (p *faultProxy) Config(env *accEnv, body ...string) string {
	return p.ProviderBlock(env, "") + "\n" + strings.Join(body, "\n")
}

// Set replaces the rules and resets the counters and the log.
func (p *faultProxy) Set(faults ...fakemisp.Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = nil
	for _, f := range faults {
		p.faults = append(p.faults, &proxyFault{Fault: f})
	}
	p.counts = map[string]int{}
	p.log = nil
}

// Clear removes every rule (counters and log stay).
func (p *faultProxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = nil
}

// ResetCounts zeroes the counters and the log (the rules stay).
func (p *faultProxy) ResetCounts() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts = map[string]int{}
	p.log = nil
}

// Counters are the request counts per endpoint since the last Set or ResetCounts.
func (p *faultProxy) Counters() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// Count is how many requests reached the proxy for an endpoint since the last Set.
func (p *faultProxy) Count(endpoint string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[endpoint]
}

// Times are the arrival times of the requests for an endpoint since the last Set.
func (p *faultProxy) Times(endpoint string) []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []time.Time
	for _, r := range p.log {
		if r.Endpoint == endpoint {
			out = append(out, r.Time)
		}
	}
	return out
}

// endpointOf is the request's endpoint key: method and path, the first numeric segment (the object) as {id},
// later ones (flags such as initiatePasswordReset's /1) and named parameters dropped, a ".json" suffix too.
func endpointOf(r *http.Request) string {
	var kept []string
	object := false
	for _, seg := range strings.Split(strings.TrimSuffix(r.URL.Path, ".json"), "/") {
		switch {
		case strings.Contains(seg, ":"):
		case seg != "" && strings.Trim(seg, "0123456789") == "":
			if !object {
				kept = append(kept, "{id}")
				object = true
			}
		default:
			kept = append(kept, seg)
		}
	}
	return r.Method + " " + strings.Join(kept, "/")
}

// take returns the rule that fires for this request, if any.
func (p *faultProxy) take(endpoint string) *fakemisp.Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts[endpoint]++
	p.log = append(p.log, proxyRecord{Time: time.Now(), Endpoint: endpoint})
	for _, f := range p.faults {
		if f.Pattern != "*" && f.Pattern != endpoint {
			continue
		}
		if f.Count > 0 && f.used >= f.Count {
			continue
		}
		f.used++
		cp := f.Fault
		return &cp
	}
	return nil
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := p.take(endpointOf(r))
	if f == nil {
		p.upstream.ServeHTTP(w, r)
		return
	}
	switch f.Kind {
	case fakemisp.FaultLatency:
		d := f.MinLatency
		if f.MaxLatency > f.MinLatency {
			d += rand.N(f.MaxLatency - f.MinLatency) // test jitter, not security
		}
		time.Sleep(d)
		p.upstream.ServeHTTP(w, r)
	case fakemisp.FaultError:
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		// A gateway's page: the request never reached MISP.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, "<html><body><h1>%d %s</h1><hr>gateway</body></html>", status, http.StatusText(status))
	case fakemisp.FaultRateLimit:
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = fmt.Fprint(w, "<html><body><h1>429 Too Many Requests</h1></body></html>")
	case fakemisp.FaultDrop:
		hangUp(w)
	case fakemisp.FaultLostResponse:
		rec := httptest.NewRecorder()
		p.upstream.ServeHTTP(rec, r) // MISP applies the write; its answer never arrives
		hangUp(w)
	default:
		p.upstream.ServeHTTP(w, r)
	}
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
