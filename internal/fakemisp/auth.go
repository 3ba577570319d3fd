package fakemisp

import (
	"net/http"
	"strings"
)

// caller is the authenticated user of a request (a snapshot taken at authentication time).
type caller struct {
	user  row
	role  row // nil when the user's role_id is dangling
	keyID int64
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
	now := s.now()
	var found *caller
	s.mu.RLock()
	for _, k := range strings.Split(apikey, ",") {
		k = strings.TrimSpace(k)
		if !keyFormat.MatchString(k) {
			continue
		}
		ak := s.st.lookupKey(k, now)
		if ak == nil {
			continue
		}
		u, ok := s.st.users[ak.UserID]
		if !ok {
			continue
		}
		cl := &caller{user: u.clone(), keyID: ak.ID}
		if role, ok := s.st.roles[u.int("role_id")]; ok {
			cl.role = role.clone()
		}
		if !cl.perm("perm_auth") {
			continue
		}
		found = cl
		break
	}
	s.mu.RUnlock()
	if found == nil {
		return exception(r, http.StatusForbidden, failMsg)
	}
	// User::updateAPIAccessTime: last_api_access is refreshed at most hourly.
	if found.user.int("last_api_access") < now.Unix()-3600 {
		s.mutate(func() bool {
			u, ok := s.st.users[found.id()]
			if ok {
				u["last_api_access"] = now.Unix()
			}
			return ok
		})
		found.user["last_api_access"] = now.Unix()
	}
	if found.user.bool("disabled") {
		return exception(r, http.StatusForbidden, msgDisabled)
	}
	c.caller = found
	return nil
}
