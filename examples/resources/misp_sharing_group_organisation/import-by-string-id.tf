# Adopt a membership: the id is <sharing group>/<organisation>, each by uuid or numeric id.
import {
  to = misp_sharing_group_organisation.member
  id = "7c0e8d52-3b1a-4f6e-9d2c-5a4b3c2d1e0f/2f4e6a8c-1b3d-4c5e-8f7a-9b0c1d2e3f4a"
}
