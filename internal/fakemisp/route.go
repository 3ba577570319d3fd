package fakemisp

import (
	"net/url"
	"strconv"
	"strings"
)

// route is a parsed CakePHP URL: [/admin]/controller/action/passed.../named:value....
type route struct {
	admin      bool
	controller string
	action     string
	args       []string          // passed arguments, URL-decoded
	named      map[string]string // named parameters, URL-decoded
	namedOrder []string
	ext        string // "json" when the URL ended in .json
	empty      bool   // no controller at all ("/")
}

// parseRoute splits an escaped URL path the way CakePHP's router does with MISP's routes.php.
func parseRoute(escaped string) route {
	rt := route{named: map[string]string{}}
	if strings.HasSuffix(escaped, ".json") {
		rt.ext = "json"
		escaped = strings.TrimSuffix(escaped, ".json")
	}
	var segs []string
	for _, p := range strings.Split(escaped, "/") {
		if p == "" {
			continue
		}
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
		segs = append(segs, p)
	}
	if len(segs) > 0 && segs[0] == "admin" {
		rt.admin = true
		segs = segs[1:]
	}
	if len(segs) == 0 {
		rt.empty = true
		return rt
	}
	rt.controller = underscore(segs[0])
	segs = segs[1:]
	if len(segs) > 0 && !strings.Contains(segs[0], ":") {
		rt.action = segs[0]
		segs = segs[1:]
	} else {
		rt.action = "index"
	}
	// routes.php: /users/admin_index/* is admin_index.
	if !rt.admin && rt.controller == "users" && rt.action == "admin_index" {
		rt.admin, rt.action = true, "index"
	}
	for _, p := range segs {
		if i := strings.Index(p, ":"); i > 0 {
			k := p[:i]
			if _, seen := rt.named[k]; !seen {
				rt.namedOrder = append(rt.namedOrder, k)
			}
			rt.named[k] = p[i+1:]
			continue
		}
		rt.args = append(rt.args, p)
	}
	return rt
}

