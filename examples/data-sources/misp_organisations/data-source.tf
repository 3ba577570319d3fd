# Every organisation, local and remote.
data "misp_organisations" "all" {
  scope = "all"
}

# Local organisations whose name, description, sector... mention "csirt".
data "misp_organisations" "csirts" {
  search = "csirt"
}

output "organisation_names" {
  value = [for o in data.misp_organisations.all.organisations : o.name]
}

output "csirt_count" {
  value = length(data.misp_organisations.csirts.organisations)
}
