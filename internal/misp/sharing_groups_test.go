package misp_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// sgViewAnswer is GET /sharing_groups/view/3 as MISP 2.5.1 answered it (docs/development/misp-api.md §10.2).
const sgViewAnswer = `{"SharingGroup": {"id": "3", "name": "sgt-two", "releasability": "", "description": "", "uuid": "4b955ad9-6cde-4d90-9a85-3a02e88f05e9", "organisation_uuid": "5e073eaf-664f-4fd2-a3bc-272d18d1d276", "org_id": "1", "sync_user_id": "1", "active": false, "created": "2026-12-02 17:26:41", "modified": "2026-12-02 17:26:56", "local": false, "roaming": false, "sync_org_name": "ORGNAME", "sync_org": {"id": "1", "name": "ORGNAME", "uuid": "5e073eaf-664f-4fd2-a3bc-272d18d1d276"}}, "Organisation": {"id": "1", "name": "ORGNAME", "date_created": "2026-12-02 17:06:42", "date_modified": "2026-12-02 17:06:42", "description": "Automatically generated admin organisation", "type": "ADMIN", "nationality": "", "sector": "", "created_by": "0", "uuid": "5e073eaf-664f-4fd2-a3bc-272d18d1d276", "contacts": null, "local": true, "restricted_to_domain": null, "landingpage": null}, "SharingGroupOrg": [{"id": "1", "sharing_group_id": "3", "org_id": "2", "extend": false, "Organisation": {"id": "2", "name": "sgt-partner-a", "uuid": "b20f476b-e680-4621-879d-e3a5ffa535ca", "local": true}}], "SharingGroupServer": [{"id": "3", "sharing_group_id": "3", "server_id": "0", "all_orgs": true, "Server": {"id": "0", "name": "Local instance", "url": "http://127.0.0.1:18082"}}]}`

// sgIndexAnswer is the shape of GET /sharing_groups/index on MISP 2.5.1: server 0's Server is [].
const sgIndexAnswer = `{"response":[{"SharingGroup":{"id":"1","uuid":"19da1e2c-4902-4cdb-afde-478148329d2a","name":"sgt-one",` +
	`"description":"d1","releasability":"r1","local":false,"active":true,"roaming":false,"org_count":"1"},` +
	`"Organisation":{"id":"1","name":"ORGNAME","uuid":"5e073eaf-664f-4fd2-a3bc-272d18d1d276"},` +
	`"SharingGroupOrg":[{"id":"4","sharing_group_id":"1","org_id":"2","extend":true,"Organisation":{"name":"sgt-partner-a","id":"2","uuid":"b20f476b-e680-4621-879d-e3a5ffa535ca"}}],` +
	`"SharingGroupServer":[{"all_orgs":false,"server_id":"0","sharing_group_id":"1","Server":[]}],"editable":true,"deletable":true}]}`

func TestSharingGroupDecode(t *testing.T) {
	f := newFakeServer(t, reply{Body: sgViewAnswer}, reply{Body: sgIndexAnswer})
	c := newClient(t, f.URL)
	ctx := context.Background()
	rec, err := c.GetSharingGroup(ctx, "3")
	if err != nil {
		t.Fatal(err)
	}
	if rec.SharingGroup.Name != "sgt-two" || bool(rec.SharingGroup.Active) || rec.SharingGroup.OrgID != "1" ||
		rec.Organisation == nil || rec.Organisation.Name != "ORGNAME" {
		t.Errorf("group decoded as %+v, owner %+v", rec.SharingGroup, rec.Organisation)
	}
	if len(rec.SharingGroupOrg) != 1 || rec.SharingGroupOrg[0].OrgID != "2" || bool(rec.SharingGroupOrg[0].Extend) ||
		rec.SharingGroupOrg[0].Organisation == nil || rec.SharingGroupOrg[0].Organisation.UUID != "b20f476b-e680-4621-879d-e3a5ffa535ca" {
		t.Errorf("members decoded as %+v", rec.SharingGroupOrg)
	}
	if len(rec.SharingGroupServer) != 1 || rec.SharingGroupServer[0].ServerID != "0" || !bool(rec.SharingGroupServer[0].AllOrgs) ||
		rec.SharingGroupServer[0].Server == nil || rec.SharingGroupServer[0].Server.URL != "http://127.0.0.1:18082" {
		t.Errorf("servers decoded as %+v", rec.SharingGroupServer)
	}
	list, err := c.ListSharingGroups(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].SharingGroup.OrgCount != 1 || !bool(list[0].Editable) || list[0].SharingGroupServer[0].Server != nil ||
		!bool(list[0].SharingGroupOrg[0].Extend) {
		t.Errorf("index decoded as %+v", list)
	}
	reqs := f.requests()
	if reqs[0].URI != "/sharing_groups/view/3" || reqs[1].URI != "/sharing_groups/index" {
		t.Errorf("requests %+v", reqs)
	}
}

