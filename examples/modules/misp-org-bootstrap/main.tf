# misp-org-bootstrap: one MISP organisation and its administrators, optionally with a dedicated admin role.
# The provider configuration is the caller's (this module declares no provider block).

locals {
  # Seeded in every MISP: role 2 is "Org Admin".
  seeded_org_admin_role_id = "2"
  admin_role_id            = var.custom_role == null ? local.seeded_org_admin_role_id : misp_role.org_admin[0].id
}

resource "misp_organisation" "this" {
  name        = var.name
  description = var.description
  sector      = var.sector
  local       = true
}

resource "misp_role" "org_admin" {
  count = var.custom_role == null ? 0 : 1

  name               = var.custom_role.name
  permission         = var.custom_role.permission
  perm_admin         = true
  perm_auth          = true
  perm_tagger        = var.custom_role.perm_tagger
  perm_sighting      = var.custom_role.perm_sighting
  perm_sharing_group = var.custom_role.perm_sharing_group
}

resource "misp_user" "admin" {
  for_each = toset([for e in var.admins : lower(e)])

  email   = each.key
  org_id  = misp_organisation.this.id
  role_id = local.admin_role_id
}

# The partner sharing group: the organisation (allowed to extend the group) and its partners, shared through this
# MISP instance only. Owned by the organisation of the provider's key.
resource "misp_sharing_group" "partners" {
  count = var.partner_sharing_group == null ? 0 : 1

  name          = var.partner_sharing_group.name
  description   = var.partner_sharing_group.description
  releasability = var.partner_sharing_group.releasability

  organisations = concat(
    [{ organisation_id = misp_organisation.this.id, extend = true }],
    [for id in var.partner_sharing_group.partner_organisation_ids : { organisation_id = id, extend = false }],
  )
  servers = [{ server_id = "0", all_orgs = false }]
}

resource "misp_user" "bot" {
  count = var.bot == null ? 0 : 1

  email   = lower(var.bot.email)
  org_id  = misp_organisation.this.id
  role_id = "3" # seeded "User"
}

resource "misp_auth_key" "bot" {
  count = var.bot == null ? 0 : 1

  user_id     = misp_user.bot[0].id
  comment     = "${var.name} integration (misp-org-bootstrap)"
  read_only   = var.bot.read_only
  allowed_ips = var.bot.allowed_ips
  keepers     = { rotation = var.bot.rotation }

  lifecycle {
    create_before_destroy = true
  }
}
