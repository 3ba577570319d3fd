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
)

const roleAddr = "misp_role.test"

// testAccCheckRolesDestroyed checks that no misp_role of the state is left in MISP.
func testAccCheckRolesDestroyed(env *accEnv, t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		roles, err := env.Client(t).ListRoles(context.Background(), "")
		if err != nil {
			return err
		}
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != "misp_role" || strings.HasPrefix(addr, "data.") {
				continue
			}
			for _, r := range roles {
				if r.ID.String() == rs.Primary.ID {
					return fmt.Errorf("role %s (%s) still exists", r.ID, r.Name)
				}
			}
		}
		return nil
	}
}

// roleCheck asserts on a role as MISP renders it.
func roleCheck(ui *mispUI, id *string, check func(r map[string]any) error) resource.TestCheckFunc {
	return objectCheck(ui, "role", (*mispUI).Role, id, check)
}

func boolChecks(addr string, values map[string]bool) []statecheck.StateCheck {
	var out []statecheck.StateCheck
	for k, v := range values {
		out = append(out, statecheck.ExpectKnownValue(addr, tfjsonpath.New(k), knownvalue.Bool(v)))
	}
	return out
}

func TestAccRole_lifecycle(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	name := randomName("role")
	var id string
	create := env.Config(fmt.Sprintf(`
resource "misp_role" "test" {
  name               = %q
  permission         = "manage_org"
  perm_auth          = true
  perm_tagger        = true
  memory_limit       = "2048M"
  max_execution_time = 300
  enforce_rate_limit = true
  rate_limit_count   = 50
}
`, name))
	update := env.Config(fmt.Sprintf(`
resource "misp_role" "test" {
  name               = %q
  permission         = "publish"
  perm_auth          = true
  perm_tagger        = true
  perm_sighting      = true
  memory_limit       = "-1"
  max_execution_time = 0
  enforce_rate_limit = false
  rate_limit_count   = 50
}
`, name))
	// permission left out: the level stays "publish" although MISP would reset it on an edit without it.
	withoutPermission := env.Config(fmt.Sprintf(`
resource "misp_role" "test" {
  name          = %q
  perm_auth     = true
  perm_tagger   = true
  perm_sighting = true
  perm_audit    = true
}
`, name))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckRolesDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: create,
				ConfigStateChecks: append(boolChecks(roleAddr, map[string]bool{
					"perm_add": true, "perm_modify": true, "perm_modify_org": true, "perm_publish": false,
					"perm_auth": true, "perm_tagger": true, "perm_admin": false, "perm_site_admin": false,
					"perm_sighting": false, "enforce_rate_limit": true, "restricted_to_site_admin": false, "default": false,
				}),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("permission"), knownvalue.StringExact("manage_org")),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("memory_limit"), knownvalue.StringExact("2048M")),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("max_execution_time"), knownvalue.Int64Exact(300)),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("rate_limit_count"), knownvalue.Int64Exact(50)),
				),
				Check: captureStateAttr(roleAddr, "id", &id),
			},
			{
				Config: update,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
					// MISP recomputes the derived flags: they are unknown in the plan, the others keep their value.
					plancheck.ExpectUnknownValue(roleAddr, tfjsonpath.New("perm_publish")),
					plancheck.ExpectKnownValue(roleAddr, tfjsonpath.New("perm_admin"), knownvalue.Bool(false)),
				}},
				ConfigStateChecks: append(boolChecks(roleAddr, map[string]bool{
					"perm_publish": true, "perm_sighting": true, "perm_tagger": true, "enforce_rate_limit": false,
				}),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("permission"), knownvalue.StringExact("publish")),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("memory_limit"), knownvalue.StringExact("-1")),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("max_execution_time"), knownvalue.Int64Exact(0)),
				),
			},
			{
				Config: withoutPermission,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(roleAddr, tfjsonpath.New("permission"), knownvalue.StringExact("publish")),
					plancheck.ExpectKnownValue(roleAddr, tfjsonpath.New("perm_publish"), knownvalue.Bool(true)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("memory_limit"), knownvalue.StringExact("-1")),
				},
				Check: roleCheck(ui, &id, func(r map[string]any) error {
					if r["permission"] != "3" || r["perm_publish"] != true || r["perm_audit"] != true {
						return fmt.Errorf("MISP has permission=%v perm_publish=%v perm_audit=%v, want 3/true/true",
							r["permission"], r["perm_publish"], r["perm_audit"])
					}
					return nil
				}),
			},
			{ResourceName: roleAddr, ImportState: true, ImportStateVerify: true},
			{
				ResourceName: roleAddr, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: stateAttrFunc(roleAddr, "name", nil),
			},
			{
				ResourceName: roleAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
				ImportStateIdFunc: stateAttrFunc(roleAddr, "name", nil),
				ImportPlanChecks:  resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: roleAddr, ImportState: true, ImportStateId: "no such role",
				ExpectError: diagRe(`no MISP role is named "no such role"`, "numeric id or its exact"),
			},
		},
	})
}

