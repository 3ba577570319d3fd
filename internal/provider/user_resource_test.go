package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/misp"
	"github.com/misp-iac/terraform-provider-misp/internal/testkeys"
)

const userAddr = "misp_user.test"

// userCheck asserts on a user as MISP stores it.
func userCheck(ui *mispUI, id *string, check func(u map[string]any) error) resource.TestCheckFunc {
	return objectCheck(ui, "user", (*mispUI).User, id, check)
}

// userFields compares MISP's values (rendered as MISP's JSON: ids as strings, flags as bools).
func userFields(want map[string]any) func(u map[string]any) error {
	return func(u map[string]any) error {
		var bad []string
		for k, w := range want {
			if fmt.Sprint(u[k]) != fmt.Sprint(w) {
				bad = append(bad, fmt.Sprintf("%s = %v, want %v", k, u[k], w))
			}
		}
		if len(bad) > 0 {
			return fmt.Errorf("MISP user: %s", strings.Join(bad, "; "))
		}
		return nil
	}
}

// usersWithEmail checks that MISP has exactly n users with this e-mail (ignoring case).
func usersWithEmail(ui *mispUI, email string, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := len(ui.UsersByEmail(email)); got != n {
			return fmt.Errorf("%d users with %s in MISP, want %d", got, email, n)
		}
		return nil
	}
}

// userNoSecretInState fails if any attribute of the state holds one of the secrets.
func userNoSecretInState(secrets ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				for _, secret := range secrets {
					if strings.Contains(v, secret) {
						return fmt.Errorf("%s.%s holds a password", addr, k)
					}
				}
			}
		}
		return nil
	}
}

// testAccCheckUsersDestroyed checks that no misp_user of the state is left in MISP.
func testAccCheckUsersDestroyed(env *accEnv, t *testing.T) resource.TestCheckFunc {
	return checkGoneFromMISP(env, t, "misp_user", "user", func(ctx context.Context, c *misp.Client, id string) error {
		_, err := c.GetUser(ctx, id)
		return err
	})
}

func userKnown(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(userAddr, tfjsonpath.New(name), v)
}

