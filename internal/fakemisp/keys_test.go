package fakemisp_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/misp-iac/terraform-provider-misp/internal/fakemisp"
	"github.com/misp-iac/terraform-provider-misp/internal/testkeys"
)

// The answers below are real MISP 2.5.1's (GnuPG configured), as recorded in package testkeys.

const (
	msgCertInvalid    = "Certificate not valid, please enter a valid certificate (x509)."
	msgCannotEncrypt  = "This S/MIME certificate cannot be used to encrypt email."
	msgNoKeyType      = msgCannotEncrypt + ": Could not encrypt the S/MIME message: error:10800096:PKCS7 routines::encryption not supported for this key type"
	msgGPGInvalid     = "GnuPG key not valid, please enter a valid key."
	msgInternalError  = "An Internal Error Has Occurred."
	msgNoEncSubkey    = "The user's PGP key does not include a valid subkey that could be used for encryption."
	statusSignOnly    = msgNoEncSubkey + " Found 1 subkey that is sign only."
	statusExpired     = msgNoEncSubkey + " Found 2 subkeys that have expired."
	revokedKeyFpr     = "EB46BD05135501564FE3383FD13D6969803D184A"
	signOnlyKeyFpr    = "01DE85F4F0DD7F1E32B9052F763BCD2F76C29305"
	expiredKeyFpr     = "B2896E00AAD31129CDED047051F6453170C97847"
	userAddFailEnvURL = "/admin/users/add"
)

// rawPrefix expects the body to start with p.
func rawPrefix(p string) check {
	return func(r reply) string {
		if !strings.HasPrefix(string(r.raw), p) {
			return "body " + string(r.raw) + ", want prefix " + p
		}
		return ""
	}
}

// rawBody expects the body to be exactly want.
func rawBody(want string) check {
	return func(r reply) string {
		if string(r.raw) != want {
			return "body " + string(r.raw) + "\nwant " + want
		}
		return ""
	}
}

func contentType(want string) check {
	return func(r reply) string {
		if got := r.header.Get("Content-Type"); got != want {
			return "content type " + got + ", want " + want
		}
		return ""
	}
}

// refused is the saveFail envelope of a refused admin add with one field error.
func refused(fieldName, msg string) []check {
	return []check{status(403), field(false, "saved"), field("Could not add User", "name"), field("Could not add User", "message"),
		field(userAddFailEnvURL, "url"), field(map[string]any{fieldName: []any{msg}}, "errors"), absent("id")}
}

// withChecksum replaces the armour checksum line of key ("=XXXX") by sum, or removes it when sum is "".
func withChecksum(t *testing.T, key, sum string) string {
	t.Helper()
	lines := strings.Split(key, "\n")
	for i, l := range lines {
		if len(l) == 5 && l[0] == '=' {
			if sum == "" {
				return strings.Join(append(lines[:i:i], lines[i+1:]...), "\n")
			}
			if sum == l {
				sum = "=BBBB"
			}
			lines[i] = sum
			return strings.Join(lines, "\n")
		}
	}
	t.Fatal("no checksum line in the key")
	return ""
}

func TestUserCertificateValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	trimmed := strings.TrimSpace(testkeys.SMIMECertificate)
	cases := []struct {
		name, cert string
		checks     []check
	}{
		{"RSA S/MIME certificate: accepted, stored trimmed", "\n  " + testkeys.SMIMECertificate + "\n\n",
			[]check{status(200), field(trimmed, "User", "certif_public")}},
		{"RSA certificate without usage extensions: accepted", testkeys.PlainRSACertificate, []check{status(200)}},
		{"text before the PEM block: accepted, kept", "Subject: me\n" + testkeys.SMIMECertificate,
			[]check{status(200), field("Subject: me\n"+trimmed, "User", "certif_public")}},
		{"\"X509 CERTIFICATE\" header: accepted", strings.ReplaceAll(testkeys.SMIMECertificate, "CERTIFICATE", "X509 CERTIFICATE"),
			[]check{status(200)}},
		{"two certificates: the first one counts (accepted)", testkeys.SMIMECertificate + testkeys.ECDSACertificate, []check{status(200)}},
		{"two certificates: the first one counts (refused)", testkeys.ECDSACertificate + testkeys.SMIMECertificate,
			refused("certif_public", msgNoKeyType)},
		{"ECDSA certificate", testkeys.ECDSACertificate, refused("certif_public", msgNoKeyType)},
		{"Ed25519 certificate", testkeys.Ed25519Certificate, refused("certif_public", msgNoKeyType)},
		{"expired RSA certificate", testkeys.ExpiredCertificate,
			refused("certif_public", "This S/MIME certificate expired at 2001-01-01T00:00:00+00:00")},
		{"no emailProtection", testkeys.NoEmailProtectionCertificate, refused("certif_public", msgCannotEncrypt)},
		{"no keyEncipherment", testkeys.NoKeyEnciphermentCertificate, refused("certif_public", msgCannotEncrypt)},
		{"Netscape type server only", testkeys.NetscapeServerCertificate, refused("certif_public", msgCannotEncrypt)},
		{"garbage", testkeys.GarbageCertificate, refused("certif_public", msgCertInvalid)},
		{"base64 without PEM lines", strings.Join(strings.Split(trimmed, "\n")[1:strings.Count(trimmed, "\n")], "\n"),
			refused("certif_public", msgCertInvalid)},
	}
	for i, tc := range cases {
		body := map[string]any{"email": "cert" + itoa(i) + "@example.org", "org_id": 1, "role_id": 3, "certif_public": tc.cert}
		e.expect(tc.name, e.do(req{method: "POST", path: "/admin/users/add", body: body}), tc.checks...)
	}
	// The same check on edit, admin and self.
	e.expect("admin edit", e.do(req{method: "POST", path: "/admin/users/edit/1", body: map[string]any{
		"User": map[string]any{"certif_public": testkeys.ExpiredCertificate}}}),
		status(403), field("Could not edit User", "name"), field("/admin/users/edit/1", "url"), field("1", "id"),
		field(map[string]any{"certif_public": []any{"This S/MIME certificate expired at 2001-01-01T00:00:00+00:00"}}, "errors"))
	e.expect("self edit", e.do(req{method: "POST", path: "/users/edit", body: map[string]any{"certif_public": testkeys.ECDSACertificate}}),
		status(403), field("The profile could not be updated. Please, try again.", "errors"), field("/users/edit/1", "url"))
	e.expect("garbage and bad key together: gpgkey first", e.do(req{method: "POST", path: "/admin/users/add", body: map[string]any{
		"email": "both@example.org", "org_id": 1, "role_id": 3, "gpgkey": testkeys.GarbageGPGKey, "certif_public": testkeys.GarbageCertificate}}),
		status(403), rawBody(`{"saved":false,"name":"Could not add User","message":"Could not add User","url":"/admin/users/add","errors":{"gpgkey":["`+
			msgGPGInvalid+`"],"certif_public":["`+msgCertInvalid+`"]}}`))

	// Expiry is checked against MISP's clock.
	late := fakemisp.New(fakemisp.Options{AdminKey: testAdminKey, Seed: 1,
		Now: func() time.Time { return time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC) }})
	srv := httptest.NewServer(late)
	t.Cleanup(srv.Close)
	le := &env{t: t, s: late, srv: srv}
	le.expect("a certificate past its notAfter", le.do(req{method: "POST", path: "/admin/users/add", body: map[string]any{
		"email": "late@example.org", "org_id": 1, "role_id": 3, "certif_public": testkeys.SMIMECertificate}}),
		refused("certif_public", "This S/MIME certificate expired at 2054-01-01T00:00:00+00:00")...)
}

func TestUserGPGKeyValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := []struct {
		name string
		key  any
		want []check
	}{
		{"RSA key: accepted, stored trimmed", "\n " + testkeys.RSAGPGKey + "  \n",
			[]check{status(200), field(strings.TrimSpace(testkeys.RSAGPGKey), "User", "gpgkey")}},
		{"Ed25519 key", testkeys.Ed25519GPGKey, []check{status(200)}},
		{"sign-only key: accepted", testkeys.SignOnlyGPGKey, []check{status(200)}},
		{"revoked key: accepted", testkeys.RevokedGPGKey, []check{status(200)}},
		{"expired key: accepted", testkeys.ExpiredGPGKey, []check{status(200)}},
		{"text before the armour: accepted", "My key:\n" + testkeys.RSAGPGKey, []check{status(200)}},
		{"no checksum line: accepted", withChecksum(t, testkeys.RSAGPGKey, ""), []check{status(200)}},
		{"CRLF line ends: accepted", strings.ReplaceAll(testkeys.SignOnlyGPGKey, "\n", "\r\n"), []check{status(200)}},
		{"wrong checksum", withChecksum(t, testkeys.SignOnlyGPGKey, "=AAAA"), refused("gpgkey", msgGPGInvalid)},
		{"two public keys", testkeys.RSAGPGKey + testkeys.Ed25519GPGKey, refused("gpgkey", msgGPGInvalid)},
		{"garbage", testkeys.GarbageGPGKey, refused("gpgkey", msgGPGInvalid)},
		{"a list", []any{testkeys.RSAGPGKey}, refused("gpgkey", msgGPGInvalid)},
		{"a number", 12345, refused("gpgkey", msgGPGInvalid)},
		{"secret key block: PHP error", testkeys.SecretGPGKey,
			[]check{status(500), rawBody(`{"name":"An Internal Error Has Occurred.","message":"An Internal Error Has Occurred.","url":"\/admin\/users\/add"}`)}},
	}
	for i, tc := range cases {
		body := map[string]any{"email": "gpg" + itoa(i) + "@example.org", "org_id": 1, "role_id": 3, "gpgkey": tc.key}
		e.expect(tc.name, e.do(req{method: "POST", path: "/admin/users/add", body: body}), tc.want...)
	}
	e.run([]step{
		{"admin edit with a secret key: 500", req{method: "POST", path: "/admin/users/edit/1", body: map[string]any{"gpgkey": testkeys.SecretGPGKey}},
			[]check{exc(500, msgInternalError), field("/admin/users/edit/1", "url")}},
		{"self edit with a secret key: 500", req{method: "POST", path: "/users/edit", body: map[string]any{"gpgkey": testkeys.SecretGPGKey}},
			[]check{exc(500, msgInternalError)}},
		{"self edit with garbage", req{method: "POST", path: "/users/edit", body: map[string]any{"gpgkey": "garbage"}},
			[]check{status(403), field("The profile could not be updated. Please, try again.", "errors")}},
		{"admin edit with two keys", req{method: "POST", path: "/admin/users/edit/1", body: map[string]any{
			"User": map[string]any{"gpgkey": testkeys.RSAGPGKey + "\n" + testkeys.Ed25519GPGKey}}},
			[]check{status(403), field(map[string]any{"gpgkey": []any{msgGPGInvalid}}, "errors")}},
		{"self edit with an array e-mail: PHP error", req{method: "POST", path: "/users/edit", body: map[string]any{"email": []any{"a"}}},
			[]check{exc(500, msgInternalError)}},
	})
}

func TestUserGPGKeyStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := []struct {
		name, key, status, fingerprint string
	}{
		{"RSA", testkeys.RSAGPGKey, "OK", testkeys.RSAGPGKeyFingerprint},
		{"Ed25519", testkeys.Ed25519GPGKey, "OK", testkeys.Ed25519GPGKeyFingerprint},
		{"sign only", testkeys.SignOnlyGPGKey, statusSignOnly, signOnlyKeyFpr},
		{"revoked: MISP ignores revocation here", testkeys.RevokedGPGKey, "OK", revokedKeyFpr},
		{"expired", testkeys.ExpiredGPGKey, statusExpired, expiredKeyFpr},
	}
	for i, tc := range cases {
		r := e.do(req{method: "POST", path: "/admin/users/add", body: map[string]any{
			"email": "view" + itoa(i) + "@example.org", "org_id": 1, "role_id": 3, "gpgkey": tc.key}})
		e.expect(tc.name+": add answer has no GnuPG details", r, status(200), absent("User", "pgp_status"), absent("User", "fingerprint"))
		id, _ := r.at("User", "id").(string)
		for _, p := range []string{"/admin/users/view/" + id, "/users/view/" + id} {
			e.expect(tc.name+": "+p, e.do(req{path: p}), status(200), field(tc.status, "User", "pgp_status"),
				field(tc.fingerprint, "User", "fingerprint"))
		}
	}
	e.expect("no gpgkey: no GnuPG details", e.do(req{path: "/admin/users/view/1"}), absent("User", "pgp_status"), absent("User", "fingerprint"))
	e.expect("self edit answer: no GnuPG details", e.do(req{method: "POST", path: "/users/edit", body: map[string]any{"gpgkey": testkeys.RSAGPGKey}}),
		status(200), absent("User", "pgp_status"), field(strings.TrimSpace(testkeys.RSAGPGKey), "User", "gpgkey"))
	e.expect("own view after it", e.do(req{path: "/users/view/me"}), field("OK", "User", "pgp_status"),
		field(testkeys.RSAGPGKeyFingerprint, "User", "fingerprint"))

	// Values only the Go API can store (MISP's validation would refuse them): verifySingleGPG's other answers.
	stored := []struct {
		name, key string
		checks    []check
	}{
		{"garbage", "garbage", []check{status(200),
			field("Key data provided, but gpg process output could not be parsed: ", "User", "pgp_status"), field("N/A", "User", "fingerprint")}},
		{"two keys", testkeys.RSAGPGKey + testkeys.SignOnlyGPGKey, []check{status(200),
			field("Multiple or no key found", "User", "pgp_status"), field("N/A", "User", "fingerprint")}},
		{"secret key: the view fails", testkeys.SecretGPGKey, []check{exc(500, msgInternalError)}},
	}
	for i, tc := range stored {
		id, _ := e.mustUser(map[string]any{"email": "stored" + itoa(i) + "@example.org", "gpgkey": tc.key})
		e.expect("stored "+tc.name, e.do(req{path: "/admin/users/view/" + id}), tc.checks...)
	}
	if u, ok := e.s.UserByEmail("stored2@example.org"); !ok || u["gpgkey"] != testkeys.SecretGPGKey {
		t.Errorf("the Go API must still read a user whose view crashes: %v %v", ok, u["gpgkey"])
	}
}
