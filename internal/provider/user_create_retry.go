package provider

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// userCreateAttempts bounds how often Create sends a user's add when the earlier attempts provably created
// nothing. MISP's e-mail uniqueness makes this safe: before each repeat the provider looks the e-mail up,
// adopting the user if an earlier attempt did create it, so a blip never ends in a duplicate account.
const userCreateAttempts = 4

// userCreateBackoff is the pause before the n-th repeat (n from 1): n seconds with up to 50 % jitter.
func userCreateBackoff(n int) time.Duration {
	d := time.Duration(n) * time.Second
	return d/2 + rand.N(d/2+1) // jitter needs no cryptographic randomness
}

// createOutcomeUnknown reports an add that may or may not have been applied, or that MISP refused only for
// the moment: no answer arrived, a gateway answered in MISP's place, or MISP was unavailable or
// rate-limiting. Any other answer is MISP's verdict on the request and is final.
func createOutcomeUnknown(err error) bool {
	var te *misp.TransportError
	if errors.As(err, &te) {
		return true
	}
	var apiErr *misp.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.StatusCode {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
	}
	return false
}

// userCreateLostError is a creation whose outcome stayed unknown: the lookup failed, or every attempt
// provably created nothing.
type userCreateLostError struct {
	err       error // the last add's error
	lookupErr error // why the e-mail lookup failed; nil when it found no user
	attempts  int
}

func (e *userCreateLostError) Error() string { return e.err.Error() }

func (e *userCreateLostError) Unwrap() error { return e.err }

// detail is the diagnostic detail for a creation described by attempted.
func (e *userCreateLostError) detail(attempted string) string {
	if e.lookupErr != nil {
		return fmt.Sprintf("%s failed: %s\n\nThe provider then looked for the user by e-mail to avoid a duplicate, and %s",
			attempted, e.err, e.lookupErr)
	}
	return fmt.Sprintf("%s failed: %s%s\n\nNo user with this e-mail exists in MISP, so nothing was created (%d attempts); apply again.",
		attempted, e.err, errorHint(e.err), e.attempts)
}

// addUserSafely sends the add, and when its outcome is unknown looks the e-mail up: a user created by this
// request is adopted (adopted = true), and when there is none the add is sent again, up to
// userCreateAttempts times. MISP's refusals come back unchanged; an unresolved outcome is a
// *userCreateLostError.
func (r *userResource) addUserSafely(ctx context.Context, in misp.UserInput, email string) (*misp.User, bool, error) {
	started := time.Now()
	for attempt := 1; ; attempt++ {
		created, err := r.pd.client.AddUser(ctx, in)
		if err == nil {
			return created, false, nil
		}
		if !createOutcomeUnknown(err) {
			return nil, false, err
		}
		tflog.Warn(ctx, "the outcome of the user creation is unknown; looking the user up by e-mail",
			map[string]any{"error": err.Error(), "attempt": attempt})
		found, ferr := r.adoptLostUser(ctx, email, started)
		switch {
		case ferr != nil:
			return nil, false, &userCreateLostError{err: err, lookupErr: ferr, attempts: attempt}
		case found != nil:
			return found, true, nil
		case attempt >= userCreateAttempts:
			return nil, false, &userCreateLostError{err: err, attempts: attempt}
		}
		select {
		case <-ctx.Done():
			return nil, false, &userCreateLostError{err: err, attempts: attempt}
		case <-time.After(userCreateBackoff(attempt)):
		}
		tflog.Debug(ctx, "no user was created; sending the creation again", map[string]any{"attempt": attempt + 1})
	}
}