// TestAccUser_lifecycle: create with every managed field, update each in place, change role and move
// between organisations, import by id and by e-mail, an import block, destroy.
func TestAccUser_lifecycle(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	c := env.Client(t)
	org, err := c.AddOrganisation(context.Background(), misp.OrganisationInput{Name: userPtr(randomName("user-org"))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteOrganisation(context.Background(), org.ID.String()) })
	orgB := org.ID.String()
	email := randomName("lifecycle") + "@example.org"
	cert := testkeys.SMIMECertificate
	var id string

	create := env.Config(fmt.Sprintf(`
resource "misp_user" "test" {
  email                  = %[1]q
  org_id                 = %[2]q
  role_id                = "5"
  server_id              = "7"
  autoalert              = true
  contactalert           = true
  disabled               = true
  termsaccepted          = true
  change_pw              = false
  force_logout           = true
  notification_daily     = true
  notification_weekly    = true
  notification_monthly   = true
  gpgkey                 = %[4]q
  certif_public          = %[3]q
  nids_sid               = 1234567
  expiration             = "2030-01-02T03:04:05+02:00"
  external_auth_required = true
  external_auth_key      = "ext-key-1"
  password_wo            = "Initial-Passw0rd"
  password_wo_version    = 1
  store_authkey          = true
}
`, email, orgB, cert, testkeys.RSAGPGKey))

	// Every managed attribute changed, except organisation and role.
	updated := func(orgID, roleID, serverID string) string {
		return fmt.Sprintf(`
resource "misp_user" "test" {
  email                  = %[1]q
  org_id                 = %[2]q
  role_id                = %[3]q
  server_id              = %[4]q
  autoalert              = false
  contactalert           = false
  disabled               = false
  termsaccepted          = false
  change_pw              = true
  force_logout           = false
  notification_daily     = false
  notification_weekly    = false
  notification_monthly   = false
  gpgkey                 = %[5]q
  certif_public          = ""
  nids_sid               = 7654321
  expiration             = "2031-06-30T12:00:00Z"
  external_auth_required = false
  external_auth_key      = "ext-key-2"
`, "renamed-"+email, orgID, roleID, serverID, strings.TrimSpace(testkeys.Ed25519GPGKey))
	}
	withSecrets := func(body string) string {
		return env.Config(body + "  password_wo         = \"Second-Passw0rd\"\n  password_wo_version = 2\n  store_authkey       = true\n}\n")
	}
	importable := env.Config(updated("1", "4", "0") + "}\n")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUsersDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: create,
				ConfigStateChecks: []statecheck.StateCheck{
					userKnown("email", knownvalue.StringExact(email)),
					userKnown("org_id", knownvalue.StringExact(orgB)),
					userKnown("role_id", knownvalue.StringExact("5")),
					userKnown("role_name", knownvalue.StringExact("Sync user")),
					userKnown("server_id", knownvalue.StringExact("7")),
					userKnown("disabled", knownvalue.Bool(true)),
					userKnown("change_pw", knownvalue.Bool(false)),
					userKnown("notification_monthly", knownvalue.Bool(true)),
					userKnown("force_logout", knownvalue.Bool(true)),
					userKnown("nids_sid", knownvalue.Int64Exact(1234567)),
					userKnown("expiration", knownvalue.StringExact("2030-01-02T03:04:05+02:00")),
					userKnown("authkey", knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9]{40}$`))),
					userKnown("password_wo", knownvalue.Null()),
					userKnown("invited_by", knownvalue.StringExact("1")),
					userKnown("date_created", knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					userKnown("last_login", knownvalue.Null()),
					userKnown("totp_enabled", knownvalue.Bool(false)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureStateAttr(userAddr, "id", &id),
					userCheck(ui, &id, userFields(map[string]any{
						"expiration": "2030-01-02 01:04:05", "notification_daily": true, "force_logout": true,
						"external_auth_key": "ext-key-1", "nids_sid": "1234567", "change_pw": false,
					})),
					func(*terraform.State) error {
						if env.Fake != nil && !env.Fake.CheckUserPassword(id, "Initial-Passw0rd") {
							return errors.New("the emulator does not accept the configured password")
						}
						return nil
					},
					userNoSecretInState("Initial-Passw0rd"),
				),
			},
			{
				Config: withSecrets(updated(orgB, "5", "8")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("last_pw_change")),
					plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("date_modified")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					userKnown("email", knownvalue.StringExact("renamed-"+email)),
					userKnown("disabled", knownvalue.Bool(false)),
					userKnown("termsaccepted", knownvalue.Bool(false)),
					userKnown("certif_public", knownvalue.StringExact("")),
					userKnown("expiration", knownvalue.StringExact("2031-06-30T12:00:00Z")),
					userKnown("nids_sid", knownvalue.Int64Exact(7654321)),
					userKnown("authkey", knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9]{40}$`))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					userCheck(ui, &id, userFields(map[string]any{
						"expiration": "2031-06-30 12:00:00", "notification_daily": false, "external_auth_key": "ext-key-2",
						"autoalert": false, "change_pw": true,
					})),
					func(*terraform.State) error {
						if env.Fake != nil && (!env.Fake.CheckUserPassword(id, "Second-Passw0rd") || env.Fake.CheckUserPassword(id, "Initial-Passw0rd")) {
							return errors.New("password_wo_version 2 did not rotate the password in the emulator")
						}
						return nil
					},
					userNoSecretInState("Initial-Passw0rd", "Second-Passw0rd"),
				),
			},
			{
				// Role change (sync -> publisher, so server_id goes to 0) and a move to another organisation, in place.
				Config: withSecrets(updated("1", "4", "0")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("org_name")),
					plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("role_name")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					userKnown("id", knownvalue.NotNull()),
					userKnown("org_id", knownvalue.StringExact("1")),
					userKnown("role_id", knownvalue.StringExact("4")),
					userKnown("role_name", knownvalue.StringExact("Publisher")),
					userKnown("server_id", knownvalue.StringExact("0")),
				},
				Check: userCheck(ui, &id, userFields(map[string]any{"org_id": "1", "role_id": "4"})),
			},
			{
				ResourceName:      userAddr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"password_wo_version", "store_authkey", "authkey", "notify",
					"password_reset_version", "totp_reset_version"},
			},
			{
				ResourceName:      userAddr,
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return strings.ToUpper("renamed-" + email), nil },
				ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"password_wo_version", "store_authkey", "authkey", "notify",
					"password_reset_version", "totp_reset_version"},
			},
			{
				Config:           importable,
				ResourceName:     userAddr,
				ImportState:      true,
				ImportStateKind:  resource.ImportBlockWithID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func userPtr[T any](v T) *T { return &v }

// TestAccUser_unmanagedAndOwnFlips: what a person or MISP itself changes on attributes the configuration
// leaves out causes no diff and survives a later apply; a role change that makes MISP reset server_id is
// planned as unknown, not an inconsistent result.
func TestAccUser_unmanagedAndOwnFlips(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	email := randomName("unmanaged") + "@example.org"
	var id string
	base := env.Config(fmt.Sprintf(`
resource "misp_user" "test" {
  email   = %q
  role_id = "5"
}
`, email))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUsersDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: base,
				Check:  captureStateAttr(userAddr, "id", &id),
				ConfigStateChecks: []statecheck.StateCheck{
					userKnown("org_id", knownvalue.StringExact("1")),
					userKnown("change_pw", knownvalue.Bool(true)),
					userKnown("authkey", knownvalue.Null()),
					userKnown("store_authkey", knownvalue.Bool(false)),
				},
			},
			{
				// An admin disables the user and sets a sync server; the user accepts the terms, logs in and
				// changes the password (MISP clears change_pw); the e-mail's case changes. (The login times
				// change only on the emulator: MISP's API cannot log a user in.)
				PreConfig: func() {
					now := time.Now().Unix()
					ui.UpdateUser(id, map[string]any{
						"disabled": true, "termsaccepted": true, "change_pw": false, "server_id": 9,
						"last_login": now, "current_login": now, "newsread": now, "email": strings.ToUpper(email),
					})
				},
				Config:           base,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					userKnown("disabled", knownvalue.Bool(true)),
					userKnown("server_id", knownvalue.StringExact("9")),
				},
				Check: func(s *terraform.State) error {
					if env.Real() {
						return nil
					}
					return resource.TestCheckResourceAttrSet(userAddr, "last_login")(s)
				},
			},
			{
				// Another change: the unmanaged values stay; the move to a non-sync role resets server_id.
				Config: env.Config(fmt.Sprintf(`
resource "misp_user" "test" {
  email     = %q
  role_id   = "3"
  autoalert = true
}
`, email)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("server_id")),
					plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("disabled"), knownvalue.Bool(true)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					userKnown("server_id", knownvalue.StringExact("0")),
					userKnown("role_name", knownvalue.StringExact("User")),
				},
				Check: userCheck(ui, &id, userFields(map[string]any{
					"disabled": true, "termsaccepted": true, "change_pw": false, "autoalert": true, "email": strings.ToUpper(email),
				})),
			},
		},
	})
}

