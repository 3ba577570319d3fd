package provider

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// numericIDRe is a MISP object id (a user's, an organisation's, a role's, a server's).
var numericIDRe = regexp.MustCompile(`^[0-9]+$`)

// providerDataFrom extracts what Configure built. It returns nil without a diagnostic when the
// provider is not configured yet (Terraform calls Configure on resources early, with nil data).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return pd
}

// addAPIError turns a client error into diagnostics. summary is fixed text ("Error creating MISP
// user"); attempted says what was tried ("Creating user analyst@example.org"). MISP's validation
// errors on a field listed in fields become attribute errors on that attribute, with MISP's own
// words; anything else becomes one error whose detail carries MISP's answer and a hint for the common
// causes. fields maps MISP field names to attribute paths and may be nil.
func addAPIError(diags *diag.Diagnostics, summary, attempted string, err error, fields map[string]path.Path) {
	var apiErr *misp.APIError
	if errors.As(err, &apiErr) && len(apiErr.Errors) > 0 && fields != nil {
		keys := make([]string, 0, len(apiErr.Errors))
		for k := range apiErr.Errors {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		matched := false
		for _, k := range keys {
			p, ok := fields[k]
			if !ok {
				continue
			}
			matched = true
			diags.AddAttributeError(p, summary,
				fmt.Sprintf("%s failed: MISP rejected %s: %s", attempted, k, strings.Join(apiErr.Errors[k], " ")))
		}
		if matched {
			return
		}
	}
	diags.AddError(summary, fmt.Sprintf("%s failed: %s%s", attempted, err, errorHint(err)))
}

// errorHint adds the next step for failures that are not about the object itself.
func errorHint(err error) string {
	switch {
	case errors.Is(err, misp.ErrAuthentication):
		return "\n\nThe provider's API key was rejected; check api_key / MISP_API_KEY."
	case errors.Is(err, misp.ErrPermissionDenied):
		return "\n\nMISP's access rules refuse this call to the provider's API key: organisations and roles can be changed " +
			"only with a site admin's key, users read and changed only with a site admin's or an org admin's (perm_admin), and " +
			"an org admin manages only its own organisation's users. With MISP's Security.hide_organisation_index_from_users " +
			"set, only site admins and roles with perm_sharing_group may list organisations."
	case errors.Is(err, misp.ErrLoginRedirect):
		return "\n\nCheck the provider url and any proxy in front of MISP."
	case errors.Is(err, misp.ErrTimeout), errors.Is(err, misp.ErrUnreachable):
		return "\n\nMISP could not be reached; the operation may be retried with another apply."
	}
	var apiErr *misp.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode >= 500 {
		return "\n\nMISP failed internally; its error log (app/tmp/logs/error.log) has the cause."
	}
	if errors.As(err, &apiErr) && strings.Contains(strings.Join(apiErr.Errors[""], " "), "error notifying the user") {
		// User::initiatePasswordReset: the e-mail failed (SendEmail::sendToUser), so nothing was changed.
		return "\n\nMISP could not send the e-mail, so it changed nothing. Either its e-mail setup is broken (mail " +
			"transport, GnuPG signing) or the user's gpgkey cannot be used to encrypt (expired, revoked or sign-only); " +
			"MISP's log (action \"email\") has the reason."
	}
	return ""
}

// unixToRFC3339 renders a MISP unix timestamp as RFC 3339 (UTC); 0 (never) is null.
func unixToRFC3339(v misp.Int64) types.String {
	if v <= 0 {
		return types.StringNull()
	}
	return types.StringValue(time.Unix(int64(v), 0).UTC().Format(time.RFC3339))
}

// mispDatetimeLayout is MISP's datetime column format ("YYYY-MM-DD HH:MM:SS").
const mispDatetimeLayout = "2006-01-02 15:04:05"

// mispDatetimeToRFC3339 renders a MISP datetime column as RFC 3339, assuming UTC; empty is null.
// Values that do not parse are passed through unchanged rather than lost.
func mispDatetimeToRFC3339(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	t, err := time.ParseInLocation(mispDatetimeLayout, s, time.UTC)
	if err != nil {
		return types.StringValue(s)
	}
	return types.StringValue(t.Format(time.RFC3339))
}

// known reports a value that is neither null nor unknown.
func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// stringPtr returns a pointer to the value of a known, non-null string (nil otherwise): the
// "send only what is configured" rule in one place.
func stringPtr(v types.String) *string {
	if !known(v) {
		return nil
	}
	s := v.ValueString()
	return &s
}

// boolPtr is stringPtr for booleans.
func boolPtr(v types.Bool) *bool {
	if !known(v) {
		return nil
	}
	b := v.ValueBool()
	return &b
}

// int64Ptr is stringPtr for integers.
func int64Ptr(v types.Int64) *int64 {
	if !known(v) {
		return nil
	}
	i := v.ValueInt64()
	return &i
}

// changed reports whether a configured attribute must be sent on update: it is known and not null in
// the plan, and differs from the prior state.
func changed(plan, state attr.Value) bool {
	return known(plan) && !plan.Equal(state)
}

// isRefusal reports whether MISP refused a write for a reason of its own (a 403 answer that is neither an
// authentication failure nor an ACL denial), e.g. deleting an organisation that still has users.
func isRefusal(err error) bool {
	var apiErr *misp.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == 403 &&
		!errors.Is(err, misp.ErrAuthentication) && !errors.Is(err, misp.ErrPermissionDenied)
}

// plural picks the singular or plural form for a count.
func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
