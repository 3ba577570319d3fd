package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/misp-iac/terraform-provider-misp/internal/misp"
)

// addWriteError explains a refused add or edit, naming the attribute wherever MISP's answer allows.
func (r *userResource) addWriteError(diags *diag.Diagnostics, summary, attempted string, err error, roleSent bool) {
	var apiErr *misp.APIError
	if errors.As(err, &apiErr) {
		msg := apiErr.Message
		if msg == "" {
			msg = apiErr.Name
		}
		switch {
		case apiErr.StatusCode == http.StatusMethodNotAllowed && strings.EqualFold(msg, "Invalid role"):
			diags.AddAttributeError(path.Root("role_id"), summary,
				fmt.Sprintf("%s failed: MISP answered %q: the role does not exist. Check role_id against data.misp_roles.", attempted, msg))
			return
		case containsMessage(apiErr.Errors[""], "Invalid organisation"):
			diags.AddAttributeError(path.Root("org_id"), summary,
				fmt.Sprintf("%s failed: MISP answered \"Invalid organisation\": the organisation does not exist. Check org_id.", attempted))
			return
		case apiErr.StatusCode >= 500 && roleSent && r.orgAdminCaller():
			diags.AddAttributeError(path.Root("role_id"), summary,
				fmt.Sprintf("%s failed: %s\n\nThe provider's API key belongs to an org admin; MISP fails this way when an org admin "+
					"assigns a role with site-admin, sync or regexp permissions, or one restricted to site admins. Choose another "+
					"role or use a site admin's key.", attempted, err))
			return
		}
	} else if r.orgAdminCaller() && strings.Contains(err.Error(), "API description") {
		diags.AddAttributeError(path.Root("email"), summary,
			fmt.Sprintf("%s failed: %s\n\nFor an org admin this means the e-mail address is outside the domains the "+
				"organisation is restricted to (its restricted_to_domain).", attempted, err))
		return
	}
	addAPIError(diags, summary, attempted, err, userFieldPaths)
}

func containsMessage(msgs []string, want string) bool {
	for _, m := range msgs {
		if strings.EqualFold(strings.TrimSpace(m), want) {
			return true
		}
	}
	return false
}
