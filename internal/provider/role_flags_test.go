package provider

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

func decodeRole(t *testing.T, body string) *misp.Role {
	t.Helper()
	var r misp.Role
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return &r
}

// falseFlags is a role model with every flag false, as roleFromAPI maps a role without flags.
func falseFlags() roleModel {
	var m roleModel
	for _, f := range roleFlags {
		*f.model(&m) = types.BoolValue(false)
	}
	return m
}

func TestRoleFromAPI(t *testing.T) {
	t.Parallel()
	// As MISP 2.5.1's index answers: integers as strings, flags as booleans.
	r := decodeRole(t, `{"id":"7","name":"Auditor","permission":"2","perm_add":true,"perm_modify":true,
		"perm_modify_org":true,"perm_audit":true,"memory_limit":"2048M","max_execution_time":"300",
		"restricted_to_site_admin":true,"enforce_rate_limit":false,"rate_limit_count":"0","default":true}`)
	want := falseFlags()
	want.ID = types.StringValue("7")
	want.Name = types.StringValue("Auditor")
	want.Permission = types.StringValue("manage_org")
	want.PermAdd = types.BoolValue(true)
	want.PermModify = types.BoolValue(true)
	want.PermModifyOrg = types.BoolValue(true)
	want.PermAudit = types.BoolValue(true)
	want.MemoryLimit = types.StringValue("2048M")
	want.MaxExecutionTime = types.Int64Value(300)
	want.RestrictedToSiteAdmin = types.BoolValue(true)
	want.EnforceRateLimit = types.BoolValue(false)
	want.RateLimitCount = types.Int64Value(0)
	want.Default = types.BoolValue(true)
	if got := roleFromAPI(r); !reflect.DeepEqual(got, want) {
		t.Errorf("model =\n%+v\nwant\n%+v", got, want)
	}
}

// Values MISP keeps unset or a hand-edited row: null memory_limit and max_execution_time, an out-of-range level.
func TestRoleFromAPI_unsetValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body        string
		permission  string
		memoryLimit string
		maxExec     types.Int64
	}{
		{`{"id":"1","permission":"3","memory_limit":null,"max_execution_time":null}`, "publish", "", types.Int64Null()},
		{`{"id":"1","permission":0,"memory_limit":"","max_execution_time":""}`, "read_only", "", types.Int64Null()},
		{`{"id":"1","permission":"9","memory_limit":"-1","max_execution_time":"0"}`, "read_only", "-1", types.Int64Value(0)},
		{`{"id":"1","permission":"1","max_execution_time":" 60 "}`, "manage_own", "", types.Int64Value(60)},
	}
	for _, tc := range tests {
		m := roleFromAPI(decodeRole(t, tc.body))
		if m.Permission.ValueString() != tc.permission || m.MemoryLimit.ValueString() != tc.memoryLimit ||
			!m.MaxExecutionTime.Equal(tc.maxExec) {
			t.Errorf("%s -> permission %v, memory_limit %v, max_execution_time %v; want %s, %q, %v",
				tc.body, m.Permission, m.MemoryLimit, m.MaxExecutionTime, tc.permission, tc.memoryLimit, tc.maxExec)
		}
	}
}

// Each flag of the table reads its own column of MISP's answer into its own attribute, and writes its own key
// of the input: one miswired accessor would move a permission to another flag.
func TestRoleFlagsTable(t *testing.T) {
	t.Parallel()
	names := map[string]bool{}
	for _, f := range roleFlags {
		if names[f.name] {
			t.Fatalf("flag %s listed twice", f.name)
		}
		names[f.name] = true
		if f.derived != (f.input == nil) {
			t.Errorf("%s: derived = %v but input accessor set = %v", f.name, f.derived, f.input != nil)
		}
		m := roleFromAPI(decodeRole(t, `{"id":"1","permission":"0","`+f.name+`":"1"}`))
		for _, g := range roleFlags {
			if got := g.model(&m).ValueBool(); got != (g.name == f.name) {
				t.Errorf("MISP answer with only %s set: attribute %s = %v", f.name, g.name, got)
			}
		}
		if f.derived {
			continue
		}
		plan := falseFlags()
		*f.model(&plan) = types.BoolValue(true)
		sent := inputJSON(t, roleCreateInput(&plan))
		for _, g := range roleFlags {
			v, ok := sent[g.name]
			switch {
			case g.derived && ok:
				t.Errorf("%s sent on create; it follows permission", g.name)
			case !g.derived && v != (g.name == f.name):
				t.Errorf("plan with only %s true: input %s = %v", f.name, g.name, v)
			}
		}
	}
	attrTypes := roleAttrTypes()
	for name := range names {
		if _, ok := attrTypes[name]; !ok {
			t.Errorf("roleAttrTypes lacks %s", name)
		}
	}
}

