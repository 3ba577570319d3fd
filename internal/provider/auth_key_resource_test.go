package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

const authKeyAddr = "misp_auth_key.bot"

// authKeyBase is an organisation and a bot user (role "User") for the keys of one test.
func authKeyBase(env *accEnv, suffix string) string {
	return env.Config(fmt.Sprintf(`
resource "misp_organisation" "bots" {
  name = "bots-%[1]s"
}

resource "misp_user" "bot" {
  email   = "bot-%[1]s@example.org"
  org_id  = misp_organisation.bots.id
  role_id = "3"
}
`, suffix))
}

// authKeyConfig is the base plus one key with the given body; the key's comment is the test prefix, the suffix
// and the optional tag.
func authKeyConfig(env *accEnv, suffix, body string, tag ...string) string {
	return authKeyBase(env, suffix) + fmt.Sprintf(`
resource "misp_auth_key" "bot" {
  user_id = misp_user.bot.id
  comment = "%s"
%s
}
`, testPrefix+suffix+strings.Join(tag, ""), body)
}

// stateAttr reads one attribute of a resource in state.
func stateAttr(s *terraform.State, addr, name string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in state", addr)
	}
	return rs.Primary.Attributes[name], nil
}

// keyClient is a client that authenticates with key.
func keyClient(url, key string) (*misp.Client, error) {
	return misp.New(misp.Config{URL: url, APIKey: key, MaxRetries: 1, UserAgent: "terraform-provider-misp/acctest"})
}

// keyLogsIn checks that the key in state authenticates as the key's user (users/view/me).
func keyLogsIn(env *accEnv, keys map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		key, err := stateAttr(s, authKeyAddr, "authkey")
		if err != nil {
			return err
		}
		user, _ := stateAttr(s, authKeyAddr, "user_id")
		if len(key) != 40 {
			return fmt.Errorf("authkey has %d characters, want 40", len(key))
		}
		c, err := keyClient(env.URL, key)
		if err != nil {
			return err
		}
		me, err := c.ViewMe(context.Background())
		if err != nil {
			return fmt.Errorf("the key does not log in: %w", err)
		}
		if me.User.ID.String() != user {
			return fmt.Errorf("the key logs in as user %s, want %s", me.User.ID, user)
		}
		if keys != nil {
			id, _ := stateAttr(s, authKeyAddr, "id")
			keys[id] = key
		}
		return nil
	}
}

// keyRefused checks that MISP refuses key with an error matching want.
func keyRefused(env *accEnv, key func() string, want error, msg string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, err := keyClient(env.URL, key())
		if err != nil {
			return err
		}
		_, err = c.ViewMe(context.Background())
		if err == nil {
			return errors.New("MISP accepted the key")
		}
		if want != nil && !errors.Is(err, want) || msg != "" && !strings.Contains(err.Error(), msg) {
			return fmt.Errorf("MISP refused the key with %w, want %w %q", err, want, msg)
		}
		return nil
	}
}

