#!/bin/sh
# Regenerates the test-only certificates and OpenPGP keys in files/ (see doc.go). Run from this folder:
#   sh generate.sh
# Needs openssl (3.x) and gpg (2.2+). Every run makes new keys: afterwards check each against a real MISP again
# and update the fingerprints and facts recorded in keys.go. Private keys of the certificates are thrown away;
# the only private key kept is secret-key.asc, which exists to be refused.
set -eu
out=$(pwd)/files
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# --- X.509 certificates: self-signed, valid 2024-01-01 to 2054-01-01 (expired.pem: 2000 to 2001).
cat > ca.cnf <<'CNF'
[ca]
default_ca = tca
[tca]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = pol
email_in_dn = no
unique_subject = no
copy_extensions = none
[pol]
commonName = supplied
organizationName = optional
[smime]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:smime@example.org
[plain]
subjectKeyIdentifier = hash
[expired]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:expired@example.org
[no-email-protection]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = email:no-email-protection@example.org
[no-key-encipherment]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = emailProtection
subjectAltName = email:no-key-encipherment@example.org
[netscape-server]
nsCertType = server
[ecdsa]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyAgreement
extendedKeyUsage = emailProtection
subjectAltName = email:ecdsa@example.org
[ed25519]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:ed25519@example.org
CNF
touch index.txt
echo 1000 > serial
cert() { # name start end key-generation-options...
	n=$1 start=$2 end=$3
	shift 3
	openssl genpkey "$@" -out "$n.key" 2>/dev/null
	openssl req -new -key "$n.key" -out "$n.csr" \
		-subj "/CN=terraform-provider-misp test certificate ($n)/O=Test only, never used for mail"
	openssl ca -batch -config ca.cnf -selfsign -keyfile "$n.key" -in "$n.csr" -startdate "$start" -enddate "$end" \
		-extensions "$n" -out "$n.full" 2>/dev/null
	openssl x509 -in "$n.full" -out "$out/$n.pem"
}
for n in smime plain no-email-protection no-key-encipherment netscape-server; do
	cert $n 20240101000000Z 20540101000000Z -algorithm RSA -pkeyopt rsa_keygen_bits:2048
done
cert expired 20000101000000Z 20010101000000Z -algorithm RSA -pkeyopt rsa_keygen_bits:2048
cert ecdsa 20240101000000Z 20540101000000Z -algorithm EC -pkeyopt ec_paramgen_curve:P-256
cert ed25519 20240101000000Z 20540101000000Z -algorithm ED25519

# --- OpenPGP keys, no passphrase, created at 2024-01-01 and valid 30 years (expired-key.asc: 2000 to 2001).
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
g() { gpg --batch --quiet --pinentry-mode loopback --passphrase '' "$@"; }
fpr() { gpg --with-colons --list-keys "$1" | awk -F: '/^fpr/ {print $10; exit}'; }
uid() { echo "terraform-provider-misp test key ($1; test only, never used for mail) <$1@example.org>"; }
now=--faked-system-time=20240101T000000
g $now --quick-gen-key "$(uid rsa)" rsa3072 sign,cert 30y
g $now --quick-add-key "$(fpr rsa@example.org)" rsa3072 encr 30y
g $now --quick-gen-key "$(uid ed25519)" ed25519 sign,cert 30y
g $now --quick-add-key "$(fpr ed25519@example.org)" cv25519 encr 30y
g $now --quick-gen-key "$(uid sign-only)" rsa3072 sign,cert 30y
g $now --quick-gen-key "$(uid revoked)" rsa3072 sign,cert 30y
g $now --quick-add-key "$(fpr revoked@example.org)" rsa3072 encr 30y
sed 's/^:-----BEGIN/-----BEGIN/' "$GNUPGHOME/openpgp-revocs.d/$(fpr revoked@example.org).rev" > revoke.asc
g --import revoke.asc
g $now --quick-gen-key "$(uid secret)" rsa3072 sign,cert 30y
g $now --quick-add-key "$(fpr secret@example.org)" rsa3072 encr 30y
g --faked-system-time=20000101T000000 --quick-gen-key "$(uid expired)" rsa3072 sign,cert 1y
g --faked-system-time=20000101T000010 --quick-add-key "$(fpr expired@example.org)" rsa3072 encr 1y
for k in rsa ed25519 sign-only revoked expired; do
	gpg --armor --export "$k@example.org" > "$out/$k-key.asc"
done
g --armor --export-secret-keys secret@example.org > "$out/secret-key.asc"
