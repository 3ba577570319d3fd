package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccSharingGroupDataSources(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	name := randomName("sg")
	cfg := env.Config(sgOrgs(name), fmt.Sprintf(`
resource "misp_sharing_group" "test" {
  name          = %q
  releasability = "partners only"
  active        = false
  organisations = [{ organisation_id = misp_organisation.a.id, extend = true }]
}

data "misp_sharing_group" "by_id" {
  id = misp_sharing_group.test.id
}

data "misp_sharing_group" "by_uuid" {
  uuid = upper(misp_sharing_group.test.uuid)
}

data "misp_sharing_group" "by_name" {
  name = misp_sharing_group.test.name
}

data "misp_sharing_groups" "all" {
  depends_on = [misp_sharing_group.test]
}
`, name))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSharingGroupsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.misp_sharing_group.by_id", "name", sgAddr, "name"),
					resource.TestCheckResourceAttr("data.misp_sharing_group.by_id", "releasability", "partners only"),
					resource.TestCheckResourceAttr("data.misp_sharing_group.by_id", "active", "false"),
					resource.TestCheckResourceAttr("data.misp_sharing_group.by_id", "organisations.#", "1"),
					resource.TestCheckResourceAttrPair("data.misp_sharing_group.by_id", "organisations.0.organisation_id", "misp_organisation.a", "id"),
					resource.TestCheckResourceAttr("data.misp_sharing_group.by_id", "organisations.0.extend", "true"),
					resource.TestCheckResourceAttr("data.misp_sharing_group.by_id", "servers.#", "1"),
					resource.TestCheckResourceAttrPair("data.misp_sharing_group.by_uuid", "id", sgAddr, "id"),
					resource.TestCheckResourceAttrPair("data.misp_sharing_group.by_name", "id", sgAddr, "id"),
					// The inactive group is listed too (MISP's index lists it only under /index/true).
					listContains("data.misp_sharing_groups.all", "sharing_groups", "name", name),
				),
			},
			{
				Config: env.Config(`
data "misp_sharing_group" "missing" {
  name = "tfacc-no-such-sharing-group"
}
`),
				ExpectError: diagRe("No MISP sharing group", `name "tfacc-no-such-sharing-group"`),
			},
		},
	})
}
