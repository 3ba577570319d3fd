package misp_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

func TestRetries(t *testing.T) {
	t.Parallel()
	getVersion := func(ctx context.Context, c *misp.Client) error { _, err := c.GetVersion(ctx); return err }
	addRole := func(ctx context.Context, c *misp.Client) error {
		_, err := c.AddRole(ctx, misp.RoleInput{Name: ptr("x")})
		return err
	}
	tests := []struct {
		name     string
		replies  []reply
		call     func(context.Context, *misp.Client) error
		attempts int
		wantReqs int
		wantErr  int // expected APIError status, 0 for success
	}{
		{"GET 503 then success", []reply{{Status: 503}, {Status: 503}, {Body: versionBody}}, getVersion, 4, 3, 0},
		{"GET 429 502 504 then success", []reply{{Status: 429}, {Status: 502}, {Status: 504}, {Body: versionBody}}, getVersion, 4, 4, 0},
		{"GET 502 until attempts run out", []reply{{Status: 502, Body: "<html>bad gateway</html>"}}, getVersion, 3, 3, 502},
		{"GET 500 is not retried", []reply{{Status: 500, Body: `{"name":"x","message":"x"}`}}, getVersion, 4, 1, 500},
		{"GET 404 is not retried", []reply{{Status: 404, Body: `{"name":"x","message":"x"}`}}, getVersion, 4, 1, 404},
		{"one attempt means no retry", []reply{{Status: 503}}, getVersion, 1, 1, 503},
		{"Retry-After 0 honoured", []reply{{Status: 429, Header: map[string]string{"Retry-After": "0"}}, {Body: versionBody}}, getVersion, 2, 2, 0},
		{"Retry-After date in the past", []reply{{Status: 503, Header: map[string]string{"Retry-After": "Fri, 31 Dec 1999 23:59:59 GMT"}}, {Body: versionBody}}, getVersion, 2, 2, 0},
		{"Retry-After garbage ignored", []reply{{Status: 503, Header: map[string]string{"Retry-After": "soon"}}, {Body: versionBody}}, getVersion, 2, 2, 0},
		{"Retry-After negative ignored", []reply{{Status: 503, Header: map[string]string{"Retry-After": "-5"}}, {Body: versionBody}}, getVersion, 2, 2, 0},
		{"POST 503 is not repeated", []reply{{Status: 503}, {Body: `{"Role":{"id":"1"}}`}}, addRole, 4, 1, 503},
		{"POST 429 is not repeated", []reply{{Status: 429, Header: map[string]string{"Retry-After": "0"}}, {Body: `{"Role":{"id":"1"}}`}}, addRole, 4, 1, 429},
		{"POST 502 is not repeated", []reply{{Status: 502}, {Body: `{"Role":{"id":"1"}}`}}, addRole, 4, 1, 502},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFakeServer(t, tc.replies...)
			var mu sync.Mutex
			var attempts []int
			c := newClient(t, srv.URL, func(cfg *misp.Config) {
				cfg.MaxRetries = tc.attempts
				cfg.Logger = func(_ context.Context, ev misp.RequestEvent) {
					mu.Lock()
					attempts = append(attempts, ev.Attempt)
					mu.Unlock()
				}
			})
			err := tc.call(t.Context(), c)
			if got := len(srv.requests()); got != tc.wantReqs {
				t.Errorf("server saw %d requests, want %d", got, tc.wantReqs)
			}
			for i, a := range attempts {
				if a != i+1 {
					t.Errorf("attempt numbers = %v", attempts)
					break
				}
			}
			if tc.wantErr == 0 {
				if err != nil {
					t.Fatalf("error: %v", err)
				}
				return
			}
			var apiErr *misp.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.wantErr {
				t.Fatalf("error = %v, want an APIError with status %d", err, tc.wantErr)
			}
		})
	}
}

// TestRetryAfterHonoured: with Retry-After longer than the caller's deadline
// the client waits (and runs out of time) instead of retrying at once.
func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, reply{Status: 429, Header: map[string]string{"Retry-After": "30"}}, reply{Body: versionBody})
	c := newClient(t, srv.URL)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err := c.GetVersion(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, misp.ErrTimeout) {
		t.Fatalf("error = %v, want the deadline to expire during the Retry-After wait", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1 (Retry-After ignored)", n)
	}
}

