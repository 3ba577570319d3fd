package misp_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

const versionBody = `{"version":"2.5.1"}`

// quietLog silences the expected TLS handshake errors of test servers.
var quietLog = log.New(io.Discard, "", 0)

// hangupServer accepts connections and closes them without answering.
func hangupServer(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("no hijacker")
			return
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_ = conn.Close()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

func TestConnectionErrors(t *testing.T) {
	t.Parallel()
	t.Run("GET retried after a hang-up", func(t *testing.T) {
		t.Parallel()
		url, n := hangupServer(t)
		c := newClient(t, url, func(cfg *misp.Config) { cfg.MaxRetries = 3 })
		_, err := c.GetVersion(t.Context())
		var te *misp.TransportError
		if !errors.As(err, &te) || te.Attempts != 3 {
			t.Fatalf("error = %v (%+v), want a TransportError after 3 attempts", err, te)
		}
		if errors.Is(err, misp.ErrTLS) || errors.Is(err, misp.ErrUnreachable) || errors.Is(err, misp.ErrTimeout) {
			t.Errorf("hang-up classified as %v", te.Kind)
		}
		if !strings.Contains(err.Error(), "connection to MISP failed: GET "+url+"/servers/getVersion") ||
			!strings.Contains(err.Error(), "(after 3 attempts)") {
			t.Errorf("error = %q", err)
		}
		if n.Load() != 3 {
			t.Errorf("server saw %d requests, want 3", n.Load())
		}
	})
	t.Run("POST not repeated after a hang-up", func(t *testing.T) {
		t.Parallel()
		url, n := hangupServer(t)
		c := newClient(t, url)
		_, err := c.AddOrganisation(t.Context(), misp.OrganisationInput{Name: ptr("x")})
		if err == nil {
			t.Fatal("no error")
		}
		if n.Load() != 1 {
			t.Errorf("server saw %d requests, want 1", n.Load())
		}
	})
	t.Run("POST retried when the connection is refused", func(t *testing.T) {
		t.Parallel()
		url := closedURL(t)
		var attempts atomic.Int32
		c := newClient(t, url, func(cfg *misp.Config) {
			cfg.MaxRetries = 3
			cfg.Logger = func(_ context.Context, ev misp.RequestEvent) {
				attempts.Add(1)
				if ev.Err == nil || ev.Status != 0 || ev.Method != http.MethodPost || ev.Path != "/admin/roles/add" {
					t.Errorf("event = %+v", ev)
				}
			}
		})
		_, err := c.AddRole(t.Context(), misp.RoleInput{Name: ptr("x")})
		if !errors.Is(err, misp.ErrUnreachable) {
			t.Fatalf("error = %v, want ErrUnreachable", err)
		}
		if attempts.Load() != 3 {
			t.Errorf("%d attempts, want 3", attempts.Load())
		}
		if !strings.HasPrefix(err.Error(), "create role: MISP is unreachable: POST "+url+"/admin/roles/add: ") {
			t.Errorf("error = %q", err)
		}
	})
}

// TestUnknownHostNotRetried: a host name that does not exist is reported after one attempt, for reads and
// writes alike, while a temporary resolver failure is retried like any connection failure.
func TestUnknownHostNotRetried(t *testing.T) {
	t.Parallel()
	dial := func(notFound bool) func(context.Context, string, string) (net.Conn, error) {
		return func(_ context.Context, network, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			// What net.Dialer returns when the resolver fails.
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{
				Err: "no such host", Name: host, IsNotFound: notFound, IsTemporary: !notFound,
			}}
		}
	}
	calls := map[string]func(*misp.Client) error{
		"read": func(c *misp.Client) error { _, err := c.GetVersion(t.Context()); return err },
		"edit": func(c *misp.Client) error {
			_, err := c.EditUser(t.Context(), "1", misp.UserInput{Email: ptr("a@example.org")})
			return err
		},
		"add": func(c *misp.Client) error {
			_, err := c.AddRole(t.Context(), misp.RoleInput{Name: ptr("x")})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var attempts atomic.Int32
			tr := &http.Transport{DialContext: dial(true)}
			c := newClient(t, "https://misp.example.invalid", func(cfg *misp.Config) {
				cfg.MaxRetries = 4
				cfg.HTTPClient = &http.Client{Transport: tr}
				cfg.RetryIdempotentWrites = true
				cfg.Logger = func(context.Context, misp.RequestEvent) { attempts.Add(1) }
			})
			err := call(c)
			if !errors.Is(err, misp.ErrUnreachable) || !misp.IsUnknownHost(err) {
				t.Fatalf("error = %v, want ErrUnreachable and an unknown host", err)
			}
			if attempts.Load() != 1 {
				t.Errorf("%d attempts, want 1: an unknown host name does not heal", attempts.Load())
			}
			if !strings.Contains(err.Error(), "no such host") {
				t.Errorf("error = %q", err)
			}
		})
	}
	t.Run("temporary resolver failure", func(t *testing.T) {
		t.Parallel()
		var attempts atomic.Int32
		tr := &http.Transport{DialContext: dial(false)}
		c := newClient(t, "https://misp.example.invalid", func(cfg *misp.Config) {
			cfg.MaxRetries = 2
			cfg.HTTPClient = &http.Client{Transport: tr}
			cfg.Logger = func(context.Context, misp.RequestEvent) { attempts.Add(1) }
		})
		_, err := c.GetVersion(t.Context())
		if misp.IsUnknownHost(err) || !errors.Is(err, misp.ErrUnreachable) {
			t.Fatalf("error = %v", err)
		}
		if attempts.Load() != 2 {
			t.Errorf("%d attempts, want 2: a temporary resolver failure may heal", attempts.Load())
		}
	})
}

