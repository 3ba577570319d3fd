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

// serveControl answers /_mispfake/* and returns the status it sent.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) int {
	status, body := s.control(r)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(body)
	return status
}

func (s *Server) control(r *http.Request) (int, any) {
	key := r.Header.Get("Authorization")
	if v := r.Header.Get("X-MISP-AUTH"); v != "" {
		key = v
	}
	if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(key)), []byte(s.adminKey)) != 1 {
		return http.StatusForbidden, map[string]any{"error": "the control API needs the site admin key in the Authorization header"}
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, controlPrefix), "/"), "/")
	out, err := s.controlRoute(r, parts)
	if err != nil {
		var ce *controlError
		if errors.As(err, &ce) {
			return ce.status, map[string]any{"error": ce.msg}
		}
		status := http.StatusBadRequest
		if errors.Is(err, ErrNotFound) {
			status = http.StatusNotFound
		} else if errors.Is(err, ErrOrganisationInUse) {
			status = http.StatusConflict
		}
		return status, map[string]any{"error": err.Error()}
	}
	return http.StatusOK, out
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

func methodIs(r *http.Request, methods ...string) error {
	for _, m := range methods {
		if r.Method == m {
			return nil
		}
	}
	return cerr(http.StatusMethodNotAllowed, "method %s not allowed here (want %s)", r.Method, strings.Join(methods, " or "))
}

func (s *Server) controlRoute(r *http.Request, parts []string) (any, error) {
	ok := map[string]any{"ok": true}
	switch parts[0] {
	case "stats":
		if err := methodIs(r, http.MethodGet); err != nil {
			return nil, err
		}
		return map[string]any{"total": s.TotalRequests(), "counters": s.Counters()}, nil
	case "requests":
		if r.Method == http.MethodDelete {
			s.ResetCounters()
			return ok, nil
		}
		if err := methodIs(r, http.MethodGet); err != nil {
			return nil, err
		}
		out := []recordJSON{}
		for _, rec := range s.Requests() {
			out = append(out, recordJSON{Time: rec.Time, Method: rec.Method, Path: rec.Path, Endpoint: rec.Endpoint,
				Status: rec.Status, DurationMS: float64(rec.Duration.Microseconds()) / 1000, Fault: rec.Fault})
		}
		return out, nil
	case "reset":
		if err := methodIs(r, http.MethodPost); err != nil {
			return nil, err
		}
		if len(parts) > 1 && parts[1] == "counters" {
			s.ResetCounters()
		} else {
			s.Reset()
		}
		return ok, nil
	case "faults":
		return s.controlFaults(r, parts)
	case "snapshot":
		switch r.Method {
		case http.MethodGet:
			data, err := s.Snapshot()
			if err != nil {
				return nil, err
			}
			return json.RawMessage(data), nil
		case http.MethodPut, http.MethodPost:
			data, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBodyLen))
			if err != nil {
				return nil, cerr(http.StatusBadRequest, "read body: %v", err)
			}
			if err := s.Restore(data); err != nil {
				return nil, cerr(http.StatusBadRequest, "%v", err)
			}
			s.notify()
			return ok, nil
		}
		return nil, methodIs(r, http.MethodGet, http.MethodPut)
	case "default_role":
		if r.Method == http.MethodGet {
			return map[string]any{"id": s.DefaultRoleID()}, nil
		}
		if err := methodIs(r, http.MethodPost, http.MethodPut); err != nil {
			return nil, err
		}
		var body struct {
			ID string `json:"id"`
		}
		if err := decodeControl(r, &body); err != nil {
			return nil, err
		}
		if err := s.SetDefaultRole(body.ID); err != nil {
			return nil, err
		}
		return ok, nil
	case "users", "organisations", "roles":
		return s.controlObjects(r, parts)
	case "email":
		return s.controlEmail(r)
	}
	return nil, cerr(http.StatusNotFound, "unknown control route %q", "/"+strings.Join(parts, "/"))
}

// controlEmail serves /_mispfake/email: GET the switch and the e-mail log, POST or PUT {"fail": bool}, DELETE
// clears the log.
func (s *Server) controlEmail(r *http.Request) (any, error) {
	switch r.Method {
	case http.MethodGet:
		out := s.Emails()
		if out == nil {
			out = []Email{}
		}
		return map[string]any{"fail": s.EmailFailing(), "emails": out}, nil
	case http.MethodPost, http.MethodPut:
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
	case http.MethodDelete:
		s.ClearEmails()
		return map[string]any{"ok": true}, nil
	}
	return nil, methodIs(r, http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete)
}

