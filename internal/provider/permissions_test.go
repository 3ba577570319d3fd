package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccPermissions_plainUserKey: with a "User"-role key, every change MISP would refuse with HTTP 403 at apply
// is refused at plan time, naming the key's user and role and what the resource needs; what such a key may read
// (roles, organisations, and the state of existing organisations and roles) still works; reading users is
// refused with the same explanation. An org admin's key is refused for organisations.
func TestAccPermissions_plainUserKey(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("perm"))
	plainEmail := "plain-" + suffix + "@example.org"
	_, plainKey := ui.CreateUser(map[string]any{"email": plainEmail, "org_id": "1", "role_id": "3"})
	orgAdminEmail := "orgadmin-" + suffix + "@example.org"
	_, orgAdminKey := ui.CreateUser(map[string]any{"email": orgAdminEmail, "org_id": "1", "role_id": "2"})
	plain := env.ProviderBlockWithKey(plainKey)
	plainUser := fmt.Sprintf("belongs to %s (user", plainEmail)

	user := fmt.Sprintf(`
resource "misp_user" "u" {
  email = "member-%s@example.org"
}
`, suffix)
	role := fmt.Sprintf(`
resource "misp_role" "r" {
  name = "role-%s"
}
`, suffix)
	org := func(description string) string {
		return fmt.Sprintf(`
resource "misp_organisation" "o" {
  name        = "org-%s"
  description = %q
}
`, suffix, description)
	}
	defaultRole := `
resource "misp_default_role" "d" {
  role_id = "3"
}
`
	readable := `
data "misp_roles" "all" {}

data "misp_organisations" "all" {}

data "misp_role" "user" {
  name = "User"
}

data "misp_organisation" "own" {
  id = "1"
}
`
	refused := func(cfg string, parts ...string) resource.TestStep {
		return resource.TestStep{Config: cfg, PlanOnly: true, ExpectError: diagRe(parts...)}
	}
	managed := org("managed") + role

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			refused(plain+user, "The provider's API key may not change MISP users", "would create a misp_user",
				plainUser, `whose role "User" (id 3) is neither a site admin nor an org admin (perm_admin)`,
				"a site admin's key, or an org admin's key (a role with perm_admin)", "HTTP 403"),
			refused(plain+org("x"), "The provider's API key may not change MISP organisations",
				"would create a misp_organisation", plainUser, `role "User"`, "a site admin's key (a role with perm_site_admin)"),
			refused(plain+role, "The provider's API key may not change MISP roles", "would create a misp_role",
				plainUser, "a site admin's key"),
			refused(plain+defaultRole, "The provider's API key may not change MISP's default role",
				"would create a misp_default_role", plainUser, "a site admin's key"),
			refused(env.ProviderBlockWithKey(orgAdminKey)+org("x"), "The provider's API key may not change MISP organisations",
				fmt.Sprintf("belongs to %s (user", orgAdminEmail), `whose role "Org Admin" (id 2) is an org admin role, not a site admin`),
			refused(plain+`
data "misp_users" "all" {}
`, "The provider's API key may not read MISP users", "The misp_users data source reads MISP users", plainUser),
			refused(plain+`
data "misp_user" "admin" {
  id = "1"
}
`, "The provider's API key may not read MISP users", "The misp_user data source", plainUser),
			{
				// What a plain user may read.
				Config: plain + readable,
				Check: resource.ComposeTestCheckFunc(
					listContains("data.misp_roles.all", "roles", "name", "User"),
					listContains("data.misp_organisations.all", "organisations", "id", "1"),
					resource.TestCheckResourceAttr("data.misp_role.user", "id", "3"),
					resource.TestCheckResourceAttr("data.misp_organisation.own", "id", "1"),
				),
			},
			// Objects created with the site admin's key: a plain key's plan of them is empty, and any change is
			// refused.
			{Config: env.Config(managed)},
			{Config: plain + managed, PlanOnly: true},
			refused(plain+org("changed")+role, "would update a misp_organisation", plainUser),
			refused(plain+readable, "would delete a misp_", plainUser),
			{Config: env.Config(managed), PlanOnly: true},
		},
	})
}
