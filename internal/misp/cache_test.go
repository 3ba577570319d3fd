package misp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// gate holds GET /admin/users/index requests until released, to stage a write during a listing.
type gate struct {
	arrived chan struct{}
	release chan struct{}
}

// cacheEnv is an emulator behind an optional gate, and a client with the given cache TTL.
func cacheEnv(t *testing.T, ttl int64, g *gate) (*fakemisp.Server, *misp.Client) {
	t.Helper()
	fake := fakemisp.New(fakemisp.Options{AdminKey: testKey, Seed: 3})
	var h http.Handler = fake
	if g != nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Path == "/admin/users/index" {
				g.arrived <- struct{}{}
				<-g.release
			}
			fake.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := misp.New(misp.Config{URL: srv.URL, APIKey: testKey, IndexCacheTTL: time.Duration(ttl), MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	return fake, c
}

func createUsers(t *testing.T, fake *fakemisp.Server, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		id, _, err := fake.CreateUser(map[string]any{"email": fmt.Sprintf("cached%03d@example.org", i), "role_id": 3})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	return ids
}

// Many concurrent reads are served by one listing, and each gets its own user.
func TestCachedUser_singleFlight(t *testing.T) {
	fake, c := cacheEnv(t, 0, nil)
	ids := createUsers(t, fake, 60)
	fake.ResetCounters()

	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := c.CachedUser(t.Context(), id)
			switch {
			case err != nil:
				errs <- err
			case e.User.ID.String() != id || e.User.Email != fmt.Sprintf("cached%03d@example.org", i):
				errs <- fmt.Errorf("user %s: got id %s email %s", id, e.User.ID, e.User.Email)
			case e.Role.Name != "User" || e.Organisation.ID.String() != "1":
				errs <- fmt.Errorf("user %s: role %q org %s", id, e.Role.Name, e.Organisation.ID)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := fake.TotalRequests(); got != 1 {
		t.Fatalf("%d requests for %d concurrent reads, want 1 listing: %v", got, len(ids), fake.Counters())
	}
	// Served from the same listing while it is fresh.
	if _, err := c.CachedUser(t.Context(), ids[0]); err != nil {
		t.Fatal(err)
	}
	if got := fake.TotalRequests(); got != 1 {
		t.Fatalf("a fresh listing was not reused: %d requests", got)
	}
}

// A write through the client drops the listing: the next read sees the change.
func TestCachedUser_invalidatedByWrite(t *testing.T) {
	fake, c := cacheEnv(t, 0, nil)
	ids := createUsers(t, fake, 3)
	ctx := t.Context()
	if e, err := c.CachedUser(ctx, ids[1]); err != nil || e.User.RoleID != "3" {
		t.Fatalf("before: %+v, %v", e, err)
	}
	role := "4"
	if _, err := c.EditUser(ctx, ids[1], misp.UserInput{RoleID: &role}); err != nil {
		t.Fatal(err)
	}
	e, err := c.CachedUser(ctx, ids[1])
	if err != nil || e.User.RoleID != "4" {
		t.Fatalf("after the edit: role %v, %v; want 4", e.User.RoleID, err)
	}
	if got := fake.Count("GET /admin/users/index"); got != 2 {
		t.Fatalf("%d listings, want 2 (one before and one after the write)", got)
	}

	// A failed write may have been applied too: it also drops the listing.
	if err := c.DeleteUser(ctx, "999999"); !errors.Is(err, misp.ErrNotFound) {
		t.Fatalf("delete of a missing user: %v", err)
	}
	if _, err := c.CachedUser(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if got := fake.Count("GET /admin/users/index"); got != 3 {
		t.Fatalf("%d listings after a failed write, want 3", got)
	}
}

// A change made outside the client is seen once the listing expires (or is invalidated by hand); a
// negative TTL lists on every call.
func TestCachedUser_ttlAndManualInvalidation(t *testing.T) {
	fake, c := cacheEnv(t, 0, nil)
	ids := createUsers(t, fake, 1)
	ctx := t.Context()
	if _, err := c.CachedUser(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := fake.UpdateUser(ids[0], map[string]any{"disabled": true}); err != nil {
		t.Fatal(err)
	}
	if e, _ := c.CachedUser(ctx, ids[0]); e.User.Disabled {
		t.Fatal("a fresh listing should still be served (no request expected)")
	}
	c.InvalidateIndexCache()
	if e, err := c.CachedUser(ctx, ids[0]); err != nil || !e.User.Disabled {
		t.Fatalf("after InvalidateIndexCache: %+v, %v", e, err)
	}

	fake2, c2 := cacheEnv(t, -1, nil)
	ids2 := createUsers(t, fake2, 1)
	for range 3 {
		if _, err := c2.CachedUser(ctx, ids2[0]); err != nil {
			t.Fatal(err)
		}
	}
	if got := fake2.Count("GET /admin/users/index"); got != 3 {
		t.Fatalf("negative TTL: %d listings for 3 sequential reads, want 3", got)
	}
}

// An absent user is ErrNotFound; a failed listing is an error and is not cached.
func TestCachedUser_notFoundAndErrors(t *testing.T) {
	fake, c := cacheEnv(t, 0, nil)
	ids := createUsers(t, fake, 1)
	ctx := t.Context()
	if _, err := c.CachedUser(ctx, "424242"); !errors.Is(err, misp.ErrNotFound) {
		t.Fatalf("missing user: %v, want ErrNotFound", err)
	}
	if _, err := c.CachedUser(ctx, ""); err == nil {
		t.Fatal("empty id accepted")
	}

	c.InvalidateIndexCache()
	fake.AddFault(fakemisp.Fault{Pattern: "GET /admin/users/index", Kind: fakemisp.FaultError, Status: 500, Count: 1})
	_, err := c.CachedUser(ctx, ids[0])
	var apiErr *misp.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || errors.Is(err, misp.ErrNotFound) {
		t.Fatalf("listing failure: %v, want the 500", err)
	}
	if e, err := c.CachedUser(ctx, ids[0]); err != nil || e.User.ID.String() != ids[0] {
		t.Fatalf("after the failure the next read must list again: %+v, %v", e, err)
	}
}

// A caller whose context ends stops waiting; the shared listing carries on for the others.
func TestCachedUser_callerCancelled(t *testing.T) {
	g := &gate{arrived: make(chan struct{}, 1), release: make(chan struct{})}
	fake, c := cacheEnv(t, 0, g)
	ids := createUsers(t, fake, 1)

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := c.CachedUser(ctx, ids[0])
		done <- err
	}()
	<-g.arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v", err)
	}
	other := make(chan error, 1)
	go func() {
		_, err := c.CachedUser(t.Context(), ids[0])
		other <- err
	}()
	close(g.release)
	if err := <-other; err != nil {
		t.Fatalf("a caller that joined the listing: %v", err)
	}
	if got := fake.Count("GET /admin/users/index"); got != 1 {
		t.Fatalf("%d listings, want 1 shared", got)
	}
}

// A listing that was in flight while a write completed is not kept: the next reader lists again and
// sees the write.
func TestCachedUser_writeDuringListing(t *testing.T) {
	g := &gate{arrived: make(chan struct{}, 2), release: make(chan struct{})}
	fake, c := cacheEnv(t, 0, g)
	ids := createUsers(t, fake, 1)

	// The listing reaches the server and is held there; it will answer with the old e-mail... or the new
	// one: either is right for a read that overlapped the write. What matters is what comes after.
	first := make(chan error, 1)
	go func() {
		_, err := c.CachedUser(t.Context(), ids[0])
		first <- err
	}()
	<-g.arrived
	email := "renamed@example.org"
	if _, err := c.EditUser(t.Context(), ids[0], misp.UserInput{Email: &email}); err != nil {
		t.Fatal(err)
	}
	g.release <- struct{}{}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	close(g.release)
	e, err := c.CachedUser(t.Context(), ids[0])
	if err != nil || e.User.Email != email {
		t.Fatalf("read after the write: %+v, %v; want %s", e, err, email)
	}
	if got := fake.Count("GET /admin/users/index"); got != 2 {
		t.Fatalf("%d listings, want 2", got)
	}
}

// Organisations come from the scope:all listing (external ones included); roles from the roles index,
// with the default flag that only the index carries.
func TestCachedOrganisationAndRole(t *testing.T) {
	fake, c := cacheEnv(t, 0, nil)
	ctx := t.Context()
	ext, err := fake.CreateOrganisation(map[string]any{"name": "Partner CERT", "local": false})
	if err != nil {
		t.Fatal(err)
	}
	fake.ResetCounters()
	for _, id := range []string{"1", ext} {
		o, err := c.CachedOrganisation(ctx, id)
		if err != nil || o.ID.String() != id {
			t.Fatalf("organisation %s: %+v, %v", id, o, err)
		}
	}
	if o, _ := c.CachedOrganisation(ctx, ext); o.Name != "Partner CERT" || o.Local {
		t.Fatalf("external organisation: %+v", o)
	}
	if _, err := c.CachedOrganisation(ctx, "999"); !errors.Is(err, misp.ErrNotFound) {
		t.Fatalf("missing organisation: %v", err)
	}
	for _, id := range []string{"1", "3", "6"} {
		r, err := c.CachedRole(ctx, id)
		if err != nil || r.ID.String() != id {
			t.Fatalf("role %s: %+v, %v", id, r, err)
		}
		if bool(r.Default) != (id == fake.DefaultRoleID()) {
			t.Fatalf("role %s: default %v, default role is %s", id, r.Default, fake.DefaultRoleID())
		}
	}
	want := map[string]int{"GET /organisations/index": 1, "GET /roles/index": 1}
	if got := fake.Counters(); len(got) != len(want) || got["GET /organisations/index"] != 1 || got["GET /roles/index"] != 1 {
		t.Fatalf("requests %v, want %v", got, want)
	}
}

// Each write drops what it may change: a user write the users and organisations listings (user_count) but
// not roles or organisation names; an organisation write organisations, their names and users; a role
// write roles and users.
func TestCache_invalidationByKind(t *testing.T) {
	fake, c := cacheEnv(t, 0, nil)
	ids := createUsers(t, fake, 1)
	ctx := t.Context()
	readAll := func() {
		t.Helper()
		if _, err := c.CachedUser(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CachedOrganisation(ctx, "1"); err != nil {
			t.Fatal(err)
		}
		if n, err := c.CachedOrganisationName(ctx, "1"); err != nil || n == "" {
			t.Fatalf("organisation name %q, %v", n, err)
		}
		if _, err := c.CachedRole(ctx, "3"); err != nil {
			t.Fatal(err)
		}
	}
	readAll()
	fake.ResetCounters()
	readAll()
	if got := fake.TotalRequests(); got != 0 {
		t.Fatalf("fresh listings were not reused: %v", fake.Counters())
	}
	step := func(name string, write func() error, want map[string]int) {
		t.Helper()
		if err := write(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fake.ResetCounters()
		readAll()
		got := fake.Counters()
		for ep, n := range want {
			if got[ep] != n {
				t.Errorf("after %s: %d x %s, want %d (all: %v)", name, got[ep], ep, n, got)
			}
		}
		if len(got) != len(want) {
			t.Errorf("after %s: requests %v, want only %v", name, got, want)
		}
	}
	disabled := true
	step("a user write", func() error {
		_, err := c.EditUser(ctx, ids[0], misp.UserInput{Disabled: &disabled})
		return err
	}, map[string]int{"GET /admin/users/index": 1, "GET /organisations/index": 1})
	desc := "edited"
	step("an organisation write", func() error {
		_, err := c.EditOrganisation(ctx, "1", misp.OrganisationInput{Description: &desc})
		return err
	}, map[string]int{"GET /admin/users/index": 1, "GET /organisations/index": 2})
	step("a role write", func() error { return c.SetDefaultRole(ctx, "4") },
		map[string]int{"GET /admin/users/index": 1, "GET /roles/index": 1})
	if r, err := c.CachedRole(ctx, "4"); err != nil || !r.Default {
		t.Fatalf("role 4 after set_default: %+v, %v", r, err)
	}
}
