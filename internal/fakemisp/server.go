package fakemisp

import (
	"compress/gzip"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Options configures a Server.
type Options struct {
	// AdminKey is the API key of the seeded site admin (user 1): 40 alphanumerics. Generated (from Seed) if empty.
	AdminKey string
	// DisableControlAPI makes every /_mispfake/* path answer 404 like any unknown MISP URL.
	DisableControlAPI bool
	// Seed makes generated keys, ids, passwords, UUIDs and fault injection deterministic. 0 picks a random seed.
	Seed int64
	// Logf, if set, receives one line per request (method, path, status, duration, fault); never an API key.
	Logf func(format string, args ...any)
	// Now overrides the clock (timestamps, key expiry). Defaults to time.Now.
	Now func() time.Time
	// OnChange, if set, is called (outside any lock) after every change of the stored data, e.g. to persist
	// Snapshot. Calls may come from concurrent requests.
	OnChange func()
	// DisableUserLoginChange sets MISP.disable_user_login_change: only site admins can change a user's e-mail
	// address; MISP drops the email of everyone else's users/edit and admin/users/edit silently (see
	// SetServerSetting, which changes it at run time; Reset comes back to this value).
	DisableUserLoginChange bool
	// FailEmail makes every e-mail MISP would send fail, as when its mail transport is broken (see Emails and
	// SetEmailFailing, which changes it at run time; Reset comes back to this value).
	FailEmail bool
}

// RequestRecord is one entry of the request log.
type RequestRecord struct {
	Time     time.Time
	Method   string
	Path     string
	Endpoint string
	Status   int // 0 when the connection was dropped without an answer
	Duration time.Duration
	Fault    string // the injected fault kind, if any
}

// maxRequestLog bounds the request log; counters are not bounded.
const maxRequestLog = 100000

// Server is the MISP emulator. It is an http.Handler and safe for concurrent use.
type Server struct {
	opts     Options
	adminKey string
	seed     int64
	now      func() time.Time

	ctl *http.ServeMux // the control API

	mu        sync.RWMutex // guards st, rng, mailFails, emails and settings
	st        *state
	rng       *rand.Rand
	mailFails bool
	emails    []Email
	settings  map[string]any // the server settings the emulator models (settings.go)

	logMu    sync.Mutex
	reqs     []RequestRecord
	counters map[string]int
	total    int

	faultMu sync.Mutex
	faults  []*faultState
	frng    *rand.Rand
}

var keyFormat = regexp.MustCompile(`^[a-zA-Z0-9]{40}$`)

// New returns a server seeded like a fresh MISP 2.5.1 install. It panics if opts.AdminKey is set but is not 40
// alphanumeric characters (a programming error).
func New(opts Options) *Server {
	if opts.AdminKey != "" && !keyFormat.MatchString(opts.AdminKey) {
		panic("fakemisp: Options.AdminKey must be 40 alphanumeric characters")
	}
	seed := opts.Seed
	if seed == 0 {
		var b [8]byte
		if _, err := crand.Read(b[:]); err == nil {
			seed = int64(binary.LittleEndian.Uint64(b[:]) >> 1)
		}
		if seed == 0 {
			seed = time.Now().UnixNano()
		}
	}
	s := &Server{opts: opts, seed: seed, now: opts.Now, counters: map[string]int{}}
	if s.now == nil {
		s.now = time.Now
	}
	s.adminKey = opts.AdminKey
	if s.adminKey == "" {
		s.adminKey = randString(rand.New(rand.NewPCG(uint64(seed), 1)), 40, alnum)
	}
	s.resetData()
	s.frng = rand.New(rand.NewPCG(uint64(seed), 3))
	s.ctl = s.controlMux()
	return s
}

// resetData restores the seeded database and the data RNG. Callers hold s.mu or have exclusive access.
func (s *Server) resetData() {
	s.rng = rand.New(rand.NewPCG(uint64(s.seed), 2))
	s.st = seedState(s.rng, s.now(), s.adminKey)
	s.mailFails = s.opts.FailEmail
	s.emails = nil
	s.settings = s.opts.settings()
}

// AdminKey returns the site admin's API key.
func (s *Server) AdminKey() string { return s.adminKey }

// Reset puts the server back to its seed (same admin key); request log, counters, faults and the e-mail log are
// cleared, and e-mail works or fails as Options.FailEmail says.
func (s *Server) Reset() {
	s.ResetCounters()
	s.faultMu.Lock()
	s.faults = nil
	s.frng = rand.New(rand.NewPCG(uint64(s.seed), 3))
	s.faultMu.Unlock()
	s.mutate(func() bool {
		s.resetData()
		return true
	})
}

// Snapshot returns the stored data (users, organisations, roles, auth keys, settings) as JSON.
func (s *Server) Snapshot() ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.marshal()
}

