package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// Creations whose answer is lost never take over, share or duplicate an object (create_safely.go). The faults
// come from a proxy in front of MISP (faultproxy_test.go), so these run on the emulator and on a real MISP.

// verifyStep checks MISP and the state after a step that expected an error (whose own Check does not run).
func verifyStep(check resource.TestCheckFunc) resource.TestStep {
	return resource.TestStep{RefreshState: true, ExpectNonEmptyPlan: true, Check: check}
}

// oneNamed checks that exactly one object of a MISP list has this name.
func oneNamed(list func() []map[string]any, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n := 0
		for _, o := range list() {
			if fmt.Sprint(o["name"]) == name {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("%d objects named %q in MISP, want exactly 1", n, name)
		}
		return nil
	}
}

// A colleague's account exists (created by the same admin key moments ago); a configuration declares the same
// e-mail, and its add gets a gateway 502 (nothing reached MISP). The lookup finds the colleague's account, which
// lacks this creation's marker: it is not adopted, and destroying the configuration leaves it alone.
func TestAccCreateSafety_neverTakesOverAnExistingAccount(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t)
	email := randomName("colleague") + "@example.org"
	colleague, _ := ui.CreateUser(map[string]any{"email": email})
	for _, sid := range []string{"", "  nids_sid = 4242424\n"} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy: func(*terraform.State) error {
				if _, ok := ui.User(colleague); !ok {
					return fmt.Errorf("the colleague's account %s was deleted", colleague)
				}
				return nil
			},
			Steps: []resource.TestStep{{
				PreConfig: func() {
					proxy.Set(fakemisp.Fault{Pattern: "POST /admin/users/add", Kind: fakemisp.FaultError, Status: 502, Count: 1})
				},
				Config:      proxy.Config(env, fmt.Sprintf("resource \"misp_user\" \"test\" {\n  email = %q\n%s}\n", email, sid)),
				ExpectError: diagRe("Error creating MISP user", "found user "+email, "which this apply did not create", "not taken over", "import it"),
			}},
		})
	}
}

// Two resources declare the same e-mail and both adds lose their answer: one of them adopts the account the
// first add made, the other is refused, so no account is ever owned by two resources. With a configured
// nids_sid (the same in both, so the marker cannot tell them apart) the claims still do.
func TestAccCreateSafety_neverOwnedTwice(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t)
	for _, sid := range []string{"", "  nids_sid = 4242424\n"} {
		email := randomName("twice") + "@example.org"
		cfg := proxy.Config(env, fmt.Sprintf("resource \"misp_user\" \"a\" {\n  email = %[1]q\n%[2]s}\n\nresource \"misp_user\" \"b\" {\n  email = %[1]q\n%[2]s}\n", email, sid))
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             usersWithEmail(ui, email, 0),
			Steps: []resource.TestStep{
				{
					PreConfig: func() {
						proxy.Set(fakemisp.Fault{Pattern: "POST /admin/users/add", Kind: fakemisp.FaultLostResponse, Count: 2})
					},
					Config:      cfg,
					ExpectError: diagRe("Error creating MISP user", "not taken over"),
				},
				verifyStep(resource.ComposeTestCheckFunc(usersWithEmail(ui, email, 1), func(s *terraform.State) error {
					n := 0
					for _, rs := range s.RootModule().Resources {
						if rs.Type == "misp_user" {
							n++
						}
					}
					if n != 1 {
						return fmt.Errorf("%d misp_user resources in state hold the one account, want exactly 1", n)
					}
					return nil
				})),
			},
		})
	}
}

