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
//	GET  /servers/getVersion         GET|POST /servers/serverSettingsEdit/MISP.disable_user_login_change
//	GET  /admin/users/index[/search*:…][/value:…]   (also /admin/users, /users/admin_index)
//	GET  /admin/users/view/{id}      GET /users/view/{id|me}
//	POST /admin/users/add            POST|PUT /admin/users/edit/{id}     POST|DELETE /admin/users/delete/{id}
//	POST|PUT /users/edit             POST|PUT /users/change_pw           POST /users/initiatePasswordReset/{id}[/1]
//	POST|DELETE /users/totp_delete/{id}    POST|PUT /users/resetauthkey/{id|me}    POST /auth_keys/add/{id|me}
//	GET  /users/heartbeat            (no authentication)
//	GET  /users/registrations[/index]   (pending self-registrations: always [], site admins only)
//	GET  /organisations/index[/scope:local|external|all][/searchall:…]   (also /organisations)
//	GET|HEAD /organisations/view/{id|uuid|name}
//	POST /admin/organisations/add    POST|PUT /admin/organisations/edit/{id|uuid}
//	POST|DELETE /admin/organisations/delete/{id|uuid}    GET /admin/organisations/generateuuid
//	GET  /roles/index[/name:…][/quickFilter:…]   (also /roles; POST with a filter body)
//	GET  /roles/view/{id}            POST /admin/roles/add               POST|PUT /admin/roles/edit/{id}
//	POST|DELETE /admin/roles/delete/{id}         POST /admin/roles/set_default/{id}
//	GET  /auth_keys/index[/{user_id}]   GET /auth_keys/view/{id}   POST|PUT /auth_keys/edit/{id}
//	POST|DELETE /auth_keys/delete/{id}  (§11: allowed_ips, read-only keys and expiry enforced at authentication)
//	POST /user_settings/setSetting[/{user_id}[/{setting}]]   GET /user_settings/getSetting/{user_id}/{setting}
//	GET  /user_settings/view/{id}    GET|POST /user_settings/index[/user_id:…][/setting:…]
//	POST|DELETE /user_settings/delete[/{id}]   (§12: MISP's PHP round trip of values, its silent fallback to the
//	                                 caller's own setting, restricted and internal names; users/view folds them in)
//
// A ".json" suffix counts as the JSON Accept header. Everything else MISP does on these URLs is reproduced,
// including: 302 to /users/login without the JSON Accept header; the 403 authentication envelope (Authorization or
// X-MISP-AUTH, comma-separated keys, Basic ignored, disabled users, roles without perm_auth); 405 for invalid JSON;
// 200 describe documents for GET on add/edit endpoints; 403 saveFail envelopes for validation errors; ids and
// counters as strings, tinyint columns as booleans; org-admin scoping (silent org_id forcing, 500 for privileged
// roles, 404 for other orgs' users); a role that users still hold refused with 403 "It is not possible to delete
// role that is assigned to users." on POST (and GET, PUT), but deleted by an HTTP DELETE (MISP's operator-precedence
// bug in CRUDComponent::delete); pretty-printed JSON unless the User-Agent starts with PyMISP or MISP;
// If-None-Match/ETag 304s. Where MISP's own behaviour is only inferred, the code says so in a comment. Another
// method than POST (or DELETE) on the user, TOTP and role delete endpoints answers MISP's HTML confirmation dialog,
// with status 200 and the JSON content type, as real MISP does; GET on /admin/roles/add, /users/edit and
// /users/initiatePasswordReset answers 500 "An Internal Error Has Occurred." (real MISP does too).
//
// # GnuPG, S/MIME and e-mail
//
// The emulated MISP has GnuPG configured (GnuPG.homedir set, GnuPG.sign on), as production installs do, and
// S/MIME e-mail off (SMIME.enabled false, the default). So, as in real MISP 2.5.1:
//
//   - gpgkey must hold exactly one OpenPGP public key ("GnuPG key not valid, please enter a valid key."
//     otherwise); expiry, revocation and usage are not checked; a secret key block makes MISP fail with a 500.
//     The user views add pgp_status ("OK" or why the key cannot encrypt) and the primary key's fingerprint.
//   - certif_public must be a PEM certificate MISP can S/MIME-encrypt to: an RSA key ("This S/MIME certificate
//     cannot be used to encrypt email.: Could not encrypt the S/MIME message: error:10800096:PKCS7
//     routines::encryption not supported for this key type" otherwise; real MISP may quote a stale OpenSSL error
//     there), the S/MIME encryption purpose (emailProtection, keyEncipherment), not expired.
//   - e-mail is never delivered, but each one is logged (Emails, GET /_mispfake/email). It fails when the user's
//     gpgkey cannot encrypt (sign-only, expired, revoked), and every e-mail fails while e-mail is broken
//     (Options.FailEmail, SetEmailFailing, POST /_mispfake/email, mispfake -fail-email). A disabled user gets no
//     e-mail, which MISP counts as sent. A failed e-mail makes POST /users/initiatePasswordReset/{id} answer 200
//     {"saved": false, "errors": "There was an error notifying the user. His/her credentials were not altered."}
//     and change nothing; POST /admin/users/add with "notify" still creates the user and answers as usual, only
//     without the password re-save and change_pw that follow a sent e-mail.
//
// Not emulated: events, self-registration (the
// registrations list is always empty), S/MIME-encrypted e-mail, legacy (non-advanced) auth keys, and MISP's
// configurable switches other than MISP.disable_user_login_change (all at their config.default.php values, and
// unknown to serverSettingsEdit).
//
// # Server settings
//
// MISP.disable_user_login_change (Options.DisableUserLoginChange, SetServerSetting, /_mispfake/settings, or a site
// admin's POST /servers/serverSettingsEdit/MISP.disable_user_login_change {"value": true}) makes MISP drop, without
// a word, the e-mail address of every users/edit and admin/users/edit not made by a site admin (§5.31). Settings
// are not part of Snapshot; Reset goes back to the Options.
//
// # Go API
//
// CreateUser, UpdateUser, DeleteUser, User, UserByEmail, Users, CheckUserPassword, NewAuthKey and the
// Organisation, Role, SharingGroup and AuthKey equivalents (CreateAuthKey, UpdateAuthKey, DeleteAuthKey, AuthKey,
// AuthKeys) change the data directly, as a person in the MISP UI would. Requests, Count, Counters, TotalRequests
// and ResetCounters expose the request log and per-endpoint counters; endpoint keys are
// "METHOD /template" with {id} for the object segment and named parameters dropped (e.g.
// "GET /admin/users/view/{id}", "GET /users/view/me"). SetServerSetting, ServerSetting and ServerSettings change and
// read the modelled server settings. Reset restores the seed. Snapshot and Restore (with
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
// counted, logged as MISP requests, or subject to faults. A known path with another method answers 405, an
// unknown one 404, both with {"error": "..."}; a trailing slash is ignored.
//
//	GET    /_mispfake/stats                     {"total": n, "counters": {endpoint: n}}
//	GET    /_mispfake/requests                  the request log; DELETE clears it (like POST /_mispfake/reset/counters)
//	POST   /_mispfake/reset                     back to the seed (data, counters, faults, e-mail log and switch)
//	GET    /_mispfake/faults                    active faults; DELETE or POST /_mispfake/faults/clear removes them
//	POST   /_mispfake/faults                    {"spec": "..."} | {"kind": "error", "pattern": "...", "rate": 1,
//	                                            "status": 503, "min_latency": "10ms", "max_latency": "20ms",
//	                                            "retry_after": 2, "count": 1} | a list of such objects
//	GET    /_mispfake/{kind}                    list; kind is users, organisations, roles, sharing_groups,
//	                                            user_settings or auth_keys
//	POST   /_mispfake/{kind}                    create from fields → {"id": …} (users: also "authkey"; user
//	                                            settings: user_id, setting, value; auth keys: user_id, and
//	                                            comment, expiration, read_only, allowed_ips → also "authkey",
//	                                            the key in clear, shown only here)
//	GET    /_mispfake/{kind}/{id}               one record (an auth key's as auth_keys/view has it, no key or hash)
//	PATCH  /_mispfake/{kind}/{id}               update fields (PUT and POST work too; user settings: value only;
//	                                            auth keys: comment, expiration, read_only, allowed_ips, enforced
//	                                            from the next request on)
//	DELETE /_mispfake/{kind}/{id}               delete (409 for an organisation that still has users)
//	POST   /_mispfake/users/{id}/authkeys       another key of the user → {"authkey": …}
//	POST   /_mispfake/roles/{id}/default        set the default role; GET /_mispfake/default_role reads it
//	GET    /_mispfake/snapshot                  the data as JSON; PUT (or POST) restores it
//	GET    /_mispfake/settings                  the modelled server settings {"MISP.disable_user_login_change": false}
//	POST   /_mispfake/settings                  {"MISP.disable_user_login_change": true} changes them (PUT too)
//	GET    /_mispfake/email                     {"fail": bool, "emails": [{"time", "user_id", "to", "subject",
//	                                            "encrypted", "sent", "reason"}]}; DELETE clears the log
//	POST   /_mispfake/email                     {"fail": true} breaks e-mail, {"fail": false} mends it (PUT too)
//
// # Performance
//
// API keys are indexed by their first and last four characters and checked with SHA-256 (MISP uses bcrypt), so
// authentication is cheap. BenchmarkAdminUserView (GET /admin/users/view/{id}, concurrency 10, loopback, real
// HTTP client) measured 7,800–16,800 requests/s on the 2-core development machine, depending on what else was
// running (target: 5,000). Run it with: go test -run '^$' -bench AdminUserView ./internal/fakemisp/
package fakemisp
