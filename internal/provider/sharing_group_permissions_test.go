package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// TestAccSharingGroup_orgAdminKey: keys that are not a site admin's are refused at plan time for a group, a plain
// user's also for a membership (an org admin's memberships: TestAccSharingGroupOrganisation_orgAdminKey), and each
// diagnostic says what MISP 2.5.1 would do with that key's requests
// (docs/development/misp-api.md §10.6, recorded in internal/golden/testdata/sharing_groups.json): an org admin's add
// is refused (403), its edits answer 200 and change nothing, its deletes reach only its own organisation's groups;
// a plain user's key gets the ACL's 403 for everything.
func TestAccSharingGroup_orgAdminKey(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("sgperm"))
	email := "orgadmin-" + suffix + "@example.org"
	_, key := ui.CreateUser(map[string]any{"email": email, "org_id": "1", "role_id": "2"})
	orgAdmin := env.ProviderBlockWithKey(key)
	plainEmail := "plain-" + suffix + "@example.org"
	_, plainKey := ui.CreateUser(map[string]any{"email": plainEmail, "org_id": "1", "role_id": "3"})
	plain := env.ProviderBlockWithKey(plainKey)
	group := func(description string) string {
		return fmt.Sprintf(`
resource "misp_sharing_group" "g" {
  name        = "sg-%s"
  description = %q
}
`, suffix, description)
	}
	membership := `
resource "misp_sharing_group_organisation" "m" {
  sharing_group_id = "1"
  organisation_id  = "1"
}
`
	refused := func(cfg string, parts ...string) resource.TestStep {
		return resource.TestStep{Config: cfg, PlanOnly: true, ExpectError: diagRe(parts...)}
	}
	holder := fmt.Sprintf("belongs to %s (user", email)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSharingGroupsDestroyed(env, t),
		Steps: []resource.TestStep{
			refused(orgAdmin+group("a"), "The provider's API key may not change MISP sharing groups",
				"would create a misp_sharing_group", holder,
				`whose role "Org Admin" (id 2) is an org admin role, not a site admin`,
				`HTTP 403 "Could not save sharing group."`, "extending member",
				`edits of a sharing group with success (HTTP 200) but changes nothing`, "a site admin's key"),
			refused(plain+group("a"), "would create a misp_sharing_group", fmt.Sprintf("belongs to %s (user", plainEmail),
				"lacks perm_sharing_group", `HTTP 403 "You do not have permission to use this functionality."`),
			refused(plain+membership, "The provider's API key may not change this MISP sharing group membership",
				"would create a misp_sharing_group_organisation", "lacks perm_sharing_group", "perm_sharing_group (api_key"),
			// A group of the org admin's organisation, created with the site admin's key: the org admin may read it.
			{Config: env.Config(group("a"))},
			{Config: orgAdmin + group("a"), PlanOnly: true},
			refused(orgAdmin+group("b"), "would update a misp_sharing_group", holder,
				`edits of a sharing group with success (HTTP 200) but changes nothing`),
			refused(orgAdmin, "would delete a misp_sharing_group", holder,
				"only when the key's organisation owns it", "HTTP 405"),
			{Config: env.Config(group("a")), PlanOnly: true},
		},
	})
}

// TestAccSharingGroupOrganisation_orgAdminKey: an org admin's key adds and removes members of a group its organisation
// owns and is a member of (with extend as configured), is refused at plan time a change of extend (MISP 2.5.1 ignores its edits), gets
// a clear error for a group it may not extend (MISP's 405 reads like a missing group), and does not drop from the
// state a membership MISP refused to remove when its organisation lost the right to extend the group.
func TestAccSharingGroupOrganisation_orgAdminKey(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("sgoperm"))
	partner := ui.CreateOrganisation(map[string]any{"name": "partner-" + suffix})
	other := ui.CreateOrganisation(map[string]any{"name": "other-" + suffix})
	group := ui.CreateSharingGroup("owned-" + suffix) // owned by organisation 1, the site admin's
	// MISP lets the owner's org admin change members only when its organisation is also a member (§10.6).
	ui.AddSharingGroupOrg(group, "1", false)
	_, key := ui.CreateUser(map[string]any{"email": "sgo-admin-" + suffix + "@example.org", "org_id": "1", "role_id": "2"})
	orgAdmin := env.ProviderBlockWithKey(key)
	_, partnerKey := ui.CreateUser(map[string]any{"email": "sgo-partner-" + suffix + "@example.org", "org_id": partner, "role_id": "2"})
	partnerAdmin := env.ProviderBlockWithKey(partnerKey)
	member := func(org string, extend bool) string {
		return fmt.Sprintf(`
resource "misp_sharing_group_organisation" "m" {
  sharing_group_id = %q
  organisation_id  = %q
  extend           = %t
}
`, group, org, extend)
	}
	members := func(want map[string]bool) resource.TestCheckFunc {
		return sgMembersAre(ui, &group, func() map[string]bool { return want })
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSharingGroupsDestroyed(env, t),
		Steps: []resource.TestStep{
			{Config: orgAdmin + member(partner, true), Check: members(map[string]bool{"1": false, partner: true})},
			{
				Config:           orgAdmin + member(partner, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: orgAdmin + member(partner, false), PlanOnly: true,
				ExpectError: diagRe("The provider's API key may not change this MISP sharing group membership",
					"would update a misp_sharing_group_organisation", `whose role "Org Admin" (id 2)`,
					"changes nothing", "may add and remove members", "-replace"),
			},
			// Removed by the org admin's key.
			{Config: orgAdmin, Check: members(map[string]bool{"1": false})},
			// The partner's org admin may not extend the group: MISP's 405 is explained, nothing is added.
			{
				Config: partnerAdmin + member(other, false),
				ExpectError: diagRe("MISP sharing group not found", "no sharing group "+group+" exists",
					"not a member of", "neither owns nor may extend"),
			},
			// Once the partner may extend the group, its key adds a member ...
			{
				PreConfig: func() { ui.AddSharingGroupOrg(group, partner, true) },
				Config:    partnerAdmin + member(other, false),
				Check:     members(map[string]bool{"1": false, partner: true, other: false}),
			},
			// ... and when it may no longer, the refused removal keeps the membership in the state.
			{
				PreConfig: func() {
					ui.RemoveSharingGroupOrg(group, partner)
					ui.AddSharingGroupOrg(group, partner, false)
				},
				Config:      partnerAdmin,
				ExpectError: diagRe("MISP did not remove the organisation from the sharing group", "still lists the organisation"),
			},
			{
				PreConfig: func() {
					ui.RemoveSharingGroupOrg(group, partner)
					ui.AddSharingGroupOrg(group, partner, true)
				},
				Config: partnerAdmin,
				Check:  members(map[string]bool{"1": false, partner: true}),
			},
		},
	})
}
