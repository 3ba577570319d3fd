package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The pairs are what real MISP 2.5.1 read back for each value written (docs/development/misp-api.md §12.3).
func TestSettingValueRule(t *testing.T) {
	same := []struct{ written, read string }{
		{`{"path": "/events/index"}`, `{"path":"/events/index"}`},
		{`{}`, `[]`},
		{`null`, `[]`},
		{`""`, `[]`},
		{`{"0": "a", "1": "b"}`, `["a","b"]`},
		{`{"1": "b", "0": "a"}`, `["a","b"]`},
		{`{"b": 1, "a": {"y": 2, "x": 1}}`, `{"a":{"x":1,"y":2},"b":1}`},
		{`{"a": 1.5e3}`, `{"a":1500}`},
		{`1.0`, `1`},
		{`true`, `1`},
		{`"{\"a\":1}"`, `{"a":1}`},
		{`"[1,2]"`, `[1,2]`},
		{`"1"`, `1`},
		{`[{"config": {}}]`, `[{"config":[]}]`},
	}
	rule := settingValueRule{}
	for _, c := range same {
		if !rule.equivalent(c.written, c.read) || !rule.equivalent(c.read, c.written) {
			t.Errorf("%s and %s should compare equal", c.written, c.read)
		}
	}
	different := []struct{ a, b string }{
		{`{"path": "/a"}`, `{"path": "/b"}`},
		{`["a","b"]`, `["b","a"]`},
		{`{"0": "a", "2": "b"}`, `["a","b"]`},
		{`{"01": "a"}`, `["a"]`},
		{`[1]`, `["1"]`},
		{`[true]`, `[1]`}, // only a top-level true becomes 1
		{`false`, `false`},
		{`"x"`, `"x"`}, // refused by MISP: never equal, not even to itself
		{`{"a":`, `{"a":`},
	}
	for _, c := range different {
		if rule.equivalent(c.a, c.b) {
			t.Errorf("%s and %s should not compare equal", c.a, c.b)
		}
	}
}

func TestSettingValueValidator(t *testing.T) {
	for _, c := range []struct {
		value   string
		summary string // "" when valid
	}{
		{`{"path":"/events/index"}`, ""},
		{`["clusters"]`, ""},
		{`1`, ""},
		{`"[1]"`, ""},
		{`false`, "User setting value MISP cannot store"},
		{`"/events"`, "User setting value MISP cannot store"},
		{`{"a":`, "User setting value is not JSON"},
		{`{} {}`, "User setting value is not JSON"},
	} {
		resp := &validator.StringResponse{}
		settingValueValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("value"), ConfigValue: types.StringValue(c.value)}, resp)
		switch {
		case c.summary == "" && resp.Diagnostics.HasError():
			t.Errorf("%s: unexpected %v", c.value, resp.Diagnostics)
		case c.summary != "" && (!resp.Diagnostics.HasError() || resp.Diagnostics[0].Summary() != c.summary):
			t.Errorf("%s: got %v, want %q", c.value, resp.Diagnostics, c.summary)
		}
	}
}
