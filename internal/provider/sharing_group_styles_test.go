package provider

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestSGStylesEitherOrder: a group listing its members and a membership resource of the same group, planned in
// either order (or at once), give exactly one warning, from whichever comes second; other groups give none.
func TestSGStylesEitherOrder(t *testing.T) {
	t.Parallel()
	var s sgStyles
	if got := s.listsMembers("1", "g1"); len(got) != 0 {
		t.Errorf("first registration of group 1: memberships %v", got)
	}
	if name, ok := s.managesMembership("1", "7"); !ok || name != "g1" {
		t.Errorf("membership of group 1 after the group: %q, %v; want g1, true", name, ok)
	}
	if _, ok := s.managesMembership("2", "7"); ok {
		t.Error("a membership of group 2 was told that group 2 lists its members")
	}
	_, _ = s.managesMembership("2", "9")
	if got := s.listsMembers("2", "g2"); strings.Join(got, ",") != "7,9" {
		t.Errorf("group 2 after its memberships: %v, want [7 9]", got)
	}

	// Concurrent plans of one group and one membership: one of them, and only one, is told.
	for range 50 {
		var c sgStyles
		var wg sync.WaitGroup
		var groupTold, memberTold bool
		wg.Add(2)
		go func() { defer wg.Done(); groupTold = len(c.listsMembers("3", "g3")) > 0 }()
		go func() { defer wg.Done(); _, memberTold = c.managesMembership("3", "5") }()
		wg.Wait()
		if groupTold == memberTold {
			t.Fatalf("group told %v, membership told %v: want exactly one", groupTold, memberTold)
		}
	}
}

// fakePrivate is a resource's private state.
type fakePrivate map[string][]byte

func (p fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}
func (p fakePrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if len(value) == 0 {
		delete(p, key)
	} else {
		p[key] = value
	}
	return nil
}

// TestWarnForeignMembers: the plan of an authoritative group warns about the members it removes that it did not
// apply itself, and only about those; without a record (an import) about every member it removes.
func TestWarnForeignMembers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	members := func(ids ...string) types.Set {
		list := make([]sgMember, len(ids))
		for i, id := range ids {
			list[i] = sgMember{OrganisationID: types.StringValue(id), Extend: types.BoolValue(false)}
		}
		set, d := types.SetValueFrom(ctx, sgMemberType, list)
		if d.HasError() {
			t.Fatal(d)
		}
		return set
	}
	state := sharingGroupModel{ID: types.StringValue("4"), Name: types.StringValue("partners"), Organisations: members("1", "2", "3")}
	r := &sharingGroupResource{}
	warn := func(p fakePrivate, planned ...string) diag.Diagnostics {
		var diags diag.Diagnostics
		r.warnForeignMembers(ctx, &diags, p, sharingGroupModel{Organisations: members(planned...)}, state)
		return diags
	}

	// Applied 1 and 2; MISP has 3 as well; the configuration now keeps 1 only: 2 is a removal from the
	// configuration (no warning), 3 someone else's member.
	p := fakePrivate{}
	if d := recordAppliedMembers(ctx, p, map[string]bool{"1": true, "2": false}, true); d.HasError() {
		t.Fatal(d)
	}
	diags := warn(p, "1")
	if len(diags) != 1 || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	detail := diags[0].Detail()
	for _, want := range []string{"MISP lists organisation 3 as a member of sharing group \"partners\" (id 4)",
		"this resource did not add it: it was added in MISP", "misp_sharing_group_organisation", sgDocsSection} {
		if !strings.Contains(detail, want) {
			t.Errorf("warning %q lacks %q", detail, want)
		}
	}
	if strings.Contains(detail, "organisation 2") || strings.Contains(detail, "organisations 2") {
		t.Errorf("warning names the member the configuration dropped: %q", detail)
	}
	if d := warn(p, "1", "2", "3"); len(d) != 0 {
		t.Errorf("nothing removed: %v", d)
	}

	// No record (imported): every removal is reported, saying why.
	diags = warn(fakePrivate{}, "1")
	if len(diags) != 1 || !strings.Contains(diags[0].Detail(), "organisations 2, 3 as members") ||
		!strings.Contains(diags[0].Detail(), "the state has no record of the members this resource applied") {
		t.Errorf("without a record: %v", diags)
	}

	// organisations left out of the configuration: the record goes.
	if d := recordAppliedMembers(ctx, p, nil, false); d.HasError() || len(p) != 0 {
		t.Errorf("record after organisations was dropped: %v, %v", p, d)
	}
}
