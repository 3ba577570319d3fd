package fakemisp

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf16"
)

// Handlers of OrganisationsController (docs/development/misp-api.md §2).

const (
	msgInvalidOrg       = "Invalid organisation"
	orgDescribeText     = "POST an Organisation object in JSON format to this API to create a new organsiation." //nolint:misspell // MISP's own text.
	orgEditURLForErrors = "/admin/organisations/edit"
)

var orgDescribeOptional = []string{"description", "type", "nationality", "sector", "uuid", "contacts", "local"}

// orgViewFields is the fixed field list of OrganisationsController::view.
var orgViewFields = []string{"id", "name", "date_created", "date_modified", "type", "nationality", "sector",
	"contacts", "description", "local", "uuid", "restricted_to_domain", "created_by"}

func (s *Server) userCount(orgID int64) string {
	n := 0
	for _, u := range s.st.users {
		if u.int("org_id") == orgID {
			n++
		}
	}
	return itoa(int64(n))
}

func (s *Server) orgByUUID(u string) row {
	for _, id := range sortedIDs(s.st.orgs) {
		if o := s.st.orgs[id]; o["uuid"] != nil && binEqual(o.str("uuid"), u) {
			return o
		}
	}
	return nil
}

// orgsIndex is OrganisationsController::index for REST (§2.1.1).
func (s *Server) orgsIndex(c *reqCtx) *response {
	scope, hasScope := c.rt.named["scope"]
	if !hasScope {
		scope = "local"
	}
	var term any
	switch {
	case c.isPost() && c.data != nil && phpIsset(c.data, "searchall"):
		term = c.data["searchall"]
	case hasNamed(c, "all"):
		term = c.rt.named["all"]
	case hasNamed(c, "searchall"):
		term = c.rt.named["searchall"]
	case hasNamed(c, "quickFilter"):
		term = c.rt.named["quickFilter"]
	}
	var pattern string
	search := !phpEmpty(term)
	if search {
		t, ok := phpString(term)
		if !ok {
			return exception(c.r, http.StatusInternalServerError, internalErrorMessage)
		}
		pattern = "%" + strings.ToLower(t) + "%"
	}
	var orgs []row
	for _, id := range sortedIDs(s.st.orgs) {
		o := s.st.orgs[id]
		if scope != "all" && o.bool("local") != (scope != "external") {
			continue
		}
		if search {
			match := false
			for _, f := range []string{"name", "description", "nationality", "sector", "type", "contacts", "restricted_to_domain", "uuid"} {
				if o[f] != nil && likeMatch(o.str(f), pattern, true) {
					match = true
					break
				}
			}
			if !match {
				continue
			}
		}
		orgs = append(orgs, o)
	}
	// ORDER BY LOWER(name) (PAD SPACE collation: trailing spaces do not count); ties keep id order.
	sort.SliceStable(orgs, func(i, j int) bool {
		return strings.TrimRight(strings.ToLower(orgs[i].str("name")), " ") < strings.TrimRight(strings.ToLower(orgs[j].str("name")), " ")
	})
	list := []any{}
	for _, o := range orgs {
		out := renderOrgFields(o, nil)
		out = append(out, kv{"user_count", s.userCount(o.id())})
		if c.caller.siteAdmin() {
			email := "Unknown"
			if u := s.findUser(o["created_by"]); u != nil {
				email = u.str("email")
			}
			out = append(out, kv{"created_by_email", email})
		} else {
			out.del("created_by")
		}
		list = append(list, obj{{"Organisation", out}})
	}
	return prepare(c.r, http.StatusOK, list)
}

func hasNamed(c *reqCtx, k string) bool {
	_, ok := c.rt.named[k]
	return ok
}

// orgsView is OrganisationsController::view (§2.1.2), including HEAD.
func (s *Server) orgsView(c *reqCtx) *response {
	id, _ := c.firstArg()
	var o row
	switch {
	case isNumericString(id):
		o = s.findOrg(id)
	case uuidRe.MatchString(id):
		o = s.orgByUUID(id)
	default:
		name := id
		if dec, err := url.QueryUnescape(id); err == nil {
			name = dec
		}
		for _, oid := range sortedIDs(s.st.orgs) {
			if binEqual(s.st.orgs[oid].str("name"), name) {
				o = s.st.orgs[oid]
				break
			}
		}
	}
	if c.r.Method == http.MethodHead {
		if o == nil {
			return &response{status: http.StatusNotFound, contentType: "text/html; charset=UTF-8"}
		}
		return &response{status: http.StatusOK, contentType: "text/html; charset=UTF-8"}
	}
	if o == nil {
		return exception(c.r, http.StatusNotFound, msgInvalidOrg)
	}
	out := renderOrgFields(o, orgViewFields)
	out = append(out, kv{"user_count", s.userCount(o.id())})
	full := c.caller.siteAdmin() || (c.caller.perm("perm_admin") && c.caller.orgID() == o.id())
	if full {
		if u := s.findUser(o["created_by"]); u != nil {
			out = append(out, kv{"created_by_email", u.str("email")})
		}
	} else {
		out.del("created_by")
	}
	return prepare(c.r, http.StatusOK, obj{{"Organisation", out}})
}

