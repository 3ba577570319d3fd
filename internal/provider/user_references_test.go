package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccUser_danglingReferences: moving an existing user to an organisation or role that does not exist is
// refused at plan time (MISP itself would save the dangling id on an edit). Runs on both targets.
func TestAccUser_danglingReferences(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	email := randomName("dangling") + "@example.org"
	var id string
	cfg := func(extra string) string {
		return env.Config(fmt.Sprintf("resource \"misp_user\" \"test\" {\n  email = %q\n%s}\n", email, extra))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUsersDestroyed(env, t),
		Steps: []resource.TestStep{
			{Config: cfg("  role_id = \"3\"\n"), Check: captureStateAttr(userAddr, "id", &id)},
			{
				Config:      cfg("  role_id = \"3\"\n  org_id = \"999999\"\n"),
				ExpectError: diagRe("No such MISP organisation", "MISP has no organisation with id 999999", "in no organisation"),
			},
			{
				Config:      cfg("  role_id = \"999999\"\n"),
				ExpectError: diagRe("No such MISP role", "MISP has no role with id 999999", "without API access"),
			},
			{
				// Nothing was changed: MISP still has the user in its organisation with its role.
				Config: cfg("  role_id = \"3\"\n"),
				Check:  userCheck(ui, &id, userFields(map[string]any{"role_id": "3", "org_id": "1"})),
			},
		},
	})
}
