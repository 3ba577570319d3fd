package misp

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// DefaultIndexCacheTTL is how long a listing serves the Cached* methods when Config.IndexCacheTTL is zero.
const DefaultIndexCacheTTL = 30 * time.Second

// indexCache serves reads of single users, organisations and roles from one listing of each (MISP's
// indexes are unpaged and hold every row), so that refreshing many objects costs one request instead of
// one per object. A listing is shared by concurrent callers (single flight), reused for ttl, and dropped
// by any write through the client; a listing that was in flight when a write completed is handed to its
// callers but not kept.
type indexCache struct {
	ttl   time.Duration
	group singleflight.Group

	mu    sync.Mutex
	gen   uint64 // bumped by every write
	users *snapshot[UserIndexEntry]
	orgs  *snapshot[Organisation]
	roles *snapshot[Role]
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

// invalidate forgets every listing; called after each request that may have changed something.
func (ic *indexCache) invalidate() {
	ic.mu.Lock()
	ic.gen++
	ic.users, ic.orgs, ic.roles = nil, nil, nil
	ic.mu.Unlock()
}

// InvalidateIndexCache forgets the listings behind CachedUser, CachedOrganisation and CachedRole. Writes
// through the client do this on their own; call it after changing MISP by other means.
func (c *Client) InvalidateIndexCache() { c.cache.invalidate() }

// CachedUser returns a copy of user id's row of the users index (GET /admin/users/index), from a listing shared
// with concurrent callers and reused until it is older than Config.IndexCacheTTL or a write goes through
// the client. The row lacks what the index omits (misp-api.md §1.1.1: password, totp, sub,
// external_auth_*, notification_*, hotp_counter, totp_is_set); use GetUser for those. A user absent from
// the listing is ErrNotFound: the index shows a site admin every user and an org admin the users of its
// organisation, the same users admin view would show.
func (c *Client) CachedUser(ctx context.Context, id string) (*UserIndexEntry, error) {
	e, err := cachedLookup(ctx, c, "users", id,
		func(ic *indexCache) **snapshot[UserIndexEntry] { return &ic.users },
		func(ctx context.Context) ([]UserIndexEntry, error) { return c.ListUsers(ctx, UserFilter{}) },
		func(e *UserIndexEntry) ID { return e.User.ID })
	if err != nil {
		return nil, fmt.Errorf("read user %s: %w", id, err)
	}
	return e, nil
}

// CachedOrganisation returns organisation id (numeric) from a shared listing of every organisation, local
// and external (GET /organisations/index/scope:all), cached like CachedUser. The listing holds every
// column, landingpage and user_count included. When MISP hides the organisation index from the caller
// (403), fall back to GetOrganisation.
func (c *Client) CachedOrganisation(ctx context.Context, id string) (*Organisation, error) {
	o, err := cachedLookup(ctx, c, "organisations", id,
		func(ic *indexCache) **snapshot[Organisation] { return &ic.orgs },
		func(ctx context.Context) ([]Organisation, error) { return c.ListOrganisations(ctx, "all", "") },
		func(o *Organisation) ID { return o.ID })
	if err != nil {
		return nil, fmt.Errorf("read organisation %s: %w", id, err)
	}
	return o, nil
}

// CachedRole returns role id from a shared listing of every role (GET /roles/index), cached like
// CachedUser. Unlike GetRole it fills Default.
func (c *Client) CachedRole(ctx context.Context, id string) (*Role, error) {
	r, err := cachedLookup(ctx, c, "roles", id,
		func(ic *indexCache) **snapshot[Role] { return &ic.roles },
		func(ctx context.Context) ([]Role, error) { return c.ListRoles(ctx, "") },
		func(r *Role) ID { return r.ID })
	if err != nil {
		return nil, fmt.Errorf("read role %s: %w", id, err)
	}
	return r, nil
}

// errNotInIndex is the ErrNotFound of a cached lookup.
var errNotInIndex = fmt.Errorf("%w in the index", ErrNotFound)

// cachedLookup finds id in the cached listing of one kind, listing it (once for all concurrent callers)
// when there is no fresh one. It returns a shallow copy of the row (its slices and maps are shared with the
// cache and must not be modified).
func cachedLookup[T any](ctx context.Context, c *Client, kind, id string,
	slot func(*indexCache) **snapshot[T], list func(context.Context) ([]T, error), idOf func(*T) ID,
) (*T, error) {
	if id == "" {
		return nil, errEmptyID
	}
	ic := c.cache
	ic.mu.Lock()
	gen, snap := ic.gen, *slot(ic)
	if snap != nil && time.Since(snap.at) >= ic.ttl {
		snap = nil
	}
	ic.mu.Unlock()

	if snap == nil {
		// The generation is part of the key: a caller that arrives after a write never joins a listing
		// that started before it.
		key := fmt.Sprintf("%s#%d", kind, gen)
		ch := ic.group.DoChan(key, func() (any, error) {
			// Shared by every waiter, so not bound to the first one's cancellation; Config.Timeout and
			// the retry limit bound it.
			items, err := list(context.WithoutCancel(ctx))
			if err != nil {
				return nil, err
			}
			s := &snapshot[T]{byID: make(map[ID]*T, len(items)), at: time.Now()}
			for i := range items {
				s.byID[idOf(&items[i])] = &items[i]
			}
			ic.mu.Lock()
			if ic.gen == gen {
				*slot(ic) = s
			}
			ic.mu.Unlock()
			return s, nil
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
