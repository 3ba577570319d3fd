package testkeys

import _ "embed" // the fixtures are files in files/

// Certificates (certif_public). MISP runs app/Model/User.php User::validateCertificate: openssl_x509_read, then
// app/Lib/Tools/SendEmail.php SendEmail::testSmimeCertificate, which S/MIME-encrypts an empty message to the
// certificate (openssl_pkcs7_encrypt), checks the "S/MIME encryption" purpose (X509_check_purpose) and the expiry,
// in that order.

// SMIMECertificate is an RSA certificate made for S/MIME: key usage digitalSignature and keyEncipherment (critical),
// extended key usage emailProtection, subjectAltName email:smime@example.org. MISP accepts it and stores it as sent
// (trimmed of surrounding whitespace).
//
//go:embed files/smime.pem
var SMIMECertificate string

// PlainRSACertificate is an RSA certificate without key usage, extended key usage or Netscape certificate type
// extensions. MISP accepts it: without those extensions every purpose is allowed.
//
//go:embed files/plain.pem
var PlainRSACertificate string

// ExpiredCertificate is SMIMECertificate's kind of certificate, valid only in the year 2000. MISP refuses it:
//
//	This S/MIME certificate expired at 2001-01-01T00:00:00+00:00
//
//go:embed files/expired.pem
var ExpiredCertificate string

// ECDSACertificate is an S/MIME certificate (emailProtection) for an ECDSA P-256 key. OpenSSL cannot encrypt
// PKCS#7 to it, and MISP refuses it with OpenSSL's reason:
//
//	This S/MIME certificate cannot be used to encrypt email.: Could not encrypt the S/MIME message: error:10800096:PKCS7 routines::encryption not supported for this key type
//
// MISP reads the reason with openssl_error_string, which returns the oldest error left in the PHP process, so an
// Apache process that failed before may report a stale one after the fixed prefix instead (seen:
// "error:10800078:PKCS7 routines::error adding recipient", the second error of the previous failure, and
// "error:0480006C:PEM routines::no start line", left by an earlier unparsable certificate).
//
//go:embed files/ecdsa.pem
var ECDSACertificate string

// Ed25519Certificate is an S/MIME certificate for an Ed25519 key. MISP refuses it like ECDSACertificate (same
// message, same caveat about the OpenSSL reason).
//
//go:embed files/ed25519.pem
var Ed25519Certificate string

// NoEmailProtectionCertificate is an RSA certificate whose extended key usage is serverAuth and clientAuth only.
// Encryption works, but the S/MIME encryption purpose check fails, and MISP refuses it:
//
//	This S/MIME certificate cannot be used to encrypt email.
//
//go:embed files/no-email-protection.pem
var NoEmailProtectionCertificate string

// NoKeyEnciphermentCertificate is an RSA certificate with extended key usage emailProtection but key usage
// digitalSignature and nonRepudiation only (no keyEncipherment). MISP refuses it:
//
//	This S/MIME certificate cannot be used to encrypt email.
//
//go:embed files/no-key-encipherment.pem
var NoKeyEnciphermentCertificate string

// NetscapeServerCertificate is an RSA certificate whose only extension is the Netscape certificate type "server"
// (no S/MIME, no SSL client bit). MISP refuses it:
//
//	This S/MIME certificate cannot be used to encrypt email.
//
//go:embed files/netscape-server.pem
var NetscapeServerCertificate string

// GarbageCertificate is text that is no PEM certificate. MISP refuses it (openssl_x509_read fails):
//
//	Certificate not valid, please enter a valid certificate (x509).
const GarbageCertificate = "this is not a certificate"

// OpenPGP keys (gpgkey). With GnuPG configured MISP runs app/Model/User.php User::validateGpgkey:
// app/Lib/Tools/GpgTool.php GpgTool::validateGpgKey lists the keys of the block (gpg --import --import-options
// show-only --with-colons) and wants exactly one public key; it does not look at expiry, revocation or usage.
// Those only show in the user view's pgp_status (User::verifySingleGPG) and when MISP e-mails the user: it then
// encrypts to the key, and an unusable key makes the e-mail, and with it a password reset, fail.