// TestAccUser_driftAndDisappears: a managed attribute changed in MISP shows as drift and is restored; a user
// deleted outside Terraform is recreated.
func TestAccUser_driftAndDisappears(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	email := randomName("drift") + "@example.org"
	var id string
	cfg := env.Config(fmt.Sprintf(`
resource "misp_user" "test" {
  email      = %q
  disabled   = false
  autoalert  = false
  expiration = "2030-01-01T00:00:00Z"
}
`, email))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUsersDestroyed(env, t),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureStateAttr(userAddr, "id", &id)},
			{
				PreConfig: func() {
					ui.UpdateUser(id, map[string]any{"disabled": true, "autoalert": true, "expiration": "2029-12-31 00:00:00"})
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks:  resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{plancheck.ExpectNonEmptyPlan()}},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: userCheck(ui, &id, userFields(map[string]any{"disabled": false, "autoalert": false, "expiration": "2030-01-01 00:00:00"})),
			},
			{
				PreConfig: func() { ui.DeleteUser(id) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionCreate),
				}},
				Check: usersWithEmail(ui, email, 1),
			},
		},
	})
}

// TestAccUser_passwordAndResets: write-only password set and rotated (the emulator confirms it, the state
// never holds it), the plan-time policy check, notify, password reset and TOTP reset.
func TestAccUser_passwordAndResets(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t) // counts the resets, on both targets
	email := randomName("pw") + "@example.org"
	invitee := randomName("invited") + "@example.org"
	var id, invitedID string
	const resetEP, totpEP = "POST /users/initiatePasswordReset/{id}", "POST /users/totp_delete/{id}"
	cfg := func(password string, version, pwReset, totpReset int) string {
		return proxy.Config(env, fmt.Sprintf(`
resource "misp_user" "test" {
  email               = %[1]q
  password_wo         = %[3]q
  password_wo_version = %[4]d
  totp_reset_version  = %[6]d
}

resource "misp_user" "invited" {
  email                  = %[2]q
  notify                 = true
  password_reset_version = %[5]d
}
`, email, invitee, password, version, pwReset, totpReset))
	}
	// The password check needs the emulator (MISP's API cannot check a password); on a real MISP the steps still
	// run and the other checks hold.
	counts := func(reset, totp int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := proxy.Count(resetEP); got != reset {
				return fmt.Errorf("%s called %d times, want %d", resetEP, got, reset)
			}
			if got := proxy.Count(totpEP); got != totp {
				return fmt.Errorf("%s called %d times, want %d", totpEP, got, totp)
			}
			return nil
		}
	}
	password := func(pw string, want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if env.Real() {
				return nil
			}
			if env.Fake.CheckUserPassword(id, pw) != want {
				return fmt.Errorf("emulator password check = %v, want %v", !want, want)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUsersDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: env.Config(fmt.Sprintf(`
resource "misp_user" "test" {
  email       = %q
  notify      = true
  password_wo = "First-Passw0rd!"
}
`, email)),
				PlanOnly:    true,
				ExpectError: diagRe("Conflicting user attributes", "password_wo"),
			},
			{
				Config:      cfg("short1A", 1, 0, 0),
				PlanOnly:    true,
				ExpectError: diagRe("Password does not meet MISP's password policy", "7 characters long"),
			},
			{
				Config: cfg("First-Passw0rd!", 1, 0, 0),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureStateAttr(userAddr, "id", &id), captureStateAttr("misp_user.invited", "id", &invitedID),
					password("First-Passw0rd!", true),
					// notify: one "new user" e-mail at creation, none for the other user.
					counts(1, 0),
					userNoSecretInState("First-Passw0rd!"),
				),
			},
			{
				Config: cfg("a-much-longer-passphrase", 2, 0, 0),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("misp_user.invited", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					password("a-much-longer-passphrase", true), password("First-Passw0rd!", false), counts(1, 0),
					userNoSecretInState("First-Passw0rd!", "a-much-longer-passphrase"),
				),
			},
			{
				// The user enrols TOTP (on the emulator only: MISP's API cannot); then both resets are asked for
				// declaratively.
				PreConfig: func() {
					ui.UpdateUser(id, map[string]any{"totp": "JBSWY3DPEHPK3PXP"})
					ui.UpdateUser(invitedID, map[string]any{"change_pw": false})
				},
				Config: cfg("a-much-longer-passphrase", 2, 1, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("totp_enabled")),
					plancheck.ExpectUnknownValue("misp_user.invited", tfjsonpath.New("change_pw")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					userKnown("totp_enabled", knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("misp_user.invited", tfjsonpath.New("change_pw"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(counts(2, 1), password("a-much-longer-passphrase", true)),
			},
			{
				// 16 characters of any kind meet the policy.
				Config:             cfg("alllowercaseletters", 3, 1, 1),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccUser_lostResponseAndTaint: an add whose answer is lost adopts the created user (exactly one exists);
// a failure after the add keeps the user in state as tainted, and the next apply replaces it (still one).
func TestAccUser_lostResponseAndTaint(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t)
	lost := randomName("lost") + "@example.org"
	tainted := randomName("tainted") + "@example.org"
	one := func(email string) resource.TestCheckFunc { return usersWithEmail(ui, email, 1) }
	lostCfg := fmt.Sprintf(`
resource "misp_user" "test" {
  email         = %q
  store_authkey = true
}
`, lost)
	taintCfg := proxy.Config(env, lostCfg+fmt.Sprintf(`
resource "misp_user" "tainted" {
  email              = %q
  notification_daily = true
}
`, tainted))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUsersDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					proxy.Set(fakemisp.Fault{Pattern: "POST /admin/users/add", Kind: fakemisp.FaultLostResponse, Count: 1})
				},
				Config: proxy.Config(env, lostCfg),
				// The one-time key went with the lost answer: a warning, and authkey stays null.
				ConfigStateChecks: []statecheck.StateCheck{userKnown("authkey", knownvalue.Null())},
				Check: resource.ComposeAggregateTestCheckFunc(one(lost), func(*terraform.State) error {
					if n := proxy.Count("POST /admin/users/add"); n != 1 {
						return fmt.Errorf("%d add requests, want 1 (no retry after adoption)", n)
					}
					return nil
				}),
			},
			{
				// The edit that sets what MISP ignores on add fails: the user exists and is tracked (tainted).
				PreConfig: func() {
					proxy.Set(fakemisp.Fault{Pattern: "POST /admin/users/edit/{id}", Kind: fakemisp.FaultError, Status: 500, Count: 1})
				},
				Config:      taintCfg,
				ExpectError: diagRe("Error creating MISP user", "was created; setting notification_*"),
				Check:       one(tainted),
			},
			{
				Config: taintCfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("misp_user.tainted", plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(one(tainted), one(lost)),
			},
		},
	})
}