// orgRequestData unwraps {"request": ...} and {"Organisation": ...} (admin_add/admin_edit REST branches).
func orgRequestData(c *reqCtx) (map[string]any, bool) {
	data := c.data
	if data != nil && phpIsset(data, "request") {
		m, ok := data["request"].(map[string]any)
		if !ok {
			return nil, false
		}
		data = m
	}
	d := map[string]any{}
	src := data
	if data != nil && phpIsset(data, "Organisation") {
		m, ok := data["Organisation"].(map[string]any)
		if !ok {
			return nil, false
		}
		src = m
	}
	for k, v := range src {
		d[k] = v
	}
	return d, true
}

// normaliseDomains is the restricted_to_domain part of Organisation::beforeValidate: a list or newline-separated
// string, items trimmed, empties dropped, stored as JSON text.
func normaliseDomains(v any) (string, bool) {
	var items []any
	switch t := v.(type) {
	case []any:
		items = t
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			items = append(items, t[k])
		}
	default:
		str, ok := phpString(t)
		if !ok {
			return "", false
		}
		for _, p := range strings.Split(strings.ReplaceAll(str, "\r", ""), "\n") {
			items = append(items, p)
		}
	}
	out := []string{}
	for _, it := range items {
		str, ok := phpString(it)
		if !ok {
			return "", false
		}
		str = strings.Trim(str, " \t\n\r\x00\x0B")
		if !phpEmpty(str) {
			out = append(out, str)
		}
	}
	return phpJSONStrings(out), true
}

