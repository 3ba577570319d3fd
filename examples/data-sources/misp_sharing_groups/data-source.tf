# Every sharing group the provider's API key may see, active and inactive.
data "misp_sharing_groups" "all" {}

output "sharing_group_names" {
  value = [for g in data.misp_sharing_groups.all.sharing_groups : g.name]
}
