package misp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// Answers as a real MISP 2.5.1 gave them (docs/development/misp-api.md §11).
const (
	akAddAnswer = `{"AuthKey": {"id": "7", "uuid": "ac241e17-07ab-4cb6-b4d4-25e79214907e", "authkey_start": "2tXr",
		"authkey_end": "tSYe", "created": "1796231640", "expiration": "1811808000", "read_only": false, "user_id": "2",
		"comment": "c1", "allowed_ips": ["127.0.0.1", "10.0.0.0/8"], "unique_ips": [],
		"authkey_raw": "2tXrUh4jdp5vbDHETsxuaknAYmCsVsNBnsQctSYe"}}`
	akViewAnswer = `{"AuthKey": {"id": "8", "uuid": "55ce89ce-598c-478d-84f6-fd2d5f68a466", "authkey_start": "nTPC",
		"authkey_end": "WM4a", "created": "1796231640", "expiration": "1811808123", "read_only": true, "user_id": "2",
		"comment": "c2-edited", "allowed_ips": ["127.0.0.1"], "unique_ips": ["127.0.0.1"]},
		"User": {"id": "2", "email": "tfacc-bot2@ak.test"}}`
	akEditAnswer = `{"AuthKey": {"id": "8", "uuid": "55ce89ce-598c-478d-84f6-fd2d5f68a466", "authkey_start": "nTPC",
		"authkey_end": "WM4a", "created": "1796231640", "expiration": 1811808123, "read_only": 1, "user_id": "2",
		"comment": "c2-edited", "allowed_ips": "[\"127.0.0.1\"]", "unique_ips": "[\"127.0.0.1\"]"},
		"User": {"id": "2", "org_id": "2"}}`
	akOrphanIndex = `[{"AuthKey": {"id": "17", "uuid": "763cef17-13f3-4a63-9d00-9f52abed63d9", "authkey_start": "YyjY",
		"authkey_end": "z3Jw", "created": "1796231752", "expiration": "0", "read_only": false, "user_id": "5",
		"comment": "u3", "allowed_ips": null, "unique_ips": ["127.0.0.1"]}, "User": {"id": null, "email": null}},
		` + `{"AuthKey": {"id": "8", "uuid": "55ce89ce-598c-478d-84f6-fd2d5f68a466", "authkey_start": "nTPC",
		"authkey_end": "WM4a", "created": "1796231640", "expiration": "0", "read_only": false, "user_id": "2",
		"comment": "", "allowed_ips": null, "unique_ips": []}, "User": {"id": "2", "email": "b@x.test"}}]`
)

func TestAddAuthKey(t *testing.T) {
	srv := newFakeServer(t, reply{Body: akAddAnswer})
	c := newClient(t, srv.URL)
	comment, ips, exp, ro := "c1", []string{"127.0.0.1", "10.0.0.0/8"}, int64(1811808000), false
	k, err := c.AddAuthKey(context.Background(), "2", misp.AuthKeyInput{Comment: &comment, AllowedIPs: &ips, Expiration: &exp, ReadOnly: &ro})
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.reqs[0]; got.Method != http.MethodPost || got.URI != "/auth_keys/add/2" {
		t.Fatalf("request %s %s", got.Method, got.URI)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(srv.reqs[0].Body), &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"comment": "c1", "allowed_ips": []any{"127.0.0.1", "10.0.0.0/8"}, "expiration": float64(1811808000), "read_only": false}
	if !reflect.DeepEqual(body, want) {
		t.Fatalf("body %v, want %v", body, want)
	}
	if k.ID != "7" || k.Raw != "2tXrUh4jdp5vbDHETsxuaknAYmCsVsNBnsQctSYe" || k.Expiration != 1811808000 || k.Start != "2tXr" ||
		!reflect.DeepEqual([]string(k.AllowedIPs), ips) || k.UserID != "2" {
		t.Fatalf("decoded %+v", k)
	}
}

func TestAddAuthKeyRefusalKeepsNoKey(t *testing.T) {
	srv := newFakeServer(t, reply{Status: 403, Body: `{"saved": false, "name": "Could not add auth_key", "message": "Could not add auth_key",
		"url": "/auth_keys/add", "errors": {"user_id": ["User doesn't exists"]}}`})
	_, err := newClient(t, srv.URL).AddAuthKey(context.Background(), "99", misp.AuthKeyInput{})
	var apiErr *misp.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || apiErr.Errors["user_id"][0] != "User doesn't exists" {
		t.Fatalf("error %v", err)
	}
}

