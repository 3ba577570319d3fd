package provider

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// The sweepers remove what acceptance tests left behind on a shared MISP (a run killed half-way, a destroy that
// failed): every user whose e-mail, and every role and organisation whose name, contains testPrefix, and the
// all-digit organisation names of numericTestName. They run with terraform-plugin-testing's sweeper flag, against
// the MISP of MISP_ACC_URL / MISP_ACC_API_KEY (the "region" argument is not used):
//
//	MISP_ACC_URL=... MISP_ACC_API_KEY=... go test ./internal/provider/ -run '^$' -sweep=misp
//
// `make sweep` does this. Users go first (MISP refuses to delete an organisation with users or a role users
// hold), and a test role that is the default role is replaced as default by the built-in "User" role.

var numericTestNameRe = regexp.MustCompile(`^9[0-9]{8}$`)

func init() {
	resource.AddTestSweepers("misp_user", &resource.Sweeper{Name: "misp_user", F: sweepUsers})
	resource.AddTestSweepers("misp_role", &resource.Sweeper{Name: "misp_role", Dependencies: []string{"misp_user"}, F: sweepRoles})
	resource.AddTestSweepers("misp_organisation", &resource.Sweeper{
		Name: "misp_organisation", Dependencies: []string{"misp_user"}, F: sweepOrganisations,
	})
}

func sweepClient() (*misp.Client, error) {
	u, key := os.Getenv("MISP_ACC_URL"), os.Getenv("MISP_ACC_API_KEY")
	if u == "" || key == "" {
		return nil, errors.New("the sweepers need MISP_ACC_URL and MISP_ACC_API_KEY (a disposable MISP: they delete test objects)")
	}
	return misp.New(misp.Config{URL: u, APIKey: key, UserAgent: "terraform-provider-misp/sweeper"})
}

func sweepUsers(string) error {
	c, err := sweepClient()
	if err != nil {
		return err
	}
	ctx := context.Background()
	users, err := c.ListUsers(ctx, misp.UserFilter{Email: testPrefix})
	if err != nil {
		return fmt.Errorf("listing users: %w", err)
	}
	var errs []error
	for _, u := range users {
		if !strings.Contains(strings.ToLower(u.User.Email), testPrefix) {
			continue
		}
		log.Printf("[INFO] sweeping user %s (%s)", u.User.ID, u.User.Email)
		if err := c.DeleteUser(ctx, u.User.ID.String()); err != nil && !errors.Is(err, misp.ErrNotFound) {
			errs = append(errs, fmt.Errorf("user %s: %w", u.User.Email, err))
		}
	}
	return errors.Join(errs...)
}

func sweepRoles(string) error {
	c, err := sweepClient()
	if err != nil {
		return err
	}
	ctx := context.Background()
	roles, err := c.ListRoles(ctx, "")
	if err != nil {
		return fmt.Errorf("listing roles: %w", err)
	}
	var errs []error
	for _, r := range roles {
		if !strings.Contains(r.Name, testPrefix) {
			continue
		}
		if r.Default {
			log.Printf("[INFO] making the built-in role 3 (User) the default again instead of %q", r.Name)
			if err := c.SetDefaultRole(ctx, "3"); err != nil {
				errs = append(errs, fmt.Errorf("restoring the default role: %w", err))
			}
		}
		log.Printf("[INFO] sweeping role %s (%s)", r.ID, r.Name)
		if err := c.DeleteRole(ctx, r.ID.String()); err != nil && !errors.Is(err, misp.ErrNotFound) {
			errs = append(errs, fmt.Errorf("role %s: %w", r.Name, err))
		}
	}
	return errors.Join(errs...)
}

func sweepOrganisations(string) error {
	c, err := sweepClient()
	if err != nil {
		return err
	}
	ctx := context.Background()
	orgs, err := c.ListOrganisations(ctx, "all", "")
	if err != nil {
		return fmt.Errorf("listing organisations: %w", err)
	}
	var errs []error
	for _, o := range orgs {
		if !strings.Contains(o.Name, testPrefix) && !numericTestNameRe.MatchString(o.Name) {
			continue
		}
		log.Printf("[INFO] sweeping organisation %s (%s)", o.ID, o.Name)
		if err := c.DeleteOrganisation(ctx, o.ID.String()); err != nil && !errors.Is(err, misp.ErrNotFound) {
			errs = append(errs, fmt.Errorf("organisation %s: %w", o.Name, err))
		}
	}
	return errors.Join(errs...)
}
