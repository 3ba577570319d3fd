package fakemisp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
)

const testAdminKey = "AdminKey0123456789abcdefghijklmnopqrstuv"

// env is one emulator behind a loopback HTTP server.
type env struct {
	t   *testing.T
	s   *fakemisp.Server
	srv *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := fakemisp.New(fakemisp.Options{AdminKey: testAdminKey, Seed: 42})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &env{t: t, s: s, srv: srv}
}

// reply is a decoded answer.
type reply struct {
	status int
	header http.Header
	raw    []byte
	body   any
}

func (r reply) list() []any {
	l, _ := r.body.([]any)
	return l
}

// at walks the decoded body: at("User", "email").
func (r reply) at(path ...string) any {
	cur := r.body
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

type req struct {
	method  string
	path    string
	body    any // string → raw body; other → JSON encoded
	key     string
	headers map[string]string
	noJSON  bool // leave out the JSON Accept header
}

func (e *env) do(r req) reply {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	hr, err := http.NewRequestWithContext(e.t.Context(), method, e.srv.URL+r.path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	key := r.key
	if key == "" {
		key = testAdminKey
	}
	if key != "-" {
		hr.Header.Set("Authorization", key)
	}
	if !r.noJSON {
		hr.Header.Set("Accept", "application/json")
	}
	if r.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	hr.Header.Set("User-Agent", "PyMISP 2.5.1 - Python 3.12")
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(hr)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, r.path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	out := reply{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &out.body)
	}
	return out
}

// check is an expectation on a reply; it returns a failure description or "".
type check func(r reply) string

func status(want int) check {
	return func(r reply) string {
		if r.status != want {
			return "status " + itoa(r.status) + ", want " + itoa(want) + ": " + string(r.raw)
		}
		return ""
	}
}

// field expects the value at path to equal want (compared after JSON decoding).
func field(want any, path ...string) check {
	return func(r reply) string {
		got := r.at(path...)
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if !bytes.Equal(gj, wj) {
			return strings.Join(path, ".") + " = " + string(gj) + ", want " + string(wj)
		}
		return ""
	}
}

// absent expects the key at path not to exist.
func absent(path ...string) check {
	return func(r reply) string {
		parent := r.at(path[:len(path)-1]...)
		m, ok := parent.(map[string]any)
		if !ok {
			return strings.Join(path[:len(path)-1], ".") + " is not an object"
		}
		if _, present := m[path[len(path)-1]]; present {
			return strings.Join(path, ".") + " is present"
		}
		return ""
	}
}

// present expects the key at path to exist.
func present(path ...string) check {
	return func(r reply) string {
		parent, ok := r.at(path[:len(path)-1]...).(map[string]any)
		if !ok {
			return strings.Join(path[:len(path)-1], ".") + " is not an object"
		}
		if _, ok := parent[path[len(path)-1]]; !ok {
			return strings.Join(path, ".") + " is missing"
		}
		return ""
	}
}

// exc expects MISP's exception envelope.
func exc(code int, msg string) check {
	return func(r reply) string {
		if s := status(code)(r); s != "" {
			return s
		}
		if r.at("name") != msg || r.at("message") != msg {
			return "exception message " + string(r.raw) + ", want " + msg
		}
		return ""
	}
}

func listLen(n int) check {
	return func(r reply) string {
		if len(r.list()) != n {
			return "list of " + itoa(len(r.list())) + ", want " + itoa(n) + ": " + string(r.raw)
		}
		return ""
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func (e *env) expect(name string, r reply, checks ...check) {
	e.t.Helper()
	for _, c := range checks {
		if msg := c(r); msg != "" {
			e.t.Errorf("%s: %s", name, msg)
		}
	}
}

// step is one table row: a request and what MISP answers.
type step struct {
	name   string // starts with the docs/development/misp-api.md section it encodes
	req    req
	checks []check
}

func (e *env) run(steps []step) {
	e.t.Helper()
	for _, st := range steps {
		e.expect(st.name, e.do(st.req), st.checks...)
	}
}

// mustUser creates a user through the Go API and returns its id and key.
func (e *env) mustUser(fields map[string]any) (string, string) {
	e.t.Helper()
	id, key, err := e.s.CreateUser(fields)
	if err != nil {
		e.t.Fatal(err)
	}
	return id, key
}