func TestAccAuthKey_lifecycle(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("ak"))
	exp1 := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	exp2 := exp1.Add(24 * time.Hour).In(time.FixedZone("", 2*3600))
	keys := map[string]string{}
	var firstID string
	keepID := func(s *terraform.State) error {
		var err error
		firstID, err = stateAttr(s, authKeyAddr, "id")
		return err
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: authKeyConfig(env, suffix, fmt.Sprintf(`  expiration = %q
  allowed_ips = ["127.0.0.1", "::1", "10.0.0.0/8"]
  keepers = { rotation = "1" }`, exp1.Format(time.RFC3339))),
				Check: resource.ComposeAggregateTestCheckFunc(
					keepID,
					resource.TestCheckResourceAttrPair(authKeyAddr, "user_id", "misp_user.bot", "id"),
					resource.TestCheckResourceAttr(authKeyAddr, "read_only", "false"),
					resource.TestCheckResourceAttr(authKeyAddr, "expired", "false"),
					resource.TestCheckResourceAttr(authKeyAddr, "expiration", exp1.Format(time.RFC3339)),
					resource.TestCheckResourceAttr(authKeyAddr, "allowed_ips.#", "3"),
					resource.TestMatchResourceAttr(authKeyAddr, "uuid", mispUUIDRe),
					resource.TestMatchResourceAttr(authKeyAddr, "authkey_start", regexp.MustCompile(`^[A-Za-z0-9]{4}$`)),
					resource.TestCheckResourceAttrSet(authKeyAddr, "created"),
					keyLogsIn(env, keys),
					func(s *terraform.State) error {
						key, _ := stateAttr(s, authKeyAddr, "authkey")
						start, _ := stateAttr(s, authKeyAddr, "authkey_start")
						end, _ := stateAttr(s, authKeyAddr, "authkey_end")
						if key[:4] != start || key[36:] != end {
							return errors.New("authkey_start/authkey_end do not match the key")
						}
						k, ok := ui.AuthKey(firstID)
						if !ok || fmt.Sprint(k["expiration"]) != fmt.Sprint(exp1.Unix()) {
							return fmt.Errorf("MISP's key: %v", k)
						}
						return nil
					},
				),
			},
			{
				// In place: comment, allowed IPs, expiration (another offset), read-only.
				Config: authKeyConfig(env, suffix, fmt.Sprintf(`  expiration = %q
  allowed_ips = ["127.0.0.0/8", "::1"]
  read_only = true
  keepers = { rotation = "1" }`, exp2.Format(time.RFC3339)), "-2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(authKeyAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(authKeyAddr, "id", &firstID),
					resource.TestCheckResourceAttr(authKeyAddr, "read_only", "true"),
					resource.TestCheckResourceAttr(authKeyAddr, "comment", testPrefix+suffix+"-2"),
					resource.TestCheckResourceAttr(authKeyAddr, "allowed_ips.#", "2"),
					keyLogsIn(env, nil),
					func(s *terraform.State) error {
						k, _ := ui.AuthKey(firstID)
						if fmt.Sprint(k["expiration"]) != fmt.Sprint(exp2.Unix()) || k["read_only"] != true {
							return fmt.Errorf("MISP's key after the edit: %v", k)
						}
						// A read-only key cannot write.
						c, err := keyClient(env.URL, keys[firstID])
						if err != nil {
							return err
						}
						_, err = c.AddOrganisation(context.Background(), misp.OrganisationInput{Name: ptr(randomName("ro"))})
						if !errors.Is(err, misp.ErrPermissionDenied) {
							return fmt.Errorf("a write with the read-only key: %w, want MISP's permission refusal", err)
						}
						return nil
					},
				),
			},
			{
				// Pinned elsewhere: MISP refuses the key from here with its own message.
				Config: authKeyConfig(env, suffix, `  allowed_ips = ["192.0.2.1"]
  keepers = { rotation = "1" }`, "-2"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(authKeyAddr, "id", &firstID),
					keyRefused(env, func() string { return keys[firstID] }, nil, "It is not possible to use this Auth key from your IP address"),
				),
			},
			{
				// Rotation: a new key before the old one goes; the old one stops working.
				Config: authKeyConfig(env, suffix, `  keepers = { rotation = "2" }
  lifecycle {
    create_before_destroy = true
  }`, "-2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(authKeyAddr, plancheck.ResourceActionCreateBeforeDestroy),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					keyLogsIn(env, keys),
					func(s *terraform.State) error {
						id, _ := stateAttr(s, authKeyAddr, "id")
						if id == firstID {
							return errors.New("the key was not replaced")
						}
						if _, ok := ui.AuthKey(firstID); ok {
							return fmt.Errorf("the old key %s is still in MISP", firstID)
						}
						return nil
					},
					keyRefused(env, func() string { return keys[firstID] }, misp.ErrAuthentication, ""),
				),
			},
			{
				ResourceName: authKeyAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"authkey", "keepers", "unique_ips", "last_used"},
			},
			{
				ResourceName: authKeyAddr, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc:       func(s *terraform.State) (string, error) { return stateAttr(s, authKeyAddr, "uuid") },
				ImportStateVerifyIgnore: []string{"authkey", "keepers", "unique_ips", "last_used"},
			},
		},
		CheckDestroy: func(s *terraform.State) error {
			for id := range keys {
				if _, ok := ui.AuthKey(id); ok {
					return fmt.Errorf("auth key %s still in MISP after destroy", id)
				}
			}
			return nil
		},
	})
}

func ptr[T any](v T) *T { return &v }

