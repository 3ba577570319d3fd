package provider

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// The sharing groups that acceptance tests left behind (names containing testPrefix), active or not; swept
// before the organisations (sweeper_test.go).
func init() {
	resource.AddTestSweepers("misp_sharing_group", &resource.Sweeper{Name: "misp_sharing_group", F: sweepSharingGroups})
}

func sweepSharingGroups(string) error {
	c, err := sweepClient()
	if err != nil {
		return err
	}
	ctx := context.Background()
	groups, err := c.ListAllSharingGroups(ctx)
	if err != nil {
		return fmt.Errorf("listing sharing groups: %w", err)
	}
	var errs []error
	for _, g := range groups {
		if !strings.Contains(strings.ToLower(g.SharingGroup.Name), testPrefix) {
			continue
		}
		log.Printf("[INFO] sweeping sharing group %s (%s)", g.SharingGroup.ID, g.SharingGroup.Name)
		if err := c.DeleteSharingGroup(ctx, g.SharingGroup.ID.String()); err != nil && !errors.Is(err, misp.ErrNotFound) {
			errs = append(errs, fmt.Errorf("sharing group %s: %w", g.SharingGroup.Name, err))
		}
	}
	return errors.Join(errs...)
}
