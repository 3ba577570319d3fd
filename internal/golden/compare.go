package golden

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// envelopeKeys are the keys of MISP's non-data answers: success and failure envelopes, exceptions and the
// describe documents. An answer made only of these is compared value for value.
var envelopeKeys = map[string]bool{
	"saved": true, "success": true, "name": true, "message": true, "url": true, "errors": true, "id": true,
	"description": true, "mandatory_fields": true, "optional_fields": true,
}

// IsEnvelope reports whether a decoded answer is one of MISP's envelopes rather than data.
func IsEnvelope(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return false
	}
	for k := range m {
		if !envelopeKeys[k] {
			return false
		}
	}
	return true
}

// Compare checks an answer (normalised like the recording) against the recorded one: status, media type,
// redirect target, JSON or not, and then for envelopes every value, for data the shape (object key sets,
// recursively, and JSON types). It returns the differences, and separately the data values that differ
// (informational: values depend on more than the shape).
func Compare(want, got *Response) (diffs, values []string) {
	if want.Status != got.Status {
		diffs = append(diffs, fmt.Sprintf("status: MISP %d, got %d", want.Status, got.Status))
	}
	if w, g := MediaType(want.ContentType), MediaType(got.ContentType); w != g {
		diffs = append(diffs, fmt.Sprintf("content type: MISP %q, got %q", w, g))
	}
	if want.Location != got.Location {
		diffs = append(diffs, fmt.Sprintf("location: MISP %q, got %q", want.Location, got.Location))
	}
	wj, gj := len(want.Body) > 0, len(got.Body) > 0
	if wj != gj {
		diffs = append(diffs, fmt.Sprintf("body: MISP %s, got %s", describeBody(want), describeBody(got)))
		return diffs, values
	}
	if !wj {
		return diffs, values
	}
	w, err1 := Decode(want.Body)
	g, err2 := Decode(got.Body)
	if err1 != nil || err2 != nil {
		diffs = append(diffs, fmt.Sprintf("body: cannot decode (%v, %v)", err1, err2))
		return diffs, values
	}
	if IsEnvelope(w) {
		if !reflect.DeepEqual(w, g) {
			diffs = append(diffs, fmt.Sprintf("envelope: MISP %s, got %s", want.Body, got.Body))
		}
		return diffs, values
	}
	c := &comparer{}
	c.walk("$", w, g)
	return append(diffs, c.diffs...), c.values
}

func describeBody(r *Response) string {
	switch {
	case len(r.Body) > 0:
		return "JSON " + abbreviate(string(r.Body), 120)
	case r.Text != "":
		return "text " + abbreviate(r.Text, 120)
	}
	return "empty"
}

func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// TypeName is the JSON type of a decoded value.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

type comparer struct {
	diffs, values []string
}

func (c *comparer) walk(path string, w, g any) {
	tw, tg := TypeName(w), TypeName(g)
	if tw != tg {
		c.diffs = append(c.diffs, fmt.Sprintf("%s: %s in MISP (%s), %s here (%s)", path, tw, short(w), tg, short(g)))
		return
	}
	switch wt := w.(type) {
	case map[string]any:
		gt, _ := g.(map[string]any)
		for _, k := range sortedKeys(wt) {
			if _, ok := gt[k]; !ok {
				c.diffs = append(c.diffs, fmt.Sprintf("%s: key %q missing (MISP: %s)", path, k, short(wt[k])))
			}
		}
		for _, k := range sortedKeys(gt) {
			if _, ok := wt[k]; !ok {
				c.diffs = append(c.diffs, fmt.Sprintf("%s: key %q not in MISP's answer (here: %s)", path, k, short(gt[k])))
			}
		}
		for _, k := range sortedKeys(wt) {
			if gv, ok := gt[k]; ok {
				c.walk(path+"."+k, wt[k], gv)
			}
		}
	case []any:
		gt, _ := g.([]any)
		c.list(path, wt, gt)
	default:
		if !reflect.DeepEqual(w, g) {
			c.values = append(c.values, fmt.Sprintf("%s: MISP %s, here %s", path, short(w), short(g)))
		}
	}
}

// list pairs elements by identity (the id of a wrapped record, or an "id" key) when it can, else by position.
func (c *comparer) list(path string, w, g []any) {
	if len(w) != len(g) {
		c.diffs = append(c.diffs, fmt.Sprintf("%s: %d elements in MISP, %d here", path, len(w), len(g)))
	}
	gByID := map[string]any{}
	for _, e := range g {
		if id := identity(e); id != "" {
			gByID[id] = e
		}
	}
	for i, e := range w {
		id := identity(e)
		if id != "" {
			if ge, ok := gByID[id]; ok {
				c.walk(fmt.Sprintf("%s[%s]", path, id), e, ge)
			} else {
				c.diffs = append(c.diffs, fmt.Sprintf("%s: element %s missing", path, id))
			}
			continue
		}
		if i < len(g) {
			c.walk(fmt.Sprintf("%s[%d]", path, i), e, g[i])
		}
	}
}

func identity(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	if id, ok := m["id"].(string); ok {
		return id
	}
	// A wrapped record: [{"User": {...}, "Role": {...}, "Organisation": {...}}] is identified by its main object.
	// A sharing group record carries its owner's Organisation, an auth key its User: the group and the key are
	// the main objects.
	for _, k := range []string{"AuthKey", "UserSetting", "User", "Role", "SharingGroup", "Organisation"} {
		if inner, ok := m[k].(map[string]any); ok {
			if id, ok := inner["id"].(string); ok {
				return k + ":" + id
			}
		}
	}
	return ""
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func short(v any) string {
	raw, err := Encode(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return abbreviate(strings.TrimSpace(string(raw)), 80)
}
