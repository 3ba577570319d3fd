package golden_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/golden"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	v, err := golden.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func encode(t *testing.T, v any) string {
	t.Helper()
	raw, err := golden.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestNormaliser(t *testing.T) {
	t.Parallel()
	n := &golden.Normaliser{
		Vars: map[string]string{
			"run": "gabc123", "user_a": "12", "org_a": "12", "role_a": "7", "key_a": "KeyKeyKeyKeyKeyKeyKeyKeyKeyKeyKeyKeyKey1",
			"uuid_x": "6f1c2a7e-1111-4abc-8def-0123456789ab",
		},
		IDs:      map[string]int64{"user_a": 9001, "org_a": 9002, "role_a": 9003},
		Preserve: map[string]bool{"5000000": true, "2031-01-01 00:00:00": true},
	}
	in := `{"User": {"id": "12", "org_id": "12", "role_id": "7", "email": "golden-gabc123-a@example.org", "nids_sid": "5000000",
	  "authkey": "KeyKeyKeyKeyKeyKeyKeyKeyKeyKeyKeyKeyKey1", "date_created": "1796211034", "last_login": "0",
	  "expiration": "2031-01-01 00:00:00", "invited_by": "1", "orgAdmins": {"12": "x@example.org"}},
	 "Organisation": {"id": "12", "uuid": "6F1C2A7E-1111-4abc-8def-0123456789ab", "date_created": "2026-12-02 11:30:31",
	  "created_by": "12"},
	 "Role": {"id": "7", "created": "2026-12-02 11:30:31", "rate_limit_count": "0"},
	 "other": {"uuid": "6f1c2a7e-1111-4abc-8def-0123456789ab", "nids_sid": 4812345, "authkey": "Zz9Zz9Zz9Zz9Zz9Zz9Zz9Zz9Zz9Zz9Zz9Zz9Zz9Z",
	  "password": "$2y$10$abcdefghijklmnopqrstuv"}}`
	got := encode(t, n.Body(decode(t, in), "user"))
	want := `{"Organisation":{"created_by":"{user_a}","date_created":"2000-01-01 00:00:00","id":"{org_a}",` +
		`"uuid":"00000000-0000-4000-8000-000000000000"},"Role":{"created":"2000-01-01 00:00:00","id":"{role_a}",` +
		`"rate_limit_count":"0"},"User":{"authkey":"{key_a}","date_created":"1700000000","email":"golden-{run}-a@example.org",` +
		`"expiration":"2031-01-01 00:00:00","id":"{user_a}","invited_by":"1","last_login":"0","nids_sid":"5000000",` +
		`"orgAdmins":{"{user_a}":"x@example.org"},"org_id":"{org_a}","role_id":"{role_a}"},` +
		`"other":{"authkey":"{authkey}","nids_sid":1234567,"password":"{password_hash}","uuid":"{uuid_x}"}}`
	if got != want {
		t.Errorf("normalised\n got %s\nwant %s", got, want)
	}
	if got, want := n.HTML(`<form action="/admin/users/delete/12" name="x"><a href="/users/view/120">`, "user"),
		`<form action="/admin/users/delete/{user_a}" name="x"><a href="/users/view/120">`; got != want {
		t.Errorf("HTML: got %s, want %s", got, want)
	}
	// An envelope of an endpoint about roles: the id is a number, the url names the role.
	got = encode(t, n.Body(decode(t, `{"saved": true, "id": 7, "url": "/roles/delete/7"}`), "role"))
	if want := `{"id":9003,"saved":true,"url":"/roles/delete/{role_a}"}`; got != want {
		t.Errorf("envelope: got %s, want %s", got, want)
	}
}

