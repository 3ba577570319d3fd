# One user, by e-mail address (without regard to case) or by id.
data "misp_user" "admin" {
  email = "admin@admin.test"
}

data "misp_user" "first" {
  id = "1"
}

output "admin_role" {
  value = "${data.misp_user.admin.email} is ${data.misp_user.admin.role_name} of ${data.misp_user.admin.org_name}"
}
