package fakemisp_test

import (
	"net/http/httptest"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/testkeys"
)

// Real MISP 2.5.1's answers to POST /users/initiatePasswordReset/{id}: a raw CakeResponse, JSON text with the
// default text/html content type, the slash escaped by json_encode.
const (
	resetSent   = `{"saved":true,"success":"New credentials sent."}`
	resetFailed = `{"saved":false,"errors":"There was an error notifying the user. His\/her credentials were not altered."}`
	htmlType    = "text/html; charset=UTF-8"
	pw          = "Initial-Passw0rd"

	mailNotSent     = "The message could not be sent."
	mailKeyUnusable = "The message could not be encrypted because the provided GPG key is either expired or cannot be used for encryption."
	mailGPGFailed   = "The message could not be encrypted by GPG."
	subjReset       = "[ORGNAME MISP] Password reset"
	subjNewUser     = "[ORGNAME MISP] New user registration"
)

// lastEmail is the newest entry of the e-mail log.
func lastEmail(t *testing.T, s *fakemisp.Server) fakemisp.Email {
	t.Helper()
	l := s.Emails()
	if len(l) == 0 {
		t.Fatal("no e-mail logged")
	}
	return l[len(l)-1]
}

func TestPasswordResetEmail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := []struct {
		name      string
		fields    map[string]any
		answer    string
		sent      bool
		encrypted bool
		reason    string
	}{
		{"no key: sent", map[string]any{}, resetSent, true, false, ""},
		{"RSA key: sent encrypted", map[string]any{"gpgkey": testkeys.RSAGPGKey}, resetSent, true, true, ""},
		{"Ed25519 key: sent encrypted", map[string]any{"gpgkey": testkeys.Ed25519GPGKey}, resetSent, true, true, ""},
		{"sign-only key: fails", map[string]any{"gpgkey": testkeys.SignOnlyGPGKey}, resetFailed, false, false, mailKeyUnusable},
		{"expired key: fails", map[string]any{"gpgkey": testkeys.ExpiredGPGKey}, resetFailed, false, false, mailKeyUnusable},
		{"revoked key: fails", map[string]any{"gpgkey": testkeys.RevokedGPGKey}, resetFailed, false, false, mailGPGFailed},
	}
	for i, tc := range cases {
		tc.fields["email"] = "reset" + itoa(i) + "@example.org"
		tc.fields["password"] = pw
		tc.fields["change_pw"] = false
		id, _ := e.mustUser(tc.fields)
		before, _ := e.s.User(id)
		e.expect(tc.name, e.do(req{method: "POST", path: "/users/initiatePasswordReset/" + id}), status(200),
			contentType(htmlType), rawBody(tc.answer))
		after, _ := e.s.User(id)
		if changed := !e.s.CheckUserPassword(id, pw); changed != tc.sent {
			t.Errorf("%s: password changed = %v, want %v", tc.name, changed, tc.sent)
		}
		if tc.sent && after["change_pw"] != true {
			t.Errorf("%s: change_pw = %v after a reset", tc.name, after["change_pw"])
		}
		if !tc.sent && (after["change_pw"] != false || after["last_pw_change"] != before["last_pw_change"] ||
			after["date_modified"] != before["date_modified"]) {
			t.Errorf("%s: the failed reset altered the user: %v → %v", tc.name, before, after)
		}
		m := lastEmail(t, e.s)
		if m.UserID != id || m.Subject != subjReset || m.Sent != tc.sent || m.Encrypted != tc.encrypted || m.Reason != tc.reason {
			t.Errorf("%s: e-mail log %+v", tc.name, m)
		}
	}

	// A disabled user gets no e-mail, and MISP counts that as sent: the password is reset.
	off, _ := e.mustUser(map[string]any{"email": "off@example.org", "password": pw, "disabled": true, "gpgkey": testkeys.SignOnlyGPGKey})
	n := len(e.s.Emails())
	e.expect("disabled user", e.do(req{method: "POST", path: "/users/initiatePasswordReset/" + off}), rawBody(resetSent))
	if e.s.CheckUserPassword(off, pw) || len(e.s.Emails()) != n {
		t.Error("disabled user: want the password reset and no e-mail")
	}

	// The "new user" template: a second passed argument or User.firstTime.
	id, _ := e.mustUser(map[string]any{"email": "first@example.org"})
	for _, r := range []req{
		{method: "POST", path: "/users/initiatePasswordReset/" + id + "/1"},
		{method: "POST", path: "/users/initiatePasswordReset/" + id, body: map[string]any{"User": map[string]any{"firstTime": true}}},
	} {
		e.expect("first time "+r.path, e.do(r), rawBody(resetSent))
		if m := lastEmail(t, e.s); m.Subject != subjNewUser {
			t.Errorf("first time %s: subject %q", r.path, m.Subject)
		}
	}
}

