# An analyst's home page, hidden event-index columns and publish alert filter. For a whole team, put for_each on
# the settings over the team's misp_user resources.
resource "misp_organisation" "soc" {
  name = "SOC"
}

resource "misp_user" "analyst" {
  email   = "ana@soc.example.org"
  org_id  = misp_organisation.soc.id
  role_id = "3" # User
}

resource "misp_user_setting" "homepage" {
  user_id = misp_user.analyst.id
  setting = "homepage"
  value   = jsonencode({ path = "/events/index/searchpublished:1" })
}

resource "misp_user_setting" "hidden_columns" {
  user_id = misp_user.analyst.id
  setting = "event_index_hide_columns"
  value   = jsonencode(["clusters", "discussion"])
}

# Alert e-mails only for events tagged TLP:AMBER or TLP:RED.
resource "misp_user_setting" "publish_alert_filter" {
  user_id = misp_user.analyst.id
  setting = "publish_alert_filter"
  value = jsonencode({
    OR = { "Tag.name" = ["tlp:amber", "tlp:red"] }
  })
}
