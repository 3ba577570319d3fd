resource "misp_role" "analyst" {
  name       = "Analyst"
  permission = "manage_own"
  perm_auth  = true
}

# Users created without a role_id get the analyst role. Destroying this resource
# makes the previous default role the default again.
resource "misp_default_role" "this" {
  role_id = misp_role.analyst.id
}
