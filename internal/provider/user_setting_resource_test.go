package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

const homeAddr = "misp_user_setting.home"

// userSettingBase is an organisation and an analyst for one test's settings.
func userSettingBase(env *accEnv, suffix string) string {
	return env.Config(fmt.Sprintf(`
resource "misp_organisation" "team" {
  name = "team-%[1]s"
}

resource "misp_user" "analyst" {
  email   = "analyst-%[1]s@example.org"
  org_id  = misp_organisation.team.id
  role_id = "3"
}
`, suffix))
}

// userSettingConfig is the base plus a homepage, a list of hidden columns and a dashboard given as HCL values.
func userSettingConfig(env *accEnv, suffix, homepage, columns, dashboard string) string {
	return userSettingBase(env, suffix) + fmt.Sprintf(`
resource "misp_user_setting" "home" {
  user_id = misp_user.analyst.id
  setting = "homepage"
  value   = %s
}

resource "misp_user_setting" "columns" {
  user_id = misp_user.analyst.id
  setting = "event_index_hide_columns"
  value   = %s
}

resource "misp_user_setting" "dashboard" {
  user_id = misp_user.analyst.id
  setting = "dashboard"
  value   = %s
}
`, homepage, columns, dashboard)
}

// settingInMISP checks the value MISP has for the setting of the resource at addr (compared as MISP stores it).
func settingInMISP(ui *mispUI, addr, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		got, ok := ui.UserSetting(rs.Primary.Attributes["user_id"], rs.Primary.Attributes["setting"])
		if !ok {
			return fmt.Errorf("%s: MISP has no setting %s", addr, rs.Primary.ID)
		}
		if !(settingValueRule{}).equivalent(got, want) {
			return fmt.Errorf("%s: MISP has %s, want %s", addr, got, want)
		}
		return nil
	}
}

// testAccCheckUserSettingsDestroyed checks that no setting in state is left in MISP.
func testAccCheckUserSettingsDestroyed(env *accEnv, t *testing.T) resource.TestCheckFunc {
	return checkGoneFromMISP(env, t, "misp_user_setting", "user setting", func(ctx context.Context, c *misp.Client, id string) error {
		user, name, ok := strings.Cut(id, "/")
		if !ok {
			return fmt.Errorf("user setting id %q is not <user>/<setting>", id)
		}
		_, err := c.GetUserSetting(ctx, user, name)
		return err
	})
}

