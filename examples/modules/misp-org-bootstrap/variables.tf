variable "name" {
  description = "Name of the organisation (unique in MISP)."
  type        = string

  validation {
    condition     = length(trimspace(var.name)) > 0
    error_message = "The organisation name must not be empty."
  }
}

variable "description" {
  description = "Description of the organisation."
  type        = string
  default     = "Managed by Terraform"
}

variable "sector" {
  description = "Sector of the organisation, or null to leave it to MISP."
  type        = string
  default     = null
}

variable "admins" {
  description = "E-mail addresses of the organisation's administrators. Each gets a MISP account in the organisation with the admin role."
  type        = list(string)

  validation {
    condition     = length(var.admins) > 0
    error_message = "An organisation needs at least one administrator."
  }

  validation {
    condition     = alltrue([for e in var.admins : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Every admin must be an e-mail address (name@domain.tld)."
  }

  validation {
    condition     = length(distinct([for e in var.admins : lower(e)])) == length(var.admins)
    error_message = "Admin e-mail addresses must be unique (MISP compares them case-insensitively)."
  }
}

variable "custom_role" {
  description = <<-EOT
    An organisation-admin role to create and give to the admins instead of the seeded "Org Admin" role (id 2).
    null (the default) uses the seeded role.
  EOT
  type = object({
    name               = string
    permission         = optional(string, "manage_org")
    perm_tagger        = optional(bool, true)
    perm_sighting      = optional(bool, true)
    perm_sharing_group = optional(bool, false)
  })
  default = null
}

variable "partner_sharing_group" {
  description = <<-EOT
    A sharing group for the organisation and its partners (ids of existing organisations), created when set. The
    organisation is a member that may extend the group; the partners are members that may not. null (the default)
    creates none.
  EOT
  type = object({
    name                     = string
    description              = optional(string, "Managed by Terraform")
    releasability            = optional(string, "")
    partner_organisation_ids = optional(list(string), [])
  })
  default = null

  validation {
    condition     = var.partner_sharing_group == null || length(distinct(try(var.partner_sharing_group.partner_organisation_ids, []))) == length(try(var.partner_sharing_group.partner_organisation_ids, []))
    error_message = "Each partner organisation may be listed once."
  }
}

variable "bot" {
  description = <<-EOT
    An integration account for the organisation: a user with the seeded "User" role (3) and its own API key
    (misp_auth_key), read-only by default and optionally pinned to addresses. Bump rotation to replace the key
    (the new one is made before the old one is deleted). null (the default) creates none.
  EOT
  type = object({
    email       = string
    read_only   = optional(bool, true)
    allowed_ips = optional(list(string))
    rotation    = optional(string, "1")
  })
  default = null
}
