package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Creating users one after another in a configured organisation (1: the emulator's and a fresh real MISP's own) costs no organisations listing per user: the plan-time check that a user's
// organisation exists reads the cached organisation names, which user writes do not drop (a user write drops the
// organisations listing itself, for its user_count). Before, each user's re-plan during the apply listed every
// organisation again: 683 listings for 1,000 users in make bench.
func TestAccUser_createManyListsOrganisationsOnce(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t)
	base := randomName("chain")
	const n = 5
	var body strings.Builder
	for i := range n {
		dep := ""
		if i > 0 {
			dep = fmt.Sprintf("  depends_on = [misp_user.u%d]\n", i-1)
		}
		fmt.Fprintf(&body, "resource \"misp_user\" \"u%d\" {\n  email  = %q\n  org_id = 1\n%s}\n", i, fmt.Sprintf("%s-%d@example.org", base, i), dep)
	}
	listings := func() int {
		total := 0
		for k, v := range proxy.Counters() {
			if strings.HasPrefix(k, "GET /organisations/index") {
				total += v
			}
		}
		return total
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(st *terraform.State) error {
			for i := range n {
				if err := usersWithEmail(ui, fmt.Sprintf("%s-%d@example.org", base, i), 0)(st); err != nil {
					return err
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: proxy.ResetCounts,
				Config:    proxy.Config(env, body.String()),
				Check: func(*terraform.State) error {
					// One listing for the plan, one for the apply (each command is a new provider process); the
					// refresh after the apply needs none.
					if got := listings(); got > 3 {
						return fmt.Errorf("%d organisations listings to create %d chained users, want at most 3 (counters %v)", got, n, proxy.Counters())
					}
					return nil
				},
			},
		},
	})
}