// An edit answers other JSON types than view (§11.3): EditAuthKey reads the key back with view.
func TestEditAuthKeyReadsBackWithView(t *testing.T) {
	srv := newFakeServer(t, reply{Body: akEditAnswer}, reply{Body: akViewAnswer})
	ro := true
	v, err := newClient(t, srv.URL).EditAuthKey(context.Background(), "8", misp.AuthKeyInput{ReadOnly: &ro})
	if err != nil {
		t.Fatal(err)
	}
	if len(srv.reqs) != 2 || srv.reqs[0].URI != "/auth_keys/edit/8" || srv.reqs[1].Method != http.MethodGet ||
		srv.reqs[1].URI != "/auth_keys/view/8" {
		t.Fatalf("requests %+v", srv.reqs)
	}
	if srv.reqs[0].Body != `{"read_only":true}` {
		t.Fatalf("edit body %s", srv.reqs[0].Body)
	}
	if !bool(v.ReadOnly) || v.Expiration != 1811808123 || v.UserEmail != "tfacc-bot2@ak.test" || v.Orphaned ||
		!reflect.DeepEqual([]string(v.AllowedIPs), []string{"127.0.0.1"}) {
		t.Fatalf("decoded %+v", v)
	}
}

// The edit answer's own types decode too (a JSON-encoded string list is split as one entry per line,
// so a decoder never fails on it), but the client does not rely on them.
func TestAuthKeyEditAnswerDecodes(t *testing.T) {
	var v misp.AuthKeyView
	if err := json.Unmarshal([]byte(akEditAnswer), &v); err != nil {
		t.Fatal(err)
	}
	if !bool(v.ReadOnly) || v.Expiration != 1811808123 {
		t.Fatalf("decoded %+v", v)
	}
}

func TestEmptyAllowedIPsClears(t *testing.T) {
	srv := newFakeServer(t, reply{Body: `{"saved": true}`}, reply{Body: akViewAnswer})
	none := []string{}
	if _, err := newClient(t, srv.URL).EditAuthKey(context.Background(), "8", misp.AuthKeyInput{AllowedIPs: &none}); err != nil {
		t.Fatal(err)
	}
	if srv.reqs[0].Body != `{"allowed_ips":[]}` {
		t.Fatalf("edit body %s", srv.reqs[0].Body)
	}
}

func TestListAuthKeysOrphanedAndFindByUUID(t *testing.T) {
	srv := newFakeServer(t, reply{Body: akOrphanIndex})
	c := newClient(t, srv.URL)
	list, err := c.ListAuthKeys(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || !list[0].Orphaned || list[0].UserID != "5" || list[0].AllowedIPs != nil || list[1].Orphaned ||
		list[1].UserEmail != "b@x.test" {
		t.Fatalf("decoded %+v", list)
	}
	k, err := c.FindAuthKeyByUUID(context.Background(), "55CE89CE-598C-478D-84F6-FD2D5F68A466")
	if err != nil || k.ID != "8" {
		t.Fatalf("find: %v %+v", err, k)
	}
	if _, err := c.FindAuthKeyByUUID(context.Background(), "00000000-0000-4000-8000-000000000000"); !errors.Is(err, misp.ErrNotFound) {
		t.Fatalf("missing uuid: %v", err)
	}
	if srv.reqs[0].URI != "/auth_keys/index" {
		t.Fatalf("URI %s", srv.reqs[0].URI)
	}
}

func TestGetAndDeleteMissingAuthKey(t *testing.T) {
	srv := newFakeServer(t, reply{Status: 404, Body: `{"name":"Invalid AuthKey.","message":"Invalid AuthKey.","url":"\/auth_keys\/view\/999"}`})
	c := newClient(t, srv.URL)
	if _, err := c.GetAuthKey(context.Background(), "999"); !errors.Is(err, misp.ErrNotFound) {
		t.Fatalf("view: %v", err)
	}
	if err := c.DeleteAuthKey(context.Background(), "999"); !errors.Is(err, misp.ErrNotFound) {
		t.Fatalf("delete: %v", err)
	}
	if srv.reqs[1].Method != http.MethodPost || srv.reqs[1].URI != "/auth_keys/delete/999" {
		t.Fatalf("delete request %+v", srv.reqs[1])
	}
}

func TestAuthKeyExpired(t *testing.T) {
	k := misp.AuthKey{Expiration: 100}
	if !k.Expired(100) || k.Expired(99) || (&misp.AuthKey{}).Expired(1<<40) {
		t.Fatal("Expired")
	}
}
