package misp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// TestErrorShapes feeds every error shape MISP produces through a client
// call and checks the resulting error.
func TestErrorShapes(t *testing.T) {
	t.Parallel()
	longHTML := "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>" +
		strings.Repeat("<p>upstream unavailable</p>", 30) + "</body></html>"
	tests := []struct {
		name       string
		reply      reply
		call       string // "add" (AddUser), "get" (GetUser), "delete" (DeleteOrganisation), "reset"
		is         []error
		isNot      []error
		status     int
		errs       map[string][]string
		apiName    string
		body       string
		contains   []string
		notContain []string
	}{
		{
			name: "map of lists",
			reply: reply{Status: 403, Body: `{"saved":false,"name":"Could not add User","message":"Could not add User",
				"url":"\/admin\/users\/add","errors":{"email":["An account with this email address already exists."],
				"password":["Password length requirement not met."]}}`},
			call: "add", status: 403, apiName: "Could not add User",
			errs: map[string][]string{
				"email":    {"An account with this email address already exists."},
				"password": {"Password length requirement not met."},
			},
			isNot: []error{misp.ErrAuthentication, misp.ErrNotFound, misp.ErrPermissionDenied},
			contains: []string{"create user: MISP answered HTTP 403: Could not add User: " +
				"email: An account with this email address already exists.; password: Password length requirement not met."},
		},
		{
			name: "map of strings",
			reply: reply{Status: 403, Body: `{"saved":false,"name":"Could not add User","message":"Could not add User",
				"url":"/admin/users/add","errors":{"role_id":"Mandatory field not set."}}`},
			call: "add", status: 403, errs: map[string][]string{"role_id": {"Mandatory field not set."}},
			contains: []string{"role_id: Mandatory field not set."},
		},
		{
			name: "list",
			reply: reply{Status: 403, Body: `{"saved":false,"name":"Could not add User","message":"Could not add User",
				"url":"/admin/users/add","errors":["Invalid organisation"]}`},
			call: "add", status: 403, errs: map[string][]string{"": {"Invalid organisation"}},
			contains: []string{"Could not add User: Invalid organisation"},
		},
		{
			name: "string",
			reply: reply{Status: 403, Body: `{"saved":false,"name":"Could not delete Role","message":"Could not delete Role",
				"url":"/roles/delete/9","errors":"It is not possible to delete role that is assigned to users.","id":9}`},
			call: "delete", status: 403, errs: map[string][]string{"": {"It is not possible to delete role that is assigned to users."}},
			contains: []string{"delete organisation 7: MISP answered HTTP 403: Could not delete Role: It is not possible"},
		},
		{
			name: "empty list",
			reply: reply{Status: 403, Body: `{"saved":false,"name":"Could not delete Organisation","message":"Could not delete Organisation",
				"url":"/admin/organisations/delete/7","errors":[],"id":"7"}`},
			call: "delete", status: 403, apiName: "Could not delete Organisation",
			contains: []string{"delete organisation 7: MISP answered HTTP 403: Could not delete Organisation"},
		},
		{
			name:   "nested map",
			reply:  reply{Status: 403, Body: `{"name":"Could not edit User","message":"Could not edit User","errors":{"User":{"email":["bad"]},"n":[1,true]}}`},
			call:   "add",
			status: 403, errs: map[string][]string{"User.email": {"bad"}, "n": {"1", "1"}},
		},
		{
			name:   "HTML body",
			reply:  reply{Status: 502, Body: longHTML, ContentType: "text/html"},
			call:   "add",
			status: 502, body: longHTML[:200],
			contains: []string{`MISP answered HTTP 502 with a non-JSON body: "<!DOCTYPE html><html><head><title>502 Bad Gateway`},
		},
		{
			name:     "truncated JSON error",
			reply:    reply{Status: 500, Body: `{"name":"An Internal Error Has Occ`},
			call:     "get",
			status:   500,
			body:     `{"name":"An Internal Error Has Occ`,
			contains: []string{`non-JSON body: "{\"name\":\"An Internal Error Has Occ"`},
		},
		{
			name:   "JSON list body",
			reply:  reply{Status: 400, Body: `["bad request"]`},
			call:   "get",
			status: 400, errs: map[string][]string{"": {"bad request"}},
		},
		{
			name:     "empty error body",
			reply:    reply{Status: 502, Body: ""},
			call:     "add",
			status:   502,
			contains: []string{"MISP answered HTTP 502 without an explanation"},
		},
		{
			name:     "redirect to login",
			reply:    reply{Status: 302, Header: map[string]string{"Location": "https://misp.example/users/login"}, Body: "<html>login</html>"},
			call:     "get",
			is:       []error{misp.ErrLoginRedirect},
			isNot:    []error{misp.ErrNotFound, misp.ErrAuthentication},
			contains: []string{"login page", "Accept: application/json", "maintenance mode", "single-sign-on"},
		},
		{
			name:     "other redirect",
			reply:    reply{Status: 301, Header: map[string]string{"Location": "https://misp.example/admin/users/view/6"}},
			call:     "get",
			isNot:    []error{misp.ErrLoginRedirect},
			contains: []string{"HTTP 301", "does not follow", "https://misp.example/admin/users/view/6"},
		},
		{
			name: "authentication failed",
			reply: reply{Status: 403, Body: `{"name":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.",
				"message":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","url":"\/servers\/getVersion"}`},
			call: "get", status: 403,
			is:       []error{misp.ErrAuthentication},
			isNot:    []error{misp.ErrPermissionDenied, misp.ErrNotFound},
			contains: []string{"MISP rejected the API key", "correct", "perm_auth"},
		},
		{
			name: "authentication failed, disabled",
			reply: reply{Status: 403, Body: `{"name":"Authentication failed. Your user account has been disabled.",
				"message":"Authentication failed. Your user account has been disabled.","url":"/users/view/me"}`},
			call: "get", status: 403,
			is:       []error{misp.ErrAuthentication},
			contains: []string{"disabled"},
		},
		{
			name: "permission denied",
			reply: reply{Status: 403, Body: `{"name":"You do not have permission to use this functionality.",
				"message":"You do not have permission to use this functionality.","url":"/admin/users/add"}`},
			call: "add", status: 403,
			is:    []error{misp.ErrPermissionDenied},
			isNot: []error{misp.ErrAuthentication},
		},
		{
			name:   "not found",
			reply:  reply{Status: 404, Body: `{"name":"Invalid user","message":"Invalid user","url":"\/admin\/users\/view\/6"}`},
			call:   "get",
			status: 404, apiName: "Invalid user",
			is:       []error{misp.ErrNotFound},
			contains: []string{"read user 6: MISP answered HTTP 404: Invalid user"},
		},
		{
			name:   "invalid role",
			reply:  reply{Status: 405, Body: `{"name":"Invalid role","message":"Invalid role","url":"\/admin\/users\/add"}`},
			call:   "add",
			status: 405, apiName: "Invalid role",
			isNot:    []error{misp.ErrNotFound},
			contains: []string{"create user: MISP answered HTTP 405: Invalid role"},
		},
		{
			name:     "internal error",
			reply:    reply{Status: 500, Body: `{"name":"An Internal Error Has Occurred.","message":"An Internal Error Has Occurred.","url":"/admin/users/add"}`},
			call:     "add",
			status:   500,
			contains: []string{"HTTP 500: An Internal Error Has Occurred.", "error log"},
		},
		{
			name:   "escaped message",
			reply:  reply{Status: 404, Body: `{"name":"Invalid organisation &#039;x&#039;.","message":"","url":"/x"}`},
			call:   "get",
			status: 404, apiName: "Invalid organisation 'x'.",
			contains: []string{"Invalid organisation 'x'."},
		},
		{
			name:   "200 HTML",
			reply:  reply{Status: 200, Body: "<html><body>Please log in</body></html>", ContentType: "text/html"},
			call:   "get",
			status: 200, body: "<html><body>Please log in</body></html>",
			contains: []string{`HTTP 200 with a non-JSON body: "<html><body>Please log in</body></html>"`},
		},
		{
			name:       "200 truncated JSON with a new key",
			reply:      reply{Status: 200, Body: `{"User":{"id":"6","authkey":"Zy9xWv8uTs7rQp6oNm5lKj4iHg3fEd2cBa1ZyXwV","email":"a@`},
			call:       "add",
			contains:   []string{"create user: decode MISP answer"},
			notContain: []string{"Zy9xWv8uTs7rQp6oNm5lKj4iHg3fEd2cBa1ZyXwV"},
		},
		{
			name: "describe instead of add",
			reply: reply{Status: 200, Body: `{"name":"\/admin\/users\/add API description","description":"POST a User object",
				"mandatory_fields":["email","org_id","role_id"],"optional_fields":["password"],"url":"\/admin\/users\/add"}`},
			call:     "add",
			contains: []string{"API description", "wrong HTTP method", "restricted domains"},
		},
		{
			name:     "200 without the record",
			reply:    reply{Status: 200, Body: `{"Role":{"id":"1"}}`},
			call:     "add",
			contains: []string{"holds no User record"},
		},
		{
			name:   "200 with a failure envelope",
			reply:  reply{Status: 200, Body: `{"saved":false,"name":"Could not add User","errors":{"email":["x"]}}`},
			call:   "add",
			status: 200, errs: map[string][]string{"email": {"x"}},
			contains: []string{"MISP answered HTTP 200: Could not add User: email: x"},
		},
		{
			name:   "password reset not saved",
			reply:  reply{Status: 200, ContentType: "text/html", Body: `{"saved":false,"errors":"There was an error notifying the user. His/her credentials were not altered."}`},
			call:   "reset",
			status: 200, errs: map[string][]string{"": {"There was an error notifying the user. His/her credentials were not altered."}},
			contains: []string{"reset password of user 6: MISP answered HTTP 200: There was an error notifying the user."},
		},
		{
			name:   "password reset HTML form",
			reply:  reply{Status: 200, ContentType: "text/html", Body: `<form action="/users/initiatePasswordReset/6">`},
			call:   "reset",
			status: 200, body: `<form action="/users/initiatePasswordReset/6">`,
		},
		{
			name:     "action answer truncated",
			reply:    reply{Status: 200, Body: `{"saved":tr`},
			call:     "delete",
			contains: []string{"delete organisation 7: decode MISP answer (11 bytes)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFakeServer(t, tc.reply)
			c := newClient(t, srv.URL, func(cfg *misp.Config) { cfg.MaxRetries = 1 })
			err := callFor(t.Context(), c, tc.call)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, target := range tc.is {
				if !errors.Is(err, target) {
					t.Errorf("error %q is not %v", msg, target)
				}
			}
			for _, target := range tc.isNot {
				if errors.Is(err, target) {
					t.Errorf("error %q is %v", msg, target)
				}
			}
			var apiErr *misp.APIError
			if tc.status != 0 {
				if !errors.As(err, &apiErr) {
					t.Fatalf("error %q (%T) is not an *APIError", msg, err)
				}
				if apiErr.StatusCode != tc.status {
					t.Errorf("status = %d, want %d", apiErr.StatusCode, tc.status)
				}
				if len(apiErr.Errors) != 0 || len(tc.errs) != 0 {
					if !reflect.DeepEqual(apiErr.Errors, tc.errs) {
						t.Errorf("errors = %#v, want %#v", apiErr.Errors, tc.errs)
					}
				}
				if tc.apiName != "" && apiErr.Name != tc.apiName {
					t.Errorf("name = %q, want %q", apiErr.Name, tc.apiName)
				}
				if apiErr.Body != tc.body {
					t.Errorf("body = %q, want %q", apiErr.Body, tc.body)
				}
				if n := utf8.RuneCountInString(apiErr.Body); n > 200 {
					t.Errorf("body quote has %d characters", n)
				}
			}
			for _, s := range tc.contains {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q does not contain %q", msg, s)
				}
			}
			for _, s := range append(tc.notContain, testKey) {
				if strings.Contains(msg, s) {
					t.Errorf("error %q contains %q", msg, s)
				}
			}
		})
	}
}

