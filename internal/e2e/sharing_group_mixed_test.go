//go:build linux

package e2e

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

// TestSharingGroupMixedMembers: one group's members managed both ways — misp_sharing_group's authoritative
// organisations lists A, a misp_sharing_group_organisation adds B — is made visible by warnings naming both
// resource types and the documentation section (internal/provider/sharing_group_styles.go): in the first apply
// (the membership's final plan, once the group's id is known), in the next plan (on the membership, and on the
// group, which plans to remove B because it did not add B), and after the group removed B (the membership's
// refresh). A member the group itself applied and the configuration then drops is removed without a warning.
func TestSharingGroupMixedMembers(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	e := newEnv(t, fakemisp.Options{})
	name := "tfacc-e2e-sgmix-" + strings.ToLower(rand.Text()[:8])
	orgs := fmt.Sprintf(`
resource "misp_organisation" "a" {
  name = "%[1]s-a"
}

resource "misp_organisation" "b" {
  name = "%[1]s-b"
}
`, name)
	group := func(members string) string {
		return fmt.Sprintf(`
resource "misp_sharing_group" "g" {
  name          = %q
  organisations = [%s]
}
`, name, members)
	}
	const memberA = `{ organisation_id = misp_organisation.a.id, extend = false }`
	const membershipB = `
resource "misp_sharing_group_organisation" "b" {
  sharing_group_id = misp_sharing_group.g.id
  organisation_id  = misp_organisation.b.id
}
`
	t.Cleanup(func() {
		if res, err := e.ws.Run(context.Background(), "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil || res.ExitCode != 0 {
			t.Errorf("destroy: %v\n%s", err, res.Output())
		}
	})
	plan := []string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	mixed := warningOn("Sharing group members managed in two ways", "misp_sharing_group_organisation.b",
		"lists its members in organisations, which is authoritative", "misp_sharing_group_organisation resources for that group",
		`"Members: one way per group" in the misp_sharing_group documentation`)
	foreign := warningOn("Sharing group members added outside organisations will be removed", "misp_sharing_group.g",
		name+"-b", "this resource did not add it", "misp_sharing_group_organisation resource",
		`"Members: one way per group" in the misp_sharing_group documentation`)
	gone := warningOn("MISP sharing group membership no longer exists", "misp_sharing_group_organisation.b",
		"If a misp_sharing_group lists this group's members in organisations", `"Members: one way per group"`)

	e.write(t, "main.tf", providerHeader+orgs+group(memberA)+membershipB)
	res := e.run(t, 0, apply...)
	expect(t, "the first apply", res, mixed)
	expectNot(t, "the first apply", res, foreign)

	res = e.run(t, 2, plan...)
	expect(t, "the plan after it", res, mixed, foreign)
	if !strings.Contains(res.Stdout, "misp_sharing_group.g will be updated in-place") {
		t.Errorf("the group should plan to remove B:\n%s", res.Output())
	}

	// The fight: the group removes B, and the membership resource then finds B gone and plans it back.
	e.run(t, 0, apply...)
	res = e.run(t, 2, plan...)
	expect(t, "the plan after the group removed B", res, gone)
	if !strings.Contains(res.Stdout, "misp_sharing_group_organisation.b will be created") {
		t.Errorf("the membership should be planned back:\n%s", res.Output())
	}

	// One way only: the group alone, then A dropped from organisations by its own configuration.
	e.write(t, "main.tf", providerHeader+orgs+group(memberA))
	res = e.run(t, 0, apply...)
	expectNot(t, "the apply without the membership resource", res, mixed, foreign)
	e.write(t, "main.tf", providerHeader+orgs+group(""))
	res = e.run(t, 2, plan...)
	expectNot(t, "the plan dropping a member the group applied", res, mixed, foreign)
	e.run(t, 0, apply...)
	e.run(t, 0, plan...)
}

// warning is one of Terraform's warnings: its summary, the resource it is attributed to, and parts of its text in
// order, whatever the line wrapping and box drawing.
type warning struct {
	summary string
	parts   []string
}

func warningOn(summary, address string, parts ...string) warning {
	return warning{summary: summary, parts: append([]string{"with " + address + ","}, parts...)}
}

// diagnostics splits an output into its diagnostics, each flattened ("Warning: <summary> with <address>, ...").
func diagnostics(out string) []string {
	flat := flatten(out)
	var list []string
	for _, m := range diagStartRe.FindAllStringIndex(flat, -1) {
		list = append(list, flat[m[0]:])
	}
	for i := range list {
		if i+1 < len(list) {
			list[i] = list[i][:len(list[i])-len(list[i+1])]
		}
	}
	return list
}

var diagStartRe = regexp.MustCompile(`(?:Warning|Error): `)

// flatten removes Terraform's diagnostic box characters and joins the wrapped lines.
func flatten(s string) string {
	s = strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// matches reports whether one diagnostic is this warning.
func (w warning) matches(d string) bool {
	rest, ok := strings.CutPrefix(d, "Warning: "+w.summary+" ")
	if !ok {
		return false
	}
	for _, p := range w.parts {
		i := strings.Index(rest, flatten(p))
		if i < 0 {
			return false
		}
		rest = rest[i+len(flatten(p)):]
	}
	return true
}

func expect(t *testing.T, when string, res *Result, ws ...warning) {
	t.Helper()
	for _, w := range ws {
		found := false
		for _, d := range diagnostics(res.Output()) {
			found = found || w.matches(d)
		}
		if !found {
			t.Errorf("%s: no warning %q with %q:\n%s", when, w.summary, w.parts, res.Output())
		}
	}
}

func expectNot(t *testing.T, when string, res *Result, ws ...warning) {
	t.Helper()
	for _, w := range ws {
		for _, d := range diagnostics(res.Output()) {
			if strings.HasPrefix(d, "Warning: "+w.summary) {
				t.Errorf("%s: unexpected warning %q:\n%s", when, w.summary, res.Output())
			}
		}
	}
}
