# A group whose memberships are managed one by one (leave organisations out of misp_sharing_group).
resource "misp_sharing_group" "community" {
  name = "Sector community"
}

resource "misp_organisation" "member" {
  name = "Community member"
}

resource "misp_sharing_group_organisation" "member" {
  sharing_group_id = misp_sharing_group.community.id
  organisation_id  = misp_organisation.member.id
  extend           = false
}
