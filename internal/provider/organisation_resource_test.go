package provider

import (
	"context"
	"fmt"
	"regexp"
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

const orgAddr = "misp_organisation.test"

// captureStateAttr stores an attribute of a resource in the state (e.g. its id, for PreConfig functions).
func captureStateAttr(addr, attr string, dst *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(addr, attr, func(v string) error {
		*dst = v
		return nil
	})
}

// stateAttrFunc is an ImportStateIdFunc importing by one attribute of a resource in the state.
func stateAttrFunc(addr, attr string, transform func(string) string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s not in state", addr)
		}
		v := rs.Primary.Attributes[attr]
		if transform != nil {
			v = transform(v)
		}
		return v, nil
	}
}

// testAccCheckOrganisationsDestroyed checks that no misp_organisation of the state is left in MISP.
func testAccCheckOrganisationsDestroyed(env *accEnv, t *testing.T) resource.TestCheckFunc {
	return checkGoneFromMISP(env, t, "misp_organisation", "organisation", func(ctx context.Context, c *misp.Client, id string) error {
		_, err := c.GetOrganisation(ctx, id)
		return err
	})
}

// orgCheck asserts on an organisation as MISP stores it.
func orgCheck(ui *mispUI, id *string, check func(o map[string]any) error) resource.TestCheckFunc {
	return objectCheck(ui, "organisation", (*mispUI).Organisation, id, check)
}

func TestAccOrganisation_lifecycle(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	name := randomName("org")
	const uuidUpper = "6F3C2B1A-0D4E-4F5A-9B8C-7D6E5F4A3B2C"
	var id string
	create := env.Config(fmt.Sprintf(`
resource "misp_organisation" "test" {
  name                 = %[1]q
  uuid                 = %[2]q
  description          = "Blue team"
  type                 = "CSIRT"
  nationality          = "Luxembourg"
  sector               = "Government"
  restricted_to_domain = ["example.org", "example.net"]
  landingpage          = "https://intranet.example.org/misp"
}
`, name, uuidUpper))
	update := env.Config(fmt.Sprintf(`
resource "misp_organisation" "test" {
  name                 = "%[1]s-renamed"
  uuid                 = %[2]q
  description          = ""
  type                 = "CSIRT"
  nationality          = "Luxembourg"
  sector               = "Government"
  contacts             = "soc@example.org"
  local                = false
  restricted_to_domain = []
  landingpage          = "https://intranet.example.org/misp"
}
`, name, strings.ToLower(uuidUpper)))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganisationsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: create,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					// The configured spelling is kept although MISP answers in lower case (and the automatic
					// plan after apply proves there is no perpetual diff).
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("uuid"), knownvalue.StringExact(uuidUpper)),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("local"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("contacts"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("user_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("created_by"), knownvalue.StringExact("1")),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("date_created"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("restricted_to_domain"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("example.org"), knownvalue.StringExact("example.net"),
					})),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("landingpage"), knownvalue.StringExact("https://intranet.example.org/misp")),
				},
				Check: resource.ComposeTestCheckFunc(
					captureStateAttr(orgAddr, "id", &id),
					orgCheck(ui, &id, func(o map[string]any) error {
						if o["uuid"] != strings.ToLower(uuidUpper) {
							return fmt.Errorf("MISP stores uuid %v, want it lower-cased", o["uuid"])
						}
						return nil
					}),
				),
			},
			{
				Config: update,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("name"), knownvalue.StringExact(name+"-renamed")),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("contacts"), knownvalue.StringExact("soc@example.org")),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("local"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("restricted_to_domain"), knownvalue.SetSizeExact(0)),
				},
				Check: orgCheck(ui, &id, func(o map[string]any) error {
					if o["local"] != false || o["contacts"] != "soc@example.org" || o["description"] != "" {
						return fmt.Errorf("MISP has local=%v contacts=%v description=%v", o["local"], o["contacts"], o["description"])
					}
					return nil
				}),
			},
			{ResourceName: orgAddr, ImportState: true, ImportStateVerify: true},
			{
				ResourceName: orgAddr, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: stateAttrFunc(orgAddr, "uuid", strings.ToUpper),
			},
			{
				ResourceName: orgAddr, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: stateAttrFunc(orgAddr, "name", nil),
			},
			{
				ResourceName: orgAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
				ImportStateIdFunc: stateAttrFunc(orgAddr, "name", nil),
				ImportPlanChecks:  resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: orgAddr, ImportState: true, ImportStateId: "999999",
				ExpectError: diagRe("no MISP organisation has id 999999", "numeric id, its uuid, or its exact"),
			},
		},
	})
}

