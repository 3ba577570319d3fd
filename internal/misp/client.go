package misp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

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

// maxResponseBytes bounds how much of an answer is read (the REST indexes
// are unpaged, so they can be large).
const maxResponseBytes = 64 << 20

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

// doRecord performs r and unwraps the one record its answer holds under key ({"<key>": {...}}).
func doRecord[T any](ctx context.Context, c *Client, r request, key string) (*T, error) {
	data, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	var v T
	if err := c.decodeRecord(data, key, &v, r.secrets); err != nil {
		return nil, err
	}
	return &v, nil
}
