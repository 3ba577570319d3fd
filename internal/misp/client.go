package misp

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultUserAgent    = "terraform-provider-misp/dev"
	DefaultTimeout      = 30 * time.Second
	DefaultMaxRetries   = 4
	DefaultRetryWaitMin = 1 * time.Second
	DefaultRetryWaitMax = 30 * time.Second
)

const (
	// maxResponseBytes bounds how much of an answer is read (the REST
	// indexes are unpaged, so they can be large).
	maxResponseBytes = 64 << 20
	// minRetryAfterCap is the least a Retry-After header may make the
	// client wait; longer requests are cut to max(RetryWaitMax, this).
	minRetryAfterCap = 2 * time.Minute
	// minSecretLen is the shortest secret scrubbed from error text; shorter
	// strings would mangle ordinary words.
	minSecretLen = 4
)

// Config configures a Client. Only URL is required.
type Config struct {
	// URL is MISP's base URL, e.g. https://misp.example.org or
	// https://example.org/misp (a trailing slash is tolerated).
	URL string
	// APIKey is sent raw in the Authorization header.
	APIKey string
	// UserAgent defaults to DefaultUserAgent.
	UserAgent string
	// Timeout bounds each attempt (connect, headers and body); default 30s.
	Timeout time.Duration
	// MaxRetries is the total number of attempts for retryable requests;
	// <= 0 means DefaultMaxRetries, 1 disables retries.
	MaxRetries int
	// Insecure skips TLS certificate verification.
	Insecure bool
	// CACertPEM and CACertFile add trusted CA certificates (PEM) to the
	// system pool; both may be given.
	CACertPEM  []byte
	CACertFile string
	// ClientCertFile and ClientKeyFile configure mutual TLS; give both or
	// neither.
	ClientCertFile, ClientKeyFile string
	// HTTPClient is an optional base client (e.g. httptest's srv.Client()).
	// It is copied: its redirect policy is replaced (redirects are never
	// followed) and its Timeout is used only when Timeout is zero.
	HTTPClient *http.Client
	// Logger, if set, is called once per attempt. Events never carry
	// headers or bodies.
	Logger func(ctx context.Context, ev RequestEvent)
	// RetryIdempotentWrites opts in to retrying, like reads, the writes whose repetition cannot do
	// more than one request (edits, deletes, set_default, totp_delete; see idempotentWrite). Off by
	// default: then no POST is repeated once it may have reached MISP. Either way the client never
	// repeats an add or a password reset that may have reached MISP (see the package doc).
	RetryIdempotentWrites bool
	// RetryWaitMin and RetryWaitMax bound the exponential backoff; defaults
	// DefaultRetryWaitMin and DefaultRetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration
	// IndexCacheTTL is how long one listing serves the Cached* methods (default
	// DefaultIndexCacheTTL; negative: every call lists again, still shared by concurrent callers);
	// a write through the client drops the listings it may change earlier.
	IndexCacheTTL time.Duration
}

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

// Client is a MISP REST client. It is safe for concurrent use.
type Client struct {
	baseURL   string
	apiKey    string
	userAgent string
	// retryWrites is Config.RetryIdempotentWrites.
	retryWrites bool
	http        *retryablehttp.Client
	cache       *indexCache
}

// New validates cfg (URL, TLS material) and returns a Client. It does no
// network I/O.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	hc, err := newHTTPClient(cfg)
	if err != nil {
		return nil, err
	}
	attempts := cfg.MaxRetries
	if attempts <= 0 {
		attempts = DefaultMaxRetries
	}
	waitMin, waitMax := cfg.RetryWaitMin, cfg.RetryWaitMax
	if waitMin <= 0 {
		waitMin = DefaultRetryWaitMin
	}
	if waitMax <= 0 {
		waitMax = DefaultRetryWaitMax
	}
	if waitMax < waitMin {
		waitMax = waitMin
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	return &Client{
		baseURL:     base,
		apiKey:      cfg.APIKey,
		userAgent:   ua,
		retryWrites: cfg.RetryIdempotentWrites,
		cache:       newIndexCache(cfg.IndexCacheTTL),
		http: &retryablehttp.Client{
			HTTPClient:   hc,
			RetryWaitMin: waitMin,
			RetryWaitMax: waitMax,
			RetryMax:     attempts - 1,
			CheckRetry:   checkRetry,
			Backoff:      backoff,
			// Hand the last answer or error back unchanged; do() classifies it.
			ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
				if err != nil && resp != nil {
					drain(resp.Body)
					resp = nil
				}
				return resp, err
			},
		},
	}, nil
}

// BaseURL returns the normalised base URL (no trailing slash).
func (c *Client) BaseURL() string { return c.baseURL }

func parseBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("MISP URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the url.Error would repeat the URL, credentials included
		}
		return "", fmt.Errorf("MISP URL is not valid: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("MISP URL must start with http:// or https://, got scheme %q", u.Scheme)
	}
	if u.Host == "" {
		return "", errors.New("MISP URL has no host")
	}
	if u.User != nil {
		return "", errors.New("MISP URL must not contain credentials (user:password@); MISP authenticates with the API key")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("MISP URL must not contain a query or fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u.String(), nil
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

// checkRetry is the retry policy: GET and HEAD, and the writes that may be
// repeated safely (see idempotentWrite), are retried on transport errors,
// 429, 502, 503 and 504. Any other request is retried only when the
// connection could not be established, i.e. nothing was sent. Failures that
// waiting cannot heal are never retried: TLS errors, a plain-HTTP answer to
// https://, and a host name that does not exist.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	idempotent := true
	if st := stateFrom(ctx); st != nil {
		idempotent = st.idempotent
	}
	if err != nil {
		if kind := classify(err); errors.Is(kind, ErrTLS) || errors.Is(kind, ErrPlainHTTP) || IsUnknownHost(err) {
			return false, nil
		}
		return idempotent || isDialError(err), nil
	}
	if !idempotent {
		return false, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, nil
	}
	return false, nil
}

// backoff waits as Retry-After asks (capped at max(waitMax, 2 minutes)),
// otherwise exponentially from waitMin, capped at waitMax, with equal jitter.
func backoff(waitMin, waitMax time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, max(waitMax, minRetryAfterCap))
		}
	}
	d := waitMax
	if attempt < 32 {
		if exp := waitMin << attempt; exp > 0 && exp < waitMax {
			d = exp
		}
	}
	half := d / 2
	return half + rand.N(d-half+1) // jitter needs no cryptographic randomness
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
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

// idempotentPrefixes are the writes whose repetition cannot do more than
// one request: an edit stores the same values again, a repeated delete
// answers 404 (which callers treat as done), set_default and totp_delete
// reach the same end state. Adds (a second object, or a duplicate refused
// after the first was applied) and password resets (another e-mail) are
// not among them.
var idempotentPrefixes = []string{
	"/admin/users/edit/", "/admin/users/delete/", "/users/totp_delete/",
	"/admin/organisations/edit/", "/admin/organisations/delete/",
	"/admin/roles/edit/", "/admin/roles/delete/", "/admin/roles/set_default/",
}

func idempotentWrite(path string) bool {
	for _, p := range idempotentPrefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// request is one API call.
type request struct {
	method string
	// path is escaped and starts with "/".
	path string
	// body, if not nil, is sent as JSON.
	body any
	// secrets are scrubbed from any error text, in addition to the API key.
	secrets []string
}

// do performs r and returns the body of a 2xx JSON answer. Every other
// outcome is an error: *TransportError, *RedirectError, *APIError or
// *AuthenticationError.
func (c *Client) do(ctx context.Context, r request) ([]byte, error) {
	var body any
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("encode request body: %w", err)
		}
		body = b
	}
	st := &callState{method: r.method, idempotent: r.method == http.MethodGet || r.method == http.MethodHead ||
		(c.retryWrites && idempotentWrite(r.path))}
	ctx = context.WithValue(ctx, callStateKey{}, st)
	target := c.baseURL + r.path
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("build request %s %s: %w", r.method, r.path, err)
	}
	req.Header.Set("Authorization", c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.http.Do(req)
	if r.method != http.MethodGet && r.method != http.MethodHead {
		// Whatever the outcome, the write may have been applied.
		c.cache.invalidateFor(r.path)
	}
	if err != nil {
		return nil, c.transportError(r.method, target, int(st.attempts.Load()), err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, c.transportError(r.method, target, int(st.attempts.Load()), fmt.Errorf("read answer: %w", err))
	}
	status := resp.StatusCode
	switch {
	case status >= 300 && status < 400:
		return nil, &RedirectError{StatusCode: status, Location: c.scrub(resp.Header.Get("Location"), r.secrets)}
	case status >= 200 && status < 300:
		if !looksLikeJSON(data) {
			return nil, c.scrubAPIError(&APIError{StatusCode: status, Body: quoteBody(data)}, r.secrets)
		}
		return data, nil
	}
	err = c.errorFromBody(status, data, r.secrets)
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		apiErr.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return nil, err
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

// errorFromBody builds the error for a non-2xx, non-3xx answer.
func (c *Client) errorFromBody(status int, data []byte, secrets []string) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var env envelope
		if err := json.Unmarshal(trimmed, &env); err == nil {
			apiErr := c.scrubAPIError(env.apiError(status), secrets)
			if status == http.StatusForbidden {
				msg := apiErr.Message
				if msg == "" {
					msg = apiErr.Name
				}
				if strings.HasPrefix(msg, authFailedPrefix) {
					return &AuthenticationError{Disabled: strings.Contains(msg, "disabled"), API: apiErr}
				}
			}
			return apiErr
		}
	}
	if len(trimmed) > 0 && trimmed[0] == '[' && json.Valid(trimmed) {
		return c.scrubAPIError(&APIError{StatusCode: status, Errors: normaliseErrors(trimmed)}, secrets)
	}
	return c.scrubAPIError(&APIError{StatusCode: status, Body: quoteBody(data)}, secrets)
}

