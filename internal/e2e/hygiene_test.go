//go:build linux

package e2e

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/provider"
)

// hygieneRun is what one hygiene configuration sets: per user a password and an external authentication
// key; version selects the password generation (a change sends password_wo again).
type hygieneRun struct {
	run                                      string
	pwBot, pwPerson, extKeyBot, extKeyPerson string
	version                                  int
}

// hygieneConfig has a bot account whose API key is kept in state and a person with a password; both carry an
// external authentication key (sensitive), which changes with the passwords.
func hygieneConfig(h hygieneRun) string {
	return providerHeader + fmt.Sprintf(`
resource "misp_user" "bot" {
  email               = "tfacc-ci-bot-%[1]s@hygiene.example.org"
  org_id              = 1
  role_id             = 3
  store_authkey       = true
  password_wo         = %[2]q
  password_wo_version = %[6]d
  external_auth_key   = %[4]q
}

resource "misp_user" "person" {
  email               = "tfacc-analyst-%[1]s@hygiene.example.org"
  org_id              = 1
  role_id             = 3
  password_wo         = %[3]q
  password_wo_version = %[6]d
  external_auth_key   = %[5]q
}

# A second key of the bot, rotated with the passwords, and a key for the run only.
resource "misp_auth_key" "bot" {
  user_id = misp_user.bot.id
  comment = "tfacc-ci-bot-%[1]s"
  keepers = { rotation = "%[6]d" }
  lifecycle {
    create_before_destroy = true
  }
}

ephemeral "misp_auth_key" "run" {
  user_id = misp_user.bot.id
  ttl     = "10m"
  comment = "tfacc-ci-bot-%[1]s-run"
}
`, h.run, h.pwBot, h.pwPerson, h.extKeyBot, h.extKeyPerson, h.version)
}

// strongPassword is a random password that meets MISP's default policy.
func strongPassword() string {
	return "Pw-" + rand.Text() + "9a"
}

// externalAuthKey is a random external authentication key; the surrounding whitespace (which MISP trims)
// must not become a diff either.
func externalAuthKey() string {
	return "  ext-" + rand.Text() + "\n"
}

// secretAttributes lists every sensitive or write-only attribute Terraform learns from the provider's
// schema (provider block, resources, data sources, nested attributes and blocks included), as
// "provider.api_key", "misp_user.password_wo", "data.misp_user.<name>".
func secretAttributes(t *testing.T) []string {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("provider schema: %s: %s", d.Summary, d.Detail)
	}
	var out []string
	var block func(prefix string, b *tfprotov6.SchemaBlock)
	var object func(prefix string, o *tfprotov6.SchemaObject)
	attrs := func(prefix string, as []*tfprotov6.SchemaAttribute, nested func(string, *tfprotov6.SchemaAttribute)) {
		for _, a := range as {
			if a.Sensitive || a.WriteOnly {
				out = append(out, prefix+a.Name)
			}
			nested(prefix+a.Name+".", a)
		}
	}
	object = func(prefix string, o *tfprotov6.SchemaObject) {
		attrs(prefix, o.Attributes, func(p string, a *tfprotov6.SchemaAttribute) {
			if a.NestedType != nil {
				object(p, a.NestedType)
			}
		})
	}
	block = func(prefix string, b *tfprotov6.SchemaBlock) {
		if b == nil {
			return
		}
		attrs(prefix, b.Attributes, func(p string, a *tfprotov6.SchemaAttribute) {
			if a.NestedType != nil {
				object(p, a.NestedType)
			}
		})
		for _, nb := range b.BlockTypes {
			block(prefix+nb.TypeName+".", nb.Block)
		}
	}
	block("provider.", resp.Provider.Block)
	for name, s := range resp.ResourceSchemas {
		block(name+".", s.Block)
	}
	for name, s := range resp.DataSourceSchemas {
		block("data."+name+".", s.Block)
	}
	for name, s := range resp.EphemeralResourceSchemas {
		block("ephemeral."+name+".", s.Block)
	}
	sort.Strings(out)
	if len(out) == 0 {
		t.Fatal("the provider's schemas have no sensitive attribute: the schema walk is broken")
	}
	return out
}

