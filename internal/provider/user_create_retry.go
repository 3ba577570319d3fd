package provider

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// newNidsSid is a user's NIDS signature id as MISP itself would choose one (User::beforeSave: mt_rand between
// 1,000,000 and 9,999,999). The provider chooses it when the configuration does not, so that it can recognise
// the user its own lost add created: the marker of create_safely.go.
func newNidsSid() int64 { return 1_000_000 + rand.Int64N(9_000_000) } // a marker, not a secret

// userCreatePlan is the safe creation of one user (create_safely.go). chosenSid reports a nids_sid the provider
// chose (a strong marker); a configured one is weaker, so the user must also have been created after the first
// attempt started (allowing for clock skew).
func (r *userResource) userCreatePlan(in misp.UserInput, email string, chosenSid bool) createPlan[misp.User] {
	started := time.Now()
	return createPlan[misp.User]{
		kind: "user", what: "user by e-mail", scope: r.pd.client.BaseURL(), attempts: r.pd.maxAttempts,
		add: func(ctx context.Context) (*misp.User, error) { return r.pd.client.AddUser(ctx, in) },
		id:  func(u *misp.User) string { return u.ID.String() },
		find: func(ctx context.Context) (*misp.User, error, error) {
			entry, err := findUserByEmail(ctx, r.pd.client, email)
			if errors.Is(err, errUserEmailNotFound) {
				return nil, nil, nil
			}
			if err != nil {
				return nil, nil, err
			}
			u := entry.User
			myID := ""
			if r.pd.me != nil {
				myID = r.pd.me.User.ID.String()
			}
			const skew = 15 * time.Minute
			mine := u.InvitedBy.String() == myID && in.NidsSid != nil && int64(u.NidsSid) == *in.NidsSid &&
				(chosenSid || int64(u.DateCreated) >= started.Add(-skew).Unix())
			if !mine {
				return nil, fmt.Errorf("found user %s (id %s), created by user %s at %s, which this apply did not create",
					u.Email, u.ID, u.InvitedBy, unixToRFC3339(u.DateCreated).ValueString()), nil
			}
			return &u, nil, nil
		},
	}
}

// emailSearchTerm is the part of an e-mail address to give MISP's e-mail filter, which reads a leading "!" as
// NOT and "|" as OR and matches substrings: the longest run of the address without "|", its leading "!"s
// dropped. The caller keeps only the exact address from what it matches.
func emailSearchTerm(email string) string {
	best := ""
	for _, part := range strings.Split(email, "|") {
		part = strings.TrimLeft(part, "!")
		if len(part) > len(best) {
			best = part
		}
	}
	return best
}
