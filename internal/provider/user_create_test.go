package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// A creation whose outcome is unknown is repeated only after the e-mail lookup shows that nothing was
// created: a dropped connection and a 503 each cost one more add and leave exactly one user; three failures
// in a row end in an error that says nothing was created, and no user exists.
func TestAccUser_createRetriedWhenNothingCreated(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t)
	suffix := strings.ToLower(randomName("retry"))
	cfg := func(name string) string {
		return proxy.Config(env, fmt.Sprintf("resource \"misp_user\" %q {\n  email = %q\n}\n", name, name+"-"+suffix+"@example.org"))
	}
	fault := func(kind fakemisp.FaultKind, status, count int) func() {
		return func() {
			proxy.Set(fakemisp.Fault{Pattern: "POST /admin/users/add", Kind: kind, Status: status, Count: count})
		}
	}
	exactlyOne := func(name string, adds int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if n := len(ui.UsersByEmail(name + "-" + suffix + "@example.org")); n != 1 {
				return fmt.Errorf("%d users %s, want exactly 1", n, name)
			}
			if got := proxy.Count("POST /admin/users/add"); got != adds {
				return fmt.Errorf("%d add requests, want %d", got, adds)
			}
			proxy.Clear()
			return nil
		}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{PreConfig: fault(fakemisp.FaultDrop, 0, 1), Config: cfg("dropped"), Check: exactlyOne("dropped", 2)},
			{PreConfig: fault(fakemisp.FaultError, 503, 2), Config: cfg("unavailable"), Check: exactlyOne("unavailable", 3)},
			{
				PreConfig:   fault(fakemisp.FaultError, 502, 4),
				Config:      cfg("down"),
				ExpectError: diagRe("Error creating MISP user", "Nothing was created in MISP (looked up after each of 4 attempts)"),
			},
			{
				PreConfig: func() {
					proxy.Set()
					if n := len(ui.UsersByEmail("down-" + suffix + "@example.org")); n != 0 {
						t.Fatalf("%d users after the failed creation, want none", n)
					}
				},
				Config: cfg("down"),
				Check:  exactlyOne("down", 1),
			},
		},
	})
}
