# Disabled accounts of the host organisation; MISP filters on the server.
data "misp_users" "disabled" {
  org_id   = "1"
  disabled = true
}

# Users whose e-mail, organisation name or role name contains "admin".
data "misp_users" "admins" {
  search = "admin"
}

# Users without a second factor, from the filtered list.
output "admins_without_totp" {
  value = [for u in data.misp_users.admins.users : u.email if !u.totp_enabled]
}

output "disabled_accounts" {
  value = data.misp_users.disabled.users[*].email
}
