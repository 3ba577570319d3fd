package fakemisp

import (
	"encoding/json"
	"strings"
)

// renderRow renders every column of r in table order.
func renderRow(t *table, r row) obj {
	o := make(obj, 0, len(t.cols)+3)
	for _, c := range t.cols {
		o = append(o, kv{c.name, c.render(r[c.name])})
	}
	return o
}

// renderUser is a users row as find('first') returns it: all columns plus the virtual totp_is_set.
func renderUser(u row) obj {
	o := renderRow(usersTable, u)
	// Virtual field "User.totp IS NOT NULL": a computed column, so a string (docs/development/misp-api.md §0.5,
	// verified against MISP 2.5.1).
	isSet := "0"
	if u["totp"] != nil {
		isSet = "1"
	}
	return append(o, kv{"totp_is_set", isSet})
}

// permissionOf is the SQL CASE of Role::$virtualFields['permission'].
func permissionOf(r row) string {
	switch {
	case r.bool("perm_add") && r.bool("perm_modify") && r.bool("perm_publish"):
		return "3"
	case r.bool("perm_add") && r.bool("perm_modify_org"):
		return "2"
	case r.bool("perm_add"):
		return "1"
	}
	return "0"
}

var permissionDescriptions = map[string]string{"0": "read_only", "1": "manage_own", "2": "manage_org", "3": "publish"}

// renderRole is a roles row after Role::afterFind: perm_full removed, permission and permission_description added.
// A nil row renders as the all-null record of an unmatched LEFT JOIN.
func renderRole(r row) obj {
	if r == nil {
		r = row{}
	}
	o := make(obj, 0, len(rolesTable.cols)+2)
	for _, c := range rolesTable.cols {
		if c.name == "perm_full" {
			continue
		}
		o = append(o, kv{c.name, c.render(r[c.name])})
	}
	p := permissionOf(r)
	return append(o, kv{"permission", p}, kv{"permission_description", permissionDescriptions[p]})
}

// decodeDomains is Organisation::afterFind for restricted_to_domain: JSON text → list, "" → [], NULL stays null.
func decodeDomains(v any) any {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	out := []any{}
	if phpEmpty(s) {
		return out
	}
	var items []any
	if err := json.Unmarshal([]byte(s), &items); err != nil {
		return out
	}
	for _, it := range items {
		if str, ok := it.(string); ok {
			out = append(out, strings.TrimSpace(str))
		} else {
			out = append(out, it)
		}
	}
	return out
}

// domainList returns the decoded restricted_to_domain entries as strings.
func domainList(o row) []string {
	l, _ := decodeDomains(o["restricted_to_domain"]).([]any)
	out := make([]string, 0, len(l))
	for _, v := range l {
		if s, ok := phpString(v); ok {
			out = append(out, s)
		}
	}
	return out
}

// renderOrgFields renders the named organisation columns (all when fields is nil). A nil row renders all-null.
func renderOrgFields(o row, fields []string) obj {
	if fields == nil {
		fields = make([]string, len(orgsTable.cols))
		for i, c := range orgsTable.cols {
			fields[i] = c.name
		}
	}
	out := make(obj, 0, len(fields)+2)
	for _, f := range fields {
		c, _ := orgsTable.col(f)
		var v any
		if o != nil {
			v = o[f]
		}
		if f == "restricted_to_domain" {
			out = append(out, kv{f, decodeDomains(v)})
			continue
		}
		out = append(out, kv{f, c.render(v)})
	}
	return out
}
