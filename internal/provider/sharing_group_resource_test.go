package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

const sgAddr = "misp_sharing_group.test"

// testAccCheckSharingGroupsDestroyed checks that no misp_sharing_group of the state is left in MISP.
func testAccCheckSharingGroupsDestroyed(env *accEnv, t *testing.T) resource.TestCheckFunc {
	return checkGoneFromMISP(env, t, "misp_sharing_group", "sharing group", func(ctx context.Context, c *misp.Client, id string) error {
		_, err := c.GetSharingGroup(ctx, id)
		return err
	})
}

// sgMembersAre checks the members MISP holds (organisation id → extend), read through the UI helper.
func sgMembersAre(ui *mispUI, id *string, want func() map[string]bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, ok := ui.SharingGroupMembers(*id)
		if !ok {
			return fmt.Errorf("sharing group %s not in MISP", *id)
		}
		w := want()
		if len(got) != len(w) {
			return fmt.Errorf("MISP holds members %v, want %v", got, w)
		}
		for k, v := range w {
			if e, ok := got[k]; !ok || e != v {
				return fmt.Errorf("MISP holds members %v, want %v", got, w)
			}
		}
		return nil
	}
}

func sgOrgs(name string) string {
	return fmt.Sprintf(`
resource "misp_organisation" "a" {
  name = "%[1]s-a"
}

resource "misp_organisation" "b" {
  name = "%[1]s-b"
}
`, name)
}

// TestAccSharingGroup_lifecycle: create with members, in-place update (rename, members added, removed and
// extend changed, all_orgs of this instance), import by id, uuid and name, drift of members, disappearance,
// an empty member set, destroy.
func TestAccSharingGroup_lifecycle(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	name := randomName("sg")
	var id, idA, idB, firstID string
	create := env.Config(sgOrgs(name), fmt.Sprintf(`
resource "misp_sharing_group" "test" {
  name          = %q
  description   = "Partners"
  releasability = "TLP:AMBER"
  organisations = [{ organisation_id = misp_organisation.a.id, extend = true }]
  servers       = [{ server_id = "0", all_orgs = false }]
}
`, name))
	update := env.Config(sgOrgs(name), fmt.Sprintf(`
resource "misp_sharing_group" "test" {
  name          = "%s-renamed"
  description   = ""
  releasability = "TLP:AMBER"
  organisations = [
    { organisation_id = misp_organisation.a.id, extend = false },
    { organisation_id = misp_organisation.b.id, extend = true },
  ]
  servers = [{ server_id = "0", all_orgs = true }]
}
`, name))
	empty := env.Config(sgOrgs(name), fmt.Sprintf(`
resource "misp_sharing_group" "test" {
  name          = "%s-renamed"
  description   = ""
  releasability = "TLP:AMBER"
  organisations = []
  servers       = [{ server_id = "0", all_orgs = true }]
}
`, name))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSharingGroupsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: create,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("roaming"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("organisation_id"), knownvalue.StringExact("1")),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("org_count"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("servers"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"server_id": knownvalue.StringExact("0"), "all_orgs": knownvalue.Bool(false)}),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					captureStateAttr(sgAddr, "id", &id),
					captureStateAttr("misp_organisation.a", "id", &idA),
					captureStateAttr("misp_organisation.b", "id", &idB),
					// The key's organisation owns the group but is not a member.
					sgMembersAre(ui, &id, func() map[string]bool { return map[string]bool{idA: true} }),
				),
			},
			{
				Config: update,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(sgAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("name"), knownvalue.StringExact(name+"-renamed")),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("org_count"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("servers"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"server_id": knownvalue.StringExact("0"), "all_orgs": knownvalue.Bool(true)}),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPtr(sgAddr, "id", &id),
					sgMembersAre(ui, &id, func() map[string]bool { return map[string]bool{idA: false, idB: true} }),
				),
			},
			{ResourceName: sgAddr, ImportState: true, ImportStateVerify: true},
			{
				ResourceName: sgAddr, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: stateAttrFunc(sgAddr, "uuid", strings.ToUpper),
			},
			{
				ResourceName: sgAddr, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: stateAttrFunc(sgAddr, "name", nil),
			},
			{
				ResourceName: sgAddr, ImportState: true, ImportStateId: "999999",
				ExpectError: diagRe("no MISP sharing group has the id, uuid or name", "999999"),
			},
			{
				// Drift: a member removed and another added in MISP are planned back.
				PreConfig: func() {
					ui.RemoveSharingGroupOrg(id, idB)
					ui.AddSharingGroupOrg(id, "1", false)
				},
				Config: update,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(sgAddr, plancheck.ResourceActionUpdate),
				}},
				Check: sgMembersAre(ui, &id, func() map[string]bool { return map[string]bool{idA: false, idB: true} }),
			},
			{
				// Disappearance: the group deleted in MISP is created again.
				PreConfig: func() {
					firstID = id
					ui.DeleteSharingGroup(id)
				},
				Config: update,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(sgAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeTestCheckFunc(
					captureStateAttr(sgAddr, "id", &id),
					func(*terraform.State) error {
						if id == firstID {
							return fmt.Errorf("sharing group kept id %s after it was deleted", id)
						}
						return nil
					},
					sgMembersAre(ui, &id, func() map[string]bool { return map[string]bool{idA: false, idB: true} }),
				),
			},
			{
				Config: empty,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("organisations"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("org_count"), knownvalue.Int64Exact(0)),
				},
				Check: sgMembersAre(ui, &id, func() map[string]bool { return map[string]bool{} }),
			},
		},
	})
}

