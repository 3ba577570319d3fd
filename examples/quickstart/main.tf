# Quick start: what a MISP bootstrap looks like as code. `make demo` applies it against the mispfake emulator;
# against a real MISP set MISP_URL and MISP_API_KEY (a site admin's key) and run terraform init/apply.

terraform {
  required_version = ">= 1.11" # write-only arguments (password_wo)

  required_providers {
    misp = {
      source = "misp-iac/misp"
    }
  }
}

# url and api_key come from MISP_URL and MISP_API_KEY.
provider "misp" {}

variable "analyst_password" {
  description = "Initial password of the analyst. Ephemeral: it reaches MISP through the write-only password_wo and is never stored in a plan or state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "email_domain" {
  description = "Domain of the users' e-mail addresses."
  type        = string
  default     = "cert.example.org"
}

resource "misp_organisation" "cert" {
  name                 = "CERT Example"
  description          = "Managed by Terraform"
  type                 = "CSIRT"
  nationality          = "Europe"
  sector               = "Security"
  restricted_to_domain = [var.email_domain]
}

resource "misp_role" "analyst" {
  name               = "Analyst"
  permission         = "manage_own"
  perm_tagger        = true
  perm_sighting      = true
  perm_delegate      = false
  memory_limit       = "2048M"
  max_execution_time = "300"
}

# Every user created without an explicit role gets this one. Destroying it restores the previous default.
resource "misp_default_role" "this" {
  role_id = misp_role.analyst.id
}

# An analyst with an initial password (write-only: rotate it by bumping password_wo_version).
resource "misp_user" "analyst" {
  email               = "analyst@${var.email_domain}"
  org_id              = misp_organisation.cert.id
  role_id             = misp_role.analyst.id
  password_wo         = var.analyst_password
  password_wo_version = 1
  change_pw           = true
}

# The organisation's administrator, with the seeded "Org Admin" role.
resource "misp_user" "lead" {
  email   = "lead@${var.email_domain}"
  org_id  = misp_organisation.cert.id
  role_id = 2 # seeded "Org Admin"
}

# A bot account for an integration: its API key is shown by MISP once, at creation, and kept in state
# (sensitive) because store_authkey is true.
resource "misp_user" "feed_bot" {
  email         = "feed-bot@${var.email_domain}"
  org_id        = misp_organisation.cert.id
  role_id       = 6 # seeded "Read Only"
  store_authkey = true
}

# Data sources: MISP as it is now, including what Terraform does not manage. depends_on makes them read
# after the users are written, so the report below is never one apply behind.
data "misp_organisation" "cert" {
  name       = misp_organisation.cert.name
  depends_on = [misp_user.analyst, misp_user.lead, misp_user.feed_bot]
}

data "misp_roles" "all" {
  depends_on = [misp_role.analyst, misp_default_role.this]
}

data "misp_users" "cert" {
  org_id     = misp_organisation.cert.id
  depends_on = [misp_user.analyst, misp_user.lead, misp_user.feed_bot]
}

output "organisation_id" {
  value = misp_organisation.cert.id
}

output "organisation_user_count" {
  value = data.misp_organisation.cert.user_count
}

output "default_role" {
  value = one([for r in data.misp_roles.all.roles : r.name if r.default])
}

output "analyst_id" {
  value = misp_user.analyst.id
}

output "analyst_email" {
  value = misp_user.analyst.email
}

output "users" {
  value = { for u in data.misp_users.cert.users : u.email => u.role_name }
}

output "users_csv" {
  description = "The organisation's users as CSV, the report an auditor asks for."
  value       = provider::misp::users_csv(data.misp_users.cert.users)
}

output "feed_bot_authkey" {
  value     = misp_user.feed_bot.authkey
  sensitive = true
}
