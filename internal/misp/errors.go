package misp

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Sentinel errors; test for them with errors.Is.
var (
	// ErrNotFound matches any HTTP 404 answer (the object does not exist, or
	// the caller may not see it).
	ErrNotFound = errors.New("not found")
	// ErrAuthentication matches MISP's 403 authentication envelope: a wrong,
	// expired or unknown key, a role without API access, or a disabled account.
	ErrAuthentication = errors.New("MISP rejected the API key")
	// ErrPermissionDenied matches MISP's 403 ACL answer ("You do not have
	// permission to use this functionality.").
	ErrPermissionDenied = errors.New("permission denied")
	// ErrLoginRedirect matches a 3xx answer pointing at MISP's login page.
	ErrLoginRedirect = errors.New("MISP answered with its login page")
	// ErrTLS matches TLS failures: untrusted or invalid certificates and
	// failed handshakes.
	ErrTLS = errors.New("TLS connection to MISP failed")
	// ErrPlainHTTP matches an https:// request that the server answered in
	// plain HTTP: the URL's scheme (or port) is wrong, not its certificates.
	ErrPlainHTTP = errors.New("the server answered in plain HTTP, not HTTPS")
	// ErrUnreachable matches failures to connect: DNS, refused or
	// unroutable connections.
	ErrUnreachable = errors.New("MISP is unreachable")
	// ErrTimeout matches requests that ran out of time (the per-attempt
	// timeout or the caller's context deadline).
	ErrTimeout = errors.New("request to MISP timed out")
)

const (
	authFailedPrefix  = "Authentication failed."
	aclDeniedMessage  = "You do not have permission to use this functionality."
	internalErrorText = "An Internal Error Has Occurred."
	maxBodyQuote      = 200
)

// APIError is an unsuccessful answer from MISP: a non-2xx status, a 2xx
// envelope with "saved": false, or a body that is not the JSON expected.
type APIError struct {
	StatusCode int
	// Name, Message and URL come from MISP's error envelope (HTML entities
	// decoded).
	Name, Message, URL string
	// Errors holds the validation errors, normalised from every shape MISP
	// uses to field -> messages. Messages not tied to a field (a plain string
	// or a list) are under the key "".
	Errors map[string][]string
	// Body holds at most 200 characters of a body that was not JSON.
	Body string
	// RetryAfter is the wait the answer's Retry-After header asked for (a 429 or 503), 0 without one.
	RetryAfter time.Duration
}

// Error reads as a sentence: the status, MISP's message and the validation
// errors, or a quote of a non-JSON body.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "MISP answered HTTP %d", e.StatusCode)
	msg := e.Message
	if msg == "" {
		msg = e.Name
	}
	switch {
	case msg != "":
		b.WriteString(": ")
		b.WriteString(msg)
	case e.Body != "":
		fmt.Fprintf(&b, " with a non-JSON body: %q", e.Body)
	case len(e.Errors) == 0:
		b.WriteString(" without an explanation")
	}
	if details := e.errorDetails(); details != "" {
		b.WriteString(": ")
		b.WriteString(details)
	}
	if e.StatusCode >= 500 && msg == internalErrorText {
		b.WriteString(" (MISP hides the cause of internal errors; its error log has the details)")
	}
	return b.String()
}

func (e *APIError) errorDetails() string {
	if len(e.Errors) == 0 {
		return ""
	}
	keys := make([]string, 0, len(e.Errors))
	for k := range e.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		msgs := strings.Join(e.Errors[k], " ")
		if k == "" {
			parts = append(parts, msgs)
		} else {
			parts = append(parts, k+": "+msgs)
		}
	}
	return strings.Join(parts, "; ")
}

// Is reports whether the answer is one of the sentinel cases: any 404 is
// ErrNotFound, MISP's ACL denial is ErrPermissionDenied.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == 404
	case ErrPermissionDenied:
		return e.StatusCode == 403 && (e.Name == aclDeniedMessage || e.Message == aclDeniedMessage)
	}
	return false
}

// AuthenticationError is MISP's 403 authentication failure. It matches
// ErrAuthentication and unwraps to the *APIError. It never holds the key.
type AuthenticationError struct {
	// Disabled is true when MISP accepted the key but the user account is
	// disabled.
	Disabled bool
	API      *APIError
}

// Error names the problem and the usual causes.
func (e *AuthenticationError) Error() string {
	if e.Disabled {
		return "MISP rejected the API key: the key is valid but its user account is disabled; enable the user in MISP or use another key"
	}
	return "MISP rejected the API key: authentication failed; check that the key is correct and not expired, " +
		"and that its user's role allows API access (perm_auth)"
}

// Is matches ErrAuthentication.
func (e *AuthenticationError) Is(target error) bool { return target == ErrAuthentication }

// Unwrap returns the underlying *APIError.
func (e *AuthenticationError) Unwrap() error { return e.API }

// RedirectError is a 3xx answer. The client never follows redirects: MISP
// answers an API call it did not recognise with a redirect to its HTML login
// page. A redirect to the login page matches ErrLoginRedirect.
type RedirectError struct {
	StatusCode int
	Location   string
}

// Error explains the redirect and its usual causes.
func (e *RedirectError) Error() string {
	if e.isLogin() {
		return fmt.Sprintf("MISP answered with its login page (HTTP %d redirect to %s) instead of JSON; usual causes: "+
			"a proxy in front of MISP drops the \"Accept: application/json\" header, MISP is in maintenance mode, "+
			"or the URL points at a web UI or single-sign-on front end rather than MISP's API",
			e.StatusCode, e.Location)
	}
	return fmt.Sprintf("MISP answered HTTP %d with a redirect to %q, which the client does not follow; "+
		"check the URL (scheme, host and path prefix)", e.StatusCode, e.Location)
}

// Is matches ErrLoginRedirect when the redirect points at /users/login.
func (e *RedirectError) Is(target error) bool { return target == ErrLoginRedirect && e.isLogin() }

func (e *RedirectError) isLogin() bool { return strings.Contains(e.Location, "/users/login") }

// TransportError is a failure below HTTP: no answer was received. Kind is
// ErrTLS, ErrPlainHTTP, ErrUnreachable, ErrTimeout or nil (another connection
// error).
type TransportError struct {
	Kind     error
	Method   string
	URL      string
	Attempts int
	Err      error
}

// Error names the kind of failure, the request and the number of attempts.
func (e *TransportError) Error() string {
	var b strings.Builder
	switch {
	case e.Kind != nil:
		b.WriteString(e.Kind.Error())
	case errors.Is(e.Err, context.Canceled):
		b.WriteString("request to MISP canceled")
	default:
		b.WriteString("connection to MISP failed")
	}
	fmt.Fprintf(&b, ": %s %s: %v", e.Method, e.URL, e.Err)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// Unwrap returns the kind and the underlying error, so errors.Is matches both
// the sentinel and, e.g., context.DeadlineExceeded.
func (e *TransportError) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Err}
	}
	return []error{e.Kind, e.Err}
}