// TestAccUser_orgAdminKey: with an org admin's key, MISP would silently keep users in the admin's
// organisation and refuse privileged roles; the provider says so at plan time.
func TestAccUser_orgAdminKey(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	proxy := env.FaultProxy(t)
	orgB := ui.CreateOrganisation(map[string]any{"name": randomName("org-b")})
	_, key := ui.CreateUser(map[string]any{"email": randomName("orgadmin") + "@b.example.org", "org_id": orgB, "role_id": "2"})
	email := randomName("member") + "@b.example.org"
	cfg := func(attrs string) string {
		return proxy.ProviderBlockWithKey(key) + fmt.Sprintf(`
resource "misp_user" "test" {
  email = %q
%s
}
`, email, attrs)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckUsersDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config:      cfg(`  org_id = "1"`),
				PlanOnly:    true,
				ExpectError: diagRe("Organisation not allowed for this API key", "org admin of organisation "+orgB),
			},
			{
				Config:      cfg(`  role_id = "1"`),
				PlanOnly:    true,
				ExpectError: diagRe("Role not allowed for this API key", "site admin"),
			},
			{
				Config: cfg(`  role_id = "3"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("org_id"), knownvalue.StringExact(orgB)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					userKnown("org_id", knownvalue.StringExact(orgB)),
					userKnown("invited_by", knownvalue.NotNull()),
				},
			},
			{
				Config:      cfg(`  role_id = "5"`),
				PlanOnly:    true,
				ExpectError: diagRe("Role not allowed for this API key", "sync"),
			},
			{
				// Without the plan-time role lookup (it fails here), MISP's 500 at apply is explained, not raw.
				PreConfig: func() {
					proxy.Set(fakemisp.Fault{Pattern: "GET /roles/view/{id}", Kind: fakemisp.FaultError, Status: 500})
				},
				Config:      cfg(`  role_id = "5"`),
				ExpectError: diagRe("Error updating MISP user", "belongs to an org admin", "sync or regexp permissions"),
			},
			{
				// Org admins may create further org admins.
				PreConfig: func() { proxy.Set() },
				Config: cfg(`  role_id = "2"
  org_id  = "` + orgB + `"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{userKnown("role_name", knownvalue.StringExact("Org Admin"))},
			},
		},
	})
}