func TestEmailFailing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id, _ := e.mustUser(map[string]any{"email": "u@example.org", "password": pw, "change_pw": false})
	e.s.SetEmailFailing(true)
	if !e.s.EmailFailing() {
		t.Fatal("EmailFailing() = false after SetEmailFailing(true)")
	}
	for _, p := range []string{"/users/initiatePasswordReset/" + id, "/users/initiatePasswordReset/" + id + "/1"} {
		e.expect("mail broken: "+p, e.do(req{method: "POST", path: p}), status(200), contentType(htmlType), rawBody(resetFailed))
	}
	if !e.s.CheckUserPassword(id, pw) {
		t.Error("a failed reset changed the password")
	}
	if m := lastEmail(t, e.s); m.Sent || m.Reason != mailNotSent || m.Subject != subjNewUser {
		t.Errorf("e-mail log %+v", m)
	}

	// admin/users/add with notify: the user is created all the same and the answer does not tell; only the
	// re-save of the password (and change_pw) that follows a sent e-mail is missing.
	add := func(email string) reply {
		return e.do(req{method: "POST", path: "/admin/users/add", body: map[string]any{
			"email": email, "org_id": 1, "role_id": 3, "notify": true, "password": pw, "change_pw": false}})
	}
	r := add("notified-broken@example.org")
	e.expect("notify, mail broken", r, status(200), field(false, "User", "change_pw"), field("******", "User", "password"))
	if m := lastEmail(t, e.s); m.Sent || m.Subject != subjNewUser || m.Reason != mailNotSent {
		t.Errorf("notify e-mail log %+v", m)
	}
	newID, _ := r.at("User", "id").(string)
	if !e.s.CheckUserPassword(newID, pw) {
		t.Error("notify, mail broken: the user's password is not the one sent")
	}

	// Back to working mail: the same add sets change_pw.
	e.s.SetEmailFailing(false)
	e.expect("notify, mail works", add("notified@example.org"), status(200), field(true, "User", "change_pw"))
	if m := lastEmail(t, e.s); !m.Sent || m.To != "notified@example.org" {
		t.Errorf("notify e-mail log %+v", m)
	}
	e.expect("reset, mail works", e.do(req{method: "POST", path: "/users/initiatePasswordReset/" + id}), rawBody(resetSent))

	// A sign-only key fails the notification even with working mail.
	r = e.do(req{method: "POST", path: "/admin/users/add", body: map[string]any{
		"email": "signonly@example.org", "org_id": 1, "role_id": 3, "notify": true, "change_pw": false, "gpgkey": testkeys.SignOnlyGPGKey}})
	e.expect("notify, unusable key", r, status(200), field(false, "User", "change_pw"))
	if m := lastEmail(t, e.s); m.Sent || m.Reason != mailKeyUnusable {
		t.Errorf("e-mail log %+v", m)
	}

	// Reset clears the log and goes back to Options.FailEmail.
	e.s.SetEmailFailing(true)
	e.s.Reset()
	if e.s.EmailFailing() || len(e.s.Emails()) != 0 {
		t.Errorf("after Reset: failing %v, %d e-mails", e.s.EmailFailing(), len(e.s.Emails()))
	}
	broken := fakemisp.New(fakemisp.Options{AdminKey: testAdminKey, Seed: 1, FailEmail: true})
	srv := httptest.NewServer(broken)
	t.Cleanup(srv.Close)
	be := &env{t: t, s: broken, srv: srv}
	be.expect("Options.FailEmail", be.do(req{method: "POST", path: "/users/initiatePasswordReset/1"}), rawBody(resetFailed))
	broken.Reset()
	if !broken.EmailFailing() {
		t.Error("Reset dropped Options.FailEmail")
	}
}

func TestEmailControlAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.run([]step{
		{"GET: working, empty log", req{path: "/_mispfake/email"}, []check{status(200), field(false, "fail"), field([]any{}, "emails")}},
		{"POST fail", req{method: "POST", path: "/_mispfake/email", body: map[string]any{"fail": true}}, []check{status(200), field(true, "fail")}},
		{"a reset fails", req{method: "POST", path: "/users/initiatePasswordReset/1"}, []check{rawBody(resetFailed)}},
		{"GET: failing, logged", req{path: "/_mispfake/email"}, []check{status(200), field(true, "fail"), func(r reply) string {
			l, _ := r.at("emails").([]any)
			if len(l) != 1 {
				return "want one e-mail: " + string(r.raw)
			}
			m, _ := l[0].(map[string]any)
			if m["to"] != "admin@admin.test" || m["user_id"] != "1" || m["sent"] != false || m["reason"] != mailNotSent || m["subject"] != subjReset {
				return "e-mail " + string(r.raw)
			}
			return ""
		}}},
		{"PUT without fail", req{method: "PUT", path: "/_mispfake/email", body: map[string]any{}}, []check{status(400)}},
		{"PUT fail false", req{method: "PUT", path: "/_mispfake/email", body: map[string]any{"fail": false}}, []check{status(200)}},
		{"DELETE clears the log", req{method: "DELETE", path: "/_mispfake/email"}, []check{status(200)}},
		{"GET: working again, empty", req{path: "/_mispfake/email"}, []check{field(false, "fail"), field([]any{}, "emails")}},
		{"only the site admin key", req{path: "/_mispfake/email", key: "Other0123456789abcdefghijklmnopqrstuvwxy"}, []check{status(403)}},
	})
}
