package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// userEmailRe is MISP's User::validateEmail (PCRE flags /ui, docs/development/misp-api.md §1.4): dot-separated runs of
// letters, digits and !#$%&'*+/=?^_`{|}~- before the @, then [a-z0-9_.-] (no TLD needed).
var userEmailRe = regexp.MustCompile("(?i)^[\\p{L}0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[\\p{L}0-9!#$%&'*+/=?^_`{|}~-]+)*@[a-z0-9_\\-.]+$")

// userPasswordMinLength is MISP's default Security.password_policy_length (§1.4).
const userPasswordMinLength = 12

// userPasswordPolicy checks MISP's default password policy at plan time. It never repeats the value.
type userPasswordPolicy struct{}

var _ validator.String = userPasswordPolicy{}

func (userPasswordPolicy) Description(context.Context) string {
	return "must meet MISP's default password policy: at least 12 characters with an upper-case letter, a lower-case " +
		"letter and a digit or symbol, or at least 16 characters of any kind"
}

func (v userPasswordPolicy) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v userPasswordPolicy) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := userPasswordProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Password does not meet MISP's password policy",
			"The password "+problem+". MISP's default policy (Security.password_policy_length and "+
				"password_policy_complexity) needs at least 12 characters with an upper-case letter, a lower-case letter "+
				"and a digit or symbol, or at least 16 characters of any kind. The value is not shown.")
	}
}

// userPasswordProblem describes why MISP would refuse pw (by its default policy), or returns "". Like
// MISP's strlen and PCRE without /u, it counts bytes; characters outside ASCII count as symbols.
func userPasswordProblem(pw string) string {
	if strings.ContainsAny(pw, "\n\r\x00") {
		return "contains a line break or NUL character, which MISP's policy check rejects"
	}
	if phpTrim(pw) != pw {
		return "starts or ends with whitespace, which MISP trims away before saving (the password would not be the one configured)"
	}
	if len(pw) < userPasswordMinLength {
		return fmt.Sprintf("is %d characters long; MISP needs at least %d", len(pw), userPasswordMinLength)
	}
	if len(pw) >= 16 {
		return ""
	}
	var upper, lower, digitOrSymbol bool
	for i := 0; i < len(pw); i++ {
		switch c := pw[i]; {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c == '_':
			// A word character for PCRE's \W: neither a digit nor a symbol.
		default:
			digitOrSymbol = true
		}
	}
	var missing []string
	if !upper {
		missing = append(missing, "an upper-case letter")
	}
	if !lower {
		missing = append(missing, "a lower-case letter")
	}
	if !digitOrSymbol {
		missing = append(missing, "a digit or symbol")
	}
	if len(missing) == 0 {
		return ""
	}
	return "is shorter than 16 characters and lacks " + strings.Join(missing, " and ")
}

// rfc3339Validator accepts an RFC 3339 timestamp within MySQL's DATETIME range.
type rfc3339Validator struct{}

var _ validator.String = rfc3339Validator{}

func (rfc3339Validator) Description(context.Context) string {
	return "must be an RFC 3339 timestamp such as 2027-01-31T23:59:59Z"
}

func (v rfc3339Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v rfc3339Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	t, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid timestamp",
			fmt.Sprintf("%q is not an RFC 3339 timestamp (for example 2027-01-31T23:59:59Z or 2027-02-01T00:59:59+01:00): %s",
				req.ConfigValue.ValueString(), err))
		return
	}
	if y := t.UTC().Year(); y < 1000 || y > 9999 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid timestamp",
			fmt.Sprintf("%q is outside the years 1000–9999 that MISP's datetime column can hold.", req.ConfigValue.ValueString()))
	}
}

// toMISPDatetime converts a validated RFC 3339 timestamp to MISP's "YYYY-MM-DD HH:MM:SS" in UTC.
func toMISPDatetime(s string) (string, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return "", fmt.Errorf("parse timestamp %q: %w", s, err)
	}
	return t.UTC().Format(mispDatetimeLayout), nil
}
