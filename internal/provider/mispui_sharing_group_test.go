package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Sharing groups changed "as in MISP's UI" (mispui_test.go): on the emulator through its Go API, on a real MISP
// through its REST API as the site admin.

// CreateSharingGroup creates a sharing group and returns its id (deleted when the test ends on a real MISP).
func (u *mispUI) CreateSharingGroup(name string) string {
	u.t.Helper()
	// The REST add on both targets (the emulator's handler is MISP's).
	var answer map[string]json.RawMessage
	if err := u.rest(http.MethodPost, "/sharing_groups/add", map[string]any{"name": name}, &answer); err != nil {
		u.fatalf("creating sharing group %q: %v", name, err)
	}
	rec, err := record(answer, "SharingGroup")
	if err != nil {
		u.fatalf("creating sharing group %q: %v", name, err)
	}
	id := fmt.Sprint(rec["id"])
	if u.fake == nil {
		u.cleanupReal("/sharing_groups/delete/" + id)
	}
	return id
}

// AddSharingGroupOrg makes an organisation a member of a sharing group.
func (u *mispUI) AddSharingGroupOrg(sgID, orgID string, extend bool) {
	u.t.Helper()
	if u.fake != nil {
		if err := u.fake.AddSharingGroupOrg(sgID, orgID, extend); err != nil {
			u.fatalf("adding organisation %s to sharing group %s: %v", orgID, sgID, err)
		}
		return
	}
	if err := u.rest(http.MethodPost, "/sharing_groups/addOrg/"+sgID+"/"+orgID, map[string]any{"extend": extend}, nil); err != nil {
		u.fatalf("adding organisation %s to sharing group %s: %v", orgID, sgID, err)
	}
}

// RemoveSharingGroupOrg ends a membership.
func (u *mispUI) RemoveSharingGroupOrg(sgID, orgID string) {
	u.t.Helper()
	if u.fake != nil {
		if err := u.fake.RemoveSharingGroupOrg(sgID, orgID); err != nil {
			u.fatalf("removing organisation %s from sharing group %s: %v", orgID, sgID, err)
		}
		return
	}
	if err := u.rest(http.MethodPost, "/sharing_groups/removeOrg/"+sgID+"/"+orgID, nil, nil); err != nil {
		u.fatalf("removing organisation %s from sharing group %s: %v", orgID, sgID, err)
	}
}

// DeleteSharingGroup deletes a sharing group.
func (u *mispUI) DeleteSharingGroup(id string) {
	u.t.Helper()
	if u.fake != nil {
		if err := u.fake.DeleteSharingGroup(id); err != nil {
			u.fatalf("deleting sharing group %s: %v", id, err)
		}
		return
	}
	if err := u.rest(http.MethodPost, "/sharing_groups/delete/"+id, nil, nil); err != nil {
		u.fatalf("deleting sharing group %s: %v", id, err)
	}
}

// SharingGroupMembers returns the members of a sharing group (organisation id → extend), as MISP's view shows them.
func (u *mispUI) SharingGroupMembers(id string) (map[string]bool, bool) {
	u.t.Helper()
	var answer struct {
		SharingGroupOrg []struct {
			OrgID  string `json:"org_id"`
			Extend bool   `json:"extend"`
		} `json:"SharingGroupOrg"`
	}
	if err := u.rest(http.MethodGet, "/sharing_groups/view/"+id, nil, &answer); err != nil {
		return nil, false
	}
	out := map[string]bool{}
	for _, m := range answer.SharingGroupOrg {
		out[m.OrgID] = m.Extend
	}
	return out, true
}
