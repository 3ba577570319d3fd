package fakemisp

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// The emulated MISP has GnuPG configured (GnuPG.homedir set, GnuPG.sign on), as production installs do. MISP asks
// gpg about a user's gpgkey in three places, all emulated here with github.com/ProtonMail/go-crypto:
//
//   - validation (User::validateGpgkey → GpgTool::validateGpgKey → CryptGpgExtended::keyInfo, which parses
//     `gpg --import --import-options show-only --with-colons`): exactly one public key, nothing else checked;
//   - the user views' pgp_status and fingerprint (User::verifySingleGPG);
//   - e-mail to the user (SendEmail::sendToUser), which encrypts to the key and fails when it cannot.

const (
	msgGPGKeyInvalid = "GnuPG key not valid, please enter a valid key."
	// CryptGpgExtended::keyInfo's exception when gpg lists no key (its output, empty here, follows the colon).
	msgGPGNoOutput = "Key data provided, but gpg process output could not be parsed: "
)

// gpgListing is what CryptGpgExtended::keyInfo makes of a gpgkey value.
type gpgListing struct {
	// crash: the first key gpg lists is a secret key ("sec" line), so keyInfo dereferences a null sub-key on the
	// "fpr" line that follows: a PHP Error that no catch (Exception) handles, i.e. HTTP 500.
	crash bool
	// readable: gpg found OpenPGP data with at least one key (otherwise keyInfo throws msgGPGNoOutput).
	readable bool
	// public holds the public keys ("pub" lines) in order; secret keys after a public one are not counted.
	public []*openpgp.Entity
}

// listGPGKeys reads every key of s as `gpg --import` does: each ASCII-armoured block in turn (text around the
// blocks is ignored; a CRC-24 checksum line, when present, must match), or s as binary packets when it holds no
// armour.
func listGPGKeys(s string) gpgListing {
	var entities openpgp.EntityList
	blocks, ok := armoredBlocks(s)
	if !ok {
		return gpgListing{}
	}
	if blocks == nil {
		blocks = [][]byte{[]byte(s)}
	}
	for _, b := range blocks {
		el, err := openpgp.ReadKeyRing(bytes.NewReader(b))
		if err != nil {
			continue
		}
		entities = append(entities, el...)
	}
	var l gpgListing
	for i, e := range entities {
		l.readable = true
		if e.PrivateKey != nil {
			if i == 0 {
				l.crash = true
			}
			continue
		}
		l.public = append(l.public, e)
	}
	return l
}

// armoredBlocks decodes the ASCII-armoured blocks of s. It returns nil, true when s has none, and false when a
// block is corrupt (bad base64, wrong checksum), which makes gpg give up.
func armoredBlocks(s string) ([][]byte, bool) {
	var out [][]byte
	rest := s
	for {
		start := strings.Index(rest, "-----BEGIN PGP ")
		if start < 0 {
			return out, true
		}
		rest = rest[start:]
		end := strings.Index(rest, "-----END PGP ")
		if end < 0 {
			return nil, false
		}
		blockEnd := end + len("-----END PGP ")
		if nl := strings.IndexByte(rest[blockEnd:], '\n'); nl >= 0 {
			blockEnd += nl + 1
		} else {
			blockEnd = len(rest)
		}
		text := rest[:blockEnd]
		rest = rest[blockEnd:]
		blk, err := armor.Decode(strings.NewReader(text))
		if err != nil {
			return nil, false
		}
		body, err := io.ReadAll(blk.Body)
		if err != nil {
			return nil, false
		}
		// go-crypto does not check the checksum; gpg refuses a wrong one ("CRC error") and accepts a missing one.
		if sum, ok := armorChecksum(text); ok && sum != crc24(body) {
			return nil, false
		}
		out = append(out, body)
	}
}

// armorChecksum returns the CRC-24 of an armoured block's "=XXXX" line, if it has one.
func armorChecksum(text string) (uint32, bool) {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if len(line) != 5 || line[0] != '=' {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(line[1:])
		if err != nil || len(b) != 3 {
			return 0, false
		}
		return uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]), true
	}
	return 0, false
}

// crc24 is the OpenPGP armour checksum (RFC 4880 §6.1).
func crc24(data []byte) uint32 {
	const init, poly = 0xB704CE, 0x1864CFB
	crc := uint32(init)
	for _, b := range data {
		crc ^= uint32(b) << 16
		for range 8 {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= poly
			}
		}
	}
	return crc & 0xFFFFFF
}

