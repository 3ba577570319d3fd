# An analyst role: manages its own events and may use the API. Flags left out keep MISP's value
# (false for a new role) and any value set later in MISP's UI.
resource "misp_role" "analyst" {
  name               = "Analyst"
  permission         = "manage_own"
  perm_auth          = true
  perm_tagger        = true
  perm_sighting      = true
  memory_limit       = "2048M"
  max_execution_time = 300
}

# An organisation administrator that only site admins may hand out.
resource "misp_role" "org_admin" {
  name                     = "Org Admin (publishing)"
  permission               = "publish"
  perm_admin               = true
  perm_auth                = true
  perm_audit               = true
  perm_sharing_group       = true
  restricted_to_site_admin = true
}