// TestAccUserSetting_lifecycle: three settings of one analyst; an in-place change; a value changed in MISP is planned
// back and one deleted in MISP is set again; import by id and by e-mail; destroy deletes them in MISP.
func TestAccUserSetting_lifecycle(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("us"))
	var userID string
	// The dashboard is an empty object, which MISP keeps as []: no diff, ever.
	cfg1 := userSettingConfig(env, suffix, `jsonencode({ path = "/events/index" })`, `jsonencode(["clusters", "tags"])`, `jsonencode({})`)
	// Raw JSON with its own key order and spacing: MISP keeps the order sent, jsonencode would sort.
	cfg2 := userSettingConfig(env, suffix, `"{ \"path\" : \"/dashboards\" }"`, `jsonencode(["clusters"])`,
		`jsonencode([{ widget = "MispStatusWidget", config = {}, position = { x = 0, y = 0, width = 2, height = 2 } }])`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserSettingsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: cfg1,
				Check: resource.ComposeAggregateTestCheckFunc(
					captureStateAttr("misp_user.analyst", "id", &userID),
					resource.TestCheckResourceAttrPair(homeAddr, "user_id", "misp_user.analyst", "id"),
					resource.TestCheckResourceAttrWith(homeAddr, "id", func(v string) error {
						if v != userID+"/homepage" {
							return fmt.Errorf("id %q, want %s/homepage", v, userID)
						}
						return nil
					}),
					resource.TestCheckResourceAttr(homeAddr, "value", `{"path":"/events/index"}`),
					resource.TestCheckResourceAttr("misp_user_setting.dashboard", "value", `{}`),
					resource.TestMatchResourceAttr(homeAddr, "modified", regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)),
					settingInMISP(ui, homeAddr, `{"path":"/events/index"}`),
					settingInMISP(ui, "misp_user_setting.columns", `["clusters","tags"]`),
					settingInMISP(ui, "misp_user_setting.dashboard", `[]`),
				),
			},
			{
				Config:           cfg1,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: cfg2,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(homeAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("misp_user_setting.columns", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("misp_user_setting.dashboard", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(homeAddr, "value", `{ "path" : "/dashboards" }`),
					settingInMISP(ui, homeAddr, `{"path":"/dashboards"}`),
					settingInMISP(ui, "misp_user_setting.columns", `["clusters"]`),
					settingInMISP(ui, "misp_user_setting.dashboard",
						`[{"widget":"MispStatusWidget","config":[],"position":{"x":0,"y":0,"width":2,"height":2}}]`),
				),
			},
			{
				Config:           cfg2,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Someone changes the home page and deletes the hidden columns in MISP.
				PreConfig: func() {
					ui.SetUserSetting(userID, "homepage", `{"path":"/users/view/me"}`)
					ui.DeleteUserSetting(userID, "event_index_hide_columns")
				},
				Config: cfg2,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(homeAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("misp_user_setting.columns", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("misp_user_setting.dashboard", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					settingInMISP(ui, homeAddr, `{"path":"/dashboards"}`),
					settingInMISP(ui, "misp_user_setting.columns", `["clusters"]`),
				),
			},
			{
				// The import has MISP's spelling of the value, which is the configuration's as MISP compares it.
				ResourceName: homeAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"value"},
				ImportStateIdFunc: func(*terraform.State) (string, error) { return userID + "/homepage", nil },
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["value"] != `{"path":"/dashboards"}` {
						return fmt.Errorf("imported %v, want one setting with value {\"path\":\"/dashboards\"}", states)
					}
					return nil
				},
			},
			{
				ResourceName: "misp_user_setting.columns", ImportState: true, ImportStateVerify: true,
				ImportStateId: "analyst-" + suffix + "@example.org/event_index_hide_columns",
			},
		},
	})
}

// TestAccUserSetting_existing: a setting the user already has is never overwritten: another value is an error that
// says to import it; the same value is taken over; the import then manages it.
func TestAccUserSetting_existing(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("use"))
	email := "analyst-" + suffix + "@example.org"
	userID, _ := ui.CreateUser(map[string]any{"email": email, "org_id": "1", "role_id": "3"})
	ui.SetUserSetting(userID, "homepage", `{"path":"/events/index"}`)
	cfg := func(path string) string {
		return env.Config(fmt.Sprintf(`
resource "misp_user_setting" "home" {
  user_id = %q
  setting = "homepage"
  value   = jsonencode({ path = %q })
}
`, userID, path))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserSettingsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: cfg("/dashboards"),
				ExpectError: diagRe("MISP user setting already exists", "User "+userID+" already has setting homepage",
					"/events/index", "terraform import"),
			},
			{
				// Nothing was written.
				PreConfig: func() {
					if got, _ := ui.UserSetting(userID, "homepage"); got != `{"path":"/events/index"}` {
						t.Fatalf("after the refused create MISP has %s", got)
					}
				},
				Config: cfg("/events/index"),
				Check:  settingInMISP(ui, homeAddr, `{"path":"/events/index"}`),
			},
			{
				Config:           cfg("/events/index"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: cfg("/dashboards"),
				Check:  settingInMISP(ui, homeAddr, `{"path":"/dashboards"}`),
			},
		},
	})
}