// Restore replaces the stored data with a Snapshot. On error nothing changes. The server's AdminKey keeps working:
// if the snapshot does not know it, it is added as another key of user 1 (when user 1 exists).
func (s *Server) Restore(data []byte) error {
	st, err := unmarshalState(data)
	if err != nil {
		return err
	}
	// No OnChange: the caller (the runner loading its state file, the control API) decides.
	s.mutate(func() bool {
		if st.lookupKey(s.adminKey, s.now()) == nil && st.users[1] != nil {
			st.addKey(s.rng, 1, s.adminKey, s.now(), "mispfake admin key")
		}
		s.st = st
		return false
	})
	return nil
}

func (s *Server) notify() {
	if s.opts.OnChange != nil {
		s.opts.OnChange()
	}
}

// Requests returns a copy of the request log (oldest first).
func (s *Server) Requests() []RequestRecord {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]RequestRecord(nil), s.reqs...)
}

// Count returns how many requests reached endpoint (e.g. "GET /admin/users/view/{id}"), faulted ones included.
func (s *Server) Count(endpoint string) int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.counters[endpoint]
}

// Counters returns a copy of the per-endpoint request counters.
func (s *Server) Counters() map[string]int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make(map[string]int, len(s.counters))
	for k, v := range s.counters {
		out[k] = v
	}
	return out
}

// TotalRequests returns the number of MISP requests served (control API requests excluded).
func (s *Server) TotalRequests() int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.total
}

// ResetCounters clears the request log and the counters.
func (s *Server) ResetCounters() {
	s.logMu.Lock()
	s.reqs = nil
	s.counters = map[string]int{}
	s.total = 0
	s.logMu.Unlock()
}

func (s *Server) countEndpoint(endpoint string) {
	s.logMu.Lock()
	s.total++
	if endpoint != "" {
		s.counters[endpoint]++
	}
	s.logMu.Unlock()
}

func (s *Server) record(rec RequestRecord) {
	s.logMu.Lock()
	if len(s.reqs) >= maxRequestLog {
		s.reqs = append(s.reqs[:0], s.reqs[len(s.reqs)-maxRequestLog/2:]...)
	}
	s.reqs = append(s.reqs, rec)
	s.logMu.Unlock()
	if s.opts.Logf != nil {
		if rec.Fault != "" {
			s.opts.Logf("%s %s %d %s fault=%s", rec.Method, rec.Path, rec.Status, rec.Duration.Round(time.Microsecond), rec.Fault)
		} else {
			s.opts.Logf("%s %s %d %s", rec.Method, rec.Path, rec.Status, rec.Duration.Round(time.Microsecond))
		}
	}
}

var apikeyParam = regexp.MustCompile(`(?i)(apikey:)[^/]*`)

// logPath is the request path as logged: an apikey: named parameter is redacted.
func logPath(r *http.Request) string {
	return apikeyParam.ReplaceAllString(r.URL.EscapedPath(), "${1}REDACTED")
}

