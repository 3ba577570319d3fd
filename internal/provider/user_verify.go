package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// Write verification: after a write, what MISP stored is compared with what was sent.

// readBack refreshes m from MISP after a write (the write answers lack the names and, for edits, may
// lack columns), then checks that MISP kept every configured value.
func (r *userResource) readBack(ctx context.Context, id string, plan userResourceModel, sent map[string]bool, m *userResourceModel, diags *diag.Diagnostics) {
	rec, err := readUser(ctx, r.pd.client, id)
	if err != nil {
		addAPIError(diags, "Error reading MISP user", fmt.Sprintf("Reading user %s back after the change", id), err, nil)
		return
	}
	m.setFromRecord(rec, *m)
	checkApplied(plan, *m, sent, diags)
}

// sentFields lists the MISP fields a request carries.
func sentFields(in misp.UserInput) map[string]bool {
	out := map[string]bool{}
	b, err := json.Marshal(in)
	if err != nil {
		return out
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) == nil {
		for k := range m {
			out[k] = true
		}
	}
	return out
}

// checkApplied reports values sent to MISP that it did not keep: inputs MISP ignores silently (§5.16),
// such as an org admin's org_id or an e-mail when login changes are disabled. Stating the cause beats
// Terraform's "Provider produced inconsistent result".
func checkApplied(plan, got userResourceModel, sent map[string]bool, diags *diag.Diagnostics) {
	for i := range userFieldTable {
		f := &userFieldTable[i]
		want, kept := f.bind.value(&plan), f.bind.value(&got)
		if !f.managed() || !sent[f.name] || !known(want) || equivalent(want, kept) {
			continue
		}
		planned, shown := want.String(), fmt.Sprintf("MISP kept %s", kept)
		if f.sensitive {
			planned, shown = "(sensitive value)", "MISP kept another value"
		}
		diags.AddAttributeError(path.Root(f.name), "MISP did not apply a user attribute",
			fmt.Sprintf("MISP accepted the request but did not store %s = %s: %s. MISP ignores some inputs silently, "+
				"depending on the instance's settings and the provider key's role (for example email when "+
				"MISP.disable_user_login_change is set, or change_pw when password changes are disabled). "+
				"Adjust the configuration to what MISP allows.", f.name, planned, shown))
	}
}

// equivalent compares two attribute values the way MISP does (semantic equality for the custom strings).
func equivalent(a, b attr.Value) bool {
	av, aok := a.(userStringValue)
	bv, bok := b.(userStringValue)
	if aok && bok && known(av) && known(bv) {
		return av.rule.equivalent(av.ValueString(), bv.ValueString())
	}
	return a.Equal(b)
}
