output "organisation_id" {
  description = "MISP id of the organisation."
  value       = misp_organisation.this.id
}

output "organisation_uuid" {
  description = "UUID of the organisation."
  value       = misp_organisation.this.uuid
}

output "admin_role_id" {
  description = "Id of the role the administrators have: the custom role, or the seeded \"Org Admin\" (2)."
  value       = local.admin_role_id
}

output "admin_user_ids" {
  description = "MISP user id of each administrator, by lower-cased e-mail address."
  value       = { for email, u in misp_user.admin : email => u.id }
}

output "partner_sharing_group_id" {
  description = "MISP id of the partner sharing group, or null when none was requested."
  value       = var.partner_sharing_group == null ? null : misp_sharing_group.partners[0].id
}

output "bot_user_id" {
  description = "MISP user id of the integration account, or null without var.bot."
  value       = var.bot == null ? null : misp_user.bot[0].id
}

output "bot_api_key" {
  description = "The integration account's API key (a secret, also kept in the state), or null without var.bot."
  value       = var.bot == null ? null : misp_auth_key.bot[0].authkey
  sensitive   = true
}

output "bot_key_id" {
  description = "MISP id of the integration account's current API key, or null without var.bot."
  value       = var.bot == null ? null : misp_auth_key.bot[0].id
}