const controlPrefix = "/_mispfake/"

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if strings.HasPrefix(r.URL.Path, controlPrefix) && !s.opts.DisableControlAPI {
		status := s.serveControl(w, r)
		if s.opts.Logf != nil {
			s.opts.Logf("%s %s %d %s control", r.Method, logPath(r), status, time.Since(start).Round(time.Microsecond))
		}
		return
	}
	rt := parseRoute(r.URL.EscapedPath())
	endpoint := rt.endpoint(r.Method)
	s.countEndpoint(endpoint)
	rec := RequestRecord{Time: s.now(), Method: r.Method, Path: logPath(r), Endpoint: endpoint}

	kind, f := s.pickFault(r, endpoint)
	rec.Fault = string(kind)
	var resp *response
	switch kind {
	case FaultDrop:
		dropConnection(w)
		rec.Duration = time.Since(start)
		s.record(rec)
		return
	case FaultError:
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		msg := http.StatusText(status)
		resp = exception(r, status, msg)
	case FaultRateLimit:
		resp = exception(r, http.StatusTooManyRequests, "Rate limit exceeded.")
		resp.setHeader("Retry-After", itoa(int64(f.RetryAfter)))
	default:
		resp = s.handle(r, rt)
	}
	if kind == FaultLostResponse {
		dropConnection(w)
		rec.Duration = time.Since(start)
		s.record(rec)
		return
	}
	writeResponse(w, resp)
	rec.Status = resp.status
	rec.Duration = time.Since(start)
	s.record(rec)
}

func writeResponse(w http.ResponseWriter, resp *response) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	if resp.status == http.StatusNotModified {
		w.WriteHeader(resp.status)
		return
	}
	if resp.contentType != "" {
		h.Set("Content-Type", resp.contentType)
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// dropConnection closes the client connection without an HTTP answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// HTTP/2 and wrapped writers: abort the stream; net/http then sends nothing.
	panic(http.ErrAbortHandler)
}

// reqCtx carries one authenticated MISP request through its handler.
type reqCtx struct {
	r       *http.Request
	rt      route
	caller  *caller
	data    map[string]any // the decoded JSON body (nil when none)
	hasBody bool           // a JSON body was parsed (even if empty)
	changed bool
}

func (c *reqCtx) isPost() bool   { return c.r.Method == http.MethodPost }
func (c *reqCtx) isPut() bool    { return c.r.Method == http.MethodPut }
func (c *reqCtx) isDelete() bool { return c.r.Method == http.MethodDelete }

// firstArg returns the first passed argument (the object id), or "" when absent.
func (c *reqCtx) firstArg() (string, bool) {
	if len(c.rt.args) > 0 {
		return c.rt.args[0], true
	}
	return "", false
}

// isREST is IndexFilterComponent::isRest for JSON: Accept exactly application/json, a .json extension, or a first
// preferred Accept type of application/json.
func isREST(r *http.Request, rt route) bool {
	if rt.ext == "json" {
		return true
	}
	accept := r.Header.Get("Accept")
	if accept == "application/json" {
		return true
	}
	return preferredAccept(accept) == "application/json"
}

// preferredAccept returns the media type with the highest q (first wins on ties), like CakeRequest::parseAccept.
func preferredAccept(accept string) string {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if qs, ok := params["q"]; ok {
			if f, ok := parseQ(qs); ok {
				q = f
			}
		}
		if q > bestQ {
			best, bestQ = mt, q
		}
	}
	return best
}

func parseQ(s string) (float64, bool) {
	var f float64
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return 0, false
	}
	return f, true
}

const (
	msgAuthFailed     = "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header."
	msgAuthFailedXHR  = "Authentication failed."
	msgDisabled       = "Authentication failed. Your user account has been disabled."
	msgNoPermission   = "You do not have permission to use this functionality."
	msgInvalidJSON    = "Invalid JSON input. Make sure that the JSON input is a correctly formatted JSON string. This request has been blocked to avoid an unfiltered request."
	msgNotFound       = "Not Found"
	maxRequestBodyLen = 16 << 20
)

