package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// TestAccUserApplied_loginChangeDisabled: with MISP.disable_user_login_change on, MISP answers an org admin's
// e-mail change with 200 and keeps the old address (docs/development/misp-api.md §5.31). The provider must say so
// (checkApplied's "MISP did not apply a user attribute"), keep the address MISP has in state, plan the change
// again without failing, and apply it once the switch is off. On the emulator the switch is set through its Go API,
// on a real MISP through servers/serverSettingsEdit; as the setting is instance-wide, the test runs alone there.
func TestAccUserApplied_loginChangeDisabled(t *testing.T) {
	t.Parallel()
	env := newAccEnvDefaultRole(t) // the exclusive lock on a real MISP: the setting affects every test
	ui := env.UI(t)
	org := ui.CreateOrganisation(map[string]any{"name": randomName("org-login")})
	// Site admins may always change e-mails: only a key without site admin rights meets the switch.
	_, key := ui.CreateUser(map[string]any{"email": randomName("orgadmin") + "@login.example.org", "org_id": org, "role_id": "2"})
	oldEmail := randomName("applied") + "@login.example.org"
	newEmail := randomName("moved") + "@login.example.org"
	cfg := func(email string) string {
		return env.ProviderBlockWithKey(key) + fmt.Sprintf(`
resource "misp_user" "test" {
  email   = %q
  role_id = "3"
}
`, email)
	}
	var id string
	emailInMISP := func(want string) resource.TestCheckFunc {
		return userCheck(ui, &id, func(u map[string]any) error {
			if u["email"] != want {
				return fmt.Errorf("MISP has email %v, want %s", u["email"], want)
			}
			return nil
		})
	}
	const setting = "MISP.disable_user_login_change"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUsersDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: cfg(oldEmail),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(userAddr, "email", oldEmail),
					resource.TestCheckResourceAttr(userAddr, "org_id", org),
					captureStateAttr(userAddr, "id", &id),
				),
			},
			{
				// MISP drops the address silently: the provider names the attribute, what was sent and what MISP kept.
				PreConfig: func() { ui.SetServerSetting(setting, true) },
				Config:    cfg(newEmail),
				ExpectError: regexp.MustCompile(`(?s)MISP did not apply a user attribute.*did not\s+store\s+email\s+=\s+"` +
					regexp.QuoteMeta(newEmail) + `".*MISP\s+kept\s+"` + regexp.QuoteMeta(oldEmail) + `".*MISP\.disable_user_login_change`),
			},
			{
				// The change is planned again, without an error: not a loop of failures at plan time.
				Config:             cfg(newEmail),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				// State kept the address MISP has: configuring it again plans nothing.
				Config: cfg(oldEmail),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(userAddr, "email", oldEmail),
					emailInMISP(oldEmail),
				),
			},
			{
				// Once login changes are allowed again the same change goes through.
				PreConfig: func() { ui.SetServerSetting(setting, false) },
				Config:    cfg(newEmail),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(userAddr, "email", newEmail),
					emailInMISP(newEmail),
				),
			},
		},
	})
}
