package misp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/golden"
	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// The recordings of real MISP 2.5.1 in internal/golden/testdata (make golden) decoded through the client:
// each step with a client method is served from an httptest server that first checks that the client sent the
// recorded method, path, headers and body, and the method's result is checked by goldenExpect.

const goldenAdminKey = "GoldenAdminKey00000000000000000000000000"

// outcome is what a client method returned for one recorded step, with the step's concrete variable values.
type outcome struct {
	v    any
	err  error
	vals map[string]string
}

// val is the concrete value of a variable ({user_min} → "9003").
func (o outcome) val(name string) string {
	v, ok := o.vals[name]
	if !ok {
		panic("no variable " + name)
	}
	return v
}

// email is a recorded e-mail with the concrete run tag.
func (o outcome) email(local string) string { return "golden-" + o.val(golden.VarRun) + "-" + local }

// name is a recorded organisation or role name with the concrete run tag.
func (o outcome) name(suffix string) string { return "golden-" + o.val(golden.VarRun) + " " + suffix }

type expectation func(t *testing.T, o outcome)

// goldenValues gives every variable of a file a concrete value: ids their numbers from the file, keys 40
// alphanumerics, UUIDs a fixed UUID each.
func goldenValues(f *golden.File) map[string]string {
	vals := map[string]string{
		golden.VarRun: "run1", golden.VarPassword: "Golden-Passw0rd-1", golden.VarPasswordNew: "Golden-Passw0rd-2",
	}
	for name, id := range f.IDs {
		vals[name] = strconv.FormatInt(id, 10)
	}
	for _, st := range f.Steps {
		names := golden.Vars(st.Request.Path + string(st.Request.Body) + string(st.Response.Body) + st.Response.Text)
		if st.Call != nil {
			names = append(names, golden.Vars(st.Call.Arg)...)
		}
		for name := range st.Capture {
			names = append(names, name)
		}
		for _, name := range names {
			if _, ok := vals[name]; ok {
				continue
			}
			switch golden.VarKind(name) {
			case "key":
				vals[name] = padKey("GoldenKey" + strings.ReplaceAll(name, "_", ""))
			case "uuid":
				h := fnv.New64a()
				_, _ = h.Write([]byte(name))
				vals[name] = fmt.Sprintf("6f1c2a7e-0000-4000-8000-%012x", h.Sum64()&0xffffffffffff)
			}
		}
	}
	return vals
}

func padKey(s string) string {
	return s + strings.Repeat("0", 40-len(s))
}

func TestGoldenClient(t *testing.T) {
	t.Parallel()
	files, err := golden.Load(filepath.Join("..", "golden", golden.Dir))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		vals := goldenValues(f)
		for i := range f.Steps {
			st := &f.Steps[i]
			if st.Call == nil {
				continue
			}
			key := f.Scenario + "/" + st.Name
			seen[key] = true
			exp, ok := goldenExpect[key]
			if !ok {
				t.Errorf("%s: no expectation for this recorded step (%s)", key, st.Call.Func)
				continue
			}
			t.Run(key, func(t *testing.T) {
				t.Parallel()
				v, err := callRecorded(t, st, vals)
				exp(t, outcome{v: v, err: err, vals: vals})
			})
		}
	}
	for key := range goldenExpect {
		if !seen[key] {
			t.Errorf("expectation %s matches no recorded step", key)
		}
	}
}