// closedURL returns the URL of a port that nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	var lc net.ListenConfig
	l, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-block:
		}
	}))
	t.Cleanup(func() { close(block); srv.Close() })

	t.Run("per-attempt timeout", func(t *testing.T) {
		t.Parallel()
		var attempts atomic.Int32
		c := newClient(t, srv.URL, func(cfg *misp.Config) {
			cfg.Timeout = 50 * time.Millisecond
			cfg.MaxRetries = 2
			cfg.Logger = func(context.Context, misp.RequestEvent) { attempts.Add(1) }
		})
		_, err := c.GetVersion(t.Context())
		if !errors.Is(err, misp.ErrTimeout) {
			t.Fatalf("error = %v, want ErrTimeout", err)
		}
		if attempts.Load() != 2 {
			t.Errorf("%d attempts, want 2 (a timed-out GET is retried)", attempts.Load())
		}
	})
	t.Run("POST timeout not repeated", func(t *testing.T) {
		t.Parallel()
		var attempts atomic.Int32
		c := newClient(t, srv.URL, func(cfg *misp.Config) {
			cfg.Timeout = 50 * time.Millisecond
			cfg.Logger = func(context.Context, misp.RequestEvent) { attempts.Add(1) }
		})
		_, err := c.AddUser(t.Context(), misp.UserInput{Email: ptr("new@example.org")})
		if !errors.Is(err, misp.ErrTimeout) {
			t.Fatalf("error = %v, want ErrTimeout", err)
		}
		if attempts.Load() != 1 {
			t.Errorf("%d attempts, want 1", attempts.Load())
		}
	})
	t.Run("caller deadline", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, srv.URL)
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := c.GetRole(ctx, "1")
		if !errors.Is(err, misp.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error = %v, want ErrTimeout and DeadlineExceeded", err)
		}
	})
	t.Run("caller cancels", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, srv.URL)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(20*time.Millisecond, cancel)
		_, err := c.GetRole(ctx, "1")
		if !errors.Is(err, context.Canceled) || errors.Is(err, misp.ErrTimeout) {
			t.Fatalf("error = %v, want context.Canceled only", err)
		}
		if !strings.Contains(err.Error(), "canceled") {
			t.Errorf("error = %q", err)
		}
	})
}

// writePEM writes PEM blocks to a file in dir and returns its path.
func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// selfSigned creates a self-signed client certificate and key.
func selfSigned(t *testing.T) (*x509.Certificate, []byte, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "terraform"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return cert, der, keyDER
}

func TestTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(versionBody))
	}))
	srv.Config.ErrorLog = quietLog
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	dir := t.TempDir()
	caFile := writePEM(t, dir, "ca.pem", "CERTIFICATE", srv.Certificate().Raw)

	ok := map[string]misp.Config{
		"CA PEM":       {CACertPEM: caPEM},
		"CA file":      {CACertFile: caFile},
		"CA PEM+file":  {CACertPEM: caPEM, CACertFile: caFile},
		"insecure":     {Insecure: true},
		"base client":  {HTTPClient: srv.Client()},
		"base+options": {HTTPClient: srv.Client(), Insecure: true},
	}
	for name, cfg := range ok {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg.URL, cfg.APIKey = srv.URL, testKey
			c, err := misp.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetVersion(t.Context()); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("untrusted", func(t *testing.T) {
		t.Parallel()
		var attempts atomic.Int32
		c := newClient(t, srv.URL, func(cfg *misp.Config) {
			cfg.Logger = func(context.Context, misp.RequestEvent) { attempts.Add(1) }
		})
		_, err := c.GetVersion(t.Context())
		if !errors.Is(err, misp.ErrTLS) {
			t.Fatalf("error = %v, want ErrTLS", err)
		}
		if attempts.Load() != 1 {
			t.Errorf("%d attempts, want 1 (TLS failures are not retried)", attempts.Load())
		}
		if !strings.Contains(err.Error(), "TLS connection to MISP failed") {
			t.Errorf("error = %q", err)
		}
	})
	t.Run("TLS to a plain HTTP port", func(t *testing.T) {
		t.Parallel()
		plain := newFakeServer(t, reply{Body: versionBody})
		var attempts atomic.Int32
		c := newClient(t, strings.Replace(plain.URL, "http://", "https://", 1), func(cfg *misp.Config) {
			cfg.Logger = func(context.Context, misp.RequestEvent) { attempts.Add(1) }
		})
		_, err := c.GetVersion(t.Context())
		if !errors.Is(err, misp.ErrPlainHTTP) || errors.Is(err, misp.ErrTLS) {
			t.Fatalf("error = %v, want ErrPlainHTTP and not ErrTLS (the certificates are not the problem)", err)
		}
		if attempts.Load() != 1 {
			t.Errorf("%d attempts, want 1 (a plain-HTTP server stays one)", attempts.Load())
		}
		if !strings.Contains(err.Error(), "the server answered in plain HTTP, not HTTPS: GET https://") {
			t.Errorf("error = %q", err)
		}
	})
}

