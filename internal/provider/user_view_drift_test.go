package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// TestAccUser_newlyManagedViewOnlyDrift: a user created without notification_daily is refreshed from MISP's
// users index, which lacks that column. Someone turns it on in MISP; then the configuration starts managing it
// (false): the plan must show the update and the apply must put MISP back, although the refresh could not see
// the change. Runs on both targets.
func TestAccUser_newlyManagedViewOnlyDrift(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	email := randomName("viewdrift") + "@example.org"
	var id string
	cfg := func(extra string) string {
		return env.Config(fmt.Sprintf("resource \"misp_user\" \"test\" {\n  email = %q\n%s}\n", email, extra))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUsersDestroyed(env, t),
		Steps: []resource.TestStep{
			{Config: cfg(""), Check: captureStateAttr(userAddr, "id", &id)},
			{
				PreConfig: func() { ui.UpdateUser(id, map[string]any{"notification_daily": true}) },
				Config:    cfg("  notification_daily = false\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: userCheck(ui, &id, userFields(map[string]any{"notification_daily": false})),
			},
			{
				// Managed from now on: the refresh reads the view, so a later change in MISP is ordinary drift.
				PreConfig:          func() { ui.UpdateUser(id, map[string]any{"notification_daily": true}) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
}
