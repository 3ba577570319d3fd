package provider

import (
	"fmt"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// The MISP versions this provider supports: what its client, emulator and tests were checked against
// (docs/development/misp-api.md is MISP 2.5.1's behaviour). README.md and the provider documentation say the same.
const (
	supportedMISPVersions = ">= 2.5.0, < 2.6.0"
	supportedMISPText     = "MISP 2.5.x (checked against 2.5.1)"
)

var supportedMISP = version.MustConstraints(version.NewConstraint(supportedMISPVersions))

// versionDiagnostics warns when the server's version (servers/getVersion) is outside the supported range. It
// never fails: MISP's REST API changes slowly, and the provider's own checks report what goes wrong.
func versionDiagnostics(url, got string) diag.Diagnostics {
	var diags diag.Diagnostics
	v, err := version.NewVersion(got)
	if err != nil {
		diags.AddWarning("Unknown MISP version",
			fmt.Sprintf("MISP at %s reports version %q, which is not a version number. This provider supports %s.", url, got, supportedMISPText))
		return diags
	}
	if supportedMISP.Check(v) {
		return diags
	}
	detail := fmt.Sprintf("MISP at %s runs version %s; this provider supports %s. ", url, got, supportedMISPText)
	if v.LessThan(version.Must(version.NewVersion("2.5.0"))) {
		detail += "MISP 2.4 is not tested: its roles lack flags of 2.5 (perm_analyst_data, perm_skip_otp and others " +
			"read as false), older 2.4 releases have no advanced auth keys (misp_auth_key), and the answers the provider " +
			"relies on were checked on 2.5 only. Upgrade MISP to 2.5, or check the plan carefully."
	} else {
		detail += "This newer MISP is not tested yet: changes of its REST API may show up as errors or differences. " +
			"Check the plan carefully, and look for a newer release of the provider."
	}
	diags.AddWarning("Unsupported MISP version", detail)
	return diags
}
