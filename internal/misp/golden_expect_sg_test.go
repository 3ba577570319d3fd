package misp_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/golden"
	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// What the client makes of real MISP's sharing-group answers (internal/golden/testdata/sharing_groups.json,
// docs/development/misp-api.md §10).
func init() {
	for k, v := range goldenExpectSharingGroups {
		goldenExpect[k] = v
	}
}

var goldenExpectSharingGroups = map[string]expectation{
	"sharing_groups/setup_org_a": org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_a"))) }),
	"sharing_groups/setup_org_b": org(func(t *testing.T, o outcome, x *misp.Organisation) { eq(t, "id", x.ID, misp.ID(o.val("org_b"))) }),
	"sharing_groups/add_minimal": sg("sg_min", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		g := r.SharingGroup
		eq(t, "name", g.Name, o.name("SG Min"))
		eq(t, "uuid", g.UUID, o.val("uuid_sgmin"))
		eq(t, "owner", g.OrgID, "1")
		eq(t, "owner record", r.Organisation.Name, "ORGNAME")
		eq(t, "active", g.Active, true)
		eq(t, "roaming", g.Roaming, false)
		eq(t, "local", g.Local, false)
		eq(t, "sync_user_id", g.SyncUserID, "1")
		if g.Created == "" || g.Modified == "" {
			t.Errorf("created %q, modified %q", g.Created, g.Modified)
		}
		members(t, o, r)                     // the owner is not a member
		servers(t, r, "0:false:-")           // this instance, added by MISP; no Server in an add answer
		eq(t, "editable", r.Editable, false) // index only
	}),
	"sharing_groups/add_full": sg("sg_full", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		g := r.SharingGroup
		eq(t, "uuid", g.UUID, o.val("uuid_sgfull"))
		eq(t, "active", g.Active, false)
		eq(t, "description", g.Description, "Recorded by make golden")
		eq(t, "releasability", g.Releasability, "TLP:AMBER")
		members(t, o, r, "org_a:true")
		eq(t, "member uuid", r.SharingGroupOrg[0].Organisation.UUID, o.val("uuid_a"))
		eq(t, "member name", r.SharingGroupOrg[0].Organisation.Name, o.name("SG Member A"))
		servers(t, r, "0:true:-")
	}),
	"sharing_groups/add_roaming": sg("sg_roaming", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		eq(t, "roaming", r.SharingGroup.Roaming, true)
		servers(t, r) // no server entry at all
	}),
	"sharing_groups/add_duplicate_name": sg("sg_dup", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		// Not refused: MISP suffixes the taken name (the recording's placeholder suffix is _1234).
		eq(t, "name", r.SharingGroup.Name, o.name("SG Min")+golden.PlaceholderSGSuffix)
	}),
	"sharing_groups/add_empty_name":   couldNotSaveSG,
	"sharing_groups/add_invalid_uuid": couldNotSaveSG,
	"sharing_groups/add_existing_uuid": sg("sg_min", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		// The group that has the uuid, renamed, under its old id, and with this instance a second time.
		eq(t, "name", r.SharingGroup.Name, o.name("SG Min Taken Over"))
		servers(t, r, "0:false:-", "0:false:-")
	}),
	"sharing_groups/view": sg("sg_min", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		eq(t, "uuid", r.SharingGroup.UUID, o.val("uuid_sgmin"))
		eq(t, "owner", r.Organisation.ID, "1")
		servers(t, r, "0:false:Local instance", "0:false:Local instance")
		if u := r.SharingGroupServer[0].Server.URL; !strings.HasPrefix(u, "http://127.0.0.1:") { // MISP.baseurl: the test server's
			t.Errorf("server url %q", u)
		}
	}),
	"sharing_groups/view_full": sg("sg_full", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		members(t, o, r, "org_a:true")
		eq(t, "member local", r.SharingGroupOrg[0].Organisation.Local, true)
		servers(t, r, "0:true:Local instance")
	}),
	"sharing_groups/view_by_uuid":      sg("sg_full", nil),
	"sharing_groups/view_unknown_id":   sgGone(sgViewMissing),
	"sharing_groups/view_unknown_uuid": sgGone(sgViewMissing),
	"sharing_groups/index":             sgIndex("SG Min Taken Over", "SG Min"+golden.PlaceholderSGSuffix, "SG Roaming"),
	"sharing_groups/index_inactive": succeeds(func(t *testing.T, o outcome) {
		sgIndex("SG Full")(t, o)
		list := as[[]misp.SharingGroupRecord](t, o.v)
		g := list[0]
		eq(t, "active", g.SharingGroup.Active, false)
		eq(t, "org_count", g.SharingGroup.OrgCount, 1)
		eq(t, "member", g.SharingGroupOrg[0].OrgID, misp.ID(o.val("org_a")))
		// The index has no Server for this instance ([]) and no row id.
		eq(t, "server", g.SharingGroupServer[0].Server == nil, true)
		eq(t, "server row id", g.SharingGroupServer[0].ID, "")
	}),
	"sharing_groups/edit_partial": sg("sg_min", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		eq(t, "description", r.SharingGroup.Description, "edited")
		eq(t, "releasability", r.SharingGroup.Releasability, "TLP:GREEN")
		eq(t, "name", r.SharingGroup.Name, o.name("SG Min Taken Over"))
	}),
	"sharing_groups/edit_rename": sg("sg_min", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		eq(t, "name", r.SharingGroup.Name, o.name("SG Min Renamed"))
	}),
	// 200 and nothing saved: the caller compares the answer (the provider's checkApplied).
	"sharing_groups/edit_taken_name": sg("sg_min", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		eq(t, "name", r.SharingGroup.Name, o.name("SG Min Renamed"))
		eq(t, "description", r.SharingGroup.Description, "edited")
	}),
	"sharing_groups/edit_empty_name": sg("sg_min", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		eq(t, "name", r.SharingGroup.Name, o.name("SG Min Renamed"))
	}),
	"sharing_groups/edit_active": sg("sg_full", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		eq(t, "active", r.SharingGroup.Active, false) // never changed by an edit
		eq(t, "roaming", r.SharingGroup.Roaming, true)
	}),
	"sharing_groups/edit_members": sg("sg_full", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		eq(t, "roaming", r.SharingGroup.Roaming, false)
		members(t, o, r, "org_a:true", "org_b:false") // added, none removed
	}),
	"sharing_groups/edit_extend": sg("sg_full", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		members(t, o, r, "org_a:false", "org_b:false")
	}),
	"sharing_groups/edit_server_all_orgs": sg("sg_full", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		servers(t, r, "0:false:-")
	}),
	"sharing_groups/edit_by_uuid": sg("sg_full", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		eq(t, "description", r.SharingGroup.Description, "by uuid")
	}),
	"sharing_groups/edit_unknown_id":          notFound("Invalid sharing group."),
	"sharing_groups/add_org":                  done,
	"sharing_groups/add_org_again":            sgRefused("Could not add Organisation to SharingGroup", "Organisation is already in the sharing group."),
	"sharing_groups/add_org_by_uuid":          done,
	"sharing_groups/add_org_unknown_org":      failsWith(http.StatusMethodNotAllowed, "Invalid organisation.", nil),
	"sharing_groups/add_org_unknown_group":    sgGone(sgQuickMissing),
	"sharing_groups/remove_org":               done,
	"sharing_groups/remove_org_again":         sgRefused("Could not remove Organisation from SharingGroup", "Organisation is not in the sharing group."),
	"sharing_groups/remove_org_unknown_group": sgGone(sgQuickMissing),
	"sharing_groups/add_server_local":         failsWith(http.StatusMethodNotAllowed, "Invalid Server.", nil),
	"sharing_groups/view_after_members": sg("sg_min", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		members(t, o, r, "org_b:false")
	}),
	"sharing_groups/setup_org_admin":  added("user_orgadmin", "key_orgadmin", "sg-admin@example.org", nil),
	"sharing_groups/setup_plain_user": added("user_plain", "key_plain", "sg-user@example.org", nil),
	"sharing_groups/org_admin_add":    couldNotSaveSG,
	// 200, and the description is not changed (§10.6).
	"sharing_groups/org_admin_edit_own": sg("sg_oa", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		eq(t, "description", r.SharingGroup.Description, "")
		eq(t, "owner", r.SharingGroup.OrgID, misp.ID(o.val("org_a")))
		eq(t, "sync_user_id", r.SharingGroup.SyncUserID, misp.ID(o.val("user_orgadmin")))
	}),
	"sharing_groups/org_admin_add_org_own":    done,
	"sharing_groups/org_admin_remove_org_own": done,
	"sharing_groups/org_admin_view_other":     sgGone(sgViewMissing),
	"sharing_groups/org_admin_edit_other":     sgGone(sgActionDenied),
	"sharing_groups/org_admin_add_org_other":  sgGone(sgQuickMissing),
	"sharing_groups/setup_owner_admin":        added("user_owneradmin", "key_owneradmin", "sg-owner@example.org", nil),
	// The owner organisation's org admin: MISP's quick edit also needs the organisation to be a member (§10.6).
	"sharing_groups/owner_admin_add_org_not_member": sgGone(sgQuickMissing),
	"sharing_groups/owner_admin_view_not_member":    sg("sg_min", nil),
	"sharing_groups/org_admin_delete_other":         sgGone(sgActionDenied),
	"sharing_groups/user_add":                       denied,
	"sharing_groups/user_view_member": sg("sg_oa", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		members(t, o, r, "org_a:true")
		eq(t, "sync_org_name", r.SharingGroup.SyncOrgName, o.name("SG Member A"))
	}),
	"sharing_groups/user_index":           sgIndex("SG Of Org Admin"),
	"sharing_groups/user_edit":            denied,
	"sharing_groups/user_add_org":         denied,
	"sharing_groups/user_delete":          denied,
	"sharing_groups/org_admin_delete_own": done,
	"sharing_groups/delete_member_org":    done,
	"sharing_groups/view_after_member_org_deleted": sg("sg_full", func(t *testing.T, o outcome, r *misp.SharingGroupRecord) {
		members(t, o, r, "org_a:false") // the deleted organisation's membership went with it
	}),
	"sharing_groups/delete":              done,
	"sharing_groups/delete_again":        sgGone(sgActionDenied),
	"sharing_groups/delete_by_uuid":      done,
	"sharing_groups/delete_unknown_id":   sgGone(sgActionDenied),
	"sharing_groups/view_deleted":        sgGone(sgViewMissing),
	"sharing_groups/cleanup_sg_roaming":  done,
	"sharing_groups/cleanup_sg_dup":      done,
	"sharing_groups/cleanup_org_admin":   done,
	"sharing_groups/cleanup_plain_user":  done,
	"sharing_groups/cleanup_owner_admin": done,
	"sharing_groups/cleanup_org_a":       done,
}

