package provider

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// Creating a user: the add, made safe against a lost answer (create_safely.go) with a nids_sid the provider
// chooses as the marker of its own creation, then what MISP ignores on add, then the read-back.

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userResourceModel
	var password types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	recordReadPlan(ctx, req.Config, resp.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	email := plan.Email.ValueString()
	ctx = tflog.SetField(ctx, "email", email)
	in := plan.createInput(password)
	attempted := fmt.Sprintf("Creating MISP user %s", email)

	// The nids_sid marks the user as this creation's (create_safely.go): chosen here unless configured.
	chosenSid := in.NidsSid == nil
	if chosenSid {
		sid := newNidsSid()
		in.NidsSid = &sid
	}
	tflog.Debug(ctx, "Creating MISP user")
	sent := sentFields(in)
	if chosenSid {
		delete(sent, "nids_sid")
	}
	created, adopted, err := r.userCreatePlan(in, email, chosenSid).run(ctx)
	// From here on nothing is cut short by an interrupt: what MISP created ends up in state.
	ctx = context.WithoutCancel(ctx)
	var lost *createLostError
	switch {
	case errors.As(err, &lost):
		resp.Diagnostics.AddError("Error creating MISP user", lost.detail(attempted))
		return
	case err != nil:
		r.addWriteError(&resp.Diagnostics, "Error creating MISP user", attempted, err, in.RoleID != nil)
		return
	}
	id := created.ID.String()
	ctx = tflog.SetField(ctx, "id", id)
	tflog.Debug(ctx, "Created MISP user", map[string]any{"adopted": adopted})

	// From here on the user exists: keep it in state whatever happens, so Terraform tracks it (tainted on
	// error) instead of leaving an orphan.
	state := plan
	state.setFromRecord(&userRecord{User: *created}, plan)
	state.Authkey = types.StringNull()
	if plan.StoreAuthkey.ValueBool() {
		switch {
		case adopted:
			resp.Diagnostics.AddAttributeWarning(path.Root("authkey"), "API key not available",
				"MISP's answer to the creation was lost, and with it the user's one-time API key, so authkey is null. "+
					"Create a key for the user in MISP, or re-create the user with terraform apply -replace=... .")
		case created.Authkey == "":
			resp.Diagnostics.AddAttributeWarning(path.Root("authkey"), "API key not available",
				"MISP's answer to the creation held no API key, so authkey is null. Create a key for the user in MISP.")
		default:
			state.Authkey = types.StringValue(created.Authkey)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	invited, edited := plan.Notify.ValueBool(), false
	if invited {
		tflog.Debug(ctx, "Sending the new user their credentials")
		if err := r.pd.client.InitiatePasswordReset(ctx, id, true); err != nil {
			addAPIError(&resp.Diagnostics, "Error creating MISP user",
				fmt.Sprintf("User %s (id %s) was created, but asking MISP to e-mail the credentials (notify)", email, id), err, nil)
			return
		}
	}
	if edit, ok := plan.postCreateInput(invited, &resp.Diagnostics); ok {
		if resp.Diagnostics.HasError() {
			return
		}
		for k := range sentFields(edit) {
			sent[k] = true
		}
		tflog.Debug(ctx, "Setting the attributes MISP ignores on add")
		if _, err := r.pd.client.EditUser(ctx, id, edit); err != nil {
			r.addWriteError(&resp.Diagnostics, "Error creating MISP user",
				fmt.Sprintf("User %s (id %s) was created; setting notification_*, force_logout, expiration (which MISP ignores on creation)", email, id),
				err, false)
			return
		}
		edited = true
	}
	// The add answer is the whole user when nothing else changed it since: no read needed.
	if rec, ok := r.answerRecord(ctx, created, adopted || invited || edited); ok {
		state.setFromRecord(rec, state)
		checkApplied(plan, state, sent, &resp.Diagnostics)
	} else {
		r.readBack(ctx, id, plan, sent, &state, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// answerRecord is the record of a new user from the add answer, unless the user changed after it (stale).
func (r *userResource) answerRecord(ctx context.Context, created *misp.User, stale bool) (*userRecord, bool) {
	if stale {
		return nil, false
	}
	return userRecordFromAnswer(ctx, r.pd.client, created)
}

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