// underscore is CakePHP's Inflector::underscore for a controller segment: "sharingGroups" and "SharingGroups" are
// sharing_groups (PyMISP uses the camel-case form).
func underscore(seg string) string {
	var b strings.Builder
	for i, r := range seg {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				prev := seg[i-1]
				if prev >= 'a' && prev <= 'z' || prev >= '0' && prev <= '9' {
					b.WriteByte('_')
				}
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (rt route) key() string {
	k := rt.controller + "/" + rt.action
	if rt.admin {
		k = "admin/" + k
	}
	return k
}

var knownControllers = map[string]bool{"users": true, "organisations": true, "roles": true, "servers": true, "auth_keys": true,
	"sharing_groups": true, "user_settings": true}

func (rt route) knownController() bool { return knownControllers[rt.controller] }

// endpoint is the counter/fault key: "METHOD /template" with {id} for the object segment, named params dropped.
// Unknown URLs have no endpoint ("").
func (rt route) endpoint(method string) string {
	ep, ok := routes[rt.key()]
	if !ok {
		return ""
	}
	u := "/" + rt.controller + "/" + rt.action
	if rt.admin {
		u = "/admin" + u
	}
	if ep.idSegment && len(rt.args) > 0 {
		if rt.args[0] == "me" && ep.meLiteral {
			u += "/me"
		} else {
			u += "/{id}"
		}
	}
	return method + " " + u
}

// endpointDef describes one MISP action the emulator implements.
type endpointDef struct {
	fn        func(s *Server, c *reqCtx) *response
	acl       func(c *caller) bool // nil: any authenticated user ('*'); site admins always pass
	write     bool                 // takes the write lock
	noAuth    bool                 // reachable without authentication (heartbeat)
	idSegment bool                 // the first passed argument is the object id
	meLiteral bool                 // "me" is kept literally in the endpoint key
}

var routes map[string]endpointDef

func siteAdminOnly(*caller) bool { return false }
func permAdmin(c *caller) bool   { return c.perm("perm_admin") }
func permAuth(c *caller) bool    { return c.perm("perm_auth") }

func init() {
	routes = map[string]endpointDef{
		"users/heartbeat":                  {fn: (*Server).usersHeartbeat, noAuth: true},
		"admin/users/index":                {fn: (*Server).usersIndex, acl: permAdmin},
		"admin/users/view":                 {fn: (*Server).usersAdminView, acl: permAdmin, idSegment: true},
		"users/view":                       {fn: (*Server).usersView, idSegment: true, meLiteral: true},
		"admin/users/add":                  {fn: (*Server).usersAdd, acl: permAdmin, write: true},
		"admin/users/edit":                 {fn: (*Server).usersAdminEdit, acl: permAdmin, write: true, idSegment: true},
		"admin/users/delete":               {fn: (*Server).usersDelete, acl: permAdmin, write: true, idSegment: true},
		"users/edit":                       {fn: (*Server).usersSelfEdit, write: true},
		"users/change_pw":                  {fn: (*Server).usersChangePw, write: true},
		"users/initiatePasswordReset":      {fn: (*Server).usersInitiatePasswordReset, acl: permAdmin, write: true, idSegment: true},
		"users/totp_delete":                {fn: (*Server).usersTotpDelete, acl: permAdmin, write: true, idSegment: true},
		"users/resetauthkey":               {fn: (*Server).usersResetAuthkey, acl: permAuth, write: true, idSegment: true, meLiteral: true},
		"auth_keys/index":                  {fn: (*Server).authKeysIndex, acl: permAuth},
		"auth_keys/view":                   {fn: (*Server).authKeysView, acl: permAuth, idSegment: true},
		"auth_keys/add":                    {fn: (*Server).authKeysAdd, acl: notReadOnlyKey, write: true, idSegment: true, meLiteral: true},
		"auth_keys/edit":                   {fn: (*Server).authKeysEdit, acl: notReadOnlyKey, write: true, idSegment: true},
		"auth_keys/delete":                 {fn: (*Server).authKeysDelete, acl: notReadOnlyKey, write: true, idSegment: true},
		"users/registrations":              {fn: (*Server).usersRegistrations, acl: siteAdminOnly},
		"organisations/index":              {fn: (*Server).orgsIndex},
		"organisations/view":               {fn: (*Server).orgsView, idSegment: true},
		"admin/organisations/add":          {fn: (*Server).orgsAdd, acl: siteAdminOnly, write: true},
		"admin/organisations/edit":         {fn: (*Server).orgsEdit, acl: siteAdminOnly, write: true, idSegment: true},
		"admin/organisations/delete":       {fn: (*Server).orgsDelete, acl: siteAdminOnly, write: true, idSegment: true},
		"admin/organisations/generateuuid": {fn: (*Server).orgsGenerateUUID, acl: siteAdminOnly, write: true},
		"roles/index":                      {fn: (*Server).rolesIndex},
		"roles/view":                       {fn: (*Server).rolesView, idSegment: true},
		"admin/roles/add":                  {fn: (*Server).rolesAdd, acl: siteAdminOnly, write: true},
		"admin/roles/edit":                 {fn: (*Server).rolesEdit, acl: siteAdminOnly, write: true, idSegment: true},
		"admin/roles/delete":               {fn: (*Server).rolesDelete, acl: siteAdminOnly, write: true, idSegment: true},
		"admin/roles/set_default":          {fn: (*Server).rolesSetDefault, acl: siteAdminOnly, write: true, idSegment: true},
		"servers/getVersion":               {fn: (*Server).serversGetVersion},
		"servers/serverSettingsEdit":       {fn: (*Server).serversSettingsEdit, acl: siteAdminOnly, write: true, idSegment: true},
	}
	for _, table := range []map[string]endpointDef{sharingGroupRoutes, userSettingRoutes} {
		for k, ep := range table {
			routes[k] = ep
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
