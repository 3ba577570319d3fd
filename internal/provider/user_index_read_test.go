package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Refresh from the cached users index: many users cost one listing and no view, drift in what the index
// carries is seen; a user whose configuration manages an attribute the index lacks (notification_daily) is
// read with a view, so its drift is seen too; an imported user is read with a view until the next apply
// records its configuration. Creating users reads nothing back.
func TestAccUser_refreshFromIndex(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t) // counts the provider's requests, on both targets
	suffix := strings.ToLower(randomName("idx"))
	email := func(i int) string { return fmt.Sprintf("idx%d-%s@example.org", i, suffix) }
	plain := ""
	for i := range 5 {
		plain += fmt.Sprintf("resource \"misp_user\" \"u%d\" {\n  email   = %q\n  role_id = \"3\"\n}\n\n", i, email(i))
	}
	notified := fmt.Sprintf("resource \"misp_user\" \"notified\" {\n  email              = %q\n  notification_daily = true\n}\n", "notified-"+suffix+"@example.org")
	config := proxy.Config(env, plain, notified)
	counts := func(want map[string]int) func() {
		return func() {
			got := proxy.Counters()
			for ep, n := range want {
				if got[ep] != n {
					t.Errorf("%s: %d requests, want %d (all: %v)", ep, got[ep], n, got)
				}
			}
			proxy.ResetCounts()
		}
	}
	idOf := func(e string) string {
		users := ui.UsersByEmail(e)
		if len(users) != 1 {
			t.Fatalf("%d users %s in MISP, want 1", len(users), e)
		}
		return fmt.Sprint(users[0]["id"])
	}
	var importedID string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: proxy.ResetCounts,
				Config:    config,
				// Six adds; the post-create edit of notification_daily (MISP ignores it on add) is read back.
				Check: func(*terraform.State) error {
					got := proxy.Counters()
					if got["POST /admin/users/add"] != 6 || got["POST /admin/users/edit/{id}"] != 1 || got["GET /admin/users/view/{id}"] != 1 {
						return fmt.Errorf("create: requests %v, want 6 adds, 1 edit and 1 view", got)
					}
					return nil
				},
			},
			{
				// No change: one listing serves the five plain users, a view the notified one (plus the filtered
				// listing that finds its server_id, which the view lacks).
				PreConfig: proxy.ResetCounts,
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					counts(map[string]int{"GET /admin/users/index": 2, "GET /admin/users/view/{id}": 1})()
					// Drift the index carries, and drift only the view carries.
					ui.UpdateUser(idOf(email(2)), map[string]any{"role_id": "4"})
					ui.UpdateUser(idOf("notified-"+suffix+"@example.org"), map[string]any{"notification_daily": false})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("misp_user.u2", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("misp_user.notified", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("misp_user.u1", plancheck.ResourceActionNoop),
				}},
			},
			{
				// An imported user has no record of its configuration: it is read with a view.
				PreConfig: func() {
					importedID, _ = ui.CreateUser(map[string]any{"email": "imported-" + suffix + "@example.org"})
				},
				Config: config + fmt.Sprintf("\nimport {\n  to = misp_user.imported\n  id = %q\n}\n\nresource \"misp_user\" \"imported\" {\n  email = %q\n}\n",
					"imported-"+suffix+"@example.org", "imported-"+suffix+"@example.org"),
			},
			{
				PreConfig: proxy.ResetCounts,
				Config:    config + fmt.Sprintf("\nresource \"misp_user\" \"imported\" {\n  email = %q\n}\n", "imported-"+suffix+"@example.org"),
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					got := proxy.Counters()
					if got["GET /admin/users/index"] != 3 || got["GET /admin/users/view/{id}"] != 2 {
						t.Errorf("plan with an imported user %s: %v, want 2 views (notified, imported), each with its filtered listing, and 1 full listing", importedID, got)
					}
				},
				Config:   config + fmt.Sprintf("\nresource \"misp_user\" \"imported\" {\n  email = %q\n}\n", "imported-"+suffix+"@example.org"),
				PlanOnly: true,
			},
		},
	})
}
