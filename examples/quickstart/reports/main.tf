# Reports on the quick start's organisation, read from MISP as it is now (what Terraform manages and what it
# does not): a separate root module, because these values change on their own (a user logs in, someone adds a
# user in the UI) and, as outputs of the managed configuration, would turn every drift plan red. Run it with
# terraform apply (it only reads) and read the outputs, e.g. terraform output -raw users_csv > users.csv.

terraform {
  required_version = ">= 1.11"

  required_providers {
    misp = {
      source  = "misp-iac/misp"
      version = "~> 0.1"
    }
  }
}

# url and api_key come from MISP_URL and MISP_API_KEY.
provider "misp" {}

variable "organisation_name" {
  description = "Name of the organisation to report on (the quick start's)."
  type        = string
  default     = "CERT Example"
}

data "misp_organisation" "cert" {
  name = var.organisation_name
}

data "misp_users" "cert" {
  org_id = data.misp_organisation.cert.id
}

data "misp_roles" "all" {}

output "organisation_user_count" {
  value = data.misp_organisation.cert.user_count
}

output "default_role" {
  value = one([for r in data.misp_roles.all.roles : r.name if r.default])
}

output "users" {
  value = { for u in data.misp_users.cert.users : u.email => u.role_name }
}

output "users_csv" {
  description = "The organisation's users as CSV (last_login included), the report an auditor asks for."
  value       = provider::misp::users_csv(data.misp_users.cert.users)
}
