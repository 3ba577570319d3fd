package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// lookupOrganisation finds an organisation by any key a user may type (the import id): id, uuid or name. A
// numeric key is an id first (as MISP's own view reads it) and a name second. It always asks MISP (view, then
// index); a miss is an error that says which keys were tried.
func lookupOrganisation(ctx context.Context, c *misp.Client, key string) (*misp.Organisation, error) {
	if key == "" {
		return nil, errors.New("the import id is empty")
	}
	isID, isUUID := numericIDRe.MatchString(key), mispUUIDRe.MatchString(key)
	if isID || isUUID {
		lookup := key
		if isUUID {
			lookup = strings.ToLower(key)
		}
		o, err := c.GetOrganisation(ctx, lookup)
		if err == nil {
			return o, nil
		}
		if !errors.Is(err, misp.ErrNotFound) {
			return nil, fmt.Errorf("looking up organisation %q: %w", key, err)
		}
	}
	o, err := findOrganisationByName(ctx, c, key)
	if err == nil {
		return o, nil
	}
	if !errors.Is(err, misp.ErrNotFound) {
		return nil, fmt.Errorf("looking up organisation %q: %w", key, err)
	}
	switch {
	case isID:
		return nil, fmt.Errorf("no MISP organisation has id %s, and none is named %q", key, key)
	case isUUID:
		return nil, fmt.Errorf("no MISP organisation has uuid %s, and none is named %q", strings.ToLower(key), key)
	}
	return nil, fmt.Errorf("no MISP organisation is named %q (names are case-sensitive)", key)
}

// readOrganisation reads one organisation by id or uuid the way every Read does. By id it may answer from the
// client's cached index of every organisation (misp.Client.CachedOrganisation: one request for all, landingpage
// included); by uuid, or when MISP hides its index from the key, it asks MISP's view plus the index for
// landingpage, which the view omits (§2.1.2). A missing organisation is an error matching misp.ErrNotFound.
func readOrganisation(ctx context.Context, c *misp.Client, key string) (*misp.Organisation, error) {
	if numericIDRe.MatchString(key) {
		// The client's cached index serves many organisations with one request, landingpage included.
		o, err := c.CachedOrganisation(ctx, key)
		if !errors.Is(err, misp.ErrPermissionDenied) {
			return o, err
		}
		// MISP hides its organisation index from this key: read the organisation itself.
	}
	o, err := c.GetOrganisation(ctx, key)
	if err != nil {
		return nil, err
	}
	list, err := c.ListOrganisations(ctx, "all", o.UUID)
	if err != nil {
		return nil, fmt.Errorf("read landing page of organisation %s: %w", o.ID, err)
	}
	for i := range list {
		if list[i].ID == o.ID {
			o.Landingpage = list[i].Landingpage
			break
		}
	}
	return o, nil
}

// findOrganisationByName finds an organisation by exact (case-sensitive) name. It always asks MISP's index,
// which, unlike the view, also finds names that look like ids or uuids. A miss is an error matching
// misp.ErrNotFound.
func findOrganisationByName(ctx context.Context, c *misp.Client, name string) (*misp.Organisation, error) {
	list, err := c.ListOrganisations(ctx, "all", name)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Name == name {
			return &list[i], nil
		}
	}
	return nil, fmt.Errorf("organisation named %q: %w", name, misp.ErrNotFound)
}
