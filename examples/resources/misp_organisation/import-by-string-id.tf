# Adopt an organisation: the id is its exact (case-sensitive) name, its uuid or its numeric id.
import {
  to = misp_organisation.cert
  id = "CERT Example"
}

import {
  to = misp_organisation.partner
  id = "5b6f3c2a-9d4e-4f1a-8b7c-6d5e4f3a2b1c"
}
