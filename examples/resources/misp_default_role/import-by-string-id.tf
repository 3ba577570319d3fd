# There is one default role per MISP instance: its import id is always "default".
import {
  to = misp_default_role.this
  id = "default"
}
