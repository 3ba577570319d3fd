package fakemisp_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

func TestParseFaults(t *testing.T) {
	t.Parallel()
	got, err := fakemisp.ParseFaults("error:status=503,rate=0.5,count=2@POST /admin/users/*; latency:min=1ms,max=3ms\nratelimit:retry=7@GET /roles/index;drop;lost_response:count=1@* /admin/users/add")
	if err != nil {
		t.Fatal(err)
	}
	want := []fakemisp.Fault{
		{Pattern: "POST /admin/users/*", Kind: fakemisp.FaultError, Status: 503, Rate: 0.5, Count: 2},
		{Pattern: "*", Kind: fakemisp.FaultLatency, MinLatency: time.Millisecond, MaxLatency: 3 * time.Millisecond},
		{Pattern: "GET /roles/index", Kind: fakemisp.FaultRateLimit, RetryAfter: 7},
		{Pattern: "*", Kind: fakemisp.FaultDrop},
		{Pattern: "* /admin/users/add", Kind: fakemisp.FaultLostResponse, Count: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d faults", len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("fault %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"explode", "error:rate=2", "error:status=abc", "latency:min=5ms,max=1ms", "error:nope=1", "error@[", "error:rate"} {
		if _, err := fakemisp.ParseFaults(bad); err == nil {
			t.Errorf("ParseFaults(%q) accepted", bad)
		}
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.s.AddFault(fakemisp.Fault{Pattern: "GET /roles/index", Kind: fakemisp.FaultError, Status: 503, Count: 1})
	e.expect("error fault", e.do(req{path: "/roles/index"}), exc(503, "An Internal Error Has Occurred."))
	e.expect("count exhausted", e.do(req{path: "/roles/index"}), status(200))

	e.s.AddFault(fakemisp.Fault{Pattern: "GET /roles/view/{id}", Kind: fakemisp.FaultRateLimit, RetryAfter: 3, Count: 1})
	r := e.do(req{path: "/roles/view/3"})
	e.expect("ratelimit fault", r, status(429))
	if r.header.Get("Retry-After") != "3" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}

	// drop: nothing applied, the client sees a transport error.
	e.s.AddFault(fakemisp.Fault{Pattern: "POST /admin/organisations/*", Kind: fakemisp.FaultDrop, Count: 1})
	if err := rawPost(t, e.srv.URL+"/admin/organisations/add", `{"name":"Dropped"}`); err == nil {
		t.Error("drop: request succeeded")
	}
	if len(e.s.Organisations()) != 1 {
		t.Error("drop: the write was applied")
	}
	// lost_response: applied, but no answer.
	e.s.AddFault(fakemisp.Fault{Pattern: "* /admin/organisations/add", Kind: fakemisp.FaultLostResponse, Count: 1})
	if err := rawPost(t, e.srv.URL+"/admin/organisations/add", `{"name":"Lost"}`); err == nil {
		t.Error("lost_response: request succeeded")
	}
	if len(e.s.Organisations()) != 2 {
		t.Error("lost_response: the write was not applied")
	}
	// A trailing /* reaches deeper templates.
	e.s.AddFault(fakemisp.Fault{Pattern: "POST /admin/users/*", Kind: fakemisp.FaultError, Count: 1})
	e.expect("pattern /* matches edit/{id}", e.do(req{method: "POST", path: "/admin/users/edit/1", body: map[string]any{}}), status(500))

	e.s.AddFault(fakemisp.Fault{Pattern: "*", Kind: fakemisp.FaultLatency, MinLatency: time.Millisecond, MaxLatency: 2 * time.Millisecond})
	e.expect("latency fault still answers", e.do(req{path: "/servers/getVersion"}), status(200))
	e.s.ClearFaults()

	recs := e.s.Requests()
	kinds := map[string]int{}
	for _, rec := range recs {
		kinds[rec.Fault]++
	}
	for k, n := range map[string]int{"error": 2, "ratelimit": 1, "drop": 1, "lost_response": 1, "latency": 1} {
		if kinds[k] != n {
			t.Errorf("request log: %d %s faults, want %d", kinds[k], k, n)
		}
	}
	if e.s.Count("POST /admin/organisations/add") != 2 {
		t.Errorf("faulted requests must be counted: %v", e.s.Counters())
	}
}

func rawPost(t *testing.T, url, body string) error {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", testAdminKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	return nil
}

func TestFaultRateIsDeterministic(t *testing.T) {
	t.Parallel()
	pattern := func() string {
		s := fakemisp.New(fakemisp.Options{AdminKey: testAdminKey, Seed: 9})
		s.AddFault(fakemisp.Fault{Pattern: "GET /servers/getVersion", Kind: fakemisp.FaultError, Rate: 0.5})
		var b strings.Builder
		for range 40 {
			w := httptest.NewRecorder()
			r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/servers/getVersion", nil)
			r.Header.Set("Authorization", testAdminKey)
			r.Header.Set("Accept", "application/json")
			s.ServeHTTP(w, r)
			if w.Code == 200 {
				b.WriteByte('.')
			} else {
				b.WriteByte('x')
			}
		}
		return b.String()
	}
	a, b := pattern(), pattern()
	if a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Errorf("rate 0.5 should sometimes fire: %s", a)
	}
}

func TestCountersAndReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.do(req{path: "/admin/users/view/1"})
	e.do(req{path: "/admin/users/view/1.json"})
	e.do(req{method: "PUT", path: "/admin/users/edit/1", body: map[string]any{"autoalert": true}})
	e.do(req{path: "/users/view/me"})
	e.do(req{path: "/admin/users/index/searchemail:x"})
	e.do(req{path: "/nowhere"})
	for ep, n := range map[string]int{
		"GET /admin/users/view/{id}": 2, "PUT /admin/users/edit/{id}": 1, "GET /users/view/me": 1, "GET /admin/users/index": 1,
	} {
		if got := e.s.Count(ep); got != n {
			t.Errorf("Count(%q) = %d, want %d (%v)", ep, got, n, e.s.Counters())
		}
	}
	if e.s.TotalRequests() != 6 {
		t.Errorf("TotalRequests %d", e.s.TotalRequests())
	}
	for _, rec := range e.s.Requests() {
		if strings.Contains(rec.Path, testAdminKey) {
			t.Error("key in the request log")
		}
	}
	id, _ := e.mustUser(map[string]any{"email": "gone@example.org"})
	e.s.Reset()
	if e.s.TotalRequests() != 0 || len(e.s.Requests()) != 0 {
		t.Error("Reset kept the request log")
	}
	if _, ok := e.s.User(id); ok {
		t.Error("Reset kept a created user")
	}
	e.expect("§3.4 admin key still works after Reset", e.do(req{path: "/users/view/me"}), status(200))
}

func TestGoAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	org, err := e.s.CreateOrganisation(map[string]any{"name": "Go Org", "restricted_to_domain": []string{"go.test"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.CreateOrganisation(map[string]any{"name": "Go Org"}); err == nil {
		t.Error("duplicate organisation name accepted")
	}
	role, err := e.s.CreateRole(map[string]any{"name": "Go Role", "permission": 2, "perm_auth": true})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := e.s.Role(role)
	if r["permission"] != "2" || r["perm_auth"] != true || r["perm_admin"] != false {
		t.Errorf("role %v", r)
	}
	id, key, err := e.s.CreateUser(map[string]any{"email": "Go@Go.test", "org_id": org, "role_id": role, "password": "Go-Password-1234"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.s.CreateUser(map[string]any{"email": "x@go.test", "org_id": "999"}); !errors.Is(err, fakemisp.ErrNotFound) {
		t.Errorf("unknown org: %v", err)
	}
	e.expect("new key usable at once", e.do(req{path: "/users/view/me", key: key}), status(200), field("Go@Go.test", "User", "email"))
	u, ok := e.s.UserByEmail("go@GO.test")
	if !ok || u["id"] != id || u["org_id"] != org || u["disabled"] != false || u["totp_is_set"] != "0" {
		t.Errorf("UserByEmail %v", u)
	}
	if !e.s.CheckUserPassword(id, "Go-Password-1234") || e.s.CheckUserPassword(id, "wrong") {
		t.Error("CheckUserPassword")
	}
	if err := e.s.UpdateUser(id, map[string]any{"disabled": true, "password": "Changed-Pass-99"}); err != nil {
		t.Fatal(err)
	}
	if !e.s.CheckUserPassword(id, "Changed-Pass-99") {
		t.Error("password not updated")
	}
	e.expect("disabled through the Go API", e.do(req{path: "/users/view/me", key: key}), status(403))
	if err := e.s.UpdateUser(id, map[string]any{"no_such_column": 1}); err == nil {
		t.Error("unknown column accepted")
	}
	if err := e.s.DeleteOrganisation(org); !errors.Is(err, fakemisp.ErrOrganisationInUse) {
		t.Errorf("DeleteOrganisation with users: %v", err)
	}
	key2, err := e.s.NewAuthKey(id)
	if err != nil || key2 == key {
		t.Fatalf("NewAuthKey %v", err)
	}
	if err := e.s.UpdateOrganisation(org, map[string]any{"description": "d", "restricted_to_domain": "a.test\nb.test"}); err != nil {
		t.Fatal(err)
	}
	o, _ := e.s.Organisation(org)
	if domains, _ := o["restricted_to_domain"].([]any); o["description"] != "d" || o["user_count"] != "1" || len(domains) != 2 {
		t.Errorf("organisation %v", o)
	}
	if err := e.s.SetDefaultRole(role); err != nil || e.s.DefaultRoleID() != role {
		t.Errorf("SetDefaultRole: %v %s", err, e.s.DefaultRoleID())
	}
	if err := e.s.SetDefaultRole("999"); err == nil {
		t.Error("SetDefaultRole accepted an unknown role")
	}
	if err := e.s.UpdateRole(role, map[string]any{"perm_admin": true}); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.s.Role(role); r["permission"] != "2" || r["perm_admin"] != true {
		t.Errorf("UpdateRole without permission must keep the data flags: %v", r)
	}
	if err := e.s.DeleteUser(id); err != nil {
		t.Fatal(err)
	}
	if err := e.s.DeleteUser(id); !errors.Is(err, fakemisp.ErrNotFound) {
		t.Errorf("second DeleteUser: %v", err)
	}
	if err := e.s.DeleteOrganisation(org); err != nil {
		t.Fatal(err)
	}
	if err := e.s.DeleteRole(role); err != nil {
		t.Fatal(err)
	}
	if len(e.s.Users()) != 1 || len(e.s.Organisations()) != 1 || len(e.s.Roles()) != 6 {
		t.Error("objects left behind")
	}
}

func TestDeterministicUnderSeed(t *testing.T) {
	t.Parallel()
	gen := func() string {
		s := fakemisp.New(fakemisp.Options{Seed: 5})
		_, key, err := s.CreateUser(map[string]any{"email": "d@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		org, _ := s.CreateOrganisation(map[string]any{"name": "D"})
		o, _ := s.Organisation(org)
		u, _ := o["uuid"].(string)
		return s.AdminKey() + key + u
	}
	if a, b := gen(), gen(); a != b {
		t.Error("generated values differ under the same seed")
	}
}

func TestControlAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctl := func(method, path string, body any, key string) reply {
		return e.do(req{method: method, path: "/_mispfake" + path, body: body, key: key})
	}
	e.expect("control needs the admin key", ctl("GET", "/stats", nil, "-"), status(403))
	_, userKey := e.mustUser(map[string]any{"email": "u@example.org"})
	e.expect("a normal user's key is refused", ctl("GET", "/stats", nil, userKey), status(403))
	created := ctl("POST", "/users", map[string]any{"email": "c@example.org", "role_id": "2"}, "")
	e.expect("create user", created, status(200), present("authkey"))
	id, _ := created.at("id").(string)
	e.expect("read user", ctl("GET", "/users/"+id, nil, ""), status(200), field("2", "role_id"), field("*****", "password"))
	e.expect("patch user", ctl("PATCH", "/users/"+id, map[string]any{"disabled": true}, ""), status(200))
	e.expect("patched", ctl("GET", "/users/"+id, nil, ""), field(true, "disabled"))
	e.expect("new key", ctl("POST", "/users/"+id+"/authkeys", nil, ""), status(200), present("authkey"))
	org := ctl("POST", "/organisations", map[string]any{"name": "Ctl", "restricted_to_domain": []string{"ctl.test"}}, "")
	e.expect("create org", org, status(200))
	oid, _ := org.at("id").(string)
	e.expect("move user", ctl("PATCH", "/users/"+id, map[string]any{"org_id": oid}, ""), status(200))
	e.expect("org in use → 409", ctl("DELETE", "/organisations/"+oid, nil, ""), status(409))
	role := ctl("POST", "/roles", map[string]any{"name": "CtlRole", "permission": "publish"}, "")
	rid, _ := role.at("id").(string)
	e.expect("role default", ctl("POST", "/roles/"+rid+"/default", nil, ""), status(200))
	e.expect("default role", ctl("GET", "/default_role", nil, ""), field(rid, "id"))
	e.expect("unknown user → 404", ctl("GET", "/users/999", nil, ""), status(404))
	e.expect("faults add", ctl("POST", "/faults", map[string]any{"spec": "error:status=502@GET /roles/index"}, ""), field(float64(1), "added"))
	e.expect("faults add (object)", ctl("POST", "/faults", map[string]any{"kind": "latency", "min_latency": "1ms"}, ""), status(200))
	e.expect("faults list", ctl("GET", "/faults", nil, ""), listLen(2))
	e.expect("fault active", e.do(req{path: "/roles/index"}), status(502))
	e.expect("faults bad", ctl("POST", "/faults", map[string]any{"spec": "nope"}, ""), status(400))
	e.expect("faults clear", ctl("DELETE", "/faults", nil, ""), status(200))
	e.expect("stats", ctl("GET", "/stats", nil, ""), field(float64(1), "counters", "GET /roles/index"))
	e.expect("requests (control calls are not logged)", ctl("GET", "/requests", nil, ""), listLen(1))
	snap := ctl("GET", "/snapshot", nil, "")
	e.expect("snapshot", snap, status(200), field("mispfake-state/1", "format"))
	e.expect("reset", ctl("POST", "/reset", nil, ""), status(200))
	e.expect("reset removed the user", ctl("GET", "/users/"+id, nil, ""), status(404))
	e.expect("restore", e.do(req{method: "PUT", path: "/_mispfake/snapshot", body: string(snap.raw)}), status(200))
	e.expect("restored", ctl("GET", "/users/"+id, nil, ""), status(200))
	e.expect("unknown route", ctl("GET", "/nope", nil, ""), status(404))

	e.expect("unknown sub-route", ctl("GET", "/users/"+id+"/nope", nil, ""), status(404), field(`unknown control route "/users/`+id+`/nope"`, "error"))
	e.expect("wrong method → 405", ctl("GET", "/reset", nil, ""), status(405), field("method GET not allowed here (want POST)", "error"))
	e.expect("wrong method on a kind → 405", ctl("DELETE", "/roles", nil, ""), status(405), field("method DELETE not allowed here (want GET or POST)", "error"))
	e.expect("GET on authkeys → 405", ctl("GET", "/users/"+id+"/authkeys", nil, ""), status(405))
	e.expect("a trailing slash is ignored", ctl("GET", "/users/"+id+"/", nil, ""), status(200), field("c@example.org", "email"))
	e.expect("list", ctl("GET", "/organisations", nil, ""), status(200), listLen(2))
	e.expect("update needs a body", ctl("PATCH", "/users/"+id, nil, ""), status(400), field("a JSON body is required", "error"))
	e.expect("update: bad field", ctl("PUT", "/roles/3", map[string]any{"nope": 1}, ""), status(400))
	e.expect("delete role", ctl("DELETE", "/roles/"+rid, nil, ""), status(200))
	e.expect("deleted", ctl("GET", "/roles/"+rid, nil, ""), status(404))
	e.expect("set default role by body", ctl("PUT", "/default_role", map[string]any{"id": "4"}, ""), status(200))
	e.expect("default role set", ctl("GET", "/default_role", nil, ""), field("4", "id"))
	e.expect("default role: unknown", ctl("POST", "/default_role", map[string]any{"id": "99"}, ""), status(404))
	e.expect("faults list after reset", ctl("POST", "/faults", []map[string]any{{"kind": "error", "count": 1}, {"kind": "drop", "pattern": "GET /x"}}, ""),
		field(float64(2), "added"))
	e.expect("faults clear (POST)", ctl("POST", "/faults/clear", nil, ""), status(200))
	e.expect("no faults", ctl("GET", "/faults", nil, ""), listLen(0))
	e.expect("requests DELETE", ctl("DELETE", "/requests", nil, ""), status(200))
	e.expect("reset counters", ctl("POST", "/reset/counters", nil, ""), status(200))
	e.expect("counters cleared", ctl("GET", "/stats", nil, ""), field(float64(0), "total"))
	e.expect("settings", ctl("GET", "/settings", nil, ""), status(200), field(false, "MISP.disable_user_login_change"))
	e.expect("settings set", ctl("POST", "/settings", map[string]any{"MISP.disable_user_login_change": true}, ""),
		status(200), field(true, "MISP.disable_user_login_change"))
	if v, _ := e.s.ServerSetting("MISP.disable_user_login_change"); v != true {
		t.Error("the control API did not set the setting")
	}
	e.expect("settings: not a boolean", ctl("PUT", "/settings", map[string]any{"MISP.disable_user_login_change": "true"}, ""), status(400))
	e.expect("settings: unknown", ctl("PUT", "/settings", map[string]any{"MISP.nope": true}, ""), status(404))
	e.expect("email switch", ctl("PUT", "/email", map[string]any{"fail": true}, ""), field(true, "fail"))
	e.expect("email switch needs fail", ctl("POST", "/email", map[string]any{}, ""), status(400))
	e.expect("email log", ctl("GET", "/email", nil, ""), field(true, "fail"), field([]any{}, "emails"))
	e.expect("email log cleared", ctl("DELETE", "/email", nil, ""), status(200))

	off := fakemisp.New(fakemisp.Options{AdminKey: testAdminKey, DisableControlAPI: true})
	w := httptest.NewRecorder()
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/_mispfake/stats", nil)
	r.Header.Set("Authorization", testAdminKey)
	r.Header.Set("Accept", "application/json")
	off.ServeHTTP(w, r)
	if w.Code != http.StatusNotFound {
		t.Errorf("disabled control API answered %d", w.Code)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				email := "c" + itoa(i) + "-" + itoa(j) + "@example.org"
				e.do(req{method: "POST", path: "/admin/users/add", body: map[string]any{"email": email}})
				e.do(req{path: "/admin/users/index"})
				_, _, _ = e.s.CreateUser(map[string]any{"email": "go" + email})
			}
		}()
	}
	wg.Wait()
	if n := len(e.s.Users()); n != 81 {
		t.Errorf("%d users, want 81", n)
	}
}