func looksLikeJSON(data []byte) bool {
	trimmed := bytes.TrimSpace(data)
	return len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
}

// quoteBody returns at most maxBodyQuote characters of a body, as valid UTF-8.
func quoteBody(data []byte) string {
	s := strings.ToValidUTF8(strings.TrimSpace(string(data)), "\uFFFD")
	if r := []rune(s); len(r) > maxBodyQuote {
		s = string(r[:maxBodyQuote])
	}
	return s
}

// scrub removes the API key and the given secrets from s.
func (c *Client) scrub(s string, secrets []string) string {
	for _, secret := range append([]string{c.apiKey}, secrets...) {
		if len(secret) >= minSecretLen {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

func (c *Client) scrubAPIError(e *APIError, secrets []string) *APIError {
	e.Name = c.scrub(e.Name, secrets)
	e.Message = c.scrub(e.Message, secrets)
	e.URL = c.scrub(e.URL, secrets)
	e.Body = c.scrub(e.Body, secrets)
	if len(e.Errors) > 0 {
		clean := make(map[string][]string, len(e.Errors))
		for k, msgs := range e.Errors {
			out := make([]string, len(msgs))
			for i, m := range msgs {
				out[i] = c.scrub(m, secrets)
			}
			clean[c.scrub(k, secrets)] = out
		}
		e.Errors = clean
	}
	return e
}

func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 1<<20))
	_ = body.Close()
}

// errEmptyID is returned when a method that addresses one object gets "".
var errEmptyID = errors.New("id must not be empty")

// escapeSegment escapes s like PHP's rawurlencode: everything but
// A-Z a-z 0-9 - _ . ~ is percent-encoded. MISP (CakePHP) decodes path
// segments and named parameters with rawurldecode.
func escapeSegment(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' ||
			ch == '-' || ch == '_' || ch == '.' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

// idPath joins prefix and the escaped id, refusing an empty id.
func idPath(prefix, id string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", errEmptyID
	}
	return prefix + "/" + escapeSegment(id), nil
}

// decodeRecord unwraps {"<key>": {...}} into out.
func (c *Client) decodeRecord(data []byte, key string, out any, secrets []string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("decode MISP answer (%d bytes): %w", len(data), err)
	}
	raw, ok := m[key]
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return c.missingRecordError(data, m, key, secrets)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decode MISP %s: %w", key, err)
	}
	return nil
}

// missingRecordError explains a 2xx answer without the expected record.
func (c *Client) missingRecordError(data []byte, m map[string]json.RawMessage, key string, secrets []string) error {
	if _, ok := m["mandatory_fields"]; ok {
		return fmt.Errorf("MISP answered with the API description of the endpoint instead of a %s record; "+
			"it does this when a request arrives with the wrong HTTP method, and on user creation by an org admin "+
			"when the e-mail is outside the organisation's restricted domains", key)
	}
	if _, ok := m["errors"]; ok {
		var env envelope
		if json.Unmarshal(data, &env) == nil {
			return c.scrubAPIError(env.apiError(http.StatusOK), secrets)
		}
	}
	return fmt.Errorf("MISP answer holds no %s record", key)
}

// decodeAction checks a success envelope ({"saved": true, ...}); "saved":
// false is an *APIError.
func (c *Client) decodeAction(data []byte, secrets []string) error {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return fmt.Errorf("decode MISP answer (%d bytes): %w", len(data), err)
	}
	if env.Saved != nil && !*env.Saved {
		return c.scrubAPIError(env.apiError(http.StatusOK), secrets)
	}
	return nil
}

// decodeList unwraps [{"<key>": {...}}, ...].
func decodeList[T any](data []byte, key string) ([]T, error) {
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("decode MISP list (%d bytes): %w", len(data), err)
	}
	out := make([]T, 0, len(items))
	for i, item := range items {
		var v T
		raw, ok := item[key]
		if !ok {
			return nil, fmt.Errorf("MISP list item %d holds no %s record", i, key)
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("decode MISP %s %d: %w", key, i, err)
		}
		out = append(out, v)
	}
	return out, nil
}