// With RetryIdempotentWrites, writes that repetition cannot make do more (edits, deletes, set_default,
// totp_delete) are retried like reads; adds and password resets are not.
func TestRetries_idempotentWrites(t *testing.T) {
	t.Parallel()
	ok := `{"saved":true,"success":true,"name":"done","message":"done","url":"/x","id":"5"}`
	gone := `{"name":"Invalid user","message":"Invalid user","url":"/admin/users/delete/5"}`
	tests := []struct {
		name     string
		replies  []reply
		call     func(context.Context, *misp.Client) error
		wantReqs int
		wantErr  error
	}{
		{"user edit after 503", []reply{{Status: 503}, {Body: `{"User":{"id":"5"}}`}}, func(ctx context.Context, c *misp.Client) error {
			_, err := c.EditUser(ctx, "5", misp.UserInput{Disabled: ptr(true)})
			return err
		}, 2, nil},
		{"organisation edit after a 502 page", []reply{{Status: 502, Body: "<html>bad gateway</html>"}, {Body: `{"Organisation":{"id":"5"}}`}}, func(ctx context.Context, c *misp.Client) error {
			_, err := c.EditOrganisation(ctx, "5", misp.OrganisationInput{Description: ptr("x")})
			return err
		}, 2, nil},
		{"role edit after 504", []reply{{Status: 504}, {Body: `{"Role":{"id":"5"}}`}}, func(ctx context.Context, c *misp.Client) error {
			_, err := c.EditRole(ctx, "5", misp.RoleInput{Permission: ptr(int64(1))})
			return err
		}, 2, nil},
		{"delete applied, answer lost behind a 503, repeat answers 404", []reply{{Status: 503}, {Status: 404, Body: gone}}, func(ctx context.Context, c *misp.Client) error {
			return c.DeleteUser(ctx, "5")
		}, 2, misp.ErrNotFound},
		{"organisation delete after 502", []reply{{Status: 502}, {Body: ok}}, func(ctx context.Context, c *misp.Client) error {
			return c.DeleteOrganisation(ctx, "5")
		}, 2, nil},
		{"role delete after 503", []reply{{Status: 503}, {Body: ok}}, func(ctx context.Context, c *misp.Client) error {
			return c.DeleteRole(ctx, "5")
		}, 2, nil},
		{"set_default after 503", []reply{{Status: 503}, {Body: ok}}, func(ctx context.Context, c *misp.Client) error {
			return c.SetDefaultRole(ctx, "5")
		}, 2, nil},
		{"totp_delete after 429", []reply{{Status: 429, Header: map[string]string{"Retry-After": "0"}}, {Body: ok}}, func(ctx context.Context, c *misp.Client) error {
			return c.DeleteUserTOTP(ctx, "5")
		}, 2, nil},
		{"edit 403 is not repeated", []reply{{Status: 403, Body: `{"saved":false,"name":"Could not edit","message":"x","errors":{"email":["bad"]}}`}}, func(ctx context.Context, c *misp.Client) error {
			_, err := c.EditUser(ctx, "5", misp.UserInput{Email: ptr("bad")})
			return err
		}, 1, nil},
		{"password reset 503 is not repeated", []reply{{Status: 503}, {Body: ok}}, func(ctx context.Context, c *misp.Client) error {
			return c.InitiatePasswordReset(ctx, "5", false)
		}, 1, nil},
		{"organisation add 503 is not repeated", []reply{{Status: 503}, {Body: `{"Organisation":{"id":"5"}}`}}, func(ctx context.Context, c *misp.Client) error {
			_, err := c.AddOrganisation(ctx, misp.OrganisationInput{Name: ptr("x")})
			return err
		}, 1, nil},
		{"user add 502 is not repeated", []reply{{Status: 502}, {Body: `{"User":{"id":"5"}}`}}, func(ctx context.Context, c *misp.Client) error {
			_, err := c.AddUser(ctx, misp.UserInput{Email: ptr("a@example.org")})
			return err
		}, 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFakeServer(t, tc.replies...)
			err := tc.call(t.Context(), newClient(t, srv.URL, func(c *misp.Config) { c.RetryIdempotentWrites = true }))
			if got := len(srv.requests()); got != tc.wantReqs {
				t.Fatalf("server saw %d requests, want %d (error %v)", got, tc.wantReqs, err)
			}
			switch {
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			case tc.wantErr == nil && tc.wantReqs > 1 && err != nil:
				t.Fatalf("error = %v, want success after the retry", err)
			case tc.wantReqs == 1 && err == nil:
				t.Fatal("the refused request succeeded")
			}
		})
	}
}

// By default no POST is repeated once it may have reached MISP, edits included.
func TestRetries_writesNotRepeatedByDefault(t *testing.T) {
	t.Parallel()
	for name, call := range map[string]func(context.Context, *misp.Client) error{
		"user edit": func(ctx context.Context, c *misp.Client) error {
			_, err := c.EditUser(ctx, "5", misp.UserInput{Disabled: ptr(true)})
			return err
		},
		"role delete": func(ctx context.Context, c *misp.Client) error { return c.DeleteRole(ctx, "5") },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newFakeServer(t, reply{Status: 503}, reply{Body: `{"User":{"id":"5"}}`})
			if err := call(t.Context(), newClient(t, srv.URL)); err == nil {
				t.Fatal("the 503 was not reported")
			}
			if got := len(srv.requests()); got != 1 {
				t.Fatalf("server saw %d requests, want 1: a POST must not be repeated by default", got)
			}
		})
	}
}
