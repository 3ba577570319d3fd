package fakemisp

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Column lists follow INSTALL/MYSQL.sql of MISP 2.5.1 (order, nullability and defaults).
var usersTable = newTable([]column{
	{"id", kInt, false, nil},
	{"password", kString, false, ""},
	{"org_id", kInt, false, int64(0)},
	{"server_id", kInt, false, int64(0)},
	{"email", kString, false, ""},
	{"autoalert", kBool, false, false},
	{"authkey", kString, true, nil},
	{"invited_by", kInt, false, int64(0)},
	{"gpgkey", kString, true, nil},
	{"certif_public", kString, true, nil},
	{"nids_sid", kInt, false, int64(0)},
	{"termsaccepted", kBool, false, false},
	{"newsread", kInt, true, int64(0)},
	{"role_id", kInt, false, int64(0)},
	{"change_pw", kBool, false, false},
	{"contactalert", kBool, false, false},
	{"disabled", kBool, false, false},
	{"expiration", kDatetime, true, nil},
	{"current_login", kInt, true, int64(0)},
	{"last_login", kInt, true, int64(0)},
	{"force_logout", kBool, false, false},
	{"date_created", kInt, true, nil},
	{"date_modified", kInt, true, nil},
	{"sub", kString, true, nil},
	{"external_auth_required", kBool, false, false},
	{"external_auth_key", kString, true, nil},
	{"last_api_access", kInt, true, int64(0)},
	{"notification_daily", kBool, false, false},
	{"notification_weekly", kBool, false, false},
	{"notification_monthly", kBool, false, false},
	{"totp", kString, true, nil},
	{"hotp_counter", kInt, true, nil},
	{"last_pw_change", kInt, true, nil},
})

var orgsTable = newTable([]column{
	{"id", kInt, false, nil},
	{"name", kString, false, ""},
	{"date_created", kDatetime, false, nil},
	{"date_modified", kDatetime, false, nil},
	{"description", kString, true, nil},
	{"type", kString, false, ""},
	{"nationality", kString, false, ""},
	{"sector", kString, false, ""},
	{"created_by", kInt, false, int64(0)},
	{"uuid", kString, true, nil},
	{"contacts", kString, true, nil},
	{"local", kBool, false, false},
	{"restricted_to_domain", kString, true, nil}, // JSON text; decoded on output (Organisation::afterFind)
	{"landingpage", kString, true, nil},
})

var rolesTable = newTable([]column{
	{"id", kInt, false, nil},
	{"name", kString, false, nil},
	{"created", kDatetime, true, nil},
	{"modified", kDatetime, true, nil},
	{"perm_add", kBool, true, nil},
	{"perm_modify", kBool, true, nil},
	{"perm_modify_org", kBool, true, nil},
	{"perm_publish", kBool, true, nil},
	{"perm_delegate", kBool, false, false},
	{"perm_sync", kBool, true, nil},
	{"perm_admin", kBool, true, nil},
	{"perm_audit", kBool, true, nil},
	{"perm_full", kBool, true, nil},
	{"perm_auth", kBool, false, false},
	{"perm_site_admin", kBool, false, false},
	{"perm_regexp_access", kBool, false, false},
	{"perm_tagger", kBool, false, false},
	{"perm_template", kBool, false, false},
	{"perm_sharing_group", kBool, false, false},
	{"perm_tag_editor", kBool, false, false},
	{"perm_sighting", kBool, false, false},
	{"perm_object_template", kBool, false, false},
	{"default_role", kBool, false, false},
	{"memory_limit", kString, true, ""},
	{"max_execution_time", kString, true, ""},
	{"restricted_to_site_admin", kBool, false, false},
	{"perm_publish_zmq", kBool, false, false},
	{"perm_publish_kafka", kBool, false, false},
	{"perm_decaying", kBool, false, false},
	{"enforce_rate_limit", kBool, false, false},
	{"rate_limit_count", kInt, false, int64(0)},
	{"perm_galaxy_editor", kBool, false, false},
	{"perm_warninglist", kBool, false, false},
	{"perm_view_feed_correlations", kBool, false, false},
	{"perm_analyst_data", kBool, false, false},
	{"perm_skip_otp", kBool, false, false},
})

