# A local organisation whose users must have an e-mail address in one of its domains.
resource "misp_organisation" "cert" {
  name                 = "CERT Example"
  description          = "National CSIRT"
  type                 = "CSIRT"
  nationality          = "Luxembourg"
  sector               = "Government"
  contacts             = "soc@cert.example.org"
  restricted_to_domain = ["cert.example.org"]

  # Set once: MISP's API cannot change it after creation.
  landingpage = "https://intranet.cert.example.org/misp"
}

# A remote organisation known from sharing, with the UUID it uses on its own instance.
resource "misp_organisation" "partner" {
  name  = "Partner CSIRT"
  uuid  = "5b6f3c2a-9d4e-4f1a-8b7c-6d5e4f3a2b1c"
  local = false
}
