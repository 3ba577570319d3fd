# Adopt a sharing group: the id is its name, its uuid or its numeric id.
import {
  to = misp_sharing_group.partners
  id = "Partners"
}