// rolePermFlags is Role::permFlags: flags defaulted to 0 on create when absent.
var rolePermFlags = []string{
	"perm_site_admin", "perm_admin", "perm_sync", "perm_audit", "perm_auth", "perm_regexp_access", "perm_tagger",
	"perm_tag_editor", "perm_template", "perm_sharing_group", "perm_delegate", "perm_sighting", "perm_object_template",
	"perm_galaxy_editor", "perm_decaying", "perm_publish_zmq", "perm_publish_kafka", "perm_warninglist",
	"perm_view_feed_correlations", "perm_analyst_data", "perm_skip_otp",
}

// seedRoleColumns and seedRoles reproduce the INSERT statements of INSTALL/MYSQL.sql
// (docs/development/misp-api.md §3.4).
var seedRoleColumns = []string{"perm_add", "perm_modify", "perm_modify_org", "perm_publish", "perm_publish_zmq",
	"perm_publish_kafka", "perm_sync", "perm_admin", "perm_audit", "perm_full", "perm_auth", "perm_regexp_access",
	"perm_tagger", "perm_site_admin", "perm_template", "perm_sharing_group", "perm_tag_editor", "perm_delegate",
	"perm_sighting", "perm_object_template", "perm_decaying", "default_role", "restricted_to_site_admin",
	"enforce_rate_limit", "perm_galaxy_editor", "perm_warninglist", "perm_view_feed_correlations",
	"perm_analyst_data", "perm_skip_otp"}

var seedRoles = []struct {
	name  string
	flags string // one digit per seedRoleColumns entry
}{
	{"admin", "11111111111111111111100011110"},
	{"Org Admin", "11111101101010111110100010010"},
	{"User", "11100000101010000010110010010"},
	{"Publisher", "11111100101010000110100010010"},
	{"Sync user", "11111110101010011110100010010"},
	{"Read Only", "00000000101000000000000000000"},
}

// state is everything MISP keeps in its database that the emulator models.
type state struct {
	users       map[int64]row
	orgs        map[int64]row
	roles       map[int64]row
	authKeys    map[int64]row      // authkeys.go
	keyIndex    map[string][]int64 // authkey_start+authkey_end → auth key ids (indexAuthKey)
	nextUser    int64
	nextOrg     int64
	nextRole    int64
	nextAuthKey int64
	issued      []string // every key auth_keys/add made, in clear (IssuedAuthKeys; not persisted)
	defaultRole string   // AdminSetting default_role; "" when unset
	instanceID  string   // MISP.uuid
	sgs         *sgStore // sharing-group memberships (sharing_groups.go)

	sharingGroups    map[int64]row
	nextSharingGroup int64

	userSettings    map[int64]row // user_settings.go
	nextUserSetting int64
}

func hashKey(k string) string {
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:])
}

const alnum = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// passwordChars is User::generateRandomPassword's alphabet.
const passwordChars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-+=!@#$%^&*()<>/?"

