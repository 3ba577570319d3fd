# Adopt a role: the id is its exact (case-sensitive) name or its numeric id.
import {
  to = misp_role.analyst
  id = "Analyst"
}