func callFor(ctx context.Context, c *misp.Client, call string) error {
	var err error
	switch call {
	case "add":
		_, err = c.AddUser(ctx, misp.UserInput{Email: ptr("a@example.org")})
	case "get":
		_, err = c.GetUser(ctx, "6")
	case "delete":
		err = c.DeleteOrganisation(ctx, "7")
	case "reset":
		err = c.InitiatePasswordReset(ctx, "6", false)
	default:
		err = fmt.Errorf("unknown call %q", call)
	}
	return err
}

// TestAuthenticationErrorUnwraps checks that the authentication error still
// exposes MISP's envelope.
func TestAuthenticationErrorUnwraps(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, reply{Status: 403, Body: `{"name":"Authentication failed.","message":"Authentication failed.","url":"/servers/getVersion"}`})
	c := newClient(t, srv.URL)
	_, err := c.GetVersion(t.Context())
	var authErr *misp.AuthenticationError
	if !errors.As(err, &authErr) || authErr.Disabled {
		t.Fatalf("error %v: %+v", err, authErr)
	}
	var apiErr *misp.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || apiErr.URL != "/servers/getVersion" {
		t.Fatalf("error %v: APIError %+v", err, apiErr)
	}
	if !strings.HasPrefix(err.Error(), "read MISP version: MISP rejected the API key") {
		t.Errorf("error = %q", err)
	}
}