func randString(rng *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

func randUUID(rng *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// hashPassword stands in for MISP's bcrypt (BlowfishConstantPasswordHasher): salted SHA-256 is enough for a fake.
func hashPassword(rng *rand.Rand, pw string) string {
	salt := randString(rng, 16, alnum)
	sum := sha256.Sum256([]byte(salt + pw))
	return "$fake$" + salt + "$" + hex.EncodeToString(sum[:])
}

func checkPassword(stored, pw string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 || parts[1] != "fake" {
		return false
	}
	sum := sha256.Sum256([]byte(parts[2] + pw))
	return subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(parts[3])) == 1
}

// seedState builds a fresh MISP 2.5.1 database: host org 1, roles 1–6 (default 3) and admin@admin.test.
func seedState(rng *rand.Rand, now time.Time, adminKey string) *state {
	st := &state{
		users: map[int64]row{}, orgs: map[int64]row{}, roles: map[int64]row{}, authKeys: map[int64]row{},
		keyIndex: map[string][]int64{}, nextUser: 1, nextOrg: 1, nextRole: 1, nextAuthKey: 1,
		defaultRole: "3", sgs: newSGStore(), sharingGroups: map[int64]row{}, nextSharingGroup: 1,
		userSettings: map[int64]row{}, nextUserSetting: 1,
	}
	st.instanceID = randUUID(rng)
	dt := now.UTC().Format(datetimeLayout)
	for i, sr := range seedRoles {
		r := rolesTable.newRow()
		r["id"] = int64(i + 1)
		r["name"] = sr.name
		r["created"] = dt
		r["modified"] = dt
		for j, c := range seedRoleColumns {
			r[c] = sr.flags[j] == '1'
		}
		r["memory_limit"] = nil
		r["max_execution_time"] = nil
		r["rate_limit_count"] = int64(0)
		st.roles[int64(i+1)] = r
	}
	st.nextRole = int64(len(seedRoles) + 1)

	// User::init → createInitialOrganisation equivalent.
	org := orgsTable.newRow()
	org["id"] = int64(1)
	org["name"] = "ORGNAME"
	org["description"] = "Automatically generated admin organisation"
	org["type"] = "ADMIN"
	org["date_created"] = dt
	org["date_modified"] = dt
	org["uuid"] = randUUID(rng)
	org["local"] = true
	st.orgs[1] = org
	st.nextOrg = 2

	// User::createInitialUser: password "admin", legacy authkey = the initial advanced key, date_created NULL.
	u := usersTable.newRow()
	u["id"] = int64(1)
	u["email"] = "admin@admin.test"
	u["org_id"] = int64(1)
	u["password"] = hashPassword(rng, "admin")
	u["authkey"] = adminKey
	u["certif_public"] = ""
	u["nids_sid"] = int64(4000000)
	u["newsread"] = int64(0)
	u["role_id"] = int64(1)
	u["change_pw"] = true
	u["date_modified"] = now.Unix()
	st.users[1] = u
	st.nextUser = 2
	st.addKey(rng, 1, adminKey, now, "Initial auto-generated key")
	return st
}

func sortedIDs(m map[int64]row) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// snapshotDoc is the persisted form of state (the runner's -state file).
type snapshotDoc struct {
	Format      string           `json:"format"`
	Users       []map[string]any `json:"users"`
	Orgs        []map[string]any `json:"organisations"`
	Roles       []map[string]any `json:"roles"`
	Keys        []map[string]any `json:"auth_keys"` // in the shape of keyDoc
	NextUser    int64            `json:"next_user_id"`
	NextOrg     int64            `json:"next_organisation_id"`
	NextRole    int64            `json:"next_role_id"`
	NextKey     int64            `json:"next_auth_key_id"`
	DefaultRole string           `json:"default_role"`
	InstanceID  string           `json:"instance_uuid"`
	SGs         *sgStore         `json:"sharing_group_members,omitempty"`
	Groups      []map[string]any `json:"sharing_groups,omitempty"`
	NextGroup   int64            `json:"next_sharing_group_id,omitempty"`
	Settings    []map[string]any `json:"user_settings,omitempty"`
	NextSetting int64            `json:"next_user_setting_id,omitempty"`
}

const snapshotFormat = "mispfake-state/1"

// keyDoc is an auth_keys row as mispfake-state/1 has always kept it: the hash under "hash", allowed_ips and
// unique_ips as lists of strings, left out when empty.
func keyDoc(k row) map[string]any {
	d := make(map[string]any, len(authKeysTable.cols))
	for _, c := range authKeysTable.cols {
		switch c.name {
		case "authkey":
			d["hash"] = k[c.name]
		case "allowed_ips", "unique_ips":
			if l := jsonList(k, c.name); len(l) > 0 {
				d[c.name] = l
			}
		default:
			d[c.name] = k[c.name]
		}
	}
	return d
}

// keyColumns turns a keyDoc back into auth_keys columns.
func keyColumns(d map[string]any) (map[string]any, error) {
	m := make(map[string]any, len(d))
	for name, v := range d {
		switch name {
		case "hash":
			m["authkey"] = v
		case "authkey":
			return nil, fmt.Errorf("decode state: auth key: unknown field %q", name)
		case "allowed_ips", "unique_ips":
			list, ok := v.([]any)
			if v != nil && !ok {
				return nil, fmt.Errorf("decode state: auth key.%s: want a list", name)
			}
			l := make([]string, 0, len(list))
			for _, e := range list {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("decode state: auth key.%s: want strings", name)
				}
				l = append(l, s)
			}
			r := row{}
			setJSONList(r, name, l)
			m[name] = r[name]
		default:
			m[name] = v
		}
	}
	return m, nil
}

