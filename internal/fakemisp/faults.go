package fakemisp

import (
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// FaultKind names an injected failure.
type FaultKind string

// The fault kinds.
const (
	FaultError        FaultKind = "error"         // answer Status (default 500) with MISP's exception envelope
	FaultLatency      FaultKind = "latency"       // sleep uniformly in [MinLatency, MaxLatency] before handling
	FaultRateLimit    FaultKind = "ratelimit"     // 429 with Retry-After: RetryAfter seconds
	FaultDrop         FaultKind = "drop"          // close the connection before the handler runs (nothing applied)
	FaultLostResponse FaultKind = "lost_response" // run the handler (write applied), then drop the connection
)

// Fault is one fault injection rule.
type Fault struct {
	// Pattern matches the endpoint key ("METHOD /template") with path.Match semantics; "*" alone matches every
	// request (unknown URLs included), and a pattern ending in "/*" also matches deeper templates
	// ("POST /admin/users/*" matches "POST /admin/users/edit/{id}").
	Pattern string
	Kind    FaultKind
	// Rate is the probability (0..1) of injecting on a matching request; 0 is treated as 1 (always).
	Rate       float64
	Status     int // FaultError: HTTP status (default 500)
	MinLatency time.Duration
	MaxLatency time.Duration
	RetryAfter int // FaultRateLimit: seconds
	Count      int // > 0: stop after injecting this many times
}

type faultState struct {
	Fault
	used int
}

func (f Fault) validate() error {
	switch f.Kind {
	case FaultError, FaultLatency, FaultRateLimit, FaultDrop, FaultLostResponse:
	default:
		return fmt.Errorf("unknown fault kind %q", f.Kind)
	}
	if f.Pattern == "" {
		return fmt.Errorf("fault %s: empty pattern", f.Kind)
	}
	if _, err := path.Match(f.Pattern, ""); err != nil {
		return fmt.Errorf("fault %s: pattern %q: %w", f.Kind, f.Pattern, err)
	}
	if f.Rate < 0 || f.Rate > 1 {
		return fmt.Errorf("fault %s: rate %v outside 0..1", f.Kind, f.Rate)
	}
	if f.MinLatency < 0 || f.MaxLatency < 0 || (f.MaxLatency != 0 && f.MaxLatency < f.MinLatency) {
		return fmt.Errorf("fault %s: bad latency range %s..%s", f.Kind, f.MinLatency, f.MaxLatency)
	}
	if f.Status != 0 && (f.Status < 100 || f.Status > 599) {
		return fmt.Errorf("fault %s: bad status %d", f.Kind, f.Status)
	}
	if f.Count < 0 || f.RetryAfter < 0 {
		return fmt.Errorf("fault %s: negative count or retry", f.Kind)
	}
	return nil
}

func (f Fault) matches(endpoint string) bool {
	if f.Pattern == "*" {
		return true
	}
	if endpoint == "" {
		return false
	}
	if ok, _ := path.Match(f.Pattern, endpoint); ok {
		return true
	}
	if prefix, ok := strings.CutSuffix(f.Pattern, "/*"); ok {
		i := strings.LastIndex(endpoint, "/")
		for i > 0 {
			if m, _ := path.Match(prefix, endpoint[:i]); m {
				return true
			}
			i = strings.LastIndex(endpoint[:i], "/")
		}
	}
	return false
}

// AddFault adds a fault rule. Invalid rules (unknown kind, bad pattern) are ignored; use ParseFaults to check.
func (s *Server) AddFault(f Fault) {
	if f.validate() != nil {
		return
	}
	s.faultMu.Lock()
	s.faults = append(s.faults, &faultState{Fault: f})
	s.faultMu.Unlock()
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	s.faults = nil
	s.faultMu.Unlock()
}

// Faults returns the active fault rules.
func (s *Server) Faults() []Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, f := range s.faults {
		out = append(out, f.Fault)
	}
	return out
}

// pickFault decides which faults apply to this request. Latency faults sleep here (all that fire add up); the
// first terminal fault that fires (error, ratelimit, drop, lost_response) is returned.
func (s *Server) pickFault(r *http.Request, endpoint string) (FaultKind, Fault) {
	s.faultMu.Lock()
	var sleep time.Duration
	var kind FaultKind
	var chosen Fault
	for _, f := range s.faults {
		if (f.Count > 0 && f.used >= f.Count) || !f.matches(endpoint) {
			continue
		}
		terminal := f.Kind != FaultLatency
		if terminal && kind != "" && kind != FaultLatency {
			continue
		}
		if f.Rate > 0 && f.Rate < 1 && s.frng.Float64() >= f.Rate {
			continue
		}
		f.used++
		if !terminal {
			d := f.MinLatency
			if f.MaxLatency > f.MinLatency {
				d += time.Duration(s.frng.Int64N(int64(f.MaxLatency-f.MinLatency) + 1))
			}
			sleep += d
			if kind == "" {
				kind = FaultLatency
			}
			continue
		}
		kind, chosen = f.Kind, f.Fault
	}
	s.faultMu.Unlock()
	if sleep > 0 {
		t := time.NewTimer(sleep)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	return kind, chosen
}

// ParseFaults parses the fault vocabulary of the -faults flag and the control API (see the package doc):
//
//	KIND[:key=value[,key=value...]][@PATTERN][; ...]
func ParseFaults(spec string) ([]Fault, error) {
	var out []Fault
	for _, entry := range strings.FieldsFunc(spec, func(r rune) bool { return r == ';' || r == '\n' }) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		f := Fault{Pattern: "*"}
		head := entry
		if i := strings.Index(entry, "@"); i >= 0 {
			head, f.Pattern = strings.TrimSpace(entry[:i]), strings.TrimSpace(entry[i+1:])
		}
		kind, params, _ := strings.Cut(head, ":")
		f.Kind = FaultKind(strings.TrimSpace(strings.ToLower(kind)))
		if params != "" {
			for _, p := range strings.Split(params, ",") {
				k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
				if !ok {
					return nil, fmt.Errorf("fault %q: parameter %q is not key=value", entry, p)
				}
				if err := setFaultParam(&f, strings.TrimSpace(strings.ToLower(k)), strings.TrimSpace(v)); err != nil {
					return nil, fmt.Errorf("fault %q: %w", entry, err)
				}
			}
		}
		if f.Kind == FaultLatency && f.MaxLatency == 0 {
			f.MaxLatency = f.MinLatency
		}
		if err := f.validate(); err != nil {
			return nil, fmt.Errorf("fault %q: %w", entry, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func setFaultParam(f *Fault, k, v string) error {
	var err error
	switch k {
	case "rate":
		f.Rate, err = strconv.ParseFloat(v, 64)
	case "status":
		f.Status, err = strconv.Atoi(v)
	case "count":
		f.Count, err = strconv.Atoi(v)
	case "retry", "retry_after":
		f.RetryAfter, err = strconv.Atoi(v)
	case "min":
		f.MinLatency, err = time.ParseDuration(v)
	case "max":
		f.MaxLatency, err = time.ParseDuration(v)
	case "latency":
		f.MinLatency, err = time.ParseDuration(v)
		f.MaxLatency = f.MinLatency
	default:
		return fmt.Errorf("unknown parameter %q", k)
	}
	if err != nil {
		return fmt.Errorf("parameter %s: %w", k, err)
	}
	return nil
}
