package golden

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
)

// Placeholders for volatile values. Each keeps the JSON type of what it replaces: a string stays a string (and
// stays decodable as the same kind of value: a unix time stays digits), a number stays a number.
const (
	PlaceholderDatetime = "2000-01-01 00:00:00"
	PlaceholderUnixTime = "1700000000"
	PlaceholderNidsSid  = "1234567"
	PlaceholderUUID     = "00000000-0000-4000-8000-000000000000"
	PlaceholderHash     = "{password_hash}"
	PlaceholderAuthKey  = "{authkey}"
	// PlaceholderKeyStart and PlaceholderKeyEnd stand for an auth key's first and last four characters
	// (authkey_start, authkey_end).
	PlaceholderKeyStart = "AbC1"
	PlaceholderKeyEnd   = "xYz9"
	// PlaceholderSGSuffix stands for the random "_NNNN" (0-9999) MISP appends to a sharing group name already in
	// use.
	PlaceholderSGSuffix  = "_1234"
	placeholderUnixNum   = 1700000000
	placeholderNidsSidNm = 1234567
)

// Built-in variables, present in every run: a random tag in the names of everything a run creates, two
// passwords, the server's base URL and the admin key (never sent in a body; replaced wherever MISP echoes it).
const (
	VarRun         = "run"
	VarPassword    = "password"
	VarPasswordNew = "password_new"
	VarBaseURL     = "base_url"
	VarAdminKey    = "admin_key"
)

