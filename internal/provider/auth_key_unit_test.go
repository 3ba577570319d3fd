package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// The plan-time checks of misp_auth_key from the provider key's own user (users/view/me).
func TestAuthKeyRequireKeyManagement(t *testing.T) {
	me := func(userID string, site, admin bool, legacyKey string) *providerData {
		v := &misp.UserView{}
		v.User.ID, v.User.Email, v.User.Authkey = misp.ID(userID), "k@example.org", legacyKey
		v.Role.PermSiteAdmin, v.Role.PermAdmin, v.Role.Name = misp.Bool(site), misp.Bool(admin), "r"
		return &providerData{me: v}
	}
	for name, tc := range map[string]struct {
		pd   *providerData
		user types.String
		want string
	}{
		"site admin, any user":        {me("1", true, true, ""), types.StringValue("7"), ""},
		"org admin: checked at apply": {me("5", false, true, ""), types.StringValue("7"), ""},
		"plain user, itself":          {me("5", false, false, ""), types.StringValue("5"), ""},
		"plain user, another user":    {me("5", false, false, ""), types.StringValue("7"), "may not manage this user's auth keys"},
		"plain user, unknown user":    {me("5", false, false, ""), types.StringUnknown(), ""},
		"legacy keys":                 {me("1", true, true, "legacyKey0000000000000000000000000000000"), types.StringValue("7"), "Security.advanced_authkeys is off"},
	} {
		var diags diag.Diagnostics
		(&authKeyResource{pd: tc.pd}).requireKeyManagement(tc.user, &diags)
		got := ""
		for _, d := range diags.Errors() {
			got += d.Summary() + ": " + d.Detail()
		}
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
}

func TestValidCIDR(t *testing.T) {
	for s, want := range map[string]bool{
		"127.0.0.1": true, "10.0.0.0/8": true, "10.0.0.0/32": true, "::1": true, "2001:db8::/128": true,
		"10.0.0.0/33": false, "1.2.3.400": false, "::1/129": false, "10.0.0.0/": false, "10.0.0.0/-1": false,
		"fe80::1%eth0": false, " 10.0.0.1": false, "example.org": false,
	} {
		if got := validCIDR(s); got != want {
			t.Errorf("validCIDR(%q) = %v, want %v", s, got, want)
		}
	}
}