// TestAccOrganisation_drift covers changes made in MISP's UI: unmanaged attributes are adopted silently and kept
// by later applies, managed ones are put back, and a deleted organisation is recreated.
func TestAccOrganisation_drift(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	name := randomName("org")
	var id string
	cfg := func(desc string) string {
		return env.Config(fmt.Sprintf(`
resource "misp_organisation" "test" {
  name        = %q
  description = %q
}
`, name, desc))
	}
	mutate := func(fields map[string]any) func() {
		return func() {
			ui.UpdateOrganisation(id, fields)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganisationsDestroyed(env, t),
		Steps: []resource.TestStep{
			{Config: cfg("first"), Check: captureStateAttr(orgAddr, "id", &id)},
			{
				// Someone makes the org remote and restricts its domains in the UI: the configuration leaves both
				// out, so nothing is planned and the state adopts MISP's values.
				PreConfig: mutate(map[string]any{"local": false, "restricted_to_domain": []string{"ui.example.org"}, "sector": "Energy"}),
				Config:    cfg("first"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("local"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(orgAddr, tfjsonpath.New("sector"), knownvalue.StringExact("Energy")),
				},
			},
			{
				// A managed attribute edited in the UI is drift.
				PreConfig:          mutate(map[string]any{"description": "edited in the UI"}),
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgAddr, plancheck.ResourceActionUpdate),
				}},
			},
			{
				// Re-applying puts the description back, and this edit leaves the UI's changes intact.
				Config: cfg("first"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(orgAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: orgCheck(ui, &id, func(o map[string]any) error {
					domains, _ := o["restricted_to_domain"].([]any)
					if o["description"] != "first" || o["local"] != false || o["sector"] != "Energy" ||
						len(domains) != 1 || domains[0] != "ui.example.org" {
						return fmt.Errorf("after the apply MISP has description=%v local=%v sector=%v domains=%v",
							o["description"], o["local"], o["sector"], o["restricted_to_domain"])
					}
					return nil
				}),
			},
			{
				// Another managed change: still only what changed is sent.
				Config: cfg("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgAddr, plancheck.ResourceActionUpdate),
				}},
				Check: orgCheck(ui, &id, func(o map[string]any) error {
					if o["description"] != "second" || o["local"] != false || o["sector"] != "Energy" {
						return fmt.Errorf("after the second apply MISP has description=%v local=%v sector=%v",
							o["description"], o["local"], o["sector"])
					}
					return nil
				}),
			},
			{
				// Deleted in the UI: the Read warns, removes it from state, and the plan recreates it.
				PreConfig: func() {
					ui.DeleteOrganisation(id)
				},
				Config: cfg("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(orgAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// TestAccOrganisation_refusals covers what MISP refuses, each explained, and plan-time validation.
func TestAccOrganisation_refusals(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	name := randomName("org")
	var id, userID, otherUUID string
	base := fmt.Sprintf(`
resource "misp_organisation" "test" {
  name        = %q
  landingpage = "https://a.example.org"
}
resource "misp_organisation" "other" {
  name = "%s-other"
}
`, name, name)
	plan := func(hcl string) string { return env.Config(hcl) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganisationsDestroyed(env, t),
		Steps: []resource.TestStep{
			// Plan-time validation.
			{
				Config:      plan("resource \"misp_organisation\" \"v7\" {\n  name = \"x\"\n  uuid = \"01890a5d-ac96-774b-bcce-b302099a8057\"\n}"),
				PlanOnly:    true,
				ExpectError: diagRe("version 0 to 5", "rejects version 6 and 7"),
			},
			{
				Config:      plan(`resource "misp_organisation" "blank" { name = "   " }`),
				PlanOnly:    true,
				ExpectError: diagRe("must not be blank"),
			},
			{
				Config:      plan("resource \"misp_organisation\" \"dom\" {\n  name = \"x\"\n  restricted_to_domain = [\"a.org\", \" b.org\"]\n}"),
				PlanOnly:    true,
				ExpectError: diagRe("must be a domain without spaces"),
			},
			{
				Config:      plan("resource \"misp_organisation\" \"dom\" {\n  name = \"x\"\n  restricted_to_domain = [\"a.org\", \"A.org\"]\n}"),
				PlanOnly:    true,
				ExpectError: diagRe("Duplicate domain"),
			},
			{
				Config: env.Config(base),
				Check: resource.ComposeTestCheckFunc(
					captureStateAttr(orgAddr, "id", &id),
					captureStateAttr("misp_organisation.other", "uuid", &otherUUID),
				),
			},
			{
				// Duplicate name: MISP's words on the name attribute, naming the name.
				Config: env.Config(base + fmt.Sprintf(`
resource "misp_organisation" "dup" {
  name = %q
}
`, name)),
				ExpectError: diagRe(`Creating organisation "`+name+`"`, "An organisation with this name already exists"),
			},
			{
				// landingpage cannot change: refused at plan time, nothing replaced.
				Config:      env.Config(strings.Replace(base, "https://a.example.org", "https://b.example.org", 1)),
				PlanOnly:    true,
				ExpectError: diagRe("Cannot change the landing page", "only when an organisation is created"),
			},
			{
				// Another organisation's uuid: refused with its name before MISP fails internally.
				Config: env.Config(strings.Replace(base, `landingpage = "https://a.example.org"`,
					`landingpage = "https://a.example.org"`+"\n  uuid = misp_organisation.other.uuid", 1)),
				ExpectError: diagRe(`already belongs to organisation "` + name + `-other"`),
			},
			{
				// An organisation with a user cannot be deleted: the error says how many and what to do.
				PreConfig: func() {
					userID, _ = ui.CreateUser(map[string]any{"email": "member@" + name + ".example.org", "org_id": id})
				},
				Config:      env.Config(`resource "misp_organisation" "other" { name = "` + name + `-other" }`),
				ExpectError: diagRe(`MISP refused to delete organisation "`+name+`"`, "1 user still belongs to it"),
			},
			{
				PreConfig: func() {
					ui.DeleteUser(userID)
				},
				Config: env.Config(`resource "misp_organisation" "other" { name = "` + name + `-other" }`),
			},
		},
	})
}
