package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestUserPasswordPolicy(t *testing.T) {
	cases := []struct {
		pw, problem string
	}{
		{"Abcdefghij1!", ""},
		{"Abcdefghijk1", ""},
		{"Abcdefghijk#", ""},
		{"abcdefghijklmnop", ""}, // 16 of anything
		{"Abcdefghijk_", "a digit or symbol"},
		{"abcdefghijk1", "an upper-case letter"},
		{"ABCDEFGHIJK1", "a lower-case letter"},
		{"Short1!", "is 7 characters long"},
		{" Abcdefghij1!", "whitespace"},
		{"Abcdefghij1!\n", "line break"},
	}
	for _, c := range cases {
		var resp validator.StringResponse
		userPasswordPolicy{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("password_wo"), ConfigValue: types.StringValue(c.pw),
		}, &resp)
		if c.problem == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("%q refused: %v", c.pw, resp.Diagnostics)
			}
			continue
		}
		if !resp.Diagnostics.HasError() {
			t.Errorf("%q accepted, want a refusal mentioning %q", c.pw, c.problem)
			continue
		}
		for _, d := range resp.Diagnostics {
			text := d.Summary() + " " + d.Detail()
			if !strings.Contains(text, c.problem) {
				t.Errorf("%q: diagnostic %q does not mention %q", c.pw, text, c.problem)
			}
			if strings.Contains(text, strings.TrimSpace(c.pw)) {
				t.Errorf("%q: the diagnostic repeats the password: %q", c.pw, text)
			}
		}
	}
}

func TestUserStringsEquivalent(t *testing.T) {
	cases := []struct {
		kind userStringKind
		a, b string
		want bool
	}{
		{userEmailKind, "Ann@Example.org", "ann@example.ORG", true},
		{userEmailKind, "ann@example.org", "bob@example.org", false},
		{userTrimmedKind, "KEY\n", "KEY", true},
		{userTrimmedKind, "KEY", "key", false},
		{userInstantKind, "2030-01-02T03:04:05+02:00", "2030-01-02T01:04:05Z", true},
		{userInstantKind, "2030-01-02T01:04:05.9Z", "2030-01-02T01:04:05Z", true},
		{userInstantKind, "2030-01-02T01:04:06Z", "2030-01-02T01:04:05Z", false},
	}
	for _, c := range cases {
		if got := userStringsEquivalent(c.kind, c.a, c.b); got != c.want {
			t.Errorf("kind %d: %q vs %q = %v, want %v", c.kind, c.a, c.b, got, c.want)
		}
	}
}

func TestToMISPDatetime(t *testing.T) {
	got, err := toMISPDatetime("2030-01-02T03:04:05+02:00")
	if err != nil || got != "2030-01-02 01:04:05" {
		t.Fatalf("toMISPDatetime = %q, %v; want 2030-01-02 01:04:05 (UTC)", got, err)
	}
}