func (s *Server) controlFaults(r *http.Request, parts []string) (any, error) {
	if len(parts) > 1 && parts[1] == "clear" {
		if err := methodIs(r, http.MethodPost); err != nil {
			return nil, err
		}
		s.ClearFaults()
		return map[string]any{"ok": true}, nil
	}
	switch r.Method {
	case http.MethodGet:
		out := []faultJSON{}
		for _, f := range s.Faults() {
			out = append(out, faultToJSON(f))
		}
		return out, nil
	case http.MethodDelete:
		s.ClearFaults()
		return map[string]any{"ok": true}, nil
	case http.MethodPost:
		data, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBodyLen))
		if err != nil {
			return nil, cerr(http.StatusBadRequest, "read body: %v", err)
		}
		var faults []Fault
		trimmed := strings.TrimSpace(string(data))
		switch {
		case strings.HasPrefix(trimmed, "["):
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
		default:
			var body struct {
				Spec string `json:"spec"`
				faultJSON
			}
			if err := json.Unmarshal(data, &body); err != nil {
				return nil, cerr(http.StatusBadRequest, "invalid JSON: %v", err)
			}
			if body.Spec != "" {
				faults, err = ParseFaults(body.Spec)
				if err != nil {
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
	return nil, methodIs(r, http.MethodGet, http.MethodPost, http.MethodDelete)
}

// controlObjects serves /_mispfake/{users|organisations|roles}[/{id}[/authkeys|/default]].
func (s *Server) controlObjects(r *http.Request, parts []string) (any, error) {
	kind := parts[0]
	if len(parts) == 1 {
		switch r.Method {
		case http.MethodGet:
			switch kind {
			case "users":
				return s.Users(), nil
			case "organisations":
				return s.Organisations(), nil
			default:
				return s.Roles(), nil
			}
		case http.MethodPost:
			var fields map[string]any
			if err := decodeControl(r, &fields); err != nil {
				return nil, err
			}
			fields = fromJSONNumbers(fields)
			switch kind {
			case "users":
				id, key, err := s.CreateUser(fields)
				if err != nil {
					return nil, err
				}
				return map[string]any{"id": id, "authkey": key}, nil
			case "organisations":
				id, err := s.CreateOrganisation(fields)
				if err != nil {
					return nil, err
				}
				return map[string]any{"id": id}, nil
			default:
				id, err := s.CreateRole(fields)
				if err != nil {
					return nil, err
				}
				return map[string]any{"id": id}, nil
			}
		}
		return nil, methodIs(r, http.MethodGet, http.MethodPost)
	}
	id := parts[1]
	if len(parts) == 3 {
		switch {
		case kind == "users" && parts[2] == "authkeys":
			if err := methodIs(r, http.MethodPost); err != nil {
				return nil, err
			}
			key, err := s.NewAuthKey(id)
			if err != nil {
				return nil, err
			}
			return map[string]any{"authkey": key}, nil
		case kind == "roles" && parts[2] == "default":
			if err := methodIs(r, http.MethodPost); err != nil {
				return nil, err
			}
			if err := s.SetDefaultRole(id); err != nil {
				return nil, err
			}
			return map[string]any{"ok": true}, nil
		}
		return nil, cerr(http.StatusNotFound, "unknown control route")
	}
	switch r.Method {
	case http.MethodGet:
		var m map[string]any
		var found bool
		switch kind {
		case "users":
			m, found = s.User(id)
		case "organisations":
			m, found = s.Organisation(id)
		default:
			m, found = s.Role(id)
		}
		if !found {
			return nil, fmt.Errorf("%s %s: %w", kind, id, ErrNotFound)
		}
		return m, nil
	case http.MethodPatch, http.MethodPut, http.MethodPost:
		var fields map[string]any
		if err := decodeControl(r, &fields); err != nil {
			return nil, err
		}
		fields = fromJSONNumbers(fields)
		var err error
		switch kind {
		case "users":
			err = s.UpdateUser(id, fields)
		case "organisations":
			err = s.UpdateOrganisation(id, fields)
		default:
			err = s.UpdateRole(id, fields)
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{"ok": true}, nil
	case http.MethodDelete:
		var err error
		switch kind {
		case "users":
			err = s.DeleteUser(id)
		case "organisations":
			err = s.DeleteOrganisation(id)
		default:
			err = s.DeleteRole(id)
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{"ok": true}, nil
	}
	return nil, methodIs(r, http.MethodGet, http.MethodPatch, http.MethodDelete)
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