// TestSecretHygiene runs create, password and external-key rotation, a plan and destroy with TF_LOG=TRACE into
// a file. Every sensitive or write-only attribute of the provider's schemas must be set by the run (the test
// fails for one it does not know); the log must hold none of their values (the provider's API key, the
// passwords, the external authentication keys, the authkey kept in state) nor any other API-key-shaped string;
// the state file must hold no password.
func TestSecretHygiene(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	e := newEnv(t, fakemisp.Options{})
	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	e.ws.Env["TF_LOG"] = "TRACE"
	e.ws.Env["TF_LOG_PATH"] = logPath

	run := strings.ToLower(rand.Text()[:8])
	h1 := hygieneRun{run: run, pwBot: strongPassword(), pwPerson: strongPassword(),
		extKeyBot: externalAuthKey(), extKeyPerson: externalAuthKey(), version: 1}
	h2 := hygieneRun{run: run, pwBot: strongPassword(), pwPerson: strongPassword(),
		extKeyBot: externalAuthKey(), extKeyPerson: externalAuthKey(), version: 2}
	trimmed := func(keys ...string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = strings.TrimSpace(k) // what MISP stores, the part that must not leak
		}
		return out
	}
	// secrets holds, per sensitive or write-only attribute, the values this run gives it.
	secrets := map[string][]string{
		"provider.api_key":            {e.key}, // MISP_API_KEY
		"misp_user.password_wo":       {h1.pwBot, h1.pwPerson, h2.pwBot, h2.pwPerson},
		"misp_user.external_auth_key": trimmed(h1.extKeyBot, h1.extKeyPerson, h2.extKeyBot, h2.extKeyPerson),
		"misp_user.authkey":           nil, // computed: store_authkey = true on the bot; read from the state below
		"misp_auth_key.authkey":       nil, // computed; read from the state below
		// Never in state: on the emulator, every key it issued (IssuedAuthKeys), the ephemeral ones included.
		"ephemeral.misp_auth_key.authkey": nil,
	}
	schemaSecrets := secretAttributes(t)
	for _, name := range schemaSecrets {
		if _, ok := secrets[name]; !ok {
			t.Errorf("%s is sensitive or write-only, but the hygiene configuration does not set it: set it in "+
				"hygieneConfig and add its values to secrets", name)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	e.write(t, "main.tf", hygieneConfig(h1))
	e.run(t, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	state1 := readFile(t, e.ws.StatePath())

	botID := e.userID(t, "tfacc-ci-bot-"+run+"@hygiene.example.org")
	personID := e.userID(t, "tfacc-analyst-"+run+"@hygiene.example.org")
	if botID == "" || personID == "" {
		t.Fatal("the users were not created")
	}
	// Whether MISP received the passwords only the emulator can tell (MISP's API has no password check); on a
	// real MISP the log and state checks below still run.
	if !e.Real() && (!e.emu.Fake.CheckUserPassword(botID, h1.pwBot) || !e.emu.Fake.CheckUserPassword(personID, h1.pwPerson)) {
		t.Fatal("MISP did not receive the configured passwords: the test would prove nothing")
	}
	e.requireExternalAuthKey(t, botID, h1.extKeyBot)
	e.requireExternalAuthKey(t, personID, h1.extKeyPerson)
	secrets["misp_user.authkey"] = []string{storedAuthkey(t, state1)} // computed: store_authkey = true on the bot
	secrets["misp_auth_key.authkey"] = allStoredAuthkeys(state1)

	e.write(t, "main.tf", hygieneConfig(h2))
	e.run(t, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	if !e.Real() && (!e.emu.Fake.CheckUserPassword(botID, h2.pwBot) || !e.emu.Fake.CheckUserPassword(personID, h2.pwPerson)) {
		t.Fatal("the rotated passwords did not reach MISP")
	}
	e.requireExternalAuthKey(t, botID, h2.extKeyBot)
	e.requireExternalAuthKey(t, personID, h2.extKeyPerson)
	state2 := readFile(t, e.ws.StatePath())
	secrets["misp_auth_key.authkey"] = append(secrets["misp_auth_key.authkey"], allStoredAuthkeys(state2)...)
	e.run(t, 0, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	e.run(t, 0, "destroy", "-auto-approve", "-input=false", "-no-color")
	if !e.Real() {
		issued := e.emu.Fake.IssuedAuthKeys()
		// Two misp_auth_key generations, and at least one ephemeral key per apply.
		if len(issued) < 4 {
			t.Fatalf("the emulator issued %d auth keys, want at least 4 (two rotations, two ephemeral)", len(issued))
		}
		secrets["ephemeral.misp_auth_key.authkey"] = issued
	} else {
		// A real MISP does not tell the ephemeral keys; the API-key-shaped scan below still covers them.
		secrets["ephemeral.misp_auth_key.authkey"] = secrets["misp_auth_key.authkey"]
	}

	for _, name := range schemaSecrets {
		for i, secret := range secrets[name] {
			if len(secret) < 8 {
				t.Fatalf("value %d of %s is %d characters long: too short to search the log for", i+1, name, len(secret))
			}
		}
		if len(secrets[name]) == 0 {
			t.Fatalf("the run gave %s no value", name)
		}
	}
	trace := readFile(t, logPath)
	if !strings.Contains(trace, "MISP API request") {
		t.Fatalf("the trace log (%d bytes) holds no provider request log line: TF_LOG did not reach the provider", len(trace))
	}
	for _, name := range schemaSecrets {
		for i, secret := range secrets[name] {
			if n := strings.Count(trace, secret); n > 0 {
				t.Errorf("the TRACE log contains value %d of %s (%d times)", i+1, name, n)
			}
		}
	}
	// Any other string shaped like a MISP key (40 letters and digits, mixed case) would be a key MISP returned,
	// e.g. the person's one-time authkey that store_authkey = false must drop.
	for _, m := range keyShaped.FindAllString(trace, -1) {
		if terraformIdentifiers[m] {
			continue
		}
		if strings.ContainsAny(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strings.ContainsAny(m, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("the TRACE log contains an API-key-shaped string %s…", m[:4])
		}
	}
	for name, st := range map[string]string{"after create": state1, "after rotation": state2} {
		for i, pw := range secrets["misp_user.password_wo"] {
			if strings.Contains(st, pw) {
				t.Errorf("the state file %s contains password %d", name, i+1)
			}
		}
	}
}

// requireExternalAuthKey fails unless MISP holds want (trimmed, as MISP stores it) as the user's external
// authentication key: otherwise the log check would prove nothing.
func (e *env) requireExternalAuthKey(t *testing.T, id, want string) {
	t.Helper()
	v, err := e.client(t).GetUser(t.Context(), id)
	if err != nil {
		t.Fatalf("reading user %s: %v", id, err)
	}
	if v.User.ExternalAuthKey != strings.TrimSpace(want) {
		t.Fatalf("MISP does not hold the configured external_auth_key of user %s: the test would prove nothing", id)
	}
}

var keyShaped = regexp.MustCompile(`\b[a-zA-Z0-9]{40}\b`)

// terraformIdentifiers are names in Terraform's own TRACE log that happen to be key-shaped (graph node types of a
// create_before_destroy replacement).
var terraformIdentifiers = map[string]bool{"NodeDestroyDeposedResourceInstanceObject": true}

// storedAuthkey is the bot's authkey as kept in state (store_authkey = true).
func storedAuthkey(t *testing.T, state string) string {
	t.Helper()
	m := regexp.MustCompile(`"authkey":\s*"([a-zA-Z0-9]{40})"`).FindStringSubmatch(state)
	if m == nil {
		t.Fatal("the state holds no 40-character authkey for the store_authkey = true user")
	}
	return m[1]
}

// allStoredAuthkeys is every 40-character authkey in a state file (misp_user and misp_auth_key).
func allStoredAuthkeys(state string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`"authkey":\s*"([a-zA-Z0-9]{40})"`).FindAllStringSubmatch(state, -1) {
		out = append(out, m[1])
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
