# The users of one organisation as a CSV report (RFC 4180, header row), e.g. for a local_file
# resource or a CI artefact.
data "misp_users" "host_org" {
  org_id = "1"
}

output "host_org_users_csv" {
  value = provider::misp::users_csv(data.misp_users.host_org.users)
}
