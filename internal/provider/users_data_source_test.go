package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccUserDataSources: misp_user by id and by e-mail, misp_users with each of MISP's server-side
// filters, users_csv over a filtered list, and the lookup errors.
func TestAccUserDataSources(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	// Names unique to this run: the filters below must hold on a MISP that other tests share.
	sfx := strings.ToLower(randomName("uds"))
	acmeName, betaName := fmt.Sprintf(`Acme %s, "Intl"`, sfx), "Beta Corp "+sfx
	annEmail, bobEmail, cidEmail := "ann@acme-"+sfx+".example", "bob@acme-"+sfx+".example", "cid@beta-"+sfx+".example"
	acme, beta := ui.CreateOrganisation(map[string]any{"name": acmeName}), ui.CreateOrganisation(map[string]any{"name": betaName})
	a1, _ := ui.CreateUser(map[string]any{"email": annEmail, "org_id": acme, "role_id": "3"})
	// TOTP and a login time only on the emulator (MISP's API can set neither); the expectations follow.
	a2, _ := ui.CreateUser(map[string]any{"email": bobEmail, "org_id": acme, "role_id": "4", "disabled": true, "totp": "JBSWY3DPEHPK3PXP", "last_login": 1767225600})
	b1, _ := ui.CreateUser(map[string]any{"email": cidEmail, "org_id": beta, "role_id": "3", "notification_weekly": true})
	var bobTOTP, bobLogin knownvalue.Check = knownvalue.Bool(true), knownvalue.StringExact("2026-01-01T00:00:00Z")
	bobLoginCSV := "2026-01-01T00:00:00Z"
	if env.Real() {
		bobTOTP, bobLogin, bobLoginCSV = knownvalue.Bool(false), knownvalue.Null(), ""
	}

	list := func(name string) string {
		return "data.misp_users." + name
	}
	ids := func(name string, want ...string) statecheck.StateCheck {
		checks := make([]knownvalue.Check, len(want))
		for i, id := range want {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
		}
		return statecheck.ExpectKnownValue(list(name), tfjsonpath.New("users"), knownvalue.ListExact(checks))
	}
	cfg := env.Config(fmt.Sprintf(`
data "misp_user" "by_id" {
  id = %[1]q
}

data "misp_user" "by_email" {
  email = %[3]q
}

data "misp_users" "acme" {
  org_id = %[2]q
}

data "misp_users" "publishers" {
  org_id  = %[2]q
  role_id = "4"
}

data "misp_users" "email" {
  email = %[4]q
}

data "misp_users" "disabled" {
  org_id   = %[2]q
  disabled = true
}

data "misp_users" "enabled_acme" {
  org_id   = %[2]q
  disabled = false
}

data "misp_users" "search" {
  search = %[5]q
}

output "acme_csv" {
  value = provider::misp::users_csv(data.misp_users.acme.users)
}
`, a2, acme, strings.ToUpper(cidEmail), "beta-"+sfx+".ex", strings.ToLower(betaName)))
	csvOrg := `"` + strings.ReplaceAll(acmeName, `"`, `""`) + `"`
	wantCSV := "id,email,org_id,org_name,role_id,role_name,disabled,totp_enabled,last_login\r\n" +
		fmt.Sprintf("%s,%s,%s,%s,3,User,false,false,\r\n", a1, annEmail, acme, csvOrg) +
		fmt.Sprintf("%s,%s,%s,%s,4,Publisher,true,%t,%s\r\n", a2, bobEmail, acme, csvOrg, !env.Real(), bobLoginCSV)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.Config(`data "misp_user" "x" { email = "nobody@example.org" }`),
				ExpectError: diagRe("MISP user not found", "nobody@example.org"),
			},
			{
				Config:      env.Config(`data "misp_user" "x" { id = "4242" }`),
				ExpectError: diagRe("MISP user not found", "id 4242"),
			},
			{
				Config: env.Config(`data "misp_user" "x" {
  id    = "1"
  email = "admin@admin.test"
}`),
				ExpectError: diagRe("Invalid Attribute Combination"),
			},
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.misp_user.by_id", tfjsonpath.New("email"), knownvalue.StringExact(bobEmail)),
					statecheck.ExpectKnownValue("data.misp_user.by_id", tfjsonpath.New("org_name"), knownvalue.StringExact(acmeName)),
					statecheck.ExpectKnownValue("data.misp_user.by_id", tfjsonpath.New("role_name"), knownvalue.StringExact("Publisher")),
					statecheck.ExpectKnownValue("data.misp_user.by_id", tfjsonpath.New("disabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.misp_user.by_id", tfjsonpath.New("totp_enabled"), bobTOTP),
					statecheck.ExpectKnownValue("data.misp_user.by_id", tfjsonpath.New("last_login"), bobLogin),
					statecheck.ExpectKnownValue("data.misp_user.by_id", tfjsonpath.New("server_id"), knownvalue.StringExact("0")),
					statecheck.ExpectKnownValue("data.misp_user.by_email", tfjsonpath.New("id"), knownvalue.StringExact(b1)),
					statecheck.ExpectKnownValue("data.misp_user.by_email", tfjsonpath.New("notification_weekly"), knownvalue.Bool(true)),
					ids("acme", a1, a2),
					ids("publishers", a2),
					ids("email", b1),
					ids("disabled", a2),
					ids("enabled_acme", a1),
					ids("search", b1),
					statecheck.ExpectKnownValue(list("email"), tfjsonpath.New("users").AtSliceIndex(0),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"org_name": knownvalue.StringExact(betaName), "role_name": knownvalue.StringExact("User"),
							"notification_weekly": knownvalue.Bool(true), "totp_enabled": knownvalue.Bool(false),
						})),
					statecheck.ExpectKnownOutputValue("acme_csv", knownvalue.StringExact(wantCSV)),
				},
			},
		},
	})
}
