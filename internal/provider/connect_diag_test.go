package provider

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestConfigure_connectionDiagnostics: each way a first connection goes wrong gets one diagnostic that says what
// happened and what to do, without misleading advice, repeated text or a server's page.
func TestConfigure_connectionDiagnostics(t *testing.T) {
	clearProviderEnv(t)
	const page = `<html><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>`
	serve := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	_, plain := startFake(t, testAdminKey)
	cases := []struct {
		name, url string
		want      []string
		not       []string
		requests  int // MISP API request log lines, 0 for not checked
	}{
		{
			name: "login page",
			url: serve(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/users/login", http.StatusFound)
			}),
			want: []string{"MISP answered with its login page", "HTTP 302 redirect to /users/login", "Usual causes"},
		},
		{
			name: "other redirect",
			url: serve(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/users/routeafterlogin", http.StatusFound)
			}),
			want: []string{"MISP's API is not at this URL", `redirect to "/users/routeafterlogin"`, "MISP's base URL"},
		},
		{
			name: "https to plain HTTP",
			url:  "https://" + strings.TrimPrefix(plain.URL, "http://"),
			want: []string{"MISP speaks plain HTTP, not HTTPS", `url = "` + plain.URL + `"`},
			not:  []string{"ca_cert", "insecure", "certificate signed"},
			// One attempt: a plain-HTTP port does not start speaking TLS.
			requests: 1,
		},
		{
			name: "HTML 404",
			url: serve(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(page))
			}),
			want: []string{"MISP's API is not at this URL", "answered HTTP 404", "not JSON", "MISP's base URL", "/users/login"},
			not:  []string{"<html>", "&lt;", "requested URL"},
		},
		{
			name: "JSON 404",
			url: serve(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(`{"name":"Not Found","message":"Not Found","url":"` + r.URL.Path + `"}`))
			}),
			want: []string{"MISP's API is not at this URL", `with "Not Found"`, "MISP's base URL"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, logs := configureDirect(t, map[string]tftypes.Value{
				"url":     tftypes.NewValue(tftypes.String, c.url),
				"api_key": tftypes.NewValue(tftypes.String, testAdminKey),
			})
			text := diagText(resp)
			if n := len(resp.Diagnostics.Errors()); n != 1 {
				t.Fatalf("%d errors, want 1:\n%s", n, text)
			}
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("diagnostic lacks %q:\n%s", w, text)
				}
			}
			for _, n := range c.not {
				if strings.Contains(text, n) {
					t.Errorf("diagnostic holds %q:\n%s", n, text)
				}
			}
			// Each cause list and each piece of advice appears once.
			for _, once := range []string{"sual causes", "MISP's base URL"} {
				if n := strings.Count(text, once); n > 1 {
					t.Errorf("%q appears %d times:\n%s", once, n, text)
				}
			}
			if c.requests > 0 {
				if n := strings.Count(logs, "MISP API request"); n != c.requests {
					t.Errorf("%d requests, want %d", n, c.requests)
				}
			}
		})
	}
}

// TestConfigure_unknownHostNotRetried: a DNS "no such host" answer is final: one attempt with the default
// max_retries, not four (about 6 s of backoff).
func TestConfigure_unknownHostNotRetried(t *testing.T) {
	clearProviderEnv(t)
	requireNXDOMAIN(t, "misp.invalid")
	resp, logs := configureDirect(t, map[string]tftypes.Value{
		"url":     tftypes.NewValue(tftypes.String, "https://misp.invalid"),
		"api_key": tftypes.NewValue(tftypes.String, testAdminKey),
	})
	text := diagText(resp)
	if !strings.Contains(text, "MISP host name not found") || !strings.Contains(text, `"misp.invalid"`) {
		t.Fatalf("got:\n%s", text)
	}
	if n := strings.Count(logs, "MISP API request"); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

// TestShownURL: a password in a configured URL never reaches a diagnostic, whatever the URL's shape.
func TestShownURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://misp.example.org":            "https://misp.example.org",
		"127.0.0.1:8080":                      "127.0.0.1:8080",
		"https://bob:s3cret@misp.example.org": "https://bob:xxxxx@misp.example.org",
		"bob:s3cret@misp.example.org:8443/x":  "bob:xxxxx@misp.example.org:8443/x",
		"bob@misp.example.org":                "bob@misp.example.org",
		"https://misp.example.org/a@b":        "https://misp.example.org/a@b",
		"http://b:p@ss@host/x":                "http://b:xxxxx@host/x",
	} {
		if got := shownURL(in); got != want {
			t.Errorf("shownURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLoadProfile_unreadable: a configuration file that exists but cannot be read is named as such, with the
// reason. The directory case goes through the file system; permission denied (which root, running the tests
// here, never meets) through the error Go returns for it.
func TestLoadProfile_unreadable(t *testing.T) {
	dir := t.TempDir()
	var diags diag.Diagnostics
	if loadProfile(dir, "", false, false, &diags) != nil || len(diags) != 1 {
		t.Fatalf("a directory loaded as a profile file: %v", diags)
	}
	if d := diags[0]; d.Summary() != "MISP configuration file cannot be read" ||
		!strings.Contains(d.Detail(), "cannot be read: is a directory") || strings.Contains(d.Detail(), "INI") {
		t.Errorf("directory: %s: %s", d.Summary(), d.Detail())
	}
	denied := &fs.PathError{Op: "open", Path: "/etc/misp.ini", Err: syscall.EACCES}
	summary, detail := configFileReadError("/etc/misp.ini", denied, "")
	if summary != "MISP configuration file cannot be read" ||
		detail != `The configuration file "/etc/misp.ini" cannot be read: permission denied. Make it a file that the user `+
			`running Terraform can read, or point config_file (or MISP_CONFIG_FILE) at another one.` {
		t.Errorf("permission denied: %s: %s", summary, detail)
	}
	if summary, _ := configFileReadError("/x.ini", fs.ErrNotExist, ""); summary != "MISP configuration file not found" {
		t.Errorf("missing file: %s", summary)
	}
}