// MISP's messages for a missing group (or one out of the caller's reach), HTML entities decoded.
const (
	sgViewMissing  = "Sharing group doesn't exist or you do not have permission to access it."
	sgActionDenied = "Action not allowed."
	sgQuickMissing = "Invalid sharing group or no editing rights."
)

// couldNotSaveSG is the add's refusal: an empty name, an invalid uuid, an org admin's plain add.
var couldNotSaveSG = failsWith(http.StatusForbidden, "Could not add SharingGroup", map[string][]string{"": {"Could not save sharing group."}})

// sg expects a sharing group record with the id of idVar, then check (nil: nothing more).
func sg(idVar string, check func(t *testing.T, o outcome, r *misp.SharingGroupRecord)) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		r := as[*misp.SharingGroupRecord](t, o.v)
		eq(t, "id", r.SharingGroup.ID, misp.ID(o.val(idVar)))
		if r.Organisation == nil || r.Organisation.Name == "" {
			t.Errorf("owner organisation %+v", r.Organisation)
		}
		if check != nil {
			check(t, o, r)
		}
	})
}

// members expects the memberships "<org variable>:<extend>", in MISP's order, each with its organisation.
func members(t *testing.T, o outcome, r *misp.SharingGroupRecord, want ...string) {
	t.Helper()
	var got, exp []string
	for _, m := range r.SharingGroupOrg {
		got = append(got, string(m.OrgID)+":"+map[bool]string{true: "true", false: "false"}[bool(m.Extend)])
		if m.Organisation == nil || m.Organisation.ID != m.OrgID || m.SharingGroupID != r.SharingGroup.ID || m.ID == "" {
			t.Errorf("membership %+v (organisation %+v)", m, m.Organisation)
		}
	}
	for _, w := range want {
		v, extend, _ := strings.Cut(w, ":")
		exp = append(exp, o.val(v)+":"+extend)
	}
	eq(t, "members", strings.Join(got, " "), strings.Join(exp, " "))
}

