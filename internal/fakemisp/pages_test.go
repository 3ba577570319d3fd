package fakemisp_test

import (
	"net/http"
	"regexp"
	"testing"
)

// Bodies real MISP 2.5.1 sent (form names, which are uniqid()s, replaced by post_NAME).
const (
	userDeletePage = `<div id="genericModal" class="modal hide fade" tabindex="-1" role="dialog" aria-labelledby="genericModalLabel" aria-hidden="true">
    <div class="modal-header">
        <button type="button" class="close" data-dismiss="modal" aria-hidden="true">
            <span aria-hidden="true">&times;</span>
        </button>
        <h3 id="genericModalLabel">Delete user</h3>
    </div>
    <div class="modal-body modal-body-long">
        <p>Are you sure you want to delete the user? It is highly recommended to never delete users but to disable them instead.</p>
    </div>
    <div class="modal-footer">
        <form action="/admin/users/delete/2" name="post_NAME" id="post_NAME" style="display:none;" method="post"><input type="hidden" name="_method" value="POST"/></form><a href="#" class="btn btn-primary" onclick="document.post_NAME.submit(); event.returnValue = false; return false;">Delete</a>        <button type="button" class="btn btn-secondary cancel-button" data-dismiss="modal">Cancel</button>
    </div>
</div>
`
	totpDeletePage = `<div id="genericModal" class="modal hide fade" tabindex="-1" role="dialog" aria-labelledby="genericModalLabel" aria-hidden="true">
    <div class="modal-header">
        <button type="button" class="close" data-dismiss="modal" aria-hidden="true">
            <span aria-hidden="true">&times;</span>
        </button>
        <h3 id="genericModalLabel">Delete user TOTP</h3>
    </div>
    <div class="modal-body modal-body-long">
        <p>Are you sure you want to delete the TOTP of the user?.</p>
    </div>
    <div class="modal-footer">
        <form action="/users/totp_delete/2" name="post_NAME" id="post_NAME" style="display:none;" method="post"><input type="hidden" name="_method" value="POST"/></form><a href="#" class="btn btn-primary" onclick="document.post_NAME.submit(); event.returnValue = false; return false;">Delete</a>        <button type="button" class="btn btn-secondary cancel-button" data-dismiss="modal">Cancel</button>
    </div>
</div>
`
	roleDeletePage = `<div id="genericModal" class="modal hide fade" tabindex="-1" role="dialog" aria-labelledby="genericModalLabel" aria-hidden="true">
    <div class="modal-header">
        <button type="button" class="close" data-dismiss="modal" aria-hidden="true">
            <span aria-hidden="true">&times;</span>
        </button>
        <h3 id="genericModalLabel">Delete Role</h3>
    </div>
        <div class="modal-body modal-body-long">
        <p>Are you sure you want to delete Role #8?</p>
    </div>
    <div class="modal-footer">
        <form action="/admin/roles/delete/8" name="post_NAME" id="post_NAME" style="display:none;" method="post"><input type="hidden" name="_method" value="POST"/></form><a href="#" class="btn btn-primary" onclick="document.post_NAME.submit(); event.returnValue = false; return false;">Delete</a>        <button type="button" class="btn btn-secondary cancel-button" data-dismiss="modal">Cancel</button>
    </div>
    </div>`
	// The 403 answer to POST /admin/roles/delete/{id} for a role users hold, pretty-printed (non-PyMISP client).
	roleInUse = `{
    "saved": false,
    "name": "Could not delete Role",
    "message": "Could not delete Role",
    "url": "/roles/delete/7",
    "errors": "It is not possible to delete role that is assigned to users.",
    "id": 7
}`
)

var formName = regexp.MustCompile(`post_[0-9a-f]{13}[0-9]{9}`)

// page expects an HTML confirmation dialog (sent with status 200 and the JSON content type).
func page(want string) check {
	return func(r reply) string {
		if s := status(200)(r); s != "" {
			return s
		}
		if s := contentType("application/json; charset=UTF-8")(r); s != "" {
			return s
		}
		if got := formName.ReplaceAllString(string(r.raw), "post_NAME"); got != want {
			return "page\n" + got + "\nwant\n" + want
		}
		return ""
	}
}

func TestConfirmationPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustUser(map[string]any{"email": "two@example.org"})
	for _, name := range []string{"seven", "eight"} {
		if _, err := e.s.CreateRole(map[string]any{"name": name}); err != nil {
			t.Fatal(err)
		}
	}
	e.run([]step{
		{"GET user delete", req{path: "/admin/users/delete/2"}, []check{page(userDeletePage)}},
		{"PUT user delete", req{method: "PUT", path: "/admin/users/delete/2", body: map[string]any{}}, []check{page(userDeletePage)}},
		{"GET user delete of nobody: same dialog", req{path: "/admin/users/delete/99"}, []check{status(200)}},
		{"GET TOTP delete", req{path: "/users/totp_delete/2"}, []check{page(totpDeletePage)}},
		{"GET role delete", req{path: "/admin/roles/delete/8"}, []check{page(roleDeletePage)}},
		{"GET role delete of an unknown role", req{path: "/admin/roles/delete/99"}, []check{exc(404, "Invalid Role.")}},
		{"the form posts to the request URI", req{path: "/admin/roles/delete/8?x=1&y=%3C2%3E"}, []check{func(r reply) string {
			if !regexp.MustCompile(`<form action="/admin/roles/delete/8\?x=1&amp;y=%3C2%3E"`).Match(r.raw) {
				return "form action in " + string(r.raw)
			}
			return ""
		}}},
	})
	if u, ok := e.s.User("2"); !ok || u["email"] != "two@example.org" {
		t.Error("a confirmation page deleted the user")
	}
}

func TestRoleDeleteInUse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, err := e.s.CreateRole(map[string]any{"name": "held"})
	if err != nil {
		t.Fatal(err)
	}
	e.mustUser(map[string]any{"email": "holder@example.org", "role_id": rid})
	goClient := map[string]string{"User-Agent": "Go-http-client/1.1"}
	e.run([]step{
		{"POST: 403, the whole envelope", req{method: "POST", path: "/admin/roles/delete/" + rid, headers: goClient},
			[]check{status(403), contentType("application/json; charset=UTF-8"), rawBody(roleInUse)}},
		{"GET: the same refusal, no dialog", req{path: "/admin/roles/delete/" + rid, headers: goClient}, []check{rawBody(roleInUse)}},
		{"PUT: the same", req{method: "PUT", path: "/admin/roles/delete/" + rid, headers: goClient}, []check{status(403), rawBody(roleInUse)}},
		{"still there", req{path: "/roles/view/" + rid}, []check{status(200)}},
		{"DELETE deletes it anyway (MISP's precedence bug)", req{method: http.MethodDelete, path: "/admin/roles/delete/" + rid},
			[]check{status(200), field("Role deleted.", "message"), field(float64(7), "id")}},
		{"gone", req{path: "/roles/view/" + rid}, []check{status(404)}},
	})
}

func TestRegistrations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, orgAdminKey := e.mustUser(map[string]any{"email": "oa@example.org", "role_id": 2})
	e.run([]step{
		{"GET index", req{path: "/users/registrations/index"}, []check{status(200), contentType("application/json; charset=UTF-8"), rawBody("[]")}},
		{"pretty printing changes nothing", req{path: "/users/registrations/index", headers: map[string]string{"User-Agent": "curl/8"}},
			[]check{rawBody("[]")}},
		{"without index", req{path: "/users/registrations"}, []check{rawBody("[]")}},
		{".json", req{path: "/users/registrations.json", noJSON: true}, []check{rawBody("[]")}},
		{"a search", req{path: "/users/registrations/index/value:foo"}, []check{rawBody("[]")}},
		{"POST", req{method: "POST", path: "/users/registrations/index", body: map[string]any{}}, []check{rawBody("[]")}},
		{"site admins only", req{path: "/users/registrations/index", key: orgAdminKey},
			[]check{exc(403, "You do not have permission to use this functionality."), field("/users/registrations/index", "url")}},
		{"no admin route", req{path: "/admin/users/registrations"}, []check{exc(404, "Not Found")}},
	})
	if n := e.s.Count("GET /users/registrations"); n != 6 {
		t.Errorf("endpoint counter GET /users/registrations = %d, want 6", n)
	}
}
