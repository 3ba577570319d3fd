# A group whose memberships are managed one by one (leave organisations out of misp_sharing_group).
resource "misp_sharing_group" "community" {
  name = "Sector community"
  uuid = "7c0e8d52-3b1a-4f6e-9d2c-5a4b3c2d1e0f"
}

resource "misp_organisation" "member" {
  name = "Community member"
  uuid = "2f4e6a8c-1b3d-4c5e-8f7a-9b0c1d2e3f4a"
}

resource "misp_sharing_group_organisation" "member" {
  sharing_group_id = misp_sharing_group.community.id
  organisation_id  = misp_organisation.member.id
  extend           = false
}
