package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccRoleDataSources covers misp_role by id and name, misp_roles with and without a name filter, and the
// errors of a lookup that finds nothing.
func TestAccRoleDataSources(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	name := randomName("role")
	role := fmt.Sprintf(`
resource "misp_role" "test" {
  name         = %q
  permission   = "publish"
  perm_auth    = true
  memory_limit = "4G"
}
`, name)
	lookups := `
data "misp_role" "user" {
  name = "User"
}
data "misp_role" "read_only" {
  id = "6"
}
data "misp_role" "mine" {
  name = misp_role.test.name
}
data "misp_roles" "all" {
  depends_on = [misp_role.test]
}
data "misp_roles" "org" {
  name = "Org%"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckRolesDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config:      env.Config(role, `data "misp_role" "none" {}`),
				PlanOnly:    true,
				ExpectError: diagRe("Exactly one of these attributes must be configured"),
			},
			{
				Config: env.Config(role, lookups),
				ConfigStateChecks: []statecheck.StateCheck{
					// The built-in "User" role reads back as manage_org and is the seeded default.
					statecheck.ExpectKnownValue("data.misp_role.user", tfjsonpath.New("id"), knownvalue.StringExact("3")),
					statecheck.ExpectKnownValue("data.misp_role.user", tfjsonpath.New("permission"), knownvalue.StringExact("manage_org")),
					statecheck.ExpectKnownValue("data.misp_role.user", tfjsonpath.New("default"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.misp_role.user", tfjsonpath.New("perm_auth"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.misp_role.user", tfjsonpath.New("max_execution_time"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.misp_role.read_only", tfjsonpath.New("name"), knownvalue.StringExact("Read Only")),
					statecheck.ExpectKnownValue("data.misp_role.read_only", tfjsonpath.New("permission"), knownvalue.StringExact("read_only")),
					statecheck.ExpectKnownValue("data.misp_role.read_only", tfjsonpath.New("default"), knownvalue.Bool(false)),
					statecheck.CompareValuePairs("data.misp_role.mine", tfjsonpath.New("id"), roleAddr, tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.misp_role.mine", tfjsonpath.New("perm_publish"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.misp_role.mine", tfjsonpath.New("memory_limit"), knownvalue.StringExact("4G")),
					statecheck.ExpectKnownValue("data.misp_roles.all", tfjsonpath.New("roles").AtSliceIndex(2), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("User"), "default": knownvalue.Bool(true), "perm_tagger": knownvalue.Bool(true),
					})),
					statecheck.ExpectKnownValue("data.misp_roles.org", tfjsonpath.New("roles"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("Org Admin"), "perm_admin": knownvalue.Bool(true)}),
					})),
				},
				// The six built-in roles and ours, among any others.
				Check: listContains("data.misp_roles.all", "roles", "name", "admin", "Org Admin", "User", "Publisher", "Sync user", "Read Only", name),
			},
			{
				Config:      env.Config(role, `data "misp_role" "miss" { name = "user" }`),
				ExpectError: diagRe(`No MISP role has name "user"`, "case-sensitive"),
			},
			{
				Config:      env.Config(role, `data "misp_role" "miss" { id = "999999" }`),
				ExpectError: diagRe("No MISP role has id 999999"),
			},
		},
	})
}
