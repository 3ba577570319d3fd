# Adopt a user created in the MISP UI: the id is its e-mail address (any case) or its numeric id. With
# `terraform plan -generate-config-out=generated.tf` Terraform writes the resource block for you.
import {
  to = misp_user.analyst
  id = "analyst@example.org"
}
