package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// readRole reads one role by id the way every Read does: from MISP's roles index, the only answer that carries
// the "default" flag (§3.1.1), which it may answer from the client's cache (misp.Client.CachedRole). A missing
// role is an error matching misp.ErrNotFound.
func readRole(ctx context.Context, c *misp.Client, id string) (*misp.Role, error) {
	// The client's cached index serves many roles with one request (and only it carries "default").
	r, err := c.CachedRole(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("role %s: %w", id, err)
	}
	return r, nil
}

// findRoleByName finds a role by exact (case-sensitive) name. It always asks MISP's index; a miss is an error
// matching misp.ErrNotFound, and a name that several roles share is an error naming their ids.
func findRoleByName(ctx context.Context, c *misp.Client, name string) (*misp.Role, error) {
	found, err := rolesNamed(ctx, c, name)
	if err != nil {
		return nil, err
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("role named %q: %w", name, misp.ErrNotFound)
	case 1:
		return &found[0], nil
	}
	ids := make([]string, len(found))
	for i, role := range found {
		ids[i] = role.ID.String()
	}
	return nil, fmt.Errorf("%d roles are named %q (ids %s); use the id", len(found), name, strings.Join(ids, ", "))
}

// lookupRole finds a role by any key a user may type (the import id): id or name. A numeric key is an id first
// (readRole, which may answer from the cache) and a name second (findRoleByName, which asks MISP).
func lookupRole(ctx context.Context, c *misp.Client, key string) (*misp.Role, error) {
	if key == "" {
		return nil, errors.New("the import id is empty")
	}
	if numericIDRe.MatchString(key) {
		role, err := readRole(ctx, c, key)
		if err == nil {
			return role, nil
		}
		if !errors.Is(err, misp.ErrNotFound) {
			return nil, fmt.Errorf("looking up role %q: %w", key, err)
		}
	}
	role, err := findRoleByName(ctx, c, key)
	switch {
	case err == nil:
		return role, nil
	case !errors.Is(err, misp.ErrNotFound):
		return nil, fmt.Errorf("looking up role %q: %w", key, err)
	case numericIDRe.MatchString(key):
		return nil, fmt.Errorf("no MISP role has id %s, and none is named %q", key, key)
	}
	return nil, fmt.Errorf("no MISP role is named %q (names are case-sensitive)", key)
}

// rolesNamed lists the roles with exactly this name (MISP's name filter is a LIKE pattern).
func rolesNamed(ctx context.Context, c *misp.Client, name string) ([]misp.Role, error) {
	roles, err := c.ListRoles(ctx, name)
	if err != nil {
		return nil, err
	}
	var out []misp.Role
	for _, role := range roles {
		if role.Name == name {
			out = append(out, role)
		}
	}
	return out, nil
}
