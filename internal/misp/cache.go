package misp

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// DefaultIndexCacheTTL is how long a listing serves the Cached* methods when Config.IndexCacheTTL is zero.
//
// A Terraform provider process lives for one graph walk (a plan's refresh, or an apply), which reads each object
// once, and every write through the client drops what it may change whatever its outcome: within a walk, a listing
// is as good at its end as at its start. The bound is long enough for the refresh of a large configuration (a
// no-change plan over 5,000 users takes about two minutes of Terraform's own work on 2 CPUs; with the former 30 s
// it listed every user three times, and held two listings at once, docs/development/performance.md) and short
// enough that a long-lived client does not serve an hour-old listing.
const DefaultIndexCacheTTL = 10 * time.Minute

// indexCache serves reads of single users, organisations and roles from one listing of each (MISP's
// indexes are unpaged and hold every row), so that refreshing many objects costs one request instead of
// one per object. A listing is shared by concurrent callers (single flight) and reused for ttl. Every
// write through the client drops the listings it may have changed (see invalidateFor); a listing that was
// in flight when such a write completed is handed to its callers but not kept.
type indexCache struct {
	ttl   time.Duration
	group singleflight.Group

	mu       sync.Mutex
	users    slot[UserIndexEntry]
	orgs     slot[Organisation]
	orgNames slot[string]
	roles    slot[Role]
}

// slot is the current listing of one kind; gen counts the writes that dropped it.
type slot[T any] struct {
	gen  uint64
	snap *snapshot[T]
}

func (s *slot[T]) drop() {
	s.gen++
	s.snap = nil
}

// snapshot is one listing, by id.
type snapshot[T any] struct {
	byID map[ID]*T
	at   time.Time
}

func newIndexCache(ttl time.Duration) *indexCache {
	if ttl == 0 {
		ttl = DefaultIndexCacheTTL
	}
	return &indexCache{ttl: ttl}
}

// invalidateFor drops what a write to path may have changed:
//   - a user write: the users listing and the organisations listing (its user_count);
//   - an organisation write: organisations, their names, and users (whose rows embed the org name);
//   - a role write: roles and users (whose rows embed the role name and flags);
//   - anything else: everything.
//
// Role and organisation names therefore survive the user writes of a large apply.
func (ic *indexCache) invalidateFor(path string) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	switch {
	case strings.HasPrefix(path, "/admin/users/"), strings.HasPrefix(path, "/users/"):
		ic.users.drop()
		ic.orgs.drop()
	case strings.HasPrefix(path, "/admin/organisations/"):
		ic.orgs.drop()
		ic.orgNames.drop()
		ic.users.drop()
	case strings.HasPrefix(path, "/admin/roles/"):
		ic.roles.drop()
		ic.users.drop()
	default:
		ic.dropAll()
	}
}

func (ic *indexCache) dropAll() {
	ic.users.drop()
	ic.orgs.drop()
	ic.orgNames.drop()
	ic.roles.drop()
}

// InvalidateIndexCache forgets every listing behind the Cached* methods. Writes through the client do
// this on their own for what they may change; call it after changing MISP by other means.
func (c *Client) InvalidateIndexCache() {
	c.cache.mu.Lock()
	c.cache.dropAll()
	c.cache.mu.Unlock()
}

// CachedUser returns a copy of user id's row of the users index (GET /admin/users/index), from a listing
// shared with concurrent callers and reused until it is older than Config.IndexCacheTTL or a write goes
// through the client. The row lacks what the index omits (docs/development/misp-api.md §1.1.1: password, totp, sub,
// external_auth_*, notification_*, hotp_counter, totp_is_set); use GetUser for those. A user absent from
// the listing is ErrNotFound: the index shows a site admin every user and an org admin the users of its
// organisation, the same users admin view would show.
func (c *Client) CachedUser(ctx context.Context, id string) (*UserIndexEntry, error) {
	e, err := cachedLookup(ctx, c, "users", id,
		func(ic *indexCache) *slot[UserIndexEntry] { return &ic.users },
		func(ctx context.Context) (map[ID]*UserIndexEntry, error) {
			list, err := c.ListUsers(ctx, UserFilter{})
			return byID(list, func(e *UserIndexEntry) ID { return e.User.ID }), err
		})
	if err != nil {
		return nil, fmt.Errorf("read user %s: %w", id, err)
	}
	return e, nil
}

