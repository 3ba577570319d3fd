package golden

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// WrongKey is the well-formed API key sent by steps with Auth "wrong": 40 alphanumerics that no MISP knows.
const WrongKey = "GoldenWrongKey00000000000000000000000000"

// UserAgent is what the runner sends: not PyMISP or MISP, so MISP pretty-prints, as it does for the client.
const UserAgent = "terraform-provider-misp/golden"

// firstID is the numeric stand-in of the first id variable of a file; the next ones count up.
const firstID = 9001

// maxText bounds the non-JSON answers kept in a recording.
const maxText = 2000

// formNameRe matches the random names CakePHP gives the forms of HTML fragments.
var formNameRe = regexp.MustCompile(`post_[0-9a-f]{8,}`)

// Runner sends the steps of a scenario to one server, captures variables from the answers and normalises
// them. It is used both to record (against real MISP) and to replay (against the emulator).
type Runner struct {
	BaseURL  string
	AdminKey string
	HTTP     *http.Client
	// Vars holds the variables: built-ins, generated UUIDs and everything captured so far.
	Vars map[string]string
	// IDs are the numeric stand-ins of id variables; captures add new ones in order unless preset.
	IDs map[string]int64
	// Preserve is passed to the Normaliser (see PreserveFrom).
	Preserve map[string]bool
}

