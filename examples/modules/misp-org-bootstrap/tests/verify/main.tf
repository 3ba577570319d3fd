# Test helper: reads back, through the provider's data sources, what the module left in MISP, so the tests
# check MISP itself and not only the module's own state.

terraform {
  required_providers {
    misp = {
      source  = "misp-iac/misp"
      version = "~> 0.1"
    }
  }
}

variable "organisation_id" {
  type = string
}

data "misp_organisation" "org" {
  id = var.organisation_id
}

data "misp_users" "org" {
  org_id = var.organisation_id
}

output "emails" {
  value = sort([for u in data.misp_users.org.users : u.email])
}

output "role_names" {
  value = distinct([for u in data.misp_users.org.users : u.role_name])
}