// TestAccUserSetting_refusals: what MISP refuses, or would get wrong, is refused at plan time where the provider can
// tell, at apply before any write otherwise.
func TestAccUserSetting_refusals(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	one := func(userID, setting, value string) string {
		return env.Config(fmt.Sprintf(`
resource "misp_user_setting" "x" {
  user_id = %q
  setting = %q
  value   = %s
}
`, userID, setting, value))
	}
	steps := []resource.TestStep{
		{Config: one("1", "homepage", `"x"`), PlanOnly: true, ExpectError: diagRe("User setting value is not JSON", "jsonencode")},
		{Config: one("1", "homepage", `jsonencode(false)`), PlanOnly: true, ExpectError: diagRe("MISP cannot store", "false", "Invalid JSON")},
		{Config: one("1", "homepage", `jsonencode("/events")`), PlanOnly: true, ExpectError: diagRe("MISP cannot store", "JSON string")},
		{Config: one("1", "oidc", `jsonencode({})`), PlanOnly: true, ExpectError: diagRe("setting", "value must be one of")},
		{Config: one("1", "nosuch", `jsonencode({})`), PlanOnly: true, ExpectError: diagRe("setting", "value must be one of")},
		{Config: one("admin", "homepage", `jsonencode({})`), PlanOnly: true, ExpectError: diagRe("must be a numeric MISP user id")},
		// MISP would store this for a user id nobody has; the provider checks first and writes nothing.
		{Config: one("987654", "homepage", `jsonencode({ path = "/x" })`), ExpectError: diagRe("MISP user not found", "User 987654 does not exist in MISP", "nothing was written")},
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := env.Client(t).GetUserSetting(context.Background(), "987654", "homepage"); !errors.Is(err, misp.ErrNotFound) {
				return fmt.Errorf("MISP has a setting for user 987654 after the refused create (err %w)", err)
			}
			return nil
		},
		Steps: steps,
	})
}