// gpgKeyVerdict is User::validateGpgkey for a non-empty value: "" when valid, else the message; crash means MISP
// answers 500 instead.
func gpgKeyVerdict(s string) (msg string, crash bool) {
	l := listGPGKeys(s)
	if l.crash {
		return "", true
	}
	if len(l.public) != 1 {
		return msgGPGKeyInvalid, false
	}
	return "", false
}

// gpgSubKey is one "pub"/"sub" line as Crypt_GPG_SubKey::parse reads it.
type gpgSubKey struct {
	expires int64 // unix time; 0 for never
	encrypt bool  // "e" among its own capabilities
	revoked bool
}

// gpgSubKeys lists the primary key and the subkeys of e with gpg's view of their expiry and capabilities.
func gpgSubKeys(e *openpgp.Entity, now time.Time) []gpgSubKey {
	selfSig, _ := e.PrimarySelfSignature()
	keys := []gpgSubKey{describeGPGKey(e.PrimaryKey, selfSig, e.Revoked(now))}
	for i := range e.Subkeys {
		sk := &e.Subkeys[i]
		keys = append(keys, describeGPGKey(sk.PublicKey, sk.Sig, sk.Revoked(now)))
	}
	return keys
}

func describeGPGKey(pk *packet.PublicKey, sig *packet.Signature, revoked bool) gpgSubKey {
	k := gpgSubKey{revoked: revoked}
	if sig != nil && sig.KeyLifetimeSecs != nil && *sig.KeyLifetimeSecs != 0 {
		k.expires = pk.CreationTime.Unix() + int64(*sig.KeyLifetimeSecs)
	}
	if sig != nil && sig.FlagsValid {
		k.encrypt = sig.FlagEncryptCommunications || sig.FlagEncryptStorage
	} else {
		// Without key flags gpg assumes what the algorithm can do (openpgp_pk_algo_usage).
		switch pk.PubKeyAlgo {
		case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoElGamal, packet.PubKeyAlgoECDH,
			packet.PubKeyAlgoX25519, packet.PubKeyAlgoX448:
			k.encrypt = true
		}
	}
	return k
}

// gpgKeyStatus is User::verifySingleGPG as the user views show it (pgp_status, fingerprint); crash means the view
// answers 500.
func gpgKeyStatus(s string, now time.Time) (status, fingerprint string, crash bool) {
	l := listGPGKeys(s)
	switch {
	case l.crash:
		return "", "", true
	case !l.readable:
		return msgGPGNoOutput, "N/A", false
	case len(l.public) != 1:
		return "Multiple or no key found", "N/A", false
	}
	e := l.public[0]
	fingerprint = strings.ToUpper(fmt.Sprintf("%x", e.PrimaryKey.Fingerprint))
	valid, expired, noEncrypt := 0, 0, 0
	for _, k := range gpgSubKeys(e, now) {
		switch {
		case k.expires != 0 && now.Unix() > k.expires:
			expired++
		case !k.encrypt:
			noEncrypt++
		default:
			valid++
		}
	}
	if valid > 0 {
		return "OK", fingerprint, false
	}
	status = "The user's PGP key does not include a valid subkey that could be used for encryption."
	switch {
	case expired == 1:
		status += " Found 1 subkey that have expired."
	case expired > 1:
		status += fmt.Sprintf(" Found %d subkeys that have expired.", expired)
	}
	switch {
	case noEncrypt == 1:
		status += " Found 1 subkey that is sign only."
	case noEncrypt > 1:
		status += fmt.Sprintf(" Found %d subkeys that are sign only.", noEncrypt)
	}
	return status, fingerprint, false
}

// gpgKeyEncryptable reports whether MISP can encrypt an e-mail to s (SendEmail::importAndValidateGpgPublicKey,
// then gpg's own encryption): a public key that is neither revoked nor expired, with an encryption-capable key
// (a subkey, or the primary) that is neither revoked nor expired.
func gpgKeyEncryptable(s string, now time.Time) bool {
	l := listGPGKeys(s)
	if len(l.public) == 0 {
		return false
	}
	e := l.public[0]
	keys := gpgSubKeys(e, now)
	primary := keys[0]
	if primary.revoked || (primary.expires != 0 && now.Unix() >= primary.expires) {
		return false
	}
	if _, id := e.PrimarySelfSignature(); id != nil && id.Revoked(now) {
		return false
	}
	for _, k := range keys {
		if k.encrypt && !k.revoked && (k.expires == 0 || now.Unix() < k.expires) {
			return true
		}
	}
	return false
}
