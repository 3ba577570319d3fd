# Pass the password at apply time (TF_VAR_analyst_password); as an ephemeral variable it never
# reaches the plan or the state. The default is for trying the example only.
variable "analyst_password" {
  type      = string
  sensitive = true
  ephemeral = true
  default   = "Example-Only-Passw0rd"
}

# An analyst of the host organisation (id 1) with the default "User" role (id 3). Bump
# password_wo_version to send a new password_wo.
resource "misp_user" "analyst" {
  email               = "analyst@example.org"
  org_id              = "1"
  role_id             = "3"
  password_wo         = var.analyst_password
  password_wo_version = 1
  notification_weekly = true
  expiration          = "2027-12-31T23:59:59Z"
}

# A bot account for a feed importer: its API key is kept in the state (sensitive).
resource "misp_user" "feed_bot" {
  email         = "feed-bot@example.org"
  role_id       = "4"
  change_pw     = false
  termsaccepted = true
  autoalert     = false
  store_authkey = true
}

# A new colleague, invited by e-mail: MISP sends a generated password. Bump
# password_reset_version to send a new one, totp_reset_version to clear their second factor.
resource "misp_user" "newcomer" {
  email                  = "newcomer@example.org"
  notify                 = true
  password_reset_version = 0
  totp_reset_version     = 0
}

output "feed_bot_api_key" {
  value     = misp_user.feed_bot.authkey
  sensitive = true
}
