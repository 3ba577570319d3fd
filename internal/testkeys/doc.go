// Package testkeys holds X.509 certificates and OpenPGP keys for tests of the MISP user fields certif_public and
// gpgkey: real ones that a production MISP 2.5.1 accepts, and real ones that it refuses, each with the answer MISP
// gave recorded next to it.
//
// They are test-only: made for this repository, never used for real mail, and of no value to anyone. No private
// key of a certificate was kept; the only private key here is SecretGPGKey, which exists to be refused.
//
// # How they were made
//
// generate.sh in this folder (openssl 3.0, GnuPG 2.2) wrote the files in files/:
//
//   - certificates: self-signed, `openssl ca -selfsign`, valid from 2024-01-01 to 2054-01-01 (ExpiredCertificate:
//     2000-01-01 to 2001-01-01), RSA 2048 unless named otherwise, with the extensions the constant's comment names;
//   - OpenPGP keys: `gpg --quick-gen-key`/`--quick-add-key` with --faked-system-time 2024-01-01, no passphrase,
//     30 years of validity (ExpiredGPGKey: created 2000-01-01, valid one year), exported ASCII-armoured.
//
// Running generate.sh again makes new keys; the fingerprints and the facts in the comments would then have to be
// checked against a real MISP again.
//
// # How they were checked
//
// Each one was sent as a new user's certif_public or gpgkey (POST /admin/users/add) to an unmodified MISP 2.5.1
// with GnuPG configured (GnuPG.homedir set, GnuPG.sign on, as in production) and S/MIME off (SMIME.enabled false,
// the default); accepted GnuPG keys were then read back (GET /admin/users/view/{id}: pgp_status, fingerprint) and
// the user's password reset (POST /users/initiatePasswordReset/{id}) with working mail. The answers are quoted in
// the comments. For the refused ones MISP answers HTTP 403 with the usual saveFail envelope, name and message
// "Could not add User" (or "Could not edit User"), url "/admin/users/add", and errors {field: [message]}.
package testkeys
