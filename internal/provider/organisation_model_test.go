package provider

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// decodeOrganisation decodes one organisation as MISP 2.5.1 sends it (integers as strings, local as a boolean).
func decodeOrganisation(t *testing.T, body string) *misp.Organisation {
	t.Helper()
	var o misp.Organisation
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return &o
}

// inputJSON is what the client would send for in, as a map.
func inputJSON(t *testing.T, in any) map[string]any {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatalf("encode %#v: %v", in, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

func domainSet(t *testing.T, domains ...string) types.Set {
	t.Helper()
	elems := make([]attr.Value, len(domains))
	for i, d := range domains {
		elems[i] = types.StringValue(d)
	}
	s, diags := types.SetValue(types.StringType, elems)
	if diags.HasError() {
		t.Fatalf("set: %v", diags)
	}
	return s
}

func TestOrganisationFromAPI(t *testing.T) {
	t.Parallel()
	o := decodeOrganisation(t, `{"id":"12","name":"ACME CSIRT","date_created":"2024-01-02 03:04:05",
		"date_modified":"2024-02-03 04:05:06","description":"d","type":"CSIRT","nationality":"Europe",
		"sector":"Financial","created_by":"1","uuid":"0b1c5e7e-0000-4000-8000-000000000001","contacts":"c",
		"local":true,"restricted_to_domain":["example.org","example.net"],"landingpage":"https://x.example",
		"user_count":"3"}`)
	m, diags := organisationFromAPI(t.Context(), o)
	if diags.HasError() {
		t.Fatalf("diagnostics: %v", diags)
	}
	want := organisationModel{
		ID:                 types.StringValue("12"),
		UUID:               uuidValue("0b1c5e7e-0000-4000-8000-000000000001"),
		Name:               types.StringValue("ACME CSIRT"),
		Description:        types.StringValue("d"),
		Type:               types.StringValue("CSIRT"),
		Nationality:        types.StringValue("Europe"),
		Sector:             types.StringValue("Financial"),
		Contacts:           types.StringValue("c"),
		Local:              types.BoolValue(true),
		RestrictedToDomain: domainSet(t, "example.org", "example.net"),
		Landingpage:        types.StringValue("https://x.example"),
		CreatedBy:          types.StringValue("1"),
		DateCreated:        types.StringValue("2024-01-02T03:04:05Z"),
		DateModified:       types.StringValue("2024-02-03T04:05:06Z"),
		UserCount:          types.Int64Value(3),
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("model =\n%+v\nwant\n%+v", m, want)
	}
}

// MISP sends null domains for an organisation whose domains were never written and [] once cleared; both are an
// empty set, never null (the attribute is computed with a default of no restriction). Missing dates are null.
func TestOrganisationFromAPI_emptyValues(t *testing.T) {
	t.Parallel()
	for _, domains := range []string{`null`, `[]`, `""`} {
		o := decodeOrganisation(t, `{"id":"5","name":"x","local":false,"restricted_to_domain":`+domains+`}`)
		m, diags := organisationFromAPI(t.Context(), o)
		if diags.HasError() {
			t.Fatalf("%s: diagnostics: %v", domains, diags)
		}
		if !m.RestrictedToDomain.Equal(domainSet(t)) {
			t.Errorf("restricted_to_domain %s -> %v, want an empty set", domains, m.RestrictedToDomain)
		}
		if !m.DateCreated.IsNull() || !m.DateModified.IsNull() {
			t.Errorf("dates = %v, %v, want null", m.DateCreated, m.DateModified)
		}
		if m.Local.ValueBool() || m.UserCount.ValueInt64() != 0 {
			t.Errorf("local, user_count = %v, %v", m.Local, m.UserCount)
		}
	}
}

func TestOrganisationCreateInput(t *testing.T) {
	t.Parallel()
	t.Run("configured attributes only", func(t *testing.T) {
		t.Parallel()
		plan := organisationModel{
			Name:               types.StringValue("ACME"),
			Description:        types.StringValue(""),
			UUID:               uuidValue("0b1c5e7e-0000-4000-8000-000000000001"),
			Local:              types.BoolValue(false),
			RestrictedToDomain: domainSet(t, "example.org"),
			Landingpage:        types.StringValue("https://x.example"),
			Type:               types.StringUnknown(),
		}
		in, diags := organisationCreateInput(t.Context(), &plan)
		if diags.HasError() {
			t.Fatalf("diagnostics: %v", diags)
		}
		want := map[string]any{
			"name": "ACME", "description": "", "uuid": "0b1c5e7e-0000-4000-8000-000000000001", "local": false,
			"restricted_to_domain": []any{"example.org"}, "landingpage": "https://x.example",
		}
		if got := inputJSON(t, in); !reflect.DeepEqual(got, want) {
			t.Errorf("input = %v, want %v", got, want)
		}
	})
	t.Run("empty domains are sent, unknown ones are not", func(t *testing.T) {
		t.Parallel()
		plan := organisationModel{Name: types.StringValue("ACME"), RestrictedToDomain: domainSet(t)}
		in, _ := organisationCreateInput(t.Context(), &plan)
		if got := inputJSON(t, in); !reflect.DeepEqual(got["restricted_to_domain"], []any{}) {
			t.Errorf("input = %v, want restricted_to_domain []", got)
		}
		plan.RestrictedToDomain = types.SetUnknown(types.StringType)
		in, _ = organisationCreateInput(t.Context(), &plan)
		if in.RestrictedToDomain != nil {
			t.Errorf("unknown domains sent as %v", *in.RestrictedToDomain)
		}
	})
	t.Run("a record maps back to the same input", func(t *testing.T) {
		t.Parallel()
		o := decodeOrganisation(t, `{"id":"12","name":"ACME","description":"d","type":"CSIRT","nationality":"n",
			"sector":"s","uuid":"0b1c5e7e-0000-4000-8000-000000000001","contacts":"c","local":true,
			"restricted_to_domain":["example.org"],"landingpage":"https://x.example"}`)
		m, _ := organisationFromAPI(t.Context(), o)
		in, diags := organisationCreateInput(t.Context(), &m)
		if diags.HasError() {
			t.Fatalf("diagnostics: %v", diags)
		}
		want := map[string]any{
			"name": "ACME", "description": "d", "type": "CSIRT", "nationality": "n", "sector": "s",
			"uuid": "0b1c5e7e-0000-4000-8000-000000000001", "contacts": "c", "local": true,
			"restricted_to_domain": []any{"example.org"}, "landingpage": "https://x.example",
		}
		if got := inputJSON(t, in); !reflect.DeepEqual(got, want) {
			t.Errorf("input = %v, want %v", got, want)
		}
	})
}

func TestOrganisationUpdateInput(t *testing.T) {
	t.Parallel()
	state := organisationModel{
		ID:                 types.StringValue("12"),
		UUID:               uuidValue("0b1c5e7e-0000-4000-8000-000000000001"),
		Name:               types.StringValue("ACME"),
		Description:        types.StringValue("d"),
		Type:               types.StringValue("CSIRT"),
		Nationality:        types.StringValue(""),
		Sector:             types.StringValue(""),
		Contacts:           types.StringValue(""),
		Local:              types.BoolValue(true),
		RestrictedToDomain: domainSet(t, "example.org"),
		Landingpage:        types.StringValue(""),
	}
	tests := []struct {
		name string
		edit func(p *organisationModel)
		want map[string]any
	}{
		{"nothing changed", func(*organisationModel) {}, map[string]any{}},
		{"changed texts and local", func(p *organisationModel) {
			p.Name = types.StringValue("ACME 2")
			p.Description = types.StringValue("")
			p.Local = types.BoolValue(false)
		}, map[string]any{"name": "ACME 2", "description": "", "local": false}},
		{"domains cleared", func(p *organisationModel) { p.RestrictedToDomain = domainSet(t) },
			map[string]any{"restricted_to_domain": []any{}}},
		{"domains changed", func(p *organisationModel) { p.RestrictedToDomain = domainSet(t, "example.org", "example.net") },
			map[string]any{"restricted_to_domain": []any{"example.org", "example.net"}}},
		{"uuid differing only in case is not sent", func(p *organisationModel) {
			p.UUID = uuidValue("0B1C5E7E-0000-4000-8000-000000000001")
		}, map[string]any{}},
		{"another uuid is sent", func(p *organisationModel) {
			p.UUID = uuidValue("0b1c5e7e-0000-4000-8000-000000000002")
		}, map[string]any{"uuid": "0b1c5e7e-0000-4000-8000-000000000002"}},
		{"unknown uuid is not sent", func(p *organisationModel) {
			p.UUID = uuidStringValue{StringValue: types.StringUnknown()}
		}, map[string]any{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			plan := state
			tc.edit(&plan)
			in, diags := organisationUpdateInput(t.Context(), &plan, &state)
			if diags.HasError() {
				t.Fatalf("diagnostics: %v", diags)
			}
			got := inputJSON(t, in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("input = %v, want %v", got, tc.want)
			}
			if (len(tc.want) == 0) != (in == misp.OrganisationInput{}) {
				t.Errorf("input %+v: Update skips the edit only when it is empty", in)
			}
		})
	}
}