// TestNoSecretInErrors makes MISP echo the API key, the password and the external authentication key (as
// sent and as MISP stores it, trimmed) back and checks that none reaches an error string or a log event.
func TestNoSecretInErrors(t *testing.T) {
	t.Parallel()
	const password = "Sup3r-Secret-Passw0rd!"
	const extKey = "ext-auth-S3cret"
	echo := fmt.Sprintf(`{"saved":false,"name":"Could not add User %[1]s","message":"key %[1]s","url":"/admin/users/add?k=%[1]s",
		"errors":{"password %[2]s":["%[2]s is weak"],"authkey":"%[1]s","external_auth_key":["%[3]s taken"]}}`, testKey, password, extKey)
	srv := newFakeServer(t,
		reply{Status: 403, Body: echo},
		reply{Status: 500, ContentType: "text/html", Body: "<pre>Authorization: " + testKey + " password=" + password +
			" external_auth_key=" + extKey + "</pre>"},
		reply{Status: 302, Header: map[string]string{"Location": "/users/login?key=" + testKey}},
	)
	var events []string
	c := newClient(t, srv.URL, func(cfg *misp.Config) {
		cfg.MaxRetries = 1
		cfg.Logger = func(_ context.Context, ev misp.RequestEvent) { events = append(events, fmt.Sprintf("%+v", ev)) }
	})
	in := misp.UserInput{Email: ptr("a@example.org"), Password: ptr(password), ExternalAuthKey: ptr(" " + extKey + "\n")}
	leaks := func(text string) bool {
		return strings.Contains(text, testKey) || strings.Contains(text, password) || strings.Contains(text, extKey)
	}
	for i := range 3 {
		_, err := c.EditUser(t.Context(), "6", in)
		if err == nil {
			t.Fatalf("call %d: no error", i)
		}
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if leaks(text) {
				t.Errorf("call %d: error text leaks a secret: %s", i, text)
			}
		}
		var apiErr *misp.APIError
		if errors.As(err, &apiErr) {
			if fmt.Sprint(apiErr.Errors, apiErr.Body, apiErr.Name, apiErr.Message, apiErr.URL) == "" {
				t.Errorf("call %d: empty APIError", i)
			}
			for k, v := range apiErr.Errors {
				if leaks(k + strings.Join(v, "")) {
					t.Errorf("call %d: errors leak a secret", i)
				}
			}
		}
	}
	for _, ev := range events {
		if leaks(ev) {
			t.Errorf("log event leaks a secret: %s", ev)
		}
	}
	if len(events) != 3 {
		t.Errorf("%d log events, want 3", len(events))
	}
}

