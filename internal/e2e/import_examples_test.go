//go:build linux

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// exampleLiterals are the names and e-mail addresses of examples/resources/*/resource.tf; on a real MISP they
// get a tfacc- prefix in both the resource and the import examples (the sweeper finds them, nothing clashes).
var exampleLiterals = []string{`"CERT Example"`, `"Partner CSIRT"`, `"Analyst"`, `"Org Admin (publishing)"`,
	`"analyst@example.org"`, `"feed-bot@example.org"`, `"newcomer@example.org"`,
	`"Partners"`, `"Partner A"`, `"Partner B"`, `"Sector community"`, `"Community member"`,
	`"ana@soc.example.org/homepage"`, `"ana@soc.example.org"`, `"SOC"`} // the longer first: an import id holds the e-mail

// noImportBlockExample are the importable resources whose page has no import {} block, and why.
var noImportBlockExample = map[string]string{
	"misp_auth_key": "an auth key is imported by MISP's numeric id or UUID only, which no example can know in advance",
}

var importTo = regexp.MustCompile(`(?m)^\s*to\s*=\s*(\S+)\s*$`)

// TestImportBlockExamples checks the import {} block of every importable resource's page
// (examples/resources/<name>/import-by-string-id.tf, rendered by tfplugindocs): the resource example is
// applied, its objects are forgotten (terraform state rm), and the import blocks adopt them again: the plan
// imports each one and adds or destroys nothing, and after the apply the plan is empty.
func TestImportBlockExamples(t *testing.T) {
	requireAcc(t)
	if os.Getenv("MISP_ACC_URL") == "" {
		t.Parallel() // on a real MISP alone: misp_default_role changes the instance's default role
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "resources", "*", "import.sh"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no import.sh under examples/resources: %v", err)
	}
	for _, importSh := range files {
		dir := filepath.Dir(importSh)
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			if os.Getenv("MISP_ACC_URL") == "" {
				t.Parallel()
			}
			if why, ok := noImportBlockExample[name]; ok {
				t.Skipf("no import {} block example: %s", why)
			}
			block, err := os.ReadFile(filepath.Join(dir, "import-by-string-id.tf"))
			if err != nil {
				t.Fatalf("%s has import.sh but no import-by-string-id.tf, so its page shows no import {} block: %v", name, err)
			}
			res, err := os.ReadFile(filepath.Join(dir, "resource.tf"))
			if err != nil {
				t.Fatal(err)
			}
			e := newEnv(t, fakemisp.Options{})
			rewrite := func(s string) string { return s }
			if e.Real() {
				pairs := make([]string, 0, 2*len(exampleLiterals))
				for _, l := range exampleLiterals {
					pairs = append(pairs, l, `"tfacc-imp-`+strings.Trim(l, `"`)+`"`)
				}
				rewrite = strings.NewReplacer(pairs...).Replace
			}
			e.write(t, "provider.tf", providerHeader)
			e.write(t, "resource.tf", rewrite(string(res)))
			if e.Real() && name == "misp_default_role" {
				// An imported misp_default_role cannot know which role was the default before it, so its destroy
				// leaves the deleted example role as MISP's default and every later user without a role_id is
				// refused ("Invalid role"). Put the instance's default back after the destroy below.
				restoreDefaultRole(t, e)
			}
			t.Cleanup(func() {
				if r, err := e.ws.Run(context.Background(), "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil || r.ExitCode != 0 {
					t.Errorf("destroy: %v\n%s", err, r.Output())
				}
			})
			e.run(t, 0, "apply", "-auto-approve", "-input=false", "-no-color")

			var targets []string
			for _, m := range importTo.FindAllStringSubmatch(string(block), -1) {
				targets = append(targets, m[1])
			}
			if len(targets) == 0 {
				t.Fatalf("no import block in %s/import-by-string-id.tf", name)
			}
			e.run(t, 0, append([]string{"state", "rm"}, targets...)...)
			e.write(t, "import.tf", rewrite(string(block)))

			plan := e.run(t, 2, "plan", "-detailed-exitcode", "-input=false", "-no-color")
			summary := regexp.MustCompile(`Plan: (\d+) to import, (\d+) to add, (\d+) to change, (\d+) to destroy`).FindStringSubmatch(plan.Stdout)
			if summary == nil || summary[1] != strconv.Itoa(len(targets)) || summary[2] != "0" || summary[4] != "0" {
				t.Fatalf("the import blocks should import %d objects and add or destroy none:\n%s", len(targets), plan.Output())
			}
			e.run(t, 0, "apply", "-auto-approve", "-input=false", "-no-color")
			e.run(t, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")
		})
	}
}

// restoreDefaultRole makes the real MISP's current default role the default again when the test ends (after the
// cleanups registered later, which run first).
func restoreDefaultRole(t *testing.T, e *env) {
	t.Helper()
	c := e.client(t)
	roles, err := c.ListRoles(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if bool(r.Default) {
			id := r.ID.String()
			t.Cleanup(func() {
				if err := c.SetDefaultRole(context.Background(), id); err != nil {
					t.Errorf("restore MISP's default role %s: %v", id, err)
				}
			})
			return
		}
	}
}