func TestMutualTLS(t *testing.T) {
	t.Parallel()
	clientCert, certDER, keyDER := selfSigned(t)
	pool := x509.NewCertPool()
	pool.AddCert(clientCert)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(versionBody))
	}))
	srv.Config.ErrorLog = quietLog
	srv.TLS = &tls.Config{ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	certFile := writePEM(t, dir, "client.pem", "CERTIFICATE", certDER)
	keyFile := writePEM(t, dir, "client.key", "EC PRIVATE KEY", keyDER)
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})

	c, err := misp.New(misp.Config{URL: srv.URL, APIKey: testKey, CACertPEM: caPEM, ClientCertFile: certFile, ClientKeyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetVersion(t.Context()); err != nil {
		t.Fatalf("with client certificate: %v", err)
	}
	c = newClient(t, srv.URL, func(cfg *misp.Config) { cfg.CACertPEM = caPEM })
	if _, err := c.GetVersion(t.Context()); !errors.Is(err, misp.ErrTLS) {
		t.Fatalf("without client certificate: error = %v, want ErrTLS", err)
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewTLSOptionErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, certDER, keyDER := selfSigned(t)
	certFile := writePEM(t, dir, "client.pem", "CERTIFICATE", certDER)
	keyFile := writePEM(t, dir, "client.key", "EC PRIVATE KEY", keyDER)
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	custom := &http.Client{Transport: roundTripperFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("unused")
	})}
	for name, tc := range map[string]struct {
		cfg  misp.Config
		want string
	}{
		"bad CA PEM":            {misp.Config{CACertPEM: []byte("junk")}, "contains no certificate"},
		"missing CA file":       {misp.Config{CACertFile: filepath.Join(dir, "missing.pem")}, "read CA certificate file"},
		"CA file without PEM":   {misp.Config{CACertFile: junk}, "contains no PEM certificate"},
		"cert without key":      {misp.Config{ClientCertFile: certFile}, "given together"},
		"key without cert":      {misp.Config{ClientKeyFile: keyFile}, "given together"},
		"key is not a key":      {misp.Config{ClientCertFile: certFile, ClientKeyFile: junk}, "load client certificate"},
		"custom round tripper":  {misp.Config{HTTPClient: custom, Insecure: true}, "*http.Transport"},
		"custom with CA option": {misp.Config{HTTPClient: custom, CACertPEM: []byte("x")}, "*http.Transport"},
	} {
		tc.cfg.URL, tc.cfg.APIKey = "https://misp.example", testKey
		_, err := misp.New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error = %v, want it to mention %q", name, err, tc.want)
		}
	}
}

// TestLoggerEvents checks what a log event carries.
func TestLoggerEvents(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, reply{Status: 503}, reply{Body: `[]`})
	var events []misp.RequestEvent
	c := newClient(t, srv.URL, func(cfg *misp.Config) {
		cfg.Logger = func(_ context.Context, ev misp.RequestEvent) { events = append(events, ev) }
	})
	if _, err := c.ListUsers(t.Context(), misp.UserFilter{Email: "a@b"}); err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("events = %+v", events)
	}
	for i, ev := range events {
		if ev.Method != http.MethodGet || ev.Path != "/admin/users/index/searchemail:a%40b" || ev.Attempt != i+1 ||
			ev.Err != nil || ev.Duration <= 0 {
			t.Errorf("event %d = %+v", i, ev)
		}
	}
	if events[0].Status != 503 || events[1].Status != 200 {
		t.Errorf("statuses = %d, %d", events[0].Status, events[1].Status)
	}
}
