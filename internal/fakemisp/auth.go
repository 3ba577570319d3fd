package fakemisp

import (
	"net/http"
	"slices"
	"strings"
)

// caller is the authenticated user of a request (a snapshot taken at authentication time).
type caller struct {
	user  row
	role  row // nil when the user's role_id is dangling; a read-only key's role keeps only perm_auth and perm_audit
	keyID int64
	// readOnly: the request's key is read-only (ACL not_read_only_authkey).
	readOnly bool
	// allowedIPs are the key's allowed_ips (nil: anywhere).
	allowedIPs []string
	// newIP: the key has not been used from the request's address before (authentication records it).
	newIP bool
}

func (c *caller) id() int64    { return c.user.id() }
func (c *caller) orgID() int64 { return c.user.int("org_id") }

func (c *caller) perm(name string) bool {
	if c.role == nil {
		return false
	}
	return c.role.bool(name)
}

func (c *caller) siteAdmin() bool { return c.perm("perm_site_admin") }

// authenticate is AppController::__loginByAuthKey, _checkAuthUser and __verifyUser for API-key requests
// (docs/development/misp-api.md §0.2).
func (s *Server) authenticate(c *reqCtx) *response {
	r := c.r
	failMsg := msgAuthFailed
	if r.Header.Get("X-Requested-With") == "XMLHttpRequest" {
		failMsg = msgAuthFailedXHR
	}
	apikey := r.Header.Get("Authorization")
	if v := r.Header.Get("X-MISP-AUTH"); v != "" {
		apikey = v
	}
	if apikey == "" || (len(apikey) >= 5 && strings.EqualFold(apikey[:5], "basic")) {
		return exception(r, http.StatusForbidden, failMsg)
	}
	now, ip := s.now(), remoteIP(r)
	found := read(s, func() *caller {
		for _, k := range strings.Split(apikey, ",") {
			k = strings.TrimSpace(k)
			if !keyFormat.MatchString(k) {
				continue
			}
			ak := s.st.lookupKey(k, now)
			if ak == nil {
				continue
			}
			u, ok := s.st.users[ak.int("user_id")]
			if !ok {
				continue
			}
			cl := &caller{user: u.clone(), keyID: ak.id(), readOnly: ak.bool("read_only"), allowedIPs: jsonList(ak, "allowed_ips"),
				newIP: ip != "" && !slices.Contains(jsonList(ak, "unique_ips"), ip)}
			if role, ok := s.st.roles[u.int("role_id")]; ok {
				cl.role = role.clone()
				if cl.readOnly {
					readOnlyRole(cl.role)
				}
			}
			if !cl.perm("perm_auth") {
				continue
			}
			return cl
		}
		return nil
	})
	if found == nil {
		return exception(r, http.StatusForbidden, failMsg)
	}
	// User::updateAPIAccessTime: last_api_access is refreshed at most hourly. AuthKey::updateUniqueIp records the
	// address the key is used from.
	if stale := found.user.int("last_api_access") < now.Unix()-3600; stale || found.newIP {
		s.mutate(func() bool {
			changed := false
			if u, ok := s.st.users[found.id()]; ok && stale {
				u["last_api_access"] = now.Unix()
				changed = true
			}
			return s.st.recordKeyUse(found.keyID, ip) || changed
		})
		if stale {
			found.user["last_api_access"] = now.Unix()
		}
	}
	if found.user.bool("disabled") {
		return exception(r, http.StatusForbidden, msgDisabled)
	}
	if len(found.allowedIPs) > 0 && !ipAllowed(found.allowedIPs, ip) {
		return exception(r, http.StatusForbidden, msgKeyIPRefused)
	}
	c.caller = found
	return nil
}
