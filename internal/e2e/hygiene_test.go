//go:build linux

package e2e

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// hygieneConfig has a bot account whose API key is kept in state and a person with a password; version
// selects which password each one has.
func hygieneConfig(run, pwBot, pwPerson string, version int) string {
	return providerHeader + fmt.Sprintf(`
resource "misp_user" "bot" {
  email               = "tfacc-ci-bot-%[5]s@hygiene.example.org"
  org_id              = 1
  role_id             = 3
  store_authkey       = true
  password_wo         = %[1]q
  password_wo_version = %[2]d
}

resource "misp_user" "person" {
  email               = "tfacc-analyst-%[5]s@hygiene.example.org"
  org_id              = 1
  role_id             = 3
  password_wo         = %[3]q
  password_wo_version = %[4]d
}
`, pwBot, version, pwPerson, version, run)
}

// strongPassword is a random password that meets MISP's default policy.
func strongPassword() string {
	return "Pw-" + rand.Text() + "9a"
}

// TestSecretHygiene runs create, password rotation, a plan and destroy with TF_LOG=TRACE into a file: the
// log must hold neither the provider's API key, nor any password, nor the authkey kept in state, nor any
// other API-key-shaped string; the state file must hold no password.
func TestSecretHygiene(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	e := newEnv(t, fakemisp.Options{})
	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	e.ws.Env["TF_LOG"] = "TRACE"
	e.ws.Env["TF_LOG_PATH"] = logPath

	pw1Bot, pw1Person := strongPassword(), strongPassword()
	pw2Bot, pw2Person := strongPassword(), strongPassword()
	passwords := []string{pw1Bot, pw1Person, pw2Bot, pw2Person}

	run := strings.ToLower(rand.Text()[:8])
	e.write(t, "main.tf", hygieneConfig(run, pw1Bot, pw1Person, 1))
	e.run(t, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	state1 := readFile(t, e.ws.StatePath())

	botID := e.userID(t, "tfacc-ci-bot-"+run+"@hygiene.example.org")
	personID := e.userID(t, "tfacc-analyst-"+run+"@hygiene.example.org")
	if botID == "" || personID == "" {
		t.Fatal("the users were not created")
	}
	// Whether MISP received the passwords only the emulator can tell (MISP's API has no password check); on a
	// real MISP the log and state checks below still run.
	if !e.Real() && (!e.emu.Fake.CheckUserPassword(botID, pw1Bot) || !e.emu.Fake.CheckUserPassword(personID, pw1Person)) {
		t.Fatal("MISP did not receive the configured passwords: the test would prove nothing")
	}
	authkey := storedAuthkey(t, state1)

	e.write(t, "main.tf", hygieneConfig(run, pw2Bot, pw2Person, 2))
	e.run(t, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	if !e.Real() && (!e.emu.Fake.CheckUserPassword(botID, pw2Bot) || !e.emu.Fake.CheckUserPassword(personID, pw2Person)) {
		t.Fatal("the rotated passwords did not reach MISP")
	}
	state2 := readFile(t, e.ws.StatePath())
	e.run(t, 0, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	e.run(t, 0, "destroy", "-auto-approve", "-input=false", "-no-color")

	trace := readFile(t, logPath)
	if !strings.Contains(trace, "MISP API request") {
		t.Fatalf("the trace log (%d bytes) holds no provider request log line: TF_LOG did not reach the provider", len(trace))
	}
	secrets := map[string]string{"the provider's API key": e.key, "the stored authkey": authkey}
	for i, pw := range passwords {
		secrets[fmt.Sprintf("password %d", i+1)] = pw
	}
	for what, secret := range secrets {
		if strings.Contains(trace, secret) {
			t.Errorf("the TRACE log contains %s", what)
		}
	}
	// Any other string shaped like a MISP key (40 letters and digits, mixed case) would be a key MISP returned,
	// e.g. the person's one-time authkey that store_authkey = false must drop.
	for _, m := range keyShaped.FindAllString(trace, -1) {
		if strings.ContainsAny(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strings.ContainsAny(m, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("the TRACE log contains an API-key-shaped string %s…", m[:4])
		}
	}
	for name, st := range map[string]string{"after create": state1, "after rotation": state2} {
		for i, pw := range passwords {
			if strings.Contains(st, pw) {
				t.Errorf("the state file %s contains password %d", name, i+1)
			}
		}
	}
}

var keyShaped = regexp.MustCompile(`\b[a-zA-Z0-9]{40}\b`)

// storedAuthkey is the bot's authkey as kept in state (store_authkey = true).
func storedAuthkey(t *testing.T, state string) string {
	t.Helper()
	m := regexp.MustCompile(`"authkey":\s*"([a-zA-Z0-9]{40})"`).FindStringSubmatch(state)
	if m == nil {
		t.Fatal("the state holds no 40-character authkey for the store_authkey = true user")
	}
	return m[1]
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
