package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccSharingGroup_orgAdminKey: keys that are not a site admin's are refused at plan time, for the group and
// for a membership, and each diagnostic says what MISP 2.5.1 would do with that key's requests
// (docs/development/misp-api.md §10.6, recorded in internal/golden/testdata/sharing_groups.json): an org admin's add
// is refused (403), its edits answer 200 and change nothing, its deletes reach only its own organisation's groups;
// a plain user's key gets the ACL's 403 for everything.
func TestAccSharingGroup_orgAdminKey(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("sgperm"))
	email := "orgadmin-" + suffix + "@example.org"
	_, key := ui.CreateUser(map[string]any{"email": email, "org_id": "1", "role_id": "2"})
	orgAdmin := env.ProviderBlockWithKey(key)
	plainEmail := "plain-" + suffix + "@example.org"
	_, plainKey := ui.CreateUser(map[string]any{"email": plainEmail, "org_id": "1", "role_id": "3"})
	plain := env.ProviderBlockWithKey(plainKey)
	group := func(description string) string {
		return fmt.Sprintf(`
resource "misp_sharing_group" "g" {
  name        = "sg-%s"
  description = %q
}
`, suffix, description)
	}
	membership := `
resource "misp_sharing_group_organisation" "m" {
  sharing_group_id = "1"
  organisation_id  = "1"
}
`
	refused := func(cfg string, parts ...string) resource.TestStep {
		return resource.TestStep{Config: cfg, PlanOnly: true, ExpectError: diagRe(parts...)}
	}
	holder := fmt.Sprintf("belongs to %s (user", email)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSharingGroupsDestroyed(env, t),
		Steps: []resource.TestStep{
			refused(orgAdmin+group("a"), "The provider's API key may not change MISP sharing groups",
				"would create a misp_sharing_group", holder,
				`whose role "Org Admin" (id 2) is an org admin role, not a site admin`,
				`HTTP 403 "Could not save sharing group."`, "extending member",
				`edits of a sharing group with success (HTTP 200) but changes nothing`, "a site admin's key"),
			refused(orgAdmin+membership, "The provider's API key may not change MISP sharing group memberships",
				"would create a misp_sharing_group_organisation", "groups its organisation owns or may extend",
				"HTTP 405", "change extend", "a site admin's key"),
			refused(plain+group("a"), "would create a misp_sharing_group", fmt.Sprintf("belongs to %s (user", plainEmail),
				"lacks perm_sharing_group", `HTTP 403 "You do not have permission to use this functionality."`),
			refused(plain+membership, "would create a misp_sharing_group_organisation", "lacks perm_sharing_group"),
			// A group of the org admin's organisation, created with the site admin's key: the org admin may read it.
			{Config: env.Config(group("a"))},
			{Config: orgAdmin + group("a"), PlanOnly: true},
			refused(orgAdmin+group("b"), "would update a misp_sharing_group", holder,
				`edits of a sharing group with success (HTTP 200) but changes nothing`),
			refused(orgAdmin, "would delete a misp_sharing_group", holder,
				"only when the key's organisation owns it", "HTTP 405"),
			{Config: env.Config(group("a")), PlanOnly: true},
		},
	})
}
