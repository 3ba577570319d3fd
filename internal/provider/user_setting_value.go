package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// A user setting's value is JSON text that MISP sends through PHP (docs/development/misp-api.md §12.3): the value
// read back is not always the text written. settingValueRule compares two texts as MISP would store them, so that
// jsonencode({}) in the configuration and MISP's [] are the same, as are key order, whitespace and 1.0 vs 1.

type (
	settingValueType  = semanticStringType[settingValueRule]
	settingValueValue = semanticStringValue[settingValueRule]
)

type settingValueRule struct{}

func (settingValueRule) typeName() string { return "settingValueType" }

func (settingValueRule) equivalent(a, b string) bool {
	ca, errA := settingCanonical(a)
	cb, errB := settingCanonical(b)
	return errA == nil && errB == nil && reflect.DeepEqual(ca, cb)
}

func newSettingValue(s string) settingValueValue {
	return settingValueValue{StringValue: basetypes.NewStringValue(s)}
}

// errSettingNotJSON and errSettingFalse are the values MISP refuses with "Invalid JSON.".
var (
	errSettingNotJSON = errors.New("a JSON string that does not itself hold JSON text")
	errSettingFalse   = errors.New("false")
)

// settingCanonical is the value MISP keeps for the JSON text s, in a form reflect.DeepEqual compares: objects as
// maps, lists as slices, numbers as float64. At the top level null and "" are [], a string holding JSON text is
// that JSON, true is 1, and false or any other string is refused; inside, an empty object is [] and an object keyed
// "0" … "n-1" is a list, as PHP's json_decode/json_encode make them.
func settingCanonical(s string) (any, error) {
	v, err := decodeJSONNumbers(s)
	if err != nil {
		return nil, err
	}
	switch t := v.(type) {
	case nil:
		return []any{}, nil
	case bool:
		if !t {
			return nil, errSettingFalse
		}
		return float64(1), nil
	case string:
		if t == "" || t == "null" {
			return []any{}, nil
		}
		inner, err := decodeJSONNumbers(t)
		if err != nil {
			return nil, errSettingNotJSON
		}
		return phpShapes(inner), nil
	}
	return phpShapes(v), nil
}

func decodeJSONNumbers(s string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("not valid JSON: more than one value")
	}
	return v, nil
}

// phpShapes is v after PHP's json_decode(…, true) and json_encode.
func phpShapes(v any) any {
	switch t := v.(type) {
	case json.Number:
		f, _ := t.Float64()
		return f
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = phpShapes(e)
		}
		return out
	case map[string]any:
		if list, ok := sequentialKeys(t); ok {
			return phpShapes(list)
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = phpShapes(e)
		}
		return out
	}
	return v
}

// sequentialKeys returns the object as a list when its keys are exactly "0" … "n-1" (n = 0 included).
func sequentialKeys(m map[string]any) ([]any, bool) {
	list := make([]any, len(m))
	for k, e := range m {
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(m) || strconv.Itoa(i) != k {
			return nil, false
		}
		list[i] = e
	}
	return list, true
}

// settingValueValidator refuses at plan time what MISP would refuse with "Invalid JSON." at apply.
type settingValueValidator struct{}

func (settingValueValidator) Description(context.Context) string {
	return "must be JSON text (use jsonencode) that MISP can store: not false, and not a string unless it holds JSON"
}

func (v settingValueValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v settingValueValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	_, err := settingCanonical(req.ConfigValue.ValueString())
	switch {
	case err == nil:
		return
	case errors.Is(err, errSettingFalse), errors.Is(err, errSettingNotJSON):
		resp.Diagnostics.AddAttributeError(req.Path, "User setting value MISP cannot store",
			fmt.Sprintf("The value is %v. MISP stores a setting as JSON and refuses this value (\"Invalid JSON.\"). Give an "+
				"object, a list or a number, e.g. value = jsonencode({ path = \"/events/index\" }).", err))
	default:
		resp.Diagnostics.AddAttributeError(req.Path, "User setting value is not JSON",
			fmt.Sprintf("The value must be JSON text; %v. Write it with jsonencode(...), e.g. value = jsonencode([\"clusters\"]).", err))
	}
}