// TestAccUser_badInput: each refusal names the attribute and MISP's reason, and leaves nothing behind.
func TestAccUser_badInput(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	taken := randomName("Taken") + "@Example.org"
	ui.CreateUser(map[string]any{"email": taken})
	_, plainKey := ui.CreateUser(map[string]any{"email": randomName("plain") + "@example.org", "role_id": "3"})
	user := func(attrs string) string {
		return fmt.Sprintf("resource \"misp_user\" \"test\" {\n%s\n}\n", attrs)
	}
	fresh := randomName("bad") + "@example.org"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// A refused create leaves nothing behind: no user with the new address, still one with the taken one.
		CheckDestroy: resource.ComposeTestCheckFunc(usersWithEmail(ui, fresh, 0), usersWithEmail(ui, taken, 1)),
		Steps: []resource.TestStep{
			{
				Config:      env.Config(user(`  email = "not an e-mail"`)),
				PlanOnly:    true,
				ExpectError: diagRe(`Attribute email must be an e-mail address that MISP accepts`),
			},
			{
				Config:      env.Config(user(fmt.Sprintf(`  email = %q`, strings.ToLower(taken)))),
				ExpectError: diagRe("Error creating MISP user", "MISP rejected email: An account with this email address already exists."),
			},
			{
				Config:      env.Config(user(fmt.Sprintf("  email = %q\n  org_id = \"999\"", fresh))),
				ExpectError: diagRe("No such MISP organisation", "MISP has no organisation with id 999"),
			},
			{
				Config:      env.Config(user(fmt.Sprintf("  email = %q\n  role_id = \"999\"", fresh))),
				ExpectError: diagRe("No such MISP role", "MISP has no role with id 999", "without API access"),
			},
			{
				Config:      env.Config(user(fmt.Sprintf("  email = %q\n  role_id = \"3\"\n  server_id = \"2\"", fresh))),
				PlanOnly:    true,
				ExpectError: diagRe("server_id needs a sync role", "role 3 (User)"),
			},
			{
				Config:      env.Config(user(fmt.Sprintf("  email = %q\n  password_wo = \"password1234\"\n  password_wo_version = 1", fresh))),
				PlanOnly:    true,
				ExpectError: diagRe("Password does not meet MISP's password policy", "lacks", "an upper-case letter"),
			},
			{
				Config:      env.Config(user(fmt.Sprintf("  email = %q\n  password_wo_version = 1", fresh))),
				PlanOnly:    true,
				ExpectError: diagRe(`Attribute "password_wo" must be specified when "password_wo_version" is specified`),
			},
			{
				Config:      env.Config(user(fmt.Sprintf("  email = %q\n  expiration = \"next tuesday\"", fresh))),
				PlanOnly:    true,
				ExpectError: diagRe("Invalid timestamp", "is not an RFC 3339 timestamp"),
			},
			{
				// A normal user's key cannot manage users: refused at plan time (TestAccPermissions_plainUserKey).
				Config:      env.ProviderBlockWithKey(plainKey) + user(fmt.Sprintf(`  email = %q`, fresh)),
				PlanOnly:    true,
				ExpectError: diagRe("The provider's API key may not change MISP users", "neither a site admin nor an org admin"),
			},
			{
				Config:        env.Config(`resource "misp_user" "test" { email = "x@example.org" }`),
				ResourceName:  userAddr,
				ImportState:   true,
				ImportStateId: "somebody",
				ExpectError:   diagRe("Unsupported import id", "numeric MISP user id", "e-mail address"),
			},
			{
				Config:        env.Config(`resource "misp_user" "test" { email = "x@example.org" }`),
				ResourceName:  userAddr,
				ImportState:   true,
				ImportStateId: "nobody@example.org",
				ExpectError:   diagRe("No MISP user has the e-mail address", "nobody@example.org"),
			},
		},
	})
}

// TestUserResourceSchema pins the attributes the issue names, write-only password and sensitive key.
func TestUserResourceSchema(t *testing.T) {
	var resp fwresource.SchemaResponse
	NewUserResource().Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatal(diags)
	}
	for _, name := range strings.Fields(`org_id server_id email autoalert authkey invited_by gpgkey certif_public nids_sid
		termsaccepted newsread role_id change_pw contactalert disabled expiration current_login last_login force_logout
		date_created date_modified notification_daily notification_weekly notification_monthly external_auth_required
		external_auth_key id last_api_access last_pw_change totp_enabled org_name role_name password_wo
		password_wo_version notify password_reset_version totp_reset_version store_authkey`) {
		a, ok := resp.Schema.Attributes[name]
		if !ok {
			t.Errorf("misp_user lacks %s", name)
			continue
		}
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s has no description", name)
		}
	}
	if !resp.Schema.Attributes["password_wo"].IsWriteOnly() || !resp.Schema.Attributes["password_wo"].IsSensitive() {
		t.Error("password_wo must be write-only and sensitive")
	}
	if !resp.Schema.Attributes["authkey"].IsSensitive() {
		t.Error("authkey must be sensitive")
	}
}