// serveRecorded starts a server that checks the one request of st and answers with its recording.
func serveRecorded(t *testing.T, st *golden.Step, vals map[string]string, apiKey string) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if st.Raw == "" {
			checkRecordedRequest(t, st, vals, apiKey, r, body)
		}
		local := map[string]string{golden.VarBaseURL: srv.URL}
		for k, v := range vals {
			local[k] = v
		}
		resp := st.Response
		if resp.ContentType != "" {
			w.Header().Set("Content-Type", resp.ContentType)
		}
		if resp.Location != "" {
			w.Header().Set("Location", golden.Materialise(resp.Location, local))
		}
		w.WriteHeader(resp.Status)
		if len(resp.Body) > 0 {
			_, _ = io.WriteString(w, golden.Materialise(string(resp.Body), local))
		} else {
			_, _ = io.WriteString(w, resp.Text)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func checkRecordedRequest(t *testing.T, st *golden.Step, vals map[string]string, apiKey string, r *http.Request, body []byte) {
	t.Helper()
	wantPath := golden.Materialise(st.Request.Path, vals)
	if r.Method != st.Request.Method || r.RequestURI != wantPath {
		t.Errorf("client sent %s %s, recorded %s %s", r.Method, r.RequestURI, st.Request.Method, wantPath)
	}
	if got := r.Header.Get("Authorization"); got != apiKey {
		t.Errorf("Authorization %q, want the step's key %q", got, apiKey)
	}
	if r.Header.Get("Accept") != "application/json" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("Accept %q, Content-Type %q", r.Header.Get("Accept"), r.Header.Get("Content-Type"))
	}
	if len(st.Request.Body) == 0 {
		if len(bytes.TrimSpace(body)) > 0 {
			t.Errorf("client sent body %s, recorded none", body)
		}
		return
	}
	var got, want any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Errorf("client body is not JSON: %v: %s", err, body)
		return
	}
	if err := json.Unmarshal([]byte(golden.Materialise(string(st.Request.Body), vals)), &want); err != nil {
		t.Fatalf("recorded body: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("client sent body %s, recorded %s", body, golden.Materialise(string(st.Request.Body), vals))
	}
}