// handle runs MISP's request pipeline: routing, REST detection, authentication, ACL, body parsing, the action.
func (s *Server) handle(r *http.Request, rt route) *response {
	ep, known := routes[rt.key()]
	if known && ep.noAuth {
		return ep.fn(s, &reqCtx{r: r, rt: rt})
	}
	if !isREST(r, rt) {
		// AppController::_redirectToLogin: no API-key login without the JSON Accept header
		// (docs/development/misp-api.md §0.1, §5.1).
		resp := &response{status: http.StatusFound, contentType: "text/html; charset=UTF-8"}
		resp.setHeader("Location", baseURL(r)+"/users/login")
		return resp
	}
	c := &reqCtx{r: r, rt: rt}
	if resp := s.authenticate(c); resp != nil {
		return resp
	}
	if !rt.knownController() {
		return exception(r, http.StatusNotFound, msgNotFound)
	}
	if !known {
		// ACLComponent::checkAccess lets only site admins reach an action without an ACL entry; it then is missing.
		if !c.caller.siteAdmin() {
			return exception(r, http.StatusForbidden, msgNoPermission)
		}
		return exception(r, http.StatusNotFound, msgNotFound)
	}
	if ep.acl != nil && !ep.acl(c.caller) && !c.caller.siteAdmin() {
		return exception(r, http.StatusForbidden, msgNoPermission)
	}
	if resp := parseBody(c); resp != nil {
		return resp
	}
	if ep.write && (c.isPost() || c.isPut()) && hasNonBMP(c.data) {
		// MISP's tables keep text as utf8mb3: MySQL refuses a 4-byte character (an emoji) and MISP answers a bare
		// 500 (verified against MISP 2.5.1 for organisation, role and user writes; docs/development/misp-api.md §5.29).
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	if !ep.write {
		return read(s, func() *response { return ep.fn(s, c) })
	}
	var resp *response
	s.mutate(func() bool {
		resp = ep.fn(s, c)
		return c.changed
	})
	return resp
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// parseBody decodes a JSON body for POST, PUT, PATCH and DELETE sent with a JSON Content-Type (§0.3).
func parseBody(c *reqCtx) *response {
	r := c.r
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return nil
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil
	}
	body := io.LimitReader(r.Body, maxRequestBodyLen)
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(body)
		if err != nil {
			return exception(r, http.StatusBadRequest, "Invalid compressed data.")
		}
		defer func() { _ = zr.Close() }()
		body = io.LimitReader(zr, maxRequestBodyLen)
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		return exception(r, http.StatusBadRequest, "Could not read the request body.")
	}
	// AppController: an empty body decodes to null (no data).
	if phpEmpty(string(raw)) {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return exception(r, http.StatusMethodNotAllowed, msgInvalidJSON)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return exception(r, http.StatusMethodNotAllowed, msgInvalidJSON)
	}
	switch t := v.(type) {
	case nil:
	case map[string]any:
		c.data, c.hasBody = t, true
	case []any:
		// PHP turns a JSON list into an array with integer keys.
		m := make(map[string]any, len(t))
		for i, e := range t {
			m[itoa(int64(i))] = e
		}
		c.data, c.hasBody = m, true
	default:
		// A scalar body ends in PHP type errors inside the controllers (inferred).
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	return nil
}

// hasNonBMP reports a string, anywhere in a decoded JSON body, with a character outside Unicode's Basic
// Multilingual Plane (4 bytes in UTF-8), which MySQL's utf8mb3 columns cannot hold.
func hasNonBMP(v any) bool {
	switch v := v.(type) {
	case string:
		for _, r := range v {
			if r > 0xFFFF {
				return true
			}
		}
	case map[string]any:
		for k, e := range v {
			if hasNonBMP(k) || hasNonBMP(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasNonBMP(e) {
				return true
			}
		}
	}
	return false
}