var (
	datetimeRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
	uuidRe     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	digitsRe   = regexp.MustCompile(`^[0-9]+$`)
	bcryptRe   = regexp.MustCompile(`^\$2[aby]\$`)
	keyRe      = regexp.MustCompile(`^[a-zA-Z0-9]{40}$`)
	keyPartRe  = regexp.MustCompile(`^[a-zA-Z0-9]{4}$`)
	varRe      = regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`)
	sgSuffixRe = regexp.MustCompile(`^(.+)_[0-9]{1,4}$`)
)

// timestampFields hold unix times (as digit strings or numbers).
var timestampFields = map[string]bool{
	"date_created": true, "date_modified": true, "last_pw_change": true, "last_api_access": true,
	"current_login": true, "last_login": true, "newsread": true, "created": true, "expiration": true,
	"timestamp": true, "last_used": true,
}

// Normaliser replaces the volatile values of one run by placeholders.
type Normaliser struct {
	// Vars are the run's variable values.
	Vars map[string]string
	// IDs are the numeric stand-ins of the id variables.
	IDs map[string]int64
	// Preserve holds scalar values (after text replacement) that a request of the scenario sent: they are
	// the scenario's own, stable values and are never replaced by a placeholder.
	Preserve map[string]bool
}

// PreserveFrom collects the scalar values of the request bodies of steps.
func PreserveFrom(steps []Step) map[string]bool {
	out := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, e := range t {
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		case string:
			out[t] = true
		case json.Number:
			out[t.String()] = true
		}
	}
	for _, s := range steps {
		if len(s.Request.Body) == 0 {
			continue
		}
		if v, err := Decode(s.Request.Body); err == nil {
			walk(v)
		}
	}
	return out
}

// Text replaces the values of the run's text variables (run tag, keys, passwords, UUIDs, base URL) wherever
// they occur in s. Id variables are never replaced inside text: short numbers would match anywhere.
func (n *Normaliser) Text(s string) string {
	type pair struct{ name, value string }
	var pairs []pair
	for name, v := range n.Vars {
		if len(v) < 4 || IsIDKind(VarKind(name)) {
			continue
		}
		pairs = append(pairs, pair{name, v})
	}
	// Longest first, so that a value containing another is replaced whole.
	sort.Slice(pairs, func(i, j int) bool {
		if len(pairs[i].value) != len(pairs[j].value) {
			return len(pairs[i].value) > len(pairs[j].value)
		}
		return pairs[i].name < pairs[j].name
	})
	for _, p := range pairs {
		s = strings.ReplaceAll(s, p.value, "{"+p.name+"}")
	}
	return s
}

// idSegmentRe matches a numeric path segment ("/118" before a quote, slash or the end).
var idSegmentRe = regexp.MustCompile(`/([0-9]+)\b`)

// HTML normalises a non-JSON answer of an endpoint about objects of kind: Text, and id path segments (as in a
// form's action URL) that are captured ids of that kind.
func (n *Normaliser) HTML(s, kind string) string {
	s = n.Text(s)
	return idSegmentRe.ReplaceAllStringFunc(s, func(m string) string {
		if name := n.idVar(kind, m[1:]); name != "" {
			return "/{" + name + "}"
		}
		return m
	})
}

// Body normalises a decoded JSON answer of an endpoint about objects of kind (see KindOf).
func (n *Normaliser) Body(v any, kind string) any {
	return n.walk(v, kind, "")
}

func (n *Normaliser) walk(v any, kind, key string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			ck := kind
			switch k {
			case "User":
				ck = "user"
			case "Organisation":
				ck = "org"
			case "Role":
				ck = "role"
			case "SharingGroup":
				ck = "sg"
			case "AuthKey":
				ck = "ak"
			case "UserSetting":
				ck = "us"
			case "sync_org":
				ck = "org"
			case "SharingGroupOrg", "SharingGroupServer", "Server":
				// Membership rows and servers: their ids are row ids, not any captured id.
				ck = ""
			}
			nk := k
			if key == "orgAdmins" {
				// {"<user id>": "<email>"}
				if name := n.idVar("user", k); name != "" {
					nk = "{" + name + "}"
				}
			}
			out[nk] = n.walk(e, ck, k)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = n.walk(e, kind, key)
		}
		return out
	case string:
		return n.str(t, kind, key)
	case json.Number:
		return n.num(t, kind, key)
	}
	return v
}

// idKind is the kind of object an id-valued field refers to.
func idKind(key, kind string) string {
	switch key {
	case "id":
		return kind
	case "org_id":
		return "org"
	case "role_id":
		return "role"
	case "user_id", "invited_by", "created_by", "sync_user_id":
		return "user"
	case "sharing_group_id":
		return "sg"
	}
	return ""
}

// idVar returns the id variable of kind whose value is value, or "".
func (n *Normaliser) idVar(kind, value string) string {
	if kind == "" || value == "" {
		return ""
	}
	var names []string
	for name, v := range n.Vars {
		if VarKind(name) == kind && v == value {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	return names[0]
}

func (n *Normaliser) str(s, kind, key string) string {
	s = n.Text(s)
	if name := n.idVar(idKind(key, kind), s); name != "" {
		return "{" + name + "}"
	}
	if key == "url" {
		segs := strings.Split(s, "/")
		for i, seg := range segs {
			if digitsRe.MatchString(seg) {
				if name := n.idVar(segmentKind(segs, i, kind), seg); name != "" {
					segs[i] = "{" + name + "}"
				}
			}
		}
		return strings.Join(segs, "/")
	}
	if n.Preserve[s] {
		return s
	}
	if m := sgSuffixRe.FindStringSubmatch(s); m != nil && key == "name" && kind == "sg" && n.Preserve[m[1]] {
		return m[1] + PlaceholderSGSuffix
	}
	switch {
	case datetimeRe.MatchString(s):
		return PlaceholderDatetime
	case timestampFields[key] && digitsRe.MatchString(s) && len(s) >= 9:
		return PlaceholderUnixTime
	case key == "nids_sid" && digitsRe.MatchString(s):
		return PlaceholderNidsSid
	case uuidRe.MatchString(s):
		return PlaceholderUUID
	case bcryptRe.MatchString(s):
		return PlaceholderHash
	case (key == "authkey" || key == "authkey_raw") && keyRe.MatchString(s):
		return PlaceholderAuthKey
	case key == "authkey_start" && keyPartRe.MatchString(s):
		return PlaceholderKeyStart
	case key == "authkey_end" && keyPartRe.MatchString(s):
		return PlaceholderKeyEnd
	}
	return s
}

// segmentKind is the kind of id at segment i of a URL of an endpoint about kind: the organisation of
// /sharing_groups/addOrg/{sg}/{org} and removeOrg, the user of /auth_keys/add/{user} and of
// /user_settings/{action}/{user}/{setting}, else kind.
func segmentKind(segs []string, i int, kind string) string {
	switch {
	case kind == "sg" && i >= 3 && segs[i-3] == "sharing_groups" && strings.HasSuffix(segs[i-2], "Org"):
		return "org"
	case kind == "ak" && i >= 2 && segs[i-2] == "auth_keys" && segs[i-1] == "add":
		return "user"
	case kind == "us" && i >= 2 && segs[i-2] == "user_settings" && segs[i-1] != "view" && segs[i-1] != "delete":
		return "user"
	}
	return kind
}

func (n *Normaliser) num(v json.Number, kind, key string) any {
	s := v.String()
	if name := n.idVar(idKind(key, kind), s); name != "" {
		if id, ok := n.IDs[name]; ok {
			return json.Number(itoa(id))
		}
	}
	if n.Preserve[s] {
		return v
	}
	switch {
	case timestampFields[key] && digitsRe.MatchString(s) && len(s) >= 9:
		return json.Number(itoa(placeholderUnixNum))
	case key == "nids_sid" && digitsRe.MatchString(s):
		return json.Number(itoa(placeholderNidsSidNm))
	}
	return v
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Vars returns the variable names used in a template, in order of first use.
func Vars(template string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range varRe.FindAllStringSubmatch(template, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// Materialise replaces every {name} in template by vals[name]; names without a value are kept. In a JSON
// document the values must not need escaping (ids, keys, tags, URLs, UUIDs do not).
func Materialise(template string, vals map[string]string) string {
	return varRe.ReplaceAllStringFunc(template, func(m string) string {
		if v, ok := vals[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}