// phpJSONStrings encodes a list of strings like PHP's json_encode without flags: slashes escaped and non-ASCII
// characters written as \uXXXX (UTF-16).
func phpJSONStrings(items []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for _, r := range it {
			switch {
			case r == '"' || r == '\\' || r == '/':
				b.WriteByte('\\')
				b.WriteRune(r)
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\r':
				b.WriteString(`\r`)
			case r == '\t':
				b.WriteString(`\t`)
			case r < 0x20 || r >= 0x80:
				for _, u := range utf16.Encode([]rune{r}) {
					fmt.Fprintf(&b, `\u%04x`, u)
				}
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('"')
	}
	b.WriteByte(']')
	return b.String()
}

// beforeValidateOrg is Organisation::beforeValidate.
func (s *Server) beforeValidateOrg(d map[string]any, create bool) bool {
	if phpEmpty(d["uuid"]) {
		d["uuid"] = randUUID(s.rng)
	} else {
		u, ok := phpString(d["uuid"])
		if !ok {
			return false
		}
		d["uuid"] = strings.ToLower(strings.Trim(u, " \t\n\r\x00\x0B"))
	}
	now := s.now().UTC().Format(datetimeLayout)
	if v, present := d["restricted_to_domain"]; present {
		enc, ok := normaliseDomains(v)
		if !ok {
			return false
		}
		d["restricted_to_domain"] = enc
	}
	if create {
		d["date_created"] = now
	}
	d["date_modified"] = now
	if phpEmpty(d["nationality"]) {
		d["nationality"] = ""
	}
	return true
}

// validateOrg runs Organisation::$validate; selfID excludes the edited org from the name uniqueness check.
func (s *Server) validateOrg(d map[string]any, create bool, selfID int64) (obj, bool) {
	var errs obj
	if v, present := d["name"]; present {
		name, ok := phpString(v)
		if !ok {
			return nil, false
		}
		taken := false
		if v != nil {
			for id, o := range s.st.orgs {
				if id != selfID && binEqual(o.str("name"), name) {
					taken = true
					break
				}
			}
		}
		if taken {
			errs = append(errs, kv{"name", []any{"An organisation with this name already exists."}})
		} else if msg := valueNotEmpty("name", v); msg != "" {
			errs = append(errs, kv{"name", []any{msg}})
		}
	}
	if v, present := d["uuid"]; present {
		u, ok := phpString(v)
		if !ok {
			return nil, false
		}
		switch {
		case create && s.orgByUUID(u) != nil:
			errs = append(errs, kv{"uuid", []any{"An organisation with this UUID already exists."}})
		case u != "" && !uuidRe.MatchString(u):
			errs = append(errs, kv{"uuid", []any{"Please provide a valid RFC 4122 UUID"}})
		default:
			if msg := valueNotEmpty("uuid", v); msg != "" {
				errs = append(errs, kv{"uuid", []any{msg}})
			}
		}
	}
	return errs, true
}

// writeOrgFields stores every column present in d (no whitelist); false when MySQL would refuse a value.
func writeOrgFields(o row, d map[string]any) bool {
	for k, v := range d {
		if k == "id" {
			continue
		}
		col, ok := orgsTable.col(k)
		if !ok {
			continue
		}
		stored, err := col.store(v)
		if err != nil {
			return false
		}
		o[k] = stored
	}
	return true
}

// uniqueIndexClash reports a violation of the name/uuid unique indexes (a MySQL error → 500).
func (s *Server) orgIndexClash(o row) bool {
	for id, other := range s.st.orgs {
		if id == o.id() {
			continue
		}
		if binEqual(other.str("name"), o.str("name")) {
			return true
		}
		if o["uuid"] != nil && other["uuid"] != nil && binEqual(other.str("uuid"), o.str("uuid")) {
			return true
		}
	}
	return false
}

// orgsAdd is admin_add's REST branch (§2.1.3).
func (s *Server) orgsAdd(c *reqCtx) *response {
	r := c.r
	if !c.isPost() {
		return describe(r, true, "organisations", "add", orgDescribeText, []string{"name"}, orgDescribeOptional)
	}
	d, ok := orgRequestData(c)
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	delete(d, "id")
	d["created_by"] = c.caller.id()
	if !phpIsset(d, "local") {
		d["local"] = true
	}
	if !s.beforeValidateOrg(d, true) {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	errs, ok := s.validateOrg(d, true, 0)
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	if len(errs) > 0 {
		return saveFail(r, "Could not add Organisation", "/admin/organisations/add", errs, nil)
	}
	o := s.newObject(orgKind)
	if !writeOrgFields(o, d) || s.orgIndexClash(o) {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	s.insert(orgKind, o)
	c.changed = true
	return prepare(r, http.StatusOK, obj{{"Organisation", renderOrgFields(o, nil)}})
}

// resolveOrgID handles the id-or-UUID path argument of admin_edit/admin_delete.
func (s *Server) resolveOrgID(id, uuidMissingMsg string) (row, *string) {
	if uuidRe.MatchString(id) {
		o := s.orgByUUID(id)
		if o == nil {
			return nil, &uuidMissingMsg
		}
		return o, nil
	}
	if o := s.findOrg(id); o != nil {
		return o, nil
	}
	msg := msgInvalidOrg
	return nil, &msg
}

var orgEditFields = []string{"name", "type", "nationality", "sector", "contacts", "description", "local", "uuid", "restricted_to_domain"}

// orgsEdit is admin_edit's REST branch (§2.1.4): a partial update over a fixed field list.
func (s *Server) orgsEdit(c *reqCtx) *response {
	r := c.r
	id, _ := c.firstArg()
	o, missing := s.resolveOrgID(id, msgInvalidOrg+".")
	if missing != nil {
		return exception(r, http.StatusNotFound, *missing)
	}
	if !c.isPost() && !c.isPut() {
		return describe(r, true, "organisations", "edit", orgDescribeText, []string{"name"}, orgDescribeOptional)
	}
	req, ok := orgRequestData(c)
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	d := map[string]any{}
	for _, f := range orgEditFields {
		if phpIsset(req, f) {
			d[f] = req[f]
			continue
		}
		col, _ := orgsTable.col(f)
		if f == "restricted_to_domain" {
			d[f] = decodeDomains(o[f])
			continue
		}
		v := o[f]
		if n, isInt := v.(int64); isInt && col.kind == kInt {
			v = itoa(n)
		}
		d[f] = v
	}
	d["id"] = o.id()
	if !s.beforeValidateOrg(d, false) {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	errs, ok := s.validateOrg(d, false, o.id())
	if !ok {
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	if len(errs) > 0 {
		return saveFail(r, "Could not edit Organisation", orgEditURLForErrors, errs, nil)
	}
	updated := o.clone()
	if !writeOrgFields(updated, d) || s.orgIndexClash(updated) {
		// A duplicate UUID hits the unique index: MySQL error (inferred 500).
		return exception(r, http.StatusInternalServerError, internalErrorMessage)
	}
	s.st.orgs[o.id()] = updated
	c.changed = true
	return prepare(r, http.StatusOK, obj{{"Organisation", renderOrgFields(updated, nil)}})
}

// orgsDelete is admin_delete (§2.1.5): refused while users remain.
func (s *Server) orgsDelete(c *reqCtx) *response {
	r := c.r
	if !c.isPost() && !c.isDelete() {
		return exception(r, http.StatusMethodNotAllowed, "Action not allowed, post or delete request expected.")
	}
	id, _ := c.firstArg()
	o, missing := s.resolveOrgID(id, msgInvalidOrg)
	if missing != nil {
		return exception(r, http.StatusNotFound, *missing)
	}
	if uuidRe.MatchString(id) {
		id = itoa(o.id())
	}
	url := genURL(true, "organisations", "delete", id)
	if s.userCount(o.id()) != "0" {
		return saveFail(r, "Could not delete Organisation", url, []any{}, id)
	}
	delete(s.st.orgs, o.id())
	s.dropOrgMemberships(o.id())
	c.changed = true
	return saveSuccess(r, url, "Organisation deleted", id)
}

func (s *Server) orgsGenerateUUID(c *reqCtx) *response {
	u := randUUID(s.rng)
	return &response{status: http.StatusOK, contentType: jsonContentType, body: []byte(`{"uuid":"` + u + `"}`)}
}