// servers expects the server entries "<server id>:<all_orgs>:<Server name, - for none>", in MISP's order.
func servers(t *testing.T, r *misp.SharingGroupRecord, want ...string) {
	t.Helper()
	var got []string
	for _, s := range r.SharingGroupServer {
		name := "-"
		if s.Server != nil {
			name = s.Server.Name
		}
		got = append(got, string(s.ServerID)+":"+map[bool]string{true: "true", false: "false"}[bool(s.AllOrgs)]+":"+name)
	}
	eq(t, "servers", strings.Join(got, " "), strings.Join(want, " "))
}

// sgIndex expects the listed group names (with the run tag) in MISP's order, each editable and deletable for the
// caller only when it is the site admin.
func sgIndex(names ...string) expectation {
	return succeeds(func(t *testing.T, o outcome) {
		t.Helper()
		list := as[[]misp.SharingGroupRecord](t, o.v)
		var got, want []string
		for _, g := range list {
			got = append(got, g.SharingGroup.Name)
			if g.SharingGroup.ID == "" || g.SharingGroup.UUID == "" || g.Organisation == nil {
				t.Errorf("index entry %+v", g)
			}
		}
		for _, n := range names {
			want = append(want, o.name(n))
		}
		eq(t, "groups", strings.Join(got, "|"), strings.Join(want, "|"))
	})
}

// sgGone is MISP's 405 for a group that does not exist or is out of the caller's reach: it must match
// ErrNotFound, as the provider treats it.
func sgGone(message string) expectation {
	return func(t *testing.T, o outcome) {
		t.Helper()
		var api *misp.APIError
		if !errors.As(o.err, &api) {
			t.Fatalf("error %v (%T), want an *APIError", o.err, o.err)
		}
		eq(t, "status", api.StatusCode, http.StatusMethodNotAllowed)
		eq(t, "message", api.Message, message)
		if !errors.Is(o.err, misp.ErrNotFound) {
			t.Errorf("%v does not match ErrNotFound", o.err)
		}
	}
}

// sgRefused is the 403 saveFail of addOrg/removeOrg: a refusal, not a missing group, whose text carries the reason.
func sgRefused(name, reason string) expectation {
	return func(t *testing.T, o outcome) {
		t.Helper()
		failsWith(http.StatusForbidden, name, map[string][]string{"": {reason}})(t, o)
		if !strings.Contains(o.err.Error(), reason) {
			t.Errorf("error text %q lacks %q", o.err, reason)
		}
	}
}
