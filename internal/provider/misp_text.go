package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// mispTextValidator refuses, at plan time, text that MISP cannot store. MISP 2.5.1's tables keep text in MySQL's
// 3-byte UTF-8 (utf8mb3: every text column of users, organisations and roles), so a character outside Unicode's
// Basic Multilingual Plane (an emoji, say; 4 bytes in UTF-8) makes the write fail with a bare HTTP 500 "An Internal
// Error Has Occurred." (verified against MISP 2.5.1). The check covers every string of the configuration, so an
// attribute added later is covered too.
type mispTextValidator struct{}

var _ resource.ConfigValidator = mispTextValidator{}

func (mispTextValidator) Description(context.Context) string {
	return "text must not contain characters outside Unicode's Basic Multilingual Plane (such as emoji), which MISP cannot store"
}

func (v mispTextValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (mispTextValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	_ = tftypes.Walk(req.Config.Raw, func(p *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		if !v.Type().Is(tftypes.String) || !v.IsKnown() || v.IsNull() {
			return true, nil
		}
		var s string
		if err := v.As(&s); err != nil {
			return true, nil //nolint:nilerr // not a string after all: nothing to check
		}
		for i, r := range s {
			if r > 0xFFFF {
				at, name := attributePath(p)
				which := fmt.Sprintf("%q (U+%04X) at byte %d", string(r), r, i)
				if a, err := req.Config.Schema.AttributeAtTerraformPath(ctx, p); err == nil && (a.IsSensitive() || a.IsWriteOnly()) {
					which = "a character" // nothing of a secret in a diagnostic
				}
				resp.Diagnostics.AddAttributeError(at, "Text MISP cannot store",
					fmt.Sprintf("%s contains %s outside Unicode's Basic Multilingual Plane. MISP stores text as 3-byte UTF-8, "+
						"so such characters (emoji, for one) make it fail with an internal error. Remove it.", name, which))
				return false, nil
			}
		}
		return true, nil
	})
}

// attributePath turns a tftypes path into the framework's (as far as attribute names and list or map elements;
// a set element is reported at its set) and a readable name.
func attributePath(p *tftypes.AttributePath) (path.Path, string) {
	var out path.Path
	name := ""
	for i, step := range p.Steps() {
		switch s := step.(type) {
		case tftypes.AttributeName:
			if i == 0 {
				out = path.Root(string(s))
			} else {
				out = out.AtName(string(s))
			}
			name = string(s)
		case tftypes.ElementKeyInt:
			out = out.AtListIndex(int(s))
		case tftypes.ElementKeyString:
			out = out.AtMapKey(string(s))
		case tftypes.ElementKeyValue:
			return out, name
		}
	}
	return out, name
}
