# The built-in read-only role, e.g. for auditors' accounts.
data "misp_role" "read_only" {
  name = "Read Only"
}

output "read_only_role_id" {
  value = data.misp_role.read_only.id
}

output "read_only_can_use_api" {
  value = data.misp_role.read_only.perm_auth
}
