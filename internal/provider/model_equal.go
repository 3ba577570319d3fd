package provider

import (
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
)

// sameModel reports whether two values of one model struct hold equal values in every field (deep equality, or
// attr.Value.Equal for Terraform values, so that a set in another order is the same set). Read uses it to leave the state exactly as Terraform sent it
// when MISP's answer changes nothing: the framework starts the response from the current state, and converting an
// unchanged model back costs a walk of every attribute (docs/development/performance.md, "ours: F").
func sameModel[T any](a, b *T) bool {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	if va.Kind() != reflect.Struct {
		return reflect.DeepEqual(a, b)
	}
	return sameStruct(va, vb)
}

func sameStruct(va, vb reflect.Value) bool {
	for i := range va.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		if !fa.CanInterface() {
			return false
		}
		if reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			continue
		}
		if fa.Kind() == reflect.Struct && va.Type().Field(i).Anonymous {
			// An embedded group of attributes (userColumns): compare its fields the same way.
			if !sameStruct(fa, fb) {
				return false
			}
			continue
		}
		x, okA := fa.Interface().(attr.Value)
		y, okB := fb.Interface().(attr.Value)
		if !okA || !okB || x == nil || y == nil || !x.Equal(y) {
			return false
		}
	}
	return true
}
