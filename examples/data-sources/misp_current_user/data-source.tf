# Who the provider's API key belongs to: adapt a module to what the key may do, or let CI assert its identity.
data "misp_current_user" "me" {}

check "runs_as_site_admin" {
  assert {
    condition     = data.misp_current_user.me.site_admin
    error_message = "This configuration manages organisations and roles: use a site admin's API key (the key belongs to ${data.misp_current_user.me.email})."
  }
}
