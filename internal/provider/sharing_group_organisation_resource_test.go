package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

const sgoAddr = "misp_sharing_group_organisation.a"

// TestAccSharingGroupOrganisation: one membership per resource; extend updated in place, import by ids and by
// uuids, a membership removed in MISP is added back, an existing one is not silently adopted, destroy removes it.
func TestAccSharingGroupOrganisation(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	name := randomName("sg")
	var sgID, idA, idB string
	cfg := func(extendA bool) string {
		return env.Config(sgOrgs(name), fmt.Sprintf(`
resource "misp_sharing_group" "test" {
  name = %q
}

resource "misp_sharing_group_organisation" "a" {
  sharing_group_id = misp_sharing_group.test.id
  organisation_id  = misp_organisation.a.id
  extend           = %t
}

resource "misp_sharing_group_organisation" "b" {
  sharing_group_id = misp_sharing_group.test.id
  organisation_id  = misp_organisation.b.id
}
`, name, extendA))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSharingGroupsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: cfg(true),
				Check: resource.ComposeTestCheckFunc(
					captureStateAttr(sgAddr, "id", &sgID),
					captureStateAttr("misp_organisation.a", "id", &idA),
					captureStateAttr("misp_organisation.b", "id", &idB),
					resource.TestCheckResourceAttr("misp_sharing_group_organisation.b", "extend", "false"),
					sgMembersAre(ui, &sgID, func() map[string]bool { return map[string]bool{idA: true, idB: false} }),
				),
			},
			{
				// The group's own organisations (not configured) follow the membership resources without a diff.
				Config:           cfg(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: cfg(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(sgoAddr, plancheck.ResourceActionUpdate),
				}},
				Check: sgMembersAre(ui, &sgID, func() map[string]bool { return map[string]bool{idA: false, idB: false} }),
			},
			{ResourceName: sgoAddr, ImportState: true, ImportStateVerify: true},
			{
				ResourceName: sgoAddr, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					sg := s.RootModule().Resources[sgAddr].Primary.Attributes["uuid"]
					org := s.RootModule().Resources["misp_organisation.a"].Primary.Attributes["uuid"]
					return sg + "/" + org, nil
				},
			},
			{
				// Removed in MISP: added again.
				PreConfig: func() { ui.RemoveSharingGroupOrg(sgID, idA) },
				Config:    cfg(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(sgoAddr, plancheck.ResourceActionCreate),
				}},
				Check: sgMembersAre(ui, &sgID, func() map[string]bool { return map[string]bool{idA: false, idB: false} }),
			},
			{
				// A second resource for an existing membership is refused, not adopted.
				Config: cfg(false) + `
resource "misp_sharing_group_organisation" "dup" {
  sharing_group_id = misp_sharing_group.test.id
  organisation_id  = misp_organisation.a.id
}
`,
				ExpectError: diagRe("Organisation already in the MISP sharing group", "terraform import"),
			},
			{
				// Removing the membership resources removes the memberships; the group stays.
				Config: env.Config(sgOrgs(name), fmt.Sprintf(`
resource "misp_sharing_group" "test" {
  name = %q
}
`, name)),
				Check: sgMembersAre(ui, &sgID, func() map[string]bool { return map[string]bool{} }),
			},
		},
	})
}