// TestAccSharingGroup_unmanagedMembers: without organisations in the configuration, members added in MISP are
// kept and shown, and the plan stays empty.
func TestAccSharingGroup_unmanagedMembers(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	name := randomName("sg")
	var id, idA string
	cfg := env.Config(sgOrgs(name), fmt.Sprintf(`
resource "misp_sharing_group" "test" {
  name    = %q
  roaming = true
}
`, name))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSharingGroupsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("organisations"), knownvalue.SetSizeExact(0)),
					// A roaming group gets no server entry.
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("servers"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("roaming"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeTestCheckFunc(
					captureStateAttr(sgAddr, "id", &id),
					captureStateAttr("misp_organisation.a", "id", &idA),
				),
			},
			{
				PreConfig: func() { ui.AddSharingGroupOrg(id, idA, true) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(sgAddr, "organisations.#", "1"),
					sgMembersAre(ui, &id, func() map[string]bool { return map[string]bool{idA: true} }),
				),
			},
		},
	})
}

// TestAccSharingGroup_quirks: the name MISP would silently suffix, a change of active, dropping this instance
// from servers and an unknown member are refused with an explanation instead of a silent no-op.
func TestAccSharingGroup_quirks(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	name := randomName("sg")
	ui.CreateSharingGroup(name + "-taken")
	group := func(attrs string) string {
		return env.Config(fmt.Sprintf(`
resource "misp_sharing_group" "test" {
  name = %q
%s
}
`, name, attrs))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSharingGroupsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				// The taken name in another case: MISP would create "<NAME>-TAKEN_NNNN".
				Config: env.Config(fmt.Sprintf(`
resource "misp_sharing_group" "test" {
  name = %q
}
`, strings.ToUpper(name+"-taken"))),
				ExpectError: diagRe("MISP sharing group name already in use", "already has the name", "import the existing group"),
			},
			{
				Config:      group(`  servers = []`),
				ExpectError: diagRe("MISP keeps this instance in a sharing group that is not roaming", "server_id = \"0\""),
			},
			{
				Config:      group(`  organisations = [{ organisation_id = "999999", extend = false }]`),
				ExpectError: diagRe("Unknown MISP organisation", "organisation_id 999999"),
			},
			{
				Config:             group(`  active = false`),
				ConfigStateChecks:  []statecheck.StateCheck{statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("active"), knownvalue.Bool(false))},
				ExpectNonEmptyPlan: false,
			},
			{
				Config:      group(`  active = true`),
				ExpectError: diagRe("Cannot change whether a MISP sharing group is active", "active = true but MISP has false"),
			},
			{
				// Renaming to a taken name: MISP would answer 200 and keep the old name.
				Config: env.Config(fmt.Sprintf(`
resource "misp_sharing_group" "test" {
  name   = "%s-taken"
  active = false
}
`, name)),
				ExpectError: diagRe("MISP sharing group name already in use"),
			},
			{
				Config: group(`  active = false
  servers = [{ server_id = "0", all_orgs = false }]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