// TestAccUserSetting_keys: an org admin's key manages its organisation's users' settings and is refused, before any
// write, for another organisation's user (MISP would write the org admin's own setting); a plain user's key is
// refused at plan time for anyone but itself, and dashboard_access needs a site admin.
func TestAccUserSetting_keys(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("usk"))
	org := ui.CreateOrganisation(map[string]any{"name": "team-" + suffix})
	other := ui.CreateOrganisation(map[string]any{"name": "other-" + suffix})
	adminID, adminKey := ui.CreateUser(map[string]any{"email": "oa-" + suffix + "@example.org", "org_id": org, "role_id": "2"})
	peerID, _ := ui.CreateUser(map[string]any{"email": "peer-" + suffix + "@example.org", "org_id": org, "role_id": "3"})
	foreignID, _ := ui.CreateUser(map[string]any{"email": "far-" + suffix + "@example.org", "org_id": other, "role_id": "3"})
	plainID, plainKey := ui.CreateUser(map[string]any{"email": "pu-" + suffix + "@example.org", "org_id": org, "role_id": "3"})
	setting := func(key, userID, name string) string {
		return env.ProviderBlockWithKey(key) + fmt.Sprintf(`
resource "misp_user_setting" "x" {
  user_id = %q
  setting = %q
  value   = jsonencode(%s)
}
`, userID, name, map[string]string{"homepage": `{ path = "/events/index" }`, "dashboard_access": `1`}[name])
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserSettingsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: setting(adminKey, foreignID, "homepage"),
				// An org admin cannot even see another organisation's user.
				ExpectError: diagRe("MISP user not found", "User "+foreignID+" does not exist in MISP or is not in the organisation of the provider's API key",
					"nothing was written"),
			},
			{
				PreConfig: func() {
					for _, id := range []string{adminID, foreignID} {
						if v, ok := ui.UserSetting(id, "homepage"); ok {
							t.Fatalf("after the refused create user %s has homepage %s", id, v)
						}
					}
				},
				Config: setting(plainKey, peerID, "homepage"),
				ExpectError: diagRe("may not manage this user's settings", "user_id "+peerID+" is another user",
					"would write the setting of the key's own user ("+plainID+")"),
			},
			{Config: setting(adminKey, peerID, "dashboard_access"), ExpectError: diagRe("may not manage this setting", "perm_site_admin")},
			{
				Config: setting(plainKey, plainID, "homepage"),
				Check:  settingInMISP(ui, "misp_user_setting.x", `{"path":"/events/index"}`),
			},
			{
				// Replaced: the org admin's key deletes the plain user's setting and sets its peer's.
				Config: setting(adminKey, peerID, "homepage"),
				Check: resource.ComposeAggregateTestCheckFunc(
					settingInMISP(ui, "misp_user_setting.x", `{"path":"/events/index"}`),
					func(*terraform.State) error {
						if v, ok := ui.UserSetting(plainID, "homepage"); ok {
							return fmt.Errorf("the replaced setting of user %s is still in MISP: %s", plainID, v)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccUserSetting_lostAnswers: setSetting replaces, so a lost answer is sent again and the apply succeeds; when
// every answer is lost the apply fails, and the next one takes over the value MISP did store instead of refusing it
// as someone else's. The faults come from a proxy in front of MISP: this runs on both targets.
func TestAccUserSetting_lostAnswers(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t)
	suffix := strings.ToLower(randomName("usl"))
	userID, _ := ui.CreateUser(map[string]any{"email": "analyst-" + suffix + "@example.org", "org_id": "1", "role_id": "3"})
	body := func(path string) string {
		return fmt.Sprintf(`
resource "misp_user_setting" "home" {
  user_id = %q
  setting = "homepage"
  value   = jsonencode({ path = %q })
}
`, userID, path)
	}
	const setEndpoint = "POST /user_settings/setSetting/{id}/homepage"
	sentTwice := func(*terraform.State) error {
		if n := proxy.Count(setEndpoint); n != 2 {
			return fmt.Errorf("%d setSetting requests, want 2 (the one whose answer was lost, and its repeat)", n)
		}
		return nil
	}
	lost := func(n int) func() {
		return func() {
			proxy.Set(fakemisp.Fault{Pattern: setEndpoint, Kind: fakemisp.FaultLostResponse, Count: n})
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserSettingsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				PreConfig: lost(1),
				Config:    proxy.Config(env, body("/events/index")),
				Check:     resource.ComposeAggregateTestCheckFunc(sentTwice, settingInMISP(ui, homeAddr, `{"path":"/events/index"}`)),
			},
			{
				// One attempt only: the change is made in MISP but its answer never arrives.
				PreConfig:   lost(1),
				Config:      proxy.ProviderBlock(env, "  max_retries = 1\n") + body("/dashboards"),
				ExpectError: diagRe("Error setting MISP user setting", "Updating setting homepage of user "+userID),
			},
			{
				PreConfig: proxy.Clear,
				Config:    proxy.Config(env, body("/dashboards")),
				Check:     settingInMISP(ui, homeAddr, `{"path":"/dashboards"}`),
			},
		},
	})
	// A creation whose every answer is lost leaves a setting in MISP and none in the state; the next apply adopts it.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUserSettingsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				PreConfig:   lost(1),
				Config:      proxy.ProviderBlock(env, "  max_retries = 1\n") + body("/events/index"),
				ExpectError: diagRe("Error setting MISP user setting", "Setting homepage of user "+userID),
			},
			{
				PreConfig: func() {
					proxy.Clear()
					if v, ok := ui.UserSetting(userID, "homepage"); !ok || v != `{"path":"/events/index"}` {
						t.Fatalf("the create whose answer was lost left %q (%t) in MISP, want the value written", v, ok)
					}
				},
				Config: proxy.Config(env, body("/events/index")),
				Check:  settingInMISP(ui, homeAddr, `{"path":"/events/index"}`),
			},
			{
				Config:           proxy.Config(env, body("/events/index")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
