package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccOrganisationDataSources covers misp_organisation by id, uuid and name, misp_organisations by scope and
// search, and the errors of a lookup that finds nothing.
func TestAccOrganisationDataSources(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	name := randomName("org")
	numeric := numericTestName()
	orgs := fmt.Sprintf(`
resource "misp_organisation" "local" {
  name                 = "%[1]s-local"
  sector               = "Telecoms"
  restricted_to_domain = ["local.example.org"]
  landingpage          = "https://local.example.org"
}
resource "misp_organisation" "remote" {
  name  = "%[1]s-remote"
  local = false
}
# A numeric name: MISP's own view would take it for an id.
resource "misp_organisation" "numeric" {
  name = %[2]q
}
`, name, numeric)
	lookups := `
data "misp_organisation" "by_id" {
  id = misp_organisation.local.id
}
data "misp_organisation" "by_uuid" {
  uuid = upper(misp_organisation.remote.uuid)
}
data "misp_organisation" "by_name" {
  name = misp_organisation.local.name
}
data "misp_organisation" "numeric" {
  name       = misp_organisation.numeric.name
  depends_on = [misp_organisation.numeric]
}
data "misp_organisations" "local" {
  search     = "` + name + `"
  depends_on = [misp_organisation.local, misp_organisation.remote]
}
data "misp_organisations" "external" {
  scope      = "external"
  search     = "` + name + `"
  depends_on = [misp_organisation.local, misp_organisation.remote]
}
data "misp_organisations" "all" {
  scope      = "all"
  depends_on = [misp_organisation.local, misp_organisation.remote, misp_organisation.numeric]
}
`
	local := "misp_organisation.local"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckOrganisationsDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config:      env.Config(orgs, "data \"misp_organisation\" \"two\" {\n  id   = \"1\"\n  name = \"x\"\n}\n"),
				PlanOnly:    true,
				ExpectError: diagRe("Invalid Attribute Combination"),
			},
			{
				Config:      env.Config(orgs, `data "misp_organisations" "bad" { scope = "remote" }`),
				PlanOnly:    true,
				ExpectError: diagRe("scope", "local", "external", "all"),
			},
			{
				Config: env.Config(orgs, lookups),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.misp_organisation.by_id", tfjsonpath.New("uuid"), local, tfjsonpath.New("uuid"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.misp_organisation.by_id", tfjsonpath.New("sector"), knownvalue.StringExact("Telecoms")),
					statecheck.ExpectKnownValue("data.misp_organisation.by_id", tfjsonpath.New("landingpage"), knownvalue.StringExact("https://local.example.org")),
					statecheck.ExpectKnownValue("data.misp_organisation.by_id", tfjsonpath.New("restricted_to_domain"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("local.example.org")})),
					statecheck.ExpectKnownValue("data.misp_organisation.by_uuid", tfjsonpath.New("name"), knownvalue.StringExact(name+"-remote")),
					statecheck.ExpectKnownValue("data.misp_organisation.by_uuid", tfjsonpath.New("local"), knownvalue.Bool(false)),
					statecheck.CompareValuePairs("data.misp_organisation.by_name", tfjsonpath.New("id"), local, tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs("data.misp_organisation.numeric", tfjsonpath.New("id"),
						"misp_organisation.numeric", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.misp_organisations.local", tfjsonpath.New("organisations"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": knownvalue.StringExact(name + "-local"), "local": knownvalue.Bool(true), "user_count": knownvalue.Int64Exact(0),
						}),
					})),
					statecheck.ExpectKnownValue("data.misp_organisations.external", tfjsonpath.New("organisations"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(name + "-remote")}),
					})),
				},
				// The seeded host organisation and the three above, among any others.
				Check: listContains("data.misp_organisations.all", "organisations", "name", "ORGNAME", name+"-local", name+"-remote", numeric),
			},
			{
				Config:      env.Config(orgs, `data "misp_organisation" "miss" { name = "`+strings.ToUpper(name)+`-LOCAL" }`),
				ExpectError: diagRe(`No MISP organisation has name "`+strings.ToUpper(name)+`-LOCAL"`, "case-sensitive"),
			},
			{
				Config:      env.Config(orgs, `data "misp_organisation" "miss" { uuid = "6f3c2b1a-0d4e-4f5a-9b8c-000000000000" }`),
				ExpectError: diagRe("No MISP organisation has uuid 6f3c2b1a-0d4e-4f5a-9b8c-000000000000"),
			},
			{
				Config:      env.Config(orgs, `data "misp_organisation" "miss" { id = "999999" }`),
				ExpectError: diagRe("No MISP organisation has id 999999"),
			},
		},
	})
}
