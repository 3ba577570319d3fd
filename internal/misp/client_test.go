package misp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

const testKey = "Ab3dEfGh1jKlMn0pQrStUvWxYz0123456789abcd"

// seen is one request as the test server received it.
type seen struct {
	Method, URI string
	Header      http.Header
	Body        string
}

// reply is a canned answer.
type reply struct {
	Status      int
	Body        string
	ContentType string
	Header      map[string]string
}

// fakeServer answers with the queued replies (the last one repeats) and
// records every request.
type fakeServer struct {
	*httptest.Server
	mu      sync.Mutex
	replies []reply
	reqs    []seen
}

func newFakeServer(t *testing.T, replies ...reply) *fakeServer {
	t.Helper()
	f := &fakeServer{replies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, seen{Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone(), Body: string(body)})
	rep := reply{Status: http.StatusOK, Body: "{}"}
	if len(f.replies) > 0 {
		rep = f.replies[0]
		if len(f.replies) > 1 {
			f.replies = f.replies[1:]
		}
	}
	f.mu.Unlock()
	ct := rep.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, rep.Body)
}

func (f *fakeServer) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

func newClient(t *testing.T, url string, mods ...func(*misp.Config)) *misp.Client {
	t.Helper()
	cfg := misp.Config{
		URL:          url,
		APIKey:       testKey,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 4 * time.Millisecond,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := misp.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// as asserts the dynamic type of a method's result.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	x, ok := v.(T)
	if !ok {
		t.Fatalf("result is %T", v)
	}
	return x
}

// jsonEqual compares two JSON documents semantically.
func jsonEqual(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("request body is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want JSON: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("request body = %s, want %s", got, want)
	}
}

const userJSON = `{"id":"6","password":"******","org_id":"2","server_id":"0","email":"a@example.org","autoalert":false,
 "authkey":"Zy9xWv8uTs7rQp6oNm5lKj4iHg3fEd2cBa1ZyXwV","invited_by":"1","gpgkey":"","certif_public":"","nids_sid":"4829123",
 "termsaccepted":false,"newsread":"0","role_id":"3","change_pw":true,"contactalert":false,
 "disabled":false,"expiration":null,"current_login":"0","last_login":"0","force_logout":false,
 "date_created":"1729500000","date_modified":"1729500001","sub":null,"external_auth_required":false,
 "external_auth_key":"","last_api_access":"0","notification_daily":false,"notification_weekly":true,
 "notification_monthly":false,"totp":null,"hotp_counter":null,"last_pw_change":"1729500000","totp_is_set":false}`

const viewJSON = `{"User":{"id":"6","password":"*****","org_id":"2","email":"a@example.org","autoalert":false,
 "authkey":"Redacted","invited_by":"1","gpgkey":"","certif_public":"","nids_sid":"4829123",
 "termsaccepted":false,"newsread":"0","role_id":"3","change_pw":true,"contactalert":false,
 "disabled":false,"expiration":null,"current_login":"0","last_login":"0","force_logout":false,
 "date_created":null,"date_modified":"1729500000","sub":null,"external_auth_required":false,
 "external_auth_key":"","last_api_access":"0","notification_daily":false,"notification_weekly":false,
 "notification_monthly":false,"totp":"*****","hotp_counter":null,"last_pw_change":"1729500000",
 "totp_is_set":"0","orgAdmins":[]},
 "Role":{"id":"3","name":"User","perm_add":true,"perm_modify":true,"perm_modify_org":true,"perm_publish":false,
 "perm_auth":true,"memory_limit":null,"max_execution_time":null,"rate_limit_count":"0","permission":"2",
 "permission_description":"manage_org"},
 "UserSetting":[],
 "Organisation":{"id":"2","name":"Acme","date_created":"2024-10-21 10:00:00","local":true,"restricted_to_domain":[],
 "landingpage":null,"uuid":"5f6e7d8c-1234-4abc-8def-0123456789ab"}}`

const orgJSON = `{"id":"7","name":"Acme CERT","date_created":"2024-10-21 10:00:00","date_modified":"2024-10-21 10:05:00",
 "description":null,"type":"CSIRT","nationality":"","sector":"Finance","created_by":"1",
 "uuid":"5f6e7d8c-1234-4abc-8def-0123456789ab","contacts":"soc@acme.example","local":true,
 "restricted_to_domain":["acme.example"],"landingpage":null,"user_count":"2","created_by_email":"admin@admin.test"}`

const roleJSON = `{"id":"9","name":"Analyst","created":"2024-10-21 10:00:00","modified":"2024-10-21 10:00:00",
 "perm_add":true,"perm_modify":true,"perm_modify_org":false,"perm_publish":false,"perm_delegate":false,
 "perm_sync":false,"perm_admin":false,"perm_audit":false,"perm_auth":true,"perm_site_admin":false,
 "perm_regexp_access":false,"perm_tagger":true,"perm_template":false,"perm_sharing_group":false,
 "perm_tag_editor":false,"perm_sighting":true,"perm_object_template":false,"default_role":false,
 "memory_limit":"2G","max_execution_time":"300","restricted_to_site_admin":false,"perm_publish_zmq":false,
 "perm_publish_kafka":false,"perm_decaying":false,"enforce_rate_limit":false,"rate_limit_count":"0",
 "perm_galaxy_editor":false,"perm_warninglist":false,"perm_view_feed_correlations":false,
 "perm_analyst_data":false,"perm_skip_otp":false,"permission":"1","permission_description":"manage_own",
 "perm_server_sign":true}`

// TestMethods checks, for every client method, the HTTP method, path and
// body it sends and how it decodes MISP's answer.
func TestMethods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		call     func(ctx context.Context, c *misp.Client) (any, error)
		reply    reply
		method   string
		uri      string
		body     string // JSON; "" means no body
		check    func(t *testing.T, got any)
		fullPath bool
	}{
		{
			name:   "GetVersion",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return c.GetVersion(ctx) },
			reply:  reply{Body: `{"version":"2.5.1","pymisp_recommended_version":"2.5.1","perm_sync":false,"perm_sighting":true,"perm_galaxy_editor":true,"perm_analyst_data":true,"uuid":"-","request_encoding":["gzip"],"filter_sightings":true}`},
			method: http.MethodGet, uri: "/servers/getVersion",
			check: func(t *testing.T, got any) {
				v := as[*misp.Version](t, got)
				want := misp.Version{
					Version: "2.5.1", PyMISPRecommendedVersion: "2.5.1", PermSighting: true, PermGalaxyEditor: true,
					PermAnalystData: true, UUID: "-", RequestEncoding: misp.StringList{"gzip"}, FilterSightings: true,
				}
				if !reflect.DeepEqual(*v, want) {
					t.Errorf("version = %+v, want %+v", *v, want)
				}
			},
		},
		{
			name:   "ViewMe",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return c.ViewMe(ctx) },
			reply:  reply{Body: viewJSON},
			method: http.MethodGet, uri: "/users/view/me",
			check: func(t *testing.T, got any) {
				v := as[*misp.UserView](t, got)
				if v.User.ID != "6" || v.Role.Name != "User" || v.Role.Permission != misp.Int64(misp.PermissionManageOrg) ||
					v.Organisation.Name != "Acme" {
					t.Errorf("view = %+v", v)
				}
			},
		},
		{
			name:   "ListUsers/no filter",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return c.ListUsers(ctx, misp.UserFilter{}) },
			reply:  reply{Body: `[{"User":{"id":"1","email":"admin@admin.test","org_id":"1","role_id":"1","disabled":false,"authkey":"Redacted"},"Role":{"id":"1","name":"admin","perm_auth":true,"perm_site_admin":true,"perm_admin":true},"Organisation":{"id":"1","name":"ORGNAME"}},{"User":{"id":"2","email":"b@x.org"},"Role":{"id":"3","name":"User"},"Organisation":{"id":"1","name":"ORGNAME"}}]`},
			method: http.MethodGet, uri: "/admin/users/index",
			check: func(t *testing.T, got any) {
				us := as[[]misp.UserIndexEntry](t, got)
				if len(us) != 2 || us[0].User.Email != "admin@admin.test" || !bool(us[0].Role.PermSiteAdmin) ||
					us[0].Organisation.Name != "ORGNAME" || us[1].User.ID != "2" {
					t.Errorf("users = %+v", us)
				}
			},
		},
		{
			name: "ListUsers/all filters",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return c.ListUsers(ctx, misp.UserFilter{
					Email: "a+b@x.org|!@foo", Org: "!3", Role: "2", All: "acme cert/x",
					Disabled: ptr(false), Autoalert: ptr(true), ContactAlert: ptr(false), TermsAccepted: ptr(true),
					Inactive: true,
				})
			},
			reply:  reply{Body: `[]`},
			method: http.MethodGet,
			uri: "/admin/users/index/searchemail:a%2Bb%40x.org%7C%21%40foo/searchorg:%213/searchrole:2" +
				"/searchall:acme%20cert%2Fx/searchdisabled:0/searchautoalert:1/searchcontactalert:0" +
				"/searchtermsaccepted:1/searchinactive:1",
			check: func(t *testing.T, got any) {
				if us := as[[]misp.UserIndexEntry](t, got); us == nil || len(us) != 0 {
					t.Errorf("users = %#v, want empty", us)
				}
			},
		},
		{
			name:   "GetUser",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return c.GetUser(ctx, "6") },
			reply:  reply{Body: viewJSON},
			method: http.MethodGet, uri: "/admin/users/view/6",
			check: func(t *testing.T, got any) {
				v := as[*misp.UserView](t, got)
				u := v.User
				if u.ID != "6" || u.OrgID != "2" || u.Email != "a@example.org" || !bool(u.ChangePw) || u.NidsSid != 4829123 ||
					u.DateCreated != 0 || u.DateModified != 1729500000 || bool(u.TOTPIsSet) || u.Password != "*****" ||
					u.OrgAdmins == nil || len(u.OrgAdmins) != 0 {
					t.Errorf("user = %+v", u)
				}
				if v.UserSetting == nil || len(v.UserSetting) != 0 {
					t.Errorf("settings = %#v, want empty", v.UserSetting)
				}
				if v.Role.ID != "3" || !bool(v.Role.PermAuth) || v.Role.MemoryLimit != "" || v.Role.PermissionDescription != "manage_org" {
					t.Errorf("role = %+v", v.Role)
				}
				if v.Organisation.RestrictedToDomain == nil || len(v.Organisation.RestrictedToDomain) != 0 || !bool(v.Organisation.Local) {
					t.Errorf("organisation = %+v", v.Organisation)
				}
			},
		},
		{
			name: "AddUser",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return c.AddUser(ctx, misp.UserInput{
					Email: ptr("a@example.org"), OrgID: ptr("2"), RoleID: ptr("3"), Password: ptr("Corr3ct-Horse-Battery"),
					ChangePw: ptr(false), Disabled: ptr(false), Autoalert: ptr(true), ContactAlert: ptr(false),
					TermsAccepted: ptr(true), GPGKey: ptr(""), CertifPublic: ptr(""), NidsSid: ptr(int64(4000001)),
					ExternalAuthRequired: ptr(false), ExternalAuthKey: ptr("ext"), Notify: ptr(false),
				})
			},
			reply:  reply{Body: `{"User":` + userJSON + `}`},
			method: http.MethodPost, uri: "/admin/users/add",
			body: `{"email":"a@example.org","org_id":"2","role_id":"3","password":"Corr3ct-Horse-Battery","change_pw":false,
				"disabled":false,"autoalert":true,"contactalert":false,"termsaccepted":true,"gpgkey":"","certif_public":"",
				"nids_sid":4000001,"external_auth_required":false,"external_auth_key":"ext","notify":false}`,
			check: func(t *testing.T, got any) {
				u := as[*misp.User](t, got)
				if u.ID != "6" || u.Authkey != "Zy9xWv8uTs7rQp6oNm5lKj4iHg3fEd2cBa1ZyXwV" || u.ServerID != "0" ||
					!bool(u.NotificationWeekly) || u.LastPwChange != 1729500000 || u.Expiration != "" || u.TOTP != "" {
					t.Errorf("user = %+v", u)
				}
			},
		},
		{
			name: "EditUser",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return c.EditUser(ctx, "6", misp.UserInput{
					Disabled: ptr(true), NotificationDaily: ptr(true), NotificationWeekly: ptr(false),
					NotificationMonthly: ptr(true), ForceLogout: ptr(true),
				})
			},
			reply:  reply{Body: `{"User":` + userJSON + `}`},
			method: http.MethodPost, uri: "/admin/users/edit/6",
			body:  `{"disabled":true,"notification_daily":true,"notification_weekly":false,"notification_monthly":true,"force_logout":true}`,
			check: func(t *testing.T, got any) { _ = as[*misp.User](t, got) },
		},
		{
			name:   "DeleteUser",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return nil, c.DeleteUser(ctx, "6") },
			reply:  reply{Body: `{"saved":true,"success":true,"name":"User deleted.","message":"User deleted.","url":"/admin/users/delete/6","id":"6"}`},
			method: http.MethodPost, uri: "/admin/users/delete/6",
		},
		{
			name: "InitiatePasswordReset",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return nil, c.InitiatePasswordReset(ctx, "6", false)
			},
			reply:  reply{Body: `{"saved":true,"success":"New credentials sent."}`, ContentType: "text/html; charset=UTF-8"},
			method: http.MethodPost, uri: "/users/initiatePasswordReset/6",
		},
		{
			name: "InitiatePasswordReset/first time",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return nil, c.InitiatePasswordReset(ctx, "6", true)
			},
			reply:  reply{Body: `{"saved":true,"success":"New credentials sent."}`, ContentType: "text/html"},
			method: http.MethodPost, uri: "/users/initiatePasswordReset/6/1",
		},
		{
			name:   "DeleteUserTOTP",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return nil, c.DeleteUserTOTP(ctx, "6") },
			reply:  reply{Body: `{"saved":true,"success":true,"name":"User TOTP deleted.","message":"User TOTP deleted.","url":"/users/totp_delete/6","id":"6"}`},
			method: http.MethodPost, uri: "/users/totp_delete/6",
		},
		{
			name:   "ListOrganisations/default",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return c.ListOrganisations(ctx, "", "") },
			reply:  reply{Body: `[{"Organisation":` + orgJSON + `}]`},
			method: http.MethodGet, uri: "/organisations/index",
			check: func(t *testing.T, got any) {
				orgs := as[[]misp.Organisation](t, got)
				if len(orgs) != 1 || orgs[0].ID != "7" || orgs[0].UserCount != 2 {
					t.Errorf("organisations = %+v", orgs)
				}
			},
		},
		{
			name: "ListOrganisations/scope and search",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return c.ListOrganisations(ctx, "all", "acme cert")
			},
			reply:  reply{Body: `[]`},
			method: http.MethodGet, uri: "/organisations/index/scope:all/searchall:acme%20cert",
		},
		{
			name:   "GetOrganisation/id",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return c.GetOrganisation(ctx, "7") },
			reply:  reply{Body: `{"Organisation":` + orgJSON + `}`},
			method: http.MethodGet, uri: "/organisations/view/7",
			check: func(t *testing.T, got any) {
				o := as[*misp.Organisation](t, got)
				want := misp.Organisation{
					ID: "7", Name: "Acme CERT", DateCreated: "2024-10-21 10:00:00", DateModified: "2024-10-21 10:05:00",
					Type: "CSIRT", Sector: "Finance", CreatedBy: "1", UUID: "5f6e7d8c-1234-4abc-8def-0123456789ab",
					Contacts: "soc@acme.example", Local: true, RestrictedToDomain: misp.StringList{"acme.example"},
					UserCount: 2, CreatedByEmail: "admin@admin.test",
				}
				if !reflect.DeepEqual(*o, want) {
					t.Errorf("organisation = %+v, want %+v", *o, want)
				}
			},
		},
		{
			name: "GetOrganisation/uuid",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return c.GetOrganisation(ctx, "5F6E7D8C-1234-4abc-8def-0123456789ab")
			},
			reply:  reply{Body: `{"Organisation":` + orgJSON + `}`},
			method: http.MethodGet, uri: "/organisations/view/5F6E7D8C-1234-4abc-8def-0123456789ab",
		},
		{
			name: "GetOrganisation/name",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return c.GetOrganisation(ctx, "Acme CERT+1 100%")
			},
			reply:  reply{Body: `{"Organisation":` + orgJSON + `}`},
			method: http.MethodGet, uri: "/organisations/view/Acme%20CERT%252B1%20100%2525",
		},
		{
			name: "AddOrganisation",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return c.AddOrganisation(ctx, misp.OrganisationInput{
					Name: ptr("Acme CERT"), Description: ptr("d"), Type: ptr("CSIRT"), Nationality: ptr("BE"),
					Sector: ptr("Finance"), Contacts: ptr("soc@acme.example"), UUID: ptr("5f6e7d8c-1234-4abc-8def-0123456789ab"),
					Local: ptr(true), RestrictedToDomain: &[]string{"acme.example"}, Landingpage: ptr("https://acme.example"),
				})
			},
			reply:  reply{Body: `{"Organisation":` + orgJSON + `}`},
			method: http.MethodPost, uri: "/admin/organisations/add",
			body: `{"name":"Acme CERT","description":"d","type":"CSIRT","nationality":"BE","sector":"Finance",
				"contacts":"soc@acme.example","uuid":"5f6e7d8c-1234-4abc-8def-0123456789ab","local":true,
				"restricted_to_domain":["acme.example"],"landingpage":"https://acme.example"}`,
			check: func(t *testing.T, got any) {
				if o := as[*misp.Organisation](t, got); o.ID != "7" {
					t.Errorf("organisation = %+v", o)
				}
			},
		},
		{
			name: "EditOrganisation/clear domains",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return c.EditOrganisation(ctx, "7", misp.OrganisationInput{Description: ptr(""), RestrictedToDomain: new([]string)})
			},
			reply:  reply{Body: `{"Organisation":` + orgJSON + `}`},
			method: http.MethodPost, uri: "/admin/organisations/edit/7",
			body:  `{"description":"","restricted_to_domain":[]}`,
			check: func(t *testing.T, got any) { _ = as[*misp.Organisation](t, got) },
		},
		{
			name:   "DeleteOrganisation",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return nil, c.DeleteOrganisation(ctx, "7") },
			reply:  reply{Body: `{"saved":true,"success":true,"name":"Organisation deleted","message":"Organisation deleted","url":"/admin/organisations/delete/7","id":"7"}`},
			method: http.MethodPost, uri: "/admin/organisations/delete/7",
		},
		{
			name:   "ListRoles",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return c.ListRoles(ctx, "") },
			reply:  reply{Body: `[{"Role":{"id":"3","name":"User","permission":"2","default":true}},{"Role":` + roleJSON + `}]`},
			method: http.MethodGet, uri: "/roles/index",
			check: func(t *testing.T, got any) {
				rs := as[[]misp.Role](t, got)
				if len(rs) != 2 || !bool(rs[0].Default) || bool(rs[1].Default) || rs[1].Name != "Analyst" {
					t.Errorf("roles = %+v", rs)
				}
			},
		},
		{
			name:   "ListRoles/name",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return c.ListRoles(ctx, "Org Admin") },
			reply:  reply{Body: `[]`},
			method: http.MethodGet, uri: "/roles/index/name:Org%20Admin",
		},
		{
			name:   "GetRole",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return c.GetRole(ctx, "9") },
			reply:  reply{Body: `{"Role":` + roleJSON + `}`},
			method: http.MethodGet, uri: "/roles/view/9",
			check: func(t *testing.T, got any) {
				r := as[*misp.Role](t, got)
				if r.ID != "9" || r.Name != "Analyst" || !bool(r.PermAdd) || !bool(r.PermAuth) || !bool(r.PermTagger) ||
					!bool(r.PermSighting) || r.MemoryLimit != "2G" || r.MaxExecutionTime != "300" ||
					r.Permission != misp.Int64(misp.PermissionManageOwn) || r.PermissionDescription != "manage_own" {
					t.Errorf("role = %+v", r)
				}
			},
		},
		{
			name: "AddRole",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return c.AddRole(ctx, misp.RoleInput{
					Name: ptr("Analyst"), Permission: ptr(misp.PermissionReadOnly), PermAuth: ptr(true), PermTagger: ptr(true),
					PermSighting: ptr(false), MemoryLimit: ptr("2G"), MaxExecutionTime: ptr(int64(300)),
					RateLimitCount: ptr(int64(10)), EnforceRateLimit: ptr(true),
				})
			},
			reply:  reply{Body: `{"Role":` + roleJSON + `}`},
			method: http.MethodPost, uri: "/admin/roles/add",
			body: `{"name":"Analyst","permission":0,"perm_auth":true,"perm_tagger":true,"perm_sighting":false,
				"memory_limit":"2G","max_execution_time":300,"rate_limit_count":10,"enforce_rate_limit":true}`,
			check: func(t *testing.T, got any) { _ = as[*misp.Role](t, got) },
		},
		{
			name: "EditRole",
			call: func(ctx context.Context, c *misp.Client) (any, error) {
				return c.EditRole(ctx, "9", misp.RoleInput{Permission: ptr(misp.PermissionPublish), PermAdmin: ptr(false)})
			},
			reply:  reply{Body: `{"Role":` + roleJSON + `}`},
			method: http.MethodPost, uri: "/admin/roles/edit/9",
			body:  `{"permission":3,"perm_admin":false}`,
			check: func(t *testing.T, got any) { _ = as[*misp.Role](t, got) },
		},
		{
			name:   "DeleteRole",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return nil, c.DeleteRole(ctx, "9") },
			reply:  reply{Body: `{"saved":true,"success":true,"name":"Role deleted.","message":"Role deleted.","url":"/roles/delete/9","id":9}`},
			method: http.MethodPost, uri: "/admin/roles/delete/9",
		},
		{
			name:   "SetDefaultRole",
			call:   func(ctx context.Context, c *misp.Client) (any, error) { return nil, c.SetDefaultRole(ctx, "9") },
			reply:  reply{Body: `{"saved":true,"success":true,"name":"Default role set.","message":"Default role set.","url":"/admin/roles/set_default/9","id":"9"}`},
			method: http.MethodPost, uri: "/admin/roles/set_default/9",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFakeServer(t, tc.reply)
			c := newClient(t, srv.URL+"/", func(cfg *misp.Config) { cfg.UserAgent = "terraform-provider-misp/1.2.3" })
			got, err := tc.call(t.Context(), c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := srv.requests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tc.method || r.URI != tc.uri {
				t.Errorf("request = %s %s, want %s %s", r.Method, r.URI, tc.method, tc.uri)
			}
			for k, want := range map[string]string{
				"Authorization": testKey,
				"Accept":        "application/json",
				"Content-Type":  "application/json",
				"User-Agent":    "terraform-provider-misp/1.2.3",
			} {
				if got := r.Header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			if tc.body == "" {
				if r.Body != "" {
					t.Errorf("request body = %s, want none", r.Body)
				}
			} else {
				jsonEqual(t, r.Body, tc.body)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

// TestBasePathAndDefaults checks that a base URL with a path prefix is kept
// and the default User-Agent is sent.
func TestBasePathAndDefaults(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, reply{Body: `{"version":"2.5.1"}`})
	c, err := misp.New(misp.Config{URL: srv.URL + "/misp//", APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != srv.URL+"/misp" {
		t.Errorf("BaseURL = %q", c.BaseURL())
	}
	if _, err := c.GetVersion(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.URI != "/misp/servers/getVersion" || r.Header.Get("User-Agent") != misp.DefaultUserAgent {
		t.Errorf("request %s with User-Agent %q", r.URI, r.Header.Get("User-Agent"))
	}
}

// TestNumbersInsteadOfStrings decodes an answer from a MISP whose database
// layer returns integers as JSON numbers.
func TestNumbersInsteadOfStrings(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, reply{Body: `{"User":{"id":6,"org_id":2,"role_id":3,"nids_sid":4829123,"date_created":1729500000,
		"change_pw":1,"disabled":"0","autoalert":"1","totp_is_set":1,"orgAdmins":{"4":"boss@x.org"}},
		"Role":{"id":3,"permission":2,"rate_limit_count":5,"max_execution_time":300,"perm_auth":1},
		"UserSetting":{"homepage":{"path":"/events"}},
		"Organisation":{"id":2,"user_count":3,"created_by":1,"restricted_to_domain":"a.example\n\n b.example "}}`})
	c := newClient(t, srv.URL)
	v, err := c.GetUser(t.Context(), "6")
	if err != nil {
		t.Fatal(err)
	}
	u := v.User
	if u.ID != "6" || u.OrgID != "2" || u.RoleID != "3" || u.NidsSid != 4829123 || u.DateCreated != 1729500000 ||
		!bool(u.ChangePw) || bool(u.Disabled) || !bool(u.Autoalert) || !bool(u.TOTPIsSet) || u.OrgAdmins["4"] != "boss@x.org" {
		t.Errorf("user = %+v", u)
	}
	if v.Role.ID != "3" || v.Role.Permission != 2 || v.Role.RateLimitCount != 5 || v.Role.MaxExecutionTime != "300" || !bool(v.Role.PermAuth) {
		t.Errorf("role = %+v", v.Role)
	}
	if string(v.UserSetting["homepage"]) != `{"path":"/events"}` {
		t.Errorf("settings = %v", v.UserSetting)
	}
	o := v.Organisation
	if o.ID != "2" || o.UserCount != 3 || o.CreatedBy != "1" || !reflect.DeepEqual(o.RestrictedToDomain, misp.StringList{"a.example", "b.example"}) {
		t.Errorf("organisation = %+v", o)
	}
}

// TestInputValidation checks the guards that stop a request before it is sent.
func TestInputValidation(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t)
	c := newClient(t, srv.URL)
	ctx := t.Context()
	calls := map[string]func() error{
		"GetUser":         func() error { _, err := c.GetUser(ctx, ""); return err },
		"EditUser":        func() error { _, err := c.EditUser(ctx, " ", misp.UserInput{}); return err },
		"DeleteUser":      func() error { return c.DeleteUser(ctx, "") },
		"GetOrganisation": func() error { _, err := c.GetOrganisation(ctx, ""); return err },
		"EditOrganisation": func() error {
			_, err := c.EditOrganisation(ctx, "", misp.OrganisationInput{})
			return err
		},
		"GetRole":  func() error { _, err := c.GetRole(ctx, ""); return err },
		"EditRole": func() error { _, err := c.EditRole(ctx, "", misp.RoleInput{Permission: ptr(int64(1))}); return err },
		"EditRole/no permission": func() error {
			_, err := c.EditRole(ctx, "9", misp.RoleInput{Name: ptr("x")})
			return err
		},
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := calls["EditRole/no permission"](); !strings.Contains(err.Error(), "Permission must be set") {
		t.Errorf("EditRole without permission: %v", err)
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

// TestConcurrentUse runs calls from several goroutines on one client (run
// with -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, reply{Body: `{"version":"2.5.1"}`})
	var mu sync.Mutex
	attempts := map[int]int{}
	c := newClient(t, srv.URL, func(cfg *misp.Config) {
		cfg.Logger = func(_ context.Context, ev misp.RequestEvent) {
			mu.Lock()
			attempts[ev.Attempt]++
			mu.Unlock()
		}
	})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				if _, err := c.GetVersion(t.Context()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if attempts[1] != 40 || len(attempts) != 1 {
		t.Errorf("attempt numbers = %v, want 40 first attempts", attempts)
	}
}

func TestNewValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url  string
		want string
	}{
		{"", "empty"},
		{"ftp://misp.example", "http:// or https://"},
		{"misp.example", "http:// or https://"},
		{"https://", "no host"},
		{"https://admin:s3cr3t-pass@misp.example", "credentials"},
		{"https://misp.example/?a=b", "query"},
		{"https://misp.example/#x", "query or fragment"},
		{"https://misp.example/%zz", "not valid"},
	} {
		_, err := misp.New(misp.Config{URL: tc.url, APIKey: testKey})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%q) error = %v, want it to mention %q", tc.url, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("New(%q) error leaks the password: %v", tc.url, err)
		}
	}
}

func TestErrorsAreWrapped(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, reply{Status: 404, Body: `{"name":"Invalid organisation","message":"Invalid organisation","url":"\/organisations\/view\/77"}`})
	c := newClient(t, srv.URL)
	_, err := c.GetOrganisation(t.Context(), "77")
	if !errors.Is(err, misp.ErrNotFound) {
		t.Fatalf("error %v is not ErrNotFound", err)
	}
	var apiErr *misp.APIError
	if !errors.As(err, &apiErr) || apiErr.URL != "/organisations/view/77" {
		t.Fatalf("error %v: APIError %+v", err, apiErr)
	}
	if got, want := err.Error(), "read organisation 77: MISP answered HTTP 404: Invalid organisation"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}
