package fakemisp

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"
)

// emailRe is User::validateEmail (PCRE flags /ui).
var emailRe = regexp.MustCompile("(?i)^[\\p{L}0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[\\p{L}0-9!#$%&'*+/=?^_`{|}~-]+)*@[a-z0-9_\\-.]+$")

// uuidRe is CakePHP's Validation::uuid (versions 0–5 only).
var uuidRe = regexp.MustCompile(`(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-5][0-9a-f]{3}-[089ab][0-9a-f]{3}-[0-9a-f]{12}$`)

const passwordPolicyLength = 12

// complexPassword evaluates MISP's default Security.password_policy_complexity
// /^((?=.*\d)|(?=.*\W+))(?![\n])(?=.*[A-Z])(?=.*[a-z]).*$|.{16,}/ byte by byte (PCRE without /u).
func complexPassword(pw string) bool {
	// Second alternative: 16 consecutive bytes other than "\n" anywhere.
	run := 0
	for i := 0; i < len(pw); i++ {
		if pw[i] == '\n' {
			run = 0
			continue
		}
		run++
		if run >= 16 {
			return true
		}
	}
	// First alternative: the lookaheads only see the first line (. stops at \n), and .*$ needs the whole subject
	// to be that line, optionally followed by one final newline.
	line := pw
	if i := strings.IndexByte(pw, '\n'); i >= 0 {
		if i != len(pw)-1 {
			return false
		}
		line = pw[:i]
	}
	if strings.HasPrefix(pw, "\n") {
		return false
	}
	var digitOrSpecial, upper, lower bool
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c >= '0' && c <= '9':
			digitOrSpecial = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c == '_':
		default:
			digitOrSpecial = true
		}
	}
	return digitOrSpecial && upper && lower
}

// validBoolean is CakePHP's Validation::boolean: strict membership in [0, 1, '0', '1', true, false].
func validBoolean(v any) bool {
	switch t := v.(type) {
	case bool:
		return true
	case json.Number:
		return t.String() == "0" || t.String() == "1"
	case string:
		return t == "0" || t == "1"
	case int64:
		return t == 0 || t == 1
	case int:
		return t == 0 || t == 1
	}
	return false
}

// valueNotEmpty is AppModel::valueNotEmpty; it returns the error message or "".
func valueNotEmpty(field string, v any) string {
	s, _ := phpString(v)
	if !phpEmpty(strings.TrimSpace(s)) {
		return ""
	}
	return strings.ToUpper(field[:1]) + field[1:] + " cannot be empty."
}

// trimStrings is TrimBehavior::beforeValidate: every string value is trimmed (PHP trim's character set).
func trimStrings(d map[string]any) {
	for k, v := range d {
		if s, ok := v.(string); ok {
			d[k] = phpTrim(s)
		}
	}
}

// phpTrim is PHP's trim() with its default characters.
func phpTrim(s string) string { return strings.Trim(s, " \t\n\r\x00\x0B") }

// userRuleOrder is the order of User::$validate; errors come back in this order.
var userRuleOrder = []string{"role_id", "password", "org_id", "email", "autoalert", "contactalert", "authkey",
	"invited_by", "change_pw", "gpgkey", "certif_public", "nids_sid", "termsaccepted", "newsread"}

// validateUser runs User::$validate over d for the whitelisted fields (nil: all fields). selfID excludes the user
// being edited from the email uniqueness check. It returns CakePHP validationErrors ({field: [msg]}) or nil;
// ok is false when a value would make PHP fail outright (arrays where strings are expected, a gpgkey that is a secret
// key block).
func (s *Server) validateUser(d map[string]any, whitelist map[string]bool, selfID int64) (obj, bool) {
	var errs obj
	add := func(f, msg string) { errs = append(errs, kv{f, []any{msg}}) }
	for _, f := range userRuleOrder {
		if whitelist != nil && !whitelist[f] {
			continue
		}
		v, present := d[f]
		switch f {
		case "role_id", "invited_by", "newsread":
			if present && !phpIsNumeric(v) {
				add(f, "numeric")
			}
		case "password":
			if !present {
				add(f, "Password length requirement not met.")
				continue
			}
			pw, ok := phpString(v)
			if !ok {
				return nil, false
			}
			switch {
			case len(pw) < passwordPolicyLength:
				add(f, "Password length requirement not met.")
			case !complexPassword(pw):
				add(f, "Password complexity requirement not met.")
			default:
				if cp, has := d["confirm_password"]; !has || !phpStrictEqual(v, cp) {
					add(f, "Please re-enter your password twice so that the values match.")
				}
			}
		case "org_id":
			if !present {
				continue
			}
			if msg := valueNotEmpty(f, v); msg != "" {
				add(f, msg)
			} else if !phpIsNumeric(v) {
				add(f, "The organisation ID has to be a numeric value.")
			}
		case "email":
			if !present {
				add(f, "Please enter a valid email address.")
				continue
			}
			e, ok := phpString(v)
			if !ok {
				return nil, false
			}
			if !utf8.ValidString(e) || !emailRe.MatchString(e) {
				add(f, "Please enter a valid email address.")
				continue
			}
			for id, u := range s.st.users {
				if id != selfID && ciEqual(u.str("email"), e) {
					add(f, "An account with this email address already exists.")
					break
				}
			}
		case "autoalert", "contactalert", "termsaccepted":
			if present && !validBoolean(v) {
				add(f, "boolean")
			}
		case "change_pw":
			// allowEmpty: empty values other than 0/"0" skip the rule.
			skip := phpEmpty(v) && !looseEqualInt(v, 0)
			if present && !skip && !validBoolean(v) {
				add(f, "boolean")
			}
		case "authkey":
			if !present {
				add(f, "A authkey of a minimum length of 40 is required.")
				continue
			}
			k, ok := phpString(v)
			if !ok {
				return nil, false
			}
			if utf8.RuneCountInString(k) < 40 {
				add(f, "A authkey of a minimum length of 40 is required.")
			} else if msg := valueNotEmpty(f, v); msg != "" {
				add(f, msg)
			}
		case "gpgkey":
			if present && !phpEmpty(v) {
				k, ok := phpString(v)
				if !ok {
					// An array reaches gpg as no key data: refused, not a PHP error.
					add(f, msgGPGKeyInvalid)
					continue
				}
				msg, crash := gpgKeyVerdict(k)
				if crash {
					return nil, false
				}
				if msg != "" {
					add(f, msg)
				}
			}
		case "certif_public":
			if present && !phpEmpty(v) {
				c, ok := phpString(v)
				if !ok {
					return nil, false
				}
				if msg := smimeCertificateProblem(c, s.now()); msg != "" {
					add(f, msg)
				}
			}
		case "nids_sid":
			if !present || (phpEmpty(v) && !phpIsNumeric(v)) || !phpIsNumeric(v) {
				add(f, "A SID should be an integer.")
			}
		}
	}
	return errs, true
}

// phpStrictEqual is PHP's === for decoded JSON scalars.
func phpStrictEqual(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case json.Number:
		y, ok := b.(json.Number)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	}
	return false
}
