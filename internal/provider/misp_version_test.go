package provider

import (
	"strings"
	"testing"
)

func TestVersionDiagnostics(t *testing.T) {
	for v, want := range map[string]string{
		"2.5.1":     "",
		"2.5.0":     "",
		"2.5.12":    "",
		"2.4.199":   "MISP 2.4 is not tested",
		"2.6.0":     "newer MISP is not tested",
		"3.0":       "newer MISP is not tested",
		"not-a-ver": "not a version number",
	} {
		diags := versionDiagnostics("https://misp.example.org", v)
		if diags.HasError() {
			t.Errorf("%s: an error, want at most a warning", v)
		}
		got := ""
		if len(diags) > 0 {
			got = diags[0].Detail()
		}
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", v, got, want)
		}
		if want != "" && !strings.Contains(got, "MISP 2.5.x") {
			t.Errorf("%s: the warning does not name the supported range: %q", v, got)
		}
	}
}