// TestUnexpectedAnswers covers 2xx answers that are JSON but not what the
// endpoint should return.
func TestUnexpectedAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		call func(ctx context.Context, c *misp.Client) error
		want string
	}{
		{"version missing", `{"name":"something else"}`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.GetVersion(ctx)
			return err
		}, "read MISP version: the answer holds no version; check that the URL points at MISP"},
		{"version wrong type", `{"version":{}}`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.GetVersion(ctx)
			return err
		}, "read MISP version: decode answer"},
		{"view without user", `{"Role":{"id":"1"}}`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.ViewMe(ctx)
			return err
		}, "read own user: MISP answer holds no User record"},
		{"view is a list", `[]`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.GetUser(ctx, "1")
			return err
		}, "read user 1: decode MISP answer"},
		{"view with bad field", `{"User":{"id":{}}}`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.GetUser(ctx, "1")
			return err
		}, "read user 1: decode MISP user view"},
		{"users index is an object", `{"User":{}}`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.ListUsers(ctx, misp.UserFilter{})
			return err
		}, "list users: decode answer"},
		{"organisation list item without record", `[{"Org":{}}]`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.ListOrganisations(ctx, "", "")
			return err
		}, "list organisations: MISP list item 0 holds no Organisation record"},
		{"role list item bad", `[{"Role":{"id":[]}}]`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.ListRoles(ctx, "")
			return err
		}, "list roles: decode MISP Role 0"},
		{"role list is an object", `{"Role":{}}`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.ListRoles(ctx, "")
			return err
		}, "list roles: decode MISP list"},
		{"role record bad", `{"Role":{"id":[]}}`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.GetRole(ctx, "1")
			return err
		}, "read role 1: decode MISP Role"},
		{"role record null", `{"Role":null}`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.EditRole(ctx, "1", misp.RoleInput{Permission: ptr(int64(0))})
			return err
		}, "update role 1: MISP answer holds no Role record"},
		{"organisation edit error envelope", `{"saved":false,"errors":{"name":["Name cannot be empty."]}}`, func(ctx context.Context, c *misp.Client) error {
			_, err := c.EditOrganisation(ctx, "7", misp.OrganisationInput{Name: ptr("")})
			return err
		}, "update organisation 7: MISP answered HTTP 200: name: Name cannot be empty."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFakeServer(t, reply{Body: tc.body})
			c := newClient(t, srv.URL)
			err := tc.call(t.Context(), c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
