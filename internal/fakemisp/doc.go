// Package fakemisp is an in-memory emulator of the MISP 2.5.1 REST API for users, organisations and roles, written
// from docs/development/misp-api.md (and the MISP source it cites) so that real MISP clients cannot tell it from MISP.
// Section numbers such as §1.1.3 in this package, its test-case names included, refer to that file.
// It does not import the provider or its client: it is an independent reading of MISP.
//
// # What it emulates
//
// A Server is an http.Handler seeded like a fresh install (§3.4): host organisation 1 "ORGNAME", the
// six built-in roles 1–6 with their real flags (default role 3, "User"), and the site admin user 1
// admin@admin.test (password "admin", change_pw set) whose advanced API key is Options.AdminKey.
// Security.advanced_authkeys is on, as in MISP's default configuration, so every user created through
// POST /admin/users/add (or CreateUser) gets its own key, shown once and usable at once.
//
// Endpoints (methods, status codes, envelopes and messages as in §0–§5, §9):
//
//	GET  /servers/getVersion
//	GET  /admin/users/index[/search*:…][/value:…]   (also /admin/users, /users/admin_index)
//	GET  /admin/users/view/{id}      GET /users/view/{id|me}
//	POST /admin/users/add            POST|PUT /admin/users/edit/{id}     POST|DELETE /admin/users/delete/{id}
//	POST|PUT /users/edit             POST|PUT /users/change_pw           POST /users/initiatePasswordReset/{id}
//	POST|DELETE /users/totp_delete/{id}    POST|PUT /users/resetauthkey/{id|me}    POST /auth_keys/add/{id|me}
//	GET  /users/heartbeat            (no authentication)
//	GET  /organisations/index[/scope:local|external|all][/searchall:…]   (also /organisations)
//	GET|HEAD /organisations/view/{id|uuid|name}
//	POST /admin/organisations/add    POST|PUT /admin/organisations/edit/{id|uuid}
//	POST|DELETE /admin/organisations/delete/{id|uuid}    GET /admin/organisations/generateuuid
//	GET  /roles/index[/name:…][/quickFilter:…]   (also /roles; POST with a filter body)
//	GET  /roles/view/{id}            POST /admin/roles/add               POST|PUT /admin/roles/edit/{id}
//	POST|DELETE /admin/roles/delete/{id}         POST /admin/roles/set_default/{id}
//
// A ".json" suffix counts as the JSON Accept header. Everything else MISP does on these URLs is reproduced,
// including: 302 to /users/login without the JSON Accept header; the 403 authentication envelope (Authorization or
// X-MISP-AUTH, comma-separated keys, Basic ignored, disabled users, roles without perm_auth); 405 for invalid JSON;
// 200 describe documents for GET on add/edit endpoints; 403 saveFail envelopes for validation errors; ids and
// counters as strings, tinyint columns as booleans; org-admin scoping (silent org_id forcing, 500 for privileged
// roles, 404 for other orgs' users); role DELETE deleting roles still in use; pretty-printed JSON unless the
// User-Agent starts with PyMISP or MISP; If-None-Match/ETag 304s. Where MISP's own behaviour is only inferred, the
// code says so in a comment. Paths that make MISP render an HTML template under the JSON view class (GET on the
// user/role delete endpoints, GET on /admin/roles/add) answer 500 "An Internal Error Has Occurred." here. Real MISP
// does so for GET on /admin/roles/add, but answers GET on the user and role delete endpoints with a 200 HTML
// fragment, or with its 403 refusal for a role still in use (§1.1.5, §3.1.5): a known difference.
//
// Not emulated: events, sharing groups, user settings (UserSetting is always []), GnuPG (keys are accepted as
// valid), e-mail (sending always "succeeds"), legacy (non-advanced) auth keys, and MISP's configurable switches
// (all at their config.default.php values).
//
// # Go API
//
// CreateUser, UpdateUser, DeleteUser, User, UserByEmail, Users, CheckUserPassword, NewAuthKey and the
// Organisation/Role equivalents change the data directly, as a person in the MISP UI would. Requests, Count,
// Counters, TotalRequests and ResetCounters expose the request log and per-endpoint counters; endpoint keys are
// "METHOD /template" with {id} for the object segment and named parameters dropped (e.g.
// "GET /admin/users/view/{id}", "GET /users/view/me"). Reset restores the seed. Snapshot and Restore (with
// Options.OnChange) let the runner persist the data.
//
// # Faults
//
// AddFault and ParseFaults inject failures per endpoint pattern (path.Match on the endpoint key; "*" matches
// everything; a pattern ending in "/*" also matches deeper templates). The textual vocabulary, used by the
// runner's -faults flag and by POST /_mispfake/faults {"spec": …}, is a list separated by ";" or newlines:
//
//	KIND[:key=value[,key=value...]][@PATTERN]
//
//	KIND     error | latency | ratelimit | drop | lost_response
//	keys     rate=0.25      probability per matching request (default 1)
//	         status=503     HTTP status for error (default 500)
//	         min=10ms max=200ms, or latency=50ms   latency range
//	         retry=2        Retry-After seconds for ratelimit
//	         count=3        stop after injecting this many times
//	PATTERN  endpoint pattern, default "*"
//
// Example: "error:status=503,rate=0.2@POST /admin/users/*; latency:min=5ms,max=20ms; lost_response:count=1@POST
// /admin/roles/add". Latency faults add up; the first other fault that fires decides the answer. All random
// choices come from Options.Seed.
//
// # Control API
//
// Unless Options.DisableControlAPI is set, /_mispfake/ serves JSON for tests and scripts, only to requests that
// carry the site-admin key in the Authorization (or X-MISP-AUTH) header (403 otherwise). These requests are not
// counted, logged as MISP requests, or subject to faults.
//
//	GET    /_mispfake/stats                     {"total": n, "counters": {endpoint: n}}
//	GET    /_mispfake/requests                  the request log; DELETE clears it (like POST /_mispfake/reset/counters)
//	POST   /_mispfake/reset                     back to the seed (data, counters, faults)
//	GET    /_mispfake/faults                    active faults; DELETE or POST /_mispfake/faults/clear removes them
//	POST   /_mispfake/faults                    {"spec": "..."} | {"kind": "error", "pattern": "...", "rate": 1,
//	                                            "status": 503, "min_latency": "10ms", "max_latency": "20ms",
//	                                            "retry_after": 2, "count": 1} | a list of such objects
//	GET    /_mispfake/{users|organisations|roles}          list
//	POST   /_mispfake/{users|organisations|roles}          create from fields → {"id": …} (users: also "authkey")
//	GET    /_mispfake/{users|organisations|roles}/{id}     one record
//	PATCH  /_mispfake/{users|organisations|roles}/{id}     update fields (PUT and POST work too)
//	DELETE /_mispfake/{users|organisations|roles}/{id}     delete (409 for an organisation that still has users)
//	POST   /_mispfake/users/{id}/authkeys       → {"authkey": …}
//	POST   /_mispfake/roles/{id}/default        set the default role; GET /_mispfake/default_role reads it
//	GET    /_mispfake/snapshot                  the data as JSON; PUT restores it
//
// # Performance
//
// API keys are indexed by their first and last four characters and checked with SHA-256 (MISP uses bcrypt), so
// authentication is cheap. BenchmarkAdminUserView (GET /admin/users/view/{id}, concurrency 10, loopback, real
// HTTP client) measured 7,800–16,800 requests/s on the 2-core development machine, depending on what else was
// running (target: 5,000). Run it with: go test -run '^$' -bench AdminUserView ./internal/fakemisp/
package fakemisp
