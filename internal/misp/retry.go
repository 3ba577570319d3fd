package misp

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// minRetryAfterCap is the least a Retry-After header may make the client
// wait; longer requests are cut to max(RetryWaitMax, this).
const minRetryAfterCap = 2 * time.Minute

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
	"/sharing_groups/edit/", "/sharing_groups/delete/", // a repeated delete answers 405, which means gone (§10.9)
	"/user_settings/setSetting/", "/user_settings/delete", // setSetting replaces the user's value (§12.2)
}

func idempotentWrite(path string) bool {
	for _, p := range idempotentPrefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
