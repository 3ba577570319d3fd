package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/testkeys"
)

// What the provider does when MISP cannot send an e-mail. Real MISP 2.5.1 then answers
// POST /users/initiatePasswordReset/{id} with HTTP 200 {"saved": false, "errors": "There was an error notifying
// the user. His/her credentials were not altered."} and changes nothing. These tests break the emulator's e-mail
// (a real MISP offers a test no such switch), so they do not run against a real MISP.

const (
	mailFailedText = "There was an error notifying the user. His/her credentials were not altered."
	mailHint       = "MISP could not send the e-mail, so it changed nothing."
)

// mailErrRe matches diagnostic text that Terraform wraps across lines: the parts in order, any run of spaces in
// them matching any whitespace.
func mailErrRe(parts ...string) *regexp.Regexp {
	for i, p := range parts {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// requireEmailSwitch skips a test that needs the emulator's broken-e-mail switch.
func requireEmailSwitch(t *testing.T, env *accEnv) {
	t.Helper()
	if env.Real() {
		t.Skip("needs the emulator's broken-e-mail capability (fakemisp Server.SetEmailFailing); a real MISP offers none to a test")
	}
}

// mailUser is one emulator user found by e-mail (and how many there are).
func mailUser(fake *fakemisp.Server, email string) (map[string]any, int) {
	var found map[string]any
	n := 0
	for _, u := range fake.Users() {
		if strings.EqualFold(fmt.Sprint(u["email"]), email) {
			found = u
			n++
		}
	}
	return found, n
}

// lastMail is the newest entry of the emulator's e-mail log.
func lastMail(fake *fakemisp.Server) (fakemisp.Email, bool) {
	l := fake.Emails()
	if len(l) == 0 {
		return fakemisp.Email{}, false
	}
	return l[len(l)-1], true
}

// TestAccUserMail_resetFails: a password reset whose e-mail fails is an error that names MISP's reason; nothing of
// the apply is half done: MISP kept the password, the other change of the same apply was not sent, and the state
// still wants the reset, which the next apply (e-mail working again) does.
func TestAccUserMail_resetFails(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	requireEmailSwitch(t, env)
	const addr, password = "misp_user.mail", "Initial-Passw0rd"
	email := randomName("mail-reset") + "@example.org"
	cfg := func(resetVersion int, autoalert bool) string {
		return env.Config(fmt.Sprintf(`
resource "misp_user" "mail" {
  email                  = %q
  password_wo            = %q
  password_wo_version    = 1
  change_pw              = false
  autoalert              = %t
  password_reset_version = %d
}
`, email, password, autoalert, resetVersion))
	}
	var id string
	unchanged := func() {
		u, _ := mailUser(env.Fake, email)
		if !env.Fake.CheckUserPassword(id, password) {
			t.Error("the failed reset changed the password in MISP")
		}
		if u["autoalert"] != false || u["change_pw"] != false {
			t.Errorf("the failed apply changed the user: autoalert %v, change_pw %v", u["autoalert"], u["change_pw"])
		}
		if m, ok := lastMail(env.Fake); !ok || m.Sent || m.UserID != id {
			t.Errorf("want the failed e-mail logged: %+v", m)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg(0, false),
				Check:  resource.TestCheckResourceAttrWith(addr, "id", func(v string) error { id = v; return nil }),
			},
			{
				PreConfig: func() { env.Fake.SetEmailFailing(true) },
				Config:    cfg(1, true),
				ExpectError: mailErrRe("Error updating MISP user", "Resetting the password of user "+email, mailFailedText, mailHint,
					"the user's gpgkey cannot be used to encrypt"),
			},
			{
				// Still planned: the reset and the autoalert change (which came after it) were not recorded as done.
				PreConfig:          unchanged,
				Config:             cfg(1, true),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() { env.Fake.SetEmailFailing(false) },
				Config:    cfg(1, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					u, _ := mailUser(env.Fake, email)
					if env.Fake.CheckUserPassword(id, password) {
						return fmt.Errorf("the reset did not change the password")
					}
					if u["autoalert"] != true || u["change_pw"] != false {
						return fmt.Errorf("after the reset: autoalert %v, change_pw %v (configured false)", u["autoalert"], u["change_pw"])
					}
					if m, ok := lastMail(env.Fake); !ok || !m.Sent || m.UserID != id {
						return fmt.Errorf("want the reset e-mail sent: %+v", m)
					}
					return nil
				},
			},
		},
	})
}

