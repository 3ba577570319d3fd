package provider

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

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
			t.Parallel()
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			env := newAccEnv(t)
			cfg := env.Config(string(body))
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