func TestRoleCreateInput(t *testing.T) {
	t.Parallel()
	plan := falseFlags()
	plan.Name = types.StringValue("Auditor")
	plan.Permission = types.StringValue("publish")
	plan.PermAudit = types.BoolValue(true)
	plan.PermAdd = types.BoolValue(true) // derived: never sent
	plan.MemoryLimit = types.StringValue("")
	plan.MaxExecutionTime = types.Int64Null()
	plan.RestrictedToSiteAdmin = types.BoolValue(true)
	plan.EnforceRateLimit = types.BoolValue(true)
	plan.RateLimitCount = types.Int64Value(100)
	got := inputJSON(t, roleCreateInput(&plan))
	want := map[string]any{
		"name": "Auditor", "permission": float64(3), "memory_limit": "", "restricted_to_site_admin": true,
		"enforce_rate_limit": true, "rate_limit_count": float64(100),
	}
	for _, f := range roleFlags {
		if !f.derived {
			want[f.name] = f.name == "perm_audit"
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("input = %v\nwant %v", got, want)
	}
	for _, level := range []types.String{types.StringUnknown(), types.StringNull(), types.StringValue("nonsense")} {
		plan.Permission = level
		if in := roleCreateInput(&plan); in.Permission != nil {
			t.Errorf("permission %v sent as %d", level, *in.Permission)
		}
	}
}

func TestRoleUpdateInput(t *testing.T) {
	t.Parallel()
	state := falseFlags()
	state.ID = types.StringValue("7")
	state.Name = types.StringValue("Auditor")
	state.Permission = types.StringValue("manage_org")
	state.PermAudit = types.BoolValue(true)
	state.MemoryLimit = types.StringValue("")
	state.MaxExecutionTime = types.Int64Null()
	state.RestrictedToSiteAdmin = types.BoolValue(false)
	state.EnforceRateLimit = types.BoolValue(false)
	state.RateLimitCount = types.Int64Value(5)
	tests := []struct {
		name      string
		edit      func(p *roleModel)
		want      map[string]any
		wantLevel string
	}{
		{"nothing changed: permission and rate_limit_count are sent all the same", func(*roleModel) {},
			map[string]any{"permission": float64(2), "rate_limit_count": float64(5)}, "manage_org"},
		{"changed attributes and flags", func(p *roleModel) {
			p.Name = types.StringValue("Auditors")
			p.PermAudit = types.BoolValue(false)
			p.PermSync = types.BoolValue(true)
			p.PermAdd = types.BoolValue(true) // derived: never sent
			p.MemoryLimit = types.StringValue("4G")
			p.MaxExecutionTime = types.Int64Value(0)
			p.RestrictedToSiteAdmin = types.BoolValue(true)
			p.EnforceRateLimit = types.BoolValue(true)
			p.RateLimitCount = types.Int64Value(50)
			p.Permission = types.StringValue("publish")
		}, map[string]any{
			"name": "Auditors", "perm_audit": false, "perm_sync": true, "memory_limit": "4G",
			"max_execution_time": float64(0), "restricted_to_site_admin": true, "enforce_rate_limit": true,
			"rate_limit_count": float64(50), "permission": float64(3),
		}, "publish"},
		{"unknown permission and count keep the state's", func(p *roleModel) {
			p.Permission = types.StringUnknown()
			p.RateLimitCount = types.Int64Unknown()
		}, map[string]any{"permission": float64(2), "rate_limit_count": float64(5)}, "manage_org"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			plan := state
			tc.edit(&plan)
			in, level, ok := roleUpdateInput(&plan, &state)
			if !ok || level != tc.wantLevel {
				t.Fatalf("level, ok = %q, %v; want %q, true", level, ok, tc.wantLevel)
			}
			if got := inputJSON(t, in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("input = %v\nwant %v", got, tc.want)
			}
		})
	}
	t.Run("no known level to keep", func(t *testing.T) {
		t.Parallel()
		plan, st := state, state
		plan.Permission = types.StringNull()
		st.Permission = types.StringValue("")
		if _, level, ok := roleUpdateInput(&plan, &st); ok || level != "" {
			t.Errorf("level, ok = %q, %v; want \"\", false", level, ok)
		}
	})
}