// CachedOrganisation returns organisation id (numeric) from a shared listing of every organisation, local
// and external (GET /organisations/index/scope:all), cached like CachedUser; a user write drops it too, as
// it changes user_count. The listing holds every column, landingpage and user_count included. When MISP
// hides the organisation index from the caller (403), fall back to GetOrganisation.
func (c *Client) CachedOrganisation(ctx context.Context, id string) (*Organisation, error) {
	o, err := cachedLookup(ctx, c, "organisations", id,
		func(ic *indexCache) *slot[Organisation] { return &ic.orgs },
		func(ctx context.Context) (map[ID]*Organisation, error) {
			list, err := c.ListOrganisations(ctx, "all", "")
			return byID(list, func(o *Organisation) ID { return o.ID }), err
		})
	if err != nil {
		return nil, fmt.Errorf("read organisation %s: %w", id, err)
	}
	return o, nil
}

// CachedOrganisationName returns the name of organisation id from the organisations listing, cached like
// CachedOrganisation except that user writes do not drop it (they cannot rename an organisation): the
// names of the organisations of a thousand new users cost one listing.
func (c *Client) CachedOrganisationName(ctx context.Context, id string) (string, error) {
	n, err := cachedLookup(ctx, c, "organisation names", id,
		func(ic *indexCache) *slot[string] { return &ic.orgNames },
		func(ctx context.Context) (map[ID]*string, error) {
			list, err := c.ListOrganisations(ctx, "all", "")
			out := make(map[ID]*string, len(list))
			for i := range list {
				out[list[i].ID] = &list[i].Name
			}
			return out, err
		})
	if err != nil {
		return "", fmt.Errorf("read organisation %s: %w", id, err)
	}
	return *n, nil
}

// CachedRole returns role id from a shared listing of every role (GET /roles/index), cached like
// CachedUser; user writes do not drop it. Unlike GetRole it fills Default.
func (c *Client) CachedRole(ctx context.Context, id string) (*Role, error) {
	r, err := cachedLookup(ctx, c, "roles", id,
		func(ic *indexCache) *slot[Role] { return &ic.roles },
		func(ctx context.Context) (map[ID]*Role, error) {
			list, err := c.ListRoles(ctx, "")
			return byID(list, func(r *Role) ID { return r.ID }), err
		})
	if err != nil {
		return nil, fmt.Errorf("read role %s: %w", id, err)
	}
	return r, nil
}

func byID[T any](list []T, idOf func(*T) ID) map[ID]*T {
	out := make(map[ID]*T, len(list))
	for i := range list {
		out[idOf(&list[i])] = &list[i]
	}
	return out
}

// errNotInIndex is the ErrNotFound of a cached lookup.
var errNotInIndex = fmt.Errorf("%w in the index", ErrNotFound)

// cachedLookup finds id in the cached listing of one kind, listing it (once for all concurrent callers)
// when there is no fresh one. It returns a shallow copy of the row (its slices and maps are shared with
// the cache and must not be modified).
func cachedLookup[T any](ctx context.Context, c *Client, kind, id string,
	slotOf func(*indexCache) *slot[T], list func(context.Context) (map[ID]*T, error),
) (*T, error) {
	if id == "" {
		return nil, errEmptyID
	}
	ic := c.cache
	ic.mu.Lock()
	s := slotOf(ic)
	gen, snap := s.gen, s.snap
	if snap != nil && time.Since(snap.at) >= ic.ttl {
		snap = nil
	}
	ic.mu.Unlock()

	if snap == nil {
		// The generation is part of the key: a caller that arrives after a write never joins a listing
		// that started before it.
		ch := ic.group.DoChan(fmt.Sprintf("%s#%d", kind, gen), func() (any, error) {
			// Shared by every waiter, so not bound to the first one's cancellation; Config.Timeout and
			// the retry limit bound it.
			items, err := list(context.WithoutCancel(ctx))
			if err != nil {
				return nil, err
			}
			fresh := &snapshot[T]{byID: items, at: time.Now()}
			ic.mu.Lock()
			if s := slotOf(ic); s.gen == gen {
				s.snap = fresh
			}
			ic.mu.Unlock()
			return fresh, nil
		})
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for the %s index: %w", kind, ctx.Err())
		case res := <-ch:
			if res.Err != nil {
				return nil, res.Err
			}
			snap, _ = res.Val.(*snapshot[T])
		}
	}
	e, ok := snap.byID[ID(id)]
	if !ok {
		return nil, errNotInIndex
	}
	cp := *e
	return &cp, nil
}
