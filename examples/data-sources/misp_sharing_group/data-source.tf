resource "misp_sharing_group" "example" {
  name = "Looked-up group"
}

# By id, uuid or name (one of them).
data "misp_sharing_group" "by_name" {
  name = misp_sharing_group.example.name
}

output "sharing_group_members" {
  value = data.misp_sharing_group.by_name.organisations
}
