//go:build linux

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// driftCommand is the drift job's command, exactly as docs/guides/drift-detection.md recommends it.
var driftCommand = []string{"plan", "-detailed-exitcode", "-input=false", "-lock=false", "-no-color"}

// TestDriftRecipe follows the drift guide on the quick start example (examples/quickstart): the guide's command
// exits 0 right after a clean apply (the organisation's user_count moved during that apply), 0 after the users
// logged in and used their API keys (login times, last_api_access), 2 after a change made in MISP behind
// Terraform's back, and 0 once re-applied.
func TestDriftRecipe(t *testing.T) {
	requireAcc(t)
	if os.Getenv("MISP_ACC_URL") == "" {
		t.Parallel() // on a real MISP alone: the quick start changes the instance's default role
	}
	e := newEnv(t, fakemisp.Options{})

	guide, err := os.ReadFile(filepath.Join("..", "..", "docs", "guides", "drift-detection.md"))
	if err != nil {
		t.Fatal(err)
	}
	if cmd := "terraform " + strings.Join(driftCommand, " "); !strings.Contains(string(guide), cmd) {
		t.Fatalf("docs/guides/drift-detection.md does not recommend %q: keep the guide and this test in step", cmd)
	}

	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "quickstart", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(src)
	domain := "cert.example.org"
	if e.Real() {
		// A shared MISP: the test's objects carry tfacc- (the sweeper finds them) and cannot clash with real ones.
		cfg = strings.NewReplacer(`"CERT Example"`, `"tfacc-drift CERT Example"`, `"Analyst"`, `"tfacc-drift Analyst"`).Replace(cfg)
		domain = "tfacc-drift.example.org"
	}
	e.write(t, "main.tf", cfg)
	e.ws.Env["TF_VAR_email_domain"] = domain
	e.ws.Env["TF_VAR_analyst_password"] = "Drift-Recipe-Passw0rd-" + time.Now().Format("150405")
	t.Cleanup(func() {
		if res, err := e.ws.Run(context.Background(), "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil || res.ExitCode != 0 {
			t.Errorf("destroy: %v\n%s", err, res.Output())
		}
	})

	e.run(t, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	res := e.run(t, 0, driftCommand...)
	if !strings.Contains(res.Stdout, "No changes.") {
		t.Errorf("right after apply the plan should say No changes:\n%s", res.Output())
	}

	// The users log in and use their API keys, as people and integrations do between two drift runs.
	out, err := e.ws.Run(t.Context(), "output", "-json")
	if err != nil || out.ExitCode != 0 {
		t.Fatalf("terraform output: %v (exit %d)", err, out.ExitCode) // output not printed: it holds the bot's key
	}
	var outputs map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(out.Stdout), &outputs); err != nil {
		t.Fatalf("terraform output -json: %v", err)
	}
	botKey, _ := outputs["feed_bot_authkey"].Value.(string)
	analystID, _ := outputs["analyst_id"].Value.(string)
	if len(botKey) != 40 || analystID == "" {
		t.Fatalf("outputs: analyst_id %q, a 40-character feed_bot_authkey: %v", analystID, len(botKey) == 40)
	}
	bot, err := misp.New(misp.Config{URL: e.url, APIKey: botKey, UserAgent: "terraform-provider-misp/e2e"})
	if err != nil {
		t.Fatal(err)
	}
	me, err := bot.ViewMe(t.Context())
	if err != nil {
		t.Fatalf("the bot's API request: %v", err)
	}
	if !e.Real() {
		// Interactive logins: MISP's API cannot make one, the emulator can (as MISP's login page would).
		now := time.Now().Unix()
		for _, id := range []string{analystID, me.User.ID.String()} {
			if err := e.emu.Fake.UpdateUser(id, map[string]any{"last_login": now - 3600, "current_login": now}); err != nil {
				t.Fatal(err)
			}
		}
		if u, _ := e.emu.Fake.User(me.User.ID.String()); u["last_api_access"] == int64(0) {
			t.Fatal("the bot's API request did not update last_api_access: the step would test nothing")
		}
	}
	res = e.run(t, 0, driftCommand...)
	if !strings.Contains(res.Stdout, "No changes.") {
		t.Errorf("after the users logged in the plan should say No changes:\n%s", res.Output())
	}

	// Someone promotes the analyst to Org Admin in the MISP UI.
	c := e.client(t)
	role := "2"
	if _, err := c.EditUser(t.Context(), analystID, misp.UserInput{RoleID: &role}); err != nil {
		t.Fatalf("changing the analyst's role behind Terraform's back: %v", err)
	}
	res = e.run(t, 2, driftCommand...)
	if !strings.Contains(res.Stdout, "misp_user.analyst will be updated in-place") || !strings.Contains(res.Stdout, "role_id") {
		t.Errorf("the drift plan should update the analyst's role_id:\n%s", res.Output())
	}

	e.run(t, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	e.run(t, 0, driftCommand...)
}