// NewRunner returns a runner with fresh built-in variables: a random run tag and random passwords.
func NewRunner(baseURL, adminKey string) *Runner {
	baseURL = strings.TrimRight(baseURL, "/")
	return &Runner{
		BaseURL:  baseURL,
		AdminKey: adminKey,
		HTTP: &http.Client{
			Timeout:       60 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		Vars: map[string]string{
			VarRun:         "g" + randomString(7, "abcdefghijklmnopqrstuvwxyz0123456789"),
			VarPassword:    "Gp-" + randomString(21, alnum) + "-7a",
			VarPasswordNew: "Gn-" + randomString(21, alnum) + "-8b",
			VarBaseURL:     baseURL,
			VarAdminKey:    adminKey,
		},
		IDs:      map[string]int64{},
		Preserve: map[string]bool{},
	}
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randomString(n int, chars string) string {
	var b strings.Builder
	for range n {
		i, err := crand.Int(crand.Reader, big.NewInt(int64(len(chars))))
		if err != nil {
			panic(err)
		}
		b.WriteByte(chars[i.Int64()])
	}
	return b.String()
}

// randomUUID returns a lower-case version 4 UUID.
func randomUUID() string {
	b := make([]byte, 16)
	if _, err := crand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Normaliser returns the normaliser of the run's current variables.
func (r *Runner) Normaliser() *Normaliser {
	return &Normaliser{Vars: r.Vars, IDs: r.IDs, Preserve: r.Preserve}
}

// Expand fills in the variables of a template. uuid_* variables are generated on first use; any other
// unknown variable is an error.
func (r *Runner) Expand(template string) (string, error) {
	for _, name := range Vars(template) {
		if _, ok := r.Vars[name]; ok {
			continue
		}
		if VarKind(name) == "uuid" {
			r.Vars[name] = randomUUID()
			continue
		}
		return "", fmt.Errorf("variable {%s} has no value (not captured by an earlier step)", name)
	}
	return Materialise(template, r.Vars), nil
}

// Answer is what a server sent back, before normalisation.
type Answer struct {
	Status      int
	ContentType string
	Location    string
	Body        []byte
}

// Send sends one request template.
func (r *Runner) Send(ctx context.Context, req Request) (*Answer, error) {
	path, err := r.Expand(req.Path)
	if err != nil {
		return nil, err
	}
	var body io.Reader
	switch {
	case req.RawBody != "":
		body = strings.NewReader(req.RawBody)
	case len(req.Body) > 0:
		b, err := r.Expand(string(req.Body))
		if err != nil {
			return nil, err
		}
		body = strings.NewReader(b)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, r.BaseURL+path, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	switch req.Auth {
	case "none":
	case "admin":
		hr.Header.Set("Authorization", r.AdminKey)
	case "wrong":
		hr.Header.Set("Authorization", WrongKey)
	default:
		key, ok := r.Vars[req.Auth]
		if !ok || VarKind(req.Auth) != "key" {
			return nil, fmt.Errorf("auth %q: no such key variable", req.Auth)
		}
		hr.Header.Set("Authorization", key)
	}
	if !req.NoAccept {
		hr.Header.Set("Accept", "application/json")
	}
	// The client sends this Content-Type on every request, bodies or not.
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("User-Agent", UserAgent)
	resp, err := r.HTTP.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.Path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w", req.Method, req.Path, err)
	}
	return &Answer{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
		Location: resp.Header.Get("Location"), Body: data}, nil
}

// Run sends a step, captures its variables and returns the normalised answer.
func (r *Runner) Run(ctx context.Context, s *Step) (*Response, error) {
	ans, err := r.Send(ctx, s.Request)
	if err != nil {
		return nil, fmt.Errorf("step %s: %w", s.Name, err)
	}
	var doc any
	isJSON := false
	if t := bytes.TrimSpace(ans.Body); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		if v, err := Decode(t); err == nil {
			doc, isJSON = v, true
		}
	}
	if err := r.capture(s, ans.Status, doc, isJSON); err != nil {
		return nil, err
	}
	n := r.Normaliser()
	out := &Response{Status: ans.Status, ContentType: ans.ContentType, Location: n.Text(ans.Location)}
	switch {
	case isJSON:
		raw, err := Encode(n.Body(doc, KindOf(s.Request.Path)))
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", s.Name, err)
		}
		out.Body = raw
	case len(ans.Body) > 0:
		text := n.HTML(strings.ToValidUTF8(string(ans.Body), "\uFFFD"), KindOf(s.Request.Path))
		text = formNameRe.ReplaceAllString(text, "post_{form}")
		if len(text) > maxText {
			text = text[:maxText] + "…[cut]"
		}
		out.Text = text
	}
	return out, nil
}

func (r *Runner) capture(s *Step, status int, doc any, isJSON bool) error {
	for name, path := range s.Capture {
		if !isJSON {
			return fmt.Errorf("step %s: capture %s: the answer (HTTP %d) is not JSON", s.Name, name, status)
		}
		v, ok := Extract(doc, path)
		if !ok || v == "" {
			return fmt.Errorf("step %s: capture %s: nothing at %s (HTTP %d)", s.Name, name, path, status)
		}
		r.Vars[name] = v
		if IsIDKind(VarKind(name)) {
			if _, ok := r.IDs[name]; !ok {
				r.IDs[name] = firstID + int64(len(r.IDs))
			}
		}
	}
	return nil
}

// Extract returns the scalar at a dotted path ("User.id", "0.Role.id") as a string.
func Extract(doc any, path string) (string, bool) {
	cur := doc
	for _, p := range strings.Split(path, ".") {
		switch t := cur.(type) {
		case map[string]any:
			cur = t[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil || i < 0 || i >= len(t) {
				return "", false
			}
			cur = t[i]
		default:
			return "", false
		}
	}
	switch t := cur.(type) {
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case bool:
		if t {
			return "1", true
		}
		return "0", true
	}
	return "", false
}

// MediaType returns the media type of a Content-Type value, lower-cased, without parameters.
func MediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}

// ErrSecretLeak is returned by CheckNoSecrets.
var ErrSecretLeak = errors.New("a secret would be written into a recording")

// CheckNoSecrets fails when data contains the value of the admin key, a captured key or a password.
func (r *Runner) CheckNoSecrets(data []byte) error {
	for name, v := range r.Vars {
		if len(v) < 8 {
			continue
		}
		if name == VarAdminKey || name == VarPassword || name == VarPasswordNew || VarKind(name) == "key" {
			if bytes.Contains(data, []byte(v)) {
				return fmt.Errorf("%w: the value of {%s}", ErrSecretLeak, name)
			}
		}
	}
	if bytes.Contains(data, []byte(`"$2y$`)) || bytes.Contains(data, []byte(`"$2a$`)) {
		return fmt.Errorf("%w: a bcrypt hash", ErrSecretLeak)
	}
	return nil
}