// Lost create answers for organisations and roles are adopted when this creation made the object (exactly one
// exists afterwards, the next plan is empty); when an object of that name existed before, it is not.
func TestAccCreateSafety_organisationsAndRoles(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t)
	name := randomName("lost")
	taken := randomName("taken")
	ui.CreateOrganisation(map[string]any{"name": taken})
	ui.CreateRole(map[string]any{"name": taken})
	both := proxy.Config(env, fmt.Sprintf("resource \"misp_organisation\" \"test\" {\n  name = %[1]q\n}\n\nresource \"misp_role\" \"test\" {\n  name = %[1]q\n}\n", name))
	lost := func(pattern string) fakemisp.Fault {
		return fakemisp.Fault{Pattern: pattern, Kind: fakemisp.FaultLostResponse, Count: 1}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { proxy.Set(lost("POST /admin/organisations/add"), lost("POST /admin/roles/add")) },
				Config:    both,
				Check: resource.ComposeTestCheckFunc(
					oneNamed(ui.Organisations, name),
					oneNamed(ui.Roles, name),
					func(*terraform.State) error {
						if n := proxy.Count("POST /admin/organisations/add") + proxy.Count("POST /admin/roles/add"); n != 2 {
							return fmt.Errorf("%d adds, want 2: an adopted object must not be created again", n)
						}
						return nil
					},
				),
			},
			{
				// A role of that name existed before: the lost add (MISP refused it) finds that role and leaves it.
				PreConfig:   func() { proxy.Set(lost("POST /admin/roles/add")) },
				Config:      both + fmt.Sprintf("\nresource \"misp_role\" \"taken\" {\n  name = %q\n}\n", taken),
				ExpectError: diagRe("Error creating MISP role", "which existed before this apply tried to create it", "not taken over"),
			},
			verifyStep(oneNamed(ui.Roles, taken)),
			{
				// An organisation of that name existed before: the lost add finds nothing with its uuid, sends the add
				// again, and MISP's own refusal is what the user reads.
				PreConfig:   func() { proxy.Set(lost("POST /admin/organisations/add")) },
				Config:      both + fmt.Sprintf("\nresource \"misp_organisation\" \"taken\" {\n  name = %q\n}\n", taken),
				ExpectError: diagRe("Error creating MISP organisation", "An organisation with this name already exists"),
			},
			verifyStep(oneNamed(ui.Organisations, taken)),
		},
	})
}

// An address that starts with "!" (valid for MISP) is looked up exactly, although "!" is the NOT of MISP's
// e-mail filter: a lost answer adopts the user, and import by the address finds it.
func TestAccCreateSafety_emailStartingWithBang(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t)
	email := "!" + randomName("bang") + "@example.org"
	cfg := proxy.Config(env, fmt.Sprintf("resource \"misp_user\" \"test\" {\n  email = %q\n}\n", email))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             usersWithEmail(ui, email, 0),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					proxy.Set(fakemisp.Fault{Pattern: "POST /admin/users/add", Kind: fakemisp.FaultLostResponse, Count: 1})
				},
				Config: cfg,
				Check:  usersWithEmail(ui, email, 1),
			},
			{
				ResourceName: userAddr, ImportState: true, ImportStateId: email, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"store_authkey", "authkey", "notify", "password_reset_version", "totp_reset_version", "password_wo_version"},
			},
		},
	})
}

// A 429 on a creation is repeated after the wait its Retry-After asks for, and max_retries bounds every repeat:
// with max_retries = 1 a single add is sent.
func TestAccCreateSafety_retryAfterAndMaxRetries(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t)
	email := randomName("ratelimited") + "@example.org"
	user := fmt.Sprintf("resource \"misp_user\" \"test\" {\n  email = %q\n}\n", email)
	rateLimited := func() {
		proxy.Set(fakemisp.Fault{Pattern: "POST /admin/users/add", Kind: fakemisp.FaultRateLimit, RetryAfter: 3, Count: 1})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             usersWithEmail(ui, email, 0),
		Steps: []resource.TestStep{
			{
				PreConfig:   rateLimited,
				Config:      proxy.ProviderBlock(env, "  max_retries = 1\n") + user,
				ExpectError: diagRe("Error creating MISP user", "HTTP 429", "looked up after each of 1 attempts"),
			},
			verifyStep(func(*terraform.State) error {
				if n := proxy.Count("POST /admin/users/add"); n != 1 {
					return fmt.Errorf("%d adds with max_retries = 1, want 1", n)
				}
				return nil
			}),
			{
				PreConfig: rateLimited,
				Config:    proxy.Config(env, user),
				Check: resource.ComposeTestCheckFunc(usersWithEmail(ui, email, 1), func(*terraform.State) error {
					adds := proxy.Times("POST /admin/users/add")
					if len(adds) != 2 {
						return fmt.Errorf("%d adds, want 2", len(adds))
					}
					if gap := adds[1].Sub(adds[0]); gap < 3*time.Second {
						return fmt.Errorf("the add was repeated after %s, before the 3 s Retry-After", gap)
					}
					return nil
				}),
			},
		},
	})
}