// TestAccRole_drift covers changes made in MISP's UI: an unmanaged flag is adopted and kept, managed ones are
// put back, and a deleted role is recreated.
func TestAccRole_drift(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	name := randomName("role")
	var id string
	cfg := func(audit bool) string {
		return env.Config(fmt.Sprintf(`
resource "misp_role" "test" {
  name       = %q
  permission = "manage_own"
  perm_auth  = true
  perm_audit = %t
}
`, name, audit))
	}
	mutate := func(fields map[string]any) func() {
		return func() {
			ui.UpdateRole(id, fields)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckRolesDestroyed(env, t),
		Steps: []resource.TestStep{
			{Config: cfg(false), Check: captureStateAttr(roleAddr, "id", &id)},
			{
				// A flag the configuration leaves out, set in the UI: no difference, adopted by the state.
				PreConfig: mutate(map[string]any{"perm_tagger": true, "memory_limit": "512M"}),
				Config:    cfg(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("perm_tagger"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("memory_limit"), knownvalue.StringExact("512M")),
				},
			},
			{
				// Managed values changed in the UI (the API key flag and the level) are drift.
				PreConfig:          mutate(map[string]any{"perm_auth": false, "permission": "publish"}),
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
				}},
			},
			{
				// Re-applying restores them and sends nothing about perm_tagger.
				Config: cfg(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: roleCheck(ui, &id, func(r map[string]any) error {
					if r["perm_auth"] != true || r["permission"] != "1" || r["perm_tagger"] != true || r["perm_audit"] != true ||
						r["memory_limit"] != "512M" {
						return fmt.Errorf("after the apply MISP has perm_auth=%v permission=%v perm_tagger=%v perm_audit=%v memory_limit=%v",
							r["perm_auth"], r["permission"], r["perm_tagger"], r["perm_audit"], r["memory_limit"])
					}
					return nil
				}),
			},
			{
				PreConfig: func() {
					ui.DeleteRole(id)
				},
				Config: cfg(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// TestAccRole_refusals covers plan-time validation, a duplicate name and deleting a role users still hold.
func TestAccRole_refusals(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	name := randomName("role")
	var id, userID string
	role := fmt.Sprintf(`
resource "misp_role" "test" {
  name      = %q
  perm_auth = true
}
`, name)
	invalid := func(attrs string) string {
		return env.Config("resource \"misp_role\" \"bad\" {\n  name = \"x\"\n" + attrs + "\n}\n")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckRolesDestroyed(env, t),
		Steps: []resource.TestStep{
			{Config: invalid(`permission = "admin"`), PlanOnly: true, ExpectError: diagRe("permission", "read_only", "publish")},
			{Config: invalid(`memory_limit = "lots"`), PlanOnly: true, ExpectError: diagRe("2048M or 4G, -1 for no limit")},
			{Config: invalid(`max_execution_time = -5`), PlanOnly: true, ExpectError: diagRe("max_execution_time", "at least 0")},
			{
				Config:      env.Config("resource \"misp_role\" \"bad\" {\n  name = \" padded\"\n}\n"),
				PlanOnly:    true,
				ExpectError: diagRe("must not be blank nor start or end with spaces"),
			},
			{
				Config:      env.Config("resource \"misp_role\" \"bad\" {\n  name = \"x\"\n  perm_add = true\n}\n"),
				PlanOnly:    true,
				ExpectError: diagRe("perm_add", "read-only"),
			},
			{
				// The built-in role "User" exists: MISP's words, with the name.
				Config:      env.Config("resource \"misp_role\" \"dup\" {\n  name = \"User\"\n}\n"),
				ExpectError: diagRe(`Creating role "User"`, "A role with this name already exists"),
			},
			{Config: env.Config(role), Check: captureStateAttr(roleAddr, "id", &id)},
			{
				PreConfig: func() {
					userID, _ = ui.CreateUser(map[string]any{"email": "holder@" + name + ".example.org", "role_id": id})
				},
				Config:      env.Config(""),
				ExpectError: diagRe(`MISP refused to delete role "`+name+`"`, "1 user still holds it", "another role"),
			},
			{
				PreConfig: func() {
					ui.DeleteUser(userID)
				},
				Config: env.Config(""),
			},
		},
	})
}
