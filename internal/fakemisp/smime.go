package fakemisp

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"slices"
	"time"
)

// S/MIME certificate checks of User::validateCertificate (app/Model/User.php), which accepts a certif_public only
// when openssl_x509_read parses it and SendEmail::testSmimeCertificate (app/Lib/Tools/SendEmail.php) passes:
// encrypting an empty message to it with openssl_pkcs7_encrypt, then openssl_x509_parse's
// purposes[X509_PURPOSE_SMIME_ENCRYPT][0], then validTo_time_t > now. A failed test's exception message (with
// its previous exception's, after ": ") becomes the validation message. SMIME.enabled plays no part.

const (
	msgCertificateInvalid = "Certificate not valid, please enter a valid certificate (x509)."
	msgSMIMECannotEncrypt = "This S/MIME certificate cannot be used to encrypt email."
	// OpenSSL 3.0's first error for PKCS7_encrypt to a key other than RSA. MISP reads it with
	// openssl_error_string, which returns the oldest error the PHP process holds: a process that failed before can
	// report a stale one instead (e.g. "error:10800078:PKCS7 routines::error adding recipient"). The emulator
	// answers as a fresh process does.
	msgPKCS7KeyType = "Could not encrypt the S/MIME message: error:10800096:PKCS7 routines::encryption not supported for this key type"
)

var (
	oidExtKeyUsage      = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtExtKeyUsage   = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidExtNetscapeCType = asn1.ObjectIdentifier{2, 16, 840, 1, 113730, 1, 1}
)

// readPEMCertificate is openssl_x509_read on a string: PEM_read_bio_X509 skips text and PEM objects of other types
// until the first "CERTIFICATE" or "X509 CERTIFICATE" block, which must parse. DER and bare base64 are not read.
func readPEMCertificate(s string) (*x509.Certificate, bool) {
	rest := []byte(s)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, false
		}
		if block.Type != "CERTIFICATE" && block.Type != "X509 CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, false
		}
		return cert, true
	}
}

// smimeCertificateProblem returns the validation message MISP gives for certif_public, or "" when it accepts it.
func smimeCertificateProblem(s string, now time.Time) string {
	cert, ok := readPEMCertificate(s)
	if !ok {
		return msgCertificateInvalid
	}
	// PKCS#7 enveloped data needs an RSA recipient (rsaEncryption; RSA-PSS keys parse as unknown here and fail
	// in OpenSSL too).
	if cert.PublicKeyAlgorithm != x509.RSA {
		return msgSMIMECannotEncrypt + ": " + msgPKCS7KeyType
	}
	if !smimeEncryptPurpose(cert) {
		return msgSMIMECannotEncrypt
	}
	if !cert.NotAfter.After(now) {
		return "This S/MIME certificate expired at " + cert.NotAfter.UTC().Format("2006-01-02T15:04:05-07:00")
	}
	return ""
}

// smimeEncryptPurpose is OpenSSL 3.0's X509_check_purpose(cert, X509_PURPOSE_SMIME_ENCRYPT, 0) ==
// 1 (crypto/x509/v3_purp.c check_purpose_smime_encrypt): an extended key usage extension must list
// emailProtection (anyExtendedKeyUsage does not count); a Netscape certificate type extension must have the
// S/MIME or the SSL client bit; a key usage extension must have keyEncipherment.
func smimeEncryptPurpose(cert *x509.Certificate) bool {
	has := func(oid asn1.ObjectIdentifier) bool {
		return slices.ContainsFunc(cert.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oid) })
	}
	if has(oidExtExtKeyUsage) && !slices.Contains(cert.ExtKeyUsage, x509.ExtKeyUsageEmailProtection) {
		return false
	}
	for _, e := range cert.Extensions {
		if !e.Id.Equal(oidExtNetscapeCType) {
			continue
		}
		var bits asn1.BitString
		if _, err := asn1.Unmarshal(e.Value, &bits); err != nil {
			return false // OpenSSL marks the certificate invalid: no purpose passes.
		}
		// NS_SSL_CLIENT is bit 0 (0x80), NS_SMIME bit 2 (0x20).
		if bits.At(2) == 0 && bits.At(0) == 0 {
			return false
		}
	}
	if has(oidExtKeyUsage) && cert.KeyUsage&x509.KeyUsageKeyEncipherment == 0 {
		return false
	}
	return true
}
