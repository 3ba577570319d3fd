package provider

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// Creating an object whose answer may be lost, without ever duplicating one or taking over one that this
// creation did not make.
//
// An add whose outcome is unknown (no answer, 429, 502-504) is repeated, at most max_retries attempts in all,
// only after a lookup shows that MISP did not create the object. An object the lost attempt did create is
// adopted only when it carries this creation's marker: the nids_sid the provider chose for a user, the uuid it
// chose for an organisation; a role, which has nothing of the kind, only when no role of that name existed
// before the first attempt. An object another resource of this run created or adopted is never adopted
// (claims). The adds and the lookups run on a context that an interrupt (Ctrl-C) does not cancel, bounded by the
// client's per-request timeout, so that an interrupted apply still records in state what MISP created; no new
// attempt starts after an interrupt.

// createPlan is one creation.
type createPlan[T any] struct {
	kind  string // "user", "organisation", "role"
	what  string // how diagnostics say what was looked up, e.g. "user by e-mail"
	scope string // the MISP (its base URL): claims are per MISP
	// add sends the add.
	add func(context.Context) (*T, error)
	// find looks for the object a lost attempt made and returns it only if it carries this creation's marker
	// (nil, nil when there is none); rejected explains an object found that is not this creation's.
	find func(context.Context) (found *T, rejected error, err error)
	// id is the object's MISP id.
	id func(*T) string
	// attempts bounds the adds (the provider's max_retries).
	attempts int
}

// createLostError is a creation whose outcome stayed unknown, or that found an object it may not adopt.
type createLostError struct {
	what        string
	err         error // the last add's error
	lookupErr   error // the lookup failed
	rejected    error // the lookup found an object that is not this creation's
	attempts    int
	interrupted bool
}

func (e *createLostError) Error() string { return e.err.Error() }

func (e *createLostError) Unwrap() error { return e.err }

// detail is the diagnostic detail for the creation described by attempted.
func (e *createLostError) detail(attempted string) string {
	switch {
	case e.lookupErr != nil:
		return fmt.Sprintf("%s failed: %s\n\nThe provider then looked the %s up to avoid a duplicate, and that lookup failed too: %s\n\n"+
			"MISP may or may not have created it. Apply again: the next attempt looks it up first.", attempted, e.err, e.what, e.lookupErr)
	case e.rejected != nil:
		return fmt.Sprintf("%s failed: %s\n\nThe provider then looked the %s up and %s. It was not created by this apply, so it is "+
			"not taken over. If it should be managed here, import it (terraform import, or an import block).", attempted, e.err, e.what, e.rejected)
	case e.interrupted:
		return fmt.Sprintf("%s was interrupted: %s\n\nNothing was created in MISP (looked up after the interrupt). Apply again.", attempted, e.err)
	}
	return fmt.Sprintf("%s failed: %s%s\n\nNothing was created in MISP (looked up after each of %d attempts). Apply again.",
		attempted, e.err, errorHint(e.err), e.attempts)
}

// createOutcomeUnknown reports an add that may or may not have been applied, or that MISP refused only for the
// moment: no answer arrived, a gateway answered in MISP's place, or MISP was unavailable or rate-limiting. Any
// other answer is MISP's verdict on the request and is final.
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

// createBackoff is the pause before the n-th repeat (n from 1): what MISP's Retry-After asked for (at most two
// minutes), else n seconds with up to 50 % jitter.
func createBackoff(n int, err error) time.Duration {
	var apiErr *misp.APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		return min(apiErr.RetryAfter, 2*time.Minute)
	}
	d := time.Duration(n) * time.Second
	return d/2 + rand.N(d/2+1) // jitter needs no cryptographic randomness
}

// run creates the object; adopted reports an object a lost attempt made. MISP's refusals come back unchanged;
// an unresolved outcome is a *createLostError.
func (p createPlan[T]) run(ctx context.Context) (obj *T, adopted bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("interrupted before anything was sent: %w", err)
	}
	// Writes and lookups are not cut short by an interrupt: each ends by itself within the client's timeout.
	wctx := context.WithoutCancel(ctx)
	attempts := max(p.attempts, 1)
	for attempt := 1; ; attempt++ {
		created, err := p.add(wctx)
		if err == nil {
			// A new object: claimed so that no other resource of this run adopts it after a lost answer of its own.
			claim(p.scope, p.kind, p.id(created))
			return created, false, nil
		}
		if !createOutcomeUnknown(err) {
			return nil, false, err
		}
		tflog.Warn(ctx, "The outcome of the creation is unknown; looking it up", map[string]any{
			"kind": p.kind, "error": err.Error(), "attempt": attempt,
		})
		found, rejected, ferr := p.find(wctx)
		switch {
		case ferr != nil:
			return nil, false, &createLostError{what: p.what, err: err, lookupErr: ferr, attempts: attempt}
		case rejected != nil:
			return nil, false, &createLostError{what: p.what, err: err, rejected: rejected, attempts: attempt}
		case found != nil:
			if !claim(p.scope, p.kind, p.id(found)) {
				return nil, false, &createLostError{what: p.what, err: err, attempts: attempt,
					rejected: fmt.Errorf("found %s %s, which another resource of this apply already manages", p.kind, p.id(found))}
			}
			tflog.Info(ctx, "Adopting the object created by the attempt whose answer was lost", map[string]any{"kind": p.kind, "id": p.id(found)})
			return found, true, nil
		case attempt >= attempts:
			return nil, false, &createLostError{what: p.what, err: err, attempts: attempt}
		}
		select {
		case <-ctx.Done():
			return nil, false, &createLostError{what: p.what, err: err, attempts: attempt, interrupted: true}
		case <-time.After(createBackoff(attempt, err)):
		}
		tflog.Debug(ctx, "Nothing was created; sending the creation again", map[string]any{"kind": p.kind, "attempt": attempt + 1})
	}
}

// claims are the MISP objects that a resource of this provider process created or adopted, by kind and id: an
// object one resource holds is never adopted by another (two resources with the same e-mail or name, each with a
// lost answer). Delete releases its claim.
var claims sync.Map // "MISP URL kind/id" -> struct{}

// claim records that a resource holds the object; false if one already did.
func claim(scope, kind, id string) bool {
	_, loaded := claims.LoadOrStore(scope+" "+kind+"/"+id, struct{}{})
	return !loaded
}

// releaseClaim forgets the object (deleted, or gone from MISP).
func releaseClaim(c *misp.Client, kind, id string) {
	claims.Delete(c.BaseURL() + " " + kind + "/" + id)
}
