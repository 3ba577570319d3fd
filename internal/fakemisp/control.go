package fakemisp

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The control API (see the package doc for the routes). JSON in and out; only the site-admin key (Authorization
// or X-MISP-AUTH header) is accepted.

type controlError struct {
	status int
	msg    string
}

func (e *controlError) Error() string { return e.msg }

func cerr(status int, format string, args ...any) error {
	return &controlError{status: status, msg: fmt.Sprintf(format, args...)}
}

// faultJSON is the JSON form of a Fault.
type faultJSON struct {
	Pattern    string  `json:"pattern"`
	Kind       string  `json:"kind"`
	Rate       float64 `json:"rate,omitempty"`
	Status     int     `json:"status,omitempty"`
	MinLatency string  `json:"min_latency,omitempty"`
	MaxLatency string  `json:"max_latency,omitempty"`
	RetryAfter int     `json:"retry_after,omitempty"`
	Count      int     `json:"count,omitempty"`
}

func faultToJSON(f Fault) faultJSON {
	j := faultJSON{Pattern: f.Pattern, Kind: string(f.Kind), Rate: f.Rate, Status: f.Status, RetryAfter: f.RetryAfter, Count: f.Count}
	if f.MinLatency != 0 {
		j.MinLatency = f.MinLatency.String()
	}
	if f.MaxLatency != 0 {
		j.MaxLatency = f.MaxLatency.String()
	}
	return j
}

func (j faultJSON) toFault() (Fault, error) {
	f := Fault{Pattern: j.Pattern, Kind: FaultKind(j.Kind), Rate: j.Rate, Status: j.Status, RetryAfter: j.RetryAfter, Count: j.Count}
	if f.Pattern == "" {
		f.Pattern = "*"
	}
	var err error
	if j.MinLatency != "" {
		if f.MinLatency, err = time.ParseDuration(j.MinLatency); err != nil {
			return f, fmt.Errorf("min_latency: %w", err)
		}
	}
	if j.MaxLatency != "" {
		if f.MaxLatency, err = time.ParseDuration(j.MaxLatency); err != nil {
			return f, fmt.Errorf("max_latency: %w", err)
		}
	}
	if f.Kind == FaultLatency && f.MaxLatency == 0 {
		f.MaxLatency = f.MinLatency
	}
	return f, f.validate()
}

type recordJSON struct {
	Time       time.Time `json:"time"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Endpoint   string    `json:"endpoint"`
	Status     int       `json:"status"`
	DurationMS float64   `json:"duration_ms"`
	Fault      string    `json:"fault,omitempty"`
}

// controlFunc answers one control route: the JSON body to send with 200, or an error (see controlStatus).
type controlFunc func(r *http.Request) (any, error)

// statusWriter remembers the status a handler sent.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// serveControl answers /_mispfake/* and returns the status it sent.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) int {
	key := r.Header.Get("Authorization")
	if v := r.Header.Get("X-MISP-AUTH"); v != "" {
		key = v
	}
	if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(key)), []byte(s.adminKey)) != 1 {
		writeControl(w, http.StatusForbidden, map[string]any{"error": "the control API needs the site admin key in the Authorization header"})
		return http.StatusForbidden
	}
	// A trailing slash names the same route.
	r = r.Clone(r.Context())
	if p := strings.TrimRight(r.URL.Path, "/"); p+"/" != controlPrefix {
		r.URL.Path, r.URL.RawPath = p, ""
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.ctl.ServeHTTP(sw, r)
	return sw.status
}

func writeControl(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(body)
}

// controlStatus is the status of a control route's error: a controlError's own, 404 for an unknown object, 409
// for an organisation that still has users, 400 otherwise.
func controlStatus(err error) int {
	var ce *controlError
	switch {
	case errors.As(err, &ce):
		return ce.status
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrOrganisationInUse):
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

var okAnswer = map[string]any{"ok": true}

// controlMux routes the control API (see the package doc) with method and path patterns. The routes of the
// stored objects come from the kind table.
func (s *Server) controlMux() *http.ServeMux {
	mux := http.NewServeMux()
	handle := func(pattern string, fn controlFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			out, err := fn(r)
			if err != nil {
				writeControl(w, controlStatus(err), map[string]any{"error": err.Error()})
				return
			}
			writeControl(w, http.StatusOK, out)
		})
	}
	const p = "/_mispfake"
	handle("GET "+p+"/stats", func(*http.Request) (any, error) {
		return map[string]any{"total": s.TotalRequests(), "counters": s.Counters()}, nil
	})
	handle("GET "+p+"/requests", func(*http.Request) (any, error) {
		out := []recordJSON{}
		for _, rec := range s.Requests() {
			out = append(out, recordJSON{Time: rec.Time, Method: rec.Method, Path: rec.Path, Endpoint: rec.Endpoint,
				Status: rec.Status, DurationMS: float64(rec.Duration.Microseconds()) / 1000, Fault: rec.Fault})
		}
		return out, nil
	})
	resetCounters := func(*http.Request) (any, error) {
		s.ResetCounters()
		return okAnswer, nil
	}
	handle("DELETE "+p+"/requests", resetCounters)
	handle("POST "+p+"/reset/counters", resetCounters)
	handle("POST "+p+"/reset", func(*http.Request) (any, error) {
		s.Reset()
		return okAnswer, nil
	})
	handle("GET "+p+"/faults", func(*http.Request) (any, error) {
		out := []faultJSON{}
		for _, f := range s.Faults() {
			out = append(out, faultToJSON(f))
		}
		return out, nil
	})
	clearFaults := func(*http.Request) (any, error) {
		s.ClearFaults()
		return okAnswer, nil
	}
	handle("DELETE "+p+"/faults", clearFaults)
	handle("POST "+p+"/faults/clear", clearFaults)
	handle("POST "+p+"/faults", s.controlAddFaults)
	handle("GET "+p+"/snapshot", func(*http.Request) (any, error) {
		data, err := s.Snapshot()
		if err != nil {
			return nil, err
		}
		return json.RawMessage(data), nil
	})
	restore := func(r *http.Request) (any, error) {
		data, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBodyLen))
		if err != nil {
			return nil, cerr(http.StatusBadRequest, "read body: %v", err)
		}
		if err := s.Restore(data); err != nil {
			return nil, cerr(http.StatusBadRequest, "%v", err)
		}
		s.notify()
		return okAnswer, nil
	}
	handle("PUT "+p+"/snapshot", restore)
	handle("POST "+p+"/snapshot", restore)
	handle("GET "+p+"/default_role", func(*http.Request) (any, error) {
		return map[string]any{"id": s.DefaultRoleID()}, nil
	})
	setDefaultRole := func(r *http.Request) (any, error) {
		var body struct {
			ID string `json:"id"`
		}
		if err := decodeControl(r, &body); err != nil {
			return nil, err
		}
		return okAnswer, s.SetDefaultRole(body.ID)
	}
	handle("POST "+p+"/default_role", setDefaultRole)
	handle("PUT "+p+"/default_role", setDefaultRole)
	handle("GET "+p+"/email", func(*http.Request) (any, error) {
		out := s.Emails()
		if out == nil {
			out = []Email{}
		}
		return map[string]any{"fail": s.EmailFailing(), "emails": out}, nil
	})
	setEmail := func(r *http.Request) (any, error) {
		var body struct {
			Fail *bool `json:"fail"`
		}
		if err := decodeControl(r, &body); err != nil {
			return nil, err
		}
		if body.Fail == nil {
			return nil, cerr(http.StatusBadRequest, `want {"fail": true} or {"fail": false}`)
		}
		s.SetEmailFailing(*body.Fail)
		return map[string]any{"ok": true, "fail": *body.Fail}, nil
	}
	handle("POST "+p+"/email", setEmail)
	handle("PUT "+p+"/email", setEmail)
	handle("DELETE "+p+"/email", func(*http.Request) (any, error) {
		s.ClearEmails()
		return okAnswer, nil
	})
	handle("GET "+p+"/settings", func(*http.Request) (any, error) { return s.ServerSettings(), nil })
	handle("POST "+p+"/settings", s.controlSetSettings)
	handle("PUT "+p+"/settings", s.controlSetSettings)

	for _, k := range kinds {
		s.handleKind(handle, p+"/"+k.plural, k)
	}
	handle("POST "+p+"/users/{id}/authkeys", func(r *http.Request) (any, error) {
		key, err := s.NewAuthKey(r.PathValue("id"))
		return map[string]any{"authkey": key}, err
	})
	handle("POST "+p+"/roles/{id}/default", func(r *http.Request) (any, error) {
		return okAnswer, s.SetDefaultRole(r.PathValue("id"))
	})

	// Anything else under the prefix: 405 when the path is known with other methods, 404 otherwise.
	handle(controlPrefix, func(r *http.Request) (any, error) {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != controlPrefix {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			return nil, cerr(http.StatusMethodNotAllowed, "method %s not allowed here (want %s)", r.Method, strings.Join(allowed, " or "))
		}
		return nil, cerr(http.StatusNotFound, "unknown control route %q", strings.TrimPrefix(r.URL.Path, p))
	})
	return mux
}

// handleKind registers the routes of one kind of stored object under base: list and create on base, read,
// update (PATCH, PUT or POST) and delete on base/{id}.
func (s *Server) handleKind(handle func(string, controlFunc), base string, k *kind) {
	fields := func(r *http.Request) (map[string]any, error) {
		var f map[string]any
		if err := decodeControl(r, &f); err != nil {
			return nil, err
		}
		return fromJSONNumbers(f), nil
	}
	handle("GET "+base, func(*http.Request) (any, error) { return s.objects(k), nil })
	handle("POST "+base, func(r *http.Request) (any, error) {
		f, err := fields(r)
		if err != nil {
			return nil, err
		}
		id, extra, err := s.createObject(k, f)
		if err != nil {
			return nil, err
		}
		out := map[string]any{"id": id}
		for name, v := range extra {
			out[name] = v
		}
		return out, nil
	})
	handle("GET "+base+"/{id}", func(r *http.Request) (any, error) {
		id := r.PathValue("id")
		m, ok := s.object(k, id)
		if !ok {
			return nil, fmt.Errorf("%s %s: %w", k.noun, id, ErrNotFound)
		}
		return m, nil
	})
	update := func(r *http.Request) (any, error) {
		f, err := fields(r)
		if err != nil {
			return nil, err
		}
		return okAnswer, s.updateObject(k, r.PathValue("id"), f)
	}
	for _, m := range []string{http.MethodPatch, http.MethodPut, http.MethodPost} {
		handle(m+" "+base+"/{id}", update)
	}
	handle("DELETE "+base+"/{id}", func(r *http.Request) (any, error) {
		return okAnswer, s.deleteObject(k, r.PathValue("id"))
	})
}

func decodeControl(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBodyLen))
	if err != nil {
		return cerr(http.StatusBadRequest, "read body: %v", err)
	}
	if strings.TrimSpace(string(data)) == "" {
		return cerr(http.StatusBadRequest, "a JSON body is required")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return cerr(http.StatusBadRequest, "invalid JSON: %v", err)
	}
	return nil
}

// controlAddFaults serves POST /_mispfake/faults: {"spec": …}, one fault object, or a list of them.
func (s *Server) controlAddFaults(r *http.Request) (any, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBodyLen))
	if err != nil {
		return nil, cerr(http.StatusBadRequest, "read body: %v", err)
	}
	var faults []Fault
	if strings.HasPrefix(strings.TrimSpace(string(data)), "[") {
		var list []faultJSON
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, cerr(http.StatusBadRequest, "invalid JSON: %v", err)
		}
		for _, j := range list {
			f, err := j.toFault()
			if err != nil {
				return nil, cerr(http.StatusBadRequest, "%v", err)
			}
			faults = append(faults, f)
		}
	} else {
		var body struct {
			Spec string `json:"spec"`
			faultJSON
		}
		if err := json.Unmarshal(data, &body); err != nil {
			return nil, cerr(http.StatusBadRequest, "invalid JSON: %v", err)
		}
		if body.Spec != "" {
			if faults, err = ParseFaults(body.Spec); err != nil {
				return nil, cerr(http.StatusBadRequest, "%v", err)
			}
		} else {
			f, err := body.toFault()
			if err != nil {
				return nil, cerr(http.StatusBadRequest, "%v", err)
			}
			faults = []Fault{f}
		}
	}
	for _, f := range faults {
		s.AddFault(f)
	}
	return map[string]any{"ok": true, "added": len(faults)}, nil
}

// fromJSONNumbers turns float64 values from encoding/json into int64 when they are whole numbers, and string
// lists into []string, so control-API fields look like Go API fields.
func fromJSONNumbers(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch t := v.(type) {
		case float64:
			if t == float64(int64(t)) {
				out[k] = int64(t)
			} else {
				out[k] = t
			}
		case []any:
			strs := make([]string, 0, len(t))
			allStrings := true
			for _, e := range t {
				s, ok := e.(string)
				if !ok {
					allStrings = false
					break
				}
				strs = append(strs, s)
			}
			if allStrings {
				out[k] = strs
			} else {
				out[k] = t
			}
		default:
			out[k] = v
		}
	}
	return out
}