func (st *state) marshal() ([]byte, error) {
	doc := snapshotDoc{
		Format: snapshotFormat, NextUser: st.nextUser, NextOrg: st.nextOrg, NextRole: st.nextRole,
		NextKey: st.nextAuthKey, DefaultRole: st.defaultRole, InstanceID: st.instanceID, SGs: st.sgs,
		NextGroup: st.nextSharingGroup, NextSetting: st.nextUserSetting,
	}
	dump := func(m map[int64]row) []map[string]any {
		out := []map[string]any{}
		for _, id := range sortedIDs(m) {
			out = append(out, map[string]any(m[id]))
		}
		return out
	}
	doc.Users, doc.Orgs, doc.Roles = dump(st.users), dump(st.orgs), dump(st.roles)
	doc.Groups, doc.Settings = dump(st.sharingGroups), dump(st.userSettings)
	for _, id := range sortedIDs(st.authKeys) {
		doc.Keys = append(doc.Keys, keyDoc(st.authKeys[id]))
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode state: %w", err)
	}
	return out, nil
}

func unmarshalState(data []byte) (*state, error) {
	var doc snapshotDoc
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode state: %w", err)
	}
	if doc.Format != snapshotFormat {
		return nil, fmt.Errorf("decode state: unknown format %q (want %q)", doc.Format, snapshotFormat)
	}
	st := &state{
		users: map[int64]row{}, orgs: map[int64]row{}, roles: map[int64]row{}, authKeys: map[int64]row{},
		keyIndex: map[string][]int64{}, nextUser: doc.NextUser, nextOrg: doc.NextOrg, nextRole: doc.NextRole,
		nextAuthKey: doc.NextKey, defaultRole: doc.DefaultRole, instanceID: doc.InstanceID, sgs: doc.SGs,
		sharingGroups: map[int64]row{}, nextSharingGroup: max(doc.NextGroup, 1),
		userSettings: map[int64]row{}, nextUserSetting: max(doc.NextSetting, 1),
	}
	load := func(t *table, in []map[string]any, dst map[int64]row, what string) error {
		for _, m := range in {
			r := t.newRow()
			for k, v := range m {
				c, ok := t.col(k)
				if !ok {
					return fmt.Errorf("decode state: %s: unknown column %q", what, k)
				}
				if v == nil {
					r[k] = nil
					continue
				}
				switch c.kind {
				case kInt:
					n, ok := v.(json.Number)
					if !ok {
						return fmt.Errorf("decode state: %s.%s: want a number", what, k)
					}
					i, err := strconv.ParseInt(n.String(), 10, 64)
					if err != nil {
						return fmt.Errorf("decode state: %s.%s: %w", what, k, err)
					}
					r[k] = i
				case kBool:
					b, ok := v.(bool)
					if !ok {
						return fmt.Errorf("decode state: %s.%s: want a boolean", what, k)
					}
					r[k] = b
				default:
					s, ok := v.(string)
					if !ok {
						return fmt.Errorf("decode state: %s.%s: want a string", what, k)
					}
					r[k] = s
				}
			}
			id, ok := r["id"].(int64)
			if !ok || id <= 0 {
				return fmt.Errorf("decode state: %s without a valid id", what)
			}
			dst[id] = r
		}
		return nil
	}
	if err := load(usersTable, doc.Users, st.users, "user"); err != nil {
		return nil, err
	}
	if err := load(orgsTable, doc.Orgs, st.orgs, "organisation"); err != nil {
		return nil, err
	}
	if err := load(rolesTable, doc.Roles, st.roles, "role"); err != nil {
		return nil, err
	}
	if err := load(sgTable, doc.Groups, st.sharingGroups, "sharing group"); err != nil {
		return nil, err
	}
	if err := load(userSettingsTable, doc.Settings, st.userSettings, "user setting"); err != nil {
		return nil, err
	}
	keys := make([]map[string]any, 0, len(doc.Keys))
	for _, d := range doc.Keys {
		m, err := keyColumns(d)
		if err != nil {
			return nil, err
		}
		keys = append(keys, m)
	}
	if err := load(authKeysTable, keys, st.authKeys, "auth key"); err != nil {
		return nil, err
	}
	for _, id := range sortedIDs(st.authKeys) {
		k := st.authKeys[id]
		if len(k.str("authkey_start")) != 4 || len(k.str("authkey_end")) != 4 {
			return nil, fmt.Errorf("decode state: malformed auth key")
		}
		indexAuthKey(st, k, true)
	}
	if st.sgs == nil {
		st.sgs = newSGStore()
	}
	if st.nextUser <= 0 || st.nextOrg <= 0 || st.nextRole <= 0 || st.nextAuthKey <= 0 {
		return nil, fmt.Errorf("decode state: id counters missing")
	}
	return st, nil
}
