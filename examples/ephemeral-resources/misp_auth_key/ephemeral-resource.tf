# A read-only key for this run only: it never reaches the plan or the state, and it is deleted when Terraform
# closes it at the end of the run (at the latest it dies after ttl).
data "misp_current_user" "me" {}

ephemeral "misp_auth_key" "run" {
  user_id   = data.misp_current_user.me.id
  ttl       = "15m"
  read_only = true
  comment   = "Read-only key of one Terraform run"
}

# Hand it to whatever takes a credential during the run: a provider configuration, a write-only attribute,
# another ephemeral resource. For example a second configuration of this provider that can only read:
#
# provider "misp" {
#   alias   = "read_only"
#   url     = "https://misp.example.org"
#   api_key = ephemeral.misp_auth_key.run.authkey
# }