// RSAGPGKey is an RSA 3072 key (sign, certify) with an RSA 3072 encryption subkey. MISP accepts it; the user view
// shows pgp_status "OK" and fingerprint RSAGPGKeyFingerprint; a password reset e-mail is sent encrypted.
//
//go:embed files/rsa-key.asc
var RSAGPGKey string

// RSAGPGKeyFingerprint is RSAGPGKey's primary key fingerprint as MISP shows it.
const RSAGPGKeyFingerprint = "F3C68D58D8ACFB10A3FC34B5D89ADD51BDE2B7EE"

// Ed25519GPGKey is an Ed25519 key with a Curve25519 encryption subkey. MISP accepts it; pgp_status "OK",
// fingerprint Ed25519GPGKeyFingerprint; a password reset e-mail is sent encrypted.
//
//go:embed files/ed25519-key.asc
var Ed25519GPGKey string

// Ed25519GPGKeyFingerprint is Ed25519GPGKey's primary key fingerprint as MISP shows it.
const Ed25519GPGKeyFingerprint = "BCD2AC2439873A82C99D2D2E7148A0CBD832D56A"

// SignOnlyGPGKey is an RSA 3072 key without an encryption subkey. MISP accepts it; the user view shows
//
//	pgp_status: The user's PGP key does not include a valid subkey that could be used for encryption. Found 1 subkey that is sign only.
//	fingerprint: 01DE85F4F0DD7F1E32B9052F763BCD2F76C29305
//
// and a password reset fails (e-mail "could not be encrypted because the provided GPG key is either expired or
// cannot be used for encryption"): HTTP 200 {"saved":false,"errors":"There was an error notifying the user.
// His/her credentials were not altered."}.
//
//go:embed files/sign-only-key.asc
var SignOnlyGPGKey string

// RevokedGPGKey is an RSA 3072 key with an encryption subkey, revoked by its own revocation certificate. MISP
// accepts it and the user view even shows pgp_status "OK" (fingerprint EB46BD05135501564FE3383FD13D6969803D184A):
// verifySingleGPG ignores revocation. A password reset fails ("The message could not be encrypted by GPG."),
// with the answer quoted at SignOnlyGPGKey.
//
//go:embed files/revoked-key.asc
var RevokedGPGKey string

// ExpiredGPGKey is an RSA 3072 key with an encryption subkey, both expired on 2001-01-01. MISP accepts it; the
// user view shows
//
//	pgp_status: The user's PGP key does not include a valid subkey that could be used for encryption. Found 2 subkeys that have expired.
//	fingerprint: B2896E00AAD31129CDED047051F6453170C97847
//
// and a password reset fails, with the answer quoted at SignOnlyGPGKey.
//
//go:embed files/expired-key.asc
var ExpiredGPGKey string

// SecretGPGKey is an exported secret key block (RSA 3072 with an encryption subkey, no passphrase). MISP does not
// refuse it cleanly: parsing gpg's listing ("sec" instead of "pub" lines) fails with a PHP error, and the answer is
// HTTP 500 {"name":"An Internal Error Has Occurred.","message":"An Internal Error Has Occurred.","url":"\/admin\/users\/add"}.
//
//go:embed files/secret-key.asc
var SecretGPGKey string

// GarbageGPGKey is text that is no OpenPGP data. MISP refuses it:
//
//	GnuPG key not valid, please enter a valid key.
//
// So does it refuse two public keys in one value (RSAGPGKey and Ed25519GPGKey one after the other), a revocation
// certificate alone, and an armoured key whose CRC-24 checksum line is wrong; it accepts an armoured key without
// the checksum line, and text before the armour.
const GarbageGPGKey = "this is not an OpenPGP key"