// callRecorded calls the client method of st against its recording.
func callRecorded(t *testing.T, st *golden.Step, vals map[string]string) (any, error) {
	t.Helper()
	apiKey := ""
	switch st.Request.Auth {
	case "admin":
		apiKey = goldenAdminKey
	case "wrong":
		apiKey = golden.WrongKey
	case "none":
	default:
		apiKey = vals[st.Request.Auth]
	}
	srv := serveRecorded(t, st, vals, apiKey)
	c, err := misp.New(misp.Config{URL: srv.URL, APIKey: apiKey, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	arg := golden.Materialise(st.Call.Arg, vals)
	body := []byte(golden.Materialise(string(st.Request.Body), vals))
	input := func(into any) {
		if len(st.Request.Body) == 0 {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields() // the recorded body must be something the client can send
		if err := dec.Decode(into); err != nil {
			t.Fatalf("recorded body does not fit %T: %v", into, err)
		}
	}
	switch st.Call.Func {
	case "GetVersion":
		return c.GetVersion(ctx)
	case "ViewMe":
		return c.ViewMe(ctx)
	case "ListUsers":
		var f misp.UserFilter
		if len(st.Call.Filter) > 0 {
			dec := json.NewDecoder(strings.NewReader(golden.Materialise(string(st.Call.Filter), vals)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&f); err != nil {
				t.Fatalf("filter: %v", err)
			}
		}
		return c.ListUsers(ctx, f)
	case "GetUser":
		return c.GetUser(ctx, arg)
	case "AddUser":
		var in misp.UserInput
		input(&in)
		return c.AddUser(ctx, in)
	case "EditUser":
		var in misp.UserInput
		input(&in)
		return c.EditUser(ctx, arg, in)
	case "DeleteUser":
		return nil, c.DeleteUser(ctx, arg)
	case "InitiatePasswordReset":
		return nil, c.InitiatePasswordReset(ctx, arg, st.Call.FirstTime)
	case "DeleteUserTOTP":
		return nil, c.DeleteUserTOTP(ctx, arg)
	case "ListOrganisations":
		return c.ListOrganisations(ctx, st.Call.Scope, golden.Materialise(st.Call.Search, vals))
	case "GetOrganisation":
		return c.GetOrganisation(ctx, arg)
	case "AddOrganisation":
		var in misp.OrganisationInput
		input(&in)
		return c.AddOrganisation(ctx, in)
	case "EditOrganisation":
		var in misp.OrganisationInput
		input(&in)
		return c.EditOrganisation(ctx, arg, in)
	case "DeleteOrganisation":
		return nil, c.DeleteOrganisation(ctx, arg)
	case "ListRoles":
		return c.ListRoles(ctx, arg)
	case "GetRole":
		return c.GetRole(ctx, arg)
	case "AddRole":
		var in misp.RoleInput
		input(&in)
		return c.AddRole(ctx, in)
	case "EditRole":
		in := misp.RoleInput{Permission: ptr(int64(0))} // the client refuses an edit without permission
		input(&in)
		return c.EditRole(ctx, arg, in)
	case "DeleteRole":
		return nil, c.DeleteRole(ctx, arg)
	case "SetDefaultRole":
		return nil, c.SetDefaultRole(ctx, arg)
	case "ListSharingGroups":
		return c.ListSharingGroups(ctx, st.Call.Inactive)
	case "GetSharingGroup":
		return c.GetSharingGroup(ctx, arg)
	case "AddSharingGroup":
		var in misp.SharingGroupInput
		input(&in)
		return c.AddSharingGroup(ctx, in)
	case "EditSharingGroup":
		var in misp.SharingGroupInput
		input(&in)
		return c.EditSharingGroup(ctx, arg, in)
	case "DeleteSharingGroup":
		return nil, c.DeleteSharingGroup(ctx, arg)
	case "AddOrgToSharingGroup", "RemoveOrgFromSharingGroup", "AddServerToSharingGroup":
		member := golden.Materialise(st.Call.Member, vals)
		var flags struct {
			Extend  bool `json:"extend"`
			AllOrgs bool `json:"all_orgs"`
		}
		input(&flags)
		switch st.Call.Func {
		case "AddOrgToSharingGroup":
			return nil, c.AddOrgToSharingGroup(ctx, arg, member, flags.Extend)
		case "RemoveOrgFromSharingGroup":
			return nil, c.RemoveOrgFromSharingGroup(ctx, arg, member)
		}
		return nil, c.AddServerToSharingGroup(ctx, arg, member, flags.AllOrgs)
	case "ListAuthKeys":
		return c.ListAuthKeys(ctx, arg)
	case "GetAuthKey":
		return c.GetAuthKey(ctx, arg)
	case "AddAuthKey":
		var in misp.AuthKeyInput
		input(&in)
		return c.AddAuthKey(ctx, arg, in)
	case "DeleteAuthKey":
		return nil, c.DeleteAuthKey(ctx, arg)
	case "ListUserSettings":
		return c.ListUserSettings(ctx, arg)
	case "SetUserSetting", "GetUserSetting", "DeleteUserSetting":
		setting := golden.Materialise(st.Call.Member, vals)
		switch st.Call.Func {
		case "GetUserSetting":
			return c.GetUserSetting(ctx, arg, setting)
		case "DeleteUserSetting":
			var in struct {
				Setting string `json:"setting"`
				UserID  string `json:"user_id"`
			}
			input(&in)
			if in.Setting != setting || in.UserID != arg {
				t.Fatalf("recorded body %s does not name user %s's %s", body, arg, setting)
			}
			return nil, c.DeleteUserSetting(ctx, arg, setting)
		}
		var in struct {
			Value json.RawMessage `json:"value"`
		}
		input(&in)
		return c.SetUserSetting(ctx, arg, setting, in.Value)
	}
	t.Fatalf("unknown client method %s", st.Call.Func)
	return nil, nil
}

// TestGoldenCachedLookups serves the recorded unfiltered indexes to the client's cached lookups.
func TestGoldenCachedLookups(t *testing.T) {
	t.Parallel()
	load := func(scenario, step string) (*golden.Step, map[string]string) {
		f, err := golden.LoadFile(filepath.Join("..", "golden", golden.Dir, scenario+".json"))
		if err != nil {
			t.Fatal(err)
		}
		for i := range f.Steps {
			if f.Steps[i].Name == step {
				return &f.Steps[i], goldenValues(f)
			}
		}
		t.Fatalf("no step %s/%s", scenario, step)
		return nil, nil
	}
	client := func(st *golden.Step, vals map[string]string) *misp.Client {
		srv := serveRecorded(t, st, vals, goldenAdminKey)
		c, err := misp.New(misp.Config{URL: srv.URL, APIKey: goldenAdminKey, MaxRetries: 1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()

	st, vals := load("users", "index_all")
	c := client(st, vals)
	u, err := c.CachedUser(ctx, vals["user_min"])
	if err != nil || u.User.Email != "golden-run1-min@example.org" || u.Role.Name != "User" || u.Organisation.Name != "golden-run1 Users Org" {
		t.Errorf("CachedUser = %+v, %v", u, err)
	}
	if _, err := c.CachedUser(ctx, "999999999"); !errors.Is(err, misp.ErrNotFound) {
		t.Errorf("CachedUser(unknown) = %v, want ErrNotFound", err)
	}

	st, vals = load("organisations", "index_all")
	c = client(st, vals)
	o, err := c.CachedOrganisation(ctx, vals["org_full"])
	if err != nil || o.Name != "golden-run1 Org Full" || bool(o.Local) || o.UserCount != 0 || o.Landingpage != "https://golden.example/" {
		t.Errorf("CachedOrganisation = %+v, %v", o, err)
	}
	if n, err := c.CachedOrganisationName(ctx, "1"); err != nil || n != "ORGNAME" {
		t.Errorf("CachedOrganisationName(1) = %q, %v", n, err)
	}

	st, vals = load("roles", "index")
	c = client(st, vals)
	r, err := c.CachedRole(ctx, "3")
	if err != nil || r.Name != "User" || !bool(r.Default) || int64(r.Permission) != misp.PermissionManageOrg {
		t.Errorf("CachedRole(3) = %+v, %v", r, err)
	}
	if _, err := c.CachedRole(ctx, "7"); !errors.Is(err, misp.ErrNotFound) {
		t.Errorf("CachedRole(7) = %v, want ErrNotFound", err)
	}
}

// TestGoldenFieldsKnown checks that the client's types have a field for every key real MISP sends in the
// records they decode, so that a new field in a re-recording is noticed.
func TestGoldenFieldsKnown(t *testing.T) {
	t.Parallel()
	files, err := golden.Load(filepath.Join("..", "golden", golden.Dir))
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]map[string]bool{
		"User": jsonFields(reflect.TypeFor[misp.User]()), "Role": jsonFields(reflect.TypeFor[misp.Role]()),
		"Organisation": jsonFields(reflect.TypeFor[misp.Organisation]()),
		"SharingGroup": jsonFields(reflect.TypeFor[misp.SharingGroup]()),
		"AuthKey":      jsonFields(reflect.TypeFor[misp.AuthKey]()),
		"UserSetting":  jsonFields(reflect.TypeFor[misp.UserSetting]()),
	}
	// The elements of a sharing group's lists, and what they embed.
	sgLists := map[string]map[string]bool{
		"SharingGroupOrg":    withKeys(jsonFields(reflect.TypeFor[misp.SharingGroupOrg]()), "Organisation"),
		"SharingGroupServer": withKeys(jsonFields(reflect.TypeFor[misp.SharingGroupServer]()), "Server"),
	}
	version := jsonFields(reflect.TypeFor[misp.Version]())
	unknown := map[string]bool{}
	for _, f := range files {
		for _, st := range f.Steps {
			if st.Call == nil || st.Response.Status != http.StatusOK || len(st.Response.Body) == 0 {
				continue
			}
			doc, err := golden.Decode(st.Response.Body)
			if err != nil {
				t.Fatal(err)
			}
			if st.Call.Func == "GetVersion" {
				for k := range doc.(map[string]any) { //nolint:forcetypeassert // getVersion answers an object
					if !version[k] {
						unknown["Version."+k] = true
					}
				}
				continue
			}
			records := []any{doc}
			if l, ok := doc.([]any); ok {
				records = l
			}
			if m, ok := doc.(map[string]any); ok {
				if l, ok := m["response"].([]any); ok { // the sharing groups index
					records = l
				}
			}
			for _, rec := range records {
				m, ok := rec.(map[string]any)
				if !ok {
					continue
				}
				if st.Call.Func == "GetUserSetting" { // getSetting answers the record flat
					m = map[string]any{"UserSetting": m}
				}
				for wrapper, fields := range types {
					obj, ok := m[wrapper].(map[string]any)
					if !ok || wrapper == "UserSetting" && obj["setting"] == nil { // users/view: {name: value}
						continue
					}
					for k := range obj {
						if !fields[k] {
							unknown[wrapper+"."+k] = true
						}
					}
				}
				for list, fields := range sgLists {
					elems, _ := m[list].([]any)
					for _, e := range elems {
						obj, _ := e.(map[string]any)
						for k := range obj {
							if !fields[k] {
								unknown[list+"."+k] = true
							}
						}
					}
				}
			}
		}
	}
	var list []string
	for k := range unknown {
		list = append(list, k)
	}
	sort.Strings(list)
	if len(list) > 0 {
		t.Errorf("MISP sends fields the client's types do not have: %s", strings.Join(list, ", "))
	}
}

// withKeys adds keys that a type decodes by hand (its json:"-" fields).
func withKeys(fields map[string]bool, keys ...string) map[string]bool {
	for _, k := range keys {
		fields[k] = true
	}
	return fields
}

func jsonFields(typ reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range typ.NumField() {
		if name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}

// --- expectation helpers ---

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// succeeds expects no error and checks the result (nil: nothing more to check).
func succeeds(check func(t *testing.T, o outcome)) expectation {
	return func(t *testing.T, o outcome) {
		t.Helper()
		if o.err != nil {
			t.Fatalf("unexpected error: %v", o.err)
		}
		if check != nil {
			check(t, o)
		}
	}
}

var done = succeeds(nil)

// failsWith expects an *APIError with this status, message and validation errors (nil: none).
func failsWith(status int, message string, fields map[string][]string) expectation {
	return func(t *testing.T, o outcome) {
		t.Helper()
		var api *misp.APIError
		if !errors.As(o.err, &api) {
			t.Fatalf("error %v (%T), want an *APIError", o.err, o.err)
		}
		eq(t, "status", api.StatusCode, status)
		eq(t, "message", api.Message, message)
		if len(api.Errors) != 0 || len(fields) != 0 {
			if !reflect.DeepEqual(api.Errors, fields) {
				t.Errorf("field errors = %v, want %v", api.Errors, fields)
			}
		}
		if !strings.Contains(o.err.Error(), message) {
			t.Errorf("error text %q does not carry MISP's message", o.err)
		}
		if notFound := errors.Is(o.err, misp.ErrNotFound); notFound != (status == http.StatusNotFound) {
			t.Errorf("errors.Is(ErrNotFound) = %v for HTTP %d", notFound, status)
		}
		if errors.Is(o.err, misp.ErrAuthentication) {
			t.Errorf("%v matches ErrAuthentication", o.err)
		}
	}
}

func notFound(message string) expectation { return failsWith(http.StatusNotFound, message, nil) }

var (
	invalidUser  = notFound("Invalid user")
	invalidOrg   = notFound("Invalid organisation")
	invalidRole  = notFound("Invalid Role.")
	internal     = failsWith(http.StatusInternalServerError, "An Internal Error Has Occurred.", nil)
	badJSONInput = failsWith(http.StatusMethodNotAllowed, "Invalid JSON input. Make sure that the JSON input is a correctly "+
		"formatted JSON string. This request has been blocked to avoid an unfiltered request.", nil)
)

// denied is MISP's ACL refusal.
var denied expectation = func(t *testing.T, o outcome) {
	t.Helper()
	failsWith(http.StatusForbidden, "You do not have permission to use this functionality.", nil)(t, o)
	if !errors.Is(o.err, misp.ErrPermissionDenied) {
		t.Errorf("%v does not match ErrPermissionDenied", o.err)
	}
}

// authFailed is MISP's 403 authentication envelope.
func authFailed(disabled bool) expectation {
	return func(t *testing.T, o outcome) {
		t.Helper()
		var ae *misp.AuthenticationError
		if !errors.As(o.err, &ae) || !errors.Is(o.err, misp.ErrAuthentication) {
			t.Fatalf("error %v (%T), want an *AuthenticationError", o.err, o.err)
		}
		eq(t, "Disabled", ae.Disabled, disabled)
		eq(t, "status", ae.API.StatusCode, http.StatusForbidden)
		if errors.Is(o.err, misp.ErrPermissionDenied) || errors.Is(o.err, misp.ErrNotFound) {
			t.Errorf("%v matches another sentinel", o.err)
		}
	}
}

var loginRedirect expectation = func(t *testing.T, o outcome) {
	t.Helper()
	var re *misp.RedirectError
	if !errors.As(o.err, &re) || !errors.Is(o.err, misp.ErrLoginRedirect) {
		t.Fatalf("error %v (%T), want a login *RedirectError", o.err, o.err)
	}
	eq(t, "status", re.StatusCode, http.StatusFound)
	if !strings.HasSuffix(re.Location, "/users/login") {
		t.Errorf("Location %q", re.Location)
	}
}

func user(check func(t *testing.T, o outcome, u *misp.User)) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		check(t, o, as[*misp.User](t, o.v))
	})
}

// added is a user add answer: the new id, the one-time key, the masked password.
func added(idVar, keyVar, local string, check func(t *testing.T, o outcome, u *misp.User)) expectation {
	return user(func(t *testing.T, o outcome, u *misp.User) {
		t.Helper()
		eq(t, "id", u.ID, misp.ID(o.val(idVar)))
		eq(t, "email", u.Email, o.email(local))
		eq(t, "password", u.Password, "******")
		if keyVar != "" {
			eq(t, "authkey", u.Authkey, o.val(keyVar))
		} else if len(u.Authkey) == 0 {
			t.Error("no authkey in the add answer")
		}
		eq(t, "totp_is_set", u.TOTPIsSet, false)
		if u.DateCreated == 0 || u.LastPwChange == 0 {
			t.Errorf("date_created %d, last_pw_change %d", u.DateCreated, u.LastPwChange)
		}
		if check != nil {
			check(t, o, u)
		}
	})
}

// edited is a user edit answer: all columns, masked password, no key.
func edited(idVar string, check func(t *testing.T, o outcome, u *misp.User)) expectation {
	return user(func(t *testing.T, o outcome, u *misp.User) {
		t.Helper()
		eq(t, "id", u.ID, misp.ID(o.val(idVar)))
		eq(t, "password", u.Password, "******")
		eq(t, "authkey", u.Authkey, "")
		check(t, o, u)
	})
}

func view(check func(t *testing.T, o outcome, v *misp.UserView)) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		v := as[*misp.UserView](t, o.v)
		eq(t, "password", v.User.Password, "*****")
		eq(t, "totp", v.User.TOTP, "*****")
		eq(t, "server_id", v.User.ServerID, "")
		eq(t, "authkey", v.User.Authkey, "")
		if v.UserSetting == nil {
			t.Error("UserSetting not decoded")
		}
		check(t, o, v)
	})
}

func org(check func(t *testing.T, o outcome, org *misp.Organisation)) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		check(t, o, as[*misp.Organisation](t, o.v))
	})
}