func TestSharingGroupMissingIsNotFound(t *testing.T) {
	f := newFakeServer(t,
		reply{Status: http.StatusMethodNotAllowed, Body: `{"name":"Sharing group doesn&#039;t exist or you do not have permission to access it.","message":"Sharing group doesn&#039;t exist or you do not have permission to access it.","url":"\/sharing_groups\/view\/99"}`},
		reply{Status: http.StatusMethodNotAllowed, Body: `{"name":"Action not allowed.","message":"Action not allowed.","url":"\/sharing_groups\/delete\/99"}`},
		reply{Status: http.StatusNotFound, Body: `{"name":"Invalid sharing group.","message":"Invalid sharing group.","url":"\/sharing_groups\/edit\/99"}`},
		reply{Status: http.StatusMethodNotAllowed, Body: `{"name":"Invalid organisation.","message":"Invalid organisation.","url":"\/sharing_groups\/addOrg\/1\/99"}`},
	)
	c := newClient(t, f.URL)
	ctx := context.Background()
	if _, err := c.GetSharingGroup(ctx, "99"); !errors.Is(err, misp.ErrNotFound) {
		t.Errorf("view: %v", err)
	}
	if err := c.DeleteSharingGroup(ctx, "99"); !errors.Is(err, misp.ErrNotFound) {
		t.Errorf("delete: %v", err)
	}
	if _, err := c.EditSharingGroup(ctx, "99", misp.SharingGroupInput{Name: ptr("x")}); !errors.Is(err, misp.ErrNotFound) {
		t.Errorf("edit: %v", err)
	}
	// An unknown organisation is not a missing group.
	if err := c.AddOrgToSharingGroup(ctx, "1", "99", false); errors.Is(err, misp.ErrNotFound) || err == nil {
		t.Errorf("addOrg of an unknown organisation: %v", err)
	}
}

func TestSharingGroupWrites(t *testing.T) {
	f := newFakeServer(t, reply{Body: sgViewAnswer},
		reply{Body: `{"saved":true,"success":true,"name":"Organisation added to the sharing group.","message":"Organisation added to the sharing group.","url":"/sharing_groups/addOrg"}`},
		reply{Status: http.StatusForbidden, Body: `{"saved":false,"name":"Could not add Organisation to SharingGroup","message":"Could not add Organisation to SharingGroup","url":"/sharing_groups/addOrg","errors":"Organisation is already in the sharing group."}`},
	)
	c := newClient(t, f.URL)
	ctx := context.Background()
	in := misp.SharingGroupInput{Name: ptr("n"), Active: ptr(false),
		Organisations: []misp.SharingGroupOrgInput{{UUID: "b20f476b-e680-4621-879d-e3a5ffa535ca", Extend: true}},
		Servers:       []misp.SharingGroupServerInput{{URL: "http://127.0.0.1:18082", AllOrgs: true}}}
	if _, err := c.AddSharingGroup(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := c.AddOrgToSharingGroup(ctx, "3", "2", true); err != nil {
		t.Fatal(err)
	}
	err := c.AddOrgToSharingGroup(ctx, "3", "2", false)
	var apiErr *misp.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		t.Errorf("second addOrg: %v", err)
	}
	reqs := f.requests()
	jsonEqual(t, reqs[0].Body, `{"name":"n","active":false,"SharingGroupOrg":[{"uuid":"b20f476b-e680-4621-879d-e3a5ffa535ca","extend":true}],`+
		`"SharingGroupServer":[{"url":"http://127.0.0.1:18082","all_orgs":true}]}`)
	if reqs[1].URI != "/sharing_groups/addOrg/3/2" || reqs[1].Method != http.MethodPost {
		t.Errorf("addOrg sent %s %s", reqs[1].Method, reqs[1].URI)
	}
	jsonEqual(t, reqs[1].Body, `{"extend":true}`)
	// A member without a uuid would become a membership of organisation 0: refused before anything is sent.
	if _, err := c.AddSharingGroup(ctx, misp.SharingGroupInput{Name: ptr("n"), Organisations: []misp.SharingGroupOrgInput{{}}}); err == nil {
		t.Error("a member without uuid was sent")
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}