// TestNormaliserSharingGroup: sharing group ids in id fields and URLs, membership row ids kept, the random suffix
// of a duplicate name replaced.
func TestNormaliserSharingGroup(t *testing.T) {
	t.Parallel()
	n := &golden.Normaliser{
		Vars:     map[string]string{"run": "gabc123", "sg_a": "3", "org_a": "5", "uuid_sg": "6f1c2a7e-1111-4abc-8def-0123456789ab"},
		IDs:      map[string]int64{"sg_a": 9001, "org_a": 9002},
		Preserve: map[string]bool{"golden-{run} SG": true},
	}
	in := `{"SharingGroup": {"id": "3", "name": "golden-gabc123 SG_4380", "org_id": "1", "uuid": "6f1c2a7e-1111-4abc-8def-0123456789ab",
	  "modified": "2026-12-03 06:47:13"},
	 "Organisation": {"id": "1", "name": "ORGNAME"},
	 "SharingGroupOrg": [{"id": "3", "sharing_group_id": "3", "org_id": "5", "extend": true,
	   "Organisation": {"id": "5", "name": "golden-gabc123 Org_12"}}],
	 "SharingGroupServer": [{"id": "5", "sharing_group_id": "3", "server_id": "0", "Server": {"id": "0", "name": "Local instance"}}]}`
	got := encode(t, n.Body(decode(t, in), "sg"))
	want := `{"Organisation":{"id":"1","name":"ORGNAME"},"SharingGroup":{"id":"{sg_a}","modified":"2000-01-01 00:00:00",` +
		`"name":"golden-{run} SG_1234","org_id":"1","uuid":"{uuid_sg}"},"SharingGroupOrg":[{"Organisation":{"id":"{org_a}",` +
		`"name":"golden-{run} Org_12"},"extend":true,"id":"3","org_id":"{org_a}","sharing_group_id":"{sg_a}"}],` +
		`"SharingGroupServer":[{"Server":{"id":"0","name":"Local instance"},"id":"5","server_id":"0","sharing_group_id":"{sg_a}"}]}`
	if got != want {
		t.Errorf("normalised\n got %s\nwant %s", got, want)
	}
	got = encode(t, n.Body(decode(t, `{"saved": true, "id": "3", "url": "/sharing_groups/delete/3"}`), golden.KindOf("/sharing_groups/delete/3")))
	if want := `{"id":"{sg_a}","saved":true,"url":"/sharing_groups/delete/{sg_a}"}`; got != want {
		t.Errorf("envelope: got %s, want %s", got, want)
	}
	// The organisation of addOrg's URL; the view's sync_org is an organisation.
	got = encode(t, n.Body(decode(t, `{"url": "/sharing_groups/addOrg/3/5", "sync_org": {"id": "3"}}`), "sg"))
	if want := `{"sync_org":{"id":"3"},"url":"/sharing_groups/addOrg/{sg_a}/{org_a}"}`; got != want {
		t.Errorf("addOrg: got %s, want %s", got, want)
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	ct := "application/json; charset=UTF-8"
	resp := func(status int, body string) *golden.Response {
		return &golden.Response{Status: status, ContentType: ct, Body: json.RawMessage(body)}
	}
	tests := []struct {
		name       string
		want, got  *golden.Response
		diffs      []string // substrings, one per expected difference
		valueDiffs int
	}{
		{"same", resp(200, `{"User": {"id": "1", "a": null}}`), resp(200, `{"User": {"a": null, "id": "1"}}`), nil, 0},
		{"status and media type", resp(200, `{"a": 1}`), &golden.Response{Status: 403, ContentType: "text/html", Body: json.RawMessage(`{"a": 1}`)},
			[]string{"status: MISP 200, got 403", `content type: MISP "application/json", got "text/html"`}, 0},
		{"types", resp(200, `{"User": {"a": "0", "b": [], "c": null}}`), resp(200, `{"User": {"a": false, "b": {}, "c": "x"}}`),
			[]string{"$.User.a: string in MISP", "$.User.b: array in MISP", "$.User.c: null in MISP"}, 0},
		{"keys", resp(200, `{"User": {"a": 1, "b": 2}}`), resp(200, `{"User": {"a": 1, "c": 2}}`),
			[]string{`key "b" missing`, `key "c" not in MISP's answer`}, 0},
		{"values are informational", resp(200, `{"User": {"a": true}}`), resp(200, `{"User": {"a": false}}`), nil, 1},
		{"lists pair by id", resp(200, `[{"User": {"id": "1", "x": "a"}}, {"User": {"id": "2", "x": null}}]`),
			resp(200, `[{"User": {"id": "2", "x": null}}, {"User": {"id": "1", "x": "b"}}]`), nil, 1},
		{"list length", resp(200, `[{"Role": {"id": "1"}}]`), resp(200, `[{"Role": {"id": "1"}}, {"Role": {"id": "2"}}]`),
			[]string{"1 elements in MISP, 2 here"}, 0},
		{"envelopes compare values", resp(403, `{"saved": false, "errors": {"name": ["x"]}}`), resp(403, `{"saved": false, "errors": {"name": ["y"]}}`),
			[]string{"envelope:"}, 0},
		{"text versus JSON", &golden.Response{Status: 200, ContentType: ct, Text: "<div>"}, resp(200, `{"a": 1}`), []string{"body: MISP text"}, 0},
		{"redirect", &golden.Response{Status: 302, Location: "{base_url}/users/login"}, &golden.Response{Status: 302, Location: "{base_url}/"},
			[]string{"location:"}, 0},
	}
	for _, tt := range tests {
		diffs, values := golden.Compare(tt.want, tt.got)
		if len(diffs) != len(tt.diffs) {
			t.Errorf("%s: differences %q, want %d", tt.name, diffs, len(tt.diffs))
			continue
		}
		for i, d := range tt.diffs {
			if !strings.Contains(diffs[i], d) {
				t.Errorf("%s: difference %q does not mention %q", tt.name, diffs[i], d)
			}
		}
		if len(values) != tt.valueDiffs {
			t.Errorf("%s: value differences %q, want %d", tt.name, values, tt.valueDiffs)
		}
	}
}

// TestRecordings checks the committed recordings: they load, every step has an answer, the variables a step
// uses were captured before, and nothing in them looks like a secret.
func TestRecordings(t *testing.T) {
	t.Parallel()
	files, err := golden.Load(golden.Dir)
	if err != nil {
		t.Fatal(err)
	}
	builtin := map[string]bool{golden.VarRun: true, golden.VarPassword: true, golden.VarPasswordNew: true, golden.VarBaseURL: true}
	apiKey := regexp.MustCompile(`"[a-zA-Z0-9]{40}"`)
	for _, f := range files {
		if f.MISPVersion == "" || len(f.Steps) == 0 {
			t.Errorf("%s: no version or no steps", f.Scenario)
		}
		known := map[string]bool{}
		for _, s := range f.Steps {
			if s.Response.Status == 0 {
				t.Errorf("%s/%s: no answer", f.Scenario, s.Name)
			}
			auth := s.Request.Auth
			if auth != "admin" && auth != "none" && auth != "wrong" && !known[auth] {
				t.Errorf("%s/%s: key %s used before it is captured", f.Scenario, s.Name, auth)
			}
			for _, v := range golden.Vars(s.Request.Path + string(s.Request.Body)) {
				if !builtin[v] && !known[v] && golden.VarKind(v) != "uuid" {
					t.Errorf("%s/%s: {%s} used before it is captured", f.Scenario, s.Name, v)
				}
			}
			for v := range s.Capture {
				known[v] = true
				if golden.IsIDKind(golden.VarKind(v)) && f.IDs[v] == 0 {
					t.Errorf("%s/%s: id variable %s has no number in ids", f.Scenario, s.Name, v)
				}
			}
		}
		raw, err := os.ReadFile(filepath.Join(golden.Dir, f.Scenario+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if m := apiKey.Find(raw); m != nil {
			t.Errorf("%s: holds something shaped like an API key: %s", f.Scenario, m)
		}
		if strings.Contains(string(raw), `$2y$`) {
			t.Errorf("%s: holds a bcrypt hash", f.Scenario)
		}
	}
}
