package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// Helpers shared by the acceptance tests.

// diagRe matches diagnostics text that Terraform may wrap across lines: each part literally (any run of spaces
// matching any whitespace), the parts in order.
func diagRe(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// checkGoneFromMISP is a CheckDestroy: every resource of typeName in the state (data sources aside) must be gone
// from MISP, get answering an error that matches misp.ErrNotFound.
func checkGoneFromMISP(env *accEnv, t *testing.T, typeName, kind string, get func(context.Context, *misp.Client, string) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		c := env.Client(t)
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != typeName || strings.HasPrefix(addr, "data.") {
				continue
			}
			err := get(context.Background(), c, rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("%s %s still exists", kind, rs.Primary.ID)
			}
			if !errors.Is(err, misp.ErrNotFound) {
				return err
			}
		}
		return nil
	}
}