// Out-of-band changes: an edit is drift, a deletion is re-created, an expiry is reported.
func TestAccAuthKey_outOfBand(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("ak"))
	cfg := authKeyConfig(env, suffix, "")
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(func(s *terraform.State) error {
					var err error
					id, err = stateAttr(s, authKeyAddr, "id")
					return err
				}, resource.TestCheckNoResourceAttr(authKeyAddr, "expiration"), resource.TestCheckNoResourceAttr(authKeyAddr, "allowed_ips.#")),
			},
			{
				PreConfig: func() { ui.UpdateAuthKey(id, map[string]any{"comment": "changed in the UI", "read_only": true}) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(authKeyAddr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					k, _ := ui.AuthKey(id)
					if k["comment"] != testPrefix+suffix || k["read_only"] != false {
						return fmt.Errorf("drift not corrected: %v", k)
					}
					return nil
				},
			},
			{
				// Expired in MISP: reported by refresh, and an in-place change fixes it.
				PreConfig:    func() { ui.UpdateAuthKey(id, map[string]any{"expiration": time.Now().Add(-time.Hour).Unix()}) },
				RefreshState: true, ExpectNonEmptyPlan: true,
				Check: resource.TestCheckResourceAttr(authKeyAddr, "expired", "true"),
			},
			{
				Config: authKeyConfig(env, suffix, fmt.Sprintf("  expiration = %q", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(authKeyAddr, "id", &id),
					resource.TestCheckResourceAttr(authKeyAddr, "expired", "false"), keyLogsIn(env, nil)),
			},
			{
				PreConfig: func() { ui.DeleteAuthKey(id) },
				Config:    authKeyConfig(env, suffix, fmt.Sprintf("  expiration = %q", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(authKeyAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(keyLogsIn(env, nil), func(s *terraform.State) error {
					now, _ := stateAttr(s, authKeyAddr, "id")
					if now == id {
						return errors.New("the deleted key's id came back")
					}
					return nil
				}),
			},
		},
	})
}

// Refused at plan time: a past expiration, an invalid address, a fraction of a second.
func TestAccAuthKey_planRefusals(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	suffix := strings.ToLower(randomName("ak"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      authKeyConfig(env, suffix, `  expiration = "2020-01-01T00:00:00Z"`),
				PlanOnly:    true,
				ExpectError: diagRe("Auth key expiration is in the past", "2020-01-01T00:00:00Z is not in the future"),
			},
			{
				Config:      authKeyConfig(env, suffix, `  allowed_ips = ["10.0.0.0/33"]`),
				PlanOnly:    true,
				ExpectError: diagRe("Invalid IP address or range", `"10.0.0.0/33"`),
			},
			{
				Config:      authKeyConfig(env, suffix, `  expiration = "2099-01-01T00:00:00.5Z"`),
				PlanOnly:    true,
				ExpectError: diagRe("Expiration with a fraction of a second"),
			},
			{
				// A missing user: MISP's own words on user_id.
				Config: env.Config(fmt.Sprintf(`resource "misp_auth_key" "bot" {
  user_id = "999999"
  comment = "%s"
}`, testPrefix+suffix)),
				ExpectError: diagRe("Error creating MISP auth key", "user_id", "User doesn't exists"),
			},
		},
	})
}

// An org admin's key: keys of its own organisation's plain users only (MISP 2.5.1 itself does not check the
// organisation, §11.1).
func TestAccAuthKey_orgAdmin(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("ak"))
	orgA := ui.CreateOrganisation(map[string]any{"name": "a-" + suffix})
	orgB := ui.CreateOrganisation(map[string]any{"name": "b-" + suffix})
	_, adminKey := ui.CreateUser(map[string]any{"email": "oa-" + suffix + "@example.org", "org_id": orgA, "role_id": "2"})
	botA, _ := ui.CreateUser(map[string]any{"email": "bot-a-" + suffix + "@example.org", "org_id": orgA, "role_id": "3"})
	botB, _ := ui.CreateUser(map[string]any{"email": "bot-b-" + suffix + "@example.org", "org_id": orgB, "role_id": "3"})
	key := func(user string) string {
		return env.ProviderBlockWithKey(adminKey) + fmt.Sprintf(`
resource "misp_auth_key" "bot" {
  user_id = %q
  comment = "%s"
}
`, user, testPrefix+suffix)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: key(botA), Check: keyLogsIn(env, nil)},
			{
				Config:      key(botB),
				ExpectError: diagRe("MISP user not found", "User "+botB, "not in the organisation of the provider's API key"),
			},
		},
	})
	for _, k := range listKeys(t, env, botB) {
		t.Errorf("a key of user %s (another organisation) was created: %s", botB, k.ID)
	}
}

func listKeys(t *testing.T, env *accEnv, user string) []misp.AuthKeyView {
	t.Helper()
	list, err := env.Client(t).ListAuthKeys(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	var out []misp.AuthKeyView
	for _, k := range list {
		if strings.HasPrefix(string(k.Comment), testPrefix) {
			out = append(out, k)
		}
	}
	return out
}

// A key of a plain user may manage only its own keys: refused at plan time for another user.
func TestAccAuthKey_plainUserRefusedAtPlan(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	ui := env.UI(t)
	suffix := strings.ToLower(randomName("ak"))
	org := ui.CreateOrganisation(map[string]any{"name": "p-" + suffix})
	me, myKey := ui.CreateUser(map[string]any{"email": "me-" + suffix + "@example.org", "org_id": org, "role_id": "3"})
	other, _ := ui.CreateUser(map[string]any{"email": "other-" + suffix + "@example.org", "org_id": org, "role_id": "3"})
	cfg := func(user string) string {
		return env.ProviderBlockWithKey(myKey) + fmt.Sprintf(`
resource "misp_auth_key" "bot" {
  user_id = %q
  comment = "%s"
}
data "misp_current_user" "me" {}
`, user, testPrefix+suffix)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg(other),
				PlanOnly:    true,
				ExpectError: diagRe("may not manage this user's auth keys", "user_id "+other+" is another user"),
			},
			{
				Config: cfg(me),
				Check: resource.ComposeAggregateTestCheckFunc(
					keyLogsIn(env, nil),
					resource.TestCheckResourceAttr("data.misp_current_user.me", "id", me),
					resource.TestCheckResourceAttr("data.misp_current_user.me", "org_id", org),
					resource.TestCheckResourceAttr("data.misp_current_user.me", "role_id", "3"),
					resource.TestCheckResourceAttr("data.misp_current_user.me", "site_admin", "false"),
				),
			},
		},
	})
}
