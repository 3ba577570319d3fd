package fakemisp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// BenchmarkAdminUserView measures GET /admin/users/view/{id} at concurrency 10 over loopback with a real HTTP
// client; it reports req/s (target: at least 5,000 on a 2-core machine).
func BenchmarkAdminUserView(b *testing.B) {
	s := fakemisp.New(fakemisp.Options{AdminKey: testAdminKey, Seed: 1})
	id, _, err := s.CreateUser(map[string]any{"email": "bench@example.org"})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	const concurrency = 10
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}}
	url := srv.URL + "/admin/users/view/" + id
	var next atomic.Int64
	var failed atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
				if err != nil {
					failed.Add(1)
					continue
				}
				req.Header.Set("Authorization", testAdminKey)
				req.Header.Set("Accept", "application/json")
				req.Header.Set("User-Agent", "PyMISP bench")
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests failed", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
