package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccSharingGroup_orgAdminKey: an org admin's key is refused at plan time (MISP 2.5.1 answers its edits with
// success and applies none), for the group and for a membership.
func TestAccSharingGroup_orgAdminKey(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("sgperm"))
	email := "orgadmin-" + suffix + "@example.org"
	_, key := ui.CreateUser(map[string]any{"email": email, "org_id": "1", "role_id": "2"})
	orgAdmin := env.ProviderBlockWithKey(key)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: orgAdmin + fmt.Sprintf(`
resource "misp_sharing_group" "g" {
  name = "sg-%s"
}
`, suffix),
				PlanOnly:    true,
				ExpectError: diagRe("The provider's API key may not change MISP sharing groups", "would create a misp_sharing_group", fmt.Sprintf("belongs to %s (user", email), `whose role "Org Admin" (id 2) is an org admin role, not a site admin`),
			},
			{
				Config: orgAdmin + `
resource "misp_sharing_group_organisation" "m" {
  sharing_group_id = "1"
  organisation_id  = "1"
}
`,
				PlanOnly:    true,
				ExpectError: diagRe("The provider's API key may not change MISP sharing group memberships", "a site admin's key"),
			},
		},
	})
}
