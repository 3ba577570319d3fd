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

// The auth-key sweeper deletes the keys the acceptance tests made (their comment starts with testPrefix), also
// those a deleted test user left behind (MISP keeps a deleted user's keys).
func init() {
	resource.AddTestSweepers("misp_auth_key", &resource.Sweeper{Name: "misp_auth_key", F: sweepAuthKeys})
}

func sweepAuthKeys(string) error {
	c, err := sweepClient()
	if err != nil {
		return err
	}
	ctx := context.Background()
	keys, err := c.ListAuthKeys(ctx, "")
	if err != nil {
		return fmt.Errorf("listing auth keys: %w", err)
	}
	var errs []error
	for _, k := range keys {
		if !strings.HasPrefix(string(k.Comment), testPrefix) {
			continue
		}
		log.Printf("[INFO] sweeping auth key %s (%s…%s) of user %s", k.ID, k.Start, k.End, k.UserID)
		if err := c.DeleteAuthKey(ctx, k.ID.String()); err != nil && !errors.Is(err, misp.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
