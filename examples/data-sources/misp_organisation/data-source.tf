# The organisation of MISP's installation (id 1), and one looked up by name.
data "misp_organisation" "host" {
  id = "1"
}

resource "misp_organisation" "partner" {
  name  = "Partner CSIRT"
  local = false
}

data "misp_organisation" "partner" {
  name = misp_organisation.partner.name
}

output "host_org_uuid" {
  value = data.misp_organisation.host.uuid
}

output "partner_is_local" {
  value = data.misp_organisation.partner.local
}
