package misp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// RequestEvent describes one HTTP attempt, for logging.
type RequestEvent struct {
	Method string
	// Path is the escaped request path, without scheme and host.
	Path string
	// Status is the HTTP status, 0 when no answer was received.
	Status   int
	Duration time.Duration
	// Attempt counts from 1 within one client call.
	Attempt int
	// Err is the transport error of the attempt, if any.
	Err error
}

func newHTTPClient(cfg Config) (*http.Client, error) {
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	rt := hc.Transport
	if rt == nil {
		rt = cleanhttp.DefaultPooledTransport()
	}
	if cfg.Insecure || len(cfg.CACertPEM) > 0 || cfg.CACertFile != "" || cfg.ClientCertFile != "" || cfg.ClientKeyFile != "" {
		t, ok := rt.(*http.Transport)
		if !ok {
			return nil, fmt.Errorf("TLS options need an *http.Transport as base transport, got %T", rt)
		}
		t = t.Clone()
		tc, err := tlsConfig(cfg, t.TLSClientConfig)
		if err != nil {
			return nil, err
		}
		t.TLSClientConfig = tc
		rt = t
	}
	hc.Transport = &attemptTransport{base: rt, logger: cfg.Logger}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	switch {
	case cfg.Timeout > 0:
		hc.Timeout = cfg.Timeout
	case hc.Timeout <= 0:
		hc.Timeout = DefaultTimeout
	}
	return &hc, nil
}

func tlsConfig(cfg Config, base *tls.Config) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if base != nil {
		tc = base.Clone()
		if tc.MinVersion == 0 {
			tc.MinVersion = tls.VersionTLS12
		}
	}
	if cfg.Insecure {
		tc.InsecureSkipVerify = true // explicit opt-in by the user
	}
	if len(cfg.CACertPEM) > 0 || cfg.CACertFile != "" {
		pool := tc.RootCAs
		if pool == nil {
			sys, err := x509.SystemCertPool()
			if err != nil {
				sys = x509.NewCertPool()
			}
			pool = sys
		} else {
			pool = pool.Clone()
		}
		if len(cfg.CACertPEM) > 0 && !pool.AppendCertsFromPEM(cfg.CACertPEM) {
			return nil, errors.New("CA certificate PEM contains no certificate")
		}
		if cfg.CACertFile != "" {
			pem, err := os.ReadFile(cfg.CACertFile)
			if err != nil {
				return nil, fmt.Errorf("read CA certificate file: %w", err)
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("CA certificate file %s contains no PEM certificate", cfg.CACertFile)
			}
		}
		tc.RootCAs = pool
	}
	if (cfg.ClientCertFile == "") != (cfg.ClientKeyFile == "") {
		return nil, errors.New("client certificate and client key must be given together")
	}
	if cfg.ClientCertFile != "" {
		pair, err := tls.LoadX509KeyPair(cfg.ClientCertFile, cfg.ClientKeyFile)
		if err != nil {
			return nil, fmt.Errorf("load client certificate %s and key %s: %w", cfg.ClientCertFile, cfg.ClientKeyFile, err)
		}
		tc.Certificates = append(tc.Certificates, pair)
	}
	return tc, nil
}

// callState follows one client call across its attempts.
type callState struct {
	method string
	// idempotent: repeating the request cannot do more than sending it once (reads, edits, deletes).
	idempotent bool
	attempts   atomic.Int32
}

type callStateKey struct{}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// attemptTransport counts attempts and reports each one to the logger.
type attemptTransport struct {
	base   http.RoundTripper
	logger func(context.Context, RequestEvent)
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	n := 0
	if st := stateFrom(req.Context()); st != nil {
		n = int(st.attempts.Add(1))
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	if t.logger != nil {
		ev := RequestEvent{
			Method:   req.Method,
			Path:     req.URL.EscapedPath(),
			Duration: time.Since(start),
			Attempt:  n,
			Err:      err,
		}
		if resp != nil {
			ev.Status = resp.StatusCode
		}
		t.logger(req.Context(), ev)
	}
	return resp, err
}

// IsUnknownHost reports whether err is a DNS answer that the host name does
// not exist ("no such host"), which no retry can change. Temporary resolver
// failures are not.
func IsUnknownHost(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// classify maps a transport error to ErrPlainHTTP, ErrTLS, ErrUnreachable,
// ErrTimeout or nil.
func classify(err error) error {
	var (
		certErr     *tls.CertificateVerificationError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
		recordErr   tls.RecordHeaderError
		alertErr    tls.AlertError
		dnsErr      *net.DNSError
		netErr      net.Error
	)
	switch {
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http's own error (a plain string) when the first bytes of the "TLS" answer look like HTTP.
		return ErrPlainHTTP
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr),
		errors.As(err, &invalidErr), errors.As(err, &recordErr), errors.As(err, &alertErr),
		strings.Contains(err.Error(), "tls: "), strings.Contains(err.Error(), "x509: "):
		return ErrTLS
	case isDialError(err), errors.As(err, &dnsErr), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return ErrUnreachable
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return ErrTimeout
	}
	return nil
}

func (c *Client) transportError(method, target string, attempts int, err error) error {
	return &TransportError{Kind: classify(err), Method: method, URL: target, Attempts: attempts, Err: stripURLError(err)}
}

// stripURLError drops net/http's *url.Error layer, whose text repeats the
// method and URL that TransportError already names.
func stripURLError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) && uerr.Err != nil {
		return uerr.Err
	}
	return err
}

func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 1<<20))
	_ = body.Close()
}
