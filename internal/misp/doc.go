// Package misp is a thin client for the parts of the MISP REST API that the
// Terraform provider manages: users, organisations, roles, the default role,
// plus servers/getVersion and users/view/me for the connection check. It has
// no Terraform dependency. The MISP behaviour it follows is documented in
// docs/development/misp-api.md; section numbers such as §1.1.4 in this
// package refer to that file.
//
// # Requests
//
// Every request carries the raw API key in Authorization, Accept and
// Content-Type application/json (without that Accept header MISP answers
// with a redirect to its HTML login page) and a User-Agent. Filters are
// CakePHP named parameters in the path (/searchemail:x), escaped like PHP's
// rawurlencode. MISP's envelopes ({"User": {...}}, lists of wrapped
// records, {"saved": true, ...}) are unwrapped here; callers get typed
// structs. Inputs use pointer fields with omitempty, so only the fields a
// caller sets are sent: MISP's user edit saves every key it receives and its
// organisation edit treats null as "keep".
//
// # Reading objects
//
// The verbs say whether MISP is asked:
//
//   - Get<Kind> (GetUser, GetOrganisation, GetRole, GetVersion) and ViewMe
//     always ask MISP: one request to the object's view;
//   - List<Kind>s always asks MISP's index, with its filters;
//   - Cached<Kind> (CachedUser, CachedOrganisation, CachedOrganisationName,
//     CachedRole) may answer from a listing of the whole index that is shared
//     by concurrent callers and reused for Config.IndexCacheTTL; a write
//     through the client drops the listings it may change, and
//     InvalidateIndexCache drops them all.
//
// An object that does not exist is ErrNotFound for all of them.
//
// # Lenient types
//
// MISP returns integer columns as JSON strings ("12"), tinyint columns as
// booleans, virtual fields as strings ("3"), and deployments without
// PDO::ATTR_STRINGIFY_FETCHES return numbers instead. Decoded structs use:
//
//   - ID: an identifier, string or number, kept as its decimal string;
//   - Int64: counters, levels and unix timestamps, number or numeric string
//     ("" and null are 0);
//   - Bool: true/false, 0/1, "0"/"1", "true"/"false" (null is false);
//   - String: text that may arrive as a number;
//   - StringList: a list, or MISP's older newline-separated string
//     (null stays nil, [] stays empty);
//   - StringMap and Settings: objects that MISP sends as [] when empty.
//
// Unknown fields (e.g. perm_* flags of newer MISP versions) are ignored.
//
// # Errors
//
// Methods wrap errors with the operation and object ("read organisation 5:
// ..."), so errors.Is and errors.As see through them:
//
//   - ErrNotFound: any 404 (an *APIError);
//   - ErrAuthentication: MISP's 403 authentication envelope, as an
//     *AuthenticationError that tells a rejected key from a disabled account
//     and unwraps to the *APIError;
//   - ErrPermissionDenied: MISP's 403 ACL denial;
//   - ErrLoginRedirect: a redirect to /users/login (*RedirectError); no
//     redirect is ever followed;
//   - *APIError: any other unsuccessful answer, with MISP's name, message,
//     url and validation errors normalised to field -> messages from every
//     shape MISP uses ({"f": ["m"]}, {"f": "m"}, ["m"], "m", []; messages
//     without a field under ""). A non-JSON body is quoted, at most 200
//     characters. A 200 envelope with "saved": false (password reset) is an
//     *APIError too;
//   - *TransportError when no answer arrived, classified as ErrTLS,
//     ErrUnreachable or ErrTimeout (and matching context errors).
//
// No error text contains the API key, or a password or external
// authentication key sent in the request: they are scrubbed from anything
// MISP echoes, and a 2xx body that fails to
// decode is never quoted (it may hold a new API key).
//
// # Retries and timeouts
//
// Requests go through hashicorp/go-retryablehttp. GET and HEAD are retried
// on transport errors, 429, 502, 503 and 504, up to Config.MaxRetries
// attempts in total (default 4), with capped exponential backoff
// (RetryWaitMin doubling up to RetryWaitMax) and equal jitter; a Retry-After
// header is honoured up to max(RetryWaitMax, 2 minutes). TLS failures and
// unknown host names are never retried: waiting does not heal them.
//
// With Config.RetryIdempotentWrites (off by default; the provider turns it
// on) the writes that repetition cannot make do more are retried like reads:
// edits, deletes (a repeat of an applied delete answers 404), set_default and
// totp_delete. Any other POST (adds, password resets, and every write without
// that option) is retried only when the connection could not be opened (the
// dial failed), i.e. when nothing reached the server; once it may have been
// sent, the client never repeats it, whatever the answer. Repeating a create
// whose outcome is unknown is the caller's decision, after looking the object
// up (the provider does so for users, organisations and roles).
// Config.Timeout bounds each attempt (default 30s); the caller's context
// bounds the whole call, backoff waits included.
//
// A Client is safe for concurrent use.
package misp