// TestAccUserMail_notifyFails: a creation whose credentials e-mail (notify) fails is an error that says the user
// exists; the user is tracked (tainted), not orphaned, and the next apply replaces it: one user in the end.
func TestAccUserMail_notifyFails(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	requireEmailSwitch(t, env)
	const addr = "misp_user.mail"
	email := randomName("mail-notify") + "@example.org"
	cfg := env.Config(fmt.Sprintf(`
resource "misp_user" "mail" {
  email              = %q
  notify             = true
  notification_daily = true
}
`, email))
	one := func() error {
		if _, n := mailUser(env.Fake, email); n != 1 {
			return fmt.Errorf("%d users with %s in the emulator, want exactly 1", n, email)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, n := mailUser(env.Fake, email); n != 0 {
				return fmt.Errorf("%d users with %s left after destroy", n, email)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() { env.Fake.SetEmailFailing(true) },
				Config:    cfg,
				ExpectError: mailErrRe("Error creating MISP user", "User "+email, "was created, but asking MISP to e-mail the credentials (notify)",
					mailFailedText, mailHint),
			},
			{
				PreConfig: func() {
					if err := one(); err != nil {
						t.Error(err)
					}
					env.Fake.SetEmailFailing(false)
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error { return one() },
					resource.TestCheckResourceAttr(addr, "notification_daily", "true"),
					func(*terraform.State) error {
						if m, ok := lastMail(env.Fake); !ok || !m.Sent || m.To != email || m.Subject != "[ORGNAME MISP] New user registration" {
							return fmt.Errorf("want the new-user e-mail sent to %s: %+v", email, m)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccUserMail_keyAndResetInOneApply: MISP e-mails a password reset to the user's e-mail address, encrypted to
// the user's gpgkey, as they are when it runs. An apply that changes the e-mail address or replaces a gpgkey MISP
// cannot encrypt to (here a sign-only key, which makes MISP's reset fail even with working mail) and asks for a
// reset must therefore edit the user first. Runs against the emulator and a real MISP alike.
func TestAccUserMail_keyAndResetInOneApply(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	const addr = "misp_user.mail"
	email := randomName("mail-key") + "@example.org"
	cfg := func(address, key string, resetVersion int) string {
		return env.Config(fmt.Sprintf(`
resource "misp_user" "mail" {
  email                  = %q
  gpgkey                 = %q
  password_reset_version = %d
}
`, address, key, resetVersion))
	}
	mailTo := func(address string, encrypted bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if env.Fake == nil {
				return nil
			}
			if m, ok := lastMail(env.Fake); !ok || !m.Sent || m.To != address || m.Encrypted != encrypted {
				return fmt.Errorf("want the reset e-mail sent to %s (encrypted %v): %+v", address, encrypted, m)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(email, testkeys.SignOnlyGPGKey, 0)},
			{
				// The sign-only key alone: MISP refuses to send the reset, and says so.
				Config:      cfg(email, testkeys.SignOnlyGPGKey, 1),
				ExpectError: mailErrRe("Error updating MISP user", mailFailedText, mailHint),
			},
			{
				// A usable key and the reset in one apply: the key is saved first, the reset goes out encrypted.
				Config: cfg(email, testkeys.RSAGPGKey, 1),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "password_reset_version", "1"),
					resource.TestCheckResourceAttr(addr, "change_pw", "true"),
					mailTo(email, true),
				),
			},
			{
				// A new address and a reset: the credentials go to the new address.
				Config: cfg("new-"+email, testkeys.RSAGPGKey, 2),
				Check:  resource.ComposeAggregateTestCheckFunc(resource.TestCheckResourceAttr(addr, "email", "new-"+email), mailTo("new-"+email, true)),
			},
		},
	})
}
