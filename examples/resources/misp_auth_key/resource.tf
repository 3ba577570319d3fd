# A bot account: a user in an integration organisation with its own API keys.
resource "misp_organisation" "integrations" {
  name = "Integrations"
}

resource "misp_user" "feed_bot" {
  email   = "feed-bot@integrations.example.org"
  org_id  = misp_organisation.integrations.id
  role_id = "3" # User
}

# A read-only key the bot pulls with, usable only from the integration's addresses, rotated by bumping
# keepers.rotation: create_before_destroy makes the new key before the old one is deleted, so whatever reads
# misp_auth_key.feed_bot_pull.authkey can switch over.
resource "misp_auth_key" "feed_bot_pull" {
  user_id     = misp_user.feed_bot.id
  comment     = "Feed puller (managed by Terraform)"
  read_only   = true
  allowed_ips = ["127.0.0.1", "::1", "192.0.2.0/24"]
  expiration  = "2030-01-01T00:00:00Z"

  keepers = {
    rotation = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}
