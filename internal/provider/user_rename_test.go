package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// An organisation and a role renamed in the same apply that edits one of their users: the user's org_name and
// role_name were planned unchanged (its org_id and role_id did not change), so the apply keeps them and the
// refresh after it records the new names, instead of "Provider produced inconsistent result after apply".
func TestAccUser_orgAndRoleRenamedInSameApply(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	org, role := randomName("rename-org"), randomName("rename-role")
	email := randomName("rename") + "@example.org"
	cfg := func(suffix string, autoalert bool) string {
		return env.Config(fmt.Sprintf(`
resource "misp_organisation" "o" {
  name = %q
}

resource "misp_role" "r" {
  name       = %q
  permission = "read_only"
  perm_auth  = true
}

resource "misp_user" "u" {
  email     = %q
  org_id    = misp_organisation.o.id
  role_id   = misp_role.r.id
  autoalert = %t
}
`, org+suffix, role+suffix, email, autoalert))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("", false),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("misp_user.u", "org_name", org),
					resource.TestCheckResourceAttr("misp_user.u", "role_name", role),
				),
			},
			{
				Config: cfg("-b", true),
				Check:  resource.TestCheckResourceAttr("misp_user.u", "autoalert", "true"),
			},
			{
				// The refresh records the new names; nothing to change.
				Config: cfg("-b", true),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("misp_user.u", "org_name", org+"-b"),
					resource.TestCheckResourceAttr("misp_user.u", "role_name", role+"-b"),
				),
			},
		},
	})
}
