# Quick start: what a MISP bootstrap looks like as code. `make demo` applies it against the mispfake emulator;
# against a real MISP set MISP_URL and MISP_API_KEY (a site admin's key) and run terraform init/apply.
#
# This root module holds only what Terraform manages, so that a drift job's `terraform plan -detailed-exitcode`
# exits 0 until someone changes a managed object in MISP. Reports built from MISP's live data (user counts,
# login times, the users_csv audit export) change on their own and live in their own root module, reports/:
# an output here that read them would make every plan after a login report "Changes to Outputs" (exit 2).

terraform {
  required_version = ">= 1.11" # write-only arguments (password_wo)

  required_providers {
    misp = {
      source  = "misp-iac/misp"
      version = "~> 0.1"
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

# An analyst with an initial password (write-only: rotate it by bumping password_wo_version). change_pw is
# not set: MISP clears it when the analyst picks their own password, and a configured change_pw = true would
# then show as drift and, applied, force yet another password change.
resource "misp_user" "analyst" {
  email               = "analyst@${var.email_domain}"
  org_id              = misp_organisation.cert.id
  role_id             = misp_role.analyst.id
  password_wo         = var.analyst_password
  password_wo_version = 1
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

output "organisation_id" {
  value = misp_organisation.cert.id
}

output "analyst_id" {
  value = misp_user.analyst.id
}

output "analyst_email" {
  value = misp_user.analyst.email
}

output "feed_bot_authkey" {
  value     = misp_user.feed_bot.authkey
  sensitive = true
}
