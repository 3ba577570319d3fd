resource "misp_organisation" "partner_a" {
  name = "Partner A"
}

resource "misp_organisation" "partner_b" {
  name = "Partner B"
}

# A sharing group whose members are listed here (authoritative: members added in MISP are removed again).
# The API key's organisation owns the group but is not a member unless listed.
resource "misp_sharing_group" "partners" {
  name          = "Partners"
  description   = "Data shared with our partner CSIRTs"
  releasability = "TLP:AMBER, partners only"

  organisations = [
    { organisation_id = misp_organisation.partner_a.id, extend = true },
    { organisation_id = misp_organisation.partner_b.id, extend = false },
  ]

  # This MISP instance (server 0), sharing with the listed organisations only.
  servers = [{ server_id = "0", all_orgs = false }]
}
