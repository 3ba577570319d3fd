package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccMISPText: text MISP cannot store (a 4-byte UTF-8 character such as an emoji: MISP 2.5.1 answers a bare
// 500) is refused at plan time, naming the attribute; a sensitive attribute's character is not shown. Runs on both
// targets (the plan never reaches MISP).
func TestAccMISPText(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	name := randomName("emoji")
	step := func(body string, want ...string) resource.TestStep {
		return resource.TestStep{Config: env.Config(body), PlanOnly: true, ExpectError: diagRe(want...)}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(fmt.Sprintf("resource \"misp_organisation\" \"x\" {\n  name = \"%s-\U0001F600\"\n}\n", name),
				"Text MISP cannot store", "name contains", "U+1F600", "3-byte UTF-8"),
			step(fmt.Sprintf("resource \"misp_organisation\" \"x\" {\n  name = %q\n  restricted_to_domain = [\"a.org\"]\n  description = \"team \U0001F680\"\n}\n", name),
				"Text MISP cannot store", "description contains"),
			step(fmt.Sprintf("resource \"misp_role\" \"x\" {\n  name = \"%s-\U0001F600\"\n}\n", name), "Text MISP cannot store", "name contains"),
			step(fmt.Sprintf("resource \"misp_user\" \"x\" {\n  email = \"%s@example.org\"\n  external_auth_key = \"k\U0001F511y\"\n}\n", name),
				"Text MISP cannot store", "external_auth_key contains a character outside"),
			{
				// BMP characters beyond ASCII are fine.
				Config:             env.Config(fmt.Sprintf("resource \"misp_organisation\" \"x\" {\n  name = \"%s-Zürich-東京\"\n}\n", name)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}
