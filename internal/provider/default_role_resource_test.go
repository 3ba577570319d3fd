package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const defaultRoleAddr = "misp_default_role.this"

// expectDefaultRole checks MISP's default role through the API (the roles index).
func expectDefaultRole(env *accEnv, t *testing.T, want *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, got, err := currentDefaultRole(context.Background(), env.Client(t))
		if err != nil {
			return err
		}
		if got != *want {
			return fmt.Errorf("MISP's default role is %q, want %q", got, *want)
		}
		return nil
	}
}

func TestAccDefaultRole_basic(t *testing.T) {
	t.Parallel()
	env := newAccEnvDefaultRole(t)
	ui := env.UI(t)
	name := randomName("role")
	var analyst, reviewer, previous string
	roles := fmt.Sprintf(`
resource "misp_role" "analyst" {
  name       = "%[1]s-analyst"
  permission = "manage_own"
  perm_auth  = true
}
resource "misp_role" "reviewer" {
  name       = "%[1]s-reviewer"
  permission = "read_only"
  perm_auth  = true
}
`, name)
	withDefault := func(role string) string {
		return env.Config(roles + fmt.Sprintf(`
resource "misp_default_role" "this" {
  role_id = misp_role.%s.id
}
`, role))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.Config(roles + "resource \"misp_default_role\" \"this\" {\n  role_id = \"User\"\n}\n"),
				PlanOnly:    true,
				ExpectError: diagRe("must be the numeric id of a MISP role"),
			},
			{
				// Record what the default is before the resource exists: destroy must restore it.
				Config: env.Config(roles),
				Check: resource.ComposeTestCheckFunc(
					captureStateAttr("misp_role.analyst", "id", &analyst),
					captureStateAttr("misp_role.reviewer", "id", &reviewer),
					func(*terraform.State) error {
						var err error
						_, previous, err = currentDefaultRole(context.Background(), env.Client(t))
						return err
					},
				),
			},
			{
				Config: withDefault("analyst"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(defaultRoleAddr, tfjsonpath.New("id"), knownvalue.StringExact("default")),
					statecheck.CompareValuePairs(defaultRoleAddr, tfjsonpath.New("role_id"),
						"misp_role.analyst", tfjsonpath.New("id"), compare.ValuesSame()),
				},
				Check: resource.ComposeTestCheckFunc(
					expectDefaultRole(env, t, &analyst),
					resource.TestCheckResourceAttrPtr(defaultRoleAddr, "previous_role_id", &previous),
				),
			},
			{
				Config: withDefault("reviewer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(defaultRoleAddr, plancheck.ResourceActionUpdate),
				}},
				Check: expectDefaultRole(env, t, &reviewer),
			},
			{
				// The roles' computed "default" follows on the next refresh, without a difference.
				RefreshState: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("misp_role.reviewer", "default", "true"),
					resource.TestCheckResourceAttr("misp_role.analyst", "default", "false"),
				),
			},
			{
				// Someone picks another default in the UI: drift.
				PreConfig:          func() { ui.SetDefaultRole("4") },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(defaultRoleAddr, plancheck.ResourceActionUpdate),
				}},
			},
			{
				Config: withDefault("reviewer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(defaultRoleAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectDefaultRole(env, t, &reviewer),
			},
			{
				ResourceName: defaultRoleAddr, ImportState: true, ImportStateVerify: true,
				// Nothing records the earlier default on import.
				ImportStateVerifyIgnore: []string{"previous_role_id"},
			},
			{
				ResourceName: defaultRoleAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:    "default",
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: defaultRoleAddr, ImportState: true, ImportStateId: "3",
				ExpectError: regexp.MustCompile(`The import id must be "default"`),
			},
			{
				// Destroying the singleton puts the earlier default back (the roles stay).
				Config: env.Config(roles),
				Check:  expectDefaultRole(env, t, &previous),
			},
			{
				Config:      env.Config(roles + "resource \"misp_default_role\" \"this\" {\n  role_id = \"999999\"\n}\n"),
				ExpectError: diagRe("MISP has no role with id 999999"),
			},
		},
	})
}

// TestAccDefaultRole_previousGone covers destroy when the earlier default role no longer exists: MISP cannot
// unset a default, so it is left alone.
func TestAccDefaultRole_previousGone(t *testing.T) {
	t.Parallel()
	env := newAccEnvDefaultRole(t)
	ui := env.UI(t)
	name := randomName("role")
	// The default before the resource exists is a role that someone deletes while the resource manages the default.
	previous := ui.CreateRole(map[string]any{"name": name + "-previous", "perm_auth": true})
	ui.SetDefaultRole(previous)
	var analyst string
	role := fmt.Sprintf(`
resource "misp_role" "analyst" {
  name = %q
}
`, name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.Config(role + "resource \"misp_default_role\" \"this\" {\n  role_id = misp_role.analyst.id\n}\n"),
				Check: resource.ComposeTestCheckFunc(
					captureStateAttr("misp_role.analyst", "id", &analyst),
					resource.TestCheckResourceAttr(defaultRoleAddr, "previous_role_id", previous),
				),
			},
			{
				PreConfig: func() { ui.DeleteRole(previous) },
				Config:    env.Config(role),
				Check:     expectDefaultRole(env, t, &analyst),
			},
		},
	})
}