func orgs(names ...string) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		list := as[[]misp.Organisation](t, o.v)
		var got []string
		for _, x := range list {
			got = append(got, x.Name)
			if x.ID == "" || x.UUID == "" || x.DateCreated == "" {
				t.Errorf("organisation %+v lacks id, uuid or date", x)
			}
		}
		want := make([]string, len(names))
		for i, n := range names {
			want[i] = strings.ReplaceAll(n, "{run}", o.val(golden.VarRun))
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("organisations %q, want %q", got, want)
		}
	})
}

func role(check func(t *testing.T, o outcome, r *misp.Role)) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		check(t, o, as[*misp.Role](t, o.v))
	})
}

// roles expects the listed role names in order, and which one is the default ("" for none).
func roles(defaultName string, names ...string) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		list := as[[]misp.Role](t, o.v)
		run := o.val(golden.VarRun)
		var got []string
		def := ""
		for _, r := range list {
			got = append(got, r.Name)
			if r.Default {
				def = r.Name
			}
		}
		want := make([]string, len(names))
		for i, n := range names {
			want[i] = strings.ReplaceAll(n, "{run}", run)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("roles %q, want %q", got, want)
		}
		eq(t, "default role", def, strings.ReplaceAll(defaultName, "{run}", run))
	})
}

// users expects the e-mails of the listed users (a local part with the run tag, or a whole address).
func users(emails ...string) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		list := as[[]misp.UserIndexEntry](t, o.v)
		var got []string
		for _, e := range list {
			got = append(got, e.User.Email)
			if e.User.ID == "" || e.User.Password != "" || e.User.TOTP != "" || e.Role.Name == "" && e.User.RoleID != misp.ID(missingID) {
				t.Errorf("index entry %+v", e)
			}
		}
		want := make([]string, len(emails))
		for i, e := range emails {
			if strings.Contains(e, "@") {
				want[i] = e
			} else {
				want[i] = o.email(e + "@example.org")
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("users %q, want %q", got, want)
		}
	})
}

const missingID = "999999999"

// stockRoles are the roles of a fresh MISP, in id order.
var stockRoles = []string{"admin", "Org Admin", "User", "Publisher", "Sync user", "Read Only"}

func stockRolesAnd(more ...string) []string {
	return append(append([]string(nil), stockRoles...), more...)
}
