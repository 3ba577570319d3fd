package fakemisp

import "time"

// E-mail as User::sendEmail and SendEmail::sendToUser (app/Model/User.php, app/Lib/Tools/SendEmail.php) send it
// with the emulated configuration: GnuPG.sign on, SMIME.enabled off, GnuPG.onlyencrypted off, MISP.org "ORGNAME".
// Nothing is delivered; each attempt is logged (Emails). Of the endpoints emulated, two send e-mail:
// POST /users/initiatePasswordReset/{id} (it changes the password only when the e-mail went out) and
// POST /admin/users/add with "notify" (the user is created either way; only when the e-mail went out are the
// password saved again, last_pw_change and change_pw set).

// mispOrg is the MISP.org setting, which the subjects quote.
const mispOrg = "ORGNAME"

// Reasons SendEmail gives for a failed e-mail (MISP logs them as 'Email to … failed. Reason: …').
const (
	mailNotSent          = "The message could not be sent."
	mailKeyUnusable      = "The message could not be encrypted because the provided GPG key is either expired or cannot be used for encryption."
	mailEncryptFailed    = "The message could not be encrypted by GPG."
	subjectNewUser       = "[" + mispOrg + " MISP] New user registration"
	subjectPasswordReset = "[" + mispOrg + " MISP] Password reset"
)

// Email is one e-mail the emulated MISP sent or tried to send (JSON as the control API shows it).
type Email struct {
	Time      time.Time `json:"time"`
	UserID    string    `json:"user_id"`
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Encrypted bool      `json:"encrypted"`        // encrypted to the user's gpgkey
	Sent      bool      `json:"sent"`             // false: it failed, see Reason
	Reason    string    `json:"reason,omitempty"` // why it failed, as MISP logs it
}

// maxEmailLog bounds the e-mail log.
const maxEmailLog = 10000

// sendEmail is User::sendEmail to user u; it reports whether MISP counts the e-mail as sent. Callers hold s.mu.
func (s *Server) sendEmail(u row, subject string) bool {
	// A disabled user gets nothing, and that counts as success.
	if u.bool("disabled") {
		return true
	}
	m := Email{Time: s.now(), UserID: itoa(u.id()), To: u.str("email"), Subject: subject}
	now := s.now()
	if key := u.str("gpgkey"); key != "" {
		switch {
		case !gpgKeyHasEncryptionSubkey(key, now):
			m.Reason = mailKeyUnusable
		case !gpgKeyEncryptable(key, now):
			m.Reason = mailEncryptFailed
		default:
			m.Encrypted = true
		}
	}
	if m.Reason == "" && s.mailFails {
		m.Reason = mailNotSent
	}
	m.Sent = m.Reason == ""
	if len(s.emails) >= maxEmailLog {
		s.emails = append(s.emails[:0], s.emails[len(s.emails)-maxEmailLog/2:]...)
	}
	s.emails = append(s.emails, m)
	return m.Sent
}

// gpgKeyHasEncryptionSubkey is SendEmail::importAndValidateGpgPublicKey: some key of the keyring listing can
// encrypt and has not expired (revocation is not looked at here; gpg refuses the encryption later).
func gpgKeyHasEncryptionSubkey(s string, now time.Time) bool {
	l := listGPGKeys(s)
	if len(l.public) == 0 {
		return false
	}
	for _, k := range gpgSubKeys(l.public[0], now) {
		if k.encrypt && (k.expires == 0 || now.Unix() < k.expires) {
			return true
		}
	}
	return false
}

// Emails returns the e-mails MISP sent or tried to send since the last Reset, oldest first.
func (s *Server) Emails() []Email {
	return read(s, func() []Email { return append([]Email(nil), s.emails...) })
}

// ClearEmails empties the e-mail log.
func (s *Server) ClearEmails() {
	s.mutate(func() bool {
		s.emails = nil
		return false // the e-mail log is not part of the stored data
	})
}

// SetEmailFailing makes every e-mail MISP would send fail (true), as when its mail transport is broken, or work
// again (false). Reset goes back to Options.FailEmail.
func (s *Server) SetEmailFailing(fail bool) {
	s.mutate(func() bool {
		s.mailFails = fail
		return false // a setting, not stored data
	})
}

// EmailFailing reports whether e-mail fails (SetEmailFailing, Options.FailEmail).
func (s *Server) EmailFailing() bool {
	return read(s, func() bool { return s.mailFails })
}
