data "misp_roles" "all" {}

# The role MISP currently gives to users created without a role_id.
output "default_role" {
  value = one([for r in data.misp_roles.all.roles : r.name if r.default])
}

# Roles whose name starts with "Org" (a SQL LIKE pattern, as MISP's name filter).
data "misp_roles" "org" {
  name = "Org%"
}

output "org_roles" {
  value = { for r in data.misp_roles.org.roles : r.name => r.permission }
}
