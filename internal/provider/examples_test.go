package provider

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// exampleFiles are the HCL files tfplugindocs renders into docs/: each must apply cleanly on a fresh
// emulator so the documentation cannot rot.
func exampleFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{
		"../../examples/resources/*/resource.tf",
		"../../examples/data-sources/*/data-source.tf",
		"../../examples/functions/*/function.tf",
		"../../examples/ephemeral-resources/*/ephemeral-resource.tf",
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	return files
}

func TestAccExamples(t *testing.T) {
	files := exampleFiles(t)
	if len(files) == 0 {
		t.Fatal("no example files found under examples/")
	}
	for _, file := range files {
		name := strings.TrimPrefix(filepath.ToSlash(file), "../../examples/")
		t.Run(name, func(t *testing.T) {
			// On a real MISP the examples run one after the other: several declare the same names.
			if os.Getenv("MISP_ACC_URL") == "" {
				t.Parallel()
			}
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var env *accEnv
			if strings.Contains(name, "misp_default_role") {
				env = newAccEnvDefaultRole(t)
			} else {
				env = newAccEnv(t)
			}
			cfg := env.Config(prefixExampleNames(t, body))
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Config: cfg},
					// Applying the example again changes nothing: no perpetual diff in what users copy.
					{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
				},
			})
		})
	}
}

// prefixExampleNames puts the test prefix in front of the literal name and email of every resource block, so that
// what the examples create is recognisably a test's (the sweeper removes it if a run is interrupted) and cannot
// clash with a real object of a shared MISP. Nothing else changes: data sources still look up MISP's own objects.
func prefixExampleNames(t *testing.T, src []byte) string {
	t.Helper()
	f, diags := hclwrite.ParseConfig(src, "example.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parsing the example: %s", diags)
	}
	for _, block := range f.Body().Blocks() {
		if block.Type() != "resource" {
			continue
		}
		for _, attr := range []string{"name", "email", "comment"} {
			a := block.Body().GetAttribute(attr)
			if a == nil {
				continue
			}
			toks := a.Expr().BuildTokens(nil)
			var lit []*hclwrite.Token
			for _, tok := range toks {
				if tok.Type == hclsyntax.TokenQuotedLit {
					lit = append(lit, tok)
				}
			}
			if len(lit) == 1 && len(toks) == 3 && toks[0].Type == hclsyntax.TokenOQuote {
				lit[0].Bytes = append([]byte(testPrefix+"ex-"), lit[0].Bytes...)
			}
		}
	}
	return string(f.Bytes())
}

func TestPrefixExampleNames(t *testing.T) {
	src := `resource "misp_role" "a" {
  name = "Analyst"
}
resource "misp_user" "u" {
  email = "analyst@example.org"
}
resource "misp_user" "v" {
  email = "${var.x}@example.org"
}
data "misp_role" "r" {
  name = "Read Only"
}
`
	got := prefixExampleNames(t, []byte(src))
	for _, want := range []string{`"tfacc-ex-Analyst"`, `"tfacc-ex-analyst@example.org"`, `"${var.x}@example.org"`, `"Read Only"`} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten example lacks %s:\n%s", want, got)
		}
	}
}
